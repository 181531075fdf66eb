using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Harness;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Generator.Tests;

/// <summary>
/// Random specs (seeded): every layer kind, arguments including zero, negative and huge values, references to unknown,
/// later and own layers. The generator must never throw, and the output must never have compiler (CS) errors.
/// </summary>
[Collection("Fuzz")] // the fuzz tests measure process CPU time, so they do not run beside each other
public class FuzzTests
{
    private readonly ITestOutputHelper _out;
    public FuzzTests(ITestOutputHelper output) => _out = output;

    private const int Batches = 20;
    private const int ClassesPerBatch = 150;
    /// <summary>Every this-many batches the output is also compiled (binding all generated code is the expensive part).</summary>
    private const int CompileEvery = 7;

    [Fact]
    public void RandomSpecs_NeverThrow_AndNeverCauseCompilerErrors()
    {
        var watch = Stopwatch.StartNew();
        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var rng = new Random(20_260_421);
        int specs = 0, invalid = 0, scnnErrors = 0, compiledSpecs = 0;
        TimeSpan generatorTime = default, compileTime = default, genCpu = default, compileCpu = default;
        for (int batch = 0; batch < Batches; batch++)
        {
            var classes = new List<string>();
            for (int k = 0; k < ClassesPerBatch; k++) classes.Add(new SpecFuzzer(rng, $"Fuzz{batch}_{k}").Class());
            string source = "using StaticCnn;\n\nnamespace Fuzz;\n\n" + string.Join("\n", classes);
            var t0 = watch.Elapsed; var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            GeneratorRun run = GeneratorHarness.Run(source);
            specs += classes.Count;
            generatorTime += watch.Elapsed - t0; genCpu += Process.GetCurrentProcess().TotalProcessorTime - c0; c0 = Process.GetCurrentProcess().TotalProcessorTime;

            Assert.True(run.Result.Exception is null, $"batch {batch}: the generator threw\n{run.Result.Exception}");
            var t1 = watch.Elapsed;
            var failures = run.DriverDiagnostics.Where(d => d.Id is "CS8784" or "CS8785").ToList();
            Assert.True(failures.Count == 0, $"batch {batch}: generator failure\n" + string.Join("\n", failures));

            if (batch % CompileEvery != 0) { compiledSpecs -= classes.Count; }
            var errors = batch % CompileEvery == 0 ? run.CompilerErrors : Array.Empty<Diagnostic>();
            compiledSpecs += classes.Count;
            compileTime += watch.Elapsed - t1; compileCpu += Process.GetCurrentProcess().TotalProcessorTime - c0;
            if (errors.Count > 0)
            {
                var sb = new StringBuilder($"batch {batch}: {errors.Count} compiler errors, e.g.:\n");
                foreach (Diagnostic e in errors.Take(5))
                {
                    sb.AppendLine("  " + e);
                    string? culprit = Culprit(e, classes, run);
                    if (culprit is not null) sb.AppendLine(culprit);
                }
                File.WriteAllText(Path.Combine(Path.GetTempPath(), "scnn-fuzz-failure.cs"), source);
                Assert.Fail(sb.ToString());
            }
            var byClass = run.GeneratorDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
            scnnErrors += byClass.Count;
            Assert.DoesNotContain(run.GeneratorDiagnostics, d => d.Id == "SCNN0013"); // the generator's catch-all for its own exceptions
            var starts = new List<int>();
            for (int k = 0, at = 0; k < classes.Count; k++) { at = source.IndexOf(classes[k], at, StringComparison.Ordinal); starts.Add(at); }
            invalid += byClass.Where(d => d.Location.Kind != LocationKind.None)
                .Select(d => starts.FindLastIndex(st => st <= d.Location.SourceSpan.Start)).Where(k => k >= 0).Distinct().Count();
        }
        _out.WriteLine($"{specs} specs ({compiledSpecs} compiled), {invalid} with SCNN errors, {scnnErrors} SCNN errors, {watch.Elapsed.TotalSeconds:F1} s " +
            $"(generator {generatorTime.TotalSeconds:F1} s, compiling the output {compileTime.TotalSeconds:F1} s), " +
            $"gen CPU {genCpu.TotalSeconds:F1} s, compile CPU {compileCpu.TotalSeconds:F1} s, CPU {(Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds:F1} s");
        // The fuzzer must reach both sides: valid networks and every kind of error.
        Assert.InRange(invalid, specs / 10, specs - specs / 10);
        // CPU time, not wall time: the test must stay cheap, whatever else the machine is doing.
        TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        Assert.True(cpu < TimeSpan.FromSeconds(40), $"fuzz used {cpu.TotalSeconds:F1} s of CPU");
    }

