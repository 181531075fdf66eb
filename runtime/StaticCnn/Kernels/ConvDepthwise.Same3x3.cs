using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// The depthwise forward of the commonest shape, 3×3 with stride 1 and padding 1 (the output plane the size of the
/// input plane: MobileNet's stride-1 layers), on AVX-512, straight from the input plane: no padded copy.
/// </summary>
/// <remarks>
/// <para>The general kernel (ConvDepthwise.cs) copies every input plane into a zero-padded buffer first; in MobileNetV2
/// that copy is where the expanded tensor comes back from memory, and it took as long as the arithmetic. Here the
/// nine weights stay in registers for the whole plane and every output vector (16 columns of a row) is the bias, then
/// nine FMAs on loads from the input rows above, at and below it. The padding is never materialised: a row above the
/// first or below the last is a row of zeros (a small zeroed buffer), and the first and last vectors of a row load with
/// a lane mask that gives 0 for columns outside the row (and suppresses any fault, so nothing is ever read before
/// or past the plane). Each output is therefore the same sequence of roundings as the padded kernel's (bias, then
/// one FMA per tap in (kh, kw) order, a padded tap multiplying 0): the same bits. Four output rows run together,
/// sharing the input rows they overlap on. Accumulating (y += conv, the stride-1 backward-data), each vector is added
/// to y as <see cref="Gemm.Add"/> adds.</para>
/// </remarks>
internal static unsafe partial class ConvDepthwise
{
    /// <summary>
    /// Whether the forward of <paramref name="g"/> takes the direct 3×3 path: 3×3, stride 1, dilation 1, padding 1
    /// on both sides (output as large as the input), AVX-512 hardware, and no test forcing a narrower width.
    /// </summary>
    internal static bool Same3x3(in ConvGeom g)
    {
#if NET9_0_OR_GREATER
        return Direct512 && g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.PH == 1 && g.PW == 1
            && g.OH == g.H && g.OW == g.W;
#else
        return false;
#endif
    }

#if NET9_0_OR_GREATER
    /// <summary>The direct kernels' vector width is available: AVX-512 hardware, and no test forcing a narrower width.</summary>
    private static bool Direct512 => (TestLanes == 0 || TestLanes == 16) && Avx512F.IsSupported && Vector512.IsHardwareAccelerated;

