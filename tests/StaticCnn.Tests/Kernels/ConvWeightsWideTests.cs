using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Conv2D backward-weights on the stride-1 path of ConvCore (im2col rows read in place from a padded image, dyᵀ
/// packed into panels, dwᵀ tiles over the whole pixel range added transposed into dw): shapes with more than 32
/// output channels (or groups / dilation, which the direct small-channel kernel does not take), several panels,
/// partial row tiles and partial panels, against the scalar reference, and bit-identical for 1, 2 and 3 threads.
/// </summary>
public class ConvWeightsWideTests
{
    private static RuntimeConv2DShape Shape(int inC, int outC, int hw, int k = 3, int pad = 1, int dil = 1, int groups = 1,
        int w = 0, int padW = -1)
    {
        int iw = w > 0 ? w : hw, pw = padW >= 0 ? padW : pad;
        return new RuntimeConv2DShape
        {
            inC = inC, inH = hw, inW = iw, outC = outC, kH = k, kW = k, strideH = 1, strideW = 1,
            padH = pad, padW = pw, dilationH = dil, dilationW = dil, groups = groups, hasBias = true,
            activation = Activation.None,
            outH = hw + 2 * pad - dil * (k - 1), outW = iw + 2 * pw - dil * (k - 1),
        };
    }

    public static IEnumerable<object[]> Shapes() => new[]
    {
        new object[] { Shape(64, 64, 12) },                       // full tiles, 2 panels (AVX-512)
        new object[] { Shape(37, 70, 9) },                        // K = 333: partial row tile; M = 70: partial panel
        new object[] { Shape(5, 40, 11, k: 5, pad: 2) },          // KW 5
        new object[] { Shape(16, 48, 10, dil: 2, pad: 2) },       // dilation
        new object[] { Shape(24, 96, 8, groups: 3) },             // groups
        new object[] { Shape(8, 36, 7, pad: 0) },                 // no padding
        new object[] { Shape(9, 34, 6, w: 13, padW: 0) },         // non-square, asymmetric padding
        new object[] { Shape(3, 33, 5, k: 1, pad: 0) },           // 1×1
    };

    private static long XLen(RuntimeConv2DShape s, int n) => (long)n * s.inC * s.inH * s.inW;
    private static long YLen(RuntimeConv2DShape s, int n) => (long)n * s.outC * s.outH * s.outW;
    private static long WLen(RuntimeConv2DShape s) => (long)s.outC * (s.inC / s.groups) * s.kH * s.kW;

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Shapes))]
    public void MatchesReference_AndThreadCountsAreBitIdentical(RuntimeConv2DShape s)
    {
        var rng = new Random(31);
        foreach (int batch in new[] { 1, 3 })
        {
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var dy = NumericAssert.Random(rng, YLen(s, batch));
            var dw0 = NumericAssert.Random(rng, WLen(s));
            var db0 = NumericAssert.Random(rng, s.outC);
            float[] dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
            Conv2D.BackwardWeightsReference(s, x, dy, dwR, dbR, batch, Span<float>.Empty, 1);
            float[] adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0);
            Conv2D.BackwardWeightsReference(s, NumericAssert.Abs(x), NumericAssert.Abs(dy), adw, adb, batch, Span<float>.Empty, 1);
            float[]? dw1 = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                float[] dw = (float[])dw0.Clone(), db = (float[])db0.Clone();
                var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
                Conv2D.BackwardWeights(s, x, dy, dw, db, batch, scratch, threads);
                string at = $" ({s}, batch {batch}, threads {threads})";
                NumericAssert.Close("dw" + at, dw, dwR, adw, (long)batch * s.outH * s.outW + 1);
                if (dw1 == null) dw1 = dw;
                else NumericAssert.Identical("dw vs 1 thread" + at, dw, dw1);
            }
        }
    }
}
