using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>The layer of tests/Fixtures/layers/conv_winograd.safetensors in a <see cref="Precision.Relaxed"/> network.</summary>
[Network(InputChannels = 32, InputHeight = 16, InputWidth = 16, Precision = Precision.Relaxed)]
public partial class RelaxedConvWinograd
{
    [Conv2D(48, Kernel = 3, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>
/// Precision.Relaxed against PyTorch 1.13 (tests/Fixtures/layers/conv_winograd.safetensors, tools/make_fixtures.py):
/// the same layer as <c>Case_conv_winograd</c> (which <see cref="LayerParityTests"/> holds to the parity bound on
/// F(2×2, 3×3)) in a relaxed network runs F(4×4, 3×3) in its forward pass: its output within 2e-5 of the largest
/// |output| (the measured F(4×4) error, docs/KERNELS.md), and its gradients, computed by the unchanged backward
/// passes, within the parity bound. On every instruction-set path the test suite runs.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class RelaxedPrecisionParityTests(ITestOutputHelper log)
{
    [Fact]
    public void RelaxedForwardWithinItsBound_GradientsAtParity()
    {
        Fixture f = Fixture.Load("layers/conv_winograd.safetensors");
        int batch = f.Shape("input")[0];
        using var net = new RelaxedConvWinograd(maxBatch: batch);
        Assert.Equal(ConvAlgorithm.Winograd4, KernelPlan.For(((INetwork)net).Graph!)[0].Forward);
        Parity.LoadWeights(net, f);
        float[] input = f.Floats("input"), expected = f.Floats("output");
        var output = new float[expected.Length];
        net.ForwardTrain(input, output, batch);

        double max = expected.Max(v => Math.Abs(v)), err = NumericAssert.MaxAbsError(expected, output);
        log.WriteLine($"F(4x4,3x3) against PyTorch: max |error| {err:E2}, {err / max:E2} of the largest |output| {max:F3}; parity bound {Parity.Atol(f, "output"):E2} + 1e-5·|y|");
        Assert.True(err / max < 2e-5, $"relaxed output: {err / max:E2} of the largest |output|");
        Assert.True(err > 0, "the relaxed output equals PyTorch's bit for bit: is F(4×4, 3×3) running?");

        net.ZeroGradients();
        var dInput = new float[input.Length];
        net.Backward(f.Floats("grad_output"), dInput);
        NumericAssert.Close("grad_input", f.Floats("grad_input"), dInput, 1e-5, Parity.Atol(f, "grad_input"));
        foreach (string t in new[] { "layer.weight", "layer.bias" })
            NumericAssert.Close("grad." + t, f.Floats("grad." + t), Parity.Tensor(net, t, gradient: true), 1e-5, Parity.Atol(f, "grad." + t));
    }
}
