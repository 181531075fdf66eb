using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>Shape of a global average pool, per sample: (C, H, W) → (C, 1, 1).</summary>
public interface IGlobalPoolShape
{
    int C { get; }
    int H { get; }
    int W { get; }
}

/// <summary>An <see cref="IGlobalPoolShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct GlobalPoolShape(int C, int H, int W) : IGlobalPoolShape;

/// <summary>
/// Averages each channel plane: y[n,c] = Σ x[n,c,:,:] / H / W (divided as PyTorch's adaptive pool does).
/// The fast path sums with SIMD lanes (a different order from the reference: equal within float rounding).
/// PyTorch: <c>nn.AdaptiveAvgPool2d(1)</c>.
/// </summary>
public static unsafe class GlobalAvgPool
{
    /// <summary>y[n,c] = mean of x[n,c,:,:].</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IGlobalPoolShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        fixed (float* px = x, py = y)
            OpsParallel.For(batch * s.C, threads, new FwdWork<TS> { S = s, X = px, Y = py }, s.H * s.W + 1);
    }

    /// <summary>dx[n,c,:,:] += dy[n,c] / H / W. An empty <paramref name="dx"/> does nothing.</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IGlobalPoolShape
    {
        if (dx.IsEmpty) { Check(s, 0, dy.Length, batch, threads, null, "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        fixed (float* pdy = dy, pdx = dx)
            OpsParallel.For(batch * s.C, threads, new BwdWork<TS> { S = s, Dy = pdy, Dx = pdx }, s.H * s.W + 1);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IGlobalPoolShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        int hw = s.H * s.W;
        for (int p = 0; p < batch * s.C; p++)
        {
            float sum = 0f;
            for (int i = 0; i < hw; i++) sum += x[p * hw + i];
            y[p] = sum / s.H / s.W;
        }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IGlobalPoolShape
    {
        if (dx.IsEmpty) { Check(s, 0, dy.Length, batch, threads, null, "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        int hw = s.H * s.W;
        for (int p = 0; p < batch * s.C; p++)
        {
            float g = dy[p] / s.H / s.W;
            for (int i = 0; i < hw; i++) dx[p * hw + i] += g;
        }
    }

    private static void Check<TS>(TS s, int inLen, int outLen, int batch, int threads, string? inName, string outName) where TS : struct, IGlobalPoolShape
    {
        OpsCheck.Batch(batch, threads);
        if (inName != null) OpsCheck.Length(inLen, (long)batch * s.C * s.H * s.W, inName);
        OpsCheck.Length(outLen, (long)batch * s.C, outName);
    }

    /// <summary>Σ p[0..n) with SIMD lanes, reduced in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Sum(float* p, int n)
    {
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc += Vector512.Load(p + i);
            total = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(p + i);
            total = Vector256.Sum(acc);
        }
        else if (n >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) acc += Vector128.Load(p + i);
            total = Vector128.Sum(acc);
        }
        for (; i < n; i++) total += p[i];
        return total;
    }

    /// <summary>p[0..n) += v.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AddScalar(float* p, int n, float v)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) (Vector512.Load(p + i) + Vector512.Create(v)).Store(p + i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) (Vector256.Load(p + i) + Vector256.Create(v)).Store(p + i);
        for (; i + 4 <= n; i += 4) (Vector128.Load(p + i) + Vector128.Create(v)).Store(p + i);
        for (; i < n; i++) p[i] += v;
    }

    private struct FwdWork<TS> : IRangeWork where TS : struct, IGlobalPoolShape
    {
        public TS S; public float* X, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int hw = s.H * s.W;
            for (int p = start; p < end; p++) Y[p] = Sum(X + (long)p * hw, hw) / s.H / s.W;
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IGlobalPoolShape
    {
        public TS S; public float* Dy, Dx;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int hw = s.H * s.W;
            for (int p = start; p < end; p++) AddScalar(Dx + (long)p * hw, hw, Dy[p] / s.H / s.W);
        }
    }
}
