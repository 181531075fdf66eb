using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>An element-wise operation on one input, at every vector width.</summary>
internal interface IVecOp1
{
    Vector128<float> Invoke(Vector128<float> a);
    Vector256<float> Invoke(Vector256<float> a);
    Vector512<float> Invoke(Vector512<float> a);
}

/// <summary>An element-wise operation on two inputs, at every vector width.</summary>
internal interface IVecOp2
{
    Vector128<float> Invoke(Vector128<float> a, Vector128<float> b);
    Vector256<float> Invoke(Vector256<float> a, Vector256<float> b);
    Vector512<float> Invoke(Vector512<float> a, Vector512<float> b);
}

/// <summary>
/// SIMD exp, sigmoid and tanh for Vector128/256/512 (Vector512.Exp does not exist on net8.0), and element-wise drivers.
/// exp is Cephes' expf polynomial (≈1 ulp) evaluated with separate multiplies and adds (no FMA), so every width gives
/// bit-identical results; tails run one element at a time in lane 0 of a Vector128, so an element's result does not depend on
/// its position. exp(x) is 0 below −87.34, +∞ above 88.72, and exp(88) in between (callers only use x ≤ 0 there).
/// exp(NaN) is NaN: the clamp puts x second in Max/Min, so that the NaN survives both on net10.0 (IEEE 754:2019
/// maximum/minimum, which propagate NaN) and on net8.0, whose x86 Max/Min are maxps/minps (they return the second operand
/// when either is NaN).
/// </summary>
internal static class VectorMath
{
    /// <summary>All ones in lanes [0, <paramref name="n"/>) (n from 0 to 16): the mask of a row's last, partial vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FirstLanes(int n)
        => Vector512.LessThan(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create(n)).AsSingle();

