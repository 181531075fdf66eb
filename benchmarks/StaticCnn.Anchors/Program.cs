using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Text;
using StaticCnn.Anchors;
using StaticCnn.Benchmarks;
using Op = StaticCnn.Benchmarks.ConvWorkload<StaticCnn.Benchmarks.Conv64At56>.Op;

// StaticCnn beside ONNX Runtime 1.32 and LibTorch 2.10, in one process, interleaved per workload.
//
//   StaticCnn.Anchors --models DIR [--quick] [--threads 1,2] [--only lenet5,cifar10net,conv,vgg16,resnet18,resnet50,mobilenetv2,cifar_resnet18] [--markdown FILE]
//
// Per row and thread count: every engine gets warm-up calls, then the engines take turns (--rounds, default 4) of
// equal time slices, so that a change of machine load hits all of them alike; the median is over all timed calls.
// benchmarks/run_side_by_side.sh builds this project, makes the models and runs it. See docs/PERFORMANCE.md.
//   StaticCnn.Anchors bdn [BenchmarkDotNet options]   the same rows as BenchmarkDotNet classes (AnchorBenchmarks.cs)
if (args.Length > 0 && args[0] == "bdn")
{
    BenchmarkDotNet.Running.BenchmarkSwitcher.FromAssembly(typeof(AnchorBenchmarkBase).Assembly).Run([.. args[1..], "--inProcess"]);
    return 0;
}
var inv = CultureInfo.InvariantCulture;
string models = "", markdown = "";
bool quick = false;
int rounds = 4;
var threadCounts = new List<int> { 1, 2 };
var only = new List<string>();
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--models": models = args[++i]; break;
        case "--quick": quick = true; break;
        case "--rounds": rounds = int.Parse(args[++i], inv); break;
        case "--markdown": markdown = args[++i]; break;
        case "--threads": threadCounts = args[++i].Split(',').Select(t => int.Parse(t, inv)).ToList(); break;
        case "--only": only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
        default:
            Console.Error.WriteLine($"unknown option {args[i]}");
            return 2;
    }
}
if (models == "" || !File.Exists(Path.Combine(models, "lenet5.onnx")))
{
    Console.Error.WriteLine("--models DIR: the folder make_models.py wrote (lenet5.onnx, lenet5.pt, ...)");
    return 2;
}
(double sliceSeconds, int minCalls, int warm) = quick ? (0.05, 3, 3) : (0.5, 5, 10);
const int SettleMs = 100;
int maxThreads = threadCounts.Max();
TorchSharp.torch.set_num_interop_threads(1);
if (Environment.GetEnvironmentVariable("ANCHORS_KEEP_NNPACK") != "1") TorchTimed.DisableNnpack();

var header = new StringBuilder();
header.AppendLine($"CPU: {TableMode.CpuName()}, {Environment.ProcessorCount} CPUs; .NET {Environment.Version}; StaticCnn kernels on "
    + (Vector512.IsHardwareAccelerated ? "AVX-512" : "AVX2"));
header.AppendLine($"Engines: StaticCnn (this tree), ONNX Runtime {OrtVersion()} (CPU EP), LibTorch {TorchSharp.torch.__version__} (TorchSharp-cpu 0.107)");
header.AppendLine($"Load average at start: {string.Join(' ', TableMode.LoadAverage().Select(l => l.ToString("F2", inv)))}");
double p512 = Vector512.IsHardwareAccelerated ? FmaPeak.Measure(avx512: true, repeats: quick ? 3 : 7) : 0;
double p256 = FmaPeak.Measure(avx512: false, repeats: quick ? 3 : 7);
double p512x2 = Vector512.IsHardwareAccelerated ? FmaPeak.MeasureParallel(true, Environment.ProcessorCount, quick ? 3 : 5) : 0;
header.AppendLine($"Measured fp32 FMA peak, 1 thread: AVX-512 {p512:F1} GFLOP/s, AVX2 {p256:F1} GFLOP/s; "
    + $"{Environment.ProcessorCount} threads AVX-512 {p512x2:F1} GFLOP/s");
