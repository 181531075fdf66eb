using BenchmarkDotNet.Running;
using StaticCnn.Benchmarks;

// Modes:
//   peak                       single-core fp32 FMA peak (AVX-512 and AVX2)
//   table [options]            Stopwatch harness for the side-by-side table (see TableMode; JSON like bench.py)
//   loop NAME VARIANT SECONDS [THREADS]   runs one workload in a loop (for perf / callgrind)
//   trace NAME VARIANT THREADS [CALLS]     per-dispatch, per-part timings (STATICCNN_WORKER_TRACE=1; see TraceMode)
//   winograd-transform NAME VARIANT SECONDS [THREADS] [input|output|weights]   two ways of one Winograd step, call by call
//   concurrent NAME VARIANT SECONDS        two 1-thread copies of a workload at once: what the two cores give together
//   convshape C H W OUTC K STRIDE PAD [GROUPS] [THREADS] [BATCH]   every applicable forward algorithm of one shape
//   depthwise [THREADS] [BATCH] [SECONDS]  MobileNetV2's depthwise layers, chosen vs older algorithms (see DepthwiseMode)
//   anything else              BenchmarkDotNet (e.g. --filter '*Conv*' --job short --exporters json)
if (args.Length > 0 && args[0] == "peak")
{
    Console.WriteLine($"fp32 FMA peak, 1 thread: AVX-512 {FmaPeak.Measure(avx512: true):F1} GFLOP/s, AVX2 {FmaPeak.Measure(avx512: false):F1} GFLOP/s");
    Console.WriteLine($"fp32 FMA peak, {Environment.ProcessorCount} threads: AVX-512 {FmaPeak.MeasureParallel(true, Environment.ProcessorCount):F1} GFLOP/s, AVX2 {FmaPeak.MeasureParallel(false, Environment.ProcessorCount):F1} GFLOP/s");
    return 0;
}
if (args.Length >= 4 && args[0] == "loop")
{
    int threads = args.Length > 4 ? int.Parse(args[4]) : 1;
    using var w = Workloads.Find(args[1], args[2], threads);
    w.Threads = threads;
    double seconds = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    var sw = System.Diagnostics.Stopwatch.StartNew();
    long calls = 0, parked = StaticCnn.Kernels.GemmWorkers.ParkedWakeups;
    while (sw.Elapsed.TotalSeconds < seconds) { w.Run(); calls++; }
    parked = StaticCnn.Kernels.GemmWorkers.ParkedWakeups - parked;
    Console.WriteLine($"{w.Name} {w.Variant}: {calls} calls, {sw.Elapsed.TotalSeconds / calls * 1e6:F1} us per call, "
        + $"{(double)parked / calls:F2} parked-worker wake-ups per call");
    return 0;
}
if (args.Length >= 4 && args[0] == "winograd-transform")
{
    // winograd-transform NAME VARIANT SECONDS [THREADS] [input|output|weights]: a workload with the Winograd input (or
    // output) transform's 8-lane path and its AVX-512 one taking turns call by call in one process (the host's
    // minute-to-minute swings hit both alike): the median and minimum µs per call of each. "weights": the weight
    // transform on every call (live weights) against weights prepared once.
    int threads = args.Length > 4 ? int.Parse(args[4]) : 1;
    bool output = args.Length > 5 && args[5] == "output", weights = args.Length > 5 && args[5] == "weights";
    using var w = Workloads.Find(args[1], args[2], threads);
    w.Threads = threads;
    double seconds = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    var ta = new List<double>(); var tb = new List<double>();
    for (int i = 0; i < 20; i++) w.Run();
    var sw = System.Diagnostics.Stopwatch.StartNew();
    for (int i = 0; sw.Elapsed.TotalSeconds < seconds; i++)
    {
        bool a = (i & 1) == 0;
        if (weights) w.Live = a;
        else if (output) StaticCnn.Kernels.ConvWinograd.VectorOutput = !a;
        else StaticCnn.Kernels.ConvWinograd.VectorInput = !a;
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        w.Run();
        (a ? ta : tb).Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds * 1e6);
    }
    StaticCnn.Kernels.ConvWinograd.VectorInput = StaticCnn.Kernels.ConvWinograd.VectorOutput = true;
    w.Live = false;
    ta.Sort(); tb.Sort();
    string which = weights ? "weights" : output ? "output" : "input";
    var (na, nb) = weights ? ("transformed per call", "prepared once") : ("transform 8 lanes", "AVX-512");
    Console.WriteLine($"{args[1]} {args[2]} {threads} thr: {which} {na}: median {ta[ta.Count / 2]:F1} min {ta[0]:F1} µs | {nb}: median {tb[tb.Count / 2]:F1} min {tb[0]:F1} µs  ({ta.Count} calls each)");
    return 0;
}
if (args.Length >= 4 && args[0] == "concurrent")
{
    // two copies of one workload, each on 1 thread, at the same time in this process: what the two cores give together
    // (the ceiling of a 2-thread call), beside one copy alone
    using var a = Workloads.Find(args[1], args[2], 1);
    using var b = Workloads.Find(args[1], args[2], 1);
    double seconds = double.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture);
    double Loop(IWorkload w)
    {
        for (int i = 0; i < 20; i++) w.Run();
        var sw = System.Diagnostics.Stopwatch.StartNew();
        long n = 0;
        while (sw.Elapsed.TotalSeconds < seconds) { w.Run(); n++; }
        return sw.Elapsed.TotalSeconds / n * 1e6;
    }
    double tb = 0;
    var other = new Thread(() => tb = Loop(b));
    other.Start();
    double ta = Loop(a);
    other.Join();
    double alone = Loop(a);
    Console.WriteLine($"{a.Name} {a.Variant}: two 1-thread copies at once {ta:F1} and {tb:F1} us per call, one alone {alone:F1}: "
        + $"together {alone / ta + alone / tb:F2}× one core");
    return 0;
}
if (args.Length >= 4 && args[0] == "trace")
    return TraceMode.Run(args[1..]);
if (args.Length >= 8 && args[0] == "convshape")
    return ShapeMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "depthwise")
    return DepthwiseMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "activation")
    return ActivationMode.Run(args[1..]);
if (args.Length > 0 && args[0] == "table")
    return TableMode.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(FmaPeak).Assembly).Run(args);
return 0;
