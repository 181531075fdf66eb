using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>Direct backward-weights (<see cref="ConvAlgorithm.WeightsDirect"/>).</summary>
internal static unsafe partial class ConvDirect
{
    // ---- backward weights: dw[oc, ic, kh, kw] += Σ_n Σ_oh Σ_ow dy[n, oc, oh, ow] · xp[n, ic, oh + kh, ow + kw] ----

    /// <summary>KW of 3 or 5 and rows of at least one vector: accumulators are (channel, kw) pairs.</summary>
    public static bool AppliesWeights(in ConvGeom g) => Applies(g) && (g.KW == 3 || g.KW == 5) && g.OW >= V;

    private static int WBlockMax(in ConvGeom g) => g.KW == 3 ? 4 : 3;
    private static int WBlocks(in ConvGeom g) => (g.Cout + WBlockMax(g) - 1) / WBlockMax(g);
    private static long WAccFloats(in ConvGeom g) => (long)WBlocks(g) * g.Cin * g.KH * WTileFloats(g);
    private static int WTileFloats(in ConvGeom g) => WBlockMax(g) * g.KW * V;

    public static long WeightsScratch(in ConvGeom g, int threads)
        => Math.Max(WAccFloats(g) + 16 + (long)Math.Max(1, threads) * PerPart(g),
            ConvDirectBackward.Applies(g) ? ConvDirectBackward.Scratch(g, threads) : 0);   // also sizes the fused backward

    private struct WCtx
    {
        public ConvGeom G;
        public float* X, Dy, Dw, Acc, Scratch;
        public int Batch, PerPart;
    }

