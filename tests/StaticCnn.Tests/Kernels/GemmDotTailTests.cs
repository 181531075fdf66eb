using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The last N mod 16 columns of a GEMM as dot products when they are 1–8 (<see cref="Gemm.DotColumns"/>, AVX-512):
/// the in-place 1×1 GEMM and the padded-image GEMM through <see cref="Gemm.RunIndirect"/>, the im2col GEMM per
/// sample through <see cref="Gemm.DotColumn"/>. 7×7 planes (49 = 48 + 1 columns) are the case it is for; only where
/// the columns before them fill whole 48-wide tiles (the dots then save a pass over A). At batch &gt; 1 the im2col GEMM
/// of such planes puts the samples' columns side by side instead (<see cref="ConvCore.SamplesSideBySide"/>).
/// </summary>
public class GemmDotTailTests
{
    [Fact]
    public void Which_columns_are_dot_products()
    {
        int Dots(int n) => Gemm.DotColumns(n, 512);
        if (!Vector512.IsHardwareAccelerated)
        {
            Assert.Equal(0, Dots(49));   // only the AVX-512 path has them
            return;
        }
        Assert.Equal(1, Dots(49));       // 7×7
        Assert.Equal(4, Dots(196));      // 14×14
        Assert.Equal(8, Dots(8));
        Assert.Equal(0, Dots(57));       // 9 past a multiple of 16: the 16-wide edge tile
        Assert.Equal(0, Dots(64));
        Assert.Equal(5, Dots(53));       // 48 + 5: a pass over A of four columns, then one
        // the columns before them do not fill whole 48-wide tiles: the edge tile takes them in the same pass over A
        // (a 4×4 plane's padded grid, 22 = 16 + 6; 7 × 10 = 70 = 64 + 6)
        Assert.Equal(0, Dots(22));
        Assert.Equal(0, Dots(70));
        Assert.Equal(0, Gemm.DotColumns(49, Gemm.DotMaxK + 1));   // the im2col GEMM gathers the columns whole
    }