    /// <summary>
    /// Transposes the 8×8 block held in r0…r7 (row i = ri) in registers: afterwards ri holds column i. AVX only; the
    /// one shared implementation of the unpack/shuffle/permute network the kernels' 8×8 transposes use.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x8(ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2,
        ref Vector256<float> r3, ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6,
        ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20); r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20); r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31); r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31); r7 = Avx.Permute2x128(u3, u7, 0x31);
    }

    private const float Log2E = 1.44269504088896341f, C1 = 0.693359375f, C2 = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f, P1 = 1.3981999507e-3f, P2 = 8.3334519073e-3f,
                        P3 = 4.1665795894e-2f, P4 = 1.6666665459e-1f, P5 = 5.0000001201e-1f;
    private const float ExpClampHi = 88.0f, ExpInf = 88.72283935546875f, ExpZero = -87.33654022216797f;
    private const float TanhSmall = 0.2f, T3 = -1f / 3f, T5 = 2f / 15f, T7 = -17f / 315f;

    // ---- exp -------------------------------------------------------------------------------------------------------
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Exp(Vector512<float> x)
    {
        Vector512<float> xc = Vector512.Min(Vector512.Create(ExpClampHi), Vector512.Max(Vector512.Create(ExpZero), x));
        Vector512<float> fx = Vector512.Floor(xc * Vector512.Create(Log2E) + Vector512.Create(0.5f));
        Vector512<float> r = xc - fx * Vector512.Create(C1) - fx * Vector512.Create(C2);
        Vector512<float> z = r * r;
        Vector512<float> p = Vector512.Create(P0) * r + Vector512.Create(P1);
        p = p * r + Vector512.Create(P2);
        p = p * r + Vector512.Create(P3);
        p = p * r + Vector512.Create(P4);
        p = p * r + Vector512.Create(P5);
        p = p * z + r + Vector512<float>.One;
        Vector512<int> n = Vector512.ConvertToInt32(fx) + Vector512.Create(127);
        Vector512<float> e = p * Vector512.ShiftLeft(n, 23).AsSingle();
        e = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512.Create(ExpZero)), Vector512<float>.Zero, e);
        return Vector512.ConditionalSelect(Vector512.GreaterThan(x, Vector512.Create(ExpInf)), Vector512.Create(float.PositiveInfinity), e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Exp(Vector256<float> x)
    {
        Vector256<float> xc = Vector256.Min(Vector256.Create(ExpClampHi), Vector256.Max(Vector256.Create(ExpZero), x));
        Vector256<float> fx = Vector256.Floor(xc * Vector256.Create(Log2E) + Vector256.Create(0.5f));
        Vector256<float> r = xc - fx * Vector256.Create(C1) - fx * Vector256.Create(C2);
        Vector256<float> z = r * r;
        Vector256<float> p = Vector256.Create(P0) * r + Vector256.Create(P1);
        p = p * r + Vector256.Create(P2);
        p = p * r + Vector256.Create(P3);
        p = p * r + Vector256.Create(P4);
        p = p * r + Vector256.Create(P5);
        p = p * z + r + Vector256<float>.One;
        Vector256<int> n = Vector256.ConvertToInt32(fx) + Vector256.Create(127);
        Vector256<float> e = p * Vector256.ShiftLeft(n, 23).AsSingle();
        e = Vector256.ConditionalSelect(Vector256.LessThan(x, Vector256.Create(ExpZero)), Vector256<float>.Zero, e);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(x, Vector256.Create(ExpInf)), Vector256.Create(float.PositiveInfinity), e);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Exp(Vector128<float> x)
    {
        Vector128<float> xc = Vector128.Min(Vector128.Create(ExpClampHi), Vector128.Max(Vector128.Create(ExpZero), x));
        Vector128<float> fx = Vector128.Floor(xc * Vector128.Create(Log2E) + Vector128.Create(0.5f));
        Vector128<float> r = xc - fx * Vector128.Create(C1) - fx * Vector128.Create(C2);
        Vector128<float> z = r * r;
        Vector128<float> p = Vector128.Create(P0) * r + Vector128.Create(P1);
        p = p * r + Vector128.Create(P2);
        p = p * r + Vector128.Create(P3);
        p = p * r + Vector128.Create(P4);
        p = p * r + Vector128.Create(P5);
        p = p * z + r + Vector128<float>.One;
        Vector128<int> n = Vector128.ConvertToInt32(fx) + Vector128.Create(127);
        Vector128<float> e = p * Vector128.ShiftLeft(n, 23).AsSingle();
        e = Vector128.ConditionalSelect(Vector128.LessThan(x, Vector128.Create(ExpZero)), Vector128<float>.Zero, e);
        return Vector128.ConditionalSelect(Vector128.GreaterThan(x, Vector128.Create(ExpInf)), Vector128.Create(float.PositiveInfinity), e);
    }

    /// <summary>Scalar exp with exactly the vector arithmetic (lane 0 of the Vector128 path).</summary>
    public static float Exp(float x) => Exp(Vector128.CreateScalar(x)).ToScalar();

    // ---- sigmoid: 1 / (1 + exp(−x)) ----------------------------------------------------------------------------------
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Vector512<float>.One / (Vector512<float>.One + Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Vector256<float>.One / (Vector256<float>.One + Exp(-x));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Vector128<float>.One / (Vector128<float>.One + Exp(-x));

    // ---- tanh: odd Taylor polynomial for |x| < 0.2, else sign(x)·(1 − e)/(1 + e) with e = exp(−2|x|) ------------------
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x)
    {
        Vector512<float> ax = Vector512.Abs(x);
        Vector512<float> e = Exp(ax * Vector512.Create(-2f));
        Vector512<float> big = (Vector512<float>.One - e) / (Vector512<float>.One + e);
        big = big | (x & Vector512.Create(-0f));                            // copy the sign of x
        Vector512<float> x2 = x * x;
        Vector512<float> small = Vector512.Create(T7) * x2 + Vector512.Create(T5);
        small = small * x2 + Vector512.Create(T3);
        small = small * x2 * x + x;
        return Vector512.ConditionalSelect(Vector512.LessThan(ax, Vector512.Create(TanhSmall)), small, big);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x)
    {
        Vector256<float> ax = Vector256.Abs(x);
        Vector256<float> e = Exp(ax * Vector256.Create(-2f));
        Vector256<float> big = (Vector256<float>.One - e) / (Vector256<float>.One + e);
        big = big | (x & Vector256.Create(-0f));
        Vector256<float> x2 = x * x;
        Vector256<float> small = Vector256.Create(T7) * x2 + Vector256.Create(T5);
        small = small * x2 + Vector256.Create(T3);
        small = small * x2 * x + x;
        return Vector256.ConditionalSelect(Vector256.LessThan(ax, Vector256.Create(TanhSmall)), small, big);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x)
    {
        Vector128<float> ax = Vector128.Abs(x);
        Vector128<float> e = Exp(ax * Vector128.Create(-2f));
        Vector128<float> big = (Vector128<float>.One - e) / (Vector128<float>.One + e);
        big = big | (x & Vector128.Create(-0f));
        Vector128<float> x2 = x * x;
        Vector128<float> small = Vector128.Create(T7) * x2 + Vector128.Create(T5);
        small = small * x2 + Vector128.Create(T3);
        small = small * x2 * x + x;
        return Vector128.ConditionalSelect(Vector128.LessThan(ax, Vector128.Create(TanhSmall)), small, big);
    }

    // ---- drivers -----------------------------------------------------------------------------------------------------
    /// <summary>dst[i] = op(src[i]) (or dst[i] += op(src[i]) when <paramref name="accumulate"/>). src may be dst.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(TOp op, ReadOnlySpan<float> src, Span<float> dst, bool accumulate) where TOp : struct, IVecOp1
    {
        ref float s = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(src);
        ref float d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        nuint n = (nuint)src.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> r = op.Invoke(Vector512.LoadUnsafe(ref s, i));
                if (accumulate) r = Vector512.LoadUnsafe(ref d, i) + r;
                r.StoreUnsafe(ref d, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> r = op.Invoke(Vector256.LoadUnsafe(ref s, i));
                if (accumulate) r = Vector256.LoadUnsafe(ref d, i) + r;
                r.StoreUnsafe(ref d, i);
            }
        }
        for (; i + 4 <= n; i += 4)
        {
            Vector128<float> r = op.Invoke(Vector128.LoadUnsafe(ref s, i));
            if (accumulate) r = Vector128.LoadUnsafe(ref d, i) + r;
            r.StoreUnsafe(ref d, i);
        }
        for (; i < n; i++)
        {
            float r = op.Invoke(Vector128.CreateScalar(Unsafe.Add(ref s, i))).ToScalar();
            Unsafe.Add(ref d, i) = accumulate ? Unsafe.Add(ref d, i) + r : r;
        }
    }

    /// <summary>dst[i] = op(a[i], b[i]) (or += when <paramref name="accumulate"/>). a or b may be dst.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Map<TOp>(TOp op, ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst, bool accumulate) where TOp : struct, IVecOp2
    {
        ref float pa = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a);
        ref float pb = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(b);
        ref float d = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(dst);
        nuint n = (nuint)a.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + 16 <= n; i += 16)
            {
                Vector512<float> r = op.Invoke(Vector512.LoadUnsafe(ref pa, i), Vector512.LoadUnsafe(ref pb, i));
                if (accumulate) r = Vector512.LoadUnsafe(ref d, i) + r;
                r.StoreUnsafe(ref d, i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 8 <= n; i += 8)
            {
                Vector256<float> r = op.Invoke(Vector256.LoadUnsafe(ref pa, i), Vector256.LoadUnsafe(ref pb, i));
                if (accumulate) r = Vector256.LoadUnsafe(ref d, i) + r;
                r.StoreUnsafe(ref d, i);
            }
        }
        for (; i + 4 <= n; i += 4)
        {
            Vector128<float> r = op.Invoke(Vector128.LoadUnsafe(ref pa, i), Vector128.LoadUnsafe(ref pb, i));
            if (accumulate) r = Vector128.LoadUnsafe(ref d, i) + r;
            r.StoreUnsafe(ref d, i);
        }
        for (; i < n; i++)
        {
            float r = op.Invoke(Vector128.CreateScalar(Unsafe.Add(ref pa, i)), Vector128.CreateScalar(Unsafe.Add(ref pb, i))).ToScalar();
            Unsafe.Add(ref d, i) = accumulate ? Unsafe.Add(ref d, i) + r : r;
        }
    }
}
