using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class ConcatTests
{
    [Fact]
    public void Two_inputs_fill_the_output_and_backward_splits()
    {
        // torch.cat([a (2,1,2), b (2,2,2)], dim=1) with spatial 2
        float[] a = { 1, 2, 3, 4 }, b = { 10, 11, 12, 13, 14, 15, 16, 17 };
        var y = new float[12];
        Concat.Forward(1, 0, 3, 2, a, y, 2);
        Concat.Forward(2, 1, 3, 2, b, y, 2);
        Assert.Equal(new float[] { 1, 2, 10, 11, 12, 13, 3, 4, 14, 15, 16, 17 }, y);
        var da = new float[] { 1, 1, 1, 1 };
        Concat.Backward(1, 0, 3, 2, y, da, 2);
        Assert.Equal(new float[] { 2, 3, 4, 5 }, da);
    }

    [Theory]
    [InlineData(2, 3, 2, 7, 13)]
    [InlineData(3, 1, 0, 4, 25)]
    public void Fast_matches_reference_and_gradient(int n, int inC, int off, int outC, int spatial)
    {
        var rng = new Random(inC + spatial);
        var x = Rand(rng, n * inC * spatial);
        var y0 = Rand(rng, n * outC * spatial);
        var yr = (float[])y0.Clone(); var yf = (float[])y0.Clone();
        Concat.ForwardReference(inC, off, outC, spatial, x, yr, n);
        Concat.Forward(inC, off, outC, spatial, x, yf, n);
        BitEqual(yr, yf);
        var dy = Rand(rng, y0.Length); var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone(); var dxf = (float[])dx0.Clone();
        Concat.BackwardReference(inC, off, outC, spatial, dy, dxr, n);
        Concat.Backward(inC, off, outC, spatial, dy, dxf, n);
        BitEqual(dxr, dxf);
        GradCheck(rng, x, xx => { var yy = new float[y0.Length]; Concat.ForwardReference(inC, off, outC, spatial, xx, yy, n); return yy; },
            (xx, g) => { var d = new float[xx.Length]; Concat.BackwardReference(inC, off, outC, spatial, g, d, n); return d; });
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        Assert.Throws<ArgumentException>(() => Concat.Forward(2, 2, 3, 4, new float[8], new float[12], 1));
        Assert.Throws<ArgumentException>(() => Concat.Forward(2, 1, 3, 4, new float[7], new float[12], 1));
        Assert.Throws<ArgumentException>(() => Concat.Forward(2, 1, 3, 4, new float[8], new float[11], 1));
        Assert.Throws<ArgumentException>(() => Concat.Backward(2, 1, 3, 4, new float[12], new float[9], 1));
    }

    [Fact]
    public void No_allocation_per_call()
    {
        var x = Rand(new Random(3), 2 * 3 * 50);
        var y = new float[2 * 5 * 50]; var dx = new float[x.Length];
        NoAllocation(() => Concat.Forward(3, 1, 5, 50, x, y, 2), expectPool: false);
        NoAllocation(() => Concat.Backward(3, 1, 5, 50, y, dx, 2), expectPool: false);
    }
}
