using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Benchmarks;

/// <summary>
/// Measures this machine's single-core fp32 FMA peak: 16 independent accumulator chains of Vector512 (12 of Vector256,
/// so that they fit 16 ymm registers), enough to cover the FMA latency on two ports. Every GFLOP/s figure is reported against it.
/// </summary>
public static class FmaPeak
{
    /// <summary>Best-of-<paramref name="repeats"/> GFLOP/s (2 flops per lane per FMA) on one thread.</summary>
    public static double Measure(bool avx512, int repeats = 7)
    {
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            const long iterations = 20_000_000;
            var sw = Stopwatch.StartNew();
            float sink = avx512 && Vector512.IsHardwareAccelerated ? Run512(iterations) : Run256(iterations);
            double seconds = sw.Elapsed.TotalSeconds;
            int lanes = avx512 && Vector512.IsHardwareAccelerated ? 16 : 8;
            double gflops = iterations * Chains(lanes) * lanes * 2.0 / seconds / 1e9;
            if (sink == 42f) Console.Write(""); // keep the result alive
            best = Math.Max(best, gflops);
        }
        return best;
    }

    /// <summary>
    /// Best-of-<paramref name="repeats"/> GFLOP/s of <paramref name="threads"/> threads running the same chains at once
    /// (the all-threads peak; on SMT siblings it is about the single-core figure, on separate cores about N times it).
    /// </summary>
    public static double MeasureParallel(bool avx512, int threads, int repeats = 5)
    {
        bool wide = avx512 && Vector512.IsHardwareAccelerated;
        const long iterations = 20_000_000;
        double best = 0;
        for (int r = 0; r < repeats; r++)
        {
            using var start = new Barrier(threads + 1);
            var workers = new Thread[threads];
            for (int t = 0; t < threads; t++)
            {
                workers[t] = new Thread(() => { start.SignalAndWait(); float v = wide ? Run512(iterations) : Run256(iterations); if (v == 42f) Console.Write(""); });
                workers[t].Start();
            }
            start.SignalAndWait();
            var sw = Stopwatch.StartNew();
            foreach (var w in workers) w.Join();
            double seconds = sw.Elapsed.TotalSeconds;
            best = Math.Max(best, threads * iterations * Chains(wide ? 16 : 8) * (wide ? 16 : 8) * 2.0 / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Independent FMA chains per loop turn: 16 of Vector512, 12 of Vector256.</summary>
    private static int Chains(int lanes) => lanes == 16 ? 16 : 12;

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run512(long n)
    {
        var m = Vector512.Create(0.9999f);
        var c = Vector512.Create(0.0001f);
        Vector512<float> a0 = Vector512.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
            a8 = a0, a9 = a0, a10 = a0, a11 = a0, a12 = a0, a13 = a0, a14 = a0, a15 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c); a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c); a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c); a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c); a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c); a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c); a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
            a12 = Avx512F.FusedMultiplyAdd(a12, m, c); a13 = Avx512F.FusedMultiplyAdd(a13, m, c);
            a14 = Avx512F.FusedMultiplyAdd(a14, m, c); a15 = Avx512F.FusedMultiplyAdd(a15, m, c);
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11)) + ((a12 + a13) + (a14 + a15));
        return Vector512.Sum(s);
    }

    /// <summary>
    /// 12 chains, not 16: with the two constants that is 14 registers, which fit the 16 ymm registers a CPU without
    /// AVX-512 has (16 chains spilled there and read 62 % of the peak under <c>DOTNET_EnableAVX512=0</c>). Two FMA pipes
    /// of latency 4 need 8 chains.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static float Run256(long n)
    {
        var m = Vector256.Create(0.9999f);
        var c = Vector256.Create(0.0001f);
        Vector256<float> a0 = Vector256.Create(1f), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0,
            a8 = a0, a9 = a0, a10 = a0, a11 = a0;
        for (long i = 0; i < n; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c); a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c); a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c); a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c); a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c); a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c); a11 = Fma.MultiplyAdd(a11, m, c);
        }
        var s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11));
        return Vector256.Sum(s);
    }
}
