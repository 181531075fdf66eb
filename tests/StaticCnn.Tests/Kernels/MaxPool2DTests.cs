using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class MaxPool2DTests
{
    public static TheoryData<int, int, int, int, int, int, int> Shapes => new()
    {
        // batch, C, H, W, k, stride, pad
        { 2, 3, 4, 4, 2, 2, 0 },
        { 1, 2, 7, 5, 3, 2, 1 },
        { 3, 1, 5, 9, 2, 1, 1 },
        { 2, 5, 9, 7, 3, 3, 0 },
        { 1, 3, 11, 13, 5, 2, 2 },
        { 1, 6, 28, 28, 2, 2, 0 },      // LeNet-5 Pool1
        { 1, 16, 10, 10, 2, 2, 0 },     // LeNet-5 Pool2
        { 2, 3, 9, 75, 2, 2, 0 },       // odd sizes: floor mode drops the last row and column
        { 2, 8, 48, 48, 2, 2, 0 },      // enough work for two parts
        { 1, 4, 112, 112, 3, 2, 1 },    // ResNet's stem pool (the row-vectorised inference path)
        { 2, 3, 15, 37, 3, 1, 1 },      // stride 1, odd width
        { 1, 2, 21, 45, 5, 2, 2 },      // 5×5, stride 2, padding 2
        { 1, 2, 9, 20, 3, 2, 0 },       // stride 2 without padding
        { 1, 1, 12, 1900, 7, 1, 3 },    // 7 window rows of 1938 floats: fewer pooled rows kept than the window has
    };

    [Fact]
    public void Known_4x4_case_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; x=torch.tensor([[[[1.,5,2,0],[3,4,8,7],[9,-1,6,6],[2,9,3,1]]]]);
        //   print(torch.nn.functional.max_pool2d(x,2,2,return_indices=True)); print(torch.nn.functional.max_pool2d(x,3,2,1,return_indices=True))"
        float[] x = { 1, 5, 2, 0, 3, 4, 8, 7, 9, -1, 6, 6, 2, 9, 3, 1 };
        var y = new float[4]; var a = new int[4];
        MaxPool2D.Forward(Pool2DShape.Create(1, 4, 4, 2, 2, 0), x, y, a, 1, 1);
        Assert.Equal(new[] { 5f, 8f, 9f, 6f }, y);
        Assert.Equal(new[] { 1, 6, 8, 10 }, a);                       // tie 6,6: the first wins
        MaxPool2D.Forward(Pool2DShape.Create(1, 4, 4, 3, 2, 1), x, y, a, 1, 1);
        Assert.Equal(new[] { 5f, 8f, 9f, 9f }, y);
        Assert.Equal(new[] { 1, 6, 8, 13 }, a);
        var dx = new float[16];
        MaxPool2D.Backward(Pool2DShape.Create(1, 4, 4, 3, 2, 1), new[] { 1f, 2f, 3f, 4f }, a, dx, 1, 1);
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0, 2, 0, 3, 0, 0, 0, 0, 4, 0, 0 }, dx);
    }

    [Fact]
    public void Padding_is_minus_infinity_and_ties_take_the_first()
    {
        // /usr/bin/python3 -c "import torch; print(torch.nn.functional.max_pool2d(torch.full((1,1,3,3),-2.),2,1,1,return_indices=True))"
        var x = Enumerable.Repeat(-2f, 9).ToArray();
        var s = Pool2DShape.Create(1, 3, 3, 2, 1, 1);
        var y = new float[16]; var a = new int[16]; var yr = new float[16]; var ar = new int[16];
        MaxPool2D.Forward(s, x, y, a, 1, 1);
        MaxPool2D.ForwardReference(s, x, yr, ar, 1, 1);
        Assert.All(y, v => Assert.Equal(-2f, v));
        var expected = new[] { 0, 0, 1, 2, 0, 0, 1, 2, 3, 3, 4, 5, 6, 6, 7, 8 };
        Assert.Equal(expected, a);
        Assert.Equal(expected, ar);
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Fast_matches_reference_and_threads_agree(int n, int c, int h, int w, int k, int st, int p)
    {
        var s = Pool2DShape.Create(c, h, w, k, st, p);
        var rng = new Random(h * 31 + w);
        var x = Rand(rng, n * c * h * w);
        x[0] = float.NaN;
        int outLen = n * c * s.OutH * s.OutW;
        var yr = new float[outLen]; var ar = new int[outLen];
        MaxPool2D.ForwardReference(s, x, yr, ar, n, 1);
        foreach (int t in new[] { 1, 2, 3 })
        {
            var y = new float[outLen]; var a = new int[outLen];
            MaxPool2D.Forward(s, x, y, a, n, t);
            BitEqual(yr, y, "y");
            Assert.Equal(ar, a);
        }
        var dy = Rand(rng, outLen);
        var dxr = Rand(rng, n * c * h * w);
        var dxf = (float[])dxr.Clone();
        MaxPool2D.BackwardReference(s, dy, ar, dxr, n, 1);
        foreach (int t in new[] { 1, 2 })
        {
            var d = (float[])dxf.Clone();
            MaxPool2D.Backward(s, dy, ar, d, n, t);
            BitEqual(dxr, d, "dx");
        }
    }

    [Theory]
    [InlineData(64, 1)]
    [InlineData(37, 2)]
    [InlineData(14, 3)]
    public void Ties_and_NaN_match_reference_on_2x2_stride_2(int w, int seed)
    {
        // Few distinct values, so most windows hold ties (the first in row-major window order wins), and some NaN (the last
        // NaN in window order wins, as PyTorch's `val > max || isnan(val)` scan).
        var rng = new Random(seed);
        const int n = 2, c = 3, h = 6;
        var x = new float[n * c * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(10) == 0 ? float.NaN : rng.Next(3) == 0 ? float.NegativeInfinity : rng.Next(2);
        var s = Pool2DShape.Create(c, h, w, 2, 2, 0);
        int outLen = n * c * s.OutH * s.OutW;
        var yr = new float[outLen]; var ar = new int[outLen]; var y = new float[outLen]; var a = new int[outLen];
        MaxPool2D.ForwardReference(s, x, yr, ar, n, 1);
        MaxPool2D.Forward(s, x, y, a, n, 1);
        BitEqual(yr, y, "y");
        Assert.Equal(ar, a);
        var dy = Rand(rng, outLen);
        var dxr = Rand(rng, x.Length); dxr[1] = -0f;
        var dx = (float[])dxr.Clone();
        MaxPool2D.BackwardReference(s, dy, ar, dxr, n, 1);
        MaxPool2D.Backward(s, dy, ar, dx, n, 1);
        BitEqual(dxr, dx, "dx");
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Gradient_matches_finite_differences(int n, int c, int h, int w, int k, int st, int p)
    {
        var s = Pool2DShape.Create(c, h, w, k, st, p);
        var rng = new Random(7 + h);
        var x = Distinct(rng, n * c * h * w);
        int outLen = n * c * s.OutH * s.OutW;
        GradCheck(rng, x,
            xx => { var y = new float[outLen]; MaxPool2D.ForwardReference(s, xx, y, new int[outLen], n, 1); return y; },
            (xx, dy) =>
            {
                var y = new float[outLen]; var a = new int[outLen];
                MaxPool2D.ForwardReference(s, xx, y, a, n, 1);
                var dx = new float[xx.Length]; MaxPool2D.BackwardReference(s, dy, a, dx, n, 1); return dx;
            });
    }

    [Fact]
    public void Wrong_lengths_throw_and_empty_dx_is_skipped()
    {
        var s = Pool2DShape.Create(2, 4, 4, 2, 2, 0);
        Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(s, new float[31], new float[8], new int[8], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(s, new float[32], new float[7], new int[8], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxPool2D.Forward(s, new float[32], new float[8], new int[9], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxPool2D.Backward(s, new float[8], new int[8], new float[33], 1, 1));
        Assert.Throws<ArgumentException>(() => MaxPool2D.ForwardReference(s, new float[31], new float[8], new int[8], 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => MaxPool2D.Forward(s, new float[32], new float[8], new int[8], 1, 0));
        MaxPool2D.Backward(s, new float[8], new int[8], Span<float>.Empty, 1, 1);
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        var s = Pool2DShape.Create(8, 48, 48, 2, 2, 0);
        const int n = 2;
        var x = Rand(new Random(3), n * 8 * 48 * 48);
        var y = new float[n * 8 * 24 * 24]; var a = new int[y.Length]; var dx = new float[x.Length];
        NoAllocation(() => MaxPool2D.Forward(s, x, y, a, n, 2));
        NoAllocation(() => MaxPool2D.Backward(s, y, a, dx, n, 2));
        var s3 = Pool2DShape.Create(8, 48, 48, 3, 2, 1);
        var y3 = new float[n * 8 * s3.OutH * s3.OutW]; var a3 = new int[y3.Length];
        NoAllocation(() => MaxPool2D.Forward(s3, x, y3, a3, n, 2));
    }
}

/// <summary>The inference pool (no argmax): the same values as the training form, bit for bit, and as its reference.</summary>
[Trait("Category", "Numeric")]
public class MaxPool2DInferenceTests
{
    [Theory, MemberData(nameof(MaxPool2DTests.Shapes), MemberType = typeof(MaxPool2DTests))]
    public void Inference_equals_training_form_and_reference(int n, int c, int h, int w, int k, int st, int p)
    {
        var s = Pool2DShape.Create(c, h, w, k, st, p);
        var rng = new Random(h * 17 + w);
        var x = Rand(rng, n * c * h * w);
        x[0] = float.NaN;
        if (x.Length > 7) { x[5] = x[4]; x[6] = -0f; x[7] = 0f; }       // ties and signed zeros
        // the same at rows' ends (the last vector of a row runs past it: masked loads on AVX-512)
        x[w - 1] = float.NaN;
        x[2 * w - 1] = -0f; x[2 * w - 2] = 0f;
        x[3 * w - 1] = x[3 * w - 2];
        int outLen = n * c * s.OutH * s.OutW;
        var yt = new float[outLen]; var a = new int[outLen];
        MaxPool2D.Forward(s, x, yt, a, n, 1);
        var yr = new float[outLen];
        MaxPool2D.ForwardInferenceReference(s, x, yr, n, 1);
        BitEqual(yt, yr, "reference");
        foreach (int t in new[] { 1, 2, 3 })
        {
            var y = Rand(rng, outLen);
            MaxPool2D.ForwardInference(s, x, y, n, t);
            BitEqual(yt, y, $"y, {t} threads");
        }
    }
}
