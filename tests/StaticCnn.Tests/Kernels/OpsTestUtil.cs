using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>Helpers for the non-GEMM layer kernel tests: random data, comparisons and a finite-difference gradient check.</summary>
internal static class OpsTestUtil
{
    public static float[] Rand(Random rng, int n, float lo = -1f, float hi = 1f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)rng.NextDouble();
        return a;
    }

    /// <summary>Distinct values spaced ≥ <paramref name="gap"/> in random order (no ties for max pooling).</summary>
    public static float[] Distinct(Random rng, int n, float gap = 0.01f)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (i - n / 2) * gap;
        for (int i = n - 1; i > 0; i--) { int j = rng.Next(i + 1); (a[i], a[j]) = (a[j], a[i]); }
        return a;
    }

    /// <summary>Bitwise equality: <see cref="NumericAssert.Identical"/> in the argument order of the kernel tests.</summary>
    /// <summary>conv(x, w) alone, without the layer's bias and activation (the reference twin): what an accumulating forward adds to y.</summary>
    public static float[] ConvWithoutBias(RuntimeConv2DShape s, float[] x, float[] w, int batch)
    {
        var plain = s;
        plain.hasBias = false;
        plain.activation = Activation.None;
        var conv = new float[batch * s.outC * s.outH * s.outW];
        Conv2D.ForwardReference(plain, x, w, [], conv, batch, default, 1);
        return conv;
    }

    public static void BitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what = "")
        => NumericAssert.Identical(what, expected, actual);

    /// <summary>
    /// |actual − expected| ≤ abs + rel·|expected| element-wise: <see cref="NumericAssert.Close(string, ReadOnlySpan{float}, ReadOnlySpan{float}, double, double)"/>
    /// in the argument order of the kernel tests.
    /// </summary>
    public static void Close(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double abs, double rel, string what = "")
        => NumericAssert.Close(what, expected, actual, rtol: rel, atol: abs);

    /// <summary>
    /// Finite-difference check of a reference kernel: the loss L = Σ r·f(x) is accumulated in double for random weights r;
    /// the analytic gradient comes from <paramref name="backward"/>(x, dy = r) (which must add into a zeroed dx);
    /// the numeric one is the central difference over the step actually representable in float.
    /// </summary>
    public static void GradCheck(Random rng, float[] x, Func<float[], float[]> forward, Func<float[], float[], float[]> backward,
        double eps = 1e-3, double abs = 2e-3, double rel = 2e-2, int maxChecks = 80)
    {
        float[] y0 = forward(x);
        var r = Rand(rng, y0.Length);
        float[] analytic = backward(x, (float[])r.Clone());
        Assert.Equal(x.Length, analytic.Length);
        double Loss(float[] xx)
        {
            float[] yy = forward(xx);
            double l = 0;
            for (int j = 0; j < yy.Length; j++) l += (double)r[j] * yy[j];
            return l;
        }
        int checks = Math.Min(maxChecks, x.Length);
        for (int c = 0; c < checks; c++)
        {
            int i = x.Length <= maxChecks ? c : rng.Next(x.Length);
            float orig = x[i];
            float xp = (float)(orig + eps), xm = (float)(orig - eps);
            x[i] = xp; double lp = Loss(x);
            x[i] = xm; double lm = Loss(x);
            x[i] = orig;
            double numeric = (lp - lm) / ((double)xp - xm);
            double a = analytic[i];
            if (!(Math.Abs(numeric - a) <= abs + rel * Math.Abs(numeric)))
                Assert.Fail($"d/dx[{i}]: analytic {a:R}, numeric {numeric:R}");
        }
    }

    /// <summary>
    /// Asserts that <paramref name="call"/> allocates nothing on the calling thread once warmed up (JIT, pool threads).
    /// With <paramref name="expectPool"/> it also asserts that the calls went through the worker pool (the sizes used must
    /// be large enough for more than one part), so the multi-threaded path is the one measured.
    /// </summary>
    /// <remarks>
    /// The measure is the best of up to five windows of 20 calls: an allocation per call shows in every window, while a
    /// one-off allocation of the .NET runtime itself (a monitor inflated the first time a parked pool worker is woken
    /// under contention, which happens only when other tests share the pool) does not repeat.
    /// </remarks>
    public static void NoAllocation(Action call, bool expectPool = true)
    {
        for (int i = 0; i < 40; i++) call();
        long least = long.MaxValue;
        for (int window = 0; window < 5 && least != 0; window++)
        {
            long pooled = StaticCnn.Kernels.OpsParallel.PooledCalls;
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 20; i++) call();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            if (expectPool) Assert.True(StaticCnn.Kernels.OpsParallel.PooledCalls >= pooled + 20, "the calls did not use the worker pool");
        }
        Assert.True(least == 0, $"{least} bytes allocated over 20 calls (the least of 5 windows)");
    }
}
