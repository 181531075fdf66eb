using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Prepared weights for the small-channel forwards that transform their kernel columns on every call (the column and
/// channel-wise F(2,3) algorithms: LeNet-5's and Cifar10Net's layers): the prepared form gives the bits of the per-call
/// transform at 1–3 threads, through <see cref="Conv2D.Forward"/>, <see cref="Conv2D.ForwardBatchNorm"/> and the fused
/// <see cref="ConvMaxPool2D.Forward"/>, from a copy at another address too; another weights' prepared form gives that
/// weights' result (so it is what is read); a wrong length is a clear error.
/// </summary>
[Trait("Category", "Numeric")]
public class ConvDirectPreparedTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // inC, H, W, outC, k, pad, batch
        { 1, 28, 28, 6, 5, 2, 2 },     // LeNet-5 Conv1: column F(2,3), 5×5
        { 6, 14, 14, 16, 5, 0, 3 },    // LeNet-5 Conv2: channel-wise column pairs, 5×5, 16 channels
        { 3, 32, 32, 32, 3, 1, 1 },    // Cifar10Net Conv1: column F(2,3), 3×3
        { 4, 10, 10, 16, 3, 1, 2 },    // channel-wise column pairs, 3×3
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Prepared_weights_give_the_same_bits_and_are_what_is_read(int inC, int h, int w, int outC, int k, int pad, int batch)
    {
        var s = ConvAlgorithmListTests.Shape(inC, h, w, outC, k, k, ph: pad, pw: pad, act: Activation.ReLU);
        ConvAlgorithm alg = Conv2D.AlgorithmFor(s);
        int n = Conv2D.PreparedFloats(s);
        if (alg is not (ConvAlgorithm.ColumnWinograd or ConvAlgorithm.ChannelWisePairs))
        {
            // without AVX-512 (channel-wise pairs) or AVX2 (column F(2,3)) these layers run direct: nothing to prepare
            Assert.False(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated, $"{s}: {alg} on the AVX-512 path");
            Assert.Equal(0, n);
            return;
        }
        Assert.Equal(outC * inC * k * (k == 3 ? 4 : 7), n);   // per kernel column: 4 transformed taps for 3, 7 for 5
        var rng = new Random(inC * 31 + outC);
        int xl = batch * inC * h * w, yl = batch * outC * s.outH * s.outW, wl = outC * inC * k * k;
        var x = NumericAssert.Random(rng, xl);
        var wt = NumericAssert.Random(rng, wl);
        var w2 = NumericAssert.Random(rng, wl);
        var b = NumericAssert.Random(rng, outC);
        var prepared = new float[n];
        var other = new float[n + 5];      // w2's, 5 floats further on
        Conv2D.PrepareWeights(s, wt, prepared);
        Conv2D.PrepareWeights(s, w2, other.AsSpan(5));
        var copy = new float[n + 3];
        prepared.CopyTo(copy, 3);
        var bn = new BatchNormShape(outC, s.outH, s.outW);
        var gamma = NumericAssert.Random(rng, outC);
        var beta = NumericAssert.Random(rng, outC);
        var mean = NumericAssert.Random(rng, outC);
        var variance = NumericAssert.Random(rng, outC).Select(v => 0.5f + Math.Abs(v)).ToArray();
        var pool = Pool2DShape.Create(outC, s.outH, s.outW, 2, 2, 0);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            float[] Run(float[] weights, ReadOnlySpan<float> p, int kind)
            {
                if (kind == 2)
                {
                    var pooled = new float[batch * outC * pool.OutH * pool.OutW];
                    ConvMaxPool2D.Forward(s, pool, x, weights, b, new float[yl], pooled, batch, scratch, threads, p);
                    return pooled;
                }
                var y = new float[yl];
                if (kind == 0) Conv2D.Forward(s, x, weights, b, y, batch, scratch, threads, p);
                else Conv2D.ForwardBatchNorm(s, bn, x, weights, b, gamma, beta, mean, variance, Activation.ReLU6, 0f, y, batch, scratch, threads, p);
                return y;
            }
            for (int kind = 0; kind < 3; kind++)
                NumericAssert.PreparedIsWhatIsRead(
                    $"{s} ({alg}), batch {batch}, {threads} threads, {(kind == 0 ? "forward" : kind == 1 ? "BatchNorm" : "conv → pool")}",
                    (weights, p) => Run(weights, p, kind), wt, w2, prepared, copy.AsSpan(3), other.AsSpan(5));
        }
        var ex = Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, wt, b, new float[yl], batch,
            new float[Conv2D.ScratchFloats(s, batch, 1)], 1, prepared.AsSpan(1)));
        Assert.Equal("prepared", ex.ParamName);
        Assert.Equal("prepared", Assert.Throws<ArgumentException>(() => Conv2D.PrepareWeights(s, wt, new float[n - 1])).ParamName);
    }
}
