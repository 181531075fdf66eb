using StaticCnn;
using Xunit;

namespace StaticCnn.Tests.Runtime;

public class InitializerTests
{
    private static TensorOnlyNetwork MakeNet() => new(
        ("conv1", "Conv2D", new[] { ("weight", TensorRole.Parameter, new[] { 16, 3, 5, 5 }), ("bias", TensorRole.Parameter, new[] { 16 }) }),
        ("dconv", "Conv2D", new[] { ("weight", TensorRole.Parameter, new[] { 32, 1, 3, 3 }), ("bias", TensorRole.Parameter, new[] { 32 }) }),
        ("up", "ConvTranspose2D", new[] { ("weight", TensorRole.Parameter, new[] { 8, 4, 2, 2 }), ("bias", TensorRole.Parameter, new[] { 4 }) }),
        ("bn1", "BatchNorm2D", new[] { ("weight", TensorRole.Parameter, new[] { 16 }), ("bias", TensorRole.Parameter, new[] { 16 }),
                                       ("running_mean", TensorRole.Buffer, new[] { 16 }), ("running_var", TensorRole.Buffer, new[] { 16 }) }),
        ("relu", "ReLU", Array.Empty<(string, TensorRole, int[])>()),
        ("fc", "Dense", new[] { ("weight", TensorRole.Parameter, new[] { 10, 400 }), ("bias", TensorRole.Parameter, new[] { 10 }) }));

    [Theory]
    [InlineData("conv1.weight", 75)]
    [InlineData("conv1.bias", 75)]
    [InlineData("dconv.weight", 9)]
    [InlineData("dconv.bias", 9)]
    [InlineData("up.weight", 16)]
    [InlineData("up.bias", 16)]
    [InlineData("fc.weight", 400)]
    [InlineData("fc.bias", 400)]
    public void DefaultInitUsesPyTorchFanIn(string name, int fanIn)
    {
        using var net = MakeNet();
        Initializers.ResetParameters(net, seed: 7);
        var data = net.Slice(name);
        float bound = 1f / MathF.Sqrt(fanIn);
        float max = 0;
        foreach (float v in data) { Assert.InRange(v, -bound, bound); max = Math.Max(max, Math.Abs(v)); }
        // The values fill the range (not a smaller bound): the largest magnitude is near the bound.
        if (data.Length >= 100) Assert.True(max > 0.9f * bound, $"{name}: max |v| {max} vs bound {bound}");
        // Mean near zero, variance near bound²/3 for the big tensors.
        if (data.Length >= 1000)
        {
            double mean = 0, var = 0;
            foreach (float v in data) mean += v;
            mean /= data.Length;
            foreach (float v in data) var += (v - mean) * (v - mean);
            var /= data.Length;
            Assert.InRange(mean, -0.05 * bound, 0.05 * bound);
            Assert.InRange(var, 0.9 * bound * bound / 3, 1.1 * bound * bound / 3);
        }
    }

    [Fact]
    public void BatchNormDefaults()
    {
        using var net = MakeNet();
        net.Slice("bn1.weight").Fill(5); net.Slice("bn1.bias").Fill(5);
        net.Slice("bn1.running_mean").Fill(5); net.Slice("bn1.running_var").Fill(5);
        Initializers.ResetParameters(net);
        Assert.All(net.Slice("bn1.weight").ToArray(), v => Assert.Equal(1f, v));
        Assert.All(net.Slice("bn1.bias").ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Slice("bn1.running_mean").ToArray(), v => Assert.Equal(0f, v));
        Assert.All(net.Slice("bn1.running_var").ToArray(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void SeededAndReproducible()
    {
        using var a = MakeNet();
        using var b = MakeNet();
        using var c = MakeNet();
        Initializers.ResetParameters(a, 42);
        Initializers.ResetParameters(b, 42);
        Initializers.ResetParameters(c, 43);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.False(a.Parameters.SequenceEqual(c.Parameters));
        // Two tensors of the same shape get different values.
        Assert.False(a.Slice("conv1.bias").SequenceEqual(a.Slice("bn1.weight")));
    }

    [Fact]
    public void GeneratorSequenceIsFixed()
    {
        // xoshiro256** seeded by SplitMix64(0): pinned so that a change of algorithm is noticed.
        var rng = new SeededRandom(0);
        ulong first = rng.NextUInt64();
        var again = new SeededRandom(0);
        Assert.Equal(first, again.NextUInt64());
        ulong x = 0;
        Assert.Equal(0xE220A8397B1DCDAFUL, SeededRandom.SplitMix64(ref x));
        for (int i = 0; i < 1000; i++) { int k = rng.NextInt(7); Assert.InRange(k, 0, 6); }
    }

    [Fact]
    public void SpanInitializersHaveTheirMoments()
    {
        var t = new float[200 * 300];
        int[] shape = { 200, 300 };
        var rng = new SeededRandom(1);
        Initializers.KaimingNormal(t, shape, ref rng); // std = √2/√300
        Assert.InRange(Std(t), 0.97 * Math.Sqrt(2.0 / 300), 1.03 * Math.Sqrt(2.0 / 300));
        Initializers.KaimingUniform(t, shape, ref rng, FanMode.FanOut); // bound √2·√(3/200), std = bound/√3
        Assert.InRange(Std(t), 0.97 * Math.Sqrt(2.0 / 200), 1.03 * Math.Sqrt(2.0 / 200));
        Initializers.XavierUniform(t, shape, ref rng);
        Assert.InRange(Std(t), 0.97 * Math.Sqrt(2.0 / 500), 1.03 * Math.Sqrt(2.0 / 500));
        Initializers.XavierNormal(t, shape, ref rng, gain: 2f);
        Assert.InRange(Std(t), 0.97 * 2 * Math.Sqrt(2.0 / 500), 1.03 * 2 * Math.Sqrt(2.0 / 500));
        Initializers.Normal(t, 3f, 0.5f, ref rng);
        Assert.InRange(t.Average(), 2.99, 3.01);
        Initializers.Uniform(t, 2f, 4f, ref rng);
        Assert.All(t, v => Assert.InRange(v, 2f, 4f));
        Initializers.Constant(t, 0.25f);
        Assert.All(t, v => Assert.Equal(0.25f, v));
        Assert.Equal((75, 400), Initializers.ComputeFans(new[] { 16, 3, 5, 5 }));
        Assert.Equal(MathF.Sqrt(2f / (1 + 5f)), Initializers.Gain("leaky_relu", MathF.Sqrt(5f)), 6);
    }

    private static double Std(float[] t)
    {
        double m = t.Average(v => (double)v);
        return Math.Sqrt(t.Average(v => (v - m) * (v - m)));
    }
}
