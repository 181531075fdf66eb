using StaticCnn.Data;
using StaticCnn.Optimizers;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// End-to-end determinism of training a generated network: the kernels partition outputs over threads and reduce in a
/// fixed order, so a whole <see cref="Trainer.Fit"/> run on real data gives bit-identical weights, buffers and history
/// for 1 and 2 threads, and the same seed replays it exactly.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class TrainingDeterminismTests
{
    private static InMemoryDataset Data()
    {
        string dir = Path.Combine(RepositoryRoot(), "samples", "data", "fashion-mnist");
        var all = Idx.LoadDataset(Path.Combine(dir, "train-images-idx3-ubyte.gz"), Path.Combine(dir, "train-labels-idx1-ubyte.gz"));
        return all.Slice(0, 640);
    }

    private static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "StaticCnn.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("StaticCnn.sln not found above " + AppContext.BaseDirectory);
    }

    private static (float[] Parameters, TrainingHistory History) Train(InMemoryDataset data, int threads, ulong seed)
    {
        using var net = new LeNet5(maxBatch: 64, seed: seed);
        var history = Trainer.Fit(net, data, new TrainingOptions
        {
            Epochs = 4,
            BatchSize = 64,
            Seed = seed,
            Threads = threads,
            Optimizer = new Sgd(0.05f, momentum: 0.9f, weightDecay: 5e-4f, nesterov: true),
            Progress = ProgressMode.None,
        });
        return (net.Parameters.ToArray(), history);
    }

    [Fact]
    public void OneAndTwoThreadsTrainBitIdentically()
    {
        var data = Data();
        var (p1, h1) = Train(data, threads: 1, seed: 7);
        var (p2, h2) = Train(data, threads: 2, seed: 7);
        Assert.Equal(p1.Length, p2.Length);
        for (int i = 0; i < p1.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(p1[i]) == BitConverter.SingleToInt32Bits(p2[i]), $"parameter {i}: {p1[i]:R} (1 thread) vs {p2[i]:R} (2 threads)");
        for (int e = 0; e < h1.Epochs.Count; e++)
        {
            Assert.Equal(h1.Epochs[e].TrainLoss, h2.Epochs[e].TrainLoss);
            Assert.Equal(h1.Epochs[e].TrainAccuracy, h2.Epochs[e].TrainAccuracy);
        }
        // The run really trained: 40 SGD steps take the loss from ln(10) ≈ 2.30 to about 2.16.
        Assert.True(h1.Epochs[^1].TrainLoss < h1.Epochs[0].TrainLoss - 0.1f,
            $"loss did not fall: epoch 1 {h1.Epochs[0].TrainLoss}, epoch {h1.Epochs.Count} {h1.Epochs[^1].TrainLoss}");
    }

    [Fact]
    public void TheSameSeedReplaysAndAnotherSeedDiffers()
    {
        var data = Data();
        var (a, _) = Train(data, threads: 2, seed: 11);
        var (b, _) = Train(data, threads: 2, seed: 11);
        var (c, _) = Train(data, threads: 2, seed: 12);
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }
}
