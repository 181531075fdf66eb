using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Contiguous-row reductions and updates shared by <see cref="L2Normalize"/>, <see cref="PairwiseDistance"/> and
/// <see cref="CosineSimilarity"/>: one SIMD accumulator per quantity (Vector512, Vector256 or Vector128 lanes, each only
/// inside its <c>IsHardwareAccelerated</c> branch), the lanes summed in one fixed order, then the scalar tail. A row's
/// result depends only on the row and the instruction set, never on the thread that computes it.
/// </summary>
internal static unsafe class RowReductions
{
    /// <summary>Σ a[i]².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float SumSquares(float* a, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) { var v = Vector512.Load(a + i); acc += v * v; }
            s = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) { var v = Vector256.Load(a + i); acc += v * v; }
            s = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) { var v = Vector128.Load(a + i); acc += v * v; }
            s = Vector128.Sum(acc);
        }
        for (; i < n; i++) s += a[i] * a[i];
        return s;
    }

    /// <summary>Σ a[i]·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc += Vector512.Load(a + i) * Vector512.Load(b + i);
            s = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(a + i) * Vector256.Load(b + i);
            s = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) acc += Vector128.Load(a + i) * Vector128.Load(b + i);
            s = Vector128.Sum(acc);
        }
        for (; i < n; i++) s += a[i] * b[i];
        return s;
    }

    /// <summary>Σ (a[i] − b[i] + e)².</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static float DiffSumSquares(float* a, float* b, float e, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            var acc = Vector512<float>.Zero;
            var ev = Vector512.Create(e);
            for (; i + 16 <= n; i += 16) { var d = Vector512.Load(a + i) - Vector512.Load(b + i) + ev; acc += d * d; }
            s = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc = Vector256<float>.Zero;
            var ev = Vector256.Create(e);
            for (; i + 8 <= n; i += 8) { var d = Vector256.Load(a + i) - Vector256.Load(b + i) + ev; acc += d * d; }
            s = Vector256.Sum(acc);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            var acc = Vector128<float>.Zero;
            var ev = Vector128.Create(e);
            for (; i + 4 <= n; i += 4) { var d = Vector128.Load(a + i) - Vector128.Load(b + i) + ev; acc += d * d; }
            s = Vector128.Sum(acc);
        }
        for (; i < n; i++) { float d = a[i] - b[i] + e; s += d * d; }
        return s;
    }

    /// <summary>dst[i] = src[i] / d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Divide(float* src, float d, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (var dv = Vector512.Create(d); i + 16 <= n; i += 16) (Vector512.Load(src + i) / dv).Store(dst + i);
        else if (Vector256.IsHardwareAccelerated)
            for (var dv = Vector256.Create(d); i + 8 <= n; i += 8) (Vector256.Load(src + i) / dv).Store(dst + i);
        else if (Vector128.IsHardwareAccelerated)
            for (var dv = Vector128.Create(d); i + 4 <= n; i += 4) (Vector128.Load(src + i) / dv).Store(dst + i);
        for (; i < n; i++) dst[i] = src[i] / d;
    }

    /// <summary>dst[i] += src[i] / d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddDivided(float* src, float d, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (var dv = Vector512.Create(d); i + 16 <= n; i += 16) (Vector512.Load(dst + i) + Vector512.Load(src + i) / dv).Store(dst + i);
        else if (Vector256.IsHardwareAccelerated)
            for (var dv = Vector256.Create(d); i + 8 <= n; i += 8) (Vector256.Load(dst + i) + Vector256.Load(src + i) / dv).Store(dst + i);
        else if (Vector128.IsHardwareAccelerated)
            for (var dv = Vector128.Create(d); i + 4 <= n; i += 4) (Vector128.Load(dst + i) + Vector128.Load(src + i) / dv).Store(dst + i);
        for (; i < n; i++) dst[i] += src[i] / d;
    }

    /// <summary>dst[i] += ca·a[i] − cb·b[i].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddCombination(float* a, float ca, float* b, float cb, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(ca);
            var vb = Vector512.Create(cb);
            for (; i + 16 <= n; i += 16)
                (Vector512.Load(dst + i) + (Vector512.Load(a + i) * va - Vector512.Load(b + i) * vb)).Store(dst + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(ca);
            var vb = Vector256.Create(cb);
            for (; i + 8 <= n; i += 8)
                (Vector256.Load(dst + i) + (Vector256.Load(a + i) * va - Vector256.Load(b + i) * vb)).Store(dst + i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(ca);
            var vb = Vector128.Create(cb);
            for (; i + 4 <= n; i += 4)
                (Vector128.Load(dst + i) + (Vector128.Load(a + i) * va - Vector128.Load(b + i) * vb)).Store(dst + i);
        }
        for (; i < n; i++) dst[i] += a[i] * ca - b[i] * cb;
    }

    /// <summary>dst[i] += c·(a[i] − b[i] + e).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddScaledDiff(float* a, float* b, float e, float c, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var ev = Vector512.Create(e);
            var cv = Vector512.Create(c);
            for (; i + 16 <= n; i += 16)
                (Vector512.Load(dst + i) + (Vector512.Load(a + i) - Vector512.Load(b + i) + ev) * cv).Store(dst + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            var ev = Vector256.Create(e);
            var cv = Vector256.Create(c);
            for (; i + 8 <= n; i += 8)
                (Vector256.Load(dst + i) + (Vector256.Load(a + i) - Vector256.Load(b + i) + ev) * cv).Store(dst + i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var ev = Vector128.Create(e);
            var cv = Vector128.Create(c);
            for (; i + 4 <= n; i += 4)
                (Vector128.Load(dst + i) + (Vector128.Load(a + i) - Vector128.Load(b + i) + ev) * cv).Store(dst + i);
        }
        for (; i < n; i++) dst[i] += (a[i] - b[i] + e) * c;
    }
}
