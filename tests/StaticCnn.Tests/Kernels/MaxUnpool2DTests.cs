using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class MaxUnpool2DTests
{
    [Fact]
    public void Known_case_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; x=torch.tensor([[[[1.,5,2,0],[3,4,8,7],[9,-1,6,6],[2,9,3,1]]]]);
        //   y,i=torch.nn.functional.max_pool2d(x,2,2,return_indices=True); print(torch.nn.functional.max_unpool2d(y,i,2,2))"
        var y = new float[16];
        var s = new UnpoolShape(1, 2, 2, 4, 4);
        MaxUnpool2D.Forward(s, new[] { 5f, 8f, 9f, 6f }, new[] { 1, 6, 8, 10 }, y, 1, 1);
        Assert.Equal(new float[] { 0, 5, 0, 0, 0, 0, 8, 0, 9, 0, 6, 0, 0, 0, 0, 0 }, y);
        var dx = new float[] { 1, 1, 1, 1 };
        MaxUnpool2D.Backward(s, Enumerable.Range(0, 16).Select(i => (float)i).ToArray(), new[] { 1, 6, 8, 10 }, dx, 1, 1);
        Assert.Equal(new float[] { 2, 7, 9, 11 }, dx);
    }

    [Theory]
    [InlineData(2, 3, 7, 5, 3, 2, 1)]
    [InlineData(1, 4, 8, 8, 2, 2, 0)]
    [InlineData(3, 2, 9, 6, 2, 1, 0)]
    public void Fast_matches_reference_gradient_and_threads(int n, int c, int h, int w, int k, int st, int p)
    {
        var ps = Pool2DShape.Create(c, h, w, k, st, p);
        var s = new UnpoolShape(c, ps.OutH, ps.OutW, h, w);
        var rng = new Random(h + 100 * w);
        int inLen = n * c * ps.OutH * ps.OutW, outLen = n * c * h * w;
        var pooled = new float[inLen]; var a = new int[inLen];
        MaxPool2D.Forward(ps, Distinct(rng, outLen), pooled, a, n, 1);
        var x = Rand(rng, inLen);
        var yr = Rand(rng, outLen);                       // garbage: forward must overwrite everything
        MaxUnpool2D.ForwardReference(s, x, a, yr, n, 1);
        var dy = Rand(rng, outLen);
        var dx0 = Rand(rng, inLen);
        var dxr = (float[])dx0.Clone();
        MaxUnpool2D.BackwardReference(s, dy, a, dxr, n, 1);
        foreach (int t in new[] { 1, 2 })
        {
            var y = Rand(rng, outLen);
            MaxUnpool2D.Forward(s, x, a, y, n, t);
            BitEqual(yr, y, "y");
            var dx = (float[])dx0.Clone();
            MaxUnpool2D.Backward(s, dy, a, dx, n, t);
            BitEqual(dxr, dx, "dx");
        }
        if (st >= k)   // non-overlapping windows: unpool is linear with distinct targets
            GradCheck(rng, x,
                xx => { var yy = new float[outLen]; MaxUnpool2D.ForwardReference(s, xx, a, yy, n, 1); return yy; },
                (xx, g) => { var dx = new float[inLen]; MaxUnpool2D.BackwardReference(s, g, a, dx, n, 1); return dx; });
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        var s = new UnpoolShape(1, 2, 2, 4, 4);
        Assert.Throws<ArgumentException>(() => MaxUnpool2D.Forward(s, new float[3], new int[4], new float[16], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxUnpool2D.Forward(s, new float[4], new int[3], new float[16], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxUnpool2D.Forward(s, new float[4], new int[4], new float[15], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxUnpool2D.Backward(s, new float[16], new int[4], new float[5], 1, 1));
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        var p = Pool2DShape.Create(8, 48, 48, 2, 2, 0);
        var u = new UnpoolShape(8, 24, 24, 48, 48);
        const int n = 2;
        var big = Rand(new Random(3), n * 8 * 48 * 48);
        var small = new float[n * 8 * 24 * 24]; var a = new int[small.Length];
        MaxPool2D.Forward(p, big, small, a, n, 1);
        var y = new float[big.Length]; var dx = new float[small.Length];
        NoAllocation(() => MaxUnpool2D.Forward(u, small, a, y, n, 2));
        NoAllocation(() => MaxUnpool2D.Backward(u, y, a, dx, n, 2));
    }
}
