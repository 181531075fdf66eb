using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// Accuracy of same/different decisions on pairs: the output is one score per sample, a distance (pair predicted
/// "same" when d &lt; <see cref="Threshold"/>) or, with <see cref="Similarity"/>, a similarity (same when s &gt;
/// threshold); <see cref="LossTargets.Values"/> holds the pair labels, 1 = same, 0 = different. Result = correct /
/// pairs over everything since <see cref="Reset"/> (NaN before any pair). PyTorch: <c>((d &lt; t).float() == y).float().mean()</c>.
/// Allocation-free.
/// </summary>
public sealed class PairAccuracy : Metric
{
    private long _correct, _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="threshold">The decision threshold.</param>
    /// <param name="similarity">false (default): the output is a distance; true: a similarity.</param>
    public PairAccuracy(float threshold, bool similarity = false)
    {
        if (!float.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "The threshold must be finite.");
        Threshold = threshold;
        Similarity = similarity;
    }

    /// <summary>The decision threshold.</summary>
    public float Threshold { get; }
    /// <summary>Whether the output is a similarity (same when above the threshold) rather than a distance.</summary>
    public bool Similarity { get; }

    /// <summary><c>PairAcc</c>.</summary>
    public override string Name => "PairAcc";

    /// <inheritdoc/>
    public override void Reset() { _correct = 0; _count = 0; }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
    {
        ReadOnlySpan<float> s = MetricChecks.One(Name, outputs, batch, out int perSample);
        if (perSample != 1)
            throw new ArgumentException($"PairAcc: the output has {perSample} floats per sample; it reads one distance or similarity.", nameof(outputs));
        MetricChecks.BinaryLabels(Name, targets.Values, batch);
        for (int i = 0; i < batch; i++)
        {
            bool same = Similarity ? s[i] > Threshold : s[i] < Threshold;
            if (same == (targets.Values[i] == 1f)) _correct++;
        }
        _count += batch;
    }

    /// <inheritdoc/>
    public override double Result => _count > 0 ? (double)_correct / _count : double.NaN;
}
