using System.Diagnostics;
using System.Globalization;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks;

/// <summary>
/// <c>trace NAME VARIANT THREADS [CALLS]</c>: where the time of one call goes, part by part. Needs
/// <c>STATICCNN_WORKER_TRACE=1</c> (the kernels' worker pool then times every part of every dispatch). For each
/// dispatch of a call, in order: the medians over the calls of its wall time (issue to last part's end), and per part
/// the start delay after the issue (a parked worker's wake-up shows here) and the part's own duration (an uneven split
/// or a part slowed by the other one shows here), with the part's thread CPU time (below the duration when the
/// thread was preempted), and the serial time before it (since the previous dispatch ended, or the call began). Also
/// the call's time outside every dispatch (serial work).
/// </summary>
public static class TraceMode
{
    public static int Run(string[] args)
    {
        if (!GemmWorkers.TraceEnabled)
        {
            Console.Error.WriteLine("trace mode needs STATICCNN_WORKER_TRACE=1 in the environment");
            return 2;
        }
        int threads = int.Parse(args[2], CultureInfo.InvariantCulture);
        int calls = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 200;
        using var w = Workloads.Find(args[0], args[1], threads);
        w.Threads = threads;
        long w0 = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(w0).TotalSeconds < 1) w.Run();
        GemmWorkers.TakeTrace();
        double us = 1e6 / Stopwatch.Frequency;
        var perCall = new List<double>();
        var outside = new List<double>();
        // [dispatch ordinal] -> (wall, [part] -> (delay, duration)) samples
        var wall = new List<List<double>>();
        var delay = new List<List<List<double>>>();
        var dur = new List<List<List<double>>>();
        var cpu = new List<List<List<double>>>();
        var gap = new List<List<double>>();   // [dispatch] -> serial time since the previous dispatch ended (or the call began)
        var fns = new List<nint>();
        for (int i = 0; i < calls; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            w.Run();
            long t1 = Stopwatch.GetTimestamp();
            var entries = GemmWorkers.TakeTrace();
            perCall.Add((t1 - t0) * us);
            var byDispatch = entries.GroupBy(e => e.Dispatch).OrderBy(gr => gr.Key).ToList();
            double inside = 0;
            long previousEnd = t0;
            for (int d = 0; d < byDispatch.Count; d++)
            {
                var parts = byDispatch[d].OrderBy(e => e.Part).ToList();
                if (wall.Count <= d) { wall.Add([]); delay.Add([]); dur.Add([]); cpu.Add([]); gap.Add([]); fns.Add(parts[0].Fn); }
                long issued = parts[0].Issued, end = parts.Max(e => e.End);
                gap[d].Add((issued - previousEnd) * us);
                previousEnd = end;
                wall[d].Add((end - issued) * us);
                inside += (end - issued) * us;
                foreach (var e in parts)
                {
                    while (delay[d].Count <= e.Part) { delay[d].Add([]); dur[d].Add([]); cpu[d].Add([]); }
                    cpu[d][e.Part].Add(e.CpuNs / 1000.0);
                    delay[d][e.Part].Add((e.Start - issued) * us);
                    dur[d][e.Part].Add((e.End - e.Start) * us);
                }
            }
            outside.Add((t1 - t0) * us - inside);
        }
        Console.WriteLine($"{w.Name} {w.Variant}, {threads} threads, {calls} calls: median {Median(perCall):F1} us per call, "
            + $"{Median(outside):F1} us outside dispatches; load average {string.Join(' ', TableMode.LoadAverage())}");
        for (int d = 0; d < wall.Count; d++)
        {
            var parts = string.Join("  ", Enumerable.Range(0, dur[d].Count).Select(p =>
                $"part {p}: +{Median(delay[d][p]),5:F1} {Median(dur[d][p]),7:F1} (cpu {Median(cpu[d][p]),6:F1})"));
            Console.WriteLine($"  dispatch {d,2} (fn {fns[d]:x}): after {Median(gap[d]),6:F1} us serial, wall {Median(wall[d]),7:F1} us   {parts}");
        }
        return 0;
    }

    private static double Median(List<double> v)
    {
        if (v.Count == 0) return 0;
        var s = v.OrderBy(x => x).ToList();
        return s[s.Count / 2];
    }
}
