using System.Globalization;

namespace StaticCnn.Losses;

/// <summary>
/// Contrastive loss on a distance (Hadsell, Chopra and LeCun, "Dimensionality Reduction by Learning an Invariant
/// Mapping", CVPR 2006): the output is one distance dᵢ per sample (e.g. from a pairwise-distance layer) and
/// <see cref="LossTargets.Values"/> holds one pair label yᵢ per sample, 1 = same, 0 = different:
/// <code>L = (1/N)·Σᵢ [ yᵢ·dᵢ² + (1 − yᵢ)·max(0, margin − dᵢ)² ]</code>
/// with gradient dL/ddᵢ = (2/N)·[ yᵢ·dᵢ − (1 − yᵢ)·max(0, margin − dᵢ) ]. Same pairs are pulled together, different
/// pairs are pushed apart until they are <see cref="Margin"/> away. PyTorch has no built-in; in torch ops:
/// <c>(y * d**2 + (1 - y) * torch.clamp(margin - d, min=0)**2).mean()</c>.
/// An optional per-sample <see cref="LossTargets.Mask"/> weights the terms and N (all 0 → loss 0).
/// </summary>
public sealed class ContrastiveLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Distance beyond which a different pair costs nothing (default 1); finite and ≥ 0.</param>
    public ContrastiveLoss(float margin = 1f)
    {
        if (!(margin >= 0 && float.IsFinite(margin)))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be finite and ≥ 0.");
        Margin = margin;
    }

    /// <summary>The margin m of the hinge on different pairs.</summary>
    public float Margin { get; }

    /// <summary><c>Contrastive, margin m</c>.</summary>
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"Contrastive, margin {Margin:0.####}");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">The output is not one distance per sample, there is not one label per sample, or a label is not 0 or 1.</exception>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
    {
        int per = CheckShapes(output, gradient, batch);
        if (per != 1)
            throw new ArgumentException($"Contrastive loss reads one distance per sample, but the output has {per} per sample.", nameof(output));
        ReadOnlySpan<float> y = targets.Values;
        if (y.Length != batch)
            throw new ArgumentException($"There are {y.Length} pair labels (Values) for a batch of {batch}.", nameof(targets));
        double count = PairLosses.CheckMask(targets.Mask, batch);
        for (int i = 0; i < batch; i++)
            if (y[i] != 0f && y[i] != 1f)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Sample {i} has pair label {y[i]}; contrastive loss takes 1 (same) or 0 (different)."), nameof(targets));
        double scale = count > 0 ? 1.0 / count : 0.0;
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            double w = PairLosses.Weight(targets.Mask, i);
            double d = output[i];
            double l, g;
            if (y[i] == 1f) { l = d * d; g = 2 * d; }
            else
            {
                double h = Math.Max(0.0, Margin - d);
                l = h * h;
                g = -2 * h;
            }
            sum += w * l;
            if (!gradient.IsEmpty) gradient[i] = (float)(w * scale * g);
        }
        return (float)(sum * scale);
    }
}
