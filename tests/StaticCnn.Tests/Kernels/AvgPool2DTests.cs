using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class AvgPool2DTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => MaxPool2DTests.Shapes;

    [Fact]
    public void Known_padded_case_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; print(torch.nn.functional.avg_pool2d(torch.arange(16.).reshape(1,1,4,4),3,2,1).flatten().tolist())"
        var x = Enumerable.Range(0, 16).Select(i => (float)i).ToArray();
        var s = Pool2DShape.Create(1, 4, 4, 3, 2, 1);
        var y = new float[4];
        AvgPool2D.Forward(s, x, y, 1, 1);
        Assert.Equal(new[] { 1.1111111640930176f, 2.6666667461395264f, 5.666666507720947f, 10.0f }, y);
        var dx = new float[16];
        AvgPool2D.Backward(s, new[] { 9f, 9f, 9f, 9f }, dx, 1, 1);
        // Each window adds 1 per covered input (9 / 9); the centre row/column is covered twice.
        Assert.Equal(new float[] { 1, 2, 1, 1, 2, 4, 2, 2, 1, 2, 1, 1, 1, 2, 1, 1 }, dx);
    }

    [Fact]
    public void Signed_zeros_match_reference_on_2x2_stride_2()
    {
        // The reference sums from +0, so a window of −0 averages to +0; the vector path must too.
        var s = Pool2DShape.Create(2, 4, 70, 2, 2, 0);
        var rng = new Random(5);
        var x = new float[2 * 4 * 70];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(3) == 0 ? 1f : -0f;
        var yr = new float[2 * 2 * 35]; var y = new float[yr.Length];
        AvgPool2D.ForwardReference(s, x, yr, 1, 1);
        AvgPool2D.Forward(s, x, y, 1, 1);
        BitEqual(yr, y, "y");
        var dy = new float[yr.Length]; Array.Fill(dy, -0f);
        var dxr = (float[])x.Clone(); var dx = (float[])x.Clone();
        AvgPool2D.BackwardReference(s, dy, dxr, 1, 1);
        AvgPool2D.Backward(s, dy, dx, 1, 1);
        BitEqual(dxr, dx, "dx");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Fast_matches_reference_bit_exact_and_threads_agree(int n, int c, int h, int w, int k, int st, int p)
    {
        var s = Pool2DShape.Create(c, h, w, k, st, p);
        var rng = new Random(h * 17 + w);
        var x = Rand(rng, n * c * h * w);
        int outLen = n * c * s.OutH * s.OutW;
        var yr = new float[outLen];
        AvgPool2D.ForwardReference(s, x, yr, n, 1);
        var dy = Rand(rng, outLen);
        var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone();
        AvgPool2D.BackwardReference(s, dy, dxr, n, 1);
        foreach (int t in new[] { 1, 2 })
        {
            var y = new float[outLen];
            AvgPool2D.Forward(s, x, y, n, t);
            BitEqual(yr, y, "y");
            var dx = (float[])dx0.Clone();
            AvgPool2D.Backward(s, dy, dx, n, t);
            BitEqual(dxr, dx, "dx");
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Gradient_matches_finite_differences(int n, int c, int h, int w, int k, int st, int p)
    {
        var s = Pool2DShape.Create(c, h, w, k, st, p);
        var rng = new Random(3 + w);
        int outLen = n * c * s.OutH * s.OutW;
        GradCheck(rng, Rand(rng, n * c * h * w),
            xx => { var y = new float[outLen]; AvgPool2D.ForwardReference(s, xx, y, n, 1); return y; },
            (xx, dy) => { var dx = new float[xx.Length]; AvgPool2D.BackwardReference(s, dy, dx, n, 1); return dx; });
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        var s = Pool2DShape.Create(2, 4, 4, 2, 2, 0);
        Assert.Throws<ArgumentException>(() => AvgPool2D.Forward(s, new float[31], new float[8], 1, 1));
        Assert.Throws<ArgumentException>(() => AvgPool2D.Forward(s, new float[32], new float[9], 1, 1));
        Assert.Throws<ArgumentException>(() => AvgPool2D.Backward(s, new float[8], new float[30], 1, 1));
        Assert.Throws<ArgumentException>(() => AvgPool2D.BackwardReference(s, new float[7], new float[32], 1, 1));
        AvgPool2D.Backward(s, new float[8], Span<float>.Empty, 1, 1);
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        var s = Pool2DShape.Create(8, 48, 48, 2, 2, 0);
        const int n = 2;
        var x = Rand(new Random(3), n * 8 * 48 * 48);
        var y = new float[n * 8 * 24 * 24]; var dx = new float[x.Length];
        NoAllocation(() => AvgPool2D.Forward(s, x, y, n, 2));
        NoAllocation(() => AvgPool2D.Backward(s, y, dx, n, 2));
    }
}