    private static bool Contains(string source, string cls, int position)
    {
        int start = source.IndexOf(cls, StringComparison.Ordinal);
        return start >= 0 && position >= start && position < start + cls.Length;
    }

    /// <summary>The user class a compiler error points into (by position, or by the generated file's name), for the failure message.</summary>
    private static string? Culprit(Diagnostic e, List<string> classes, GeneratorRun run)
    {
        string path = e.Location.SourceTree?.FilePath ?? "";
        string source = run.InputCompilation.SyntaxTrees.First().ToString();
        foreach (string cls in classes)
        {
            string className = cls.Split("partial class ", 2).Last().Split(new[] { '\n', '<', ' ', '\r' }, 2)[0];
            bool hit = path.EndsWith(".g.cs", StringComparison.Ordinal)
                ? path.Contains("." + className + ".", StringComparison.Ordinal) || path.Contains("." + className + "_", StringComparison.Ordinal)
                : Contains(source, cls, e.Location.SourceSpan.Start);
            if (hit) return "---- spec ----\n" + cls;
        }
        return null;
    }

    [Fact]
    public void Fuzzer_IsDeterministic()
    {
        string a = new SpecFuzzer(new Random(7), "X").Class(), b = new SpecFuzzer(new Random(7), "X").Class();
        Assert.Equal(a, b);
    }

    /// <summary>One random network class.</summary>
    private sealed class SpecFuzzer
    {
        private readonly Random _r;
        private readonly string _name;
        private int _layers;

        public SpecFuzzer(Random r, string name) { _r = r; _name = name; }

        private bool Chance(double p) => _r.NextDouble() < p;
        private T Pick<T>(params T[] items) => items[_r.Next(items.Length)];

        /// <summary>Mostly small valid sizes, sometimes zero, negative or huge.</summary>
        private string Size(int lo = 1, int hi = 5)
        {
            double p = _r.NextDouble();
            if (p < 0.95) return _r.Next(lo, hi + 1).ToString(CultureInfo.InvariantCulture);
            return Pick("0", "-1", "-7", "int.MaxValue", "int.MinValue", "1 << 20", "100000", "46341", "65536");
        }

        private string Float() => Pick("0.5f", "0f", "0.1f", "0.999f", "1f", "-0.5f", "float.NaN", "float.PositiveInfinity", "1e-5f", "2f");

        private string Ref()
        {
            double p = _r.NextDouble();
            if (_layers > 0 && p < 0.8) return $"nameof(L{_r.Next(_layers)})";
            if (p < 0.9) return "\"Input\"";
            if (p < 0.94) return $"nameof(L{_layers})"; // itself
            if (p < 0.97) return $"\"L{_layers + 1 + _r.Next(3)}\""; // later (maybe nonexistent)
            return Pick("\"Nope\"", "\"\"", "\"input\"", "null!");
        }

        private string Activation() => Chance(0.97)
            ? "Activation = Activation." + Pick("None", "ReLU", "LeakyReLU", "Sigmoid", "Tanh")
            : "Activation = (Activation)" + Pick("5", "(-1)", "100");

        private string Options(params (double P, Func<string> Make)[] options)
        {
            var parts = new List<string>();
            foreach (var (p, make) in options) if (Chance(p)) parts.Add(make());
            if (Chance(0.12)) parts.Add("From = " + Ref());
            if (Chance(0.05)) parts.Add("Name = " + Pick("\"x\"", "\"dup\"", "\"\"", "\"a.b\"", "\"weight\"", "\"l0\""));
            return parts.Count == 0 ? "" : string.Join(", ", parts);
        }

        private static string Call(string kind, string ctor, string opts)
        {
            string args = string.Join(", ", new[] { ctor, opts }.Where(s => s.Length > 0));
            return args.Length == 0 ? kind : $"{kind}({args})";
        }

