using System.Numerics;

namespace StaticCnn.Optimizers;

/// <summary>
/// Stochastic gradient descent with momentum, dampening, Nesterov momentum and L2 weight decay, exactly as PyTorch:
/// g = ∇ + λ·p; b = g at the first step, else μ·b + (1 − τ)·g; g = g + μ·b (Nesterov) or b; p −= lr·g.
/// PyTorch: <c>torch.optim.SGD(params, lr, momentum, dampening, weight_decay, nesterov)</c>.
/// </summary>
public sealed class Sgd : Optimizer
{
    private float _momentum;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening (as PyTorch).</exception>
    public Sgd(float learningRate, float momentum = 0f, float dampening = 0f, float weightDecay = 0f, bool nesterov = false)
        : base(learningRate, "momentum_buffer")
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new ArgumentException("Nesterov momentum requires a momentum and zero dampening.", nameof(nesterov));
        _momentum = momentum;
        Dampening = dampening;
        WeightDecay = weightDecay;
        Nesterov = nesterov;
    }

    /// <summary>μ.</summary>
    public override float Momentum { get => _momentum; set => _momentum = value; }
    /// <summary>τ.</summary>
    public float Dampening { get; }
    /// <summary>λ (L2 penalty added to the gradient).</summary>
    public float WeightDecay { get; }
    /// <summary>Whether the Nesterov form is used.</summary>
    public bool Nesterov { get; }

    /// <inheritdoc/>
    public override string Kind => "SGD";

    /// <inheritdoc/>
    protected override void Update(Span<float> p, ReadOnlySpan<float> grad)
    {
        float lr = LearningRate, mu = _momentum, wd = WeightDecay, damp = 1f - Dampening;
        Span<float> buf = State(0);
        bool first = StepCount == 1;
        // PyTorch's CPU kernels evaluate `a.add_(b, alpha)` as one fused multiply-add; so does this loop. Where the
        // hardware has FMA, whole vectors first (the same operations lane by lane, so the same bits), then the rest.
        int i = Vectorized(p, grad, buf, lr, mu, wd, damp, first);
        for (; i < p.Length; i++)
        {
            float g = grad[i];
            if (wd != 0f) g = MathF.FusedMultiplyAdd(p[i], wd, g);
            if (mu != 0f)
            {
                float b = first ? g : MathF.FusedMultiplyAdd(g, damp, mu * buf[i]);
                buf[i] = b;
                g = Nesterov ? MathF.FusedMultiplyAdd(b, mu, g) : b;
            }
            p[i] = MathF.FusedMultiplyAdd(g, -lr, p[i]);
        }
    }

    /// <summary>
    /// The update on whole vectors (<see cref="Vector{T}"/>, .NET 9+ on hardware with FMA: the per-element rule's fused
    /// multiply-adds lane by lane, so the same bits); returns the first index not updated.
    /// </summary>
    private int Vectorized(Span<float> p, ReadOnlySpan<float> grad, Span<float> buf, float lr, float mu, float wd, float damp, bool first)
    {
#if NET9_0_OR_GREATER
        if (!Vector.IsHardwareAccelerated || !(System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported))
            return 0;
        int n = p.Length, w = Vector<float>.Count, i = 0;
        bool nesterov = Nesterov;
        Vector<float> vlr = new(-lr), vmu = new(mu), vwd = new(wd), vdamp = new(damp);
        for (; i + w <= n; i += w)
        {
            Vector<float> g = new(grad.Slice(i)), pv = new(p.Slice(i));
            if (wd != 0f) g = Vector.FusedMultiplyAdd(pv, vwd, g);
            if (mu != 0f)
            {
                Vector<float> b = first ? g : Vector.FusedMultiplyAdd(g, vdamp, vmu * new Vector<float>(buf.Slice(i)));
                b.CopyTo(buf.Slice(i));
                g = nesterov ? Vector.FusedMultiplyAdd(b, vmu, g) : b;
            }
            Vector.FusedMultiplyAdd(g, vlr, pv).CopyTo(p.Slice(i));
        }
        return i;
#else
        return 0;
#endif
    }
}
