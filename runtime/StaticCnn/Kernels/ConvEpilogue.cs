using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// What a forward convolution does to each output-channel row right after writing it, while the row is in cache:
/// its own fused activation (<see cref="Act"/>), then, at inference, the BatchNorm2D that reads it
/// (y = y·α + shift per channel, the running statistics folded once per call as <see cref="BatchNorm2D"/> folds them)
/// and the activation layer after that BatchNorm (<see cref="Post"/>). Every step is the very operation the separate
/// layer runs on the whole tensor (<see cref="BatchNorm2D.Affine"/>, <see cref="Activations.ApplyForward"/>), so the
/// fused result is bit for bit what the layers give one after the other. An <see cref="Activation"/> converts to the
/// epilogue of that activation alone, which is what every training call passes.
/// </summary>
internal readonly unsafe struct ConvEpilogue
{
    /// <summary>The convolution's own activation (LeakyReLU with <see cref="Activations.DefaultLeakySlope"/>).</summary>
    public readonly Activation Act;
    /// <summary>Per output channel α = γ/√(var + ε) and shift = β − mean·α of the BatchNorm after the convolution, or null.</summary>
    public readonly float* Alpha, Shift;
    /// <summary>The activation layer after the BatchNorm (ReLU, ReLU6 or LeakyReLU: the exact kinds), or None.</summary>
    public readonly Activation Post;
    public readonly float PostSlope;

    public ConvEpilogue(Activation act) { Act = act; }

    public ConvEpilogue(Activation act, float* alpha, float* shift, Activation post, float postSlope)
    {
        Act = act; Alpha = alpha; Shift = shift; Post = post; PostSlope = postSlope;
    }

    public static implicit operator ConvEpilogue(Activation act) => new(act);

    /// <summary>Whether <see cref="Apply"/> does anything.</summary>
    public bool Any => Act != Activation.None || Alpha != null;

    /// <summary>Whether anything follows the convolution's own activation (a folded BatchNorm).</summary>
    public bool HasTail => Alpha != null;

    /// <summary>The whole epilogue on <paramref name="len"/> outputs of channel <paramref name="oc"/> (all groups counted).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Apply(int oc, float* y, int len)
    {
        if (Act != Activation.None) Activations.ApplyForward(Act, Activations.DefaultLeakySlope, new Span<float>(y, len));
        if (Alpha != null) Tail(oc, y, len);
    }

    /// <summary>What follows the convolution's own activation: the BatchNorm, then its activation (kernels that apply the
    /// ReLU inside their register tiles call this alone).</summary>
    public void Tail(int oc, float* y, int len)
    {
        BatchNorm2D.Affine(y, y, len, Alpha[oc], Shift[oc]);
        if (Post != Activation.None) Activations.ApplyForward(Post, PostSlope, new Span<float>(y, len));
    }
}
