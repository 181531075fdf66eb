using System.Text;
using Xunit;

namespace StaticCnn.Tests.Support;

/// <summary>
/// The one numeric comparison of the test projects (tests/Shared, linked into each). Every element check is
/// |actual − expected| ≤ bound, where NaN matches NaN and equal values (±∞ included) always match; a failure names
/// how many elements fail and the worst one: index, expected, actual, absolute and relative error, bound.
/// PyTorch: <c>torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)</c>.
/// </summary>
public static class NumericAssert
{
    /// <summary>Unit roundoff of float: 2^-24.</summary>
    public const double U = 1.0 / (1 << 24);

    /// <summary>
    /// Asserts |actual[i] − expected[i]| ≤ atol + rtol·|expected[i]| for every i.
    /// PyTorch: <c>torch.testing.assert_close(actual, expected, rtol=rtol, atol=atol, equal_nan=True)</c>.
    /// </summary>
    public static void Close(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol)
        => Check(what, expected, actual, rtol, atol, ReadOnlySpan<double>.Empty, $"|a − e| ≤ {atol:g3} + {rtol:g3}·|e|");

    /// <summary>
    /// Asserts |actual[i] − expected[i]| ≤ relativeToMax·max|expected| for every i, i.e. max |actual − expected| / max |expected|
    /// ≤ <paramref name="relativeToMax"/>, and max |expected| &gt; <paramref name="minReference"/>, so that the comparison
    /// proves something. <paramref name="report"/>, if given, receives the figures before anything is asserted.
    /// PyTorch: <c>assert (actual - expected).abs().max() / expected.abs().max() &lt;= relative_to_max</c>.
    /// </summary>
    public static void CloseRelativeToMax(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual,
        double relativeToMax, double minReference, Action<string>? report = null)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        double maxRef = 0;
        foreach (float e in expected) maxRef = Math.Max(maxRef, Math.Abs(e));
        double maxAbs = MaxAbsError(expected, actual);
        report?.Invoke($"max |actual - expected| = {maxAbs:E3}, max |expected| = {maxRef:G4}, relative {maxAbs / maxRef:E3}");
        Assert.True(maxRef > minReference, $"{what}: the reference is (nearly) zero (max |e| = {maxRef:G4}): the comparison would prove nothing");
        Check(what, expected, actual, 0, relativeToMax * maxRef, ReadOnlySpan<double>.Empty, $"|a − e| ≤ {relativeToMax:g3}·max|e| = {relativeToMax * maxRef:E3}");
    }

    /// <summary>
    /// Asserts |fast[i] − reference[i]| ≤ bound(i) for every i, where bound(i) = (reduction + 4)·u·absRef[i] + 4·u·|reference[i]| + 1e-30.
    /// absRef is the same computation on absolute values (Σ|terms|, including any start value), so the first term
    /// is the classical worst-case bound γ_n·Σ|terms| of a float sum of n products (fast path: one FMA chain,
    /// reference: exact up to its final rounding); the second allows a few ulps in the activation function.
    /// </summary>
    public static void Close(string name, ReadOnlySpan<float> fast, ReadOnlySpan<float> reference, ReadOnlySpan<float> absRef,
        long reduction)
    {
        Assert.Equal(reference.Length, fast.Length);
        var bounds = new double[reference.Length];
        for (int i = 0; i < bounds.Length; i++) bounds[i] = (reduction + 4) * U * absRef[i] + 4 * U * Math.Abs(reference[i]) + 1e-30;
        Check(name, reference, fast, 0, 0, bounds, $"|fast − reference| ≤ (reduction + 4)·u·Σ|terms| + 4·u·|reference| (reduction {reduction})");
    }

    /// <summary>A forward on <c>weights</c>, reading <c>prepared</c> in their place when it is not empty.</summary>
    public delegate float[] PreparedRun(float[] weights, ReadOnlySpan<float> prepared);

    /// <summary>
    /// The checks of a prepared-weights form (<c>Conv2D.PrepareWeights</c>): <paramref name="prepared"/> (made from
    /// <paramref name="w"/>) and a copy of it at another address give the bits of the per-call transform, and
    /// <paramref name="other"/> (made from <paramref name="w2"/>) with <paramref name="w"/> passed gives w2's result, so the
    /// prepared form is what the forward reads.
    /// </summary>
    public static void PreparedIsWhatIsRead(string what, PreparedRun run, float[] w, float[] w2, float[] prepared,
        ReadOnlySpan<float> copy, ReadOnlySpan<float> other)
    {
        float[] plain = run(w, default);
        Identical("prepared: " + what, plain, run(w, prepared));
        Identical("a copy: " + what, plain, run(w, copy));
        float[] fromOther = run(w, other);
        Identical("other weights' prepared form: " + what, run(w2, default), fromOther);
        Assert.NotEqual(plain, fromOther);
    }

    /// <summary>Asserts bit-identical floats (NaN payloads included); the message names the first difference.</summary>
    public static void Identical(string name, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        Assert.True(expected.Length == actual.Length, $"{name}: expected {expected.Length} values, got {actual.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{name}[{i}]: {expected[i]:R} vs {actual[i]:R} differ bitwise.");
    }

    /// <summary>max |a − b| in double. PyTorch: <c>(a - b).abs().max()</c>.</summary>
    public static double MaxAbsError(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs((double)a[i] - b[i]));
        return m;
    }

    /// <summary>max |expected − actual| / max(floor, |expected|) over the elements.</summary>
    public static double MaxRelativeError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double floor = 1e-6)
    {
        double m = 0;
        for (int i = 0; i < expected.Length; i++) m = Math.Max(m, Math.Abs(expected[i] - actual[i]) / Math.Max(floor, Math.Abs(expected[i])));
        return m;
    }

    /// <summary>Uniform floats in [−scale, scale) from <paramref name="rng"/>.</summary>
    public static float[] Random(Random rng, long n, float scale = 1f)
    {
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
        return a;
    }

    /// <summary>|a| element-wise.</summary>
    public static float[] Abs(ReadOnlySpan<float> a)
    {
        var r = new float[a.Length];
        for (int i = 0; i < a.Length; i++) r[i] = Math.Abs(a[i]);
        return r;
    }

    /// <summary>The one element loop: bound(i) = bounds[i] when given, else atol + rtol·|e|.</summary>
    private static void Check(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol,
        ReadOnlySpan<double> bounds, string rule)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        int bad = 0, worst = -1;
        double worstRatio = 0, maxAbs = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (e == a || (double.IsNaN(e) && double.IsNaN(a))) continue;
            double err = Math.Abs(a - e), bound = bounds.IsEmpty ? atol + rtol * Math.Abs(e) : bounds[i];
            if (!double.IsNaN(err)) maxAbs = Math.Max(maxAbs, err);
            if (err <= bound) continue; // NaN fails
            bad++;
            double ratio = double.IsNaN(err) ? double.PositiveInfinity : bound > 0 ? err / bound : double.PositiveInfinity;
            if (worst < 0 || ratio > worstRatio) { worst = i; worstRatio = ratio; }
        }
        if (bad == 0) return;
        double we = expected[worst], wa = actual[worst], wErr = Math.Abs(wa - we);
        double wBound = bounds.IsEmpty ? atol + rtol * Math.Abs(we) : bounds[worst];
        Assert.Fail($"{what}: {bad} of {expected.Length} values outside {rule}; worst [{worst}] expected {expected[worst]:R}, actual {actual[worst]:R}, "
            + $"|diff| {wErr:E3}, relative {wErr / Math.Abs(we):E3}, bound {wBound:E3}; max |diff| {maxAbs:E3}; first values e={Preview(expected)} a={Preview(actual)}");
    }

    private static string Preview(ReadOnlySpan<float> v)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < Math.Min(4, v.Length); i++) sb.Append(i == 0 ? "" : ", ").Append(v[i].ToString("g6"));
        return sb.Append(v.Length > 4 ? ", …]" : "]").ToString();
    }
}
