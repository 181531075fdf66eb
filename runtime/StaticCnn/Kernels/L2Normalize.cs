using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Shape of an L2 normalization over the channel axis, per sample (C, H, W): every one of the H·W positions is
/// normalized over its C values. A vector (F) is C = F, H = W = 1; a sequence (C, L) is C × 1 × L.
/// </summary>
public interface IL2NormalizeShape
{
    /// <summary>Channels: the axis normalized over (features of a vector).</summary>
    int C { get; }
    /// <summary>Height (1 for a vector or a sequence).</summary>
    int H { get; }
    /// <summary>Width (sequence length; 1 for a vector).</summary>
    int W { get; }
    /// <summary>Lower bound of the norm (PyTorch's <c>eps</c>, default 1e-12).</summary>
    float Epsilon { get; }
}

/// <summary>An <see cref="IL2NormalizeShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct L2NormalizeShape(int C, int H = 1, int W = 1, float Epsilon = L2Normalize.DefaultEpsilon)
    : IL2NormalizeShape;

/// <summary>
/// y = x / max(‖x‖₂, ε) over the channel axis (dim 1) of an (N, C, …) tensor, per sample and position.
/// PyTorch: <c>F.normalize(x, p=2, dim=1, eps=1e-12)</c>.
/// </summary>
/// <remarks>
/// The norm is a float sum of squares (SIMD lanes along C for H·W = 1, one lane per position otherwise), then a float
/// square root; y is x divided by it, as PyTorch. Backward is the exact gradient of PyTorch's graph: with n = ‖x‖ ≥ ε,
/// dx += dy/n − x·(x·dy)/n³; where the clamp is active (n &lt; ε) the denominator is the constant ε, so dx += dy/ε
/// (PyTorch's <c>clamp_min</c> passes no gradient below its bound). NaN propagates. Threads partition samples;
/// results are bit-identical for any thread count. No allocation, no scratch.
/// </remarks>
public static unsafe class L2Normalize
{
    /// <summary>PyTorch's default ε of <c>F.normalize</c>.</summary>
    public const float DefaultEpsilon = 1e-12f;

    /// <summary>y = x / max(‖x‖, ε) over channels. PyTorch: <c>F.normalize(x, dim=1)</c>.</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads)
        where TS : struct, IL2NormalizeShape
    {
        Check(s, batch, threads, x.Length, y.Length, "y");
        fixed (float* px = x, py = y)
            OpsParallel.For(batch, threads, new FwdWork<TS> { S = s, X = px, Y = py }, 2L * s.C * s.H * s.W);
    }