    public static void BackwardWeights(in ConvGeom g, float* x, float* dy, float* dw, int batch, float* scratch, int threads)
    {
        float* acc = Gemm.Align(scratch);
        var ctx = new WCtx
        {
            G = g, X = x, Dy = dy, Dw = dw, Batch = batch, Acc = acc,
            Scratch = acc + WAccFloats(g), PerPart = checked((int)PerPart(g)),
        };
        int parts = Math.Min(GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20), WBlocks(g) * g.Cin);
        if (parts <= 1) WeightsPart(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &WeightsPart, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WeightsPart(void* p, int t, int parts)
    {
        ref WCtx c = ref *(WCtx*)p;
        ConvGeom g = c.G;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, N = g.N;
        int blocks = WBlocks(g);
        long items = (long)blocks * g.Cin;
        int lo = (int)(items * t / parts), hi = (int)(items * (t + 1) / parts);
        if (lo >= hi) return;
        int tileFloats = WTileFloats(g);
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        Gemm.Zero(c.Acc + (nint)lo * g.KH * tileFloats, (hi - lo) * g.KH * tileFloats);
        int rem = g.OW % V;
        int* mbits = stackalloc int[V];
        for (int j = 0; j < V; j++) mbits[j] = j >= V - rem ? -1 : 0;
        Vector256<float> mask = Vector256.Load(mbits).AsSingle();
        for (int n = 0; n < c.Batch; n++)
        {
            Pad(g, c.X + (nint)n * g.Cin * g.InPlane, xp, hp, wp, plane);
            for (int it = lo; it < hi; it++)
            {
                int blk = it / g.Cin, ic = it - blk * g.Cin;
                int oc0 = (int)((long)g.Cout * blk / blocks), ocs = (int)((long)g.Cout * (blk + 1) / blocks) - oc0;
                float* dyb = c.Dy + ((nint)n * g.Cout + oc0) * N;
                for (int kh = 0; kh < g.KH; kh++)
                {
                    float* xr = xp + (nint)ic * plane + (nint)kh * wp;
                    float* acc = c.Acc + ((nint)it * g.KH + kh) * tileFloats;
                    if (g.KW == 3)
                        switch (ocs)
                        {
                            case 4: WTile<O4, O3>(g, xr, wp, dyb, acc, mask); break;
                            case 3: WTile<O3, O3>(g, xr, wp, dyb, acc, mask); break;
                            case 2: WTile<O2, O3>(g, xr, wp, dyb, acc, mask); break;
                            default: WTile<O1, O3>(g, xr, wp, dyb, acc, mask); break;
                        }
                    else
                        switch (ocs)
                        {
                            case 3: WTile<O3, O5>(g, xr, wp, dyb, acc, mask); break;
                            case 2: WTile<O2, O5>(g, xr, wp, dyb, acc, mask); break;
                            default: WTile<O1, O5>(g, xr, wp, dyb, acc, mask); break;
                        }
                }
            }
        }
        // dw += the lane sums, in a fixed order
        for (int it = lo; it < hi; it++)
        {
            int blk = it / g.Cin, ic = it - blk * g.Cin;
            int oc0 = (int)((long)g.Cout * blk / blocks), ocs = (int)((long)g.Cout * (blk + 1) / blocks) - oc0;
            for (int kh = 0; kh < g.KH; kh++)
            {
                float* acc = c.Acc + ((nint)it * g.KH + kh) * tileFloats;
                for (int o = 0; o < ocs; o++)
                    for (int kw = 0; kw < g.KW; kw++)
                        c.Dw[(((nint)(oc0 + o) * g.Cin + ic) * g.KH + kh) * g.KW + kw] += Vector256.Sum(Vector256.Load(acc + (o * g.KW + kw) * V));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WTile<TO, TK>(in ConvGeom g, float* xr, int wp, float* dy, float* acc, Vector256<float> mask)
        where TO : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, nk = default(TK).Value;
        int N = g.N, OW = g.OW, OH = g.OH;
        Vector256<float> a00 = default, a01 = default, a02 = default, a03 = default, a04 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default, a13 = default, a14 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default, a23 = default, a24 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default, a33 = default, a34 = default;
        if (no > 0 && nk > 0) a00 = Vector256.Load(acc + (0 * nk + 0) * V);
        if (no > 0 && nk > 1) a01 = Vector256.Load(acc + (0 * nk + 1) * V);
        if (no > 0 && nk > 2) a02 = Vector256.Load(acc + (0 * nk + 2) * V);
        if (no > 0 && nk > 3) a03 = Vector256.Load(acc + (0 * nk + 3) * V);
        if (no > 0 && nk > 4) a04 = Vector256.Load(acc + (0 * nk + 4) * V);
        if (no > 1 && nk > 0) a10 = Vector256.Load(acc + (1 * nk + 0) * V);
        if (no > 1 && nk > 1) a11 = Vector256.Load(acc + (1 * nk + 1) * V);
        if (no > 1 && nk > 2) a12 = Vector256.Load(acc + (1 * nk + 2) * V);
        if (no > 1 && nk > 3) a13 = Vector256.Load(acc + (1 * nk + 3) * V);
        if (no > 1 && nk > 4) a14 = Vector256.Load(acc + (1 * nk + 4) * V);
        if (no > 2 && nk > 0) a20 = Vector256.Load(acc + (2 * nk + 0) * V);
        if (no > 2 && nk > 1) a21 = Vector256.Load(acc + (2 * nk + 1) * V);
        if (no > 2 && nk > 2) a22 = Vector256.Load(acc + (2 * nk + 2) * V);
        if (no > 2 && nk > 3) a23 = Vector256.Load(acc + (2 * nk + 3) * V);
        if (no > 2 && nk > 4) a24 = Vector256.Load(acc + (2 * nk + 4) * V);
        if (no > 3 && nk > 0) a30 = Vector256.Load(acc + (3 * nk + 0) * V);
        if (no > 3 && nk > 1) a31 = Vector256.Load(acc + (3 * nk + 1) * V);
        if (no > 3 && nk > 2) a32 = Vector256.Load(acc + (3 * nk + 2) * V);
        if (no > 3 && nk > 3) a33 = Vector256.Load(acc + (3 * nk + 3) * V);
        if (no > 3 && nk > 4) a34 = Vector256.Load(acc + (3 * nk + 4) * V);
        float* d0 = dy, d1 = no > 1 ? dy + 1 * (nint)N : dy, d2 = no > 2 ? dy + 2 * (nint)N : dy, d3 = no > 3 ? dy + 3 * (nint)N : dy;
        for (int oh = 0; oh < OH; oh++, xr += wp)
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
                Vector256<float> y0 = default, y1 = default, y2 = default, y3 = default;
                Vector256<float> x0 = default, x1 = default, x2 = default, x3 = default, x4 = default;
                if (no > 0) y0 = Vector256.Load(d0 + q);
                if (no > 1) y1 = Vector256.Load(d1 + q);
                if (no > 2) y2 = Vector256.Load(d2 + q);
                if (no > 3) y3 = Vector256.Load(d3 + q);
                if (tail)
                {
                    if (no > 0) y0 &= mask;
                    if (no > 1) y1 &= mask;
                    if (no > 2) y2 &= mask;
                    if (no > 3) y3 &= mask;
                }
                if (nk > 0) x0 = Vector256.Load(xr + ow + 0);
                if (nk > 1) x1 = Vector256.Load(xr + ow + 1);
                if (nk > 2) x2 = Vector256.Load(xr + ow + 2);
                if (nk > 3) x3 = Vector256.Load(xr + ow + 3);
                if (nk > 4) x4 = Vector256.Load(xr + ow + 4);
                if (no > 0 && nk > 0) a00 = Gemm.Fma(y0, x0, a00);
                if (no > 0 && nk > 1) a01 = Gemm.Fma(y0, x1, a01);
                if (no > 0 && nk > 2) a02 = Gemm.Fma(y0, x2, a02);
                if (no > 0 && nk > 3) a03 = Gemm.Fma(y0, x3, a03);
                if (no > 0 && nk > 4) a04 = Gemm.Fma(y0, x4, a04);
                if (no > 1 && nk > 0) a10 = Gemm.Fma(y1, x0, a10);
                if (no > 1 && nk > 1) a11 = Gemm.Fma(y1, x1, a11);
                if (no > 1 && nk > 2) a12 = Gemm.Fma(y1, x2, a12);
                if (no > 1 && nk > 3) a13 = Gemm.Fma(y1, x3, a13);
                if (no > 1 && nk > 4) a14 = Gemm.Fma(y1, x4, a14);
                if (no > 2 && nk > 0) a20 = Gemm.Fma(y2, x0, a20);
                if (no > 2 && nk > 1) a21 = Gemm.Fma(y2, x1, a21);
                if (no > 2 && nk > 2) a22 = Gemm.Fma(y2, x2, a22);
                if (no > 2 && nk > 3) a23 = Gemm.Fma(y2, x3, a23);
                if (no > 2 && nk > 4) a24 = Gemm.Fma(y2, x4, a24);
                if (no > 3 && nk > 0) a30 = Gemm.Fma(y3, x0, a30);
                if (no > 3 && nk > 1) a31 = Gemm.Fma(y3, x1, a31);
                if (no > 3 && nk > 2) a32 = Gemm.Fma(y3, x2, a32);
                if (no > 3 && nk > 3) a33 = Gemm.Fma(y3, x3, a33);
                if (no > 3 && nk > 4) a34 = Gemm.Fma(y3, x4, a34);
                if (tail) break;
                ow += V;
            }
        }
        if (no > 0 && nk > 0) a00.Store(acc + (0 * nk + 0) * V);
        if (no > 0 && nk > 1) a01.Store(acc + (0 * nk + 1) * V);
        if (no > 0 && nk > 2) a02.Store(acc + (0 * nk + 2) * V);
        if (no > 0 && nk > 3) a03.Store(acc + (0 * nk + 3) * V);
        if (no > 0 && nk > 4) a04.Store(acc + (0 * nk + 4) * V);
        if (no > 1 && nk > 0) a10.Store(acc + (1 * nk + 0) * V);
        if (no > 1 && nk > 1) a11.Store(acc + (1 * nk + 1) * V);
        if (no > 1 && nk > 2) a12.Store(acc + (1 * nk + 2) * V);
        if (no > 1 && nk > 3) a13.Store(acc + (1 * nk + 3) * V);
        if (no > 1 && nk > 4) a14.Store(acc + (1 * nk + 4) * V);
        if (no > 2 && nk > 0) a20.Store(acc + (2 * nk + 0) * V);
        if (no > 2 && nk > 1) a21.Store(acc + (2 * nk + 1) * V);
        if (no > 2 && nk > 2) a22.Store(acc + (2 * nk + 2) * V);
        if (no > 2 && nk > 3) a23.Store(acc + (2 * nk + 3) * V);
        if (no > 2 && nk > 4) a24.Store(acc + (2 * nk + 4) * V);
        if (no > 3 && nk > 0) a30.Store(acc + (3 * nk + 0) * V);
        if (no > 3 && nk > 1) a31.Store(acc + (3 * nk + 1) * V);
        if (no > 3 && nk > 2) a32.Store(acc + (3 * nk + 2) * V);
        if (no > 3 && nk > 3) a33.Store(acc + (3 * nk + 3) * V);
        if (no > 3 && nk > 4) a34.Store(acc + (3 * nk + 4) * V);
    }
}