    /// <summary>(inC, H, W, outC, k, stride, pad, groups, batch): 1×1 at 7² (in place), 3×3 at 7² and 3×3/2 to 7² (im2col), grouped.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        { 96, 7, 7, 40, 1, 1, 0, 1, 2 },
        { 40, 7, 7, 200, 1, 1, 0, 1, 1 },
        { 37, 14, 14, 20, 1, 1, 0, 1, 1 },     // 196 = 4·48 + 4
        { 128, 7, 7, 1024, 3, 1, 1, 1, 1 },    // ≥ 2²⁰ weights: im2col instead of the padded image
        { 24, 13, 13, 48, 3, 2, 1, 1, 3 },     // 3×3 / 2 to 7×7 (im2col)
        { 64, 28, 28, 40, 3, 2, 1, 1, 2 },     // 3×3 / 2 to 14×14 (196 = 4·48 + 4, K in 2 blocks): a part's range can hold only the dots
        { 16, 7, 7, 32, 3, 1, 1, 2, 2 },       // grouped, padded image (61 grid columns: 45 + 16)
        { 24, 1, 53, 30, 1, 1, 0, 1, 2 },      // 53 = 48 + 5 in place: four columns in one pass, then one
        { 20, 1, 56, 17, 1, 1, 0, 1, 1 },      // 56 = 48 + 8: two passes of four
        // batch > 1 on planes under 64 pixels: the samples' im2col columns side by side (ConvCore.SamplesSideBySide),
        // tiles across sample boundaries, K in several blocks, M not a multiple of 8
        { 160, 4, 4, 130, 3, 1, 1, 1, 7 },     // 7 × 16 = 112 columns
        { 128, 7, 7, 160, 3, 1, 1, 1, 3 },     // 3 × 49 = 147 columns
        { 320, 4, 4, 256, 3, 1, 1, 2, 5 },     // grouped
    };

    /// <summary>
    /// The dot-product columns of <see cref="Gemm.RunIndirect"/> (run per K block right after the tiles that read the
    /// same rows of A, four columns per pass where there are four) have the bits of <see cref="Gemm.DotColumn"/> per
    /// K block (<see cref="Gemm.KcFor"/>), the first with the bias, the others added: with and without bias, on K in one
    /// block and in several, with and without a rest past a multiple of 64 and of 16.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(53, 37, 130)]
    [InlineData(56, 9, 64)]
    [InlineData(52, 20, 2049)]
    [InlineData(49, 11, 1000)]
    [InlineData(5, 13, 700)]      // only dot columns in the call
    [InlineData(8, 6, 40)]
    public unsafe void Dot_columns_have_the_bits_of_DotColumn(int n, int m, int k)
    {
        int dots = Gemm.DotColumns(n, k);
        if (dots == 0) return;   // no AVX-512
        var rng = new Random(n * 31 + k);
        var a = OpsTestUtil.Rand(rng, m * k);
        var b = OpsTestUtil.Rand(rng, k * n + Gemm.MaxNR + 16);
        var bias = OpsTestUtil.Rand(rng, m);
        var offs = new int[k];
        for (int i = 0; i < k; i++) offs[i] = i * n;
        foreach (bool withBias in new[] { false, true })
        {
            var c = new float[m * n];
            var col = new float[k];
            var d = new float[m];
            fixed (float* pa = a, pb = b, pc = c, pbias = bias, pcol = col, pd = d)
            fixed (int* po = offs)
            {
                Gemm.RunIndirect(m, k, pa, k, pb, po, pc, n, withBias ? pbias : null, 0, n);
                for (int j = n - dots; j < n; j++)
                {
                    for (int i = 0; i < k; i++) col[i] = b[i * n + j];
                    int kcMax = Gemm.KcFor(k);
                    for (int p0 = 0; p0 < k; p0 += kcMax)
                        Gemm.DotColumn(m, Math.Min(kcMax, k - p0), pa + p0, k, pcol + p0, pd, 1,
                            withBias ? pbias : null, accumulate: p0 > 0);
                    for (int i = 0; i < m; i++)
                        Assert.True(BitConverter.SingleToInt32Bits(d[i]) == BitConverter.SingleToInt32Bits(c[i * n + j]),
                            $"n {n}, k {k}, bias {withBias}: row {i}, column {j}: {c[i * n + j]:R} against {d[i]:R}");
                }
            }
        }
    }

    [Theory, MemberData(nameof(Shapes)), Trait("Category", "Numeric")]
    public void Match_the_reference_bit_identical_over_threads(int inC, int h, int w, int outC, int k, int stride, int pad, int groups, int batch)
    {
        var s = ConvAlgorithmListTests.Shape(inC, h, w, outC, k, k, stride, stride, pad, pad, groups: groups, act: Activation.ReLU);
        var rng = new Random(inC * 7 + outC + h);
        var x = OpsTestUtil.Rand(rng, batch * inC * h * w);
        var wt = OpsTestUtil.Rand(rng, outC * (inC / groups) * k * k);
        var b = OpsTestUtil.Rand(rng, outC);
        int yl = batch * outC * s.outH * s.outW;
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        double tol = 2e-6 * (inC / groups) * k * k + 1e-5;
        float[]? first = null;
        foreach (int t in new[] { 1, 2, 3 })
        {
            var y = OpsTestUtil.Rand(rng, yl);
            Conv2D.Forward(s, x, wt, b, y, batch, new float[Conv2D.ForwardScratchFloats(s, batch, t)], t);
            NumericAssert.Close($"{s} ({Conv2D.AlgorithmFor(s)}), {t} threads", yr, y, rtol: 0, atol: tol);
            if (first == null) first = y;
            else OpsTestUtil.BitEqual(first, y, $"{s}, 1 vs {t} threads");
        }
        // the accumulating forward (backward-data's form) on the same columns: y += conv, no bias
        var conv = OpsTestUtil.ConvWithoutBias(s, x, wt, batch);
        var y0 = OpsTestUtil.Rand(rng, yl);
        var acc = (float[])y0.Clone();
        ForwardAccumulating(s, x, wt, acc, batch);
        for (int i = 0; i < yl; i++)
            Assert.True(Math.Abs(acc[i] - (y0[i] + conv[i])) <= tol + 1e-6, $"accumulating {s}, element {i}");
    }

    private static unsafe void ForwardAccumulating(RuntimeConv2DShape s, float[] x, float[] w, float[] y, int batch)
    {
        var g = Conv2D.Geom(s);
        var scratch = new float[ConvCore.ForwardScratch(g, 1)];
        fixed (float* px = x, pw = w, py = y, ps = scratch)
            ConvCore.Forward(g, px, pw, null, py, batch, true, Activation.None, ps, 1);
    }
}
