using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StaticCnn.Kernels;

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

    /// <summary>The update on whole vectors (Vector512, or Vector256 with FMA); returns the first index not updated.</summary>
    private unsafe int Vectorized(Span<float> p, ReadOnlySpan<float> grad, Span<float> buf, float lr, float mu, float wd, float damp, bool first)
    {
        int n = p.Length, i = 0;
        bool nesterov = Nesterov;
        fixed (float* pp = p) fixed (float* gp = grad) fixed (float* bp = buf)
        {
            if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
            {
                Vector512<float> vlr = Vector512.Create(-lr), vmu = Vector512.Create(mu), vwd = Vector512.Create(wd), vdamp = Vector512.Create(damp);
                for (; i + 16 <= n; i += 16)
                {
                    Vector512<float> g = Vector512.Load(gp + i), pv = Vector512.Load(pp + i);
                    if (wd != 0f) g = Gemm.Fma(pv, vwd, g);
                    if (mu != 0f)
                    {
                        Vector512<float> b = first ? g : Gemm.Fma(g, vdamp, vmu * Vector512.Load(bp + i));
                        b.Store(bp + i);
                        g = nesterov ? Gemm.Fma(b, vmu, g) : b;
                    }
                    Gemm.Fma(g, vlr, pv).Store(pp + i);
                }
            }
            else if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            {
                Vector256<float> vlr = Vector256.Create(-lr), vmu = Vector256.Create(mu), vwd = Vector256.Create(wd), vdamp = Vector256.Create(damp);
                for (; i + 8 <= n; i += 8)
                {
                    Vector256<float> g = Vector256.Load(gp + i), pv = Vector256.Load(pp + i);
                    if (wd != 0f) g = Gemm.Fma(pv, vwd, g);
                    if (mu != 0f)
                    {
                        Vector256<float> b = first ? g : Gemm.Fma(g, vdamp, vmu * Vector256.Load(bp + i));
                        b.Store(bp + i);
                        g = nesterov ? Gemm.Fma(b, vmu, g) : b;
                    }
                    Gemm.Fma(g, vlr, pv).Store(pp + i);
                }
            }
        }
        return i;
    }
}
