using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>Backward-weights micro-kernels (<see cref="Gemm.DwTile"/>) and the transposes that add their tiles into dw.</summary>
internal static unsafe partial class Gemm
{
    // ---- backward-weights micro-kernels: a tile of dWᵀ over a pixel range, A read in place from a padded image ----

    /// <summary>Rows (im2col rows k = (ic, kh, kw)) of a backward-weights tile.</summary>
    public static int DwRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 6 : 4;
    }

    /// <summary>Columns (output channels) of a backward-weights tile, and the width of a packed dyᵀ panel.</summary>
    public static int DwCols
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : 8;
    }

    /// <summary>Largest DwRows·DwCols of any path.</summary>
    public const int MaxDwTile = 8 * 32;

    /// <summary>
    /// dst[r·DwCols + c] = src[r·DwCols + c] (or 0 when <paramref name="src"/> is null) + Σ over oh &lt;
    /// <paramref name="nrows"/>, ow &lt; <paramref name="ow"/> of x[offs[r] + oh·wp + ow] · b[(oh·ow + ow)·DwCols + c],
    /// for r &lt; DwRows (rows ≥ <paramref name="rows"/> repeat the last valid row): one FMA chain per element over the
    /// pixels in order. <paramref name="src"/> may equal <paramref name="dst"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DwTile(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        if (Vector512.IsHardwareAccelerated) DwTile8x32(x, offs, rows, b, nrows, ow, wp, src, dst);
        else if (Vector256.IsHardwareAccelerated) DwTile6x16(x, offs, rows, b, nrows, ow, wp, src, dst);
        else DwTile4x8(x, offs, rows, b, nrows, ow, wp, src, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile8x32(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        float* a4 = x + offs[Math.Min(4, rm)];
        float* a5 = x + offs[Math.Min(5, rm)];
        float* a6 = x + offs[Math.Min(6, rm)];
        float* a7 = x + offs[Math.Min(7, rm)];
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (src != null)
        {
            float* q = src;
            c00 = Vector512.Load(q); c01 = Vector512.Load(q + 16); q += 32;
            c10 = Vector512.Load(q); c11 = Vector512.Load(q + 16); q += 32;
            c20 = Vector512.Load(q); c21 = Vector512.Load(q + 16); q += 32;
            c30 = Vector512.Load(q); c31 = Vector512.Load(q + 16); q += 32;
            c40 = Vector512.Load(q); c41 = Vector512.Load(q + 16); q += 32;
            c50 = Vector512.Load(q); c51 = Vector512.Load(q + 16); q += 32;
            c60 = Vector512.Load(q); c61 = Vector512.Load(q + 16); q += 32;
            c70 = Vector512.Load(q); c71 = Vector512.Load(q + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 32)
            {
                Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
                { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
                { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
                { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
                { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); }
                { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp; a4 += wp; a5 += wp; a6 += wp; a7 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 16); p += 32;
        c10.Store(p); c11.Store(p + 16); p += 32;
        c20.Store(p); c21.Store(p + 16); p += 32;
        c30.Store(p); c31.Store(p + 16); p += 32;
        c40.Store(p); c41.Store(p + 16); p += 32;
        c50.Store(p); c51.Store(p + 16); p += 32;
        c60.Store(p); c61.Store(p + 16); p += 32;
        c70.Store(p); c71.Store(p + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile6x16(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        float* a4 = x + offs[Math.Min(4, rm)];
        float* a5 = x + offs[Math.Min(5, rm)];
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (src != null)
        {
            float* q = src;
            c00 = Vector256.Load(q); c01 = Vector256.Load(q + 8); q += 16;
            c10 = Vector256.Load(q); c11 = Vector256.Load(q + 8); q += 16;
            c20 = Vector256.Load(q); c21 = Vector256.Load(q + 8); q += 16;
            c30 = Vector256.Load(q); c31 = Vector256.Load(q + 8); q += 16;
            c40 = Vector256.Load(q); c41 = Vector256.Load(q + 8); q += 16;
            c50 = Vector256.Load(q); c51 = Vector256.Load(q + 8);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 16)
            {
                Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
                { Vector256<float> av = Vector256.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector256<float> av = Vector256.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector256<float> av = Vector256.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector256<float> av = Vector256.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
                { Vector256<float> av = Vector256.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
                { Vector256<float> av = Vector256.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp; a4 += wp; a5 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 8); p += 16;
        c10.Store(p); c11.Store(p + 8); p += 16;
        c20.Store(p); c21.Store(p + 8); p += 16;
        c30.Store(p); c31.Store(p + 8); p += 16;
        c40.Store(p); c41.Store(p + 8); p += 16;
        c50.Store(p); c51.Store(p + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile4x8(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (src != null)
        {
            float* q = src;
            c00 = Vector128.Load(q); c01 = Vector128.Load(q + 4); q += 8;
            c10 = Vector128.Load(q); c11 = Vector128.Load(q + 4); q += 8;
            c20 = Vector128.Load(q); c21 = Vector128.Load(q + 4); q += 8;
            c30 = Vector128.Load(q); c31 = Vector128.Load(q + 4);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<float>.Zero;
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 8)
            {
                Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
                { Vector128<float> av = Vector128.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector128<float> av = Vector128.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector128<float> av = Vector128.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector128<float> av = Vector128.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 4); p += 8;
        c10.Store(p); c11.Store(p + 4); p += 8;
        c20.Store(p); c21.Store(p + 4); p += 8;
        c30.Store(p); c31.Store(p + 4);
    }

    /// <summary>
    /// d[c·ldd + r] (=, +=) s[r·lds + c] for r &lt; <paramref name="rows"/>, c &lt; <paramref name="cols"/>: a transpose
    /// in 8×8 (AVX) and 4×4 (SSE) register blocks, scalar at the edges. Each element is one add (or copy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* s, nint lds, int rows, int cols, float* d, nint ldd, bool add)
    {
        int r0 = 0;
        if (Avx.IsSupported)
            for (; r0 + 8 <= rows; r0 += 8)
            {
                int c0 = 0;
                for (; c0 + 8 <= cols; c0 += 8) Transpose8x8(s + r0 * lds + c0, lds, d + c0 * ldd + r0, ldd, add);
                TransposeScalar(s + r0 * lds + c0, lds, 8, cols - c0, d + c0 * ldd + r0, ldd, add);
            }
        if (Sse.IsSupported)
            for (; r0 + 4 <= rows; r0 += 4)
            {
                int c0 = 0;
                for (; c0 + 4 <= cols; c0 += 4) Transpose4x4(s + r0 * lds + c0, lds, d + c0 * ldd + r0, ldd, add);
                TransposeScalar(s + r0 * lds + c0, lds, 4, cols - c0, d + c0 * ldd + r0, ldd, add);
            }
        TransposeScalar(s + r0 * lds, lds, rows - r0, cols, d + r0, ldd, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeScalar(float* s, nint lds, int rows, int cols, float* d, nint ldd, bool add)
    {
        for (int c = 0; c < cols; c++)
        {
            float* dc = d + c * ldd;
            if (add) for (int r = 0; r < rows; r++) dc[r] += s[r * lds + c];
            else for (int r = 0; r < rows; r++) dc[r] = s[r * lds + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, nint lds, float* d, nint ldd, bool add)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);
        VectorMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Store8(d, r0, add); Store8(d + ldd, r1, add); Store8(d + 2 * ldd, r2, add); Store8(d + 3 * ldd, r3, add);
        Store8(d + 4 * ldd, r4, add); Store8(d + 5 * ldd, r5, add); Store8(d + 6 * ldd, r6, add); Store8(d + 7 * ldd, r7, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* d, Vector256<float> v, bool add)
    {
        if (add) v = Avx.Add(Avx.LoadVector256(d), v);
        Avx.Store(d, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* s, nint lds, float* d, nint ldd, bool add)
    {
        Vector128<float> r0 = Sse.LoadVector128(s), r1 = Sse.LoadVector128(s + lds);
        Vector128<float> r2 = Sse.LoadVector128(s + 2 * lds), r3 = Sse.LoadVector128(s + 3 * lds);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
        Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
        Store4(d, Sse.MoveLowToHigh(t0, t1), add);
        Store4(d + ldd, Sse.MoveHighToLow(t1, t0), add);
        Store4(d + 2 * ldd, Sse.MoveLowToHigh(t2, t3), add);
        Store4(d + 3 * ldd, Sse.MoveHighToLow(t3, t2), add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* d, Vector128<float> v, bool add)
    {
        if (add) v = Sse.Add(Sse.LoadVector128(d), v);
        Sse.Store(d, v);
    }
}
