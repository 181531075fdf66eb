using StaticCnn.Losses;
using StaticCnn.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Architectures;

/// <summary>
/// MobileNetV2's inverted residual blocks (<see cref="MobileNetV2Blocks"/>: depthwise 3×3 convolutions with stride 1
/// and 2, 1×1 expansions and linear projections, BatchNorm2D, ReLU6 with some inputs above 6, the residual Adds)
/// against PyTorch: tests/Fixtures/zoo/mobilenetv2_blocks.safetensors, made by tools/make_fixtures.py --only zoo from
/// torchvision's module layout (tools/architecture_params.py InvertedResidual). Checked: the inference
/// <c>Forward</c> on the running statistics (logits_eval), then <c>ForwardTrain</c> (logits), the cross-entropy loss,
/// every parameter gradient, grad_input and the updated running statistics, on the fast and on the reference kernels.
/// The whole MobileNetV2 is compared with the same PyTorch modules in tests/StaticCnn.Tool.Tests (PyTorchTwinTests),
/// where PyTorch is installed; this fixture needs none.
/// </summary>
/// <remarks>
/// Bound per tensor: |a − e| ≤ 1e-5·|e| + max(4·d, 1e-5·max|e|), with d the tensor's float32-vs-float64 difference in
/// PyTorch (the fixture's <c>f32_vs_f64_max_abs_diff</c>, <see cref="Parity.Atol"/>) and max|e| its largest magnitude
/// (the bound of NetworkParityTests). The float64 rerun puts every tensor within 1.1e-6 of its scale.
/// </remarks>
[Trait("Category", "Numeric")]
public sealed class MobileNetV2BlockParityTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, false)]
    [InlineData(2, false)]
    [InlineData(1, true)]
    public void Blocks_match_PyTorch(int threads, bool referenceKernels)
    {
        Fixture f = Fixture.Load("zoo/mobilenetv2_blocks.safetensors");
        int batch = f.Shape("input")[0];
        using var net = new MobileNetV2Blocks(batch);
        net.Threads = threads;
        Parity.SetReferenceKernels(net, referenceKernels);
        Parity.LoadWeights(net, f);
        Assert.Equal(System.Text.Json.JsonSerializer.Deserialize<string[]>(f.Meta("parameters")), net.Tensors.Select(t => t.Name).ToArray());

        float[] x = f.Floats("input");
        var logitsEval = new float[batch * MobileNetV2Blocks.OutputSize];
        net.Forward(x, logitsEval, batch);
        Check(f, "logits_eval", logitsEval);

        var logits = new float[logitsEval.Length];
        net.ForwardTrain(x, logits, batch);
        Check(f, "logits", logits);
        var dLogits = new float[logits.Length];
        float loss = new CrossEntropyLoss().Compute(logits, LossTargets.FromLabels(f.Ints("labels")), dLogits, batch);
        float expectedLoss = f.Floats("loss")[0];
        Assert.True(Math.Abs(loss - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss), $"loss {loss:R}, PyTorch {expectedLoss:R}");

        net.ZeroGradients();
        var dInput = new float[batch * MobileNetV2Blocks.InputSize];
        net.Backward(dLogits, dInput);
        Check(f, "grad_input", dInput);
        int checkedTensors = 0;
        foreach (TensorInfo t in net.Tensors)
        {
            if (t.Role == TensorRole.Parameter) Check(f, "grad." + t.Name, Parity.Tensor(net, t.Name, gradient: true));
            else Check(f, "after." + t.Name, Parity.Tensor(net, t.Name));
            checkedTensors++;
        }
        Assert.Equal(net.Tensors.Count, checkedTensors);
        output.WriteLine($"threads={threads} reference={referenceKernels}: loss {loss:R} (PyTorch {expectedLoss:R}); "
            + $"max |Δlogit| eval {NumericAssert.MaxAbsError(f.Floats("logits_eval"), logitsEval):g3}, train {NumericAssert.MaxAbsError(f.Floats("logits"), logits):g3}, max |Δgrad_input| {NumericAssert.MaxAbsError(f.Floats("grad_input"), dInput):g3}");
    }

    private void Check(Fixture f, string key, ReadOnlySpan<float> actual)
    {
        float[] expected = f.Floats(key);
        double max = 0;
        foreach (float v in expected) max = Math.Max(max, Math.Abs(v));
        double atol = Math.Max(Parity.Atol(f, key), 1e-5 * max);
        output.WriteLine($"{key}: max |Δ| {NumericAssert.MaxAbsError(expected, actual):g3}, max |e| {max:g3}, atol {atol:g3}");
        NumericAssert.Close(key, expected, actual, 1e-5, atol);
    }
}
