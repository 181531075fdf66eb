using System.Globalization;
using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// Area under the ROC curve of one score per sample against binary labels (<see cref="LossTargets.Values"/>, 1 =
/// positive, 0 = negative), exact: the probability that a random positive scores above a random negative, ties
/// counted as ½ (the Mann–Whitney U statistic over average ranks). PyTorch/scikit-learn:
/// <c>sklearn.metrics.roc_auc_score(y, s)</c>. Every score of the epoch is kept in a buffer allocated on first use and
/// doubled when full (so updates allocate only while it grows; <see cref="Reset"/> keeps the capacity).
/// <see cref="Result"/> sorts the buffer: NaN when there is no positive or no negative (scikit-learn raises).
/// </summary>
public sealed class RocAuc : Metric
{
    private float[] _scores = Array.Empty<float>();
    private float[] _labels = Array.Empty<float>();
    private int _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="higherMeansPositive">true (default): a higher score means "more likely positive" (a probability, a
    /// similarity); false: a lower score does (a distance).</param>
    public RocAuc(bool higherMeansPositive = true) => HigherMeansPositive = higherMeansPositive;

    /// <summary>Whether a higher score means "more likely positive".</summary>
    public bool HigherMeansPositive { get; }

    /// <summary><c>AUC</c>.</summary>
    public override string Name => "AUC";

    /// <summary>Scores held since <see cref="Reset"/>.</summary>
    public int Count => _count;

    /// <summary>Capacity of the score buffer.</summary>
    public int Capacity => _scores.Length;

    /// <inheritdoc/>
    public override void Reset() => _count = 0;

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
    {
        ReadOnlySpan<float> s = MetricChecks.One(Name, outputs, batch, out int perSample);
        if (perSample != 1)
            throw new ArgumentException($"AUC: the output has {perSample} floats per sample; it reads one score.", nameof(outputs));
        MetricChecks.BinaryLabels(Name, targets.Values, batch);
        for (int i = 0; i < batch; i++)
            if (float.IsNaN(s[i]))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"AUC: sample {i} has score NaN."), nameof(outputs));
        if (_count + batch > _scores.Length)
        {
            int capacity = Math.Max(Math.Max(64, _count + batch), 2 * _scores.Length);
            Array.Resize(ref _scores, capacity);
            Array.Resize(ref _labels, capacity);
        }
        for (int i = 0; i < batch; i++)
        {
            _scores[_count + i] = HigherMeansPositive ? s[i] : -s[i];
            _labels[_count + i] = targets.Values[i];
        }
        _count += batch;
    }

    /// <inheritdoc/>
    public override double Result
    {
        get
        {
            int n = _count;
            // The order of the held scores does not matter, so sorting them in place is harmless.
            Array.Sort(_scores, _labels, 0, n);
            double rankSumPositive = 0;
            long positives = 0;
            for (int i = 0; i < n;)
            {
                int j = i;
                while (j + 1 < n && _scores[j + 1] == _scores[i]) j++;
                double rank = 0.5 * (i + j) + 1; // average 1-based rank of the tie group i..j
                for (int k = i; k <= j; k++)
                    if (_labels[k] == 1f) { rankSumPositive += rank; positives++; }
                i = j + 1;
            }
            long negatives = n - positives;
            if (positives == 0 || negatives == 0) return double.NaN;
            return (rankSumPositive - positives * (positives + 1) / 2.0) / ((double)positives * negatives);
        }
    }
}
