using System.Diagnostics;
using System.Globalization;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;

namespace StaticCnn.Benchmarks;

/// <summary>
/// <c>table</c> mode: a Stopwatch harness with exactly bench.py's method (warm-up calls, then timed repeats until at
/// least N repeats and T seconds; median and minimum), so that the StaticCnn and PyTorch figures of the side-by-side
/// table are measured the same way in the same run. Writes JSON in bench.py's schema plus the measured FMA peak.
/// BenchmarkDotNet classes (<see cref="ConvBenchmarks"/>, …) give per-benchmark detail (distribution, allocation).
/// </summary>
public static class TableMode
{
    private sealed record Result(string name, string variant, int threads, double median_s, double min_s, int repeats,
        double? flops, double? gflops, int images, string isa, double cpu_s);

    public static int Run(string[] args)
    {
        bool quick = false, peak = true;
        string? json = null;
        string threadsArg = "1,all";
        var only = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--quick": quick = true; break;
                case "--no-peak": peak = false; break;
                case "--json": json = args[++i]; break;
                case "--threads": threadsArg = args[++i]; break;
                case "--only": only.AddRange(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries)); break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; usage: table [--quick] [--threads 1,all] [--only lenet5,cifar10net,conv,vgg16] [--json out.json] [--no-peak]");
                    return 2;
            }
        }
        int all = Environment.ProcessorCount;
        var threadCounts = new List<int>();
        foreach (var t in threadsArg.Split(','))
        {
            int n = t == "all" ? all : int.Parse(t, CultureInfo.InvariantCulture);
            if (!threadCounts.Contains(n)) threadCounts.Add(n);
        }
        (double minTime, int minRep, int maxRep, int warm) = quick ? (0.2, 5, 200, 3) : (2.0, 20, 2000, 10);
        string isa = Vector512.IsHardwareAccelerated ? "avx512" : Avx2.IsSupported && Fma.IsSupported ? "avx2" : "vector128";
        var loadStart = LoadAverage();
        Console.WriteLine($"StaticCnn table mode: {CpuName()}, {all} CPUs, kernels on {isa}, .NET {Environment.Version}, load average {string.Join(' ', loadStart)}");

        var peaks = new Dictionary<string, double>();
        if (peak)
        {
            if (Vector512.IsHardwareAccelerated)
            {
                peaks["avx512_1t"] = FmaPeak.Measure(avx512: true, repeats: quick ? 3 : 7);
                peaks["avx512_all"] = FmaPeak.MeasureParallel(avx512: true, all, repeats: quick ? 3 : 5);
            }
            if (Avx2.IsSupported && Fma.IsSupported)
            {
                peaks["avx2_1t"] = FmaPeak.Measure(avx512: false, repeats: quick ? 3 : 7);
                peaks["avx2_all"] = FmaPeak.MeasureParallel(avx512: false, all, repeats: quick ? 3 : 5);
            }
            Console.WriteLine("fp32 FMA peak (GFLOP/s): " + string.Join(", ", peaks.Select(p => $"{p.Key} {p.Value:F1}")));
        }

        var results = new List<Result>();
        foreach (var make in Workloads.Create(only, threadCounts.Max()))
        {
            using var w = make();
            if (!Workloads.Matches(w.Name, only)) continue;
            foreach (string line in w.Algorithms.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                Console.WriteLine($"  {w.Name}: {line.TrimEnd()}");
            foreach (int threads in threadCounts)
            {
                w.Threads = threads;
                int minR = w.Heavy ? Math.Min(minRep, 10) : minRep, warmN = w.Heavy ? 2 : warm;
                var (med, best, reps, cpu) = Measure(w.Run, minTime, minR, maxRep, warmN);
                double? gflops = w.Flops > 0 ? w.Flops / med / 1e9 : null;
                var r = new Result(w.Name, w.Variant, threads, med, best, reps, w.Flops > 0 ? w.Flops : null, gflops, w.Images, isa, cpu);
                results.Add(r);
                string extra = gflops is double g ? $"  {g,8:F2} GFLOP/s" : "";
                Console.WriteLine($"{r.name,-22} {r.variant,-16} {threads,3} thr  median {Fmt(med),10}  min {Fmt(best),10}  cpu {Fmt(cpu),10}  n={reps}{extra}");
            }
            GC.Collect();
        }
        var loadEnd = LoadAverage();
        Console.WriteLine($"load average (1/5/15 min) at start {string.Join(' ', loadStart)}, at end {string.Join(' ', loadEnd)} on {all} CPUs");

        if (json != null)
        {
            var doc = new Dictionary<string, object?>
            {
                ["machine"] = new Dictionary<string, object?>
                {
                    ["cpu"] = CpuName(), ["cpu_count"] = all, ["runtime"] = Environment.Version.ToString(),
                    ["isa"] = isa, ["time"] = DateTimeOffset.Now.ToString("yyyy-MM-ddTHH:mm:sszzz", CultureInfo.InvariantCulture),
                    ["loadavg_start"] = loadStart, ["loadavg_end"] = loadEnd,
                    ["env_EnableAVX512"] = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512"),
                },
                ["peak_gflops"] = peaks,
                ["method"] = $"median of >= {minRep} repeats and >= {minTime}s after >= {warm} warm-up calls and >= {Math.Min(0.5, minTime * 2.5)}s (heavy: >= 10 repeats, 2 warm-up calls); Stopwatch",
                ["results"] = results,
            };
            File.WriteAllText(json, JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
            Console.WriteLine($"wrote {json}");
        }
        return 0;
    }

    /// <summary>
    /// Median and minimum wall time per call, and the mean process CPU time per call (all threads; on a shared machine
    /// CPU time is not inflated by waiting for a core, so it is the steadier figure).
    /// </summary>
    private static (double median, double min, int repeats, double cpuPerCall) Measure(Action fn, double minTime, int minRepeats, int maxRepeats, int warmup)
    {
        // Warm-up: the given number of calls and at least 0.5 s, so that tiered JIT compilation has promoted the
        // kernels to their optimized tier (after 30 calls and a 100 ms delay) before timing starts.
        long w0 = Stopwatch.GetTimestamp();
        for (int i = 0; i < warmup || Stopwatch.GetElapsedTime(w0).TotalSeconds < Math.Min(0.5, minTime * 2.5); i++) fn();
        var times = new List<double>();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        long start = Stopwatch.GetTimestamp();
        while (times.Count < maxRepeats && (times.Count < minRepeats || Stopwatch.GetElapsedTime(start).TotalSeconds < minTime))
        {
            long t0 = Stopwatch.GetTimestamp();
            fn();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        process.Refresh();
        double cpu = (process.TotalProcessorTime - cpu0).TotalSeconds / times.Count;
        times.Sort();
        int n = times.Count;
        double median = n % 2 == 1 ? times[n / 2] : (times[n / 2 - 1] + times[n / 2]) / 2;
        return (median, times[0], n, cpu);
    }

    private static string Fmt(double s) => s < 1e-3 ? $"{s * 1e6:F1} us" : s < 1 ? $"{s * 1e3:F2} ms" : $"{s:F3} s";

    public static double[] LoadAverage()
    {
        try
        {
            var parts = File.ReadAllText("/proc/loadavg").Split(' ');
            return parts.Take(3).Select(p => double.Parse(p, CultureInfo.InvariantCulture)).ToArray();
        }
        catch (IOException) { return []; }
    }

    public static string CpuName()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
                if (line.StartsWith("model name", StringComparison.Ordinal)) return line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        return "unknown";
    }
}