Console.Write(header);

bool Want(string name) => only.Count == 0 || only.Any(name.StartsWith);
var rows = new List<Row>();
long[] L(params long[] d) => d;
string M(string name) => Path.Combine(models, name);

if (Want("lenet5"))
{
    rows.Add(Inference("LeNet-5 inference, batch 1", "lenet5_infer", "batch1", "lenet5", L(1, 1, 28, 28), L(1, 10), 2 * Workloads.LeNet5Macs));
}
if (Want("cifar10net"))
{
    rows.Add(Inference("Cifar10Net inference, batch 1", "cifar10net_infer", "batch1", "cifar10net", L(1, 3, 32, 32), L(1, 10), 2 * Workloads.Cifar10NetMacs));
}
if (Want("vgg16"))
{
    rows.Add(Inference("VGG-16 inference, batch 1", "vgg16_infer", "batch1", "vgg16", L(1, 3, 224, 224), L(1, 1000), 2 * Workloads.Vgg16Macs, heavy: true));
}
foreach (var (key, title, macs) in new[] { ("resnet18", "ResNet-18", Workloads.ResNet18Macs), ("resnet50", "ResNet-50", Workloads.ResNet50Macs), ("mobilenetv2", "MobileNetV2", Workloads.MobileNetV2Macs) })
{
    if (!Want(key)) continue;
    foreach (int n in new[] { 1, Workloads.LargeBatch })
        rows.Add(Inference($"{title} inference, batch {n}", key + "_infer", $"batch{n}", key, L(n, 3, 224, 224), L(n, 1000), 2 * macs * n, heavy: true));
}
if (Want("conv"))
{
    foreach (var (c, hw) in new[] { (64, 56), (128, 28), (256, 14) })
    {
        string name = $"conv3x3_{c}@{hw}";
        double flops = 2.0 * c * c * 9 * hw * hw;
        rows.Add(new Row($"conv 3×3 {c}@{hw} forward", flops, () =>
        [
            new StaticCnnTimed(Workloads.Find(name, "forward", maxThreads)),
            new OnnxTimed(M(name + ".onnx"), L(1, c, hw, hw), L(1, c, hw, hw), threadCounts),
            new TorchConv(c, hw, Op.Forward),
        ]));
    }
    foreach (var (c, hw) in new[] { (64, 56), (128, 28), (256, 14) })
    {
        string name = $"conv3x3_{c}@{hw}";
        double flops = 2.0 * c * c * 9 * hw * hw;
        rows.Add(new Row($"conv 3×3 {c}@{hw} backward-data", flops, () =>
        [
            new StaticCnnTimed(Workloads.Find(name, "backward_data", maxThreads)),
            new TorchConv(c, hw, Op.BackwardData),
        ]));
    }
    rows.Add(new Row("conv 3×3 64@56 backward-weights", 2.0 * 64 * 64 * 9 * 56 * 56, () =>
    [
        new StaticCnnTimed(Workloads.Find("conv3x3_64@56", "backward_weights", maxThreads)),
        new TorchConv(64, 56, Op.BackwardWeights),
    ]));
}
if (Want("lenet5"))
{
    rows.Add(new Row("LeNet-5 train step, batch 64", 0, () =>
    [
        new StaticCnnTimed(Workloads.Find("lenet5_train", "sgd_b64", maxThreads)),
        new TorchTraining(M("lenet5.pt"), L(1, 28, 28), 10),
    ]));
}
if (Want("cifar10net"))
{
    rows.Add(new Row("Cifar10Net train step, batch 64", 0, () =>
    [
        new StaticCnnTimed(Workloads.Find("cifar10net_train", "sgd_b64", maxThreads)),
        new TorchTraining(M("cifar10net.pt"), L(3, 32, 32), 10),
    ]));
}

