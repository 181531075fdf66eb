using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>The harness itself: references resolve, sources without networks are left alone, the generator loads.</summary>
public class HarnessTests
{
    [Fact]
    public void SourceWithoutNetwork_CompilesCleanly_AndGeneratesNothing()
    {
        var run = GeneratorHarness.Run("""
            using StaticCnn;
            namespace User;
            public class Plain { public TensorShape Shape => new(1, 2, 3); }
            """);
        run.AssertClean();
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.Empty(run.GeneratedSources);
    }

    [Fact]
    public void LoadedAssembly_ReadsStaticMembers()
    {
        var run = GeneratorHarness.Run("""
            namespace User;
            public static class Holder { public const long Big = 11_689_512; public static string Text => "x"; }
            """);
        using var asm = run.Load();
        Assert.Equal(11_689_512L, asm.Static<long>("User.Holder", "Big"));
        Assert.Equal("x", asm.Static<string>("User.Holder", "Text"));
    }

    [Fact]
    public void OlderLanguageVersion_IsUsedForParsing()
    {
        var run = GeneratorHarness.Run("namespace User; public class C { }", LanguageVersion.CSharp12);
        run.AssertClean();
        Assert.Equal(LanguageVersion.CSharp12, ((CSharpParseOptions)run.InputCompilation.SyntaxTrees.First().Options).LanguageVersion);
    }
}
