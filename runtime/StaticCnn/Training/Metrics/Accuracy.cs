using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// Classification accuracy over an epoch: each sample's prediction is the argmax of its C class scores (logits or
/// probabilities; the first class on ties, as <c>torch.argmax</c>), compared with its label
/// (<see cref="LossTargets.Labels"/>, one per sample). With <see cref="TopK"/> &gt; 1 a sample counts when its label is
/// among the k highest scores (ties counted for the label, as <see cref="Metrics.TopKCorrect"/>).
/// Result = correct / samples since <see cref="Reset"/>; NaN before any sample. Allocation-free.
/// PyTorch: <c>(logits.argmax(1) == y).float().mean()</c>; <c>torchmetrics.Accuracy(task="multiclass", num_classes=C, top_k=k)</c>.
/// </summary>
public sealed class Accuracy : Metric
{
    private long _correct, _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="topK">k: a sample is correct when its label is among its k highest scores (default 1).</param>
    public Accuracy(int topK = 1)
    {
        if (topK < 1) throw new ArgumentOutOfRangeException(nameof(topK), topK, "k must be at least 1.");
        TopK = topK;
    }

    /// <summary>k of top-k accuracy (1 = plain accuracy).</summary>
    public int TopK { get; }

    /// <summary><c>acc</c>, or <c>top5</c> for k = 5.</summary>
    public override string Name => TopK == 1 ? "acc" : "top" + TopK.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Samples counted since <see cref="Reset"/>.</summary>
    public long Count => _count;

    /// <inheritdoc/>
    public override void Reset() { _correct = 0; _count = 0; }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
    {
        ReadOnlySpan<float> scores = MetricChecks.One(Name, outputs, batch, out int classes);
        ReadOnlySpan<int> labels = targets.Labels;
        if (labels.Length != batch)
            throw new ArgumentException($"{Name}: there are {labels.Length} labels for a batch of {batch}; it takes one per sample.", nameof(targets));
        for (int i = 0; i < batch; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"{Name}: sample {i} has label {labels[i]}, outside 0..{classes - 1}.", nameof(targets));
        _correct += Metrics.TopKCorrect(scores, labels, batch, TopK);
        _count += batch;
    }

    /// <inheritdoc/>
    public override double Result => _count > 0 ? (double)_correct / _count : double.NaN;
}
