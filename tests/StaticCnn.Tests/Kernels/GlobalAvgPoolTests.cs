using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class GlobalAvgPoolTests
{
    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(1, 4, 1, 1)]
    [InlineData(3, 2, 8, 8)]
    [InlineData(2, 5, 13, 11)]
    [InlineData(4, 16, 32, 32)]
    [InlineData(2, 64, 7, 7)]
    public void Fast_matches_reference_and_threads_agree(int n, int c, int h, int w)
    {
        var s = new GlobalPoolShape(c, h, w);
        var rng = new Random(h * w);
        var x = Rand(rng, n * c * h * w);
        var yr = new float[n * c];
        GlobalAvgPool.ForwardReference(s, x, yr, n, 1);
        var y1 = new float[n * c]; var y2 = new float[n * c];
        GlobalAvgPool.Forward(s, x, y1, n, 1);
        GlobalAvgPool.Forward(s, x, y2, n, 2);
        Close(yr, y1, 1e-6, 1e-5, "y");         // SIMD lanes sum in a different order
        BitEqual(y1, y2, "threads");
        var dy = Rand(rng, n * c);
        var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone(); var dx1 = (float[])dx0.Clone(); var dx2 = (float[])dx0.Clone();
        GlobalAvgPool.BackwardReference(s, dy, dxr, n, 1);
        GlobalAvgPool.Backward(s, dy, dx1, n, 1);
        GlobalAvgPool.Backward(s, dy, dx2, n, 2);
        BitEqual(dxr, dx1, "dx");
        BitEqual(dxr, dx2, "dx threads");
    }

    [Fact]
    public void Known_values_and_gradient()
    {
        var s = new GlobalPoolShape(2, 2, 2);
        var y = new float[2];
        GlobalAvgPool.Forward(s, new float[] { 1, 2, 3, 4, -1, -1, 5, 1 }, y, 1, 1);
        Assert.Equal(new[] { 2.5f, 1f }, y);
        var rng = new Random(9);
        var s2 = new GlobalPoolShape(3, 5, 3);
        GradCheck(rng, Rand(rng, 2 * 45),
            xx => { var yy = new float[6]; GlobalAvgPool.ForwardReference(s2, xx, yy, 2, 1); return yy; },
            (xx, dy) => { var dx = new float[xx.Length]; GlobalAvgPool.BackwardReference(s2, dy, dx, 2, 1); return dx; });
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        var s = new GlobalPoolShape(2, 3, 3);
        Assert.Throws<ArgumentException>(() => GlobalAvgPool.Forward(s, new float[17], new float[2], 1, 1));
        Assert.Throws<ArgumentException>(() => GlobalAvgPool.Forward(s, new float[18], new float[3], 1, 1));
        Assert.Throws<ArgumentException>(() => GlobalAvgPool.Backward(s, new float[2], new float[19], 1, 1));
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        var s = new GlobalPoolShape(16, 32, 32);
        const int n = 4;
        var x = Rand(new Random(3), n * 16 * 32 * 32);
        var y = new float[n * 16]; var dx = new float[x.Length];
        NoAllocation(() => GlobalAvgPool.Forward(s, x, y, n, 2));
        NoAllocation(() => GlobalAvgPool.Backward(s, y, dx, n, 2));
    }
}
