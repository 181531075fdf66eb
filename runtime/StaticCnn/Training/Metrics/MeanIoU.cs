using System.Globalization;
using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// Segmentation mean intersection-over-union. Each <see cref="Update"/> reads per-pixel class scores (batch × C × P,
/// channel-major, e.g. N×C×H×W logits) and one label per pixel (<see cref="LossTargets.Labels"/>, batch × P), takes the
/// prediction as the argmax over C (the first class on ties) and adds every pixel whose label is not
/// <see cref="IgnoreIndex"/> to a C × C confusion matrix kept over the epoch. For class c,
/// IoU_c = TP_c / (TP_c + FP_c + FN_c); <see cref="Result"/> is the mean of IoU_c over the classes whose union
/// TP_c + FP_c + FN_c is &gt; 0, i.e. the classes that occur in the labels or in the predictions of the counted pixels.
/// A class that never occurs in either is left out (not counted as 0 or 1); NaN when no pixel was counted.
/// PyTorch: <c>torchmetrics.JaccardIndex(task="multiclass", num_classes=C, ignore_index=…, average="macro")</c> over
/// the present classes. Allocation-free per update (the matrix is allocated once).
/// </summary>
public sealed class MeanIoU : Metric
{
    private readonly long[] _confusion; // [label * C + prediction]

    /// <summary>Creates the metric.</summary>
    /// <param name="classes">C, the number of classes (≥ 1).</param>
    /// <param name="ignoreIndex">Label of pixels that are not counted (default −100, as PyTorch's cross-entropy).</param>
    public MeanIoU(int classes, int ignoreIndex = -100)
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), classes, "There must be at least one class.");
        Classes = classes;
        IgnoreIndex = ignoreIndex;
        _confusion = new long[classes * classes];
    }

    /// <summary>C.</summary>
    public int Classes { get; }
    /// <summary>Label of pixels that are not counted.</summary>
    public int IgnoreIndex { get; }

    /// <summary><c>mIoU</c>.</summary>
    public override string Name => "mIoU";

    /// <summary>How many counted pixels had label <paramref name="label"/> and were predicted <paramref name="prediction"/>.</summary>
    public long Confusion(int label, int prediction) => _confusion[label * Classes + prediction];

    /// <inheritdoc/>
    public override void Reset() => Array.Clear(_confusion);

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
    {
        ReadOnlySpan<float> scores = MetricChecks.One(Name, outputs, batch, out int perSample);
        ReadOnlySpan<int> labels = targets.Labels;
        if (labels.Length == 0 || labels.Length % batch != 0)
            throw new ArgumentException($"mIoU: there are {labels.Length} labels for a batch of {batch}; it takes one per pixel.", nameof(targets));
        int pixels = labels.Length / batch, c = Classes;
        if (perSample != c * pixels)
            throw new ArgumentException($"mIoU: the output has {perSample} scores per sample but {c} classes × {pixels} pixels need {c * pixels}.", nameof(outputs));
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if (y != IgnoreIndex && (uint)y >= (uint)c)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"mIoU: sample {i / pixels}, pixel {i % pixels} has label {y}, outside 0..{c - 1} (ignore index {IgnoreIndex})."), nameof(targets));
        }
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> s = scores.Slice(b * perSample, perSample);
            for (int p = 0; p < pixels; p++)
            {
                int y = labels[b * pixels + p];
                if (y == IgnoreIndex) continue;
                int best = 0;
                float top = s[p];
                for (int k = 1; k < c; k++)
                {
                    float v = s[k * pixels + p];
                    if (v > top) { top = v; best = k; }
                }
                _confusion[y * c + best]++;
            }
        }
    }

    /// <summary>IoU of class <paramref name="c"/> over everything accumulated; NaN when its union is 0.</summary>
    public double ClassIoU(int c)
    {
        if ((uint)c >= (uint)Classes) throw new ArgumentOutOfRangeException(nameof(c), c, $"The class must be in 0..{Classes - 1}.");
        long tp = _confusion[c * Classes + c], union = -tp;
        for (int k = 0; k < Classes; k++) union += _confusion[c * Classes + k] + _confusion[k * Classes + c];
        return union > 0 ? (double)tp / union : double.NaN;
    }

    /// <inheritdoc/>
    public override double Result
    {
        get
        {
            double sum = 0;
            int present = 0;
            for (int c = 0; c < Classes; c++)
            {
                double iou = ClassIoU(c);
                if (double.IsNaN(iou)) continue;
                sum += iou;
                present++;
            }
            return present > 0 ? sum / present : double.NaN;
        }
    }
}
