using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>Direct forward with the column F(2,3) transform (<see cref="ConvAlgorithm.ColumnWinograd"/>).</summary>
internal static unsafe partial class ConvDirect
{
    // ---- forward, 3×3 and 5×5 by Winograd F(2,3) down the columns --------------------------------------------------
    //
    // Two vertically neighbouring outputs of one kernel column, y0 = d0·g0 + d1·g1 + d2·g2 and y1 = d1·g0 + d2·g1 +
    // d3·g2 (d = input rows 2i … 2i+3, g = the column's taps kh = 0, 1, 2), take four products instead of six:
    // m0 = (d0 − d2)·g0, m1 = (d1 + d2)·(g0 + g1 + g2)/2, m2 = (d2 − d1)·(g0 − g1 + g2)/2, m3 = (d1 − d3)·g2;
    // y0 = m0 + m1 + m2, y1 = m1 − m2 − m3. A 5-tap column adds taps 3, 4 by F(2,2) on rows 2i+3 … 2i+5 (d0', d1',
    // d2'): n0 = (d0' − d1')·g3, n1 = d1'·(g3 + g4), n2 = (d2' − d1')·g4; y0 += n0 + n1, y1 += n1 + n2: 7 products
    // instead of 10, into the same 4 accumulators (n0 with m0, n1 with m1, −n2 with m3). The transforms are linear, so
    // the products are accumulated over (ic, kw) and combined once per pair of output rows. Lanes run along the row as
    // in the direct kernel, so the input transform is whole-row vector arithmetic (no shuffles) and the outputs are
    // plain row stores; it is taken once per sample straight from the unpadded input (the padded copy is skipped), the
    // weight transform once per call. The last tile of a row is shifted left to end at the row's end (it recomputes a
    // few outputs with the same arithmetic). Results differ from the direct sum by float rounding only.

    /// <summary>Transformed rows (and weight values) per output row pair and kernel column: 4 for 3×3, 7 for 5×5.</summary>
    private static int R23(in ConvGeom g) => g.KH == 3 ? 4 : 7;

    /// <summary>
    /// 3×3 or 5×5, stride 1, an even number of output rows at least 16 wide (Cifar10Net's 32- and 16-wide layers,
    /// LeNet-5's Conv1). Narrower planes stay direct: the per-call weight transform is amortised over too few outputs
    /// (measured: Cifar10Net's 8×8 Conv5 2.6 → 3.6 µs, Conv6 6.2 → 8.0 µs on this path).
    /// </summary>
    public static bool Rows23(in ConvGeom g)
        => Avx2.IsSupported && Applies(g) && g.KH == g.KW && (g.KH == 3 || g.KH == 5) && g.OW >= 2 * V && g.OH % 2 == 0
           && Wp(g) == g.OW + g.KW - 1;

    private static long U23Floats(in ConvGeom g) => UR23Floats(g) + 16;

    /// <summary>Floats of the transformed weights alone, [oc][ic][kw][R23] (what <see cref="PreparedFloats"/> holds).</summary>
    private static long UR23Floats(in ConvGeom g) => (long)g.Cout * g.Cin * g.KW * R23(g);

    /// <summary>Per part: Cin × OH/2 row pairs of R23 transformed rows, Wp wide.</summary>
    internal static long T23Floats(in ConvGeom g) => (long)g.Cin * (g.OH / 2) * R23(g) * Wp(g) + 32;

    /// <summary>
    /// u[oc][ic][kw] = (g0, (g0 + g1 + g2)/2, (g0 − g1 + g2)/2, g2[, g3, g3 + g4, −g4]) of each kernel column
    /// g = w[oc, ic, 0..KH−1, kw].
    /// </summary>
    private static void TransformWeights23(in ConvGeom g, float* w, float* u)
    {
        int cols = g.Cout * g.Cin, K = g.KW, kk = g.KH * g.KW;
        bool five = g.KH == 5;
        for (int r = 0; r < cols; r++, w += kk)
            for (int kw = 0; kw < K; kw++)
            {
                float g0 = w[kw], g1 = w[K + kw], g2 = w[2 * K + kw];
                u[0] = g0;
                u[1] = (g0 + g1 + g2) * 0.5f;
                u[2] = (g0 - g1 + g2) * 0.5f;
                u[3] = g2;
                if (five)
                {
                    float g3 = w[3 * K + kw], g4 = w[4 * K + kw];
                    u[4] = g3;
                    u[5] = g3 + g4;
                    u[6] = -g4;
                    u += 7;
                }
                else u += 4;
            }
    }

