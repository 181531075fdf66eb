using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class ActivationsTests
{
    public static TheoryData<Activation> Kinds => new() { Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh };

    private static bool Exact(Activation k) => k is Activation.None or Activation.ReLU or Activation.LeakyReLU;

    [Theory, MemberData(nameof(Kinds))]
    public void Forward_fast_matches_reference(Activation kind)
    {
        var rng = new Random(1);
        foreach (int n in new[] { 0, 1, 3, 4, 7, 15, 16, 17, 33, 1000 })
        {
            var x = Rand(rng, n, -6f, 6f);
            if (n > 10) { x[0] = 0f; x[1] = -0f; x[2] = 1e-5f; x[3] = -0.19999f; x[4] = 0.2f; x[5] = 30f; x[6] = -30f; x[7] = 100f; x[8] = -100f; }
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
        foreach (var kind in new[] { Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh })
        {
            NoAllocation(() => Activations.Forward(kind, 0.01f, x, y), expectPool: false);
            NoAllocation(() => Activations.ApplyForward(kind, 0.01f, y), expectPool: false);
            NoAllocation(() => Activations.ApplyDerivative(kind, 0.01f, y, dx), expectPool: false);
            NoAllocation(() => Activations.Backward(kind, 0.01f, y, x, dx), expectPool: false);
            NoAllocation(() => Elementwise.AddInto(x, dx), expectPool: false);
        }
    }
}
