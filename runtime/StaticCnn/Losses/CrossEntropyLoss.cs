namespace StaticCnn.Losses;

/// <summary>
/// Softmax cross-entropy on logits (batch × classes, any spatial size is folded into classes) with integer labels:
/// lossᵢ = −(1 − ε)·log pᵢ[yᵢ] − (ε / C)·Σ_c log pᵢ[c], mean over the samples; gradient (pᵢ − qᵢ) / N with
/// q = (1 − ε)·onehot(y) + ε / C. PyTorch: <c>nn.CrossEntropyLoss(label_smoothing=ε)</c>.
/// A per-sample mask (or a label equal to <see cref="IgnoreIndex"/>) removes a sample from the sum and from N, as
/// PyTorch's <c>ignore_index</c>; with no counted sample the loss and gradient are 0.
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">ε in [0, 1]; 0 (default) is plain cross-entropy.</param>
    /// <param name="ignoreIndex">Label value that marks a sample as "don't care" (default −100, as PyTorch).</param>
    public CrossEntropyLoss(float labelSmoothing = 0f, int ignoreIndex = -100)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1].");
        LabelSmoothing = labelSmoothing;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>ε: the share of the target spread evenly over all classes.</summary>
    public float LabelSmoothing { get; }
    /// <summary>A label with this value is ignored.</summary>
    public int IgnoreIndex { get; }

    /// <inheritdoc/>
    public override bool UsesLabels => true;

    /// <summary><c>CE</c>, or <c>CE, smoothing ε</c> with label smoothing.</summary>
    public override string Name => LabelSmoothing > 0 ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"CE, smoothing {LabelSmoothing:0.####}") : "CE";

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
    {
        int classes = CheckShapes(output, gradient, batch);
        ReadOnlySpan<int> labels = targets.Labels;
        ReadOnlySpan<float> mask = targets.Mask;
        if (labels.Length != batch)
            throw new ArgumentException($"There are {labels.Length} labels for a batch of {batch}.", nameof(targets));
        if (!mask.IsEmpty && mask.Length != batch)
            throw new ArgumentException($"The mask has {mask.Length} entries; cross-entropy takes one per sample ({batch}).", nameof(targets));

        double count = 0;
        for (int b = 0; b < batch; b++)
        {
            int y = labels[b];
            if (y == IgnoreIndex) continue;
            if ((uint)y >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), y, $"Sample {b} has label {y}, outside 0..{classes - 1}.");
            count += mask.IsEmpty ? 1f : mask[b];
        }
        double scale = count > 0 ? 1.0 / count : 0.0;
        double eps = LabelSmoothing, off = eps / classes;
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> x = output.Slice(b * classes, classes);
            Span<float> g = gradient.IsEmpty ? Span<float>.Empty : gradient.Slice(b * classes, classes);
            int y = labels[b];
            double w = y == IgnoreIndex ? 0 : mask.IsEmpty ? 1 : mask[b];
            if (w == 0)
            {
                g.Clear();
                continue;
            }
            double max = double.NegativeInfinity;
            for (int c = 0; c < classes; c++) max = Math.Max(max, x[c]);
            double z = 0;
            for (int c = 0; c < classes; c++) z += Math.Exp(x[c] - max);
            double logZ = max + Math.Log(z);
            double l = -(1 - eps) * (x[y] - logZ);
            if (eps != 0)
            {
                double s = 0;
                for (int c = 0; c < classes; c++) s += x[c] - logZ;
                l -= off * s;
            }
            sum += w * l;
            if (!g.IsEmpty)
            {
                double k = w * scale;
                for (int c = 0; c < classes; c++)
                {
                    double p = Math.Exp(x[c] - logZ);
                    double q = off + (c == y ? 1 - eps : 0);
                    g[c] = (float)((p - q) * k);
                }
            }
        }
        return (float)(sum * scale);
    }
}
