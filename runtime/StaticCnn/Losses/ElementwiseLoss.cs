namespace StaticCnn.Losses;

/// <summary>
/// Base of the element-wise regression losses (MSE, BCE with logits, smooth L1, Huber): loss = Σ wᵢ·f(xᵢ, tᵢ) / Σ wᵢ with
/// wᵢ the mask (1 without one). With an all-zero mask the loss and the gradient are 0 (PyTorch would give NaN).
/// </summary>
public abstract class ElementwiseLoss : Loss
{
    /// <summary>The loss of one element and its derivative with respect to <paramref name="x"/>.</summary>
    protected abstract double Element(float x, float t, out double derivative);

    /// <inheritdoc/>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
    {
        int per = CheckShapes(output, gradient, batch);
        double count = CheckValuesAndMask(output, targets, batch);
        ReadOnlySpan<float> t = targets.Values, mask = targets.Mask;
        int n = output.Length;
        double scale = count > 0 ? 1.0 / count : 0.0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float w = MaskAt(mask, i, n, per);
            if (w == 0f)
            {
                if (!gradient.IsEmpty) gradient[i] = 0f;
                continue;
            }
            double l = Element(output[i], t[i], out double d);
            sum += w * l;
            if (!gradient.IsEmpty) gradient[i] = (float)(w * d * scale);
        }
        return (float)(sum * scale);
    }
}
