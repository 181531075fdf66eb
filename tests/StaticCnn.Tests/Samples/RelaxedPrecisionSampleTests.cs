using StaticCnn.Data;
using StaticCnn.Kernels;
using StaticCnn.Samples.RelaxedPrecision;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Samples;

/// <summary>
/// samples/RelaxedPrecision, shorter: the same network at Precision.Standard and Precision.Relaxed trained on 4,000
/// images of the bundled Fashion-MNIST subset from the same parameters, each evaluated at both precisions on its 2,000
/// test images. Relaxed arithmetic must choose Winograd F(4×4, 3×3) for the 28×28 layers only, change no prediction
/// of a trained network, keep its logits within 1e-4, and train to the same accuracy within 3 points.
/// The training runs in the default pass of test.sh only (`Category=Sample`): on the AVX2 and Vector128 passes the
/// F(4×4) kernel is covered by ConvWinograd4Tests, RelaxedPrecisionParityTests and ConvAlgorithmListTests, and the
/// Vector128 pass took 10 minutes with the two trainings in it.
/// </summary>
public class RelaxedPrecisionSampleTests(ITestOutputHelper log)
{
    private static InMemoryDataset Load(string part)
    {
        string dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../samples/data/fashion-mnist"));
        Assert.True(File.Exists(Path.Combine(dir, part + "-images-idx3-ubyte.gz")), $"the bundled subset is missing from {dir}");
        return Idx.LoadDataset(Path.Combine(dir, part + "-images-idx3-ubyte.gz"), Path.Combine(dir, part + "-labels-idx1-ubyte.gz"));
    }

    [Fact, Trait("Category", "Numeric")]
    public void RelaxedChoosesTheLargerTilesOnlyWhereTheyGain()
    {
        using var standard = new FashionVgg(maxBatch: 1);
        using var relaxed = new FashionVggRelaxed(maxBatch: 1);
        var s = KernelPlan.For(((INetwork)standard).Graph!);
        var r = KernelPlan.For(((INetwork)relaxed).Graph!);
        Assert.Equal(new[] { "Conv1", "Conv2", "Conv3", "Conv4" }, r.Select(p => p.Layer));
        Assert.Equal(new[] { ConvAlgorithm.Winograd, ConvAlgorithm.Winograd, ConvAlgorithm.Winograd }, s.Skip(1).Select(p => p.Forward));
        // 28×28: F(4×4, 3×3); 14×14 (conv4): F(2×2, 3×3) at both precisions; conv1 (one input channel) is not Winograd
        Assert.Equal(new[] { ConvAlgorithm.Winograd4, ConvAlgorithm.Winograd4, ConvAlgorithm.Winograd }, r.Skip(1).Select(p => p.Forward));
        Assert.Equal(s[0].Forward, r[0].Forward);
        // backward passes are the same
        Assert.Equal(s.Select(p => p.BackwardData), r.Select(p => p.BackwardData));
        Assert.Equal(s.Select(p => p.BackwardWeights), r.Select(p => p.BackwardWeights));
    }

    [Fact, Trait("Category", "Sample")]
    public void TrainedAtBothPrecisions_TheArithmeticsAgree()
    {
        var train = Load("train").Slice(0, 4000);
        var test = Load("t10k");
        using var standard = new FashionVgg(maxBatch: 64, seed: 3);
        using var relaxed = new FashionVggRelaxed(maxBatch: 64, seed: 3);
        // one thread: the worker pool is the process's, and GemmWorkersTests, running beside this class, needs it idle
        var report = RelaxedPrecisionRun.Run(standard, relaxed, train, test, epochs: 2, batch: 64, threads: 1,
            learningRate: 0.05f, seed: 3, log.WriteLine);
        foreach (var row in report.Rows)
            log.WriteLine($"trained {row.TrainedAt}, evaluated {row.EvaluatedAt}: accuracy {row.Accuracy * 100:F2} %, agreement {row.Agreement * 100:F2} %, max |Δlogit| {row.MaxLogitDifference:E2}");
        log.WriteLine($"latency: {report.StandardLatencyMicroseconds:F1} µs standard, {report.RelaxedLatencyMicroseconds:F1} µs relaxed");

        var (ss, sr, rs, rr) = (report.Rows[0], report.Rows[1], report.Rows[2], report.Rows[3]);
        // the networks learned something (10 classes: chance is 10 %)
        Assert.InRange(ss.Accuracy, 0.65, 1.0);
        Assert.InRange(rr.Accuracy, 0.65, 1.0);
        // the same weights under the other arithmetic: the same predictions (all 2,000 but at most one), logits within 1e-4
        foreach (var row in new[] { sr, rr })
        {
            Assert.True(row.Agreement >= 0.9995, $"{row}");
            Assert.True(row.MaxLogitDifference > 0 && row.MaxLogitDifference < 1e-4, $"{row}");
        }
        Assert.Equal(0, ss.MaxLogitDifference);
        Assert.Equal(0, rs.MaxLogitDifference);
        // training under relaxed arithmetic: a different rounding, so a different trajectory; the same accuracy within 3 points
        Assert.InRange(rr.Accuracy - ss.Accuracy, -0.03, 0.03);
    }
}
