using StaticCnn.Checkpoints;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Training parity with PyTorch (tests/Fixtures/training, made by tools/make_fixtures.py): 20 steps of SGD-momentum and
/// of AdamW on LeNet5 from the fixture's init.* weights over its 20 batches, and the 1-epoch trained LeNet5 checkpoint
/// loaded with <see cref="Checkpoint.Load"/> reproducing PyTorch's logits and predictions.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class TrainingParityTests
{
    private readonly ITestOutputHelper _out;
    public TrainingParityTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Runs()
        => new[] { "sgd", "adamw" }.SelectMany(o => new[] { new object[] { o, 1 }, new object[] { o, 2 } });

    /// <summary>
    /// Bounds. Step 0's loss and the weights after step 1 come from one forward/backward and one update of the exact
    /// same weights, so they get the network bound of <see cref="NetworkParityTests"/> (1e-5 relative + 1e-5 of the
    /// tensor's scale; for step1 the scale is the weight change |step1 − init|, because that is what was computed).
    /// Later steps feed float32 rounding differences (≈1e-7 relative per step) back through 20 updates; training is
    /// contracting on average but each SGD step at lr 0.05 with momentum 0.9 can amplify a perturbation, so the losses
    /// get 1e-4 relative and the final weights 1e-4 of |final − init| (the part training changed) plus 1e-5 relative —
    /// still 100 to 1000 times smaller than one step's change, so a wrong rule (bias correction, coupled vs decoupled
    /// decay, momentum dampening, first-step buffer) would fail it by orders of magnitude.
    /// </summary>
    [Theory]
    [MemberData(nameof(Runs))]
    public void TwentyStepsMatchPyTorch(string optimizer, int threads)
    {
        Fixture f = Fixture.Load($"training/lenet5_{optimizer}.safetensors");
        int[] shape = f.Shape("inputs");
        int steps = shape[0], batch = shape[1];
        using var net = new LeNet5(batch);
        net.Threads = threads;
        Parity.LoadWeights(net, f, "init.");
        var init = net.Parameters.ToArray();
        using Optimizer opt = optimizer == "sgd"
            ? new Sgd(0.05f, momentum: 0.9f, dampening: 0f, weightDecay: 5e-4f, nesterov: false)
            : new AdamW(1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f);
        var loss = new CrossEntropyLoss();
        float[] inputs = f.Floats("inputs"), expectedLosses = f.Floats("losses");
        int[] labels = f.Ints("labels");
        var logits = new float[batch * LeNet5.OutputSize];
        var dLogits = new float[logits.Length];
        var losses = new float[steps];
        for (int s = 0; s < steps; s++)
        {
            net.ZeroGradients();
            net.ForwardTrain(inputs.AsSpan(s * batch * LeNet5.InputSize, batch * LeNet5.InputSize), logits, batch);
            losses[s] = loss.Compute(logits, LossTargets.FromLabels(labels.AsSpan(s * batch, batch)), dLogits, batch);
            net.Backward(dLogits, default);
            float[] g0 = s == 0 ? net.Gradients.ToArray() : Array.Empty<float>();
            opt.Step(net.Parameters, net.Gradients);
            if (s == 0)
                foreach (TensorInfo t in net.Tensors)
                    AssertChange($"step1.{t.Name}", init.AsSpan(t.Offset, t.Length), f.Floats("step1." + t.Name), Parity.Tensor(net, t.Name), 1e-5,
                        optimizer == "adamw" ? AdamFirstStepSensitivity(g0.AsSpan(t.Offset, t.Length), 1e-3, 1e-8) : null);
        }
        _out.WriteLine($"{optimizer} threads={threads}: losses " + string.Join(" ", losses.Select((l, i) => $"{l:F6}/{expectedLosses[i]:F6}")));
        Assert.True(Math.Abs(losses[0] - expectedLosses[0]) <= 1e-5 * expectedLosses[0], $"step 0 loss {losses[0]:R}, PyTorch {expectedLosses[0]:R}");
        NumericAssert.Close("losses", expectedLosses, losses, 1e-4, 0);
        foreach (TensorInfo t in net.Tensors)
            AssertChange($"final.{t.Name}", init.AsSpan(t.Offset, t.Length), f.Floats("final." + t.Name), Parity.Tensor(net, t.Name), 1e-4);
    }

    /// <summary>
    /// |a − e| ≤ 1e-5·|e| + scale·max|e − init| (+ extra[i]): the bound is relative to how far the optimizer moved the tensor.
    /// </summary>
    private static void AssertChange(string what, ReadOnlySpan<float> init, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double scale,
        double[]? extra = null)
    {
        double moved = 0;
        for (int i = 0; i < init.Length; i++) moved = Math.Max(moved, Math.Abs((double)expected[i] - init[i]));
        Assert.True(moved > 0, $"{what}: the fixture did not change this tensor");
        if (extra is null) { NumericAssert.Close(what, expected, actual, 1e-5, scale * moved); return; }
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = 1e-5 * Math.Abs(expected[i]) + scale * moved + extra[i];
            Assert.True(Math.Abs((double)actual[i] - expected[i]) <= bound,
                $"{what}[{i}]: expected {expected[i]:R}, actual {actual[i]:R}, |diff| {Math.Abs((double)actual[i] - expected[i]):g3} > {bound:g3}");
        }
    }

    /// <summary>
    /// Adam's first step is w −= lr·g/(|g| + eps) (m̂ = g, v̂ = g²): ≈ ±lr whatever |g|, except where |g| is within a
    /// few eps of 0, where d(step)/dg = lr·eps/(|g| + eps)² reaches lr/eps = 1e5. There a gradient difference δg that the
    /// network bound allows (1e-5 of the tensor's largest gradient) moves the step by lr·eps·δg/(|g| + eps)²; this is
    /// that per-element allowance, ×2 for margin. (Seen: conv2.weight[692], |Δ| 3.5e-7 on a 1e-3 step.)
    /// </summary>
    private static double[] AdamFirstStepSensitivity(ReadOnlySpan<float> g, double lr, double eps)
    {
        double max = 0;
        foreach (float v in g) max = Math.Max(max, Math.Abs(v));
        double dg = 1e-5 * max;
        var extra = new double[g.Length];
        for (int i = 0; i < g.Length; i++)
        {
            double lo = Math.Max(0, Math.Abs(g[i]) - dg) + eps; // worst case over the allowed gradient interval
            extra[i] = 2 * lr * eps * dg / (lo * lo);
            extra[i] = Math.Min(extra[i], 4 * lr); // the step itself is bounded by lr in magnitude
        }
        return extra;
    }

    /// <summary>
    /// The trained checkpoint (PyTorch state_dict saved as safetensors) loads into LeNet5 by name and gives PyTorch's
    /// eval-mode logits on the 32 test images (network bound of <see cref="NetworkParityTests"/>) and the same argmax.
    /// </summary>
    [Fact]
    public void TrainedCheckpointReproducesPyTorchPredictions()
    {
        Fixture p = Fixture.Load("training/lenet5_trained_1epoch_predictions.safetensors");
        int batch = p.Shape("input")[0];
        using var net = new LeNet5(batch);
        Checkpoint.Load(net, Path.Combine(Fixture.Root, "training", "lenet5_trained_1epoch.safetensors"));
        var logits = new float[batch * LeNet5.OutputSize];
        net.Forward(p.Floats("input"), logits, batch);
        NetworkParityTests.AssertTensor("logits", p.Floats("logits"), logits);
        int[] expected = p.Ints("predictions");
        int correct = 0;
        int[] labels = p.Ints("labels");
        for (int n = 0; n < batch; n++)
        {
            int best = 0;
            for (int c = 1; c < 10; c++) if (logits[n * 10 + c] > logits[n * 10 + best]) best = c;
            Assert.True(expected[n] == best, $"sample {n}: PyTorch predicts {expected[n]}, LeNet5 {best}");
            if (best == labels[n]) correct++;
        }
        _out.WriteLine($"32 test images: {correct} correct, every prediction equals PyTorch's; max |Δlogit| {NumericAssert.MaxAbsError(p.Floats("logits"), logits):g3}");
    }
}
