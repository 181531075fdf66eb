using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <see cref="Conv2D.ForwardBatchNorm"/>: a convolution, the BatchNorm2D reading it and an optional activation in one
/// call. Every forward algorithm applicable to a shape, forced, must give the bits of the three separate kernels
/// (<see cref="Conv2D.Forward"/> under the same algorithm, <see cref="BatchNorm2D.ForwardInference{TS}(TS, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>,
/// <see cref="Activations.Forward"/>) at 1, 2 and 3 threads, NaN, −0 and ∞ included; the reference twin agrees within
/// rounding; bad arguments throw before anything is written.
/// </summary>
public class ConvBatchNormTests
{
    /// <summary>Shapes whose forward lists cover every algorithm: direct, channel-wise, column pairs, column Winograd,
    /// Winograd, both GEMMs, 1×1 expansion and reduction, depthwise (stride 1 and 2, and the direct 3×3 / 1 and 3×3 / 2 kernels with their epilogue in registers), grouped.</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // inC, H, W, outC, k, stride, pad, groups, batch
        { 3, 10, 10, 6, 3, 1, 0, 1, 2 },
        { 5, 9, 9, 8, 3, 1, 1, 1, 2 },
        { 5, 6, 6, 16, 3, 1, 1, 1, 3 },
        { 4, 18, 18, 10, 3, 1, 1, 1, 1 },
        { 32, 12, 12, 48, 3, 1, 1, 1, 2 },
        { 8, 12, 12, 48, 3, 1, 1, 1, 1 },
        { 8, 13, 13, 40, 3, 2, 1, 1, 2 },
        { 5, 4, 4, 7, 1, 1, 0, 1, 3 },
        { 48, 9, 11, 16, 1, 1, 0, 1, 2 },
        { 400, 7, 7, 24, 1, 1, 0, 1, 1 },      // 1×1 with two K blocks (K = 400), a whole 48-column tile and a dot column
        { 64, 10, 10, 40, 1, 1, 0, 1, 2 },     // 1×1: two whole 8×48 tiles per row block and 4 dot columns
        { 3, 23, 23, 8, 7, 2, 3, 1, 1 },
        { 3, 70, 70, 16, 7, 2, 3, 1, 1 },
        { 24, 15, 15, 24, 3, 1, 1, 24, 2 },
        { 16, 9, 40, 32, 3, 1, 1, 16, 1 },     // depthwise 3×3 / 1 direct: edge and interior vectors, multiplier 2
        { 12, 7, 7, 12, 3, 1, 1, 12, 2 },      // depthwise 3×3 / 1 direct: rows of 7
        { 32, 14, 14, 32, 3, 2, 1, 32, 1 },
        { 16, 9, 40, 32, 3, 2, 1, 16, 2 },     // depthwise 3×3 / 2 direct: odd height, a masked last vector, multiplier 2
        { 8, 10, 10, 12, 3, 1, 1, 4, 2 },
    };

    [Theory, MemberData(nameof(Shapes)), Trait("Category", "Numeric")]
    public void Every_algorithm_gives_the_bits_of_the_separate_layers(int inC, int h, int w, int outC, int k, int stride, int pad, int groups, int batch)
    {
        var rng = new Random(inC * 1000 + h * 10 + outC + groups);
        foreach (Activation own in new[] { Activation.None, Activation.ReLU })
        {
            var s = ConvAlgorithmListTests.Shape(inC, h, w, outC, k, k, stride, stride, pad, pad, groups: groups, act: own);
            var bn = new BatchNormShape(outC, s.outH, s.outW, Epsilon: 1e-3f);
            int xl = batch * inC * h * w, yl = batch * outC * s.outH * s.outW;
            var x = OpsTestUtil.Rand(rng, xl, -2f, 3f);
            x[0] = float.NaN; x[xl / 2] = float.PositiveInfinity; x[xl - 1] = -0f;
            var wt = OpsTestUtil.Rand(rng, outC * (inC / groups) * k * k, -0.5f, 0.5f);
            var b = OpsTestUtil.Rand(rng, outC);
            var gamma = OpsTestUtil.Rand(rng, outC, 0.5f, 2.5f); var beta = OpsTestUtil.Rand(rng, outC, -1f, 4f);
            var mean = OpsTestUtil.Rand(rng, outC, -1f, 1f); var variance = OpsTestUtil.Rand(rng, outC, 0.1f, 2f);
            int tested = 0;
            foreach (var alg in ConvAlgorithms.Applicable(ConvPass.Forward, Conv2D.Geom(s)))
                using (ConvAlgorithms.Force(alg))
                    foreach (Activation post in new[] { Activation.None, Activation.ReLU, Activation.ReLU6, Activation.LeakyReLU })
                    {
                        const float slope = 0.05f;
                        var conv = new float[yl]; var normed = new float[yl]; var expected = new float[yl];
                        Conv2D.Forward(s, x, wt, b, conv, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1);
                        BatchNorm2D.ForwardInference(bn, conv, gamma, beta, mean, variance, normed, batch, 1);
                        Activations.Forward(post, slope, normed, expected);
                        foreach (int t in new[] { 1, 2, 3 })
                        {
                            var y = new float[yl];
                            Conv2D.ForwardBatchNorm(s, bn, x, wt, b, gamma, beta, mean, variance, post, slope, y, batch,
                                new float[Conv2D.ForwardScratchFloats(s, batch, t)], t);
                            OpsTestUtil.BitEqual(expected, y, $"{alg}, own {own}, post {post}, {t} threads, {s}");
                        }
                        tested++;
                    }
            Assert.True(tested >= 4, $"only {tested} runs");
        }
    }

    [Theory, MemberData(nameof(Shapes)), Trait("Category", "Numeric")]
    public void With_a_residual_Add_every_algorithm_gives_the_bits_of_the_separate_layers(int inC, int h, int w, int outC, int k, int stride, int pad, int groups, int batch)
    {
        var rng = new Random(inC * 999 + h * 10 + outC + groups);
        var s = ConvAlgorithmListTests.Shape(inC, h, w, outC, k, k, stride, stride, pad, pad, groups: groups);
        var bn = new BatchNormShape(outC, s.outH, s.outW);
        int xl = batch * inC * h * w, yl = batch * outC * s.outH * s.outW;
        var x = OpsTestUtil.Rand(rng, xl, -2f, 3f);
        var wt = OpsTestUtil.Rand(rng, outC * (inC / groups) * k * k, -0.5f, 0.5f);
        var b = OpsTestUtil.Rand(rng, outC);
        var gamma = OpsTestUtil.Rand(rng, outC, 0.5f, 2.5f); var beta = OpsTestUtil.Rand(rng, outC, -1f, 1f);
        var mean = OpsTestUtil.Rand(rng, outC, -1f, 1f); var variance = OpsTestUtil.Rand(rng, outC, 0.1f, 2f);
        var skip = OpsTestUtil.Rand(rng, yl, -3f, 3f);
        skip[0] = float.NaN; skip[yl - 1] = float.NegativeInfinity;
        int tested = 0;
        foreach (var alg in ConvAlgorithms.Applicable(ConvPass.Forward, Conv2D.Geom(s)))
            using (ConvAlgorithms.Force(alg))
                foreach (bool first in new[] { true, false })
                    foreach (Activation post in new[] { Activation.None, Activation.ReLU })
                    {
                        // the Add layer: y = copy(first input), then += the second, then its activation
                        var conv = new float[yl]; var normed = new float[yl];
                        Conv2D.Forward(s, x, wt, b, conv, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1);
                        BatchNorm2D.ForwardInference(bn, conv, gamma, beta, mean, variance, normed, batch, 1);
                        var expected = (float[])(first ? skip : normed).Clone();
                        Elementwise.AddInto(first ? normed : skip, expected);
                        Activations.ApplyForward(post, Activations.DefaultLeakySlope, expected);
                        foreach (int t in new[] { 1, 2, 3 })
                        {
                            var y = new float[yl];
                            Conv2D.ForwardBatchNormAdd(s, bn, x, wt, b, gamma, beta, mean, variance, skip, first, post, Activations.DefaultLeakySlope,
                                y, batch, new float[Conv2D.ForwardScratchFloats(s, batch, t)], t);
                            OpsTestUtil.BitEqual(expected, y, $"{alg}, skip first {first}, post {post}, {t} threads, {s}");
                        }
                        tested++;
                    }
        Assert.True(tested >= 4, $"only {tested} runs");
        var yr = new float[yl]; var yf = new float[yl];
        Conv2D.ForwardBatchNormAdd(s, bn, x, wt, b, gamma, beta, mean, variance, skip, true, Activation.ReLU6, 0, yf, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1);
        Conv2D.ForwardBatchNormAddReference(s, bn, x, wt, b, gamma, beta, mean, variance, skip, true, Activation.ReLU6, 0, yr, batch, default, 1);
        NumericAssert.Close("reference twin", yr, yf, rtol: 1e-5, atol: 1e-4);
        Assert.Throws<ArgumentException>(() => Conv2D.ForwardBatchNormAdd(s, bn, x, wt, b, gamma, beta, mean, variance, skip.AsSpan(1).ToArray(), true,
            Activation.None, 0, new float[yl], batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1));
        var same = new float[yl];
        Assert.Throws<ArgumentException>(() => Conv2D.ForwardBatchNormAdd(s, bn, x, wt, b, gamma, beta, mean, variance, same, true,
            Activation.None, 0, same, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1));
    }

    [Fact, Trait("Category", "Numeric")]
    public void The_reference_twin_agrees_and_bad_arguments_throw_before_writing()
    {
        var s = ConvAlgorithmListTests.Shape(16, 12, 12, 24, 3, 3, ph: 1, pw: 1);
        var bn = new BatchNormShape(24, 12, 12);
        var rng = new Random(7);
        int batch = 2, yl = batch * 24 * 144;
        var x = OpsTestUtil.Rand(rng, batch * 16 * 144);
        var wt = OpsTestUtil.Rand(rng, 24 * 16 * 9, -0.3f, 0.3f);
        var b = OpsTestUtil.Rand(rng, 24);
        var gamma = OpsTestUtil.Rand(rng, 24, 0.5f, 2f); var beta = OpsTestUtil.Rand(rng, 24);
        var mean = OpsTestUtil.Rand(rng, 24); var variance = OpsTestUtil.Rand(rng, 24, 0.2f, 2f);
        var scratch = new float[Conv2D.ForwardScratchFloats(s, batch, 2)];
        var y = new float[yl]; var yr = new float[yl];
        Conv2D.ForwardBatchNorm(s, bn, x, wt, b, gamma, beta, mean, variance, Activation.ReLU6, 0, y, batch, scratch, 2);
        Conv2D.ForwardBatchNormReference(s, bn, x, wt, b, gamma, beta, mean, variance, Activation.ReLU6, 0, yr, batch, default, 1);
        NumericAssert.Close("reference twin", yr, y, rtol: 0, atol: 2e-4);
        Assert.Contains(y, v => v == 6f);     // the clip is exercised
        Assert.Contains(y, v => v == 0f);

        var untouched = new float[yl];
        Array.Fill(untouched, 42f);
        void Throws<TE>(Action call) where TE : Exception
        {
            var before = (float[])untouched.Clone();
            Assert.Throws<TE>(call);
            Assert.Equal(before, untouched);
        }
        Throws<ArgumentOutOfRangeException>(() => Conv2D.ForwardBatchNorm(s, bn, x, wt, b, gamma, beta, mean, variance, Activation.Sigmoid, 0, untouched, batch, scratch, 2));
        Throws<ArgumentException>(() => Conv2D.ForwardBatchNorm(s, new BatchNormShape(23, 12, 12), x, wt, b, gamma, beta, mean, variance, Activation.None, 0, untouched, batch, scratch, 2));
        Throws<ArgumentException>(() => Conv2D.ForwardBatchNorm(s, bn, x, wt, b, gamma, beta, mean, variance.AsSpan(1).ToArray(), Activation.None, 0, untouched, batch, scratch, 2));
        Throws<ArgumentException>(() => Conv2D.ForwardBatchNorm(s, bn, x, wt, b, gamma, beta, mean, variance, Activation.None, 0, untouched, batch,
            new float[Conv2D.ForwardScratchFloats(s, batch, 2) - 2 * 24], 2));
    }
}
