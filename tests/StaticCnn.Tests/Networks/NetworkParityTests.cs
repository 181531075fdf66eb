using StaticCnn.Losses;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// LeNet5 and Cifar10Net (tests/Shared/Networks/LeNet5.cs, Cifar10Net.cs) against tests/Fixtures/networks/*.safetensors, made by
/// tools/make_fixtures.py from tools/reference_models.py: logits, the softmax cross-entropy loss (the runtime's
/// <see cref="CrossEntropyLoss"/>), every parameter gradient and grad_input, on the fast and on the reference kernels.
/// </summary>
/// <remarks>
/// Bound: |a − e| ≤ 1e-5·|e| + 1e-5·max|e| per tensor. Why: re-running the fixture networks in float64 with PyTorch
/// 1.13 (same weights and input) gives max|float32 − float64| / max|x| ≤ 1.6e-6 for every tensor of both networks
/// (largest: cifar10net grad.conv1.bias, 1.55e-6; LeNet5 ≤ 8.1e-7). Our float32 result has an error of the same size
/// from another summation order, so |ours − PyTorch| ≤ 2 × 1.6e-6 ≈ 3.2e-6 of the tensor's scale; 1e-5 leaves a
/// factor 3 of margin, and the relative 1e-5 part keeps large elements to the 1e-5 relative standard.
/// </remarks>
[Trait("Category", "Numeric")]
public sealed class NetworkParityTests
{
    private readonly ITestOutputHelper _out;
    public NetworkParityTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Cases()
        => new[] { "lenet5", "cifar10net" }.SelectMany(n => new[] { new object[] { n, 1, false }, new object[] { n, 2, false }, new object[] { n, 1, true } });

    private static INetwork Create(string name, int batch)
        => name == "lenet5" ? new LeNet5(batch) : new Cifar10Net(batch);

    /// <summary>The bound of the remarks: 1e-5 relative plus 1e-5 of the tensor's largest magnitude.</summary>
    internal static void AssertTensor(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        double max = 0;
        foreach (float v in expected) max = Math.Max(max, Math.Abs(v));
        NumericAssert.Close(what, expected, actual, 1e-5, 1e-5 * max);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardBackwardMatchPyTorch(string name, int threads, bool referenceKernels)
    {
        Fixture f = Fixture.Load($"networks/{name}.safetensors");
        int batch = f.Shape("input")[0];
        using INetwork net = Create(name, batch);
        net.Threads = threads;
        Parity.SetReferenceKernels(net, referenceKernels);
        Parity.LoadWeights(net, f);
        Assert.Equal(System.Text.Json.JsonSerializer.Deserialize<string[]>(f.Meta("parameters")), net.Tensors.Select(t => t.Name).ToArray());

        var logits = new float[batch * net.OutputSize];
        net.ForwardTrain(f.Floats("input"), logits, batch);
        AssertTensor("logits", f.Floats("logits"), logits);

        var loss = new CrossEntropyLoss();
        var dLogits = new float[logits.Length];
        int[] labels = f.Ints("labels");
        float value = loss.Compute(logits, LossTargets.FromLabels(labels), dLogits, batch);
        float expectedLoss = f.Floats("loss")[0];
        Assert.True(Math.Abs(value - expectedLoss) <= 1e-5 * Math.Abs(expectedLoss), $"loss {value:R}, PyTorch {expectedLoss:R}");

        net.ZeroGradients();
        var dInput = new float[batch * net.InputSize];
        net.Backward(dLogits, dInput);
        AssertTensor("grad_input", f.Floats("grad_input"), dInput);
        foreach (TensorInfo t in net.Tensors)
            AssertTensor("grad." + t.Name, f.Floats("grad." + t.Name), Parity.Tensor(net, t.Name, gradient: true));
        _out.WriteLine($"{name} threads={threads} reference={referenceKernels}: loss {value:R} (PyTorch {expectedLoss:R}), max |Δlogit| {NumericAssert.MaxAbsError(f.Floats("logits"), logits):g3}, "
            + $"max |Δgrad_input| {NumericAssert.MaxAbsError(f.Floats("grad_input"), dInput):g3}");
    }
}
