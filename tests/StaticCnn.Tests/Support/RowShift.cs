using StaticCnn.Kernels;
using StaticCnn.Tests.Kernels;
using Xunit;

namespace StaticCnn.Tests.Support;

/// <summary>
/// Bits of a convolution's output rows when the rows above them are cut away. Without padding an output row of a
/// stride-1 convolution depends only on its k input rows, so <paramref name="outH"/> output rows and the ones that
/// start <c>shift</c> rows lower (the input from row <c>shift</c> on) must agree bit for bit on the rows they share.
/// Kernels that tile rows (pairs of rows in one vector, row pairs sharing a tile, a last row alone) put those rows in
/// other places of their tiles in the two calls: equal bits show that each place takes the same products in the same order.
/// </summary>
internal static class RowShift
{
    /// <param name="path">Asserted on both shapes where <paramref name="checkPath"/> holds, so that the test runs the kernel it means to.</param>
    public static void SharedRowsIdentical(int inC, int outH, int inW, int k, int outC, int shift, bool checkPath, Func<ConvGeom, bool> path,
        string pathName)
    {
        int ow = inW - k + 1, inH = outH + k - 1;
        var rng = new Random(k * 100 + outC + 10 * shift);
        var x = NumericAssert.Random(rng, (long)inC * inH * inW);
        var wt = NumericAssert.Random(rng, (long)outC * inC * k * k);
        var b = NumericAssert.Random(rng, outC);
        float[] Run(int firstRow)
        {
            int oh = outH - firstRow;
            var s = new RuntimeConv2DShape
            {
                inC = inC, inH = inH - firstRow, inW = inW, outC = outC, kH = k, kW = k, strideH = 1, strideW = 1, padH = 0, padW = 0,
                dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = Activation.ReLU, outH = oh, outW = ow,
            };
            if (checkPath) Assert.True(path(Conv2D.Geom(s)), $"the shape runs the {pathName}");
            var xs = new float[inC * s.inH * inW];     // every channel's input rows from firstRow on
            for (int c = 0; c < inC; c++) Array.Copy(x, ((long)c * inH + firstRow) * inW, xs, (long)c * s.inH * inW, s.inH * inW);
            var y = new float[outC * oh * ow];
            Conv2D.Forward(s, xs, wt, b, y, 1, new float[Conv2D.ScratchFloats(s, 1, 1)], 1);
            return y;
        }
        float[] all = Run(0), lower = Run(shift);
        int rows = outH - shift;
        for (int o = 0; o < outC; o++)
            NumericAssert.Identical($"channel {o}, rows {shift}–{outH - 1}", all.AsSpan((o * outH + shift) * ow, rows * ow), lower.AsSpan(o * rows * ow, rows * ow));
    }
}
