using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// The whole backward of a small stride-1 convolution in one pass over the batch (the layers <see cref="ConvDirect"/>
/// runs forward: ≤ 32 output channels, KW 3 or 5, rows of at least one vector): per sample the activation
/// derivative and the bias sum (one pass over dY), the weight gradient, and the input gradient as a convolution of
/// the padded dY with the flipped kernel. Every sample's data is touched while it is in cache, and the work splits
/// over the batch, so two threads share it evenly.
/// </summary>
/// <remarks>
/// Determinism: the batch is cut into chunks that depend on the shape and the batch only (never on the thread count);
/// each chunk's weight and bias gradients are reduced inside one part (register accumulators over the chunk's
/// samples, then the lane sums) into its own slot, and the slots are added into dW/db in chunk order at the end.
/// dX is per sample (one part writes it). Results are therefore bit-identical for any thread count.
/// </remarks>
internal static unsafe class ConvDirectBackward
{
    private const int V = 8;              // Vector256<float> lanes
    private const int OcBlockMax = 6;     // backward-data tile: up to 6 input channels × 2 vectors
    private const int Slack = 3 * V + 64;
    private const int MaxChunks = 16;
    private const int GroupFloats = 48 * 1024;   // padded inputs of one sample group (≈ 192 KB, stays in L2)

    /// <summary>Shapes this path takes: the direct backward-weights shapes whose flipped convolution has non-negative padding.</summary>
    public static bool Applies(in ConvGeom g)
        => ConvDirect.AppliesWeights(g) && g.KH - 1 - g.PH >= 0 && g.KW - 1 - g.PW >= 0;

    private static int Hp(in ConvGeom g) => Math.Max(g.OH + g.KH - 1, g.PH + g.H);
    private static int Wp(in ConvGeom g) => Math.Max(g.OW + g.KW - 1, g.PW + g.W);
    private static int ImgFloats(in ConvGeom g) => (g.Cin * Hp(g) * Wp(g) + 15) & ~15;
    // padded dY for backward-data (the flipped convolution's input)
    private static int Hd(in ConvGeom g) => Math.Max(g.H + g.KH - 1, g.KH - 1 - g.PH + g.OH);
    private static int Wd(in ConvGeom g) => Math.Max(g.W + g.KW - 1, g.KW - 1 - g.PW + g.OW);
    private static int DyImgFloats(in ConvGeom g) => ((g.Cout * Hd(g) * Wd(g) + Slack) + 15) & ~15;

    /// <summary>Samples padded together (the weight-gradient tile runs over all of them with its accumulators in registers).</summary>
    private static int Group(in ConvGeom g) => Math.Clamp(GroupFloats / ImgFloats(g), 1, 8);

    /// <summary>Gradient slots: at most 16, fewer for layers with many weights; depends on the shape only.</summary>
    private static int ChunksMax(in ConvGeom g) => Math.Clamp((1 << 20) / (g.Cout * g.K + g.Cout), 1, MaxChunks);

    private static int Chunks(in ConvGeom g, int batch) => Math.Min(ChunksMax(g), (batch + Group(g) - 1) / Group(g));

    /// <summary>
    /// Output channels per weight-gradient tile: (channels × KW) accumulators plus one dY vector per channel must fit
    /// the register file (32 vector registers with AVX-512, 16 without).
    /// </summary>
    private static int WBlockMax(in ConvGeom g) => Vector512.IsHardwareAccelerated ? (g.KW == 3 ? 5 : 4) : (g.KW == 3 ? 3 : 2);

    private static long PerPart(in ConvGeom g) => (long)Group(g) * ImgFloats(g) + DyImgFloats(g) + (long)g.Cout * V + 4 * V + 32;

    private static long SlotFloats(in ConvGeom g) => ((long)g.Cout * g.K + g.Cout + 15) & ~15;