if (Want("cifar_resnet18"))
{
    rows.Add(new Row("CIFAR ResNet-18 train step, batch 64", 0, () =>
    [
        new StaticCnnTimed(Workloads.Find("cifar_resnet18_train", "sgd_b64", maxThreads)),
        new TorchTraining(M("cifar_resnet18.pt"), L(3, 32, 32), 10),
    ], Heavy: true));
}

string[] engines = ["StaticCnn", "ONNX Runtime", "LibTorch"];
var results = new List<(Row row, int threads, Dictionary<string, double> median, double[] load, double steal)>();
foreach (var row in rows)
{
    var timed = row.Make();
    try
    {
        foreach (int t in threadCounts)
        {
            var load = TableMode.LoadAverage();
            var steal0 = Steal();
            var samples = timed.ToDictionary(e => e.Engine, _ => new List<double>());
            foreach (var e in timed)
            {
                e.SetThreads(t);
                long w0 = Stopwatch.GetTimestamp();
                for (int i = 0; i < (row.Heavy ? 2 : warm) || Stopwatch.GetElapsedTime(w0).TotalSeconds < (quick ? 0.1 : 0.5); i++) e.Run();
            }
            for (int r = 0; r < rounds; r++)
            {
                foreach (var e in timed)
                {
                    e.SetThreads(t);
                    // the engine before may still spin its idle workers (LibTorch's OpenMP ones do after each parallel
                    // region, ONNX Runtime's after each run): on 2 cores they took the CPU from this engine's second
                    // thread (StaticCnn's ResNet-50 at 2 threads measured 30.6 ms at batch 1 and 505 ms at batch 16
                    // right after LibTorch, 25.3 and 456 ms with LibTorch's workers passive), so each slice starts
                    // after a pause that outlasts their spin; within its slice every engine runs back to back
                    Thread.Sleep(SettleMs);
                    var list = samples[e.Engine];
                    long start = Stopwatch.GetTimestamp();
                    int n = 0;
                    while (n < (row.Heavy ? Math.Max(1, minCalls / 2) : minCalls) || Stopwatch.GetElapsedTime(start).TotalSeconds < sliceSeconds)
                    {
                        long t0 = Stopwatch.GetTimestamp();
                        e.Run();
                        list.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                        n++;
                    }
                }
            }
            var steal1 = Steal();
            double steal = (steal1.steal - steal0.steal) / (double)Math.Max(1, steal1.total - steal0.total);
            var med = samples.ToDictionary(s => s.Key, s => Median(s.Value));
            results.Add((row, t, med, load, steal));
            Console.WriteLine($"{row.Title,-36} {t} thr  " + string.Join("  ", engines.Where(med.ContainsKey).Select(e => $"{e} {Fmt(med[e]),10} (n={samples[e].Count})"))
                + $"  load {load[0]:F2}, steal {steal:P0}");
        }
    }
    finally
    {
        foreach (var e in timed) e.Dispose();
        GC.Collect();
    }
}

