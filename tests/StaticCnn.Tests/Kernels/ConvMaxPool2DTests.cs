using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The inference fusion Conv2D → MaxPool2D (<see cref="ConvMaxPool2D"/>): bit-identical to the unfused fast layers
/// (Conv2D.Forward, then MaxPool2D.Forward), the reference twin equal to the unfused reference layers, and the fast
/// path close to the reference; at 1–3 threads; on direct-kernel, channel-wise and GEMM-routed shapes, odd sizes
/// (the pool drops the last row/column), padding, other activations and non-2×2 pools (fallback).
/// </summary>
[Trait("Category", "Numeric")]
public class ConvMaxPool2DTests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, inC, H, W, outC, k, pad, pool k, pool stride, activation
        { 1, 1, 28, 28, 6, 5, 2, 2, 2, 1 },     // LeNet-5 Conv1 → Pool1 (direct, 28-wide rows)
        { 1, 6, 14, 14, 16, 5, 0, 2, 2, 1 },    // LeNet-5 Conv2 → Pool2 (channel-wise kernel, pool in its tiles)
        { 12, 6, 14, 14, 16, 5, 0, 2, 2, 1 },   // the same, batch 12: two parts with 2 threads, pool after the conv
        { 1, 6, 14, 14, 16, 5, 0, 2, 2, 3 },    // the same, tanh: pool after the conv
        { 2, 3, 12, 12, 16, 3, 1, 2, 2, 0 },    // channel-wise 3×3, no activation: pool in the tiles
        { 1, 10, 32, 32, 10, 3, 1, 2, 2, 1 },   // Cifar10Net Conv2 → Pool1
        { 1, 5, 16, 16, 20, 3, 1, 2, 2, 1 },    // Cifar10Net Conv4 → Pool2
        { 2, 10, 8, 8, 20, 5, 2, 2, 2, 1 },     // Cifar10Net Conv6 → Pool3 (rows one vector wide)
        { 2, 3, 13, 11, 7, 3, 1, 2, 2, 1 },     // odd output: last row and column dropped by the pool
        { 3, 2, 9, 23, 5, 3, 0, 2, 2, 3 },      // odd, no padding, tanh
        { 1, 4, 15, 17, 6, 3, 2, 2, 2, 4 },     // padding 2 on a 3×3 (output larger than input), leaky ReLU
        { 2, 3, 12, 12, 4, 3, 1, 3, 2, 1 },     // 3×3/2 pool: fallback (conv, then the pool kernel)
        { 1, 3, 10, 10, 40, 3, 1, 2, 2, 1 },    // 40 channels: GEMM-routed conv, then the pool kernel
        { 2, 16, 20, 20, 8, 3, 1, 2, 2, 0 },    // 8 channels, no activation
        { 1, 32, 16, 16, 48, 3, 1, 2, 2, 1 },   // Winograd conv (VGG's conv → pool): also on prepared weights
    };

    private static RuntimeConv2DShape Conv(int inC, int h, int w, int outC, int k, int pad, int act) => new()
    {
        inC = inC, inH = h, inW = w, outC = outC, kH = k, kW = k, strideH = 1, strideW = 1, padH = pad, padW = pad,
        dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = (Activation)act,
        outH = h + 2 * pad - k + 1, outW = w + 2 * pad - k + 1,
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Fused_equals_unfused_layers_and_reference(int n, int inC, int h, int w, int outC, int k, int pad, int pk, int ps, int act)
    {
        var c = Conv(inC, h, w, outC, k, pad, act);
        var p = Pool2DShape.Create(outC, c.outH, c.outW, pk, ps, 0);
        var rng = new Random(h * 131 + w * 7 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, outC * inC * k * k, -0.3f, 0.3f);
        var b = Rand(rng, outC);
        int convLen = n * outC * c.outH * c.outW, poolLen = n * outC * p.OutH * p.OutW;

        // unfused fast layers (training-style pool with argmax) and unfused reference layers
        var scratch = new float[ConvMaxPool2D.ScratchFloats(c, n, 3)];
        var cu = new float[convLen]; var yu = new float[poolLen]; var au = new int[poolLen];
        Conv2D.Forward(c, x, wt, b, cu, n, scratch, 1);
        MaxPool2D.Forward(p, cu, yu, au, n, 1);
        var cr = new float[convLen]; var yr = new float[poolLen]; var ar = new int[poolLen];
        Conv2D.ForwardReference(c, x, wt, b, cr, n, default, 1);
        MaxPool2D.ForwardReference(p, cr, yr, ar, n, 1);

        var cR = new float[convLen]; var yR = new float[poolLen];
        ConvMaxPool2D.ForwardReference(c, p, x, wt, b, cR, yR, n, default, 1);
        BitEqual(cr, cR, "reference conv");
        BitEqual(yr, yR, "reference pool");
        foreach (int t in new[] { 1, 2, 3 })
        {
            var cf = Rand(rng, convLen); var yf = Rand(rng, poolLen);
            ConvMaxPool2D.Forward(c, p, x, wt, b, cf, yf, n, scratch, t);
            BitEqual(cu, cf, $"conv output, {t} threads");
            BitEqual(yu, yf, $"pooled output, {t} threads");
            Close(yr, yf, 1e-5, 1e-5, $"pooled vs reference, {t} threads");
            if (Conv2D.PreparedFloats(c) == 0) continue;
            // on weights prepared once: the same bits
            var prepared = new float[Conv2D.PreparedFloats(c)];
            Conv2D.PrepareWeights(c, wt, prepared);
            var cp = Rand(rng, convLen); var yp = Rand(rng, poolLen);
            ConvMaxPool2D.Forward(c, p, x, wt, b, cp, yp, n, scratch, t, prepared);
            BitEqual(cu, cp, $"conv output on prepared weights, {t} threads");
            BitEqual(yu, yp, $"pooled output on prepared weights, {t} threads");
            // weights prepared from other weights give those weights' result: the prepared form is what is read
            var wt2 = Rand(rng, wt.Length, -0.3f, 0.3f);
            var c2 = new float[convLen]; var y2 = new float[poolLen];
            ConvMaxPool2D.Forward(c, p, x, wt2, b, c2, y2, n, scratch, t);
            Conv2D.PrepareWeights(c, wt2, prepared);
            ConvMaxPool2D.Forward(c, p, x, wt, b, cp, yp, n, scratch, t, prepared);
            BitEqual(y2, yp, $"pooled output on other weights' prepared form, {t} threads");
        }
        if (h == 16 && outC == 48) Assert.Equal(ConvAlgorithm.Winograd, Conv2D.AlgorithmFor(c));   // so the prepared path ran
    }

    /// <summary>
    /// Non-finite inputs: the pool taken inside the conv tiles (LeNet-5 Conv1 and Conv2, Cifar10Net Conv2 shapes) keeps the pool
    /// kernel's NaN propagation and tie order bit for bit.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(1, 28, 28, 6, 5, 2)]
    [InlineData(10, 32, 32, 10, 3, 1)]
    [InlineData(6, 14, 14, 16, 5, 0)]
    public void Fused_pool_keeps_nan_and_ties_of_the_pool_kernel(int inC, int h, int w, int outC, int k, int pad)
    {
        var c = Conv(inC, h, w, outC, k, pad, 1);
        var p = Pool2DShape.Create(outC, c.outH, c.outW, 2, 2, 0);
        var rng = new Random(77 + inC);
        var x = Rand(rng, inC * h * w);
        for (int i = 0; i < x.Length; i += 97) x[i] = i % 3 == 0 ? float.NaN : i % 3 == 1 ? float.PositiveInfinity : float.NegativeInfinity;
        var wt = Rand(rng, outC * inC * k * k, -0.3f, 0.3f);
        var b = Rand(rng, outC);
        int convLen = outC * c.outH * c.outW, poolLen = outC * p.OutH * p.OutW;
        var scratch = new float[ConvMaxPool2D.ScratchFloats(c, 1, 1)];
        var cu = new float[convLen]; var yu = new float[poolLen]; var au = new int[poolLen];
        Conv2D.Forward(c, x, wt, b, cu, 1, scratch, 1);
        MaxPool2D.Forward(p, cu, yu, au, 1, 1);
        var cf = new float[convLen]; var yf = new float[poolLen];
        ConvMaxPool2D.Forward(c, p, x, wt, b, cf, yf, 1, scratch, 1);
        Assert.Contains(yu, float.IsNaN);
        BitEqual(cu, cf, "conv output");
        BitEqual(yu, yf, "pooled output");
    }

    [Fact]
    public void Rejects_a_pool_that_does_not_read_the_conv()
    {
        var c = Conv(2, 8, 8, 3, 3, 1, 1);
        var p = Pool2DShape.Create(4, 8, 8, 2, 2, 0);
        Assert.Throws<ArgumentException>(() => ConvMaxPool2D.Forward(c, p, new float[128], new float[54], new float[3],
            new float[192], new float[64], 1, new float[ConvMaxPool2D.ScratchFloats(c, 1, 1)], 1));
    }
}