    /// <summary>
    /// One plane: v = bias + conv3×3(x), written by <paramref name="output"/> (stored, added to y, or finished with the
    /// BatchNorm epilogue), x and y H×W; <paramref name="zero"/>: a row of zeros readable from zero − 16 to zero + W + 32.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Same3x3Plane<TOut>(float* x, int H, int W, float* w, float bias, float* y, TOut output, float* zero)
        where TOut : struct, IPlaneOut
    {
        // the nine weights in registers for the whole plane
        Vector512<float> w0 = Vector512.Create(w[0]), w1 = Vector512.Create(w[1]), w2 = Vector512.Create(w[2]);
        Vector512<float> w3 = Vector512.Create(w[3]), w4 = Vector512.Create(w[4]), w5 = Vector512.Create(w[5]);
        Vector512<float> w6 = Vector512.Create(w[6]), w7 = Vector512.Create(w[7]), w8 = Vector512.Create(w[8]);
        Vector512<float> bv = Vector512.Create(bias);
        Vector512<int> iota = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int oh0 = 0; oh0 < H; oh0 += 4)
        {
            // input rows oh0 − 1 .. oh0 + 4; outside the plane, the zero row
            float* r0 = Row(x, oh0 - 1, H, W, zero), r1 = Row(x, oh0, H, W, zero), r2 = Row(x, oh0 + 1, H, W, zero);
            float* r3 = Row(x, oh0 + 2, H, W, zero), r4 = Row(x, oh0 + 3, H, W, zero), r5 = Row(x, oh0 + 4, H, W, zero);
            int rows = Math.Min(4, H - oh0);
            float* yr = y + (nint)oh0 * W;
            // the four input rows this block's successor two blocks on will add (past the plane: the next plane's,
            // which follows it in memory); a prefetch never faults
            float* pf = x + (nint)(oh0 + 4 + PrefetchRows) * W;
            for (int i = 0; i < 4 * W; i += 16) Sse.Prefetch0(pf + i);
            for (int ow0 = 0; ow0 < W; ow0 += 16)
            {
                Vector512<float> a0 = bv, a1 = bv, a2 = bv, a3 = bv;
                nint o = ow0 - 1;   // the tap kw = 0 of the vector's first column
                if (ow0 >= 1 && ow0 + 16 < W)
                {
                    // every column of every tap inside the row: plain loads
                    var m = default(NoMask);
                    Taps(ref a0, ref a1, ref a2, ref a3, r0 + o, r1 + o, r2 + o, r3 + o, w0, w1, w2, m);
                    Taps(ref a0, ref a1, ref a2, ref a3, r1 + o, r2 + o, r3 + o, r4 + o, w3, w4, w5, m);
                    Taps(ref a0, ref a1, ref a2, ref a3, r2 + o, r3 + o, r4 + o, r5 + o, w6, w7, w8, m);
                    output.Store(a0, yr + ow0);
                    if (rows > 1) output.Store(a1, yr + W + ow0);
                    if (rows > 2) output.Store(a2, yr + 2 * W + ow0);
                    if (rows > 3) output.Store(a3, yr + 3 * W + ow0);
                }
                else
                {
                    // the row's first or last vector: lanes whose input column is outside the row load 0
                    Vector512<int> col = Vector512.Create(ow0) + iota;
                    var m = new EdgeMask(
                        Vector512.BitwiseAnd(Vector512.GreaterThanOrEqual(col, Vector512<int>.One), Vector512.LessThanOrEqual(col, Vector512.Create(W))).AsSingle(),
                        Vector512.LessThan(col, Vector512.Create(W)).AsSingle(),
                        Vector512.LessThan(col, Vector512.Create(W - 1)).AsSingle());
                    Taps(ref a0, ref a1, ref a2, ref a3, r0 + o, r1 + o, r2 + o, r3 + o, w0, w1, w2, m);
                    Taps(ref a0, ref a1, ref a2, ref a3, r1 + o, r2 + o, r3 + o, r4 + o, w3, w4, w5, m);
                    Taps(ref a0, ref a1, ref a2, ref a3, r2 + o, r3 + o, r4 + o, r5 + o, w6, w7, w8, m);
                    Vector512<float> keep = m.M1;   // the columns of the row
                    output.StoreMasked(a0, yr + ow0, keep);
                    if (rows > 1) output.StoreMasked(a1, yr + W + ow0, keep);
                    if (rows > 2) output.StoreMasked(a2, yr + 2 * W + ow0, keep);
                    if (rows > 3) output.StoreMasked(a3, yr + 3 * W + ow0, keep);
                }
            }
        }
    }

    /// <summary>How far ahead (in input rows) of the rows in use the kernel prefetches.</summary>
    private const int PrefetchRows = 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Row(float* x, int ih, int H, int W, float* zero) => (uint)ih < (uint)H ? x + (nint)ih * W : zero;

    /// <summary>One kernel row's three taps (kw = 0, 1, 2) for four output rows, whose input rows are p0..p3 (each at column ow0 − 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps<TM>(ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3,
        float* p0, float* p1, float* p2, float* p3, Vector512<float> w0, Vector512<float> w1, Vector512<float> w2, TM m)
        where TM : struct, ILoad3
    {
        a0 = Gemm.Fma(m.L0(p0), w0, a0); a1 = Gemm.Fma(m.L0(p1), w0, a1); a2 = Gemm.Fma(m.L0(p2), w0, a2); a3 = Gemm.Fma(m.L0(p3), w0, a3);
        a0 = Gemm.Fma(m.L1(p0 + 1), w1, a0); a1 = Gemm.Fma(m.L1(p1 + 1), w1, a1); a2 = Gemm.Fma(m.L1(p2 + 1), w1, a2); a3 = Gemm.Fma(m.L1(p3 + 1), w1, a3);
        a0 = Gemm.Fma(m.L2(p0 + 2), w2, a0); a1 = Gemm.Fma(m.L2(p1 + 2), w2, a1); a2 = Gemm.Fma(m.L2(p2 + 2), w2, a2); a3 = Gemm.Fma(m.L2(p3 + 2), w2, a3);
    }

    /// <summary>What happens to a finished output vector (16 columns of a row; masked: the columns of the row only).</summary>
    internal interface IPlaneOut
    {
        void Store(Vector512<float> v, float* y);
        void StoreMasked(Vector512<float> v, float* y, Vector512<float> keep);
    }

    /// <summary>y = v, or y += v as <see cref="Gemm.Add"/> adds (accumulating).</summary>
    private readonly struct RawOut(bool accumulate) : IPlaneOut
    {
        private readonly bool _accumulate = accumulate;

        public void Store(Vector512<float> v, float* y) => (_accumulate ? Vector512.Load(y) + v : v).Store(y);

        public void StoreMasked(Vector512<float> v, float* y, Vector512<float> keep)
        {
            if (_accumulate) v = Avx512F.MaskLoad(y, keep, Vector512<float>.Zero) + v;
            Avx512F.MaskStore(y, keep, v);
        }
    }

    /// <summary>
    /// y = op((r +) v·α + shift (+ r)): the folded BatchNorm, the residual and the activation of
    /// <see cref="ConvEpilogue.Tail"/> in registers, the same operations in the same order (the convolution's own
    /// activation is None, so nothing comes before the affine).
    /// </summary>
    private readonly struct BatchNormOut<TOp>(TOp op, in ConvEpilogue ep, int oc) : IPlaneOut where TOp : struct, IVecOp1
    {
        // scalars, broadcast where used: with two vector fields the struct, passed by value, went through the stack
        // in 16-byte pieces (a store-forwarding stall per plane)
        private readonly float _alpha = ep.Alpha[oc], _shift = ep.Shift[oc];
        private readonly nint _delta = ep.ResidualDelta;
        private readonly bool _residual = ep.HasResidual, _first = ep.ResidualFirst;

        public void Store(Vector512<float> v, float* y)
        {
            v = v * Vector512.Create(_alpha) + Vector512.Create(_shift);
            if (_residual) { Vector512<float> q = Vector512.Load(y + _delta); v = _first ? q + v : v + q; }
            op.Invoke(v).Store(y);
        }

        public void StoreMasked(Vector512<float> v, float* y, Vector512<float> keep)
        {
            v = v * Vector512.Create(_alpha) + Vector512.Create(_shift);
            if (_residual) { Vector512<float> q = Avx512F.MaskLoad(y + _delta, keep, Vector512<float>.Zero); v = _first ? q + v : v + q; }
            Avx512F.MaskStore(y, keep, op.Invoke(v));
        }
    }

    /// <summary>
    /// One (sample, channel) plane through a direct kernel (3×3 / 1 here, 3×3 / 2 in ConvDepthwise.Stride2.cs): the
    /// epilogue in registers when it is the convolution's BatchNorm with an exact activation (MobileNet's conv →
    /// BatchNorm → ReLU6), else stored and then applied to the plane.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Direct3x3Channel(float* x, in ConvGeom g, float* w, float bias, float* y, bool accumulate,
        in ConvEpilogue ep, int oc, float* zero)
    {
        if (!accumulate && ep.Act == Activation.None && ep.Alpha != null)
            switch (ep.Post)
            {
                case Activation.None: Direct3x3Plane(x, g, w, bias, y, new BatchNormOut<ConvEpilogue.Identity>(default, ep, oc), zero); return;
                case Activation.ReLU: Direct3x3Plane(x, g, w, bias, y, new BatchNormOut<Activations.ReluOp>(default, ep, oc), zero); return;
                case Activation.ReLU6: Direct3x3Plane(x, g, w, bias, y, new BatchNormOut<Activations.Relu6Op>(default, ep, oc), zero); return;
                case Activation.LeakyReLU:
                    Direct3x3Plane(x, g, w, bias, y, new BatchNormOut<Activations.LeakyOp>(new(ep.PostSlope), ep, oc), zero);
                    return;
            }
        Direct3x3Plane(x, g, w, bias, y, new RawOut(accumulate), zero);
        if (ep.Any) ep.Apply(oc, y, g.N);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Direct3x3Plane<TOut>(float* x, in ConvGeom g, float* w, float bias, float* y, TOut output, float* zero)
        where TOut : struct, IPlaneOut
    {
        if (g.SW == 1) Same3x3Plane(x, g.H, g.W, w, bias, y, output, zero);
        else Stride2Plane(x, g.H, g.W, g.OH, g.OW, w, bias, y, output, zero);
    }

    /// <summary>The loads of the taps kw = 0, 1, 2 (each at its own column offset).</summary>
    private interface ILoad3
    {
        Vector512<float> L0(float* p);
        Vector512<float> L1(float* p);
        Vector512<float> L2(float* p);
    }

    private readonly struct NoMask : ILoad3
    {
        public Vector512<float> L0(float* p) => Vector512.Load(p);
        public Vector512<float> L1(float* p) => Vector512.Load(p);
        public Vector512<float> L2(float* p) => Vector512.Load(p);
    }

    /// <summary>Lanes whose input column (ow − 1, ow, ow + 1) lies in the row; the others load 0 and never fault.</summary>
    private readonly struct EdgeMask(Vector512<float> m0, Vector512<float> m1, Vector512<float> m2) : ILoad3
    {
        public readonly Vector512<float> M0 = m0, M1 = m1, M2 = m2;
        public Vector512<float> L0(float* p) => Avx512F.MaskLoad(p, M0, Vector512<float>.Zero);
        public Vector512<float> L1(float* p) => Avx512F.MaskLoad(p, M1, Vector512<float>.Zero);
        public Vector512<float> L2(float* p) => Avx512F.MaskLoad(p, M2, Vector512<float>.Zero);
    }
#endif
}
