using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// What a forward convolution does to each output-channel row right after writing it, while the row is in cache:
/// its own fused activation (<see cref="Act"/>), then, at inference, the BatchNorm2D that reads it
/// (y = y·α + shift per channel, the running statistics folded once per call as <see cref="BatchNorm2D"/> folds them)
/// then the residual sum of an Add reading that BatchNorm (ResNet's and MobileNetV2's skip connections), and the
/// activation after that (<see cref="Post"/>: the activation layer after the BatchNorm, or the Add's own). Every step is the very operation the separate
/// layer runs on the whole tensor (<see cref="BatchNorm2D.Affine"/>, <see cref="Activations.ApplyForward(Activation, float, Span{float})"/>), so the
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
    /// <summary>The Add's other operand, as an offset in floats from the output (same layout), when <see cref="HasResidual"/>.</summary>
    public readonly nint ResidualDelta;
    public readonly bool HasResidual;
    /// <summary>Whether the other operand is the Add's first input (r + y rather than y + r, as the Add computes it).</summary>
    public readonly bool ResidualFirst;

    public ConvEpilogue(Activation act) { Act = act; }

    public ConvEpilogue(Activation act, float* alpha, float* shift, Activation post, float postSlope)
    {
        Act = act; Alpha = alpha; Shift = shift; Post = post; PostSlope = postSlope;
    }

    /// <summary>With an Add after the BatchNorm: <paramref name="residual"/> is the other operand, laid out as <paramref name="y"/>.</summary>
    public ConvEpilogue(Activation act, float* alpha, float* shift, float* residual, float* y, bool residualFirst, Activation post, float postSlope)
        : this(act, alpha, shift, post, postSlope)
    {
        ResidualDelta = (nint)(residual - y);
        HasResidual = true;
        ResidualFirst = residualFirst;
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
        // one pass: the three steps per vector, each the operation its layer runs (same roundings, same lanes)
        float* r = HasResidual ? y + ResidualDelta : null;
        float alpha = Alpha[oc], shift = Shift[oc];
        switch (Post)
        {
            case Activation.None: Fused(new Identity(), y, r, len, alpha, shift, ResidualFirst); break;
            case Activation.ReLU: Fused(new Activations.ReluOp(), y, r, len, alpha, shift, ResidualFirst); break;
            case Activation.ReLU6: Fused(new Activations.Relu6Op(), y, r, len, alpha, shift, ResidualFirst); break;
            case Activation.LeakyReLU: Fused(new Activations.LeakyOp(PostSlope), y, r, len, alpha, shift, ResidualFirst); break;
            default:
                BatchNorm2D.Affine(y, y, len, alpha, shift);
                if (r != null) AddResidual(r, y, len, ResidualFirst);
                Activations.ApplyForward(Post, PostSlope, new Span<float>(y, len));
                break;
        }
    }

    /// <summary>
    /// Whether a kernel may run this epilogue on its vectors (<c>Vectors</c>, .NET 9 and later) before storing them: the convolution's
    /// own activation None or ReLU, and a BatchNorm's activation None, ReLU, ReLU6 or LeakyReLU (the kinds <see cref="Tail"/>
    /// runs as one vector op). Anything else runs as the pass over the stored row (<see cref="Apply"/>).
    /// </summary>
    public bool InRegisters
        => (Act == Activation.None || Act == Activation.ReLU)
           && (Alpha == null || Post is Activation.None or Activation.ReLU or Activation.ReLU6 or Activation.LeakyReLU);