    /// <summary>
    /// t[ic][i] = (p0 − p2, p1 + p2, p2 − p1, p1 − p3[, p3 − p4, p4, p5 − p4]) for output row pair i, p = zero-padded
    /// input rows 2i …, R23 rows of Wp floats, read from the unpadded sample <paramref name="xs"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransformInput23(in ConvGeom g, float* xs, float* t)
    {
        int np = g.OH / 2, wp = Wp(g), W = g.W, H = g.H, PH = g.PH, PW = g.PW, R = R23(g);
        bool five = g.KH == 5;
        for (int ic = 0; ic < g.Cin; ic++)
        {
            float* src = xs + (nint)ic * g.InPlane;
            for (int i = 0; i < np; i++, t += R * wp)
            {
                int s0 = 2 * i - PH;
                float* p0 = Row(src, s0, H, W), p1 = Row(src, s0 + 1, H, W), p2 = Row(src, s0 + 2, H, W), p3 = Row(src, s0 + 3, H, W);
                float* p4 = five ? Row(src, s0 + 4, H, W) : null, p5 = five ? Row(src, s0 + 5, H, W) : null;
                for (int r = 0; r < R; r++)
                {
                    float* tr = t + (nint)r * wp;
                    for (int c = 0; c < PW; c++) tr[c] = 0;
                    for (int c = PW + W; c < wp; c++) tr[c] = 0;
                }
                float* t0 = t + PW;
                int j = 0;
                for (; j + V <= W; j += V)
                {
                    Vector256<float> d0 = Ld(p0, j), d1 = Ld(p1, j), d2 = Ld(p2, j), d3 = Ld(p3, j);
                    (d0 - d2).Store(t0 + j);
                    (d1 + d2).Store(t0 + wp + j);
                    (d2 - d1).Store(t0 + 2 * wp + j);
                    (d1 - d3).Store(t0 + 3 * wp + j);
                    if (five)
                    {
                        Vector256<float> d4 = Ld(p4, j), d5 = Ld(p5, j);
                        (d3 - d4).Store(t0 + 4 * wp + j);
                        d4.Store(t0 + 5 * wp + j);
                        (d5 - d4).Store(t0 + 6 * wp + j);
                    }
                }
                for (; j < W; j++)
                {
                    float d0 = p0 == null ? 0 : p0[j], d1 = p1 == null ? 0 : p1[j], d2 = p2 == null ? 0 : p2[j], d3 = p3 == null ? 0 : p3[j];
                    t0[j] = d0 - d2; t0[wp + j] = d1 + d2; t0[2 * wp + j] = d2 - d1; t0[3 * wp + j] = d1 - d3;
                    if (five)
                    {
                        float d4 = p4 == null ? 0 : p4[j], d5 = p5 == null ? 0 : p5[j];
                        t0[4 * wp + j] = d3 - d4; t0[5 * wp + j] = d4; t0[6 * wp + j] = d5 - d4;
                    }
                }
            }
        }
    }

    /// <summary>Whether <see cref="TransformMasked23(in ConvGeom, float*, float*)"/> applies: AVX-512 and padded rows at least one Vector512 wide.</summary>
    internal static bool TransformMasked23(in ConvGeom g) => Avx512F.IsSupported && Vector512.IsHardwareAccelerated && Wp(g) >= 2 * V;

