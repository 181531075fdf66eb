using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Depthwise backward-data (<see cref="ConvAlgorithm.DataDepthwise"/>) and backward-weights
/// (<see cref="ConvAlgorithm.WeightsDepthwise"/>), on the padded, phase-split plane of the forward (ConvDepthwise.cs):
/// both are the adjoint of its tap loop. PyTorch: the input and weight gradients of <c>nn.Conv2d(C, m·C, k, groups=C)</c>.
/// </summary>
/// <remarks>
/// <para><b>Backward-data</b> (strides above 1, or a multiplier above 1; stride-1 layers of multiplier 1 run the
/// forward kernel on the flipped filter instead): per (sample, input channel) a zeroed phase-split plane receives
/// <c>plane[tap + job] += w[tap]·dy[job]</c> for each vector job of each of the m output planes, in (output channel,
/// band of 4 rows, tap, job) order; the plane's image part is then re-interleaved and added into dx. Parts split the (sample, input
/// channel) pairs, so every dx element sums in one fixed order whatever the thread count.</para>
/// <para><b>Backward-weights</b>: per input channel, for each sample its plane is built as in the forward and each
/// output plane of dy copied into rows of whole vectors (zero past OW); each tap is then a dot product of that copy
/// with the plane at the tap's offset (four vector accumulators over the jobs, then a horizontal sum), added to a
/// per-tap float in sample order, then into dw. Parts split the input channels.</para>
/// </remarks>
internal static unsafe partial class ConvDepthwise
{
    /// <summary>
    /// Backward-data runs here for depthwise layers except stride-1 layers of multiplier 1 (there the flipped filter
    /// is itself depthwise and the forward kernel runs it, through <see cref="ConvAlgorithm.DataFlippedForward"/>).
    /// </summary>
    public static bool AppliesData(in ConvGeom g) => Applies(g) && (g.SH > 1 || g.SW > 1 || g.M > 1);

    /// <summary>Backward-weights runs here for every depthwise layer.</summary>
    public static bool AppliesWeights(in ConvGeom g) => Applies(g);

    /// <summary>The forward's: plane, line, taps, then rows of whole vectors (here: of dy).</summary>
    private static long DataPerPart(in ConvGeom g, int lanes) => PerPart(g, lanes);

    private static long WeightsPerPart(in ConvGeom g, int lanes) => DataPerPart(g, lanes) + (long)g.M * g.KK;

    /// <summary>Floats of backward-data scratch for <paramref name="threads"/> parts.</summary>
    public static long DataScratch(in ConvGeom g, int threads) => Math.Max(1, threads) * DataPerPart(g, Lanes(g)) + 16;

    /// <summary>Floats of backward-weights scratch for <paramref name="threads"/> parts.</summary>
    public static long WeightsScratch(in ConvGeom g, int threads) => Math.Max(1, threads) * WeightsPerPart(g, Lanes(g)) + 16;

    private struct BwdCtx
    {
        public ConvGeom G;
        public float* X, W, Dy, Dx, Dw, Scratch;
        public int Batch, PerPart, Lanes;
    }

    /// <summary>dx += conv2d_input_grad(w, dy) (dy already pre-activation).</summary>
    public static void BackwardData(in ConvGeom g, float* w, float* dy, float* dx, int batch, float* scratch, int threads)
    {
        int lanes = Lanes(g);
        var ctx = new BwdCtx
        {
            G = g, W = w, Dy = dy, Dx = dx, Scratch = scratch, Batch = batch, Lanes = lanes,
            PerPart = checked((int)DataPerPart(g, lanes)),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, Grain);
        if (parts <= 1) DataPart(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &DataPart, &ctx);
    }

