using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise activations: as layers (ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6, Hardswish, SiLU) and fused into
/// Conv2D/Dense outputs (all but Hardswish and SiLU).
/// Backward uses the saved output y: ReLU y &lt;= 0 ? 0 : 1; LeakyReLU y &gt; 0 ? 1 : slope; Sigmoid y(1 − y); Tanh 1 − y²;
/// ReLU6 0 &lt; y &lt; 6 ? 1 : 0 (so 0 where y is NaN). Hardswish and SiLU are not invertible from y, so their derivative
/// comes from the input x (<see cref="BackwardFromInput(Activation, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>, the layer form; <see cref="NeedsInput"/>): Hardswish
/// x &lt; −3 ? 0 : x &gt;= 3 ? 1 : x/3 + ½ (so NaN where x is NaN), SiLU s·(1 + x(1 − s)) with s = sigmoid(x). Their
/// forward is PyTorch's arithmetic: x·clamp(x + 3, 0, 6)/6 and x/(1 + e^−x) (so hardswish(−∞) and silu(−∞) are NaN).
/// PyTorch 1.13's CPU <c>hardtanh_backward</c> and <c>hardswish_backward</c> disagree between their vectorized body and
/// their scalar tail (the last &lt; 16 elements of a tensor): the tail passes dy at NaN and takes x/3 + ½ at x = 3. The rules
/// here are the vectorized body's, which is what PyTorch computes for every element of a tensor but that tail.
/// Non-finite values behave as in PyTorch: ReLU keeps NaN (relu(NaN) = NaN, relu(−0) = −0) and its derivative passes dy
/// where y is NaN (PyTorch's <c>threshold_backward(grad, result, 0)</c> zeroes only where y ≤ 0); LeakyReLU, Sigmoid and
/// Tanh keep NaN, map ±∞ to their limits (tests/StaticCnn.Tests/Kernels/NonFiniteTests.cs, against PyTorch).
/// The fast entry points are SIMD (Vector512/256/128); ReLU, LeakyReLU and every derivative are bit-identical to the
/// <c>…Reference</c> twins, Sigmoid, Tanh and SiLU agree to a few ulp (polynomial exp instead of <see cref="MathF.Exp"/>);
/// ReLU6 and Hardswish are bit-identical too.
/// PyTorch: <c>nn.ReLU()</c>, <c>nn.LeakyReLU(slope)</c>, <c>nn.Sigmoid()</c>, <c>nn.Tanh()</c>, <c>nn.ReLU6()</c>,
/// <c>nn.Hardswish()</c>, <c>nn.SiLU()</c>.
/// </summary>
public static class Activations
{
    /// <summary>PyTorch's default LeakyReLU slope, used by fused <see cref="Activation.LeakyReLU"/>.</summary>
    public const float DefaultLeakySlope = 0.01f;

    /// <summary>
    /// True for the kinds whose derivative needs the input x (Hardswish, SiLU): they have no derivative from the output
    /// (<see cref="ApplyDerivative(Activation, float, ReadOnlySpan{float}, Span{float})"/> and <see cref="Backward(Activation, float, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> throw) and run as layers with <see cref="BackwardFromInput(Activation, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.
    /// </summary>
    public static bool NeedsInput(Activation kind) => kind is Activation.Hardswish or Activation.SiLU;

    /// <summary>Applies <paramref name="kind"/> to <paramref name="y"/> in place.</summary>
    public static void ApplyForward(Activation kind, float slope, Span<float> y) => Map(kind, slope, y, y);

    /// <summary>Turns dY into dPre in place: dy[i] *= f'(from the saved output y[i]).</summary>
    public static void ApplyDerivative(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        if (kind == Activation.None) return;
        Derivative(kind, slope, y, dy, dy, accumulate: false);
    }

    /// <summary>Activation layer forward: y = f(x).</summary>
    public static void Forward(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSame(x.Length, y.Length, "x", "y");
        Map(kind, slope, x, y);
    }

