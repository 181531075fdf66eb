using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class ActivationsTests
{
    public static TheoryData<Activation> Kinds => new() { Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.ReLU6 };

    /// <summary>The kinds whose derivative comes from the input (layer form only).</summary>
    public static TheoryData<Activation> InputKinds => new() { Activation.Hardswish, Activation.SiLU };

    public static TheoryData<Activation> AllKinds => new()
    {
        Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.ReLU6,
        Activation.Hardswish, Activation.SiLU,
    };

    private static bool Exact(Activation k) => k is Activation.None or Activation.ReLU or Activation.LeakyReLU or Activation.ReLU6 or Activation.Hardswish;

    [Theory, MemberData(nameof(AllKinds))]
    public void Forward_fast_matches_reference(Activation kind)
    {
        var rng = new Random(1);
        foreach (int n in new[] { 0, 1, 3, 4, 7, 15, 16, 17, 33, 1000 })
        {
            var x = Rand(rng, n, -8f, 8f);
            if (n > 10) { x[0] = 0f; x[1] = -0f; x[2] = 1e-5f; x[3] = -0.19999f; x[4] = 0.2f; x[5] = 30f; x[6] = -30f; x[7] = 100f; x[8] = -100f; }
            if (n > 16) { x[9] = 6f; x[10] = -3f; x[11] = 3f; x[12] = 6.0000005f; x[13] = -3.0000002f; x[14] = 2.9999998f; }
            // NaN, ±∞ and −0 in the vector bodies of every width (the x86 ReLU and ReLU6 are max/min with the value as
            // the second operand: NaN and −0 must pass as in the reference)
            if (n > 32 && Exact(kind)) { x[15] = float.NaN; x[16] = float.PositiveInfinity; x[17] = float.NegativeInfinity; x[20] = -0f; x[24] = float.NaN; x[31] = -0f; }
            var yr = new float[n]; var yf = new float[n];
            Activations.ForwardReference(kind, 0.1f, x, yr);
            Activations.Forward(kind, 0.1f, x, yf);
            if (Exact(kind)) BitEqual(yr, yf, "y");
            else Close(yr, yf, 1e-7, 1e-6, "y");
            // In-place form agrees with the layer form.
            var inPlace = (float[])x.Clone();
            Activations.ApplyForward(kind, 0.1f, inPlace);
            BitEqual(yf, inPlace, "in place");
            var inPlaceRef = (float[])x.Clone();
            Activations.ApplyForwardReference(kind, 0.1f, inPlaceRef);
            BitEqual(yr, inPlaceRef, "in place reference");
        }
    }

    [Fact]
    public void Exp_polynomial_is_accurate()
    {
        var rng = new Random(2);
        for (int i = 0; i < 20000; i++)
        {
            float x = (float)(rng.NextDouble() * 170 - 87);
            double e = Math.Exp(x), a = VectorMath.Exp(x);
            Assert.True(Math.Abs(a - e) <= 4e-7 * e, $"exp({x:R}) = {a:R}, expected {e:R}");
        }
        Assert.Equal(0f, VectorMath.Exp(-100f));
        Assert.Equal(float.PositiveInfinity, VectorMath.Exp(100f));
        Assert.Equal(1f, VectorMath.Exp(0f));
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Derivatives_fast_match_reference_bit_exact(Activation kind)
    {
        var rng = new Random(3);
        foreach (int n in new[] { 1, 5, 16, 31, 257 })
        {
            var x = Rand(rng, n, -3f, 3f);
            var y = new float[n];
            Activations.ForwardReference(kind, 0.2f, x, y);
            var dy = Rand(rng, n);
            var a = (float[])dy.Clone(); var b = (float[])dy.Clone();
            Activations.ApplyDerivativeReference(kind, 0.2f, y, a);
            Activations.ApplyDerivative(kind, 0.2f, y, b);
            BitEqual(a, b, "dPre");
            var dxr = Rand(new Random(n), n); var dxf = (float[])dxr.Clone();
            Activations.BackwardReference(kind, 0.2f, y, dy, dxr);
            Activations.Backward(kind, 0.2f, y, dy, dxf);
            BitEqual(dxr, dxf, "dx");
        }
    }

    [Theory, MemberData(nameof(Kinds))]
    public void Gradient_matches_finite_differences(Activation kind)
    {
        var rng = new Random(4);
        var x = Rand(rng, 37, -2f, 2f);
        for (int i = 0; i < x.Length; i++) if (MathF.Abs(x[i]) < 0.01f) x[i] = 0.5f;   // keep ReLU kinks away
        GradCheck(rng, x,
            xx => { var y = new float[xx.Length]; Activations.ForwardReference(kind, 0.05f, xx, y); return y; },
            (xx, dy) =>
            {
                var y = new float[xx.Length]; Activations.ForwardReference(kind, 0.05f, xx, y);
                var dx = new float[xx.Length]; Activations.BackwardReference(kind, 0.05f, y, dy, dx); return dx;
            });
    }

    [Theory, MemberData(nameof(InputKinds))]
    public void Derivatives_from_the_input_fast_match_reference(Activation kind)
    {
        var rng = new Random(6);
        foreach (int n in new[] { 1, 5, 16, 31, 257 })
        {
            var x = Rand(rng, n, -5f, 5f);
            if (n > 16) { x[0] = -3f; x[1] = 3f; x[2] = -3.0000002f; x[3] = 3.0000002f; x[4] = -0f; x[5] = -100f; x[6] = 100f; }
            var dy = Rand(rng, n);
            var dxr = Rand(new Random(n), n); var dxf = (float[])dxr.Clone();
            Activations.BackwardFromInputReference(kind, x, dy, dxr);
            Activations.BackwardFromInput(kind, x, dy, dxf);
            if (kind == Activation.Hardswish) BitEqual(dxr, dxf, "dx");
            else Close(dxr, dxf, 1e-7, 1e-6, "dx");
        }
    }

    [Theory, MemberData(nameof(InputKinds))]
    public void Gradient_from_the_input_matches_finite_differences(Activation kind)
    {
        var rng = new Random(7);
        var x = Rand(rng, 37, -5f, 5f);
        for (int i = 0; i < x.Length; i++) if (MathF.Abs(MathF.Abs(x[i]) - 3f) < 0.05f) x[i] = 1.5f;   // keep Hardswish's kinks away
        GradCheck(rng, x,
            xx => { var y = new float[xx.Length]; Activations.ForwardReference(kind, 0f, xx, y); return y; },
            (xx, dy) => { var dx = new float[xx.Length]; Activations.BackwardFromInputReference(kind, xx, dy, dx); return dx; });
    }

    [Fact]
    public void Kinks_follow_PyTorch()
    {
        // /usr/bin/python3: x=torch.tensor([-4.,-3.,0.,3.,6.,-0.]).repeat(8).requires_grad_(); F.relu6 / F.hardswish,
        // y.backward(ones): 48 elements, all in PyTorch's vectorized body (its scalar tail gives 1.5 at x = 3)
        var x = new[] { -4f, -3f, 0f, 3f, 6f, -0f };
        var y = new float[6]; var dx = new float[6];
        Activations.Forward(Activation.ReLU6, 0f, x, y);
        Assert.Equal(new[] { 0f, 0f, 0f, 3f, 6f, -0f }, y);
        Assert.True(float.IsNegative(y[5]), "relu6(-0) = -0");
        Activations.Backward(Activation.ReLU6, 0f, y, new[] { 1f, 1f, 1f, 1f, 1f, 1f }, dx);
        Assert.Equal(new[] { 0f, 0f, 0f, 1f, 0f, 0f }, dx);              // hardtanh_backward: 0 at y = 0 and y = 6
        Activations.Forward(Activation.Hardswish, 0f, x, y);
        Assert.Equal(new[] { -0f, -0f, 0f, 3f, 6f, -0f }, y);
        dx = new float[6];
        Activations.BackwardFromInput(Activation.Hardswish, x, new[] { 1f, 1f, 1f, 1f, 1f, 1f }, dx);
        Assert.Equal(new[] { 0f, -0.5f, 0.5f, 1f, 1f, 0.5f }, dx);       // hardswish_backward: x/3 + ½ on [−3, 3)
    }

    [Fact]
    public void Hardswish_and_SiLU_have_no_derivative_from_the_output()
    {
        Assert.True(Activations.NeedsInput(Activation.Hardswish) && Activations.NeedsInput(Activation.SiLU));
        Assert.False(Activations.NeedsInput(Activation.ReLU6));
        var e = Assert.Throws<NotSupportedException>(() => Activations.ApplyDerivative(Activation.SiLU, 0f, new float[3], new float[3]));
        Assert.Contains("[SiLU]", e.Message);
        Assert.Throws<NotSupportedException>(() => Activations.Backward(Activation.Hardswish, 0f, new float[3], new float[3], new float[3]));
        Assert.Throws<NotSupportedException>(() => Activations.BackwardReference(Activation.Hardswish, 0f, new float[3], new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => Activations.BackwardFromInput(Activation.ReLU, new float[3], new float[3], new float[3]));
        Assert.Throws<ArgumentException>(() => Activations.BackwardFromInputReference(Activation.Tanh, new float[3], new float[3], new float[3]));
    }

    [Fact]
    public void Backward_adds_into_dx()
    {
        var y = new[] { 1f, -1f, 2f };
        var dy = new[] { 1f, 1f, 1f };
        var dx = new[] { 10f, 10f, 10f };
        Activations.Backward(Activation.ReLU, 0f, y, dy, dx);
        Assert.Equal(new[] { 11f, 10f, 11f }, dx);
        Activations.Backward(Activation.None, 0f, y, dy, dx);
        Assert.Equal(new[] { 12f, 11f, 12f }, dx);
    }

    [Fact]
    public void Known_values()
    {
        // /usr/bin/python3 -c "import torch; x=torch.tensor([-2.,-0.5,0.,0.5,2.]); print(torch.sigmoid(x).tolist(), torch.tanh(x).tolist())"
        var x = new[] { -2f, -0.5f, 0f, 0.5f, 2f };
        var y = new float[5];
        Activations.Forward(Activation.Sigmoid, 0f, x, y);
        Close(new[] { 0.11920291930437088f, 0.3775406777858734f, 0.5f, 0.622459352016449f, 0.8807970285415649f }, y, 1e-7, 1e-6);
        Activations.Forward(Activation.Tanh, 0f, x, y);
        Close(new[] { -0.9640275835990906f, -0.46211716532707214f, 0f, 0.46211716532707214f, 0.9640275835990906f }, y, 1e-7, 1e-6);
        Activations.Forward(Activation.LeakyReLU, 0.01f, x, y);
        Assert.Equal(new[] { -0.02f, -0.005f, 0f, 0.5f, 2f }, y);
        // /usr/bin/python3 -c "import torch; x=torch.tensor([-2.,-0.5,0.,0.5,2.]); print(torch.nn.functional.silu(x).tolist())"
        Activations.Forward(Activation.SiLU, 0f, x, y);
        Close(new[] { -0.23840583860874176f, -0.18877033889293671f, 0f, 0.3112296760082245f, 1.7615940570831299f }, y, 1e-7, 1e-6);
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        Assert.Throws<ArgumentException>(() => Activations.Forward(Activation.ReLU, 0f, new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.Backward(Activation.ReLU, 0f, new float[3], new float[3], new float[4]));
        Assert.Throws<ArgumentException>(() => Activations.ApplyDerivative(Activation.Tanh, 0f, new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => Elementwise.AddInto(new float[3], new float[2]));
        Assert.Throws<ArgumentException>(() => Elementwise.Copy(new float[3], new float[2]));
    }

    [Fact]
    public void Elementwise_fast_matches_reference()
    {
        var rng = new Random(5);
        foreach (int n in new[] { 0, 3, 16, 21, 100 })
        {
            var x = Rand(rng, n); var a = Rand(rng, n); var b = (float[])a.Clone();
            Elementwise.AddIntoReference(x, a);
            Elementwise.AddInto(x, b);
            BitEqual(a, b);
            var c = new float[n]; Elementwise.Copy(x, c); BitEqual(x, c);
        }
    }

    [Fact]
    public void No_allocation_per_call()
    {
        var x = Rand(new Random(3), 1003);
        var y = new float[x.Length]; var dx = new float[x.Length];
        foreach (var kind in new[] { Activation.Hardswish, Activation.SiLU })
        {
            NoAllocation(() => Activations.Forward(kind, 0.01f, x, y), expectPool: false);
            NoAllocation(() => Activations.BackwardFromInput(kind, x, y, dx), expectPool: false);
        }
        foreach (var kind in new[] { Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.ReLU6 })
        {
            NoAllocation(() => Activations.Forward(kind, 0.01f, x, y), expectPool: false);
            NoAllocation(() => Activations.ApplyForward(kind, 0.01f, y), expectPool: false);
            NoAllocation(() => Activations.ApplyDerivative(kind, 0.01f, y, dx), expectPool: false);
            NoAllocation(() => Activations.Backward(kind, 0.01f, y, x, dx), expectPool: false);
            NoAllocation(() => Elementwise.AddInto(x, dx), expectPool: false);
        }
    }
}
