using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>The vector helpers of the packers (copy, zero, add, sum), then the B packers of plain matrices (<see cref="MatrixB"/>, <see cref="TransposedB"/>; the im2col packer is <see cref="Im2ColB"/>).</summary>
internal static unsafe partial class Gemm
{
    // ---- small vector helpers used by the packers -------------------------------------------------------------

    /// <summary>dst[0..n) = src[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512.Load(src + i).Store(dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) Vector256.Load(src + i).Store(dst + i);
        for (; i + 4 <= n; i += 4) Vector128.Load(src + i).Store(dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    /// <summary>dst[0..n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Zero(float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512<float>.Zero.Store(dst + i);
        for (; i + 4 <= n; i += 4) Vector128<float>.Zero.Store(dst + i);
        for (; i < n; i++) dst[i] = 0f;
    }

    /// <summary>dst[0..n) += src[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) (Vector512.Load(dst + i) + Vector512.Load(src + i)).Store(dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
        for (; i + 4 <= n; i += 4) (Vector128.Load(dst + i) + Vector128.Load(src + i)).Store(dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }

    /// <summary>Σ src[0..n) in a fixed order (lane-wise partial sums, then lanes in order, then the tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Sum(float* src, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(src + i);
            for (int l = 0; l < 8; l++) s += acc.GetElement(l);
        }
        for (; i < n; i++) s += src[i];
        return s;
    }
}

/// <summary>B = a row-major matrix: B[k, n] = src[k·ld + n].</summary>
internal readonly unsafe struct MatrixB : IGemmB
{
    private readonly float* _src;
    private readonly nint _ld;
    public MatrixB(float* src, nint ld) { _src = src; _ld = ld; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(float* dst, int k0, int kc, int n0, int nc)
    {
        int nr = Gemm.NR;
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - q * nr);
            float* d = dst + (nint)q * kc * nr;
            float* s = _src + (nint)k0 * _ld + n0 + q * nr;
            for (int k = 0; k < kc; k++, d += nr, s += _ld)
            {
                Gemm.Copy(s, d, cols);
                if (cols < nr) Gemm.Zero(d + cols, nr - cols);
            }
        }
    }
}

/// <summary>B = the transpose of a row-major matrix: B[k, n] = src[n·ld + k].</summary>
internal readonly unsafe struct TransposedB : IGemmB
{
    private readonly float* _src;
    private readonly nint _ld;
    public TransposedB(float* src, nint ld) { _src = src; _ld = ld; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(float* dst, int k0, int kc, int n0, int nc)
    {
        int nr = Gemm.NR;
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - q * nr);
            float* d = dst + (nint)q * kc * nr;
            if (cols < nr) Gemm.Zero(d, kc * nr);
            for (int j = 0; j < cols; j++)
            {
                float* s = _src + (nint)(n0 + q * nr + j) * _ld + k0;
                float* dj = d + j;
                for (int k = 0; k < kc; k++) dj[(nint)k * nr] = s[k];
            }
        }
    }
}