    /// <summary>Activation layer backward: dx += dy · f'(y), from the saved output y.</summary>
    public static void Backward(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        CheckSame(y.Length, dx.Length, "y", "dx");
        Derivative(kind, slope, y, dy, dx, accumulate: true);
    }

    /// <summary>
    /// Activation layer backward for <see cref="Activation.Hardswish"/> and <see cref="Activation.SiLU"/>:
    /// dx += dy · f'(x), from the layer's input x (PyTorch's <c>hardswish_backward</c> / <c>silu_backward</c>).
    /// </summary>
    public static void BackwardFromInput(Activation kind, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckSame(x.Length, dy.Length, "x", "dy");
        CheckSame(x.Length, dx.Length, "x", "dx");
        switch (kind)
        {
            case Activation.Hardswish: VectorMath.Map(new HardswishDOp(), x, dy, dx, true); return;
            case Activation.SiLU: VectorMath.Map(new SiluDOp(), x, dy, dx, true); return;
            default: throw NotFromInput(kind);
        }
    }

    // ---- the same on up to `threads` threads (OpsParallel.ForElements: the same bits for any thread count) ----------
    // Stateless like the one-thread forms: safe from several threads on distinct outputs. Before writing anything they
    // throw ArgumentOutOfRangeException for threads < 1 and ArgumentException for spans of different lengths.

    /// <summary><see cref="ApplyForward(Activation, float, Span{float})"/> on up to <paramref name="threads"/> threads.</summary>
    public static unsafe void ApplyForward(Activation kind, float slope, Span<float> y, int threads)
    {
        fixed (float* py = y)
            OpsParallel.ForElements(y.Length, threads, new MapWork { Kind = kind, Slope = slope, X = py, Y = py }, 2);
    }