        private string Attribute()
        {
            switch (_r.Next(22))
            {
                case 0: case 1: case 2:
                    return Call("Conv2D", Size(1, 6), Options(
                        (0.6, () => "Kernel = " + Size(1, 5)), (0.3, () => "Stride = " + Size(1, 3)), (0.4, () => "Padding = " + Size(0, 2)),
                        (0.1, () => "KernelH = " + Size(0, 3)), (0.1, () => "StrideW = " + Size(0, 2)), (0.1, () => "PaddingH = " + Size(-1, 2)),
                        (0.15, () => "Dilation = " + Size(1, 2)), (0.15, () => "Groups = " + Size(1, 3)), (0.2, () => "Bias = false"),
                        (0.3, Activation), (0.15, () => "PaddingMode = PaddingMode." + Pick("Same", "Valid", "Explicit"))));
                case 3:
                    return Call("ConvTranspose2D", Size(1, 6), Options(
                        (0.6, () => "Kernel = " + Size(1, 4)), (0.4, () => "Stride = " + Size(1, 3)), (0.3, () => "Padding = " + Size(0, 2)),
                        (0.3, () => "OutputPadding = " + Size(0, 2)), (0.1, () => "Dilation = " + Size(1, 2)), (0.1, () => "Groups = " + Size(1, 2)),
                        (0.2, () => "Bias = false"), (0.2, Activation)));
                case 4: case 5: case 6:
                    return Call("Dense", Size(1, 12), Options((0.2, () => "Bias = false"), (0.3, Activation)));
                case 7: return Call("Flatten", "", Options());
                case 8: case 9:
                    return Call("MaxPool2D", Size(1, 3), Options((0.3, () => "Stride = " + Size(0, 2)), (0.3, () => "Padding = " + Size(0, 2))));
                case 10:
                    return Call("AvgPool2D", Size(1, 3), Options((0.3, () => "Stride = " + Size(0, 2)), (0.3, () => "Padding = " + Size(0, 2))));
                case 11: return Call("GlobalAvgPool", "", Options());
                case 12: return Call("MaxUnpool2D", Ref(), Options());
                case 13: return Call("BatchNorm2D", "", Options((0.2, () => "Epsilon = " + Float()), (0.2, () => "Momentum = " + Float())));
                case 14: return Call("Dropout", Float(), Options());
                case 15: return Call(Pick("ReLU", "Sigmoid", "Tanh", "Softmax"), "", Options());
                case 16: return Call("LeakyReLU", "", Options((0.5, () => "Slope = " + Float())));
                case 17: case 18:
                {
                    int n = _r.Next(0, 4);
                    string refs = string.Join(", ", Enumerable.Range(0, n).Select(_ => Ref()));
                    string kind = Pick("Add", "Concat");
                    return Call(kind, refs, kind == "Add" && Chance(0.2) ? "Activation = Activation.ReLU" : "");
                }
                case 19: return Call("Upsample", Size(1, 3), Options((0.3, () => "Mode = UpsampleMode." + Pick("Nearest", "Bilinear"))));
                case 20:
                    return Call("CenterCrop", "", Options((0.6, () => "Height = " + Size(0, 6)), (0.6, () => "Width = " + Size(0, 6)), (0.3, () => "Like = " + Ref())));
                default:
                    return Call("Crop", "", Options((0.5, () => "Top = " + Size(0, 3)), (0.5, () => "Left = " + Size(0, 3)),
                        (0.8, () => "Height = " + Size(1, 4)), (0.8, () => "Width = " + Size(1, 4))));
            }
        }

        public string Class()
        {
            var sb = new StringBuilder();
            double shape = _r.NextDouble();
            string network = shape < 0.9
                ? $"[Network(InputChannels = {_r.Next(1, 5)}, InputHeight = {_r.Next(1, 17)}, InputWidth = {_r.Next(1, 17)})]"
                : shape < 0.96 ? $"[Network(InputChannels = {Size(1, 4)}, InputHeight = {Size(1, 16)}, InputWidth = {Size(1, 16)})]"
                : shape < 0.98 ? "[Network(InputChannels = 1, InputHeight = 8)]"
                : ""; // layers outside a network (SCNN0012)
            string typeParams = Chance(0.02) ? "<T>" : "";
            sb.AppendLine(network).AppendLine($"public partial class {_name}{typeParams}").AppendLine("{");
            int count = Chance(0.02) ? 0 : _r.Next(1, 7);
            for (_layers = 0; _layers < count; _layers++)
            {
                string attr = Attribute();
                double form = _r.NextDouble();
                string second = Attribute();
                bool sameKind = second.Split('(')[0] == attr.Split('(')[0];
                if (form < 0.02 && !sameKind) sb.AppendLine($"    [{attr}, {second}] public partial Layer L{_layers} {{ get; }}");
                else if (form < 0.03) sb.AppendLine($"    [{attr}] public Layer L{_layers} => default;");
                else if (form < 0.04) sb.AppendLine($"    [{attr}] public static partial Layer L{_layers} {{ get; }}");
                else sb.AppendLine($"    [{attr}] public partial Layer L{_layers} {{ get; }}");
            }
            sb.AppendLine("}");
            return sb.ToString();
        }
    }
}
