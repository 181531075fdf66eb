using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The direct forward's Winograd F(2,3) path down the columns (3×3 and 5×5 (F(2,3) + F(2,2)), stride 1, ≤ 32 output
/// channels, an even number of output rows at least 16 wide: Cifar10Net, LeNet-5's Conv1; narrower shapes below check the direct kernel) against the scalar reference, within a rounding
/// bound: the transforms add and subtract kernel taps and input rows before multiplying, so the bound takes three
/// times the direct sum's reduction length (cross terms such as d1·g0 cancel only in exact arithmetic).
/// </summary>
[Trait("Category", "Numeric")]
public class ConvRows23Tests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, inC, H, W, outC, pad, activation (k = 3 unless given in the 5×5 list)
        { 1, 3, 32, 32, 10, 1, 1 },     // Cifar10Net Conv1
        { 1, 10, 32, 32, 10, 1, 1 },    // Conv2
        { 1, 10, 16, 16, 5, 1, 1 },     // Conv3
        { 1, 5, 16, 16, 20, 1, 1 },     // Conv4
        { 1, 20, 8, 8, 10, 1, 1 },      // Conv5 (8 wide: direct kernel)
        { 2, 1, 16, 48, 7, 1, 0 },      // 48 wide, one input channel, no activation
        { 3, 4, 10, 18, 32, 0, 3 },     // no padding (10×18 → 8×16), 32 channels, tanh
        { 2, 6, 6, 22, 11, 2, 4 },      // padding 2 (output larger than input: 8×24), 11 channels, leaky ReLU
        { 1, 2, 2, 32, 1, 1, 2 },       // two rows (the pair reads padding above and below), one channel, sigmoid
        { 2, 3, 7, 16, 4, 1, 1 },       // 7 rows: odd output height takes the direct kernel
        { 1, 3, 12, 28, 6, 1, 1 },      // 28 wide: the last tile overlaps (16 + 12 → tiles at 0 and 12)
        { 2, 2, 6, 11, 3, 1, 0 },       // 11 wide: direct kernel
    };

    public static TheoryData<int, int, int, int, int, int, int> Shapes5 => new()
    {
        // batch, inC, H, W, outC, pad, activation; 5×5
        { 1, 1, 28, 28, 6, 2, 1 },      // LeNet-5 Conv1
        { 1, 10, 8, 8, 20, 2, 1 },      // Cifar10Net Conv6 (8 wide: direct kernel)
        { 2, 3, 14, 20, 7, 0, 3 },      // no padding (14×20 → 10×16), tanh
        { 1, 4, 10, 21, 5, 2, 0 },      // 21 wide: overlapping last tile (0 and 5), no activation
        { 3, 2, 6, 32, 12, 2, 4 },      // 32 wide, 12 channels, leaky ReLU
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Forward_matches_reference(int n, int inC, int h, int w, int outC, int pad, int act)
        => Check(n, inC, h, w, outC, 3, pad, act);

    [Theory, MemberData(nameof(Shapes5))]
    public void Forward_5x5_matches_reference(int n, int inC, int h, int w, int outC, int pad, int act)
        => Check(n, inC, h, w, outC, 5, pad, act);

    /// <summary>
    /// With AVX-512 two row pairs share a tile (each weight loaded once for both) where two are left, and an odd count
    /// leaves the last pair alone. Without padding an output row depends only on its k input rows, so 8 output rows
    /// (pairs 0–3, tiled 0 + 1 and 2 + 3) and the 6 that start one pair lower (the input from row 2: pairs 1–3, tiled
    /// 1 + 2 and 3 alone) must agree bit for bit on rows 2–7, where each pair changes its place: first of a shared
    /// tile, second, or alone. Channel counts 1–6 cover the 3 + 3, 3 + 2 and 2 + 2 splits of a block; 11 takes two blocks.
    /// </summary>
    [Theory]
    [InlineData(3, 1), InlineData(3, 2), InlineData(3, 3), InlineData(3, 4), InlineData(3, 5), InlineData(3, 6), InlineData(3, 11)]
    [InlineData(5, 1), InlineData(5, 3), InlineData(5, 5), InlineData(5, 6), InlineData(5, 11)]
    public void RowPairsTiledTogether_GiveTheBitsOfRowPairsAlone(int k, int outC)
        => RowShift.SharedRowsIdentical(inC: 3, outH: 8, inW: 16 + k + 3, k, outC, shift: 2,    // rows 19 wide: a full tile and an overlapping last one
            System.Runtime.Intrinsics.X86.Avx2.IsSupported, g => ConvDirect.Rows23(g), "column F(2,3) path");

    /// <summary>
    /// With AVX-512 the input transform reads each 16 columns of a zero-padded row as a masked load of the unpadded
    /// row (no padded copy). It must write what the unpadded scalar-and-Vector256 form writes, bit for bit (NaN, ±∞
    /// and −0 in the input, padding 0–2 on either side, rows narrower and wider than a vector), and nothing past the
    /// transformed rows.
    /// </summary>
    [Theory]
    [InlineData(3, 1, 16, 16, 1), InlineData(3, 2, 6, 22, 2), InlineData(3, 4, 10, 18, 0), InlineData(3, 1, 2, 32, 1), InlineData(3, 3, 12, 37, 1)]
    [InlineData(5, 1, 28, 28, 2), InlineData(5, 3, 14, 20, 0), InlineData(5, 2, 6, 32, 2), InlineData(5, 4, 10, 21, 2)]
    public unsafe void MaskedInputTransform_WritesTheUnpaddedFormsBits(int k, int inC, int h, int w, int pad)
    {
        var s = new RuntimeConv2DShape
        {
            inC = inC, inH = h, inW = w, outC = 4, kH = k, kW = k, strideH = 1, strideW = 1, padH = pad, padW = pad,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = false, activation = Activation.None,
            outH = h + 2 * pad - k + 1, outW = w + 2 * pad - k + 1,
        };
        var g = Conv2D.Geom(s);
        if (!ConvDirect.TransformMasked23(g)) return;      // without AVX-512 only the unpadded form runs (checked by the tests above)
        var rng = new Random(k * 1000 + h * 10 + w);
        var x = NumericAssert.Random(rng, (long)inC * h * w);
        float[] special = { float.NaN, float.PositiveInfinity, float.NegativeInfinity, -0f };
        for (int i = 0; i < x.Length; i += 7) x[i] = special[(i / 7) % special.Length];
        int used = checked((int)(ConvDirect.T23Floats(g) - 32)), total = used + 64;
        var masked = new float[total];
        var plain = new float[total];
        Array.Fill(masked, 12345f);
        Array.Fill(plain, 12345f);
        fixed (float* xs = x, tm = masked, tp = plain)
        {
            ConvDirect.TransformMasked23(g, xs, tm);
            ConvDirect.TransformInput23(g, xs, tp);
        }
        NumericAssert.Identical("transformed rows", plain.AsSpan(0, used), masked.AsSpan(0, used));
        for (int i = used; i < total; i++) Assert.True(masked[i] == 12345f, $"wrote {i - used} floats past the transformed rows");
    }

    private static void Check(int n, int inC, int h, int w, int outC, int k, int pad, int act)
    {
        var s = new RuntimeConv2DShape
        {
            inC = inC, inH = h, inW = w, outC = outC, kH = k, kW = k, strideH = 1, strideW = 1, padH = pad, padW = pad,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = act != 0, activation = (Activation)act,
            outH = h + 2 * pad - k + 1, outW = w + 2 * pad - k + 1,
        };
        var rng = new Random(h * 1000 + w * 10 + outC);
        var x = NumericAssert.Random(rng, (long)n * inC * h * w);
        var wt = NumericAssert.Random(rng, (long)outC * inC * k * k);
        var b = s.hasBias ? NumericAssert.Random(rng, outC) : Array.Empty<float>();
        int yLen = n * outC * s.outH * s.outW;
        var yr = new float[yLen];
        Conv2D.ForwardReference(s, x, wt, b, yr, n, default, 1);
        var abs = new float[yLen];
        Conv2D.ForwardReference(s with { activation = Activation.None }, NumericAssert.Abs(x), NumericAssert.Abs(wt), NumericAssert.Abs(b), abs, n, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2, 3 })
        {
            var y = NumericAssert.Random(rng, yLen);
            Conv2D.Forward(s, x, wt, b, y, n, new float[Conv2D.ScratchFloats(s, n, t)], t);
            NumericAssert.Close($"y ({s}, {t} threads)", y, yr, abs, 3L * inC * k * k + 1);
            if (first == null) first = y;
            else NumericAssert.Identical($"y at {t} threads vs 1", first, y);
        }
    }
}
