namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise activations: as layers (ReLU, LeakyReLU, Sigmoid, Tanh) and fused into Conv2D/Dense outputs.
/// Backward uses the saved output y, never the input: ReLU y &gt; 0; LeakyReLU y &gt; 0 ? 1 : slope; Sigmoid y(1 − y); Tanh 1 − y².
/// </summary>
public static class Activations
{
    /// <summary>PyTorch's default LeakyReLU slope, used by fused <see cref="Activation.LeakyReLU"/>.</summary>
    public const float DefaultLeakySlope = 0.01f;

    /// <summary>Applies <paramref name="kind"/> to <paramref name="y"/> in place.</summary>
    public static void ApplyForward(Activation kind, float slope, Span<float> y)
    {
        switch (kind)
        {
            case Activation.None: return;
            case Activation.ReLU: for (int i = 0; i < y.Length; i++) y[i] = y[i] > 0f ? y[i] : 0f; return;
            case Activation.LeakyReLU: for (int i = 0; i < y.Length; i++) y[i] = y[i] > 0f ? y[i] : y[i] * slope; return;
            case Activation.Sigmoid: for (int i = 0; i < y.Length; i++) y[i] = 1f / (1f + MathF.Exp(-y[i])); return;
            case Activation.Tanh: for (int i = 0; i < y.Length; i++) y[i] = MathF.Tanh(y[i]); return;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    /// <summary>Turns dY into dPre in place: dy[i] *= f'(from the saved output y[i]).</summary>
    public static void ApplyDerivative(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy)
    {
        if (y.Length != dy.Length) throw new ArgumentException($"y has {y.Length} elements but dy has {dy.Length}.");
        switch (kind)
        {
            case Activation.None: return;
            case Activation.ReLU: for (int i = 0; i < y.Length; i++) if (!(y[i] > 0f)) dy[i] = 0f; return;
            case Activation.LeakyReLU: for (int i = 0; i < y.Length; i++) if (!(y[i] > 0f)) dy[i] *= slope; return;
            case Activation.Sigmoid: for (int i = 0; i < y.Length; i++) dy[i] *= y[i] * (1f - y[i]); return;
            case Activation.Tanh: for (int i = 0; i < y.Length; i++) dy[i] *= 1f - y[i] * y[i]; return;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }
}
