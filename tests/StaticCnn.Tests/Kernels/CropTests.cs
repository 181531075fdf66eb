using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class CropTests
{
    [Fact]
    public void Known_window()
    {
        // x[:, :, 1:3, 2:4] of arange(20).reshape(1,1,4,5)
        var x = Enumerable.Range(0, 20).Select(i => (float)i).ToArray();
        var s = new CropShape(1, 4, 5, 2, 2, 1, 2);
        var y = new float[4];
        Crop.Forward(s, x, y, 1);
        Assert.Equal(new float[] { 7, 8, 12, 13 }, y);
        var dx = new float[20];
        Crop.Backward(s, new float[] { 1, 2, 3, 4 }, dx, 1);
        Assert.Equal(new float[] { 0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 0, 3, 4, 0, 0, 0, 0, 0, 0 }, dx);
    }

    [Theory]
    [InlineData(2, 3, 9, 7, 5, 4, 2, 1)]
    [InlineData(1, 2, 6, 6, 6, 6, 0, 0)]
    [InlineData(3, 1, 17, 33, 10, 21, 3, 7)]
    public void Fast_matches_reference_and_gradient(int n, int c, int ih, int iw, int oh, int ow, int top, int left)
    {
        var s = new CropShape(c, ih, iw, oh, ow, top, left);
        var rng = new Random(ih * iw);
        var x = Rand(rng, n * c * ih * iw);
        var yr = new float[n * c * oh * ow]; var yf = new float[yr.Length];
        Crop.ForwardReference(s, x, yr, n);
        Crop.Forward(s, x, yf, n);
        BitEqual(yr, yf);
        var dy = Rand(rng, yr.Length); var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone(); var dxf = (float[])dx0.Clone();
        Crop.BackwardReference(s, dy, dxr, n);
        Crop.Backward(s, dy, dxf, n);
        BitEqual(dxr, dxf);
        GradCheck(rng, x, xx => { var yy = new float[yr.Length]; Crop.ForwardReference(s, xx, yy, n); return yy; },
            (xx, g) => { var d = new float[xx.Length]; Crop.BackwardReference(s, g, d, n); return d; });
    }

    [Fact]
    public void Wrong_arguments_throw()
    {
        var s = new CropShape(1, 4, 5, 2, 2, 1, 2);
        Assert.Throws<ArgumentException>(() => Crop.Forward(s, new float[19], new float[4], 1));
        Assert.Throws<ArgumentException>(() => Crop.Forward(s, new float[20], new float[5], 1));
        Assert.Throws<ArgumentException>(() => Crop.Backward(s, new float[4], new float[21], 1));
        Assert.Throws<ArgumentException>(() => Crop.Forward(new CropShape(1, 4, 5, 2, 2, 3, 0), new float[20], new float[4], 1));
    }

    [Fact]
    public void No_allocation_per_call()
    {
        var s = new CropShape(3, 10, 12, 6, 7, 2, 3);
        var x = Rand(new Random(3), 2 * 3 * 10 * 12);
        var y = new float[2 * 3 * 6 * 7]; var dx = new float[x.Length];
        NoAllocation(() => Crop.Forward(s, x, y, 2), expectPool: false);
        NoAllocation(() => Crop.Backward(s, y, dx, 2), expectPool: false);
    }
}