#if NET9_0_OR_GREATER
    /// <summary>
    /// The epilogue of one output channel on 16-lane vectors under a lane mask (.NET 9 and later: AVX-512 masked
    /// loads), for an epilogue that is <see cref="InRegisters"/>: the steps of <see cref="Apply"/>, each the very vector
    /// operation of that pass (<see cref="Activations.ReluOp"/>, v·α + shift as a product then a sum, the Add in its operand order, the activation's op), so a value gets the bits in registers
    /// that it gets in the pass over the stored row.
    /// </summary>
    internal readonly struct Vectors
    {
        private readonly Vector512<float> _alpha, _shift;
        private readonly nint _residual;
        private readonly bool _relu, _affine, _hasResidual, _first;
        private readonly Activation _post;
        private readonly float _slope;

        public Vectors(in ConvEpilogue ep, int oc)
        {
            _relu = ep.Act == Activation.ReLU;
            _affine = ep.Alpha != null;
            if (_affine) { _alpha = Vector512.Create(ep.Alpha[oc]); _shift = Vector512.Create(ep.Shift[oc]); }
            _hasResidual = ep.HasResidual;
            _residual = ep.ResidualDelta;
            _first = ep.ResidualFirst;
            _post = ep.Post;
            _slope = ep.PostSlope;
        }

        /// <summary>The epilogue of the 16 outputs that go to <paramref name="y"/>, for the lanes under <paramref name="keep"/>
        /// (the residual read from y's place in it, under the mask).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public Vector512<float> Apply(Vector512<float> v, float* y, Vector512<float> keep)
        {
            if (_relu) v = new Activations.ReluOp().Invoke(v);
            if (!_affine) return v;
            v = v * _alpha + _shift;
            if (_hasResidual)
            {
                Vector512<float> r = System.Runtime.Intrinsics.X86.Avx512F.MaskLoad(y + _residual, keep, Vector512<float>.Zero);
                v = _first ? r + v : v + r;
            }
            return _post switch
            {
                Activation.ReLU => new Activations.ReluOp().Invoke(v),
                Activation.ReLU6 => new Activations.Relu6Op().Invoke(v),
                Activation.LeakyReLU => new Activations.LeakyOp(_slope).Invoke(v),
                _ => v,
            };
        }
    }
#endif

    /// <summary>No activation: the value itself (what <see cref="Tail"/> applies for Post = None).</summary>
    internal readonly struct Identity : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => a;
        public Vector256<float> Invoke(Vector256<float> a) => a;
        public Vector512<float> Invoke(Vector512<float> a) => a;
    }

    /// <summary>y = op((r +) y·α + shift (+ r)): <see cref="BatchNorm2D.Affine"/>, the Add, then the activation's vector op, in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Fused<TOp>(TOp op, float* y, float* r, int n, float alpha, float shift, bool first) where TOp : struct, IVecOp1
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512.Create(alpha), b = Vector512.Create(shift);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> v = Vector512.Load(y + i) * a + b;
                if (r != null) { Vector512<float> q = Vector512.Load(r + i); v = first ? q + v : v + q; }
                op.Invoke(v).Store(y + i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256.Create(alpha), b = Vector256.Create(shift);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> v = Vector256.Load(y + i) * a + b;
                if (r != null) { Vector256<float> q = Vector256.Load(r + i); v = first ? q + v : v + q; }
                op.Invoke(v).Store(y + i);
            }
        }
        {
            Vector128<float> a = Vector128.Create(alpha), b = Vector128.Create(shift);
            for (; i + 4 <= n; i += 4)
            {
                Vector128<float> v = Vector128.Load(y + i) * a + b;
                if (r != null) { Vector128<float> q = Vector128.Load(r + i); v = first ? q + v : v + q; }
                op.Invoke(v).Store(y + i);
            }
        }
        for (; i < n; i++)
        {
            float v = y[i] * alpha + shift;
            if (r != null) v = first ? r[i] + v : v + r[i];
            y[i] = op.Invoke(Vector128.CreateScalar(v)).ToScalar();
        }
    }

    /// <summary>y = r + y or y + r: the Add layer's one float addition per element, in its operand order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddResidual(float* r, float* y, int n, bool first)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> a = Vector512.Load(r + i), b = Vector512.Load(y + i);
                (first ? a + b : b + a).Store(y + i);
            }
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> a = Vector256.Load(r + i), b = Vector256.Load(y + i);
                (first ? a + b : b + a).Store(y + i);
            }
        for (; i + 4 <= n; i += 4)
        {
            Vector128<float> a = Vector128.Load(r + i), b = Vector128.Load(y + i);
            (first ? a + b : b + a).Store(y + i);
        }
        for (; i < n; i++) y[i] = first ? r[i] + y[i] : y[i] + r[i];
    }
}
