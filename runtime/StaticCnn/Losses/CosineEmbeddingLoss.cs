using System.Globalization;

namespace StaticCnn.Losses;

/// <summary>
/// Cosine-embedding loss on two embeddings x1, x2 (two outputs, batch × D each) with pair targets yᵢ ∈ {1, −1} in
/// <see cref="LossTargets.Values"/> (1 = similar, −1 = dissimilar):
/// <code>cosᵢ = Σ x1·x2 / sqrt((Σ x1² + 1e−12)·(Σ x2² + 1e−12))
/// lᵢ = 1 − cosᵢ            if yᵢ = 1
/// lᵢ = max(0, cosᵢ − margin) if yᵢ = −1          L = mean over i</code>
/// The 1e−12 added to each squared norm is PyTorch's <c>EPSILON</c> in ATen's <c>cosine_embedding_loss</c>; at the hinge
/// (cos = margin) the gradient passes, as PyTorch's <c>clamp_min</c>. Gradients are written for both outputs.
/// PyTorch: <c>nn.CosineEmbeddingLoss(margin)</c>. An optional per-sample <see cref="LossTargets.Mask"/> weights the
/// terms and N (all 0 → loss 0).
/// </summary>
public sealed class CosineEmbeddingLoss : Loss
{
    private const double Epsilon = 1e-12;

    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Cosine below which a dissimilar pair costs nothing, in [−1, 1] (default 0; PyTorch suggests 0 to 0.5).</param>
    public CosineEmbeddingLoss(float margin = 0f)
    {
        if (!(margin >= -1 && margin <= 1))
            throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be in [-1, 1].");
        Margin = margin;
    }

    /// <summary>The margin of the hinge on dissimilar pairs.</summary>
    public float Margin { get; }

    /// <summary>Two outputs: x1 and x2.</summary>
    public override int Arity => 2;

    /// <summary><c>CosineEmbedding, margin m</c>.</summary>
    public override string Name => string.Create(CultureInfo.InvariantCulture, $"CosineEmbedding, margin {Margin:0.####}");

    /// <summary>Not supported: the loss reads two outputs; call the multi-output overload.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
        => throw new NotSupportedException("CosineEmbeddingLoss reads two outputs (x1, x2); call Compute(outputs, targets, gradients, batch) with both.");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Not two outputs of the same size, a wrong number of targets, or a target other than 1 or −1.</exception>
    public override float Compute(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, ReadOnlySpan<Memory<float>> gradients, int batch)
    {
        int d = PairLosses.CheckEmbeddings("CosineEmbeddingLoss", 2, outputs, gradients, batch);
        ReadOnlySpan<float> y = targets.Values;
        if (y.Length != batch)
            throw new ArgumentException($"There are {y.Length} targets (Values) for a batch of {batch}.", nameof(targets));
        for (int i = 0; i < batch; i++)
            if (y[i] != 1f && y[i] != -1f)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Sample {i} has target {y[i]}; cosine-embedding loss takes 1 (similar) or -1 (dissimilar)."), nameof(targets));
        double count = PairLosses.CheckMask(targets.Mask, batch);
        double scale = count > 0 ? 1.0 / count : 0.0;
        ReadOnlySpan<float> x1 = outputs[0].Span, x2 = outputs[1].Span;
        Span<float> g1 = gradients.IsEmpty ? default : gradients[0].Span, g2 = gradients.IsEmpty ? default : gradients[1].Span;
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> a = x1.Slice(i * d, d), b = x2.Slice(i * d, d);
            double w = PairLosses.Weight(targets.Mask, i);
            double prod = 0, m1 = Epsilon, m2 = Epsilon;
            for (int k = 0; k < d; k++)
            {
                prod += (double)a[k] * b[k];
                m1 += (double)a[k] * a[k];
                m2 += (double)b[k] * b[k];
            }
            double denom = Math.Sqrt(m1 * m2);
            double cos = prod / denom;
            double l, dcos;
            if (y[i] == 1f) { l = 1 - cos; dcos = -1; }
            else { l = Math.Max(0.0, cos - Margin); dcos = cos - Margin >= 0 ? 1 : 0; }
            sum += w * l;
            double k1 = w * scale * dcos;
            // d cos / d x1 = x2 / denom − cos · x1 / m1, and symmetrically for x2.
            if (!g1.IsEmpty)
            {
                Span<float> ga = g1.Slice(i * d, d);
                for (int k = 0; k < d; k++) ga[k] = (float)(k1 * (b[k] / denom - cos * a[k] / m1));
            }
            if (!g2.IsEmpty)
            {
                Span<float> gb = g2.Slice(i * d, d);
                for (int k = 0; k < d; k++) gb[k] = (float)(k1 * (a[k] / denom - cos * b[k] / m2));
            }
        }
        return (float)(sum * scale);
    }
}
