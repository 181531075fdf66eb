using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Generator.Tests;

/// <summary>
/// Random specs over odd C# declaration forms (records, positional records, record structs, structs, nested and generic
/// classes, <c>file</c> and static classes, duplicate partial declarations, [Network] twice, layer attributes on
/// fields, methods, non-partial and wrongly typed properties, user-implemented partial members, partial Layer properties
/// without an attribute, names that collide ignoring case or arity, C# 12 and 13), with valid and invalid layer stacks.
/// For each spec: the generator never throws, and the compilation (user source + generated code) either has no errors
/// or has an SCNN error in the spec's own source. Errors the user's source has without the generator (e.g. CS0592 for a
/// layer attribute on a field, CS0579 for [Network] twice) are the user's own and do not count, except "partial member
/// has no implementation" (CS9248/CS8795), which is the generator's job.
/// <para>Each spec is one file (<c>Spec{i}.cs</c>) in its own namespace <c>S{i}</c> (or, in the global namespace, with
/// names prefixed <c>S{i}_</c>), so every error is traced back to its spec by file or generated hint name. Specs are
/// compiled 100 to a compilation; a compilation whose generator run threw is re-run spec by spec.</para>
/// <para>Generated method bodies are bound for every 4th spec (<c>SCNN_ODD_FUZZ_BODY_EVERY</c>, 1 = all); the declarations
/// and constructors of every spec. Bigger run: <c>SCNN_ODD_FUZZ_SPECS=20000 SCNN_ODD_FUZZ_SEED=7 SCNN_ODD_FUZZ_BODY_EVERY=1 dotnet test tests/StaticCnn.Generator.Tests -c Release
/// --filter OddCSharpFuzzTests</c>.</para>
/// </summary>
[Collection("Fuzz")] // not beside FuzzTests, which measures process CPU time
public class OddCSharpFuzzTests
{
    private readonly ITestOutputHelper _out;
    public OddCSharpFuzzTests(ITestOutputHelper output) => _out = output;

    private const int BatchSize = 100;

    /// <summary>CS errors that are the generator's job even when the user's source alone has them.</summary>
    private static readonly HashSet<string> GeneratorsJob = new() { "CS9248", "CS8795" };

