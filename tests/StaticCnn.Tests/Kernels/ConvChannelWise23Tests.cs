using System.Runtime.Intrinsics.X86;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The channel-wise direct kernel on column pairs (<c>ConvDirect.ChannelWise23</c>: F(2,3), plus F(2,2) for 5×5, along
/// the output row, AVX-512) against <see cref="Conv2D.ForwardReference"/>, with 1 and 2 threads bit-identical.
/// </summary>
public class ConvChannelWise23Tests
{
    public static TheoryData<int, int, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, inC, H, W, outC, kH, kW, padH, padW, activation
        { 1, 6, 14, 14, 16, 5, 5, 0, 0, 1 },    // LeNet-5 Conv2: 10×10, 50 pairs
        { 3, 6, 14, 14, 16, 5, 5, 0, 0, 0 },    // batch 3, no activation
        { 12, 6, 14, 14, 16, 5, 5, 0, 0, 1 },   // batch 12: two parts with 2 threads
        { 2, 3, 10, 10, 16, 3, 3, 1, 1, 1 },    // 3×3, padded, 10-wide rows
        { 1, 2, 4, 4, 16, 3, 3, 0, 0, 1 },      // 2×2 output: one pair per row
        { 2, 4, 7, 14, 16, 5, 5, 1, 2, 3 },     // 5×5, 5 rows of 7 pairs (the last row alone in its tiles), padding, sigmoid
        { 1, 5, 8, 16, 16, 3, 5, 1, 1, 4 },     // 3×5 window, tanh, 8 rows of 7 pairs (tiles of 3 leave 1)
        { 2, 1, 8, 6, 16, 5, 3, 2, 0, 2 },      // one input channel, 5×3 window, 4-wide rows, leaky ReLU
        { 1, 7, 12, 16, 16, 3, 3, 0, 0, 1 },    // 14-wide rows, 10 rows of 7 pairs
    };

    /// <summary>
    /// Tiles hold 2 output rows × up to 3 column pairs, and an odd height leaves the last row alone. 10 output rows and
    /// the 9 that start one row lower must agree bit for bit on rows 1–9, where every row has moved from first to
    /// second in its tile, or the other way, or to a tile of its own: each place takes the same products in the same
    /// order. The rows are 10 wide (5 pairs: tiles of 3 and 2).
    /// </summary>
    [Theory]
    [InlineData(3, 6), InlineData(5, 6), InlineData(5, 1), InlineData(3, 2)]
    public void RowsTiledInPairs_GiveTheBitsOfRowsAlone(int k, int inC)
        => Support.RowShift.SharedRowsIdentical(inC, outH: 10, inW: 10 + k - 1, k, outC: 16, shift: 1, Avx512F.IsSupported,
            g => ConvDirect.ChannelWise23(g), "column-pair channel-wise kernel");

    [Theory, MemberData(nameof(Shapes))]
    public void Matches_reference_threads_bit_identical(int n, int inC, int h, int w, int outC, int kh, int kw, int ph, int pw, int act)
    {
        var s = new RuntimeConv2DShape
        {
            inC = inC, inH = h, inW = w, outC = outC, kH = kh, kW = kw, strideH = 1, strideW = 1, padH = ph, padW = pw,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = act != 0, activation = (Activation)act,
            outH = h + 2 * ph - kh + 1, outW = w + 2 * pw - kw + 1,
        };
        if (Avx512F.IsSupported)
            Assert.True(ConvDirect.ChannelWise23(Conv2D.Geom(s)), $"{s} should run on the column-pair channel-wise kernel");
        var rng = new Random(n * 1000 + inC * 100 + w * 10 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, outC * inC * kh * kw);
        var b = s.hasBias ? Rand(rng, outC) : Array.Empty<float>();
        var yr = new float[n * outC * s.outH * s.outW];
        Conv2D.ForwardReference(s, x, wt, b, yr, n, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2 })
        {
            var y = Rand(rng, yr.Length);
            Conv2D.Forward(s, x, wt, b, y, n, new float[Conv2D.ForwardScratchFloats(s, n, t)], t);
            double tol = 2e-6 * inC * kh * kw + 1e-5;
            for (int i = 0; i < y.Length; i++)
                Assert.True(Math.Abs(y[i] - yr[i]) <= tol, $"{s} batch {n}, {t} threads: y[{i}] = {y[i]}, reference {yr[i]}");
            if (first == null) first = y;
            else Assert.Equal(first, y);
        }
    }

    private static float[] Rand(Random r, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }
}
