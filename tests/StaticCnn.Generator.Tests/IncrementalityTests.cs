using System.Collections;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>Tier 3: unrelated edits leave every tracked step Cached or Unchanged, and the model holds values only.</summary>
public class IncrementalityTests
{
    private static readonly string[] Steps = { "Parse", "Infer", "Plan" };

    private const string Unrelated = """
        namespace User;
        public static class Helpers { public static int Twice(int x) => 2 * x; }
        """;

    private static (GeneratorRun First, GeneratorRun Second) RunTwice(string[] sources, Func<CSharpCompilation, CSharpCompilation> edit)
    {
        CSharpCompilation c1 = GeneratorHarness.Compile(sources);
        GeneratorRun first = GeneratorHarness.Run(GeneratorHarness.CreateDriver(), c1);
        GeneratorRun second = GeneratorHarness.Run(first.Driver, edit(c1));
        return (first, second);
    }

    private static void AssertAllCachedOrUnchanged(GeneratorRun second)
    {
        var steps = second.Result.TrackedSteps;
        foreach (string name in Steps)
        {
            Assert.True(steps.ContainsKey(name), $"step '{name}' is not tracked; tracked: {string.Join(", ", steps.Keys)}");
            foreach (IncrementalGeneratorRunStep step in steps[name])
                foreach (var (value, reason) in step.Outputs)
                    Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                        $"step '{name}' output {Short(value)} is {reason} after an unrelated edit");
        }
    }

    private static string Short(object? o) { string s = o?.ToString() ?? "null"; return s.Length > 200 ? s[..200] + "…" : s; }

    private static CSharpSyntaxTree Tree(string text) => (CSharpSyntaxTree)CSharpSyntaxTree.ParseText(text, GeneratorHarness.ParseOptions(), path: "Added.cs");

    [Fact]
    public void AddingAnUnrelatedClass_LeavesEveryStepCached()
    {
        var (first, second) = RunTwice(new[] { Specs.LeNet5, Unrelated },
            c => c.AddSyntaxTrees(Tree("namespace User; public class Another { public int X; }")));
        first.AssertClean();
        AssertAllCachedOrUnchanged(second);
        Assert.Equal(first.AllGeneratedText, second.AllGeneratedText);
    }

    [Fact]
    public void EditingAnotherFile_LeavesEveryStepCached()
    {
        var (_, second) = RunTwice(new[] { Specs.LeNet5, Unrelated }, c =>
        {
            SyntaxTree old = c.SyntaxTrees.Single(t => t.ToString().Contains("Helpers"));
            return c.ReplaceSyntaxTree(old, old.WithChangedText(old.GetText().Replace(0, 0, "// a comment\n")));
        });
        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void CommentAtTheEndOfTheNetworkFile_LeavesEveryStepCachedOrUnchanged()
    {
        var (_, second) = RunTwice(new[] { Specs.Residual, Unrelated }, c =>
        {
            SyntaxTree old = c.SyntaxTrees.Single(t => t.ToString().Contains("ResidualNet"));
            var text = old.GetText();
            return c.ReplaceSyntaxTree(old, old.WithChangedText(text.Replace(text.Length, 0, "\n// trailing comment\n")));
        });
        AssertAllCachedOrUnchanged(second);
    }

    [Fact]
    public void CommentAtTheTopOfTheNetworkFile_StopsAtParse()
    {
        // The comment moves every attribute, so Parse (which keeps diagnostic spans) may change; a valid network's
        // Infer and Plan outputs must not, so nothing is emitted again.
        var (_, second) = RunTwice(new[] { Specs.LeNet5 }, c =>
        {
            SyntaxTree old = c.SyntaxTrees.Single();
            return c.ReplaceSyntaxTree(old, old.WithChangedText(old.GetText().Replace(0, 0, "// a comment at the top\n")));
        });
        foreach (string name in new[] { "Infer", "Plan" })
            Assert.All(second.Result.TrackedSteps[name].SelectMany(s => s.Outputs),
                o => Assert.True(o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        Assert.All(second.Result.TrackedSteps["SourceOutput"].SelectMany(s => s.Outputs),
            o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void EditingOneNetwork_LeavesTheOtherNetworksOutputsCached()
    {
        var (first, second) = RunTwice(new[] { Specs.LeNet5, Specs.Cifar10 }, c =>
        {
            SyntaxTree old = c.SyntaxTrees.Single(t => t.ToString().Contains("LeNet5"));
            return c.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(old.ToString().Replace("Dense(84,", "Dense(80,"))));
        });
        foreach (string name in Steps)
        {
            var outputs = second.Result.TrackedSteps[name].SelectMany(s => s.Outputs).ToList();
            Assert.Contains(outputs, o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
            if (name == "Parse") Assert.Contains(outputs, o => o.Reason is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        }
        Assert.NotEqual(first.AllGeneratedText, second.AllGeneratedText);
        Assert.Contains("Dense", second.AllGeneratedText);
    }

    [Fact]
    public void RealEdit_ChangesTheOutput()
    {
        var (first, second) = RunTwice(new[] { Specs.LeNet5 }, c =>
        {
            SyntaxTree old = c.SyntaxTrees.Single();
            return c.ReplaceSyntaxTree(old, old.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(old.ToString().Replace("Conv2D(6,", "Conv2D(8,"))));
        });
        var reasons = second.Result.TrackedSteps["Plan"].SelectMany(s => s.Outputs).Select(o => o.Reason).ToList();
        Assert.Contains(reasons, r => r is IncrementalStepRunReason.Modified or IncrementalStepRunReason.New);
        Assert.NotEqual(first.AllGeneratedText, second.AllGeneratedText);
    }

    [Fact]
    public void TrackingNames_AreTheDocumentedStepNames()
    {
        var fields = typeof(NetworkGenerator).Assembly.GetType("StaticCnn.Generator.TrackingNames")?
            .GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();
        Assert.NotNull(fields);
        Assert.Superset(new HashSet<string>(Steps), new HashSet<string>(fields!));
    }

    // ---------------- the model holds values only ----------------

    private static readonly Type[] Forbidden = { typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(Location), typeof(Compilation), typeof(SemanticModel), typeof(SyntaxToken) };

    public static TheoryData<string> ModelSpecs => new() { "LeNet5", "Residual", "Invalid" };

    [Theory]
    [MemberData(nameof(ModelSpecs))]
    public void TrackedOutputs_HoldNoSymbolsSyntaxOrCompilations(string spec)
    {
        string source = spec switch
        {
            "LeNet5" => Specs.LeNet5,
            "Residual" => Specs.Residual,
            _ => Src.Net(Src.Mnist, Src.L("Conv2D(6, Kernel = 40)", "Conv1"), Src.L("Add(nameof(Conv1), \"Nope\")", "Sum")),
        };
        GeneratorRun run = GeneratorHarness.Run(source);
        var walker = new ModelWalker();
        foreach (string name in Steps)
        {
            Assert.True(run.Result.TrackedSteps.ContainsKey(name), $"step '{name}' is not tracked");
            foreach (IncrementalGeneratorRunStep step in run.Result.TrackedSteps[name])
                foreach (var (value, _) in step.Outputs)
                    walker.Walk(value, name);
        }
        Assert.True(walker.Violations.Count == 0, "the pipeline model holds Roslyn objects:\n" + string.Join("\n", walker.Violations.Take(20)));
        Assert.True(walker.Visited > 20, $"walked only {walker.Visited} objects; the walker is not seeing the model");
        Assert.Contains(spec == "Residual" ? "Stem" : "Conv1", walker.Strings);
    }

    [Fact]
    public void ModelWalker_FindsForbiddenObjects()
    {
        // The walker itself must see through records, tuples, arrays and immutable arrays.
        var tree = CSharpSyntaxTree.ParseText("class C {}");
        var walker = new ModelWalker();
        walker.Walk((1, new object[] { "x", System.Collections.Immutable.ImmutableArray.Create<object>(tree.GetRoot()) }), "root");
        walker.Walk(new Holder(Location.None), "root");
        Assert.Equal(2, walker.Violations.Count);
    }

    private sealed record Holder(object Inner);

    private sealed class ModelWalker
    {
        private readonly HashSet<object> _seen = new(ReferenceEqualityComparer.Instance);
        public List<string> Violations { get; } = new();
        public HashSet<string> Strings { get; } = new();
        public int Visited { get; private set; }

        public void Walk(object? value, string path, int depth = 0)
        {
            if (value is null || depth > 64) return;
            Type type = value.GetType();
            if (!type.IsValueType && !_seen.Add(value)) return;
            Visited++;
            if (Forbidden.Any(f => f.IsAssignableFrom(type))) { Violations.Add($"{path}: {type.FullName}"); return; }
            if (value is string s) { Strings.Add(s); return; }
            if (type.IsPrimitive || type.IsEnum || value is decimal || type.IsPointer) return;
            if (value is IEnumerable items && type != typeof(string))
            {
                int i = 0;
                try
                {
                    foreach (object? item in items) Walk(item, $"{path}[{i++}]", depth + 1);
                }
                catch (InvalidOperationException) { /* default ImmutableArray */ }
                catch (NullReferenceException) { /* default ImmutableArray */ }
            }
            for (Type? t = type; t is not null && t != typeof(object); t = t.BaseType)
                foreach (FieldInfo f in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    if (f.FieldType.IsPointer || f.FieldType.IsByRefLike) continue;
                    Walk(f.GetValue(value), $"{path}.{f.Name}", depth + 1);
                }
        }
    }
}