    private static int Env(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : fallback;

    [Fact]
    public void OddCSharp_NeverThrows_AndNeverFailsWithoutAnScnnError()
    {
        int specCount = Env("SCNN_ODD_FUZZ_SPECS", 2000);
        int seed = Env("SCNN_ODD_FUZZ_SEED", 20_261_206);
        var watch = Stopwatch.StartNew();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        s_generatorCpu = s_compileCpu = TimeSpan.Zero;
        s_bodyEvery = Env("SCNN_ODD_FUZZ_BODY_EVERY", 4);

        var specs = Enumerable.Range(0, specCount).Select(i => OddSpec.Make(seed, i)).ToList();
        var results = new SpecResult[specCount];
        int rerunBatches = 0;
        foreach (var group in specs.GroupBy(s => s.Version))
        {
            var list = group.ToList();
            for (int at = 0; at < list.Count; at += BatchSize)
            {
                var batch = list.Skip(at).Take(BatchSize).ToList();
                BatchOutcome outcome = RunBatch(batch, group.Key);
                if (outcome.Threw)
                {
                    rerunBatches++;
                    foreach (OddSpec s in batch) results[s.Index] = RunBatch(new List<OddSpec> { s }, group.Key).Results[s.Index];
                }
                else foreach (var (i, r) in outcome.Results) results[i] = r;
            }
        }

        int exceptions = results.Count(r => r.Threw);
        var failing = results.Where(r => !r.Threw && r.Unexplained.Count > 0 && !r.HasScnnError).ToList();
        int withScnn = results.Count(r => r.HasScnnError), clean = results.Count(r => !r.Threw && r.Unexplained.Count == 0 && !r.HasScnnError);
        var report = new StringBuilder();
        report.AppendLine($"{specCount} specs (seed {seed}, generated bodies bound for 1 spec in {s_bodyEvery}): {exceptions} generator exceptions, {failing.Count} compile failures without an SCNN error; " +
            $"{withScnn} with SCNN errors, {clean} clean; {rerunBatches} batches re-run spec by spec; " +
            $"{watch.Elapsed.TotalSeconds:F1} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} s " +
            $"(generator {s_generatorCpu.TotalSeconds:F1} s, compiling {s_compileCpu.TotalSeconds:F1} s)");
        foreach (var byId in failing.SelectMany(r => r.Unexplained.Select(d => d.Id).Distinct()).GroupBy(id => id).OrderByDescending(g => g.Count()))
            report.AppendLine($"  {byId.Key}: in {byId.Count()} failing specs");
        foreach (var (i, ex) in results.Select((r, i) => (i, r)).Where(p => p.r.Threw).Take(3).Select(p => (p.i, p.r.Exception)))
            report.AppendLine($"---- spec {i} threw: {ex}\n{specs[i].Source}");
        foreach (SpecResult r in failing.Take(4))
            report.AppendLine($"---- spec {r.Index} fails without an SCNN error:\n" + string.Join("\n", r.Unexplained.Take(4).Select(d => "  " + d)) + "\n" + specs[r.Index].Source);
        _out.WriteLine(report.ToString());
        Console.WriteLine(report.ToString().Split('\n')[0]);

        Assert.True(exceptions == 0 && failing.Count == 0, report.ToString());
        // The fuzzer must reach both sides.
        Assert.InRange(withScnn, specCount / 10, specCount - specCount / 10);
        Assert.True(clean > specCount / 10, $"only {clean} clean specs");
    }

    [Fact]
    public void OddSpec_IsDeterministic() => Assert.Equal(OddSpec.Make(3, 17).Source, OddSpec.Make(3, 17).Source);

    private sealed record SpecResult(int Index, bool Threw, string? Exception, bool HasScnnError, List<Diagnostic> Unexplained);

    private sealed record BatchOutcome(bool Threw, Dictionary<int, SpecResult> Results);

    private static TimeSpan s_generatorCpu, s_compileCpu;
    private static int s_bodyEvery = 4;

    private static readonly Regex s_generatedSpec = new(@"^S(\d+)[._]", RegexOptions.CultureInvariant);

    private static BatchOutcome RunBatch(List<OddSpec> batch, LanguageVersion version)
    {
        CSharpParseOptions po = GeneratorHarness.ParseOptions(version);
        var trees = batch.Select(s => CSharpSyntaxTree.ParseText(s.Source, po, path: $"Spec{s.Index}.cs")).ToArray();
        CSharpCompilation input = GeneratorHarness.Compile(Array.Empty<string>(), version).AddSyntaxTrees(trees);
        TimeSpan c0 = Process.GetCurrentProcess().TotalProcessorTime;
        GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateDriver(version), input);
        s_generatorCpu += Process.GetCurrentProcess().TotalProcessorTime - c0;
        var results = new Dictionary<int, SpecResult>();
        if (run.Result.Exception is { } ex)
        {
            foreach (OddSpec s in batch) results[s.Index] = new SpecResult(s.Index, true, ex.GetType().Name + ": " + ex.Message, false, new());
            return new BatchOutcome(true, results);
        }

        static int SpecOf(Diagnostic d) => d.Location.SourceTree is { } t ? TreeSpec(t) : -1;
        static int TreeSpec(SyntaxTree tree)
        {
            string path = tree.FilePath;
            string file = Path.GetFileName(path);
            if (file.StartsWith("Spec", StringComparison.Ordinal) && int.TryParse(file[4..^3], NumberStyles.Integer, CultureInfo.InvariantCulture, out int i)) return i;
            Match m = s_generatedSpec.Match(file);
            return m.Success ? int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) : -1;
        }
        static string Key(Diagnostic d) => d.Id + "@" + d.Location.SourceTree?.FilePath + ":" + d.Location.SourceSpan;
        var scnn = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("SCNN", StringComparison.Ordinal))
            .Select(SpecOf).ToHashSet();
        foreach (OddSpec s in batch) results[s.Index] = new SpecResult(s.Index, false, null, scnn.Contains(s.Index), new());

        // A spec with an SCNN error passes whatever else it has, so only the other specs' files (user and generated) are
        // compiled: their errors, per syntax tree, then the user's own errors (the same tree without the generator).
        c0 = Process.GetCurrentProcess().TotalProcessorTime;
        var errors = new List<Diagnostic>();
        foreach (SyntaxTree tree in run.OutputCompilation.SyntaxTrees)
        {
            int i = TreeSpec(tree);
            if (i >= 0 && results.TryGetValue(i, out SpecResult? r) && r.HasScnnError) continue;
            SemanticModel model = run.OutputCompilation.GetSemanticModel(tree);
            // Binding the method bodies of a full generated network is the expensive part, and they do not depend on the
            // declaration form (the other fuzz and the golden files cover them): every BodyEvery-th spec's generated
            // bodies are bound, the others' declarations (members, constructor, partial implementations).
            // Constructors are always bound: their initializer depends on the declaration form (CS8862 with a primary constructor).
            bool bodies = input.SyntaxTrees.Contains(tree) || i < 0 || i % s_bodyEvery == 0;
            IEnumerable<Diagnostic> found = bodies ? model.GetDiagnostics() : model.GetDeclarationDiagnostics().Concat(
                tree.GetRoot().DescendantNodes().OfType<Microsoft.CodeAnalysis.CSharp.Syntax.ConstructorDeclarationSyntax>().SelectMany(c => model.GetDiagnostics(c.Span)));
            errors.AddRange(found.Where(d => d.Severity == DiagnosticSeverity.Error));
        }
        var own = new HashSet<string>();
        foreach (SyntaxTree tree in errors.Select(d => d.Location.SourceTree).OfType<SyntaxTree>().Where(t => input.SyntaxTrees.Contains(t)).Distinct())
            own.UnionWith(input.GetSemanticModel(tree).GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !GeneratorsJob.Contains(d.Id)).Select(Key));
        s_compileCpu += Process.GetCurrentProcess().TotalProcessorTime - c0;
        foreach (Diagnostic d in errors.Where(d => !own.Contains(Key(d))).DistinctBy(Key))
        {
            int i = SpecOf(d);
            // An error that cannot be traced to a spec fails the whole batch (it would otherwise hide).
            if (i < 0 || !results.ContainsKey(i)) foreach (SpecResult r in results.Values) r.Unexplained.Add(d);
            else results[i].Unexplained.Add(d);
        }
        return new BatchOutcome(false, results);
    }

    /// <summary>One random spec: a file with one or more types in namespace S{index} (or in the global namespace).</summary>
    internal sealed class OddSpec
    {
        public required int Index { get; init; }
        public required string Source { get; init; }
        public required LanguageVersion Version { get; init; }

        public static OddSpec Make(int seed, int index)
        {
            var g = new Gen(new Random(unchecked(seed * 1_000_003 + index)), index);
            string source = g.File();
            return new OddSpec { Index = index, Source = source, Version = g.Version };
        }
    }

    private sealed class Gen
    {
        private readonly Random _r;
        private readonly int _index;
        private readonly bool _global;
        private readonly StringBuilder _sb = new();
        public LanguageVersion Version { get; }

        public Gen(Random r, int index)
        {
            _r = r;
            _index = index;
            _global = Chance(0.06);
            Version = Chance(0.2) ? LanguageVersion.CSharp12 : LanguageVersion.CSharp13;
        }

        private bool Chance(double p) => _r.NextDouble() < p;
        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];

        /// <summary>A top-level type name: unique to the spec in the global namespace.</summary>
        private string Top(string name) => _global ? $"S{_index}_{name}" : name;

        private string Ns(string? sub = null) => sub == null ? $"S{_index}" : $"S{_index}.{sub}";

        private void InNamespace(string? sub, string body)
        {
            if (_global && sub == null) { _sb.AppendLine(body); return; }
            _sb.AppendLine($"namespace {Ns(sub)}").AppendLine("{").AppendLine(body).AppendLine("}");
        }

        private string NetworkAttribute()
        {
            double p = _r.NextDouble();
            string one = p < 0.95 ? $"Network(InputChannels = {_r.Next(1, 3)}, InputHeight = {Pick(4, 6, 8)}, InputWidth = {Pick(4, 6, 8)})" : "Network(InputChannels = 1, InputHeight = 4)";
            return Chance(0.04) ? $"[{one}, {one}]" : $"[{one}]";
        }

        private string LayerAttribute(bool valid) => valid
            ? Pick("Dense(2)", "Dense(3, Activation = Activation.ReLU)", "Conv2D(2, Kernel = 3, Padding = 1)", "MaxPool2D(2)", "ReLU", "Flatten",
                "BatchNorm2D", "Dropout(0.5f)", "Conv2D(1, Kernel = 1)", "AvgPool2D(2)")
            : Pick("Conv2D(2, Kernel = 9)", "Dense(0)", "MaxUnpool2D(\"Nope\")", "Add(\"L0\")", "Crop(Height = 20, Width = 1)", "Dense(2, Name = \"a b\")");

        /// <summary>Layer members (and extra user declarations, returned separately for a second partial declaration).</summary>
        private (List<string> Members, List<string> Later) Layers(int count)
        {
            var members = new List<string>();
            var later = new List<string>();
            for (int k = 0; k < count; k++)
            {
                string a = LayerAttribute(Chance(0.85));
                string name = "L" + k;
                double f = _r.NextDouble();
                if (f < 0.66) members.Add($"[{a}] public partial Layer {name} {{ get; }}");
                else if (f < 0.69) members.Add($"[{a}] public static partial Layer {name} {{ get; }}");
                else if (f < 0.72) members.Add($"[{a}] public Layer {name} => default;");
                else if (f < 0.75) members.Add($"[{a}] public Layer {name};");
                else if (f < 0.77) members.Add($"[{a}] public Layer {name}() => default;");
                else if (f < 0.80) members.Add($"[{a}] public partial int {name} {{ get; }}");
                else if (f < 0.82) members.Add($"[{a}] public partial Layer {name} {{ get; set; }}");
                else if (f < 0.87)
                {
                    members.Add($"[{a}] public partial Layer {name} {{ get; }}");
                    (Chance(0.5) ? members : later).Add($"public partial Layer {name} {{ get => default; }}");
                }
                else if (f < 0.91) members.Add($"public partial Layer {name} {{ get; }}");
                else if (f < 0.93)
                {
                    members.Add($"public partial Layer {name} {{ get; }}");
                    members.Add($"public partial Layer {name} {{ get => default; }}");
                }
                else if (f < 0.96 && a.Split('(')[0] != "Dense") members.Add($"[{a}, Dense(2)] public partial Layer {name} {{ get; }}");
                else members.Add($"[{a}] public partial Layer {name} {{ get; }}");
            }
            return (members, later);
        }

        private static string Body(IEnumerable<string> members, string indent = "    ") =>
            string.Join("\n", members.Select(m => indent + m));

        /// <summary>A network type declaration: header, attribute and body; maybe a second partial declaration.</summary>
        private string Network(string name, bool topLevel, bool allowFile)
        {
            string access = Pick("public ", "internal ", "");
            double k = _r.NextDouble();
            string header; // without the name
            string parameters = "";
            string typeParams = "";
            if (k < 0.50) header = "partial class";
            else if (k < 0.57) header = "partial record";
            else if (k < 0.62) { header = "partial record"; parameters = "(int Q)"; }
            else if (k < 0.65) { header = "partial class"; parameters = "(int q)"; }
            else if (k < 0.68) header = "partial record struct";
            else if (k < 0.71) header = "partial struct";
            else if (k < 0.74) header = "static partial class";
            else if (k < 0.79) header = "abstract partial class";
            else if (k < 0.84) header = "sealed partial class";
            else if (k < 0.89 && topLevel && allowFile) { header = "partial class"; access = "file "; }
            else if (k < 0.92) { header = "partial class"; typeParams = Pick("<T>", "<T> where T : struct"); }
            else if (k < 0.94) header = "class";
            else header = "partial class";
            string tp = typeParams.Split(' ')[0];
            string constraint = typeParams.Contains("where") ? " " + typeParams.Substring(typeParams.IndexOf("where", StringComparison.Ordinal)) : "";
            var (members, later) = Layers(Chance(0.03) ? 0 : _r.Next(1, 5));
            if (Chance(0.05)) members.Add("public int Extra => 1;");
            var sb = new StringBuilder();
            sb.AppendLine(NetworkAttribute());
            sb.AppendLine($"{access}{header} {name}{tp}{parameters}{constraint}").AppendLine("{").AppendLine(Body(members)).AppendLine("}");
            bool second = later.Count > 0 || Chance(0.08);
            if (second && header != "class")
            {
                if (Chance(0.05)) later.Insert(0, "[Dense(2)] public partial Layer Z { get; }"); // layers in two declarations (SCNN0010)
                string attribute = Chance(0.3) ? NetworkAttribute() + "\n" : "";
                sb.AppendLine($"{attribute}{access}{header} {name}{tp}{constraint}").AppendLine("{").AppendLine(Body(later)).AppendLine("}");
            }
            return sb.ToString();
        }

        private static string Indent(string text, string indent = "    ") =>
            string.Join("\n", text.TrimEnd('\n').Split('\n').Select(l => l.Length == 0 ? l : indent + l));

        /// <summary>The network, maybe inside one or two containing types.</summary>
        private string Nested(string name)
        {
            if (Chance(0.65)) return Network(Top(name), true, true);
            string inner = Network(name, false, false);
            var (keyword, typeParams) = Pick(("partial class", ""), ("partial class", "<T>"), ("partial struct", ""), ("partial record", ""),
                ("partial record struct", ""), ("class", ""), ("file partial class", ""), ("static partial class", ""),
                ("partial class", "<T> where T : class"), ("partial interface", ""), ("public partial class", ""));
            string typeName = Top(keyword == "partial interface" ? "IOuter" : "Outer");
            if (Chance(0.15)) inner = "public partial class Mid\n{\n" + Indent(inner) + "\n}";
            string container = keyword + " " + typeName + (typeParams.Length == 0 ? "" : typeParams.StartsWith("<T> ", StringComparison.Ordinal) ? "<T> " + typeParams[4..] : typeParams);
            return container + "\n{\n" + Indent(inner) + "\n}";
        }

        public string File()
        {
            _sb.AppendLine("using StaticCnn;");
            _sb.AppendLine();
            InNamespace(null, Nested("Net"));
            // Names that collide ignoring case, arity or the namespace/type distinction.
            if (Chance(0.08)) InNamespace(null, Network(Top(Pick("NET", "nET", "net")), true, false));
            if (Chance(0.04) && !_global)
            {
                InNamespace("Outer2", Network("Net", true, false));
                InNamespace(null, "public partial class outer2\n{\n" + Indent(Network("Net", false, false)) + "\n}");
            }
            if (Chance(0.04))
            {
                InNamespace(null, $"public partial class {Top("Box")}\n{{\n" + Indent(Network("Net", false, false)) + "\n}");
                InNamespace(null, $"public partial class {Top("Box")}<T>\n{{\n" + Indent(Network("Net", false, false)) + "\n}");
            }
            if (Chance(0.03))
            {
                InNamespace(null, $"public partial class {Top("Pair")}<T>\n{{\n" + Indent(Network("Net", false, false)) + "\n}");
                InNamespace(null, $"public partial class {Top("Pair_1")}\n{{\n" + Indent(Network("Net", false, false)) + "\n}");
            }
            // Stray layer attributes (no [Network]).
            if (Chance(0.05))
            {
                InNamespace(null, $"public partial class {Top("G")}<T>\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n}}");
                InNamespace(null, $"public partial class {Top("g")}\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n}}");
            }
            if (Chance(0.03)) InNamespace(null, $"public partial class {Top("Stray")}\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n    [Dense(2)] public partial Layer a {{ get; }}\n}}");
            if (Chance(0.03)) InNamespace(null, $"file partial class {Top("FileStray")}\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n}}");
            if (Chance(0.03)) InNamespace(null, $"public partial class {Top("Impl")}\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n    public partial Layer A {{ get => default; }}\n}}");
            if (Chance(0.02)) InNamespace(null, $"public partial record {Top("Rec")}(int Q)\n{{\n    [Dense(2)] public partial Layer A {{ get; }}\n}}");
            return _sb.ToString();
        }
    }
}
