using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class DropoutTests
{
    [Theory]
    [InlineData(0.5f)]
    [InlineData(0.1f)]
    [InlineData(0.9f)]
    public void Mask_statistics_and_values(float rate)
    {
        int n = 200_003;
        var x = Rand(new Random(1), n);
        var y = new float[n]; var mask = new float[n];
        Dropout.ForwardTrain(rate, 12345UL, x, y, mask);
        float scale = 1f / (1f - rate);
        int kept = 0;
        for (int i = 0; i < n; i++)
        {
            Assert.True(mask[i] == 0f || mask[i] == scale, $"mask[{i}] = {mask[i]}");
            if (mask[i] != 0f) kept++;
            Assert.Equal(x[i] * mask[i], y[i]);
        }
        double p = 1 - rate, sd = Math.Sqrt(n * p * (1 - p));
        Assert.InRange(kept, n * p - 5 * sd, n * p + 5 * sd);
        // Adjacent elements are not correlated: P(keep both) ≈ p².
        int both = 0;
        for (int i = 0; i + 1 < n; i += 2) if (mask[i] != 0 && mask[i + 1] != 0) both++;
        double pairs = n / 2, pp = p * p;
        Assert.InRange(both, pairs * pp - 5 * Math.Sqrt(pairs * pp * (1 - pp)), pairs * pp + 5 * Math.Sqrt(pairs * pp * (1 - pp)));
    }

    [Fact]
    public void Fast_matches_reference_is_deterministic_and_seed_dependent()
    {
        foreach (int n in new[] { 0, 1, 5, 16, 37, 1001 })
        {
            var x = Rand(new Random(n), n);
            var y1 = new float[n]; var m1 = new float[n]; var y2 = new float[n]; var m2 = new float[n];
            Dropout.ForwardTrain(0.3f, 99UL, x, y1, m1);
            Dropout.ForwardTrainReference(0.3f, 99UL, x, y2, m2);
            BitEqual(m2, m1, "mask"); BitEqual(y2, y1, "y");
            // The mask of element i does not depend on the span it is computed in (prefix property).
            if (n > 3)
            {
                var mp = new float[n - 3];
                Dropout.ForwardTrain(0.3f, 99UL, x.AsSpan(0, n - 3), new float[n - 3], mp);
                BitEqual(m1.AsSpan(0, n - 3), mp, "prefix");
            }
        }
        var a = new float[1000]; var b = new float[1000];
        Dropout.ForwardTrain(0.5f, 1UL, new float[1000], new float[1000], a);
        Dropout.ForwardTrain(0.5f, 1UL << 32, new float[1000], new float[1000], b);
        Assert.NotEqual(a, b);
        Dropout.ForwardTrain(0f, 7UL, new float[100], new float[100], a.AsSpan(0, 100));
        Assert.All(a.Take(100), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Backward_is_exact()
    {
        var rng = new Random(3);
        int n = 531;
        var x = Rand(rng, n); var y = new float[n]; var mask = new float[n];
        Dropout.ForwardTrain(0.4f, 5UL, x, y, mask);
        var dy = Rand(rng, n);
        var dx0 = Rand(rng, n);
        var dx = (float[])dx0.Clone(); var dxr = (float[])dx0.Clone();
        Dropout.Backward(mask, dy, dx);
        Dropout.BackwardReference(mask, dy, dxr);
        BitEqual(dxr, dx);
        for (int i = 0; i < n; i++) Assert.Equal(dx0[i] + dy[i] * mask[i], dx[i]);
        // y is linear in x for a fixed mask: the finite-difference gradient is dy·mask.
        GradCheck(rng, x, xx => { var yy = new float[n]; Dropout.ForwardTrainReference(0.4f, 5UL, xx, yy, new float[n]); return yy; },
            (xx, g) => { var d = new float[n]; Dropout.BackwardReference(mask, g, d); return d; });
    }

    [Fact]
    public void Wrong_arguments_throw()
    {
        Assert.Throws<ArgumentException>(() => Dropout.ForwardTrain(0.5f, 0, new float[4], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Dropout.ForwardTrain(0.5f, 0, new float[4], new float[4], new float[5]));
        Assert.Throws<ArgumentOutOfRangeException>(() => Dropout.ForwardTrain(1f, 0, new float[4], new float[4], new float[4]));
        Assert.Throws<ArgumentException>(() => Dropout.Backward(new float[4], new float[4], new float[3]));
        Assert.Throws<ArgumentException>(() => Dropout.Backward(new float[4], new float[3], new float[4]));
    }

    [Fact]
    public void No_allocation_per_call()
    {
        var x = Rand(new Random(3), 1000);
        var y = new float[x.Length]; var m = new float[x.Length]; var dx = new float[x.Length];
        NoAllocation(() => Dropout.ForwardTrain(0.3f, 42, x, y, m), expectPool: false);
        NoAllocation(() => Dropout.Backward(m, y, dx), expectPool: false);
    }
}
