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
        new object[] { Shape(48, 64, 19, w: 23) },                // split mid-row over the parts
        new object[] { Shape(2, 40, 72, w: 80) },                 // > 512 KB of dyᵀ per panel: several row passes
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

    /// <summary>
    /// The stride-1 wide forward path (also backward-data, as the forward of dy with the flipped kernel): each part
    /// pads only the image rows its output columns read, so 1, 2 and 3 threads must still agree bit for bit and
    /// match the reference. Shapes large enough (≥ 2^20 MACs) to be split.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Shapes))]
    public void WideForwardAndBackwardData_ThreadCountsAreBitIdentical(RuntimeConv2DShape s)
    {
        var rng = new Random(37);
        int batch = 2;
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = NumericAssert.Random(rng, s.outC);
        var dy = NumericAssert.Random(rng, YLen(s, batch));
        var yR = new float[YLen(s, batch)];
        Conv2D.ForwardReference(s, x, w, b, yR, batch, Span<float>.Empty, 1);
        var yA = new float[yR.Length];
        Conv2D.ForwardReference(s, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), yA, batch, Span<float>.Empty, 1);
        var dx0 = NumericAssert.Random(rng, x.Length);
        var dxR = (float[])dx0.Clone();
        Conv2D.BackwardDataReference(s, w, dy, dxR, batch, Span<float>.Empty, 1);
        var dxA = NumericAssert.Abs(dx0);
        Conv2D.BackwardDataReference(s, NumericAssert.Abs(w), NumericAssert.Abs(dy), dxA, batch, Span<float>.Empty, 1);
        float[]? y1 = null, dx1 = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            string at = $" ({s}, threads {threads})";
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            NumericAssert.Random(rng, scratch.Length).CopyTo(scratch, 0);     // stale scratch must not leak in
            var y = new float[yR.Length];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            NumericAssert.Close("y" + at, y, yR, yA, (long)(s.inC / s.groups) * s.kH * s.kW + 1);
            var dx = (float[])dx0.Clone();
            Conv2D.BackwardData(s, w, dy, dx, batch, scratch, threads);
            NumericAssert.Close("dx" + at, dx, dxR, dxA, (long)(s.outC / s.groups) * s.kH * s.kW + 1);
            if (y1 == null) { y1 = y; dx1 = dx; continue; }
            NumericAssert.Identical("y vs 1 thread" + at, y, y1);
            NumericAssert.Identical("dx vs 1 thread" + at, dx, dx1!);
        }
    }
}
