using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class SoftmaxTests
{
    [Fact]
    public void Known_values_match_pytorch_and_are_stable()
    {
        // /usr/bin/python3 -c "import torch; print(torch.softmax(torch.tensor([[[[1.,2.]],[[3.,-1.]],[[0.,1000.]]]]),1).flatten().tolist())"
        float[] x = { 1, 2, 3, -1, 0, 1000 };
        float[] expected = { 0.11419519782066345f, 0.0f, 0.8437947034835815f, 0.0f, 0.04201006516814232f, 1.0f };
        var y = new float[6]; var yr = new float[6];
        Softmax.Forward(3, 2, x, y, 1);
        Softmax.ForwardReference(3, 2, x, yr, 1);
        Close(expected, y, 1e-7, 1e-6);
        Close(expected, yr, 1e-7, 1e-6);
    }

    [Theory]
    [InlineData(2, 10, 1)]
    [InlineData(3, 1000, 1)]
    [InlineData(2, 3, 5)]
    [InlineData(1, 7, 67)]
    [InlineData(2, 4, 130)]
    [InlineData(1, 1, 9)]
    [InlineData(64, 10, 1)]
    [InlineData(2, 37, 1)]
    public void Fast_matches_reference(int n, int c, int spatial)
    {
        var rng = new Random(c * 7 + spatial);
        var x = Rand(rng, n * c * spatial, -8f, 8f);
        var yr = new float[x.Length]; var y = new float[x.Length];
        Softmax.ForwardReference(c, spatial, x, yr, n);
        Softmax.Forward(c, spatial, x, y, n);
        Close(yr, y, 1e-8, 2e-6, "y");
        var dy = Rand(rng, x.Length);
        var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone(); var dx = (float[])dx0.Clone();
        Softmax.BackwardReference(c, spatial, yr, dy, dxr, n);
        Softmax.Backward(c, spatial, yr, dy, dx, n);
        if (spatial == 1) Close(dxr, dx, 1e-6, 1e-5, "dx");   // the dot product sums along SIMD lanes
        else BitEqual(dxr, dx, "dx");
    }

    [Theory]
    [InlineData(2, 5, 1)]
    [InlineData(2, 3, 7)]
    public void Gradient_matches_finite_differences(int n, int c, int spatial)
    {
        var rng = new Random(11 + c);
        GradCheck(rng, Rand(rng, n * c * spatial, -2f, 2f),
            xx => { var y = new float[xx.Length]; Softmax.ForwardReference(c, spatial, xx, y, n); return y; },
            (xx, dy) =>
            {
                var y = new float[xx.Length]; Softmax.ForwardReference(c, spatial, xx, y, n);
                var dx = new float[xx.Length]; Softmax.BackwardReference(c, spatial, y, dy, dx, n); return dx;
            }, eps: 1e-2, abs: 1e-3, rel: 1e-2);
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        Assert.Throws<ArgumentException>(() => Softmax.Forward(3, 2, new float[6], new float[5], 1));
        Assert.Throws<ArgumentException>(() => Softmax.Forward(3, 2, new float[7], new float[6], 1));
        Assert.Throws<ArgumentException>(() => Softmax.Backward(3, 2, new float[6], new float[6], new float[5], 1));
    }

    [Fact]
    public void No_allocation_per_call()
    {
        foreach (int spatial in new[] { 1, 100 })
        {
            var x = Rand(new Random(3), 4 * 10 * spatial);
            var y = new float[x.Length]; var dx = new float[x.Length];
            NoAllocation(() => Softmax.Forward(10, spatial, x, y, 4), expectPool: false);
            NoAllocation(() => Softmax.Backward(10, spatial, y, x, dx, 4), expectPool: false);
        }
    }
}
