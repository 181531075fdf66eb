using System.Numerics;

namespace StaticCnn.Optimizers;

/// <summary>
/// Adam with bias correction and L2 weight decay added to the gradient, exactly as PyTorch 1.13:
/// g = ∇ + λ·p; m = β₁m + (1 − β₁)g; v = β₂v + (1 − β₂)g²; p −= (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε).
/// PyTorch: <c>torch.optim.Adam(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0)</c>.
/// </summary>
public class Adam : Optimizer
{
    /// <summary>Creates the optimizer.</summary>
    public Adam(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 0f)
        : base(learningRate, "exp_avg", "exp_avg_sq")
    {
        Beta1 = beta1;
        Beta2 = beta2;
        Epsilon = epsilon;
        WeightDecay = weightDecay;
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; set; }
    /// <summary>β₂.</summary>
    public float Beta2 { get; }
    /// <summary>ε.</summary>
    public float Epsilon { get; }
    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc/>
    public override float Momentum { get => Beta1; set => Beta1 = value; }

    /// <inheritdoc/>
    public override string Kind => "Adam";

    /// <summary>Whether the weight decay is decoupled (AdamW) rather than added to the gradient.</summary>
    protected virtual bool Decoupled => false;

    /// <inheritdoc/>
    protected override void Update(Span<float> p, ReadOnlySpan<float> grad)
    {
        Span<float> m = State(0), v = State(1);
        float lr = LearningRate, b1 = Beta1, b2 = Beta2, eps = Epsilon, wd = WeightDecay;
        // PyTorch computes the bias corrections as Python floats (double), then uses them as scalars.
        // The float hyper-parameters are widened through their shortest decimal form (0.9f -> 0.9), as Python holds them.
        double lrD = AsPython(lr), b1D = AsPython(b1), b2D = AsPython(b2), wdD = AsPython(wd);
        double bc1 = 1 - Math.Pow(b1D, StepCount);
        double bc2 = 1 - Math.Pow(b2D, StepCount);
        float stepSize = (float)(lrD / bc1);
        float bc2Sqrt = (float)Math.Sqrt(bc2);
        float decay = Decoupled ? (float)(1 - lrD * wdD) : 1f;
        float oneMinusB1 = (float)(1 - b1D), oneMinusB2 = (float)(1 - b2D);
        int i = Vectorized(p, grad, m, v, b1, b2, eps, wd, stepSize, bc2Sqrt, decay, oneMinusB1, oneMinusB2);
        for (; i < p.Length; i++)
        {
            float pi = p[i];
            float g = grad[i];
            if (Decoupled) pi *= decay;
            else if (wd != 0f) g += wd * pi;
            float mi = m[i] * b1 + oneMinusB1 * g;      // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            float vi = v[i] * b2 + oneMinusB2 * g * g;  // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
            m[i] = mi;
            v[i] = vi;
            float denom = MathF.Sqrt(vi) / bc2Sqrt + eps;
            p[i] = pi - stepSize * (mi / denom);
        }
    }

    /// <summary>
    /// The update on whole vectors (<see cref="Vector{T}"/>): the same operations as the element loop, lane by lane
    /// (separate multiplies and adds, IEEE square root and division), so the same bits. Returns the first index not
    /// updated.
    /// </summary>
    private int Vectorized(Span<float> p, ReadOnlySpan<float> grad, Span<float> m, Span<float> v, float b1, float b2,
        float eps, float wd, float stepSize, float bc2Sqrt, float decay, float oneMinusB1, float oneMinusB2)
    {
        if (!Vector.IsHardwareAccelerated) return 0;
        int n = p.Length, w = Vector<float>.Count, i = 0;
        bool decoupled = Decoupled;
        Vector<float> vb1 = new(b1), vb2 = new(b2), veps = new(eps), vwd = new(wd), vstep = new(stepSize), vbc2 = new(bc2Sqrt);
        Vector<float> vdecay = new(decay), v1b1 = new(oneMinusB1), v1b2 = new(oneMinusB2);
        for (; i + w <= n; i += w)
        {
            Vector<float> pi = new(p.Slice(i)), g = new(grad.Slice(i));
            if (decoupled) pi *= vdecay;
            else if (wd != 0f) g += vwd * pi;
            Vector<float> mi = new Vector<float>(m.Slice(i)) * vb1 + v1b1 * g;
            Vector<float> vi = new Vector<float>(v.Slice(i)) * vb2 + v1b2 * g * g;
            mi.CopyTo(m.Slice(i));
            vi.CopyTo(v.Slice(i));
            Vector<float> denom = Vector.SquareRoot(vi) / vbc2 + veps;
            (pi - vstep * (mi / denom)).CopyTo(p.Slice(i));
        }
        return i;
    }

    /// <summary>The double a Python float literal for <paramref name="value"/> would hold (0.9f → 0.9).</summary>
    internal static double AsPython(float value)
    {
        if (!float.IsFinite(value)) return value;
        Span<char> text = stackalloc char[32];
        value.TryFormat(text, out int written, "R", System.Globalization.CultureInfo.InvariantCulture);
        return double.Parse(text.Slice(0, written), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
    }
}
