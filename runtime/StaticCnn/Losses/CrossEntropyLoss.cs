using System.Globalization;

namespace StaticCnn.Losses;

/// <summary>
/// Softmax cross-entropy on logits with integer labels, per sample or per pixel:
/// loss = −(1 − ε)·log p[y] − (ε / C)·Σ_c log p[c] for each counted target, mean over the counted targets;
/// gradient (p − q) / N with q = (1 − ε)·onehot(y) + ε / C. PyTorch: <c>nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=ε)</c>.
/// <para>
/// The class layout follows from the labels, as in PyTorch. With one label per sample (<c>Labels.Length == batch</c>)
/// each sample's outputs are its C class scores (PyTorch input N×C, target N). With P &gt; 1 labels per sample
/// (<c>Labels.Length == batch × P</c>) each sample's outputs are C × P, channel-major (C = outputs per sample / P), and
/// every pixel is classified on its own (PyTorch input N×C×H×W, target N×H×W, P = H·W; a segmentation map).
/// </para>
/// <para>
/// A label equal to <see cref="IgnoreIndex"/> removes that sample or pixel from the sum and from N, and its gradient is 0
/// (label smoothing too skips it, as PyTorch). When every label of the batch is the ignore index the mean is 0/0:
/// the loss is NaN, as PyTorch's, and the gradient is 0. <see cref="LossTargets.Mask"/> (one weight per sample, or per
/// pixel in the per-pixel layout) weights the terms and the count N; a batch whose mask is all 0 has loss 0 (the
/// convention of every masked loss here; PyTorch has no mask).
/// </para>
/// </summary>
public sealed class CrossEntropyLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="labelSmoothing">ε in [0, 1]; 0 (default) is plain cross-entropy.</param>
    /// <param name="ignoreIndex">Label value that marks a sample or pixel as "don't care" (default −100, as PyTorch).</param>
    public CrossEntropyLoss(float labelSmoothing = 0f, int ignoreIndex = -100)
    {
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "Label smoothing must be in [0, 1].");
        LabelSmoothing = labelSmoothing;
        IgnoreIndex = ignoreIndex;
    }

    /// <summary>ε: the share of the target spread evenly over all classes.</summary>
    public float LabelSmoothing { get; }
    /// <summary>A label with this value is ignored (default −100). PyTorch: <c>ignore_index</c>.</summary>
    public int IgnoreIndex { get; init; }

    /// <inheritdoc/>
    public override bool UsesLabels => true;

    /// <summary><c>CE</c>, or <c>CE, smoothing ε</c> with label smoothing.</summary>
    public override string Name => LabelSmoothing > 0 ? string.Create(CultureInfo.InvariantCulture, $"CE, smoothing {LabelSmoothing:0.####}") : "CE";

    /// <inheritdoc/>
    /// <exception cref="ArgumentOutOfRangeException">A label (other than the ignore index) is outside 0..C−1; the message names the sample, the pixel and the value.</exception>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
    {
        int perSample = CheckShapes(output, gradient, batch);
        ReadOnlySpan<int> labels = targets.Labels;
        ReadOnlySpan<float> mask = targets.Mask;
        if (labels.Length == 0 || labels.Length % batch != 0)
            throw new ArgumentException($"There are {labels.Length} labels for a batch of {batch}; cross-entropy takes one per sample or one per pixel (a multiple of the batch).", nameof(targets));
        int pixels = labels.Length / batch;
        if (perSample % pixels != 0)
            throw new ArgumentException($"There are {pixels} labels per sample but {perSample} outputs per sample, not a multiple: the per-pixel layout needs C × {pixels} outputs per sample.", nameof(targets));
        int classes = perSample / pixels;
        if (!mask.IsEmpty && mask.Length != batch && mask.Length != labels.Length)
            throw new ArgumentException($"The mask has {mask.Length} entries; cross-entropy takes one per sample ({batch}) or one per label ({labels.Length}).", nameof(targets));

        double count = 0;
        int counted = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if (y == IgnoreIndex) continue;
            if ((uint)y >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(targets), y, pixels == 1
                    ? $"Sample {i} has label {y}, outside 0..{classes - 1}."
                    : $"Sample {i / pixels}, pixel {i % pixels} (label {i}) has label {y}, outside 0..{classes - 1}.");
            counted++;
            count += WeightAt(mask, i, pixels, labels.Length);
        }
        if (counted == 0)
        {
            gradient.Clear();
            return float.NaN; // PyTorch: mean over no targets is 0/0
        }
        double scale = count > 0 ? 1.0 / count : 0.0;
        double eps = LabelSmoothing, off = eps / classes;
        double sum = 0;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> xs = output.Slice(b * perSample, perSample);
            Span<float> gs = gradient.IsEmpty ? Span<float>.Empty : gradient.Slice(b * perSample, perSample);
            for (int p = 0; p < pixels; p++)
            {
                int i = b * pixels + p;
                int y = labels[i];
                double w = y == IgnoreIndex ? 0 : WeightAt(mask, i, pixels, labels.Length);
                if (w == 0)
                {
                    if (!gs.IsEmpty) for (int c = 0; c < classes; c++) gs[c * pixels + p] = 0f;
                    continue;
                }
                double max = double.NegativeInfinity;
                for (int c = 0; c < classes; c++) max = Math.Max(max, xs[c * pixels + p]);
                double z = 0;
                for (int c = 0; c < classes; c++) z += Math.Exp(xs[c * pixels + p] - max);
                double logZ = max + Math.Log(z);
                double l = -(1 - eps) * (xs[y * pixels + p] - logZ);
                if (eps != 0)
                {
                    double s = 0;
                    for (int c = 0; c < classes; c++) s += xs[c * pixels + p] - logZ;
                    l -= off * s;
                }
                sum += w * l;
                if (!gs.IsEmpty)
                {
                    double k = w * scale;
                    for (int c = 0; c < classes; c++)
                    {
                        double pc = Math.Exp(xs[c * pixels + p] - logZ);
                        double q = off + (c == y ? 1 - eps : 0);
                        gs[c * pixels + p] = (float)((pc - q) * k);
                    }
                }
            }
        }
        return (float)(sum * scale);
    }

    /// <summary>The mask weight of label <paramref name="label"/>: the mask holds one weight per label or one per sample.</summary>
    private static double WeightAt(ReadOnlySpan<float> mask, int label, int pixels, int labels)
        => mask.IsEmpty ? 1.0 : mask.Length == labels ? mask[label] : mask[label / pixels];
}