// The markdown table: one line per row, "1 thread / 2 threads" in each cell, then StaticCnn's speed ratio against each
// anchor (anchor time ÷ StaticCnn time: above 1 = StaticCnn faster) and each engine's 2-thread speed-up.
var md = new StringBuilder();
md.Append(header.ToString().Replace("\n", "  \n"));
string tl = string.Join(" / ", threadCounts);
md.AppendLine();
md.AppendLine($"| workload | threads | StaticCnn | ONNX Runtime 1.32 | LibTorch 2.10 | StaticCnn ÷ ORT speed | StaticCnn ÷ LibTorch speed | 2-thread speed-up SC / ORT / LT | StaticCnn % of peak | load (1 min) |");
md.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
foreach (var row in rows)
{
    var rs = results.Where(r => r.row == row).OrderBy(r => r.threads).ToList();
    if (rs.Count == 0) continue;
    string Cell(string e) => rs.All(r => r.median.ContainsKey(e)) ? string.Join(" / ", rs.Select(r => Fmt(r.median[e]))) : "–";
    string Ratio(string e) => rs.All(r => r.median.ContainsKey(e))
        ? string.Join(" / ", rs.Select(r => (r.median[e] / r.median["StaticCnn"]).ToString("F2", inv) + "×")) : "–";
    string Up(string e) => rs.Count > 1 && rs.All(r => r.median.ContainsKey(e)) ? (rs[0].median[e] / rs[^1].median[e]).ToString("F2", inv) + "×" : "–";
    string pct = row.Flops > 0 && p512 > 0
        ? string.Join(" / ", rs.Select(r => (row.Flops / r.median["StaticCnn"] / 1e9 / (p512 * r.threads)).ToString("P0", inv))) : "–";
    md.AppendLine($"| {row.Title} | {tl} | {Cell("StaticCnn")} | {Cell("ONNX Runtime")} | {Cell("LibTorch")} | {Ratio("ONNX Runtime")} | {Ratio("LibTorch")} | "
        + $"{Up("StaticCnn")} / {Up("ONNX Runtime")} / {Up("LibTorch")} | {pct} | {string.Join(" / ", rs.Select(r => r.load[0].ToString("F2", inv)))} |");
}
md.AppendLine();
md.AppendLine($"Load average at end: {string.Join(' ', TableMode.LoadAverage().Select(l => l.ToString("F2", inv)))}. "
    + $"Medians of all timed calls: {rounds} interleaved rounds of ≥ {sliceSeconds} s per engine, each slice after a {SettleMs} ms pause (the idle workers of the engine before stop spinning), after ≥ {warm} warm-up calls and 0.5 s. "
    + "% of peak: StaticCnn's GFLOP/s against threads × the 1-thread AVX-512 peak.");
Console.WriteLine();
Console.Write(md);
if (markdown != "") File.WriteAllText(markdown, md.ToString());
return 0;

Row Inference(string title, string scName, string variant, string model, long[] inShape, long[] outShape, double flops, bool heavy = false)
    => new(title, flops, () =>
    {
        var onnx = new OnnxTimed(M(model + ".onnx"), inShape, outShape, threadCounts);
        var torchInf = new TorchInference(M(model + ".pt"), onnx.X, inShape);
        // The two anchors run the same file pair from make_models.py on the same input: their outputs must agree.
        onnx.SetThreads(threadCounts[0]);
        onnx.Run();
        var ty = torchInf.Output();
        double diff = 0;
        for (int i = 0; i < ty.Length; i++) diff = Math.Max(diff, Math.Abs(ty[i] - onnx.Y[i]));
        Console.WriteLine($"{title}: ONNX Runtime and LibTorch outputs differ by at most {diff:E1}");
        if (!(diff < 1e-3)) throw new InvalidOperationException($"{model}: the ONNX and TorchScript files disagree ({diff})");
        return [new StaticCnnTimed(Workloads.Find(scName, variant, maxThreads)), onnx, torchInf];
    }, heavy);

static double Median(List<double> v)
{
    v.Sort();
    int n = v.Count;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static string Fmt(double s) => s < 1e-3 ? $"{s * 1e6:F1} µs" : s < 1 ? $"{s * 1e3:F3} ms".Replace(".000", "") : $"{s:F3} s";

static string OrtVersion()
{
    try { return Microsoft.ML.OnnxRuntime.OrtEnv.Instance().GetVersionString(); }
    catch (Exception) { return "?"; }
}

// CPU time stolen by the hypervisor so far and all CPU time, in ticks (the "steal" column of /proc/stat's cpu line).
static (long steal, long total) Steal()
{
    try
    {
        var f = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Select(long.Parse).ToArray();
        return (f.Length > 7 ? f[7] : 0, f.Sum());
    }
    catch (IOException) { return (0, 0); }
}

/// <summary>A table row: its title, flops per call (0: not reported) and the engines that run it.</summary>
sealed record Row(string Title, double Flops, Func<ITimed[]> Make, bool Heavy = false);