    /// <summary>
    /// <see cref="TransformInput23"/> in whole Vector512s of the zero-padded rows, padding columns included, the last
    /// vector of a row shifted left to end at the row's end. Each vector of a padded row is a masked load of the
    /// unpadded input row (no load in the padding columns, no padded copy): the padding reads as +0, and 0 − 0 and
    /// 0 + 0 are the +0 the unpadded form writes there. The same values bit for bit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void TransformMasked23(in ConvGeom g, float* xs, float* t)
    {
        int np = g.OH / 2, wp = Wp(g), R = R23(g), W = g.W, H = g.H, PH = g.PH, PW = g.PW;
        bool five = g.KH == 5;
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int ic = 0; ic < g.Cin; ic++)
        {
            float* src = xs + (nint)ic * g.InPlane;
            for (int i = 0; i < np; i++, t += R * wp)
            {
                int s0 = 2 * i - PH;
                float* p0 = Row(src, s0, H, W), p1 = Row(src, s0 + 1, H, W), p2 = Row(src, s0 + 2, H, W), p3 = Row(src, s0 + 3, H, W);
                float* p4 = five ? Row(src, s0 + 4, H, W) : null, p5 = five ? Row(src, s0 + 5, H, W) : null;
                for (int j = 0; ; j += 16)
                {
                    bool last = j + 16 >= wp;
                    if (last) j = wp - 16;
                    // padded columns j … j + 15 are input columns j − PW …: the lanes inside the row
                    Vector512<int> col = lane + Vector512.Create(j - PW);
                    Vector512<float> m = (Vector512.GreaterThanOrEqual(col, Vector512<int>.Zero) & Vector512.LessThan(col, Vector512.Create(W))).AsSingle();
                    int at = j - PW;
                    float* tj = t + j;
                    Vector512<float> d0 = Masked(p0, at, m), d1 = Masked(p1, at, m), d2 = Masked(p2, at, m), d3 = Masked(p3, at, m);
                    (d0 - d2).Store(tj);
                    (d1 + d2).Store(tj + wp);
                    (d2 - d1).Store(tj + 2 * wp);
                    (d1 - d3).Store(tj + 3 * wp);
                    if (five)
                    {
                        Vector512<float> d4 = Masked(p4, at, m), d5 = Masked(p5, at, m);
                        (d3 - d4).Store(tj + 4 * wp);
                        d4.Store(tj + 5 * wp);
                        (d5 - d4).Store(tj + 6 * wp);
                    }
                    if (last) break;
                }
            }
        }
    }

    /// <summary>
    /// The lanes of <paramref name="m"/> from row <paramref name="p"/> at column <paramref name="at"/> (+0 elsewhere,
    /// nothing read there); +0 for a row in the padding (null). .NET 8 has no AVX-512 masked load: two AVX ones.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Masked(float* p, int at, Vector512<float> m)
    {
        if (p == null) return Vector512<float>.Zero;
#if NET9_0_OR_GREATER
        return Avx512F.MaskLoad(p + at, m, Vector512<float>.Zero);
#else
        return Vector512.Create(Avx.MaskLoad(p + at, m.GetLower()), Avx.MaskLoad(p + at + 8, m.GetUpper()));
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Row(float* src, int r, int h, int w) => (uint)r < (uint)h ? src + (nint)r * w : null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Ld(float* p, int j) => p == null ? default : Vector256.Load(p + j);

    /// <summary>
    /// Whether <see cref="Block23{TO}"/> takes the 2×2/stride-2 max-pool of its tiles itself: Vector512 tiles (each
    /// holds both rows of a window row), an even row width (tiles start at even columns) and an activation applied
    /// in the tile store (none or ReLU).
    /// </summary>
    public static bool PoolInTiles23(in ConvGeom g, Activation act, int poolH, int poolW)
        => Avx512F.IsSupported && Vector512.IsHardwareAccelerated && g.OW >= 2 * V && g.OW % 2 == 0
           && poolH == g.OH / 2 && poolW == g.OW / 2 && act is Activation.None or Activation.ReLU;

    /// <summary>One channel block; with <paramref name="pooled"/> (only where <see cref="PoolInTiles23"/>) also its pooled planes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block23<TO>(in ConvGeom g, float* t, float* u, float* b, float* y, bool relu, float* pooled)
        where TO : struct, ICount
    {
        if (g.KH == 5) Block23<TO, O5>(g, t, u, b, y, relu, pooled);
        else Block23<TO, O3>(g, t, u, b, y, relu, pooled);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block23<TO, TK>(in ConvGeom g, float* t, float* u, float* b, float* y, bool relu, float* pooled)
        where TO : struct, ICount where TK : struct, ICount
    {
        int np = g.OH / 2, wp = Wp(g), OW = g.OW, R = default(TK).Value == 5 ? 7 : 4;
        nint icStride = (nint)np * R * wp;
        int vw = Vector512.IsHardwareAccelerated && OW >= 2 * V ? 2 * V : V;
        int poolW = OW / 2, pn = np * poolW;
        for (int i = 0; i < np; i++)
        {
            // Vector512: two row pairs in a tile where there are two left (the last of an odd count alone)
            bool two = vw == 2 * V && i + 1 < np;
            for (int ow = 0; ; ow += vw)
            {
                bool last = ow + vw >= OW;
                if (last) ow = OW - vw;       // the last tile ends at the row's end (recomputes an overlap, same values)
                float* ti = t + (nint)i * R * wp + ow;
                float* yi = y + (nint)2 * i * OW + ow;
                float* pi = pooled == null ? null : pooled + (nint)i * poolW + ow / 2;
                if (two) Block23W<TO, O2, TK>(g.Cin, icStride, wp, ti, (nint)R * wp, u, b, yi, OW, g.N, relu, pi, pn, poolW);
                else if (vw == 2 * V) Block23W<TO, O1, TK>(g.Cin, icStride, wp, ti, 0, u, b, yi, OW, g.N, relu, pi, pn, poolW);
                else Tile23<TO, TK>(g.Cin, icStride, wp, ti, u, b, yi, OW, g.N, relu);
                if (last) break;
            }
            if (two) i++;
        }
    }

    /// <summary>
    /// <typeparamref name="TP"/> row pairs (i, or i and i + 1) at the same 16 columns for the block's channels, at most
    /// 3 at a time (6 → 3 + 3, 5 → 3 + 2, 4 → 2 + 2) by <see cref="Tile23W{TO, TP, TK}"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Block23W<TO, TP, TK>(int cin, nint icStride, int wp, float* t, nint pairStride, float* u, float* b, float* y, int ow,
        int ldy, bool relu, float* pooled, int pn, int poolW) where TO : struct, ICount where TP : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, first = no > 3 ? (no + 1) / 2 : no, ou = cin * default(TK).Value * (default(TK).Value == 5 ? 7 : 4);
        Channels<TP, TK>(first, cin, icStride, wp, t, pairStride, u, b, y, ow, ldy, relu, pooled, pn, poolW);
        if (no > first)
            Channels<TP, TK>(no - first, cin, icStride, wp, t, pairStride, u + (nint)first * ou, b == null ? null : b + first,
                y + (nint)first * ldy, ow, ldy, relu, pooled == null ? null : pooled + (nint)first * pn, pn, poolW);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Channels<TP, TK>(int no, int cin, nint icStride, int wp, float* t, nint pairStride, float* u, float* b, float* y, int ow,
        int ldy, bool relu, float* pooled, int pn, int poolW) where TP : struct, ICount where TK : struct, ICount
    {
        switch (no)
        {
            case 3: Tile23W<O3, TP, TK>(cin, icStride, wp, t, pairStride, u, b, y, ow, ldy, relu, pooled, pn, poolW); break;
            case 2: Tile23W<O2, TP, TK>(cin, icStride, wp, t, pairStride, u, b, y, ow, ldy, relu, pooled, pn, poolW); break;
            default: Tile23W<O1, TP, TK>(cin, icStride, wp, t, pairStride, u, b, y, ow, ldy, relu, pooled, pn, poolW); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile23<TO, TK>(int cin, nint icStride, int wp, float* t, float* u, float* b, float* y, int ow, int ldy, bool relu)
        where TO : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, K = default(TK).Value;
        if (no > 5) throw new InvalidOperationException("The Vector256 F(2,3) tile takes at most 5 channels.");
        bool five = K == 5;
        int R = five ? 7 : 4, ou = cin * K * R;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector256<float> a40 = default, a41 = default, a42 = default, a43 = default;
        if (no > 0) a01 = Bias(b, 0);
        if (no > 1) a11 = Bias(b, 1);
        if (no > 2) a21 = Bias(b, 2);
        if (no > 3) a31 = Bias(b, 3);
        if (no > 4) a41 = Bias(b, 4);
        for (int ic = 0; ic < cin; ic++, t += icStride)
        {
            for (int kw = 0; kw < K; kw++, u += R)
            {
                float* tk = t + kw;
                Vector256<float> t0 = Vector256.Load(tk), t1 = Vector256.Load(tk + wp), t2 = Vector256.Load(tk + 2 * wp), t3 = Vector256.Load(tk + 3 * wp);
                Vector256<float> t4 = default, t5 = default, t6 = default;
                if (five) { t4 = Vector256.Load(tk + 4 * wp); t5 = Vector256.Load(tk + 5 * wp); t6 = Vector256.Load(tk + 6 * wp); }
                if (no > 0) Acc(u, t0, t1, t2, t3, t4, t5, t6, five, ref a00, ref a01, ref a02, ref a03);
                if (no > 1) Acc(u + ou, t0, t1, t2, t3, t4, t5, t6, five, ref a10, ref a11, ref a12, ref a13);
                if (no > 2) Acc(u + 2 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a20, ref a21, ref a22, ref a23);
                if (no > 3) Acc(u + 3 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a30, ref a31, ref a32, ref a33);
                if (no > 4) Acc(u + 4 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a40, ref a41, ref a42, ref a43);
            }
        }
        if (no > 0) Store23(y, ow, a00, a01, a02, a03, relu);
        if (no > 1) Store23(y + ldy, ow, a10, a11, a12, a13, relu);
        if (no > 2) Store23(y + 2 * (nint)ldy, ow, a20, a21, a22, a23, relu);
        if (no > 3) Store23(y + 3 * (nint)ldy, ow, a30, a31, a32, a33, relu);
        if (no > 4) Store23(y + 4 * (nint)ldy, ow, a40, a41, a42, a43, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Acc(float* u, Vector256<float> t0, Vector256<float> t1, Vector256<float> t2, Vector256<float> t3,
        Vector256<float> t4, Vector256<float> t5, Vector256<float> t6, bool five,
        ref Vector256<float> a0, ref Vector256<float> a1, ref Vector256<float> a2, ref Vector256<float> a3)
    {
        a0 = Gemm.Fma(t0, Vector256.Create(u[0]), a0); a1 = Gemm.Fma(t1, Vector256.Create(u[1]), a1);
        a2 = Gemm.Fma(t2, Vector256.Create(u[2]), a2); a3 = Gemm.Fma(t3, Vector256.Create(u[3]), a3);
        if (five)
        {
            a0 = Gemm.Fma(t4, Vector256.Create(u[4]), a0); a1 = Gemm.Fma(t5, Vector256.Create(u[5]), a1);
            a3 = Gemm.Fma(t6, Vector256.Create(u[6]), a3);
        }
    }

    /// <summary>Row 2i: m0 + m1 + m2; row 2i + 1: m1 − m2 − m3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store23(float* y, int ow, Vector256<float> m0, Vector256<float> m1, Vector256<float> m2, Vector256<float> m3, bool relu)
    {
        Act(m0 + m1 + m2, relu).Store(y);
        Act(m1 - m2 - m3, relu).Store(y + ow);
    }

    // Vector512 forms (rows at least 16 wide, AVX-512)

    /// <summary>
    /// <typeparamref name="TP"/> tiles (row pair i, or i and i + 1, <paramref name="pairStride"/> apart in the transformed
    /// rows; the same 16 columns) × up to 3 channels, 4 accumulators each: m0 takes the products of transformed rows 0
    /// and 4 of a kernel column, m1 of rows 1 and 5, m2 of row 2, m3 of rows 3 and 6, over (ic, kw) in order. Per
    /// transformed row the tiles' vectors and the channels' weights are loaded once: two tiles of 3 channels take 5
    /// loads for 6 FMAs (a core here loads two vectors per cycle; one tile of 6 channels took 7 and waited on them).
    /// The order of each accumulator's products does not depend on the tile's shape, so a row pair gives the same bits
    /// alone or beside another.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile23W<TO, TP, TK>(int cin, nint icStride, int wp, float* t, nint pairStride, float* u, float* b, float* y, int ow, int ldy,
        bool relu, float* pooled, int pn, int poolW) where TO : struct, ICount where TP : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, K = default(TK).Value;
        bool five = K == 5, two = default(TP).Value == 2;
        int R = five ? 7 : 4, ou = cin * K * R;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> b00 = default, b01 = default, b02 = default, b03 = default;
        Vector512<float> b10 = default, b11 = default, b12 = default, b13 = default;
        Vector512<float> b20 = default, b21 = default, b22 = default, b23 = default;
        if (no > 0) b01 = a01 = Bias512(b, 0);
        if (no > 1) b11 = a11 = Bias512(b, 1);
        if (no > 2) b21 = a21 = Bias512(b, 2);
        for (int ic = 0; ic < cin; ic++, t += icStride)
        {
            for (int kw = 0; kw < K; kw++, u += R)
            {
                float* ta = t + kw, tb = ta + pairStride;
                Col2<TO, TP>(ta, tb, u, ou, 0, ref a00, ref a10, ref a20, ref b00, ref b10, ref b20);
                Col2<TO, TP>(ta + wp, tb + wp, u, ou, 1, ref a01, ref a11, ref a21, ref b01, ref b11, ref b21);
                Col2<TO, TP>(ta + 2 * wp, tb + 2 * wp, u, ou, 2, ref a02, ref a12, ref a22, ref b02, ref b12, ref b22);
                Col2<TO, TP>(ta + 3 * wp, tb + 3 * wp, u, ou, 3, ref a03, ref a13, ref a23, ref b03, ref b13, ref b23);
                if (five)
                {
                    Col2<TO, TP>(ta + 4 * wp, tb + 4 * wp, u, ou, 4, ref a00, ref a10, ref a20, ref b00, ref b10, ref b20);
                    Col2<TO, TP>(ta + 5 * wp, tb + 5 * wp, u, ou, 5, ref a01, ref a11, ref a21, ref b01, ref b11, ref b21);
                    Col2<TO, TP>(ta + 6 * wp, tb + 6 * wp, u, ou, 6, ref a03, ref a13, ref a23, ref b03, ref b13, ref b23);
                }
            }
        }
        float* yb = y + 2 * (nint)ow;                                 // row pair i + 1
        float* pb = pooled == null ? null : pooled + poolW;
        Store23W(y, ow, a00, a01, a02, a03, relu, pooled);
        if (two) Store23W(yb, ow, b00, b01, b02, b03, relu, pb);
        if (no > 1)
        {
            Store23W(y + ldy, ow, a10, a11, a12, a13, relu, pooled == null ? null : pooled + pn);
            if (two) Store23W(yb + ldy, ow, b10, b11, b12, b13, relu, pb == null ? null : pb + pn);
        }
        if (no > 2)
        {
            Store23W(y + 2 * (nint)ldy, ow, a20, a21, a22, a23, relu, pooled == null ? null : pooled + 2 * (nint)pn);
            if (two) Store23W(yb + 2 * (nint)ldy, ow, b20, b21, b22, b23, relu, pb == null ? null : pb + 2 * (nint)pn);
        }
    }

    /// <summary>a_c += ta·u[c·ou + r] (and with two tiles b_c += tb·u[c·ou + r]) for the tiles' channels c, each weight loaded once.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Col2<TO, TP>(float* ta, float* tb, float* u, int ou, int r, ref Vector512<float> a0, ref Vector512<float> a1,
        ref Vector512<float> a2, ref Vector512<float> b0, ref Vector512<float> b1, ref Vector512<float> b2) where TO : struct, ICount where TP : struct, ICount
    {
        int no = default(TO).Value;
        bool two = default(TP).Value == 2;
        Vector512<float> va = Vector512.Load(ta), vb = two ? Vector512.Load(tb) : default;
        var w0 = Vector512.Create(u[r]);
        a0 = Gemm.Fma(va, w0, a0); if (two) b0 = Gemm.Fma(vb, w0, b0);
        if (no > 1) { var w1 = Vector512.Create(u[ou + r]); a1 = Gemm.Fma(va, w1, a1); if (two) b1 = Gemm.Fma(vb, w1, b1); }
        if (no > 2) { var w2 = Vector512.Create(u[2 * ou + r]); a2 = Gemm.Fma(va, w2, a2); if (two) b2 = Gemm.Fma(vb, w2, b2); }
    }

    /// <summary>Vector512 form of <see cref="Store23"/>; with <paramref name="pooled"/> also the 8 values of the 2×2 max-pool.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store23W(float* y, int ow, Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, bool relu,
        float* pooled)
    {
        Vector512<float> r0 = Act(m0 + m1 + m2, relu), r1 = Act(m1 - m2 - m3, relu);
        r0.Store(y);
        r1.Store(y + ow);
        if (pooled != null) Pool2x2.Max2x2(r0, r1).Store(pooled);
    }
}