    /// <summary>Floats of scratch for any batch and <paramref name="threads"/> threads.</summary>
    public static long Scratch(in ConvGeom g, int threads)
        => (((long)g.Cout * g.K + 15) & ~15) + ChunksMax(g) * SlotFloats(g) + (long)Math.Max(1, threads) * PerPart(g) + 32;

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, Wf, Y, Dy, Dx, Slots, Parts;
        public int Batch, Chunks, PerPart;
        public Activation Act;
    }

    /// <summary>
    /// dy ← dy·f'(y) in place, then dw += , db += (db null without bias), dx += (dx null: not needed).
    /// </summary>
    public static void Run(in ConvGeom g, Activation act, float* x, float* w, float* y, float* dy, float* dx,
        float* dw, float* db, int batch, float* scratch, int threads)
    {
        int K = g.K, M = g.Cout;
        float* wf = Gemm.Align(scratch);
        float* slots = wf + (((long)M * K + 15) & ~15);
        int chunks = Chunks(g, batch);
        if (dx != null)
        {
            // wf[ic][oc, kh, kw] = w[oc][ic, KH−1−kh, KW−1−kw]
            int kk = g.KK;
            for (int ic = 0; ic < g.Cin; ic++)
                for (int oc = 0; oc < M; oc++)
                {
                    float* s = w + (nint)oc * K + (nint)ic * kk + (kk - 1);
                    float* d = wf + ((nint)ic * M + oc) * kk;
                    for (int j = 0; j < kk; j++) d[j] = s[-j];
                }
        }
        var ctx = new Ctx
        {
            G = g, X = x, Wf = wf, Y = y, Dy = dy, Dx = dx, Batch = batch, Chunks = chunks, Act = act,
            Slots = slots, Parts = slots + ChunksMax(g) * SlotFloats(g), PerPart = checked((int)PerPart(g)),
        };
        int parts = Math.Min(chunks, GemmWorkers.Parts(threads, 3 * g.Macs * batch, 1L << 20));
        if (parts <= 1) Part(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &Part, &ctx);

        // dw += Σ_chunks slot, db likewise: every element summed in chunk order
        long slot = SlotFloats(g);
        int nw = M * K;
        for (int i = 0; i < nw; i++)
        {
            float s = slots[i];
            for (int c = 1; c < chunks; c++) s += slots[c * slot + i];
            dw[i] += s;
        }
        if (db != null)
            for (int o = 0; o < M; o++)
            {
                float s = slots[nw + o];
                for (int c = 1; c < chunks; c++) s += slots[c * slot + nw + o];
                db[o] += s;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int c0 = (int)((long)c.Chunks * t / parts), c1 = (int)((long)c.Chunks * (t + 1) / parts);
        if (c0 >= c1) return;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, img = ImgFloats(g), group = Group(g);
        int hd = Hd(g), wd = Wd(g), dplane = hd * wd, dimg = DyImgFloats(g);
        int M = g.Cout, N = g.N, K = g.K, nw = M * K;
        float* xp = Gemm.Align(c.Parts + (nint)t * c.PerPart);
        float* dyp = xp + (nint)group * img;
        float* bacc = dyp + dimg;
        float* tmp = bacc + M * V;   // 4 vectors
        // the padding borders stay zero: each sample only overwrites the interior
        Gemm.Zero(xp, group * img);
        if (c.Dx != null) Gemm.Zero(dyp, dimg);
        int rem = g.OW % V, nrem = N % V;
        int* bits = stackalloc int[2 * V];
        for (int j = 0; j < V; j++) { bits[j] = j >= V - rem ? -1 : 0; bits[V + j] = j >= V - nrem ? -1 : 0; }
        Vector256<float> mask = Vector256.Load(bits).AsSingle(), nmask = Vector256.Load(bits + V).AsSingle();
        int wblk = WBlockMax(g), wblocks = (M + wblk - 1) / wblk;
        long slot = SlotFloats(g);
#if NET9_0_OR_GREATER
        // rows in Vector512s, the last lanes of a row masked (loads of dY and x both masked: the dropped lanes are 0·0);
        // rows of 8 stay in one Vector256 (the same count of FMAs, no masks)
        bool wide = Vector512.IsHardwareAccelerated && (g.OW % 16 == 0 || g.OW > 8);
        Vector512<float> wtail = wide ? VectorMath.FirstLanes(g.OW % 16 == 0 ? 16 : g.OW % 16) : default;
        bool whole = g.OW % 16 == 0;
#else
        bool whole = true;
        bool wide = Vector512.IsHardwareAccelerated && g.OW % 16 == 0;   // rows in whole Vector512s
        Vector512<float> wtail = default;
#endif
        for (int ch = c0; ch < c1; ch++)
        {
            int n0 = (int)((long)c.Batch * ch / c.Chunks), n1 = (int)((long)c.Batch * (ch + 1) / c.Chunks);
            float* sw = c.Slots + ch * slot;
            float* sb = sw + nw;
            Gemm.Zero(bacc, M * V);
            for (int g0 = n0; g0 < n1; g0 += group)
            {
                int gs = Math.Min(group, n1 - g0);
                // 1. dy ← dy·f'(y), bias lanes, padded inputs
                for (int s = 0; s < gs; s++)
                {
                    int n = g0 + s;
                    float* dyn = c.Dy + (nint)n * M * N;
                    float* yn = c.Y + (nint)n * M * N;
                    if (c.Act != Activation.None && c.Act != Activation.ReLU)
                        Activations.ApplyDerivative(c.Act, Activations.DefaultLeakySlope, new ReadOnlySpan<float>(yn, M * N), new Span<float>(dyn, M * N));
                    DerivBias(dyn, yn, bacc, M, N, c.Act == Activation.ReLU, nmask);
                    float* xs = c.X + (nint)n * g.Cin * g.InPlane;
                    float* xd = xp + (nint)s * img;
                    for (int ic = 0; ic < g.Cin; ic++)
                    {
                        float* src = xs + (nint)ic * g.InPlane;
                        float* dst = xd + (nint)ic * plane + (nint)g.PH * wp + g.PW;
                        for (int i = 0; i < g.H; i++) Gemm.Copy(src + (nint)i * g.W, dst + (nint)i * wp, g.W);
                    }
                }
                // 2. weight gradient over the group's samples
                float* dyg = c.Dy + (nint)g0 * M * N;
                bool first = g0 == n0;
                for (int blk = 0; blk < wblocks; blk++)
                {
                    int oc0 = (int)((long)M * blk / wblocks), ocs = (int)((long)M * (blk + 1) / wblocks) - oc0;
                    float* dyb = dyg + (nint)oc0 * N;
                    for (int ic = 0; ic < g.Cin; ic++)
                        for (int kh = 0; kh < g.KH; kh++)
                        {
                            float* xr = xp + (nint)ic * plane + (nint)kh * wp;
                            float* dst = sw + (((nint)oc0 * g.Cin + ic) * g.KH + kh) * g.KW;
                            if (wide)
                            {
                                if (whole) WTiles512<Whole>(g, ocs, xr, wp, img, dyb, gs, wtail, dst, first);
                                else WTiles512<Masked>(g, ocs, xr, wp, img, dyb, gs, wtail, dst, first);
                            }
                            else if (g.KW == 3)
                                switch (ocs)
                                {
                                    case 5: WTile<O5, O3>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    case 4: WTile<O4, O3>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    case 3: WTile<O3, O3>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    case 2: WTile<O2, O3>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    default: WTile<O1, O3>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                }
                            else
                                switch (ocs)
                                {
                                    case 4: WTile<O4, O5>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    case 3: WTile<O3, O5>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    case 2: WTile<O2, O5>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                    default: WTile<O1, O5>(g, xr, wp, img, dyb, gs, mask, dst, first); break;
                                }
                        }
                }
                // 3. input gradient: dx += conv(pad(dy), flipped w)
                if (c.Dx != null)
                    for (int s = 0; s < gs; s++)
                    {
                        int n = g0 + s;
                        float* dyn = c.Dy + (nint)n * M * N;
                        int pt = g.KH - 1 - g.PH, pl = g.KW - 1 - g.PW;
                        for (int oc = 0; oc < M; oc++)
                        {
                            float* src = dyn + (nint)oc * N;
                            float* dst = dyp + (nint)oc * dplane + (nint)pt * wd + pl;
                            for (int i = 0; i < g.OH; i++) Gemm.Copy(src + (nint)i * g.OW, dst + (nint)i * wd, g.OW);
                        }
                        DataSample(g, dyp, wd, dplane, c.Wf, c.Dx + (nint)n * g.Cin * g.InPlane, tmp);
                    }
            }
            for (int o = 0; o < M; o++) sb[o] = Vector256.Sum(Vector256.Load(bacc + o * V));
        }
    }

    /// <summary>dy ← (y &lt;= 0 ? 0 : dy) when <paramref name="relu"/> (passes at NaN, as PyTorch); bacc[oc] += the lanes of dy (the tail vector masked).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DerivBias(float* dy, float* y, float* bacc, int M, int N, bool relu, Vector256<float> nmask)
    {
        for (int oc = 0; oc < M; oc++)
        {
            float* d = dy + (nint)oc * N, yy = y + (nint)oc * N;
            Vector256<float> a0 = Vector256.Load(bacc + oc * V), a1 = Vector256<float>.Zero;
            int i = 0;
            if (relu)
            {
                for (; i + 2 * V <= N; i += 2 * V)
                {
                    var v0 = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Load(yy + i), Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Load(d + i));
                    var v1 = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Load(yy + i + V), Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Load(d + i + V));
                    v0.Store(d + i);
                    v1.Store(d + i + V);
                    a0 += v0;
                    a1 += v1;
                }
                for (; i + V <= N; i += V)
                {
                    var v0 = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Load(yy + i), Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Load(d + i));
                    v0.Store(d + i);
                    a0 += v0;
                }
                if (i < N)
                {
                    // the last vector overlaps masked values: masking again changes nothing; only new lanes are summed
                    i = N - V;
                    var v0 = Vector256.ConditionalSelect(Vector256.LessThanOrEqual(Vector256.Load(yy + i), Vector256<float>.Zero), Vector256<float>.Zero, Vector256.Load(d + i));
                    v0.Store(d + i);
                    a1 += v0 & nmask;
                }
            }
            else
            {
                for (; i + 2 * V <= N; i += 2 * V)
                {
                    a0 += Vector256.Load(d + i);
                    a1 += Vector256.Load(d + i + V);
                }
                for (; i + V <= N; i += V) a0 += Vector256.Load(d + i);
                if (i < N) a1 += Vector256.Load(d + N - V) & nmask;
            }
            (a0 + a1).Store(bacc + oc * V);
        }
    }

    private interface ICount { int Value { get; } }
    private readonly struct O1 : ICount { public int Value => 1; }
    private readonly struct O2 : ICount { public int Value => 2; }
    private readonly struct O3 : ICount { public int Value => 3; }
    private readonly struct O4 : ICount { public int Value => 4; }
    private readonly struct O5 : ICount { public int Value => 5; }
    private readonly struct O6 : ICount { public int Value => 6; }
    /// <summary>Rows a multiple of 16 wide (<see cref="WTile512{TO, TK, TT}"/> without the masked last vector).</summary>
    private readonly struct Whole : ICount { public int Value => 0; }
    /// <summary>Rows with a last, partial vector.</summary>
    private readonly struct Masked : ICount { public int Value => 1; }

    /// <summary>
    /// dst[o·Cin·KH·KW + kw] (=, or += when not <paramref name="first"/>) Σ over the group's samples and the plane of
    /// dy[o] · xpad[ic, oh + kh, ow + kw]: the accumulators (channel, kw) stay in registers for the whole group.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WTile<TO, TK>(in ConvGeom g, float* xr, int wp, int img, float* dy, int samples,
        Vector256<float> mask, float* dst, bool first) where TO : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, nk = default(TK).Value;
        int N = g.N, OW = g.OW, OH = g.OH;
        nint dys = (nint)g.Cout * N;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default;
        Vector256<float> a40 = default, a41 = default, a42 = default, a43 = default, a44 = default;
        for (int s = 0; s < samples; s++, xr += img, dy += dys)
        {
            float* d0 = dy, d1 = dy + 1 * (nint)N, d2 = dy + 2 * (nint)N, d3 = dy + 3 * (nint)N, d4 = dy + 4 * (nint)N;
            float* xrow = xr;
            for (int oh = 0; oh < OH; oh++, xrow += wp)
            {
                int ow = 0;
                bool tail = false;
                while (true)
                {
                    if (ow + V > OW)
                    {
                        if (ow >= OW) break;
                        ow = OW - V;
                        tail = true;
                    }
                    nint q = (nint)oh * OW + ow;
                    Vector256<float> y0 = default, y1 = default, y2 = default, y3 = default, y4 = default, xv;
                    if (no > 0) y0 = Vector256.Load(d0 + q);
                    if (no > 1) y1 = Vector256.Load(d1 + q);
                    if (no > 2) y2 = Vector256.Load(d2 + q);
                    if (no > 3) y3 = Vector256.Load(d3 + q);
                    if (no > 4) y4 = Vector256.Load(d4 + q);
                    if (tail)
                    {
                        if (no > 0) y0 &= mask;
                        if (no > 1) y1 &= mask;
                        if (no > 2) y2 &= mask;
                        if (no > 3) y3 &= mask;
                        if (no > 4) y4 &= mask;
                    }
                    float* xk = xrow + ow;
                    if (nk > 0)
                    {
                        xv = Vector256.Load(xk);
                        if (no > 0) a00 = Gemm.Fma(y0, xv, a00);
                        if (no > 1) a10 = Gemm.Fma(y1, xv, a10);
                        if (no > 2) a20 = Gemm.Fma(y2, xv, a20);
                        if (no > 3) a30 = Gemm.Fma(y3, xv, a30);
                        if (no > 4) a40 = Gemm.Fma(y4, xv, a40);
                    }
                    if (nk > 1)
                    {
                        xv = Vector256.Load(xk + 1);
                        if (no > 0) a01 = Gemm.Fma(y0, xv, a01);
                        if (no > 1) a11 = Gemm.Fma(y1, xv, a11);
                        if (no > 2) a21 = Gemm.Fma(y2, xv, a21);
                        if (no > 3) a31 = Gemm.Fma(y3, xv, a31);
                        if (no > 4) a41 = Gemm.Fma(y4, xv, a41);
                    }
                    if (nk > 2)
                    {
                        xv = Vector256.Load(xk + 2);
                        if (no > 0) a02 = Gemm.Fma(y0, xv, a02);
                        if (no > 1) a12 = Gemm.Fma(y1, xv, a12);
                        if (no > 2) a22 = Gemm.Fma(y2, xv, a22);
                        if (no > 3) a32 = Gemm.Fma(y3, xv, a32);
                        if (no > 4) a42 = Gemm.Fma(y4, xv, a42);
                    }
                    if (nk > 3)
                    {
                        xv = Vector256.Load(xk + 3);
                        if (no > 0) a03 = Gemm.Fma(y0, xv, a03);
                        if (no > 1) a13 = Gemm.Fma(y1, xv, a13);
                        if (no > 2) a23 = Gemm.Fma(y2, xv, a23);
                        if (no > 3) a33 = Gemm.Fma(y3, xv, a33);
                        if (no > 4) a43 = Gemm.Fma(y4, xv, a43);
                    }
                    if (nk > 4)
                    {
                        xv = Vector256.Load(xk + 4);
                        if (no > 0) a04 = Gemm.Fma(y0, xv, a04);
                        if (no > 1) a14 = Gemm.Fma(y1, xv, a14);
                        if (no > 2) a24 = Gemm.Fma(y2, xv, a24);
                        if (no > 3) a34 = Gemm.Fma(y3, xv, a34);
                        if (no > 4) a44 = Gemm.Fma(y4, xv, a44);
                    }
                    if (tail) break;
                    ow += V;
                }
            }
        }
        nint os = (nint)g.Cin * g.KH * g.KW;
        if (no > 0) Put<TK>(dst, a00, a01, a02, a03, a04, first);
        if (no > 1) Put<TK>(dst + os, a10, a11, a12, a13, a14, first);
        if (no > 2) Put<TK>(dst + 2 * os, a20, a21, a22, a23, a24, first);
        if (no > 3) Put<TK>(dst + 3 * os, a30, a31, a32, a33, a34, first);
        if (no > 4) Put<TK>(dst + 4 * os, a40, a41, a42, a43, a44, first);
    }

    /// <summary>
    /// <see cref="WTile{TO, TK}"/> in Vector512s (half the loads per FMA): whole vectors along a row, then (rows not a
    /// multiple of 16 wide, .NET 9+) one vector whose dY and x lanes past the row are loaded as 0 through
    /// <paramref name="tail"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WTile512<TO, TK, TT>(in ConvGeom g, float* xr, int wp, int img, float* dy, int samples,
        Vector512<float> tail, float* dst, bool first) where TO : struct, ICount where TK : struct, ICount where TT : struct, ICount
    {
        int no = default(TO).Value, nk = default(TK).Value;
        int N = g.N, OW = g.OW, OH = g.OH;
        nint dys = (nint)g.Cout * N;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default, a44 = default;
        for (int s = 0; s < samples; s++, xr += img, dy += dys)
        {
            float* d0 = dy, d1 = dy + 1 * (nint)N, d2 = dy + 2 * (nint)N, d3 = dy + 3 * (nint)N, d4 = dy + 4 * (nint)N;
            float* xrow = xr;
            for (int oh = 0; oh < OH; oh++, xrow += wp)
                for (int ow = 0; ow < OW; ow += 16)
                {
                    nint q = (nint)oh * OW + ow;
                    bool part = default(TT).Value != 0 && ow + 16 > OW;
                    Vector512<float> y0 = default, y1 = default, y2 = default, y3 = default, y4 = default, xv;
                    if (no > 0) y0 = Load(d0 + q, part, tail);
                    if (no > 1) y1 = Load(d1 + q, part, tail);
                    if (no > 2) y2 = Load(d2 + q, part, tail);
                    if (no > 3) y3 = Load(d3 + q, part, tail);
                    if (no > 4) y4 = Load(d4 + q, part, tail);
                    float* xk = xrow + ow;
                    if (nk > 0)
                    {
                        xv = Load(xk, part, tail);
                        if (no > 0) a00 = Gemm.Fma(y0, xv, a00);
                        if (no > 1) a10 = Gemm.Fma(y1, xv, a10);
                        if (no > 2) a20 = Gemm.Fma(y2, xv, a20);
                        if (no > 3) a30 = Gemm.Fma(y3, xv, a30);
                        if (no > 4) a40 = Gemm.Fma(y4, xv, a40);
                    }
                    if (nk > 1)
                    {
                        xv = Load(xk + 1, part, tail);
                        if (no > 0) a01 = Gemm.Fma(y0, xv, a01);
                        if (no > 1) a11 = Gemm.Fma(y1, xv, a11);
                        if (no > 2) a21 = Gemm.Fma(y2, xv, a21);
                        if (no > 3) a31 = Gemm.Fma(y3, xv, a31);
                        if (no > 4) a41 = Gemm.Fma(y4, xv, a41);
                    }
                    if (nk > 2)
                    {
                        xv = Load(xk + 2, part, tail);
                        if (no > 0) a02 = Gemm.Fma(y0, xv, a02);
                        if (no > 1) a12 = Gemm.Fma(y1, xv, a12);
                        if (no > 2) a22 = Gemm.Fma(y2, xv, a22);
                        if (no > 3) a32 = Gemm.Fma(y3, xv, a32);
                        if (no > 4) a42 = Gemm.Fma(y4, xv, a42);
                    }
                    if (nk > 3)
                    {
                        xv = Load(xk + 3, part, tail);
                        if (no > 0) a03 = Gemm.Fma(y0, xv, a03);
                        if (no > 1) a13 = Gemm.Fma(y1, xv, a13);
                        if (no > 2) a23 = Gemm.Fma(y2, xv, a23);
                        if (no > 3) a33 = Gemm.Fma(y3, xv, a33);
                        if (no > 4) a43 = Gemm.Fma(y4, xv, a43);
                    }
                    if (nk > 4)
                    {
                        xv = Load(xk + 4, part, tail);
                        if (no > 0) a04 = Gemm.Fma(y0, xv, a04);
                        if (no > 1) a14 = Gemm.Fma(y1, xv, a14);
                        if (no > 2) a24 = Gemm.Fma(y2, xv, a24);
                        if (no > 3) a34 = Gemm.Fma(y3, xv, a34);
                        if (no > 4) a44 = Gemm.Fma(y4, xv, a44);
                    }
                }
        }
        nint os = (nint)g.Cin * g.KH * g.KW;
        if (no > 0) Put<TK>(dst, Vector512.Sum(a00), Vector512.Sum(a01), Vector512.Sum(a02), Vector512.Sum(a03), Vector512.Sum(a04), first);
        if (no > 1) Put<TK>(dst + os, Vector512.Sum(a10), Vector512.Sum(a11), Vector512.Sum(a12), Vector512.Sum(a13), Vector512.Sum(a14), first);
        if (no > 2) Put<TK>(dst + 2 * os, Vector512.Sum(a20), Vector512.Sum(a21), Vector512.Sum(a22), Vector512.Sum(a23), Vector512.Sum(a24), first);
        if (no > 3) Put<TK>(dst + 3 * os, Vector512.Sum(a30), Vector512.Sum(a31), Vector512.Sum(a32), Vector512.Sum(a33), Vector512.Sum(a34), first);
        if (no > 4) Put<TK>(dst + 4 * os, Vector512.Sum(a40), Vector512.Sum(a41), Vector512.Sum(a42), Vector512.Sum(a43), Vector512.Sum(a44), first);
    }

    /// <summary><see cref="WTile512{TO, TK, TT}"/> for <paramref name="ocs"/> output channels and the kernel's width (3 or 5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WTiles512<TT>(in ConvGeom g, int ocs, float* xr, int wp, int img, float* dyb, int gs,
        Vector512<float> tail, float* dst, bool first) where TT : struct, ICount
    {
        if (g.KW == 3)
            switch (ocs)
            {
                case 5: WTile512<O5, O3, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                case 4: WTile512<O4, O3, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                case 3: WTile512<O3, O3, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                case 2: WTile512<O2, O3, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                default: WTile512<O1, O3, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
            }
        else
            switch (ocs)
            {
                case 4: WTile512<O4, O5, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                case 3: WTile512<O3, O5, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                case 2: WTile512<O2, O5, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
                default: WTile512<O1, O5, TT>(g, xr, wp, img, dyb, gs, tail, dst, first); break;
            }
    }

    /// <summary>16 floats, or (<paramref name="part"/>) the lanes of <paramref name="tail"/> and 0 in the others.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Load(float* p, bool part, Vector512<float> tail)
    {
#if NET9_0_OR_GREATER
        if (part) return Avx512F.MaskLoad(p, tail, Vector512<float>.Zero);
#endif
        return Vector512.Load(p);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TK>(float* d, float s0, float s1, float s2, float s3, float s4, bool first) where TK : struct, ICount
    {
        int nk = default(TK).Value;
        if (first)
        {
            if (nk > 0) d[0] = s0;
            if (nk > 1) d[1] = s1;
            if (nk > 2) d[2] = s2;
            if (nk > 3) d[3] = s3;
            if (nk > 4) d[4] = s4;
        }
        else
        {
            if (nk > 0) d[0] += s0;
            if (nk > 1) d[1] += s1;
            if (nk > 2) d[2] += s2;
            if (nk > 3) d[3] += s3;
            if (nk > 4) d[4] += s4;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put<TK>(float* d, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2,
        Vector256<float> v3, Vector256<float> v4, bool first) where TK : struct, ICount
    {
        int nk = default(TK).Value;
        if (first)
        {
            if (nk > 0) d[0] = Vector256.Sum(v0);
            if (nk > 1) d[1] = Vector256.Sum(v1);
            if (nk > 2) d[2] = Vector256.Sum(v2);
            if (nk > 3) d[3] = Vector256.Sum(v3);
            if (nk > 4) d[4] = Vector256.Sum(v4);
        }
        else
        {
            if (nk > 0) d[0] += Vector256.Sum(v0);
            if (nk > 1) d[1] += Vector256.Sum(v1);
            if (nk > 2) d[2] += Vector256.Sum(v2);
            if (nk > 3) d[3] += Vector256.Sum(v3);
            if (nk > 4) d[4] += Vector256.Sum(v4);
        }
    }

    // ---- backward data: dx[ic, ih, iw] += Σ_oc Σ_kh Σ_kw wf[ic, oc, kh, kw] · dyp[oc, ih + kh, iw + kw] ------------

    /// <summary>One sample's dx += the flipped convolution of its padded dY (channel blocks of ≤ 6, row vectors).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DataSample(in ConvGeom g, float* dyp, int wd, int dplane, float* wf, float* dx, float* tmp)
    {
        int blocks = (g.Cin + OcBlockMax - 1) / OcBlockMax;
        int kt = g.Cout * g.KK;
        for (int blk = 0; blk < blocks; blk++)
        {
            int ic0 = (int)((long)g.Cin * blk / blocks), ics = (int)((long)g.Cin * (blk + 1) / blocks) - ic0;
            float* wb = wf + (nint)ic0 * kt;
            float* xb = dx + (nint)ic0 * g.InPlane;
#if NET9_0_OR_GREATER
            if (Vector512.IsHardwareAccelerated)
            {
                switch (ics)
                {
                    case 6: DBlock512<O6>(g, dyp, wd, dplane, wb, xb); break;
                    case 5: DBlock512<O5>(g, dyp, wd, dplane, wb, xb); break;
                    case 4: DBlock512<O4>(g, dyp, wd, dplane, wb, xb); break;
                    case 3: DBlock512<O3>(g, dyp, wd, dplane, wb, xb); break;
                    case 2: DBlock512<O2>(g, dyp, wd, dplane, wb, xb); break;
                    default: DBlock512<O1>(g, dyp, wd, dplane, wb, xb); break;
                }
                continue;
            }
#endif
            switch (ics)
            {
                case 6: DBlock<O6>(g, dyp, wd, dplane, wb, xb, tmp); break;
                case 5: DBlock<O5>(g, dyp, wd, dplane, wb, xb, tmp); break;
                case 4: DBlock<O4>(g, dyp, wd, dplane, wb, xb, tmp); break;
                case 3: DBlock<O3>(g, dyp, wd, dplane, wb, xb, tmp); break;
                case 2: DBlock<O2>(g, dyp, wd, dplane, wb, xb, tmp); break;
                default: DBlock<O1>(g, dyp, wd, dplane, wb, xb, tmp); break;
            }
        }
    }

    /// <summary>Vectors per backward-data tile: channels × vectors accumulators (24 with 32 registers, 12 with 16).</summary>
    private static int MaxVecs(int channels) => Vector512.IsHardwareAccelerated ? Math.Min(4, 24 / channels) : Math.Min(3, 12 / channels);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DBlock<TO>(in ConvGeom g, float* dyp, int wd, int dplane, float* w, float* dx, float* tmp)
        where TO : struct, ICount
    {
        int W = g.W, H = g.H, P = g.InPlane;
        int maxv = MaxVecs(default(TO).Value);
        if (W % V == 0 && W <= 4 * V && W / V <= maxv)
        {
            // whole rows, r rows per tile: vector j reads row j / m, column (j % m)·V; the output is contiguous
            int m = W / V, r = Math.Max(1, maxv / m);
            for (int ih = 0; ih < H; ih += r)
            {
                int rows = Math.Min(r, H - ih), nv = rows * m;
                float* xr = dyp + (nint)ih * wd;
                float* yr = dx + (nint)ih * W;
                nint o1 = 1 / m * wd + 1 % m * V, o2 = 2 / m * wd + 2 % m * V, o3 = 3 / m * wd + 3 % m * V;
                switch (nv)
                {
                    case 4: DTile<TO, O4>(g, xr, o1, o2, o3, wd, dplane, w, yr, P, false, 0, tmp); break;
                    case 3: DTile<TO, O3>(g, xr, o1, o2, o3, wd, dplane, w, yr, P, false, 0, tmp); break;
                    case 2: DTile<TO, O2>(g, xr, o1, o2, o3, wd, dplane, w, yr, P, false, 0, tmp); break;
                    default: DTile<TO, O1>(g, xr, o1, o2, o3, wd, dplane, w, yr, P, false, 0, tmp); break;
                }
            }
            return;
        }
        for (int ih = 0; ih < H; ih++)
        {
            int iw0 = 0;
            while (iw0 < W)
            {
                int rem = W - iw0, left = (rem + V - 1) / V;
                int nv = Math.Min(maxv, left);
                if (nv < left && left <= 2 * maxv) nv = (left + 1) / 2;   // split evenly: 5 vectors → 3 + 2
                float* xr = dyp + (nint)ih * wd + iw0;
                float* yr = dx + (nint)ih * W + iw0;
                int span = nv * V;
                bool spill = span > rem;
                int valid = Math.Min(rem, span);
                switch (nv)
                {
                    case 4: DTile<TO, O4>(g, xr, V, 2 * V, 3 * V, wd, dplane, w, yr, P, spill, valid, tmp); break;
                    case 3: DTile<TO, O3>(g, xr, V, 2 * V, 3 * V, wd, dplane, w, yr, P, spill, valid, tmp); break;
                    case 2: DTile<TO, O2>(g, xr, V, 2 * V, 3 * V, wd, dplane, w, yr, P, spill, valid, tmp); break;
                    default: DTile<TO, O1>(g, xr, V, 2 * V, 3 * V, wd, dplane, w, yr, P, spill, valid, tmp); break;
                }
                iw0 += span;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DTile<TO, TN>(in ConvGeom g, float* xr, nint o1, nint o2, nint o3, int wd, int dplane, float* w,
        float* y, int ldy, bool spill, int valid, float* tmp) where TO : struct, ICount where TN : struct, ICount
    {
        int no = default(TO).Value, nv = default(TN).Value;
        int K = g.Cout * g.KK, KH = g.KH, KW = g.KW;
        float* w0 = w, w1 = no > 1 ? w + 1 * K : w, w2 = no > 2 ? w + 2 * K : w, w3 = no > 3 ? w + 3 * K : w, w4 = no > 4 ? w + 4 * K : w, w5 = no > 5 ? w + 5 * K : w;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector256<float> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector256<float> a50 = default, a51 = default, a52 = default, a53 = default;
        int k = 0;
        for (int oc = 0; oc < g.Cout; oc++)
            for (int kh = 0; kh < KH; kh++)
            {
                float* xrow = xr + (nint)oc * dplane + (nint)kh * wd;
                for (int kw = 0; kw < KW; kw++, k++)
                {
                    float* xk = xrow + kw;
                    Vector256<float> x0 = Vector256.Load(xk), x1 = default, x2 = default, x3 = default, wv;
                    if (nv > 1) x1 = Vector256.Load(xk + o1);
                    if (nv > 2) x2 = Vector256.Load(xk + o2);
                    if (nv > 3) x3 = Vector256.Load(xk + o3);
                    if (no > 0) { wv = Vector256.Create(w0[k]); a00 = Gemm.Fma(x0, wv, a00); if (nv > 1) a01 = Gemm.Fma(x1, wv, a01); if (nv > 2) a02 = Gemm.Fma(x2, wv, a02); if (nv > 3) a03 = Gemm.Fma(x3, wv, a03); }
                    if (no > 1) { wv = Vector256.Create(w1[k]); a10 = Gemm.Fma(x0, wv, a10); if (nv > 1) a11 = Gemm.Fma(x1, wv, a11); if (nv > 2) a12 = Gemm.Fma(x2, wv, a12); if (nv > 3) a13 = Gemm.Fma(x3, wv, a13); }
                    if (no > 2) { wv = Vector256.Create(w2[k]); a20 = Gemm.Fma(x0, wv, a20); if (nv > 1) a21 = Gemm.Fma(x1, wv, a21); if (nv > 2) a22 = Gemm.Fma(x2, wv, a22); if (nv > 3) a23 = Gemm.Fma(x3, wv, a23); }
                    if (no > 3) { wv = Vector256.Create(w3[k]); a30 = Gemm.Fma(x0, wv, a30); if (nv > 1) a31 = Gemm.Fma(x1, wv, a31); if (nv > 2) a32 = Gemm.Fma(x2, wv, a32); if (nv > 3) a33 = Gemm.Fma(x3, wv, a33); }
                    if (no > 4) { wv = Vector256.Create(w4[k]); a40 = Gemm.Fma(x0, wv, a40); if (nv > 1) a41 = Gemm.Fma(x1, wv, a41); if (nv > 2) a42 = Gemm.Fma(x2, wv, a42); if (nv > 3) a43 = Gemm.Fma(x3, wv, a43); }
                    if (no > 5) { wv = Vector256.Create(w5[k]); a50 = Gemm.Fma(x0, wv, a50); if (nv > 1) a51 = Gemm.Fma(x1, wv, a51); if (nv > 2) a52 = Gemm.Fma(x2, wv, a52); if (nv > 3) a53 = Gemm.Fma(x3, wv, a53); }
                }
            }
        if (no > 0) AddStore<TN>(y + 0 * (nint)ldy, a00, a01, a02, a03, spill, valid, tmp);
        if (no > 1) AddStore<TN>(y + 1 * (nint)ldy, a10, a11, a12, a13, spill, valid, tmp);
        if (no > 2) AddStore<TN>(y + 2 * (nint)ldy, a20, a21, a22, a23, spill, valid, tmp);
        if (no > 3) AddStore<TN>(y + 3 * (nint)ldy, a30, a31, a32, a33, spill, valid, tmp);
        if (no > 4) AddStore<TN>(y + 4 * (nint)ldy, a40, a41, a42, a43, spill, valid, tmp);
        if (no > 5) AddStore<TN>(y + 5 * (nint)ldy, a50, a51, a52, a53, spill, valid, tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore<TN>(float* y, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2,
        Vector256<float> v3, bool spill, int valid, float* tmp) where TN : struct, ICount
    {
        int nv = default(TN).Value;
        if (!spill)
        {
            (v0 + Vector256.Load(y)).Store(y);
            if (nv > 1) (v1 + Vector256.Load(y + V)).Store(y + V);
            if (nv > 2) (v2 + Vector256.Load(y + 2 * V)).Store(y + 2 * V);
            if (nv > 3) (v3 + Vector256.Load(y + 3 * V)).Store(y + 3 * V);
            return;
        }
        v0.Store(tmp);
        if (nv > 1) v1.Store(tmp + V);
        if (nv > 2) v2.Store(tmp + 2 * V);
        if (nv > 3) v3.Store(tmp + 3 * V);
        for (int j = 0; j < valid; j++) y[j] += tmp[j];
    }

#if NET9_0_OR_GREATER
    // ---- backward data in Vector512s (AVX-512): the same sums in the same order as DTile, twice the lanes ----------

    /// <summary>
    /// <see cref="DBlock{TO}"/> in Vector512s: rows of at most 16 take one vector each (several rows per tile, the lanes
    /// past the row masked), wider rows whole vectors and one masked last vector. Each dx element is the same chain of
    /// FMAs over (oc, kh, kw) as in <see cref="DTile{TO, TN}"/>, so the bits do not depend on the vector width.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DBlock512<TO>(in ConvGeom g, float* dyp, int wd, int dplane, float* w, float* dx)
        where TO : struct, ICount
    {
        const int V16 = 16;
        int W = g.W, H = g.H, P = g.InPlane;
        int maxv = Math.Min(4, 24 / default(TO).Value);
        Vector512<float> all = Vector512<float>.AllBitsSet;
        if (W <= V16)
        {
            // one vector per row, r rows per tile: vector j reads row ih + j and writes dx row ih + j
            Vector512<float> keep = VectorMath.FirstLanes(W);
            for (int ih = 0; ih < H; ih += maxv)
            {
                int rows = Math.Min(maxv, H - ih);
                float* xr = dyp + (nint)ih * wd;
                float* yr = dx + (nint)ih * W;
                switch (rows)
                {
                    case 4: DTile512<TO, O4>(g, xr, wd, 2 * wd, 3 * wd, W, wd, dplane, w, yr, P, keep, keep); break;
                    case 3: DTile512<TO, O3>(g, xr, wd, 2 * wd, 3 * wd, W, wd, dplane, w, yr, P, keep, keep); break;
                    case 2: DTile512<TO, O2>(g, xr, wd, 2 * wd, 3 * wd, W, wd, dplane, w, yr, P, keep, keep); break;
                    default: DTile512<TO, O1>(g, xr, wd, 2 * wd, 3 * wd, W, wd, dplane, w, yr, P, keep, keep); break;
                }
            }
            return;
        }
        for (int ih = 0; ih < H; ih++)
        {
            int iw0 = 0;
            while (iw0 < W)
            {
                int rem = W - iw0, left = (rem + V16 - 1) / V16;
                int nv = Math.Min(maxv, left);
                if (nv < left && left <= 2 * maxv) nv = (left + 1) / 2;   // split evenly: 5 vectors → 3 + 2
                float* xr = dyp + (nint)ih * wd + iw0;
                float* yr = dx + (nint)ih * W + iw0;
                int span = nv * V16;
                // every vector but the last is whole; the last keeps the lanes left in the row
                Vector512<float> last = span > rem ? VectorMath.FirstLanes(rem - (nv - 1) * V16) : all;
                switch (nv)
                {
                    case 4: DTile512<TO, O4>(g, xr, V16, 2 * V16, 3 * V16, V16, wd, dplane, w, yr, P, all, last); break;
                    case 3: DTile512<TO, O3>(g, xr, V16, 2 * V16, 3 * V16, V16, wd, dplane, w, yr, P, all, last); break;
                    case 2: DTile512<TO, O2>(g, xr, V16, 2 * V16, 3 * V16, V16, wd, dplane, w, yr, P, all, last); break;
                    default: DTile512<TO, O1>(g, xr, V16, 2 * V16, 3 * V16, V16, wd, dplane, w, yr, P, last, last); break;
                }
                iw0 += span;
            }
        }
    }

    /// <summary>
    /// dx[vector j] += Σ_oc Σ_kh Σ_kw w[oc, kh, kw] · dyp[vector j + (oc, kh, kw)] for TO input channels and TN
    /// vectors; vector j reads at <paramref name="xr"/> + o_j and writes at <paramref name="y"/> + j·<paramref name="ys"/>
    /// through its mask (<paramref name="inner"/> for all but the last, <paramref name="last"/>): masked lanes are
    /// neither read nor written in dx (their dY lanes are read, from the padded image or its slack, and dropped).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DTile512<TO, TN>(in ConvGeom g, float* xr, nint o1, nint o2, nint o3, nint ys, int wd, int dplane,
        float* w, float* y, int ldy, Vector512<float> inner, Vector512<float> last) where TO : struct, ICount where TN : struct, ICount
    {
        int no = default(TO).Value, nv = default(TN).Value;
        int K = g.Cout * g.KK, KH = g.KH, KW = g.KW;
        float* w0 = w, w1 = no > 1 ? w + 1 * K : w, w2 = no > 2 ? w + 2 * K : w, w3 = no > 3 ? w + 3 * K : w, w4 = no > 4 ? w + 4 * K : w, w5 = no > 5 ? w + 5 * K : w;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
        int k = 0;
        for (int oc = 0; oc < g.Cout; oc++)
            for (int kh = 0; kh < KH; kh++)
            {
                float* xrow = xr + (nint)oc * dplane + (nint)kh * wd;
                for (int kw = 0; kw < KW; kw++, k++)
                {
                    float* xk = xrow + kw;
                    Vector512<float> x0 = Vector512.Load(xk), x1 = default, x2 = default, x3 = default, wv;
                    if (nv > 1) x1 = Vector512.Load(xk + o1);
                    if (nv > 2) x2 = Vector512.Load(xk + o2);
                    if (nv > 3) x3 = Vector512.Load(xk + o3);
                    if (no > 0) { wv = Vector512.Create(w0[k]); a00 = Gemm.Fma(x0, wv, a00); if (nv > 1) a01 = Gemm.Fma(x1, wv, a01); if (nv > 2) a02 = Gemm.Fma(x2, wv, a02); if (nv > 3) a03 = Gemm.Fma(x3, wv, a03); }
                    if (no > 1) { wv = Vector512.Create(w1[k]); a10 = Gemm.Fma(x0, wv, a10); if (nv > 1) a11 = Gemm.Fma(x1, wv, a11); if (nv > 2) a12 = Gemm.Fma(x2, wv, a12); if (nv > 3) a13 = Gemm.Fma(x3, wv, a13); }
                    if (no > 2) { wv = Vector512.Create(w2[k]); a20 = Gemm.Fma(x0, wv, a20); if (nv > 1) a21 = Gemm.Fma(x1, wv, a21); if (nv > 2) a22 = Gemm.Fma(x2, wv, a22); if (nv > 3) a23 = Gemm.Fma(x3, wv, a23); }
                    if (no > 3) { wv = Vector512.Create(w3[k]); a30 = Gemm.Fma(x0, wv, a30); if (nv > 1) a31 = Gemm.Fma(x1, wv, a31); if (nv > 2) a32 = Gemm.Fma(x2, wv, a32); if (nv > 3) a33 = Gemm.Fma(x3, wv, a33); }
                    if (no > 4) { wv = Vector512.Create(w4[k]); a40 = Gemm.Fma(x0, wv, a40); if (nv > 1) a41 = Gemm.Fma(x1, wv, a41); if (nv > 2) a42 = Gemm.Fma(x2, wv, a42); if (nv > 3) a43 = Gemm.Fma(x3, wv, a43); }
                    if (no > 5) { wv = Vector512.Create(w5[k]); a50 = Gemm.Fma(x0, wv, a50); if (nv > 1) a51 = Gemm.Fma(x1, wv, a51); if (nv > 2) a52 = Gemm.Fma(x2, wv, a52); if (nv > 3) a53 = Gemm.Fma(x3, wv, a53); }
                }
            }
        if (no > 0) AddStore512<TN>(y + 0 * (nint)ldy, ys, a00, a01, a02, a03, inner, last);
        if (no > 1) AddStore512<TN>(y + 1 * (nint)ldy, ys, a10, a11, a12, a13, inner, last);
        if (no > 2) AddStore512<TN>(y + 2 * (nint)ldy, ys, a20, a21, a22, a23, inner, last);
        if (no > 3) AddStore512<TN>(y + 3 * (nint)ldy, ys, a30, a31, a32, a33, inner, last);
        if (no > 4) AddStore512<TN>(y + 4 * (nint)ldy, ys, a40, a41, a42, a43, inner, last);
        if (no > 5) AddStore512<TN>(y + 5 * (nint)ldy, ys, a50, a51, a52, a53, inner, last);
    }

    /// <summary>y[j·ys ..] += v_j through the masks (the last vector through <paramref name="last"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore512<TN>(float* y, nint ys, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2,
        Vector512<float> v3, Vector512<float> inner, Vector512<float> last) where TN : struct, ICount
    {
        int nv = default(TN).Value;
        Vector512<float> m0 = nv == 1 ? last : inner, m1 = nv == 2 ? last : inner, m2 = nv == 3 ? last : inner;
        Avx512F.MaskStore(y, m0, v0 + Avx512F.MaskLoad(y, m0, Vector512<float>.Zero));
        if (nv > 1) Avx512F.MaskStore(y + ys, m1, v1 + Avx512F.MaskLoad(y + ys, m1, Vector512<float>.Zero));
        if (nv > 2) Avx512F.MaskStore(y + 2 * ys, m2, v2 + Avx512F.MaskLoad(y + 2 * ys, m2, Vector512<float>.Zero));
        if (nv > 3) Avx512F.MaskStore(y + 3 * ys, last, v3 + Avx512F.MaskLoad(y + 3 * ys, last, Vector512<float>.Zero));
    }
#endif
}
