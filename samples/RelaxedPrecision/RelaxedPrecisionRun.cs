using System.Diagnostics;
using StaticCnn.Data;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;
using StaticCnn.Training;

namespace StaticCnn.Samples.RelaxedPrecision;

/// <summary>One evaluation: weights trained at one precision, test logits computed at one precision.</summary>
/// <param name="Agreement">Fraction of test images whose class equals that of the standard evaluation of the same weights.</param>
/// <param name="MaxLogitDifference">Largest |logit − logit of the standard evaluation of the same weights|.</param>
public sealed record PrecisionRow(string TrainedAt, string EvaluatedAt, double Accuracy, double Agreement, double MaxLogitDifference);

/// <summary>What <see cref="RelaxedPrecisionRun.Run"/> measured.</summary>
public sealed record PrecisionReport(IReadOnlyList<PrecisionRow> Rows, double StandardTrainingSeconds, double RelaxedTrainingSeconds,
    double StandardLatencyMicroseconds, double RelaxedLatencyMicroseconds);

/// <summary>
/// The sample's experiment (also run, shorter, by tests/StaticCnn.Tests/Samples/RelaxedPrecisionSampleTests.cs): both
/// networks start from the same parameters (same seed, same layers) and train on the same batches; then each set of
/// trained weights is evaluated at both precisions (the parameters copied into the other class: the layouts and
/// tensor names are the same, so a checkpoint of one also loads into the other).
/// </summary>
public static class RelaxedPrecisionRun
{
    public static PrecisionReport Run(FashionVgg standard, FashionVggRelaxed relaxed, InMemoryDataset train, InMemoryDataset test,
        int epochs, int batch, int threads, float learningRate, ulong seed, Action<string>? log = null)
    {
        if (!standard.Parameters.SequenceEqual(relaxed.Parameters) || !standard.Buffers.SequenceEqual(relaxed.Buffers))
            throw new InvalidOperationException("The two networks must start from the same parameters (same seed).");
        double standardSeconds = Train(standard, train, epochs, batch, threads, learningRate, seed, log, "standard");
        double relaxedSeconds = Train(relaxed, train, epochs, batch, threads, learningRate, seed, log, "relaxed");

        var rows = new List<PrecisionRow>();
        using (var other = new FashionVggRelaxed(maxBatch: batch))
            rows.AddRange(CrossEvaluate(standard, other, trainedAtStandard: true, test, batch, threads));
        using (var other = new FashionVgg(maxBatch: batch))
            rows.AddRange(CrossEvaluate(relaxed, other, trainedAtStandard: false, test, batch, threads));
        return new PrecisionReport(rows, standardSeconds, relaxedSeconds, Latency(standard, test), Latency(relaxed, test));
    }

    /// <summary>
    /// The rows "trained at X, evaluated at standard" and "… at relaxed" of <paramref name="trained"/>'s weights: they
    /// are copied into <paramref name="other"/> (the same network at the other precision) and both evaluated.
    /// </summary>
    private static PrecisionRow[] CrossEvaluate(INetwork trained, INetwork other, bool trainedAtStandard, InMemoryDataset test,
        int batch, int threads)
    {
        trained.Threads = other.Threads = threads;
        trained.Parameters.CopyTo(other.Parameters);
        trained.Buffers.CopyTo(other.Buffers);
        float[] mine = Logits(trained, test, batch), theirs = Logits(other, test, batch);
        string trainedAt = trainedAtStandard ? "standard" : "relaxed";
        float[] standard = trainedAtStandard ? mine : theirs, relaxed = trainedAtStandard ? theirs : mine;
        return [Row(trainedAt, "standard", standard, standard, test), Row(trainedAt, "relaxed", relaxed, standard, test)];
    }

    private static double Train(INetwork net, InMemoryDataset train, int epochs, int batch, int threads, float learningRate,
        ulong seed, Action<string>? log, string name)
    {
        int stepsPerEpoch = (train.Count + batch - 1) / batch;
        var sw = Stopwatch.StartNew();
        var history = Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            Seed = seed,
            Optimizer = new Sgd(learningRate, momentum: 0.9f, weightDecay: 5e-4f, nesterov: true),
            Schedule = new CosineAnnealingLR(learningRate, tMax: epochs * stepsPerEpoch, perBatch: true),
            Threads = threads,
        });
        log?.Invoke($"trained at {name} precision: {sw.Elapsed.TotalSeconds:F1} s, last epoch: training loss {history.Epochs[^1].TrainLoss:F4}, accuracy {history.Epochs[^1].TrainAccuracy * 100:F2} %");
        return sw.Elapsed.TotalSeconds;
    }

    /// <summary>The logits of every test image, in batches.</summary>
    public static float[] Logits(INetwork net, InMemoryDataset data, int batch)
    {
        int inSize = net.InputSize, outSize = net.OutputSize;
        var logits = new float[data.Count * outSize];
        for (int i = 0; i < data.Count; i += batch)
        {
            int n = Math.Min(batch, data.Count - i);
            net.Forward(data.Images.AsSpan(i * inSize, n * inSize), logits.AsSpan(i * outSize, n * outSize), n);
        }
        return logits;
    }

    private static PrecisionRow Row(string trainedAt, string evaluatedAt, float[] logits, float[] reference, InMemoryDataset data)
    {
        int classes = logits.Length / data.Count, correct = 0, agree = 0;
        double maxDiff = 0;
        for (int i = 0; i < data.Count; i++)
        {
            int k = ArgMax(logits.AsSpan(i * classes, classes)), r = ArgMax(reference.AsSpan(i * classes, classes));
            if (k == data.Labels[i]) correct++;
            if (k == r) agree++;
        }
        for (int j = 0; j < logits.Length; j++) maxDiff = Math.Max(maxDiff, Math.Abs((double)logits[j] - reference[j]));
        return new PrecisionRow(trainedAt, evaluatedAt, correct / (double)data.Count, agree / (double)data.Count, maxDiff);
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int k = 0;
        for (int j = 1; j < v.Length; j++) if (v[j] > v[k]) k = j;
        return k;
    }

    /// <summary>Median µs of one single-image forward on one thread.</summary>
    private static double Latency(INetwork net, InMemoryDataset data)
    {
        int threads = net.Threads;
        net.Threads = 1;
        var y = new float[net.OutputSize];
        var times = new double[300];
        for (int i = 0; i < 50; i++) net.Forward(data.Image(i % data.Count), y, 1);
        for (int i = 0; i < times.Length; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            net.Forward(data.Image(i % data.Count), y, 1);
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
        }
        net.Threads = threads;
        Array.Sort(times);
        return times[times.Length / 2];
    }
}
