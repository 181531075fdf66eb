using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The direct forward's Winograd F(2,3) path down the columns (3×3, stride 1, ≤ 32 output channels, an even number
/// of output rows a multiple of 8 wide: Cifar10Net's 3×3 layers) against the scalar reference, within a rounding
/// bound: the transforms add and subtract kernel taps and input rows before multiplying, so the bound takes three
/// times the direct sum's reduction length (cross terms such as d1·g0 cancel only in exact arithmetic).
/// </summary>
[Trait("Category", "Numeric")]
public class ConvRows23Tests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, inC, H, W, outC, pad, activation
        { 1, 3, 32, 32, 10, 1, 1 },     // Cifar10Net Conv1
        { 1, 10, 32, 32, 10, 1, 1 },    // Conv2
        { 1, 10, 16, 16, 5, 1, 1 },     // Conv3
        { 1, 5, 16, 16, 20, 1, 1 },     // Conv4
        { 1, 20, 8, 8, 10, 1, 1 },      // Conv5 (one vector wide)
        { 2, 1, 16, 48, 7, 1, 0 },      // 48 wide, one input channel, no activation
        { 3, 4, 10, 18, 32, 0, 3 },     // no padding (10×18 → 8×16), 32 channels, tanh
        { 2, 6, 6, 22, 11, 2, 4 },      // padding 2 (output larger than input: 8×24), 11 channels, leaky ReLU
        { 1, 2, 2, 32, 1, 1, 2 },       // two rows (the pair reads padding above and below), one channel, sigmoid
        { 2, 3, 7, 16, 4, 1, 1 },       // 7 rows: odd output height takes the direct kernel
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Forward_matches_reference(int n, int inC, int h, int w, int outC, int pad, int act)
    {
        var s = new RuntimeConv2DShape
        {
            inC = inC, inH = h, inW = w, outC = outC, kH = 3, kW = 3, strideH = 1, strideW = 1, padH = pad, padW = pad,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = act != 0, activation = (Activation)act,
            outH = h + 2 * pad - 2, outW = w + 2 * pad - 2,
        };
        var rng = new Random(h * 1000 + w * 10 + outC);
        var x = NumericAssert.Random(rng, (long)n * inC * h * w);
        var wt = NumericAssert.Random(rng, (long)outC * inC * 9);
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
            NumericAssert.Close($"y ({s}, {t} threads)", y, yr, abs, 3L * inC * 9 + 1);
            if (first == null) first = y;
            else NumericAssert.Identical($"y at {t} threads vs 1", first, y);
        }
    }
}
