using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// The depthwise forward of 3×3 layers with stride 2 and padding 1 (MobileNet's down-sampling layers), on AVX-512,
/// straight from the input plane: no padded, phase-split copy.
/// </summary>
/// <remarks>
/// <para>Output column ow reads input columns 2·ow − 1, 2·ow and 2·ow + 1. For 16 output columns the kernel loads the
/// 32 input columns 2·ow0 .. 2·ow0 + 31 of a row as two vectors and splits them with two two-source permutes into the
/// even columns (tap kw = 1) and the odd ones (kw = 2); the columns 2·ow − 1 (kw = 0) are the odd vector moved up one
/// lane with the previous vector's last odd column shifted in (one <c>valignd</c>; 0 at the row's start, the left
/// padding). Lanes past the row's end load 0 under a mask (the right padding) and never fault; a row above the first
/// or below the last is a row of zeros. Two output rows run together and share their middle input row (five input
/// rows for two output rows). Each output is the bias, then one FMA per tap in (kh, kw) order, a padded tap multiplying
/// 0: the same sequence of roundings as the padded kernel (ConvDepthwise.cs), so the same bits; the BatchNorm epilogue
/// runs in registers as in ConvDepthwise.Same3x3.cs.</para>
/// </remarks>
internal static unsafe partial class ConvDepthwise
{
    /// <summary>
    /// Whether the forward of <paramref name="g"/> takes the direct stride-2 path: 3×3, stride 2, dilation 1, padding 1,
    /// AVX-512 hardware, and no test forcing a narrower width.
    /// </summary>
    internal static bool Stride2x3(in ConvGeom g)
    {
#if NET9_0_OR_GREATER
        return Direct512 && g.KH == 3 && g.KW == 3 && g.SH == 2 && g.SW == 2 && g.DH == 1 && g.DW == 1 && g.PH == 1 && g.PW == 1;
#else
        return false;
#endif
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// One plane: v = bias + conv3×3/2(x), written by <paramref name="output"/>; x is H×W, y OH×OW;
    /// <paramref name="zero"/>: a row of zeros readable from zero to zero + W.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Stride2Plane<TOut>(float* x, int H, int W, int OH, int OW, float* w, float bias, float* y,
        TOut output, float* zero) where TOut : struct, IPlaneOut
    {
        Vector512<float> w0 = Vector512.Create(w[0]), w1 = Vector512.Create(w[1]), w2 = Vector512.Create(w[2]);
        Vector512<float> w3 = Vector512.Create(w[3]), w4 = Vector512.Create(w[4]), w5 = Vector512.Create(w[5]);
        Vector512<float> w6 = Vector512.Create(w[6]), w7 = Vector512.Create(w[7]), w8 = Vector512.Create(w[8]);
        Vector512<float> bv = Vector512.Create(bias);
        Vector512<int> iota = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        // the permutes' lane indices: the even, then the odd columns of two vectors
        var ie = new Lanes2(Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30),
            Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31));
        for (int oh = 0; oh < OH; oh += 2)
        {
            // input rows 2·oh − 1 .. 2·oh + 3: rows 0–2 feed output row oh, rows 2–4 output row oh + 1
            int ih = 2 * oh - 1;
            float* r0 = Row(x, ih, H, W, zero), r1 = Row(x, ih + 1, H, W, zero), r2 = Row(x, ih + 2, H, W, zero);
            float* r3 = Row(x, ih + 3, H, W, zero), r4 = Row(x, ih + 4, H, W, zero);
            bool two = oh + 1 < OH;
            float* yr = y + (nint)oh * OW;
            // the four input rows the pair after the next but one adds (past the plane: the next plane's, which
            // follows it in memory); rows this short are too few for the hardware prefetcher to follow
            float* pf = x + (nint)(ih + 5 + PrefetchRows) * W;
            for (int i = 0; i < 4 * W; i += 16) Sse.Prefetch0(pf + i);
            // each row's odd columns of the previous vector (its last lane is column 2·ow0 − 1; 0 before the row)
            Vector512<float> p0 = default, p1 = default, p2 = default, p3 = default, p4 = default;
            for (int ow0 = 0; ow0 < OW; ow0 += 16)
            {
                int c0 = 2 * ow0;
                Vector512<float> e0, o0, l0, e1, o1, l1, e2, o2, l2, e3, o3, l3, e4, o4, l4;
                if (c0 + 32 <= W)
                {
                    var m = default(Unmasked2);
                    Split(r0 + c0, m, ie, ref p0, out l0, out e0, out o0);
                    Split(r1 + c0, m, ie, ref p1, out l1, out e1, out o1);
                    Split(r2 + c0, m, ie, ref p2, out l2, out e2, out o2);
                    Split(r3 + c0, m, ie, ref p3, out l3, out e3, out o3);
                    Split(r4 + c0, m, ie, ref p4, out l4, out e4, out o4);
                }
                else
                {
                    // the row's last columns: lanes at or past W load 0
                    Vector512<int> col = Vector512.Create(c0) + iota;
                    var m = new HalfMask(Vector512.LessThan(col, Vector512.Create(W)).AsSingle(),
                        Vector512.LessThan(col, Vector512.Create(W - 16)).AsSingle());
                    Split(r0 + c0, m, ie, ref p0, out l0, out e0, out o0);
                    Split(r1 + c0, m, ie, ref p1, out l1, out e1, out o1);
                    Split(r2 + c0, m, ie, ref p2, out l2, out e2, out o2);
                    Split(r3 + c0, m, ie, ref p3, out l3, out e3, out o3);
                    Split(r4 + c0, m, ie, ref p4, out l4, out e4, out o4);
                }
                Vector512<float> a = bv;
                a = Gemm.Fma(l0, w0, a); a = Gemm.Fma(e0, w1, a); a = Gemm.Fma(o0, w2, a);
                a = Gemm.Fma(l1, w3, a); a = Gemm.Fma(e1, w4, a); a = Gemm.Fma(o1, w5, a);
                a = Gemm.Fma(l2, w6, a); a = Gemm.Fma(e2, w7, a); a = Gemm.Fma(o2, w8, a);
                Vector512<float> b = bv;
                b = Gemm.Fma(l2, w0, b); b = Gemm.Fma(e2, w1, b); b = Gemm.Fma(o2, w2, b);
                b = Gemm.Fma(l3, w3, b); b = Gemm.Fma(e3, w4, b); b = Gemm.Fma(o3, w5, b);
                b = Gemm.Fma(l4, w6, b); b = Gemm.Fma(e4, w7, b); b = Gemm.Fma(o4, w8, b);
                if (ow0 + 16 <= OW)
                {
                    output.Store(a, yr + ow0);
                    if (two) output.Store(b, yr + OW + ow0);
                }
                else
                {
                    Vector512<float> keep = Vector512.LessThan(Vector512.Create(ow0) + iota, Vector512.Create(OW)).AsSingle();
                    output.StoreMasked(a, yr + ow0, keep);
                    if (two) output.StoreMasked(b, yr + OW + ow0, keep);
                }
            }
        }
    }

    /// <summary>
    /// Input columns c0 .. c0 + 31 of one row (<paramref name="p"/> at c0) split into the columns 2·ow − 1, 2·ow and
    /// 2·ow + 1 of the vector's 16 outputs; <paramref name="prevOdd"/> carries the odd columns to the next vector.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Split<TM>(float* p, TM m, in Lanes2 ix, ref Vector512<float> prevOdd, out Vector512<float> left,
        out Vector512<float> even, out Vector512<float> odd) where TM : struct, ILoad2
    {
        Vector512<float> lo = m.Lo(p), hi = m.Hi(p + 16);
        even = Avx512F.PermuteVar16x32x2(lo, ix.Even, hi);
        odd = Avx512F.PermuteVar16x32x2(lo, ix.Odd, hi);
        // lane 0: the previous vector's last odd column (2·ow0 − 1), lanes 1–15: this vector's odd columns 0–14
        left = Avx512F.AlignRight32(odd.AsInt32(), prevOdd.AsInt32(), 15).AsSingle();
        prevOdd = odd;
    }

    private readonly struct Lanes2(Vector512<int> even, Vector512<int> odd)
    {
        public readonly Vector512<int> Even = even, Odd = odd;
    }

    /// <summary>The loads of a row's two 16-column halves.</summary>
    private interface ILoad2
    {
        Vector512<float> Lo(float* p);
        Vector512<float> Hi(float* p);
    }

    private readonly struct Unmasked2 : ILoad2
    {
        public Vector512<float> Lo(float* p) => Vector512.Load(p);
        public Vector512<float> Hi(float* p) => Vector512.Load(p);
    }

    /// <summary>Lanes whose column lies in the row; the others load 0 and never fault.</summary>
    private readonly struct HalfMask(Vector512<float> lo, Vector512<float> hi) : ILoad2
    {
        private readonly Vector512<float> _lo = lo, _hi = hi;
        public Vector512<float> Lo(float* p) => Avx512F.MaskLoad(p, _lo, Vector512<float>.Zero);
        public Vector512<float> Hi(float* p) => Avx512F.MaskLoad(p, _hi, Vector512<float>.Zero);
    }
#endif
}
