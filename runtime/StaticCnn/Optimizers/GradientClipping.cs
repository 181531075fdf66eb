namespace StaticCnn.Optimizers;

/// <summary>Gradient clipping over the flat gradient span.</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales <paramref name="gradients"/> so that their global L2 norm is at most <paramref name="maxNorm"/>, as
    /// PyTorch's <c>clip_grad_norm_(params, max_norm)</c>: coef = maxNorm / (norm + 1e-6), applied when below 1.
    /// Returns the norm before clipping. A non-finite norm leaves the gradients unchanged and is returned (check it),
    /// or throws when <paramref name="errorIfNonFinite"/> is set.
    /// </summary>
    public static float ClipByGlobalNorm(Span<float> gradients, float maxNorm, bool errorIfNonFinite = false)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        float norm = (float)Math.Sqrt(sum);
        if (!float.IsFinite(norm))
        {
            if (errorIfNonFinite)
                throw new ArithmeticException($"The total gradient norm is {norm}; gradients cannot be clipped.");
            return norm;
        }
        float coef = maxNorm / (norm + 1e-6f);
        if (coef < 1f)
            for (int i = 0; i < gradients.Length; i++) gradients[i] *= coef;
        return norm;
    }

    /// <summary>The global L2 norm of <paramref name="gradients"/> (accumulated in double).</summary>
    public static float GlobalNorm(ReadOnlySpan<float> gradients)
    {
        double sum = 0;
        foreach (float g in gradients) sum += (double)g * g;
        return (float)Math.Sqrt(sum);
    }
}
