using StaticCnn.Optimizers;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>10-step trajectories on a fixed quadratic against PyTorch 1.13 (tools/make_runtime_fixtures.py, optimizers.safetensors).</summary>
public class OptimizerTests
{
    private static readonly Fixture F = Fixture.Load("runtime/optimizers.safetensors");

    internal static Optimizer Make(string name) => name switch
    {
        "sgd" => new Sgd(0.1f),
        "sgd_momentum" => new Sgd(0.05f, momentum: 0.9f, dampening: 0.1f, weightDecay: 0.01f),
        "sgd_nesterov" => new Sgd(0.05f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true),
        "adam" => new Adam(0.01f),
        "adam_wd" => new Adam(0.02f, 0.8f, 0.99f, 1e-6f, 0.1f),
        "adamw" => new AdamW(0.01f),
        "adamw_wd" => new AdamW(0.02f, weightDecay: 0.1f),
        _ => throw new ArgumentException(name),
    };

    public static TheoryData<string> Names => new() { "sgd", "sgd_momentum", "sgd_nesterov", "adam", "adam_wd", "adamw", "adamw_wd" };

    internal static void Gradient(float[] a, float[] c, float[] p, float[] g)
    {
        for (int i = 0; i < p.Length; i++) g[i] = a[i] * (p[i] - c[i]);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void TrajectoryMatchesPyTorch(string name)
    {
        float[] p = F.Floats("p0"), a = F.Floats("a"), c = F.Floats("c");
        float[] expected = F.Floats(name + ".trajectory");
        var g = new float[p.Length];
        using var opt = Make(name);
        double worst = 0;
        for (int step = 0; step < 10; step++)
        {
            Gradient(a, c, p, g);
            opt.Step(p, g);
            var exp = expected.AsSpan(step * p.Length, p.Length);
            worst = Math.Max(worst, NumericAssert.MaxRelativeError(exp, p, 1e-3));
            NumericAssert.Close($"{name} step {step + 1}", exp, p, 2e-6, 2e-7);
        }
        Assert.Equal(10, opt.StepCount);
        Assert.True(worst < 2e-6, $"{name}: worst relative error {worst:E2}");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void ClipGradNormMatchesPyTorch(int i)
    {
        float[] g = F.Floats($"clip{i}.grad");
        float norm = GradientClipping.ClipByGlobalNorm(g, F.Floats($"clip{i}.max_norm")[0]);
        NumericAssert.Close("norm", F.Floats($"clip{i}.norm"), new[] { norm }, 1e-6, 0);
        NumericAssert.Close("clipped", F.Floats($"clip{i}.clipped"), g, 1e-6, 1e-9);
    }

    /// <summary>
    /// SGD's vector loop (whole Vector512s or Vector256s, then one element at a time) against the rule written out
    /// with MathF.FusedMultiplyAdd per element: bit for bit, over 3 steps (the first sets the momentum buffer), on a
    /// length with a tail, in every configuration.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(0f, 0f, 0f, false)]
    [InlineData(0.9f, 0f, 0f, false)]
    [InlineData(0.9f, 0.1f, 0.01f, false)]
    [InlineData(0.9f, 0f, 1e-3f, true)]
    public void Sgd_vector_loop_matches_the_rule_per_element_bit_for_bit(float mu, float dampening, float wd, bool nesterov)
    {
        const int n = 16 * 7 + 8 + 5;
        const float lr = 0.05f;
        var rng = new Random(11);
        var p = new float[n];
        for (int i = 0; i < n; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        var q = (float[])p.Clone();
        var buf = new float[n];
        using var opt = new Sgd(lr, mu, dampening, wd, nesterov);
        var grad = new float[n];
        for (int step = 1; step <= 3; step++)
        {
            for (int i = 0; i < n; i++) grad[i] = (float)(rng.NextDouble() * 2 - 1) * step;
            opt.Step(p, grad);
            for (int i = 0; i < n; i++)
            {
                float g = grad[i];
                if (wd != 0f) g = MathF.FusedMultiplyAdd(q[i], wd, g);
                if (mu != 0f)
                {
                    float b = step == 1 ? g : MathF.FusedMultiplyAdd(g, 1f - dampening, mu * buf[i]);
                    buf[i] = b;
                    g = nesterov ? MathF.FusedMultiplyAdd(b, mu, g) : b;
                }
                q[i] = MathF.FusedMultiplyAdd(g, -lr, q[i]);
            }
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(q[i]) == BitConverter.SingleToInt32Bits(p[i]), $"step {step}, element {i}: {p[i]:R} against {q[i]:R}");
        }
    }

    /// <summary>
    /// The vector loops of every optimizer against the element loop: one optimizer steps a long vector (whole vectors,
    /// then the rest), others step each element alone (the element loop only); after 4 steps every element has the
    /// same bits.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Names))]
    public void Vector_loop_has_the_bits_of_the_element_loop(string name)
    {
        const int n = 16 * 5 + 8 + 3;
        var rng = new Random(5);
        var p = new float[n];
        for (int i = 0; i < n; i++) p[i] = (float)(rng.NextDouble() * 2 - 1);
        var single = (float[])p.Clone();
        using var whole = Make(name);
        var each = new Optimizer[n];
        for (int i = 0; i < n; i++) each[i] = Make(name);
        var g = new float[n];
        for (int step = 1; step <= 4; step++)
        {
            for (int i = 0; i < n; i++) g[i] = (float)(rng.NextDouble() * 2 - 1) * step;
            whole.Step(p, g);
            for (int i = 0; i < n; i++) each[i].Step(single.AsSpan(i, 1), g.AsSpan(i, 1));
            for (int i = 0; i < n; i++)
                Assert.True(BitConverter.SingleToInt32Bits(single[i]) == BitConverter.SingleToInt32Bits(p[i]),
                    $"{name} step {step}, element {i}: {p[i]:R} against {single[i]:R}");
        }
        foreach (var o in each) o.Dispose();
    }

    [Fact]
    public void NesterovNeedsMomentum() => Assert.Throws<ArgumentException>(() => new Sgd(0.1f, nesterov: true));

    [Fact]
    public void StateIsBoundToOneParameterCount()
    {
        using var opt = new Adam();
        opt.Step(new float[4], new float[4]);
        var ex = Assert.Throws<ArgumentException>(() => opt.Step(new float[5], new float[5]));
        Assert.Contains("Reset()", ex.Message);
        opt.Reset();
        opt.Step(new float[5], new float[5]);
    }
}
