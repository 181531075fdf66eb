using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Harness;
using Xunit;
using static StaticCnn.Generator.Tests.Harness.Src;

namespace StaticCnn.Generator.Tests;

/// <summary>Declarations at the edges of C#: where the class lives, what the members and names are called.</summary>
public class EdgeCaseTests
{
    private const string Small = "InputChannels = 1, InputHeight = 8, InputWidth = 8";

    private static GeneratorRun Clean(string source) => GeneratorHarness.Run(source).AssertClean();

    [Fact]
    public void GlobalNamespace() =>
        Clean("using StaticCnn;\n[Network(" + Small + ")]\npublic partial class GlobalNet\n{\n    [Dense(10)] public partial Layer Fc { get; }\n}\n");

    [Fact]
    public void NestedInPartialGenericOuter() => Clean("""
        using StaticCnn;
        namespace N;
        public partial class Outer<T>
        {
            [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
            public partial class Inner
            {
                [Conv2D(4)] public partial Layer Conv1 { get; }
            }
        }
        """);

    [Fact]
    public void InternalSealedClass_InternalLayers() => Clean("""
        using StaticCnn;
        namespace N;
        [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
        internal sealed partial class Small
        {
            [Conv2D(4)] internal partial Layer Conv1 { get; }
        }
        """);

    [Fact]
    public void PartialRecord() => Clean("""
        using StaticCnn;
        namespace N;
        [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
        public partial record R
        {
            [Dense(4)] public partial Layer Fc { get; }
        }
        """);

    [Fact]
    public void ConstantExpressionsInAttributes()
    {
        GeneratorRun run = Clean("""
            using StaticCnn;
            namespace N;
            [Network(InputChannels = K.C, InputHeight = 4 * 2, InputWidth = K.C << 2)]
            public partial class K
            {
                public const int C = 2;
                [Conv2D(C * 3, Kernel = C + 1, Padding = C / 2)] public partial Layer Conv1 { get; }
            }
            """);
        // 2×8×8 → Conv 6@3×3 p1 → 6×8×8: 6·2·9 + 6 = 114 parameters.
        Assert.Contains("public const long ParameterCount = 114;", run.AllGeneratedText);
    }

    [Fact]
    public void SameClassNameInThreeNamespaces_GetsDistinctFiles()
    {
        GeneratorRun run = Clean("""
            using StaticCnn;
            namespace A { [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)] public partial class Net { [Dense(3)] public partial Layer Fc { get; } } }
            namespace A.B { [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)] public partial class Net { [Dense(3)] public partial Layer Fc { get; } } }
            namespace A_B { [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)] public partial class Net { [Dense(3)] public partial Layer Fc { get; } } }
            """);
        Assert.Equal(3, run.GeneratedSources.Select(s => s.HintName).Distinct().Count());
    }

    [Fact]
    public void ClassNamedLikeALayerKind() => Clean("""
        using StaticCnn;
        namespace N;
        [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
        public partial class Dense
        {
            [Conv2D(4)] public partial Layer Conv1 { get; }
        }
        """);

    [Fact]
    public void UnicodeMemberName()
    {
        GeneratorRun run = Clean(Net(Small, L("Dense(10)", "Ausgabeß"), L("Dense(4, Name = \"kopf.größe_2\")", "Kopf")));
        Assert.Contains("Ausgabeß", run.AllGeneratedText);
        Assert.Contains("\"kopf.größe_2.weight\"", run.AllGeneratedText);
    }

