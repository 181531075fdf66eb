using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class UpsampleTests
{
    [Fact]
    public void Bilinear_2x2_to_4x4_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; print(torch.nn.functional.interpolate(torch.tensor([[[[1.,2.],[3.,4.]]]]),scale_factor=2,mode='bilinear',align_corners=False).flatten().tolist())"
        float[] expected = { 1.0f, 1.25f, 1.75f, 2.0f, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3.0f, 3.25f, 3.75f, 4.0f };
        var s = new UpsampleShape(1, 2, 2, 2, UpsampleMode.Bilinear);
        var y = new float[16];
        Upsample.Forward(s, new[] { 1f, 2f, 3f, 4f }, y, 1, 1);
        Assert.Equal(expected, y);
    }

    [Fact]
    public void Scale_3_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; x=torch.tensor([[[[1.,-2.,5.],[0.5,3.,-1.]]]]);
        //   print(torch.nn.functional.interpolate(x,scale_factor=3,mode='bilinear',align_corners=False).flatten().tolist());
        //   print(torch.nn.functional.interpolate(x,scale_factor=3,mode='nearest').flatten().tolist())"
        float[] x = { 1, -2, 5, 0.5f, 3, -1 };
        float[] bilinear = { 1.0f, 1.0f, -1.1920928955078125e-07f, -1.0f, -1.9999996423721313f, 0.3333336114883423f, 2.6666672229766846f, 5.0f, 5.0f,
            1.0f, 1.0f, -9.934107225717526e-08f, -1.0f, -1.9999996423721313f, 0.3333336412906647f, 2.6666672229766846f, 5.0f, 5.0f,
            0.8333333134651184f, 0.8333333134651184f, 0.4444444179534912f, 0.05555567890405655f, -0.33333298563957214f, 0.7777780294418335f, 1.8888890743255615f, 2.999999761581421f, 2.999999761581421f,
            0.6666666269302368f, 0.6666666865348816f, 0.888888955116272f, 1.1111111640930176f, 1.3333333730697632f, 1.2222222089767456f, 1.111111044883728f, 0.9999998807907104f, 0.9999998807907104f,
            0.5f, 0.5000000596046448f, 1.3333333730697632f, 2.1666665077209473f, 2.999999761581421f, 1.6666663885116577f, 0.33333298563957214f, -1.0f, -0.9999999403953552f,
            0.5f, 0.5000000596046448f, 1.3333334922790527f, 2.1666667461395264f, 2.999999761581421f, 1.6666665077209473f, 0.33333298563957214f, -1.0f, -1.0f };
        var y = new float[54]; var yr = new float[54];
        var sb = new UpsampleShape(1, 2, 3, 3, UpsampleMode.Bilinear);
        Upsample.Forward(sb, x, y, 1, 1);
        Upsample.ForwardReference(sb, x, yr, 1, 1);
        // PyTorch forms the sum in a slightly different order: equal to within a few ulp (the first row is bit-identical).
        Close(bilinear, y, 5e-7, 5e-7, "fast");
        BitEqual(bilinear.AsSpan(0, 9), y.AsSpan(0, 9), "first row");
        BitEqual(yr, y, "reference");
        var sn = new UpsampleShape(1, 2, 3, 3, UpsampleMode.Nearest);
        Upsample.Forward(sn, x, y, 1, 1);
        for (int oh = 0; oh < 6; oh++)
            for (int ow = 0; ow < 9; ow++)
                Assert.Equal(x[(oh / 3) * 3 + ow / 3], y[oh * 9 + ow]);
    }

    public static TheoryData<int, int, int, int, int, UpsampleMode> Shapes => new()
    {
        { 2, 3, 5, 7, 2, UpsampleMode.Nearest },
        { 1, 2, 3, 4, 3, UpsampleMode.Nearest },
        { 2, 1, 1, 5, 7, UpsampleMode.Nearest },
        { 2, 3, 5, 7, 2, UpsampleMode.Bilinear },
        { 1, 2, 3, 4, 3, UpsampleMode.Bilinear },
        { 2, 2, 1, 6, 5, UpsampleMode.Bilinear },
    };

    [Theory, MemberData(nameof(Shapes))]
    public void Fast_matches_reference_bit_exact_and_threads_agree(int n, int c, int h, int w, int scale, UpsampleMode mode)
    {
        var s = new UpsampleShape(c, h, w, scale, mode);
        var rng = new Random(h * w + scale);
        var x = Rand(rng, n * c * h * w);
        int outLen = x.Length * scale * scale;
        var yr = new float[outLen];
        Upsample.ForwardReference(s, x, yr, n, 1);
        var dy = Rand(rng, outLen); var dx0 = Rand(rng, x.Length);
        var dxr = (float[])dx0.Clone();
        Upsample.BackwardReference(s, dy, dxr, n, 1);
        foreach (int t in new[] { 1, 2 })
        {
            var y = new float[outLen];
            Upsample.Forward(s, x, y, n, t);
            BitEqual(yr, y, "y");
            var dx = (float[])dx0.Clone();
            Upsample.Backward(s, dy, dx, n, t);
            BitEqual(dxr, dx, "dx");
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Gradient_matches_finite_differences(int n, int c, int h, int w, int scale, UpsampleMode mode)
    {
        var s = new UpsampleShape(c, h, w, scale, mode);
        var rng = new Random(5 * h + w);
        int outLen = n * c * h * w * scale * scale;
        GradCheck(rng, Rand(rng, n * c * h * w),
            xx => { var y = new float[outLen]; Upsample.ForwardReference(s, xx, y, n, 1); return y; },
            (xx, dy) => { var dx = new float[xx.Length]; Upsample.BackwardReference(s, dy, dx, n, 1); return dx; });
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        var s = new UpsampleShape(2, 3, 3, 2, UpsampleMode.Bilinear);
        Assert.Throws<ArgumentException>(() => Upsample.Forward(s, new float[17], new float[72], 1, 1));
        Assert.Throws<ArgumentException>(() => Upsample.Forward(s, new float[18], new float[71], 1, 1));
        Assert.Throws<ArgumentException>(() => Upsample.Backward(s, new float[72], new float[19], 1, 1));
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        const int n = 2;
        foreach (var mode in new[] { UpsampleMode.Nearest, UpsampleMode.Bilinear })
        {
            var s = new UpsampleShape(8, 24, 24, 2, mode);
            var x = Rand(new Random(3), n * 8 * 24 * 24);
            var y = new float[x.Length * 4]; var dx = new float[x.Length];
            NoAllocation(() => Upsample.Forward(s, x, y, n, 2));
            NoAllocation(() => Upsample.Backward(s, y, dx, n, 2));
        }
    }
}
