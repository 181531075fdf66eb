using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Element-wise activations: as layers (ReLU, LeakyReLU, Sigmoid, Tanh) and fused into Conv2D/Dense outputs.
/// Backward uses the saved output y, never the input: ReLU y &lt;= 0 ? 0 : 1; LeakyReLU y &gt; 0 ? 1 : slope; Sigmoid y(1 − y); Tanh 1 − y².
/// Non-finite values behave as in PyTorch: ReLU keeps NaN (relu(NaN) = NaN, relu(−0) = −0) and its derivative passes dy
/// where y is NaN (PyTorch's <c>threshold_backward(grad, result, 0)</c> zeroes only where y ≤ 0); LeakyReLU, Sigmoid and
/// Tanh keep NaN, map ±∞ to their limits (tests/StaticCnn.Tests/Kernels/NonFiniteTests.cs, against PyTorch).
/// The fast entry points are SIMD (Vector512/256/128); ReLU, LeakyReLU and every derivative are bit-identical to the
/// <c>…Reference</c> twins, Sigmoid and Tanh agree to a few ulp (polynomial exp instead of <see cref="MathF.Exp"/>).
/// PyTorch: <c>nn.ReLU()</c>, <c>nn.LeakyReLU(slope)</c>, <c>nn.Sigmoid()</c>, <c>nn.Tanh()</c>.
/// </summary>
public static class Activations
{
    /// <summary>PyTorch's default LeakyReLU slope, used by fused <see cref="Activation.LeakyReLU"/>.</summary>
    public const float DefaultLeakySlope = 0.01f;

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

    // ---- references: plain scalar loops ------------------------------------------------------------------------------

    /// <summary>Scalar twin of <see cref="ApplyForward"/>.</summary>
    public static void ApplyForwardReference(Activation kind, float slope, Span<float> y)
    {
        for (int i = 0; i < y.Length; i++) y[i] = Scalar(kind, slope, y[i]);
    }

    /// <summary>Scalar twin of <see cref="ApplyDerivative"/>.</summary>
    public static void ApplyDerivativeReference(Activation kind, float slope, ReadOnlySpan<float> y, Span<float> dy)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        for (int i = 0; i < y.Length; i++) dy[i] = ScalarDerivative(kind, slope, y[i], dy[i]);
    }

    /// <summary>Scalar twin of <see cref="Forward"/>.</summary>
    public static void ForwardReference(Activation kind, float slope, ReadOnlySpan<float> x, Span<float> y)
    {
        CheckSame(x.Length, y.Length, "x", "y");
        for (int i = 0; i < x.Length; i++) y[i] = Scalar(kind, slope, x[i]);
    }

    /// <summary>Scalar twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(Activation kind, float slope, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckSame(y.Length, dy.Length, "y", "dy");
        CheckSame(y.Length, dx.Length, "y", "dx");
        for (int i = 0; i < y.Length; i++) dx[i] += ScalarDerivative(kind, slope, y[i], dy[i]);
    }

    private static float Scalar(Activation kind, float slope, float v) => kind switch
    {
        Activation.None => v,
        Activation.ReLU => v < 0f ? 0f : v,                   // NaN and -0 pass, as PyTorch's clamp_min(x, 0)
        Activation.LeakyReLU => v > 0f ? v : v * slope,
        Activation.Sigmoid => 1f / (1f + MathF.Exp(-v)),
        Activation.Tanh => MathF.Tanh(v),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static float ScalarDerivative(Activation kind, float slope, float y, float dy) => kind switch
    {
        Activation.None => dy,
        Activation.ReLU => y <= 0f ? 0f : dy,                 // PyTorch's threshold_backward: passes where y is NaN
        Activation.LeakyReLU => y > 0f ? dy : dy * slope,
        Activation.Sigmoid => dy * (y * (1f - y)),
        Activation.Tanh => dy * (1f - y * y),
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
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind, null);
        }
    }

    private readonly struct ReluOp : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => Vector128.ConditionalSelect(Vector128.LessThan(a, Vector128<float>.Zero), Vector128<float>.Zero, a);
        public Vector256<float> Invoke(Vector256<float> a) => Vector256.ConditionalSelect(Vector256.LessThan(a, Vector256<float>.Zero), Vector256<float>.Zero, a);
        public Vector512<float> Invoke(Vector512<float> a) => Vector512.ConditionalSelect(Vector512.LessThan(a, Vector512<float>.Zero), Vector512<float>.Zero, a);
    }

    private readonly struct LeakyOp(float slope) : IVecOp1
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
}