    [Theory]
    [InlineData("fc\\\"x")]   // a quote
    [InlineData("fc*/x")]      // ends a block comment
    [InlineData("fc\\r\\nx")]  // a line break
    [InlineData("fc\\u0085x")] // NEL, a line break for C#
    [InlineData("fc x")]
    [InlineData(".fc")]
    [InlineData("fc..x")]
    [InlineData("fc.")]
    public void PyTorchNameThatIsNotAModulePath_IsAnArgumentError(string name)
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Small, L("Dense(10, Name = \"" + name + "\")", "Fc")));
        Assert.True(run.Result.Exception is null, run.Describe());
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics, x => x.Id == "SCNN0011");
        Assert.StartsWith("Layer 'Fc': Name must be a PyTorch module path", d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        run.AssertNoCompilerErrors();
    }

    [Theory]
    [InlineData("Parameters")]
    [InlineData("Forward")]
    [InlineData("InputSize")]
    [InlineData("Summary")]
    [InlineData("Dispose")]
    [InlineData("CompileErrors")]
    [InlineData("_parameters")]
    [InlineData("CreateInferenceContext")]
    [InlineData("BeginCall")]
    [InlineData("EndCall")]
    [InlineData("ThrowIfDisposed")]
    [InlineData("ScratchFor")]
    [InlineData("_arenas")]
    [InlineData("_inUse")]
    public void LayerNamedLikeAGeneratedMember_IsReservedNameError(string member)
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Small, L("Dense(10)", member)));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0015");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void UserMemberNamedLikeAShapeStruct_DoesNotBreakTheGeneratedCode()
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Small, L("Conv2D(4)", "Conv1"), "    public struct Conv1Shape { }", "    public int Forward(int x) => x;",
            "    public static string Use() => Summary + SummaryText;", "    public static string Summary => \"mine\";"));
        Assert.True(run.Result.Exception is null);
        Assert.Equal(new[] { "Conv1Shape", "Forward", "Summary" }, run.GeneratorDiagnostics.Where(d => d.Id == "SCNN0015")
            .Select(d => d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Split('\'')[1]).OrderBy(x => x, StringComparer.Ordinal));
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void StaticClass_IsAnScnnErrorOnly()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;
            namespace N;
            [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
            public static partial class S
            {
            }
            """);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0014");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void KeywordMemberName_IsEscaped()
    {
        GeneratorRun run = Clean(Net(Small, L("Dense(10)", "@class"), L("ReLU", "@int"), "    public object Use() => @class.ToString() + @int;"));
        Assert.Contains("global::StaticCnn.Layer @class {", run.AllGeneratedText);
        Assert.Contains("\"class.weight\"", run.AllGeneratedText); // the PyTorch name has no '@'
    }

    [Fact]
    public void KeywordClassName_IsEscaped()
    {
        GeneratorRun run = Clean("using StaticCnn;\nnamespace N;\npublic partial class @event\n{\n    [Network(" + Small + ")]\n    public partial class @class\n    {\n"
            + "        [Dense(10)] public partial Layer Fc { get; }\n    }\n}\n");
        Assert.Contains("public @class(int maxBatch = 1, ulong seed = 0)", run.AllGeneratedText);
    }

    [Fact]
    public void NewlineInPyTorchName_DoesNotBreakTheGeneratedCode()
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Small, L("Dense(10, Name = \"fc\\n.x\")", "Fc")));
        Assert.True(run.Result.Exception is null);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics, x => x.Id == "SCNN0011");
        Assert.Equal("Layer 'Fc': Name must be a PyTorch module path: letters, digits and underscores, in segments separated by dots (e.g. \"features.0\") (got \"fc\\n.x\")",
            d.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void CommentText_HasNoLineBreaksOrCommentEnd()
    {
        Assert.Equal("a?b?c*?/d", StaticCnn.Generator.Emit.Lit.Comment("a\nb\u2028c*/d"));
    }

    // ---- hint names: the compiler compares them ignoring case, and a duplicate used to throw (CS8785), losing every network ----

    private const string Net4 = "[Network(InputChannels = 1, InputHeight = 4, InputWidth = 4)]";

    [Fact]
    public void NamesCollidingIgnoringCaseArityOrKind_GetDistinctFiles()
    {
        GeneratorRun run = Clean($$"""
            using StaticCnn;
            namespace H
            {
                {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } }
                {{Net4}} public partial class NET { [Dense(2)] public partial Layer A { get; } }
                public partial class Outer { {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } } }
                public partial class Outer<T> { {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } } }
                public partial class Outer_1 { {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } } }
                public partial class outer2 { {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } } }
                {{Net4}} public partial class Solo { [Dense(2)] public partial Layer A { get; } }
            }
            namespace H.Outer2 { {{Net4}} public partial class Net { [Dense(2)] public partial Layer A { get; } } }
            """);
        var hints = run.GeneratedSources.Select(s => s.HintName).ToList();
        Assert.Equal(8, hints.Count);
        Assert.Equal(8, hints.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(run.GeneratedSources, s => Assert.Contains("public const int OutputSize = 2;", s.Text));
        // Plain names stay plain; generic containers keep their arity; colliding ones get a disambiguator.
        Assert.Contains("H.Solo.g.cs", hints);
        Assert.Contains("H.Outer.Net.g.cs", hints);
        Assert.Contains(hints, h => h.StartsWith("H.Outer_1.Net.-", StringComparison.Ordinal));
        Assert.Contains(hints, h => h.StartsWith("H.Net.-", StringComparison.Ordinal));
        Assert.Contains(hints, h => h.StartsWith("H.NET.-", StringComparison.Ordinal));
        // Stable: the same source gives the same names.
        Assert.Equal(hints, Clean(run.InputCompilation.SyntaxTrees.Single().ToString()).GeneratedSources.Select(s => s.HintName).ToList());
    }

    [Fact]
    public void StrayLayerAttributes_InGenericAndCaseVariantClasses_GetDistinctFiles()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;
            namespace H;
            public partial class G<T> { [Dense(2)] public partial Layer A { get; } }
            public partial class g { [Dense(2)] public partial Layer A { get; } }
            public partial class Two { [Dense(2)] public partial Layer A { get; } [Dense(2)] public partial Layer a { get; } }
            """);
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Equal(4, run.GeneratorDiagnostics.Count(d => d.Id == "SCNN0012"));
        Assert.Equal(4, run.GeneratedSources.Select(s => s.HintName).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void NetworkAttribute_OnTwoPartialDeclarations_GeneratesOnce()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using StaticCnn;
            namespace H;
            {{Net4}} public partial class Twice { [Dense(2)] public partial Layer A { get; } }
            {{Net4}} public partial class Twice { }
            {{Net4}} public partial class Other { [Dense(3)] public partial Layer A { get; } }
            """);
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Equal(2, run.GeneratedSources.Count);
        // The compiler's CS0579 (duplicate attribute) is the only error; the network itself is generated and complete.
        Assert.Equal(new[] { "CS0579" }, run.CompilerErrors.Select(d => d.Id).Distinct());
        Assert.Contains(run.GeneratedSources, s => s.HintName == "H.Twice.g.cs" && s.Text.Contains("public const int OutputSize = 2;"));
    }

    [Fact]
    public void StrayLayerAttribute_BelowCSharp13_IsNotImplemented()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;
            namespace H;
            public partial class Stray { [Dense(2)] public partial Layer A { get; } }
            """, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12);
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0012");
        Assert.Empty(run.GeneratedSources); // an implementation would be one more CS8703, in generated code
        Assert.DoesNotContain(run.AllCompilerErrors, d => d.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void PrimaryConstructorNetwork_StubHasNoConstructor()
    {
        GeneratorRun run = GeneratorHarness.Run($$"""
            using StaticCnn;
            namespace H;
            {{Net4}} public partial record N(int Q) { [Dense(2)] public partial Layer A { get; } }
            public static class Use { public static int Q(N n) => n.Q + N.InputSize; }
            """);
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0016");
        run.AssertNoCompilerErrors();
        Assert.DoesNotContain("public N(int maxBatch", run.AllGeneratedText);
    }
}