    /// <summary>dw += conv2d_weight_grad(x, dy) (dy already pre-activation; the bias gradient is the caller's).</summary>
    public static void BackwardWeights(in ConvGeom g, float* x, float* dy, float* dw, int batch, float* scratch, int threads)
    {
        int lanes = Lanes(g);
        var ctx = new BwdCtx
        {
            G = g, X = x, Dy = dy, Dw = dw, Scratch = scratch, Batch = batch, Lanes = lanes,
            PerPart = checked((int)WeightsPerPart(g, lanes)),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, Grain);
        if (parts <= 1) WeightsPart(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &WeightsPart, &ctx);
    }

    /// <summary>The tap offsets into the phase-split plane (as in the forward).</summary>
    private static void Taps(in ConvGeom g, int wq, int* taps)
    {
        int rs = g.SW * wq;
        for (int kh = 0, k = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++, k++)
            {
                int q = kw * g.DW;
                taps[k] = kh * g.DH * rs + q % g.SW * wq + q / g.SW;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DataPart(void* p, int t, int parts)
    {
        ref BwdCtx c = ref *(BwdCtx*)p;
        ConvGeom g = c.G;
        long items = (long)c.Batch * g.Cin;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        int lanes = c.Lanes, wq = Wq(g, lanes), rs = g.SW * wq, hp = Hp(g), N = g.N, kk = g.KK, M = g.M;
        float* plane = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* line = plane + (nint)hp * rs;
        int* taps = (int*)(line + (g.SW > 1 ? rs : 0));
        int rowV = (g.OW + lanes - 1) / lanes * lanes;
        float* dyv = Gemm.Align((float*)(taps + kk) + 16);
        Taps(g, wq, taps);
        Gemm.Zero(dyv, g.OH * rowV);   // the columns past OW stay zero
        for (long it = lo; it < hi; it++)
        {
            long n = it / g.Cin;
            int ic = (int)(it - n * g.Cin);
            Gemm.Zero(plane, hp * rs);
            for (int j = 0; j < M; j++)
            {
                int oc = ic * M + j;
                float* dyp = c.Dy + (n * g.Cout + oc) * N;
                for (int oh = 0; oh < g.OH; oh++) Gemm.Copy(dyp + (nint)oh * g.OW, dyv + (nint)oh * rowV, g.OW);
                float* wp = c.W + (nint)oc * kk;
                switch (lanes)
                {
                    case 16: Scatter<Vector512<float>, V512>(g, plane, rs, taps, wp, dyv); break;
                    case 8: Scatter<Vector256<float>, V256>(g, plane, rs, taps, wp, dyv); break;
                    case 4: Scatter<Vector128<float>, V128>(g, plane, rs, taps, wp, dyv); break;
                    default: Scatter<float, V1>(g, plane, rs, taps, wp, dyv); break;
                }
            }
            AddImage(g, plane, line, wq, hp, c.Dx + it * g.InPlane);
        }
    }

    /// <summary>Output rows per band of <see cref="Scatter"/>: the plane rows a band writes stay in L1 over its taps.</summary>
    private const int ScatterBand = 4;

    /// <summary>
    /// plane[tap + job] += w[tap]·dy[job] for every vector job of one output plane (<paramref name="dyv"/>: rows of
    /// whole vectors, zero past OW), in (band of rows, tap, job) order. Within a tap the jobs write disjoint vectors, so
    /// no load waits on the store of an overlapping vector just before it (as it would with the taps inside).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scatter<TV, TO>(in ConvGeom g, float* plane, int rs, int* taps, float* w, float* dyv)
        where TV : struct where TO : struct, IVec<TV>
    {
        int L = TO.L, nv = (g.OW + L - 1) / L, rowV = nv * L, kk = g.KK, rowStep = g.SH * rs;
        for (int oh0 = 0; oh0 < g.OH; oh0 += ScatterBand)
        {
            int rows = Math.Min(ScatterBand, g.OH - oh0);
            float* d0 = dyv + (nint)oh0 * rowV;
            for (int k = 0; k < kk; k++)
            {
                TV wk = TO.Splat(w[k]);
                float* q0 = plane + taps[k] + (nint)oh0 * rowStep;
                for (int r = 0; r < rows; r++)
                {
                    float* q = q0 + (nint)r * rowStep, d = d0 + (nint)r * rowV;
                    for (int v = 0; v < rowV; v += L) TO.Store(TO.Fma(TO.Load(d + v), wk, TO.Load(q + v)), q + v);
                }
            }
        }
    }

    /// <summary>dx[ih, iw] += the plane's entry of padded row ih + PH, padded column iw + PW (the adjoint of <see cref="PadPlane"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void AddImage(in ConvGeom g, float* plane, float* line, int wq, int hp, float* dx)
    {
        int sw = g.SW, rs = sw * wq, W = g.W;
        int q0 = Math.Max(0, g.PW), q1 = Math.Min(rs, g.PW + W);
        if (q1 <= q0) return;
        int i0 = Math.Max(0, g.PH), i1 = Math.Min(hp, g.PH + g.H);
        for (int i = i0; i < i1; i++)
        {
            float* src = plane + (nint)i * rs;
            float* drow = dx + (nint)(i - g.PH) * W;
            if (sw == 1) Gemm.Add(src + q0, drow + (q0 - g.PW), q1 - q0);
            else if (sw == 2)
            {
                Interleave(src, src + wq, line, wq);
                Gemm.Add(line + q0, drow + (q0 - g.PW), q1 - q0);
            }
            else
                for (int q = q0; q < q1; q++) drow[q - g.PW] += src[q % sw * wq + q / sw];
        }
    }

    /// <summary>dst[2j] = even[j], dst[2j + 1] = odd[j] for j &lt; <paramref name="n"/> (a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Interleave(float* even, float* odd, float* dst, int n)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            var il = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
            var ih = il + Vector512.Create(8);
            for (; j + 16 <= n; j += 16)
            {
                var a = Vector512.Load(even + j);
                var b = Vector512.Load(odd + j);
                Avx512F.PermuteVar16x32x2(a, il, b).Store(dst + 2 * j);
                Avx512F.PermuteVar16x32x2(a, ih, b).Store(dst + 2 * j + 16);
            }
        }
        else if (Avx.IsSupported)
        {
            for (; j + 8 <= n; j += 8)
            {
                var a = Avx.LoadVector256(even + j);
                var b = Avx.LoadVector256(odd + j);
                // [a0 b0 a1 b1 | a4 b4 a5 b5], [a2 b2 a3 b3 | a6 b6 a7 b7] → halves 0, 2 and 1, 3
                var l = Avx.UnpackLow(a, b);
                var h = Avx.UnpackHigh(a, b);
                Avx.Permute2x128(l, h, 0x20).Store(dst + 2 * j);
                Avx.Permute2x128(l, h, 0x31).Store(dst + 2 * j + 8);
            }
        }
        else if (Sse.IsSupported)
        {
            for (; j + 4 <= n; j += 4)
            {
                var a = Sse.LoadVector128(even + j);
                var b = Sse.LoadVector128(odd + j);
                Sse.UnpackLow(a, b).Store(dst + 2 * j);
                Sse.UnpackHigh(a, b).Store(dst + 2 * j + 4);
            }
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            for (; j + 4 <= n; j += 4)
            {
                var a = AdvSimd.LoadVector128(even + j);
                var b = AdvSimd.LoadVector128(odd + j);
                AdvSimd.Arm64.ZipLow(a, b).Store(dst + 2 * j);
                AdvSimd.Arm64.ZipHigh(a, b).Store(dst + 2 * j + 4);
            }
        }
        for (; j < n; j++)
        {
            dst[2 * j] = even[j];
            dst[2 * j + 1] = odd[j];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightsPart(void* p, int t, int parts)
    {
        ref BwdCtx c = ref *(BwdCtx*)p;
        ConvGeom g = c.G;
        long lo = (long)g.Cin * t / parts, hi = (long)g.Cin * (t + 1) / parts;
        if (lo >= hi) return;
        int lanes = c.Lanes, wq = Wq(g, lanes), rs = g.SW * wq, hp = Hp(g), N = g.N, kk = g.KK, M = g.M;
        int rowV = (g.OW + lanes - 1) / lanes * lanes;
        float* plane = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* line = plane + (nint)hp * rs;
        int* taps = (int*)(line + (g.SW > 1 ? rs : 0));
        float* dyv = Gemm.Align((float*)(taps + kk) + 16);
        float* sums = dyv + (nint)g.OH * rowV;   // DataPerPart's dy rows, then M·KK sums
        Taps(g, wq, taps);
        Gemm.Zero(plane, hp * rs + (g.SW == 2 ? rs : 0));
        Gemm.Zero(dyv, g.OH * rowV);   // the columns past OW stay zero
        for (long ic = lo; ic < hi; ic++)
        {
            Gemm.Zero(sums, M * kk);
            for (int n = 0; n < c.Batch; n++)
            {
                PadPlane(g, c.X + ((long)n * g.Cin + ic) * g.InPlane, plane, line, wq, hp);
                for (int j = 0; j < M; j++)
                {
                    float* dyp = c.Dy + ((long)n * g.Cout + ic * M + j) * N;
                    for (int oh = 0; oh < g.OH; oh++) Gemm.Copy(dyp + (nint)oh * g.OW, dyv + (nint)oh * rowV, g.OW);
                    float* s = sums + j * kk;
                    switch (lanes)
                    {
                        case 16: Dots<Vector512<float>, V512>(g, plane, rs, taps, dyv, s); break;
                        case 8: Dots<Vector256<float>, V256>(g, plane, rs, taps, dyv, s); break;
                        case 4: Dots<Vector128<float>, V128>(g, plane, rs, taps, dyv, s); break;
                        default: Dots<float, V1>(g, plane, rs, taps, dyv, s); break;
                    }
                }
            }
            float* dw = c.Dw + ic * M * kk;
            for (int i = 0; i < M * kk; i++) dw[i] += sums[i];
        }
    }

    /// <summary>sums[tap] += Σ over the jobs of dy·plane[tap + job]: four vector accumulators, then one horizontal sum.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dots<TV, TO>(in ConvGeom g, float* plane, int rs, int* taps, float* dyv, float* sums)
        where TV : struct where TO : struct, IVec<TV>
    {
        int L = TO.L, OW = g.OW, nv = (OW + L - 1) / L, jobs = g.OH * nv, kk = g.KK, rowStep = g.SH * rs;
        for (int k = 0; k < kk; k++)
        {
            float* q = plane + taps[k];
            TV a0 = TO.Splat(0f), a1 = a0, a2 = a0, a3 = a0;
            var cur = new Cursor();
            int j = 0;
            for (; j + 4 <= jobs; j += 4)
            {
                cur.Next(nv, L, OW, rowStep, 0, out int s0, out _, out _);
                cur.Next(nv, L, OW, rowStep, 0, out int s1, out _, out _);
                cur.Next(nv, L, OW, rowStep, 0, out int s2, out _, out _);
                cur.Next(nv, L, OW, rowStep, 0, out int s3, out _, out _);
                float* d = dyv + (nint)j * L;
                a0 = TO.Fma(TO.Load(q + s0), TO.Load(d), a0);
                a1 = TO.Fma(TO.Load(q + s1), TO.Load(d + L), a1);
                a2 = TO.Fma(TO.Load(q + s2), TO.Load(d + 2 * L), a2);
                a3 = TO.Fma(TO.Load(q + s3), TO.Load(d + 3 * L), a3);
            }
            for (; j < jobs; j++)
            {
                cur.Next(nv, L, OW, rowStep, 0, out int s0, out _, out _);
                a0 = TO.Fma(TO.Load(q + s0), TO.Load(dyv + (nint)j * L), a0);
            }
            sums[k] += TO.Sum(TO.Add(TO.Add(a0, a1), TO.Add(a2, a3)));
        }
    }
}