    /// <summary>dx += ∂(x / max(‖x‖, ε))ᵀ·dy. An empty <paramref name="dx"/> does nothing.</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads)
        where TS : struct, IL2NormalizeShape
    {
        Check(s, batch, threads, x.Length, dy.Length, "dy", dx.Length);
        if (dx.IsEmpty) return;
        fixed (float* px = x, pdy = dy, pdx = dx)
            OpsParallel.For(batch, threads, new BwdWork<TS> { S = s, X = px, Dy = pdy, Dx = pdx }, 3L * s.C * s.H * s.W);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/> (norm accumulated in double).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads)
        where TS : struct, IL2NormalizeShape
    {
        Check(s, batch, threads, x.Length, y.Length, "y");
        int c = s.C, sp = s.H * s.W;
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < sp; p++)
            {
                int b = n * c * sp + p;
                double ss = 0;
                for (int k = 0; k < c; k++) ss += (double)x[b + k * sp] * x[b + k * sp];
                double norm = Math.Max(Math.Sqrt(ss), s.Epsilon);
                if (double.IsNaN(ss)) norm = double.NaN;
                for (int k = 0; k < c; k++) y[b + k * sp] = (float)(x[b + k * sp] / norm);
            }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/> (sums in double).</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads)
        where TS : struct, IL2NormalizeShape
    {
        Check(s, batch, threads, x.Length, dy.Length, "dy", dx.Length);
        if (dx.IsEmpty) return;
        int c = s.C, sp = s.H * s.W;
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < sp; p++)
            {
                int b = n * c * sp + p;
                double ss = 0, xd = 0;
                for (int k = 0; k < c; k++)
                {
                    double v = x[b + k * sp];
                    ss += v * v;
                    xd += v * dy[b + k * sp];
                }
                double norm = Math.Sqrt(ss);
                if (norm < s.Epsilon)
                    for (int k = 0; k < c; k++) dx[b + k * sp] += (float)(dy[b + k * sp] / (double)s.Epsilon);
                else
                    for (int k = 0; k < c; k++)
                        dx[b + k * sp] += (float)(dy[b + k * sp] / norm - x[b + k * sp] * xd / (norm * norm * norm));
            }
    }

    /// <summary>Checks the shape, x and the second tensor (y or dy), and dx unless it is empty.</summary>
    private static void Check<TS>(TS s, int batch, int threads, int xLen, int otherLen, string otherName, int dxLen = 0)
        where TS : struct, IL2NormalizeShape
    {
        OpsCheck.Batch(batch, threads);
        if (s.C < 1 || s.H < 1 || s.W < 1)
            throw new ArgumentException($"Invalid L2Normalize shape {s.C}×{s.H}×{s.W}.");
        if (!(s.Epsilon >= 0)) throw new ArgumentException($"Epsilon = {s.Epsilon} must be ≥ 0.");
        long size = (long)batch * s.C * s.H * s.W;
        OpsCheck.Length(xLen, size, "x");
        OpsCheck.Length(otherLen, size, otherName);
        if (dxLen != 0) OpsCheck.Length(dxLen, size, "dx");
    }

    private struct FwdWork<TS> : IRangeWork where TS : struct, IL2NormalizeShape
    {
        public TS S; public float* X, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int c = S.C, sp = S.H * S.W;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
            {
                float* x = X + (long)n * c * sp, y = Y + (long)n * c * sp;
                if (sp == 1)
                {
                    float norm = MathF.Max(eps, MathF.Sqrt(RowReductions.SumSquares(x, c)));
                    RowReductions.Divide(x, norm, y, c);
                    continue;
                }
                int p = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var ev = Vector256.Create(eps);
                    for (; p + 8 <= sp; p += 8)
                    {
                        var acc = Vector256<float>.Zero;
                        for (int k = 0; k < c; k++) { var v = Vector256.Load(x + (long)k * sp + p); acc += v * v; }
                        var norm = Vector256.Max(ev, Vector256.Sqrt(acc));   // NaN second: kept by maxps and IEEE maximum
                        for (int k = 0; k < c; k++) (Vector256.Load(x + (long)k * sp + p) / norm).Store(y + (long)k * sp + p);
                    }
                }
                else if (Vector128.IsHardwareAccelerated)
                {
                    var ev = Vector128.Create(eps);
                    for (; p + 4 <= sp; p += 4)
                    {
                        var acc = Vector128<float>.Zero;
                        for (int k = 0; k < c; k++) { var v = Vector128.Load(x + (long)k * sp + p); acc += v * v; }
                        var norm = Vector128.Max(ev, Vector128.Sqrt(acc));
                        for (int k = 0; k < c; k++) (Vector128.Load(x + (long)k * sp + p) / norm).Store(y + (long)k * sp + p);
                    }
                }
                for (; p < sp; p++)
                {
                    float acc = 0f;
                    for (int k = 0; k < c; k++) { float v = x[(long)k * sp + p]; acc += v * v; }
                    float norm = MathF.Max(eps, MathF.Sqrt(acc));
                    for (int k = 0; k < c; k++) y[(long)k * sp + p] = x[(long)k * sp + p] / norm;
                }
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IL2NormalizeShape
    {
        public TS S; public float* X, Dy, Dx;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int c = S.C, sp = S.H * S.W;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
            {
                long o = (long)n * c * sp;
                float* x = X + o, dy = Dy + o, dx = Dx + o;
                if (sp == 1)
                {
                    float norm = MathF.Sqrt(RowReductions.SumSquares(x, c));
                    if (norm < eps) { RowReductions.AddDivided(dy, eps, dx, c); continue; }
                    double xd = RowReductions.Dot(x, dy, c), inv = 1.0 / norm;
                    RowReductions.AddCombination(dy, (float)inv, x, (float)(xd * inv * inv * inv), dx, c);
                    continue;
                }
                int p = 0;
                if (Vector256.IsHardwareAccelerated)
                {
                    var ev = Vector256.Create(eps);
                    for (; p + 8 <= sp; p += 8)
                    {
                        var ss = Vector256<float>.Zero;
                        var xd = Vector256<float>.Zero;
                        for (int k = 0; k < c; k++)
                        {
                            var v = Vector256.Load(x + (long)k * sp + p);
                            ss += v * v;
                            xd += v * Vector256.Load(dy + (long)k * sp + p);
                        }
                        var norm = Vector256.Sqrt(ss);
                        var clamped = Vector256.LessThan(norm, ev);
                        var inv = Vector256<float>.One / norm;
                        var coef = xd * inv * inv * inv;
                        for (int k = 0; k < c; k++)
                        {
                            long j = (long)k * sp + p;
                            var g = Vector256.Load(dy + j);
                            var free = g * inv - Vector256.Load(x + j) * coef;
                            (Vector256.Load(dx + j) + Vector256.ConditionalSelect(clamped, g / ev, free)).Store(dx + j);
                        }
                    }
                }
                else if (Vector128.IsHardwareAccelerated)
                {
                    var ev = Vector128.Create(eps);
                    for (; p + 4 <= sp; p += 4)
                    {
                        var ss = Vector128<float>.Zero;
                        var xd = Vector128<float>.Zero;
                        for (int k = 0; k < c; k++)
                        {
                            var v = Vector128.Load(x + (long)k * sp + p);
                            ss += v * v;
                            xd += v * Vector128.Load(dy + (long)k * sp + p);
                        }
                        var norm = Vector128.Sqrt(ss);
                        var clamped = Vector128.LessThan(norm, ev);
                        var inv = Vector128<float>.One / norm;
                        var coef = xd * inv * inv * inv;
                        for (int k = 0; k < c; k++)
                        {
                            long j = (long)k * sp + p;
                            var g = Vector128.Load(dy + j);
                            var free = g * inv - Vector128.Load(x + j) * coef;
                            (Vector128.Load(dx + j) + Vector128.ConditionalSelect(clamped, g / ev, free)).Store(dx + j);
                        }
                    }
                }
                for (; p < sp; p++)
                {
                    float ss = 0f, xd = 0f;
                    for (int k = 0; k < c; k++)
                    {
                        float v = x[(long)k * sp + p];
                        ss += v * v;
                        xd += v * dy[(long)k * sp + p];
                    }
                    float norm = MathF.Sqrt(ss);
                    if (norm < eps)
                    {
                        for (int k = 0; k < c; k++) dx[(long)k * sp + p] += dy[(long)k * sp + p] / eps;
                        continue;
                    }
                    float inv = 1f / norm, coef = xd * inv * inv * inv;
                    for (int k = 0; k < c; k++) dx[(long)k * sp + p] += dy[(long)k * sp + p] * inv - x[(long)k * sp + p] * coef;
                }
            }
        }
    }
}