    /// <summary><see cref="ApplyDerivative(Activation, float, ReadOnlySpan{float}, Span{float})"/> on up to <paramref name="threads"/> threads.</summary>
    public static unsafe void ApplyDerivative(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy, int threads)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        if (kind == Activation.None) { OpsCheck.Batch(0, threads); return; }
        fixed (float* py = y, pdy = dy)
            OpsParallel.ForElements(y.Length, threads, new DerivativeWork { Kind = kind, Slope = slope, Y = py, Dy = pdy, Dst = pdy }, 3);
    }

    /// <summary><see cref="Forward(Activation, float, ReadOnlySpan{float}, Span{float})"/> on up to <paramref name="threads"/> threads.</summary>
    public static unsafe void Forward(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        CheckSame(x.Length, y.Length, "x", "y");
        fixed (float* px = x, py = y)
            OpsParallel.ForElements(x.Length, threads, new MapWork { Kind = kind, Slope = slope, X = px, Y = py }, 2);
    }

    /// <summary><see cref="Backward(Activation, float, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on up to <paramref name="threads"/> threads.</summary>
    public static unsafe void Backward(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        CheckSame(y.Length, dx.Length, "y", "dx");
        if (NeedsInput(kind)) throw NotFromOutput(kind);
        fixed (float* py = y, pdy = dy, pdx = dx)
            OpsParallel.ForElements(y.Length, threads, new DerivativeWork { Kind = kind, Slope = slope, Y = py, Dy = pdy, Dst = pdx, Accumulate = true }, 3);
    }

    /// <summary><see cref="BackwardFromInput(Activation, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/> on up to <paramref name="threads"/> threads.</summary>
    public static unsafe void BackwardFromInput(Activation kind, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        CheckSame(x.Length, dy.Length, "x", "dy");
        CheckSame(x.Length, dx.Length, "x", "dx");
        if (!NeedsInput(kind)) throw NotFromInput(kind);
        fixed (float* px = x, pdy = dy, pdx = dx)
            OpsParallel.ForElements(x.Length, threads, new FromInputWork { Kind = kind, X = px, Dy = pdy, Dx = pdx }, 3);
    }

    private unsafe struct MapWork : IElementWork
    {
        public Activation Kind;
        public float Slope;
        public float* X, Y;
        public void Run(int start, int count) => Map(Kind, Slope, new ReadOnlySpan<float>(X + start, count), new Span<float>(Y + start, count));
    }

    private unsafe struct DerivativeWork : IElementWork
    {
        public Activation Kind;
        public float Slope;
        public float* Y, Dy, Dst;
        public bool Accumulate;
        public void Run(int start, int count) => Derivative(Kind, Slope, new ReadOnlySpan<float>(Y + start, count),
            new ReadOnlySpan<float>(Dy + start, count), new Span<float>(Dst + start, count), Accumulate);
    }

    private unsafe struct FromInputWork : IElementWork
    {
        public Activation Kind;
        public float* X, Dy, Dx;
        public void Run(int start, int count) => BackwardFromInput(Kind, new ReadOnlySpan<float>(X + start, count),
            new ReadOnlySpan<float>(Dy + start, count), new Span<float>(Dx + start, count));
    }

    // ---- references: plain scalar loops ------------------------------------------------------------------------------

    /// <summary>Scalar twin of <see cref="ApplyForward(Activation, float, Span{float}, int)"/> (one thread).</summary>
    public static void ApplyForwardReference(Activation kind, float slope, Span<float> y, int threads)
    {
        OpsCheck.Batch(0, threads);
        ApplyForwardReference(kind, slope, y);
    }

    /// <summary>Scalar twin of <see cref="ApplyDerivative(Activation, float, ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void ApplyDerivativeReference(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy, int threads)
    {
        OpsCheck.Batch(0, threads);
        ApplyDerivativeReference(kind, slope, y, dy);
    }

    /// <summary>Scalar twin of <see cref="Forward(Activation, float, ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void ForwardReference(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        OpsCheck.Batch(0, threads);
        ForwardReference(kind, slope, x, y);
    }

    /// <summary>Scalar twin of <see cref="Backward(Activation, float, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void BackwardReference(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        OpsCheck.Batch(0, threads);
        BackwardReference(kind, slope, y, dy, dx);
    }

    /// <summary>Scalar twin of <see cref="BackwardFromInput(Activation, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void BackwardFromInputReference(Activation kind, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int threads)
    {
        OpsCheck.Batch(0, threads);
        BackwardFromInputReference(kind, x, dy, dx);
    }

    /// <summary>Scalar twin of <see cref="ApplyForward(Activation, float, Span{float})"/>.</summary>
    public static void ApplyForwardReference(Activation kind, float slope, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = Scalar(kind, slope, y[i]);
    }

    /// <summary>Scalar twin of <see cref="ApplyDerivative(Activation, float, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void ApplyDerivativeReference(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        for (int i = 0; i < y.Length; i++) dy[i] = ScalarDerivative(kind, slope, y[i], dy[i]);
    }

    /// <summary>Scalar twin of <see cref="Forward(Activation, float, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void ForwardReference(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSame(x.Length, y.Length, "x", "y");
        for (int i = 0; i < x.Length; i++) y[i] = Scalar(kind, slope, x[i]);
    }

    /// <summary>Scalar twin of <see cref="Backward(Activation, float, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void BackwardReference(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        CheckSame(y.Length, dx.Length, "y", "dx");
        for (int i = 0; i < y.Length; i++) dx[i] += ScalarDerivative(kind, slope, y[i], dy[i]);
    }

    /// <summary>Scalar twin of <see cref="BackwardFromInput(Activation, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void BackwardFromInputReference(Activation kind, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckSame(x.Length, dy.Length, "x", "dy");
        CheckSame(x.Length, dx.Length, "x", "dx");
        if (!NeedsInput(kind)) throw NotFromInput(kind);
        for (int i = 0; i < x.Length; i++) dx[i] += ScalarDerivativeFromInput(kind, x[i], dy[i]);
    }

    private static float ScalarDerivativeFromInput(Activation kind, float x, float dy)
    {
        if (kind == Activation.Hardswish)
            return x < -3f ? 0f : x >= 3f ? dy : dy * (x / 3f + 0.5f);    // hardswish_backward (vectorized): NaN gives NaN
        float s = 1f / (1f + MathF.Exp(-x));
        return dy * s * (1f + x * (1f - s));                                // silu_backward
    }

    private static ArgumentException NotFromInput(Activation kind)
        => new($"{kind} has its derivative from the output; use Activations.Backward (BackwardFromInput is for Hardswish and SiLU).", nameof(kind));

    private static NotSupportedException NotFromOutput(Activation kind)
        => new($"{kind} is not invertible from its output, so it has no derivative from y and cannot be fused into a layer's output; use it as a layer ([{kind}]), whose backward is Activations.BackwardFromInput.");

    private static float Relu6(float v) => v < 0f ? 0f : v > 6f ? 6f : v;   // NaN and -0 pass, as PyTorch's relu6

    private static float Scalar(Activation kind, float slope, float v) => kind switch
    {
        Activation.None => v,
        Activation.ReLU => v < 0f ? 0f : v,                   // NaN and -0 pass, as PyTorch's clamp_min(x, 0)
        Activation.LeakyReLU => v > 0f ? v : v * slope,
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-v)),
        Activation.Tanh => MathF.Tanh(v),
        Activation.ReLU6 => Relu6(v),
        Activation.Hardswish => v * Relu6(v + 3f) / 6f,               // PyTorch's x * min(max(x + 3, 0), 6) / 6
        Activation.SiLU => v / (1f + MathF.Exp(-v)),                  // PyTorch's x / (1 + exp(-x))
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static float ScalarDerivative(Activation kind, float slope, float y, float dy) => kind switch
    {
        Activation.None => dy,
        Activation.ReLU => y <= 0f ? 0f : dy,                 // PyTorch's threshold_backward: passes where y is NaN
        Activation.LeakyReLU => y > 0f ? dy : dy * slope,
        Activation.Sigmoid => dy * (y * (1f - y)),
        Activation.Tanh => dy * (1f - y * y),
        Activation.ReLU6 => y > 0f && y < 6f ? dy : 0f,       // PyTorch's hardtanh_backward (vectorized): 0 where y is NaN
        Activation.Hardswish or Activation.SiLU => throw NotFromOutput(kind),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static void CheckSame(int a, int b, string na, string nb)
    {
        if (a != b) throw new ArgumentException($"{na} has {a} elements but {nb} has {b}; they must be equal.");
    }

    // ---- SIMD --------------------------------------------------------------------------------------------------------

    private static void Map(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y)
    {
        switch (kind)
        {
            case Activation.None: if (!Unsafe.AreSame(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x), ref System.Runtime.InteropServices.MemoryMarshal.GetReference(y))) x.CopyTo(y); return;
            case Activation.ReLU: VectorMath.Map(new ReluOp(), x, y, false); return;
            case Activation.LeakyReLU: VectorMath.Map(new LeakyOp(slope), x, y, false); return;
            case Activation.Sigmoid: VectorMath.Map(new SigmoidOp(), x, y, false); return;
            case Activation.Tanh: VectorMath.Map(new TanhOp(), x, y, false); return;
            case Activation.ReLU6: VectorMath.Map(new Relu6Op(), x, y, false); return;
            case Activation.Hardswish: VectorMath.Map(new HardswishOp(), x, y, false); return;
            case Activation.SiLU: VectorMath.Map(new SiluOp(), x, y, false); return;
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private static void Derivative(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dst, bool accumulate)
    {
        switch (kind)
        {
            case Activation.None: Elementwise.AddInto(dy, dst); return;   // only reached with accumulate
            case Activation.ReLU: VectorMath.Map(new ReluDOp(), y, dy, dst, accumulate); return;
            case Activation.LeakyReLU: VectorMath.Map(new LeakyDOp(slope), y, dy, dst, accumulate); return;
            case Activation.Sigmoid: VectorMath.Map(new SigmoidDOp(), y, dy, dst, accumulate); return;
            case Activation.Tanh: VectorMath.Map(new TanhDOp(), y, dy, dst, accumulate); return;
            case Activation.ReLU6: VectorMath.Map(new Relu6DOp(), y, dy, dst, accumulate); return;
            case Activation.Hardswish or Activation.SiLU: throw NotFromOutput(kind);
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    // ReLU and ReLU6 on x86 are the max and min instructions with the value as the second operand: maxps/minps return
    // their second operand when either is NaN or both are zero, so max(0, a) is exactly a < 0 ? 0 : a (NaN and −0
    // pass, as the reference and PyTorch's clamp) and min(6, ·) exactly a > 6 ? 6 : a, in one instruction each where
    // the portable compare-and-select takes two (a 1×1 expansion's BatchNorm + ReLU6 epilogue pass: 4 of its ~8
    // instructions per vector). Vector512/256/128.Max are IEEE maximum (−0 < +0, NaN propagated), not this.
    internal readonly struct ReluOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => Sse.IsSupported ? Sse.Max(Vector128<float>.Zero, a)
            : Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128<float>.Zero), Vector128<float>.Zero, a);
        public Vector256<float> Invoke(Vector256<float> a) => Avx.IsSupported ? Avx.Max(Vector256<float>.Zero, a)
            : Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<float>.Zero), Vector256<float>.Zero, a);
        public Vector512<float> Invoke(Vector512<float> a) => Avx512F.IsSupported ? Avx512F.Max(Vector512<float>.Zero, a)
            : Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<float>.Zero), Vector512<float>.Zero, a);
    }

    internal readonly struct LeakyOp(float slope) : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128<float>.Zero), a, a * Vector128.Create(slope));
        public Vector256<float> Invoke(Vector256<float> a) => Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256<float>.Zero), a, a * Vector256.Create(slope));
        public Vector512<float> Invoke(Vector512<float> a) => Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512<float>.Zero), a, a * Vector512.Create(slope));
    }

    private readonly struct SigmoidOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => VectorMath.Sigmoid(a);
        public Vector256<float> Invoke(Vector256<float> a) => VectorMath.Sigmoid(a);
        public Vector512<float> Invoke(Vector512<float> a) => VectorMath.Sigmoid(a);
    }

    private readonly struct TanhOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => VectorMath.Tanh(a);
        public Vector256<float> Invoke(Vector256<float> a) => VectorMath.Tanh(a);
        public Vector512<float> Invoke(Vector512<float> a) => VectorMath.Tanh(a);
    }

    internal readonly struct Relu6Op : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => Sse.IsSupported ? Sse.Min(Vector128.Create(6f), Sse.Max(Vector128<float>.Zero, a))
            : Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128<float>.Zero), Vector128<float>.Zero,
                Vector128.ConditionalSelect(Vector128.GreaterThan(a, Vector128.Create(6f)), Vector128.Create(6f), a));
        public Vector256<float> Invoke(Vector256<float> a) => Avx.IsSupported ? Avx.Min(Vector256.Create(6f), Avx.Max(Vector256<float>.Zero, a))
            : Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<float>.Zero), Vector256<float>.Zero,
                Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256.Create(6f)), Vector256.Create(6f), a));
        public Vector512<float> Invoke(Vector512<float> a) => Avx512F.IsSupported ? Avx512F.Min(Vector512.Create(6f), Avx512F.Max(Vector512<float>.Zero, a))
            : Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<float>.Zero), Vector512<float>.Zero,
                Vector512.ConditionalSelect(Vector512.GreaterThan(a, Vector512.Create(6f)), Vector512.Create(6f), a));
    }

    private readonly struct HardswishOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => a * new Relu6Op().Invoke(a + Vector128.Create(3f)) / Vector128.Create(6f);
        public Vector256<float> Invoke(Vector256<float> a) => a * new Relu6Op().Invoke(a + Vector256.Create(3f)) / Vector256.Create(6f);
        public Vector512<float> Invoke(Vector512<float> a) => a * new Relu6Op().Invoke(a + Vector512.Create(3f)) / Vector512.Create(6f);
    }

    private readonly struct SiluOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => a / (Vector128<float>.One + VectorMath.Exp(-a));
        public Vector256<float> Invoke(Vector256<float> a) => a / (Vector256<float>.One + VectorMath.Exp(-a));
        public Vector512<float> Invoke(Vector512<float> a) => a / (Vector512<float>.One + VectorMath.Exp(-a));
    }

    // Derivative ops: a = y (saved output), b = dy.
    private readonly struct ReluDOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> d) => Vector128.ConditionalSelect(Vector128.LessThanOrEqual(y, Vector128<float>.Zero), Vector128<float>.Zero, d);
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> d) => Vector256.ConditionalSelect(Vector256.LessThanOrEqual(y, Vector256<float>.Zero), Vector256<float>.Zero, d);
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> d) => Vector512.ConditionalSelect(Vector512.LessThanOrEqual(y, Vector512<float>.Zero), Vector512<float>.Zero, d);
    }

    private readonly struct LeakyDOp(float slope) : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> d) => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero), d, d * Vector128.Create(slope));
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> d) => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero), d, d * Vector256.Create(slope));
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> d) => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero), d, d * Vector512.Create(slope));
    }

    private readonly struct SigmoidDOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> d) => d * (y * (Vector128<float>.One - y));
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> d) => d * (y * (Vector256<float>.One - y));
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> d) => d * (y * (Vector512<float>.One - y));
    }

    private readonly struct TanhDOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> d) => d * (Vector128<float>.One - y * y);
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> d) => d * (Vector256<float>.One - y * y);
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> d) => d * (Vector512<float>.One - y * y);
    }

    private readonly struct Relu6DOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> y, Vector128<float> d)
            => Vector128.ConditionalSelect(Vector128.GreaterThan(y, Vector128<float>.Zero) & Vector128.LessThan(y, Vector128.Create(6f)), d, Vector128<float>.Zero);
        public Vector256<float> Invoke(Vector256<float> y, Vector256<float> d)
            => Vector256.ConditionalSelect(Vector256.GreaterThan(y, Vector256<float>.Zero) & Vector256.LessThan(y, Vector256.Create(6f)), d, Vector256<float>.Zero);
        public Vector512<float> Invoke(Vector512<float> y, Vector512<float> d)
            => Vector512.ConditionalSelect(Vector512.GreaterThan(y, Vector512<float>.Zero) & Vector512.LessThan(y, Vector512.Create(6f)), d, Vector512<float>.Zero);
    }

    // Derivative-from-input ops: a = x (the layer's input), b = dy.
    private readonly struct HardswishDOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> d)
            => Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(-3f)), Vector128<float>.Zero,
                Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(x, Vector128.Create(3f)), d, d * (x / Vector128.Create(3f) + Vector128.Create(0.5f))));
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> d)
            => Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(-3f)), Vector256<float>.Zero,
                Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(x, Vector256.Create(3f)), d, d * (x / Vector256.Create(3f) + Vector256.Create(0.5f))));
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> d)
            => Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(-3f)), Vector512<float>.Zero,
                Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(x, Vector512.Create(3f)), d, d * (x / Vector512.Create(3f) + Vector512.Create(0.5f))));
    }

    private readonly struct SiluDOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> x, Vector128<float> d)
        {
            Vector128<float> s = VectorMath.Sigmoid(x);
            return d * s * (Vector128<float>.One + x * (Vector128<float>.One - s));
        }
        public Vector256<float> Invoke(Vector256<float> x, Vector256<float> d)
        {
            Vector256<float> s = VectorMath.Sigmoid(x);
            return d * s * (Vector256<float>.One + x * (Vector256<float>.One - s));
        }
        public Vector512<float> Invoke(Vector512<float> x, Vector512<float> d)
        {
            Vector512<float> s = VectorMath.Sigmoid(x);
            return d * s * (Vector512<float>.One + x * (Vector512<float>.One - s));
        }
    }
}
