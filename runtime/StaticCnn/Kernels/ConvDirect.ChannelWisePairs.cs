using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>Channel-wise direct forward on column pairs (<see cref="ConvAlgorithm.ChannelWisePairs"/>).</summary>
internal static unsafe partial class ConvDirect
{
    // ---- channel-wise with column-pair Winograd: F(2,3) (+ F(2,2) for 5×5) along the output row ------------------

    /// <summary>
    /// The channel-wise kernel on pairs of adjacent output columns with the row transform of the column F(2,3)
    /// scheme (5×5: F(2,3) on taps 0–2 plus F(2,2) on taps 3–4): 7 products per kernel row and pair instead of 10
    /// (4 instead of 6 for 3×3). Needs an even row width, 16 channels and AVX-512: a pair takes 4 accumulators per
    /// channel vector, so only one Vector512 of 16 channels leaves room for tiles of 6 pairs, enough to share the
    /// weight loads (with 16 Vector256 registers, one pair of two vectors per tile was 30 % slower than the
    /// one-column kernel). LeNet-5's Conv2 (14×14 → 10×10, 5×5) runs here.
    /// </summary>
    public static bool ChannelWise23(in ConvGeom g)
        => Avx512F.IsSupported && g.Cout == 2 * V && ChannelWise(g) && g.OW % 2 == 0 && (g.KW == 3 || g.KW == 5);

    private static int RC23(in ConvGeom g) => g.KW == 3 ? 4 : 7;

    /// <summary>Transformed weights [ic][kh][r][oc] and the row offsets of the transformed input.</summary>
    private static long CW23Floats(in ConvGeom g) => UC23Floats(g) + (long)g.Cin * g.KH + 32 + 16;

    /// <summary>Floats of the transformed weights alone, [Cin·KH][R][Cout] (what <see cref="PreparedFloats"/> holds).</summary>
    private static long UC23Floats(in ConvGeom g) => (long)g.Cin * g.KH * RC23(g) * g.Cout;

    /// <summary>Per part: the transformed rows [ic][row of the padded sample][pair][r].</summary>
    private static long CT23Floats(in ConvGeom g) => Math.Max((long)g.Cin * Hp(g) * (g.OW / 2) * RC23(g) + 16, (long)g.K * g.Cout + 16 - PerPart(g));

    private const int PairTile = 6;

    /// <summary>
    /// With <paramref name="pooled"/> also the 2×2/stride-2 max-pool ([batch, Cout, poolH, poolW], poolH = OH/2,
    /// poolW = OW/2): inside the tiles where one part runs, the rows are even and the activation is applied in the
    /// store (none or ReLU), else by <see cref="Pool2x2.MaxForward(float*, float*, int, int, int)"/> after the
    /// convolution. Both are the pool kernel's operations bit for bit.
    /// </summary>
    private static void ForwardChannelWise23(in ConvGeom g, float* x, float* w, float* b, float* y, int batch,
        in ConvEpilogue ep, float* scratch, int threads, float* pooled, int poolH, int poolW, float* prepared)
    {
        Activation act = ep.Act;
        int R = RC23(g), M = g.Cout, hp = Hp(g), pj = g.OW / 2, S = g.Cin * g.KH;
        float* u = Gemm.Align(scratch);
        int* taps = (int*)(u + (nint)S * R * M);
        // weights to [k][oc] (in the space of the first part, not yet in use), then transformed 8 channels at a time;
        // or read as prepared once (the same floats)
        if (prepared != null) u = prepared;
        else TransformWeightsC23(g, w, u, Gemm.Align((float*)(taps + S) + 16));
        for (int ic = 0; ic < g.Cin; ic++)
            for (int kh = 0; kh < g.KH; kh++) taps[ic * g.KH + kh] = (ic * hp + kh) * pj * R;
        var ctx = new CCtx
        {
            G = g, X = x, Wt = u, Taps = taps, B = b, Y = y, Batch = batch, Relu = act == Activation.ReLU, Ep = ep,
            Scratch = (float*)(taps + S) + 16, PerPart = checked((int)(PerPart(g) + CT23Floats(g))),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        bool inTiles = pooled != null && parts <= 1 && g.OH % 2 == 0 && poolH == g.OH / 2 && poolW == pj && pj <= MaxPoolPairs
                       && act is Activation.None or Activation.ReLU && !ep.HasTail;
        if (inTiles) { ctx.Pooled = pooled; ctx.PoolW = poolW; }
        if (parts <= 1) ChannelPart23(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &ChannelPart23, &ctx);
        if (pooled != null && !inTiles)
        {
            int N = g.N, pn = poolH * poolW;
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < M; o++)
                    Pool2x2.MaxForward(y + ((nint)n * M + o) * N, pooled + ((nint)n * M + o) * pn, g.OW, poolH, poolW);
        }
    }

    /// <summary>
    /// The channel-wise F(2,3) weight transform into <paramref name="u"/> (<see cref="UC23Floats"/>): w to [k][oc] in
    /// <paramref name="wt"/> (Cout·K floats), then each kernel column's taps transformed 8 or 16 channels at a time.
    /// </summary>
    private static void TransformWeightsC23(in ConvGeom g, float* w, float* u, float* wt)
    {
        int R = RC23(g), M = g.Cout, S = g.Cin * g.KH;
        TransposeWeights(g, w, wt);
        var half = Vector256.Create(0.5f);
        if (M == 16 && Avx512F.IsSupported)
        {
            // one Vector512 of the 16 channels per kernel row: the operations of the loop below, twice as wide
            var half16 = Vector512.Create(0.5f);
            for (int s = 0; s < S; s++)
            {
                float* gk = wt + (nint)s * g.KW * M;
                float* d = u + (nint)s * R * M;
                Vector512<float> g0 = Vector512.Load(gk), g1 = Vector512.Load(gk + M), g2 = Vector512.Load(gk + 2 * M);
                g0.Store(d); ((g0 + g1 + g2) * half16).Store(d + M); ((g0 - g1 + g2) * half16).Store(d + 2 * M); g2.Store(d + 3 * M);
                if (R == 7)
                {
                    Vector512<float> g3 = Vector512.Load(gk + 3 * M), g4 = Vector512.Load(gk + 4 * M);
                    g3.Store(d + 4 * M); (g3 + g4).Store(d + 5 * M); g4.Store(d + 6 * M);
                }
            }
        }
        else
            for (int s = 0; s < S; s++)
                for (int o0 = 0; o0 < M; o0 += V)
                {
                    float* gk = wt + (nint)s * g.KW * M + o0;
                    float* d = u + (nint)s * R * M + o0;
                    Vector256<float> g0 = Vector256.Load(gk), g1 = Vector256.Load(gk + M), g2 = Vector256.Load(gk + 2 * M);
                    g0.Store(d); ((g0 + g1 + g2) * half).Store(d + M); ((g0 - g1 + g2) * half).Store(d + 2 * M); g2.Store(d + 3 * M);
                    if (R == 7)
                    {
                        Vector256<float> g3 = Vector256.Load(gk + 3 * M), g4 = Vector256.Load(gk + 4 * M);
                        g3.Store(d + 4 * M); (g3 + g4).Store(d + 5 * M); g4.Store(d + 6 * M);
                    }
                }
    }

    /// <summary>Widest pooled row the in-tile pool buffers (its even rows' partial maxima on the stack).</summary>
    private const int MaxPoolPairs = 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChannelPart23(void* p, int t, int parts)
    {
        ref CCtx c = ref *(CCtx*)p;
        ConvGeom g = c.G;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, N = g.N, R = RC23(g), pj = g.OW / 2;
        int tileMax = PairTile;     // 6 pairs × 4 accumulators of 16 channels: 24 of the 32 registers
        int pairs = g.OH * pj, tiles = (pairs + tileMax - 1) / tileMax;
        long items = (long)c.Batch * tiles;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* tr = Gemm.Align(xp + PerPart(g));
        float* tmp = stackalloc float[4 * V];
        int* po = stackalloc int[PairTile];
        int* yo = stackalloc int[PairTile];
        int* ps = stackalloc int[PairTile];                 // in-tile pool: even row → −1 − column, odd row → pooled offset
        int* pcol = stackalloc int[PairTile];
        float* topBuf = stackalloc float[c.Pooled == null ? 1 : pj * 16 + 16];
        float* top = c.Pooled == null ? null : Gemm.Align(topBuf);
        int padded = -1;
        for (long it = lo; it < hi; it++)
        {
            int n = (int)(it / tiles), tile = (int)(it - (long)n * tiles);
            if (n != padded)
            {
                float* xs = c.X + (nint)n * g.Cin * g.InPlane;
                if (g.PH == 0 && g.PW == 0 && hp == g.H && wp == g.W && Avx512F.IsSupported)
                    TransformRowsPairsW(g, xs, tr, hp, wp, pj, R, xs + (nint)g.Cin * g.InPlane);   // unpadded: straight from the input
                else
                {
                    Pad(g, xs, xp, hp, wp, plane);
                    TransformRowsPairs(g, xp, tr, hp, wp, pj, R);
                }
                padded = n;
            }
            int q0 = tile * tileMax, nq = Math.Min(tileMax, pairs - q0);
            int oh = q0 / pj, pc = q0 - oh * pj;        // one division per tile, then stepped
            for (int j = 0; j < nq; j++)
            {
                po[j] = (q0 + j) * R;
                yo[j] = oh * g.OW + 2 * pc;
                ps[j] = oh % 2 == 0 ? -1 - pc : (oh / 2) * pj + pc;
                pcol[j] = pc;
                if (++pc == pj) { pc = 0; oh++; }
            }
            float* yn = c.Y + (nint)n * g.Cout * N;
            var pool = new PairPool { Top = top, Slot = ps, Col = pcol, Y = c.Pooled == null ? null : c.Pooled + (nint)n * g.Cout * (g.OH / 2) * pj, Pn = (g.OH / 2) * pj };
            switch (nq)
            {
                case 6: CTile23W<O6>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
                case 5: CTile23W<O5>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
                case 4: CTile23W<O4>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
                case 3: CTile23W<O3>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
                case 2: CTile23W<O2>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
                case 1: CTile23W<O1>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp, pool); break;
            }
            if (c.Ep.Act != Activation.None && c.Ep.Act != Activation.ReLU)
                for (int j = 0; j < nq; j++)
                    for (int o = 0; o < g.Cout; o++)
                        Activations.ApplyForward(c.Ep.Act, Activations.DefaultLeakySlope, new Span<float>(yn + (nint)o * N + yo[j], 2));
            if (c.Ep.HasTail)
                for (int j = 0; j < nq; j++)
                    for (int o = 0; o < g.Cout; o++) c.Ep.Tail(o, yn + (nint)o * N + yo[j], 2);
        }
    }

    /// <summary>tr[ic][r][pair][0..R) = the F(2,3) (+ F(2,2)) input transform of padded row r at columns 2·pair … 2·pair + KW.</summary>
    private static void TransformRowsPairs(in ConvGeom g, float* xp, float* tr, int hp, int wp, int pj, int R)
    {
        if (Avx512F.IsSupported)
        {
            TransformRowsPairsW(g, xp, tr, hp, wp, pj, R, null);
            return;
        }
        for (int ic = 0; ic < g.Cin; ic++)
            for (int r = 0; r < hp; r++)
            {
                float* s = xp + ((nint)ic * hp + r) * wp;
                float* d = tr + ((nint)ic * hp + r) * pj * R;
                for (int q = 0; q < pj; q++, s += 2, d += R)
                {
                    float d0 = s[0], d1 = s[1], d2 = s[2], d3 = s[3];
                    d[0] = d0 - d2; d[1] = d1 + d2; d[2] = d2 - d1; d[3] = d1 - d3;
                    if (R == 7) { float d4 = s[4], d5 = s[5]; d[4] = d3 - d4; d[5] = d4; d[6] = d4 - d5; }
                }
            }
    }

    private static readonly int[] s_pairTable7 = PairTable(7), s_pairTable4 = PairTable(4);

    /// <summary>
    /// For output position p of a segment (3 vectors of 16): pair p / R, value k = p % R = d[ka] ± d[kb] (k = 5 of a
    /// 5×5: d4 as is). Four rows of 48: the lane of ka, the lane of kb, −1 where subtracted, −1 where copied.
    /// </summary>
    private static int[] PairTable(int R)
    {
        var t = new int[4 * 48];
        for (int p = 0; p < 48; p++)
        {
            int q = p / R, k = p % R;
            (int a, int b, bool minus) = k switch { 0 => (0, 2, true), 1 => (1, 2, false), 2 => (2, 1, true), 3 => (1, 3, true), 4 => (3, 4, true), 5 => (4, 4, false), _ => (4, 5, true) };
            t[p] = (2 * q + a) & 15;
            t[48 + p] = (2 * q + b) & 15;
            t[96 + p] = minus ? -1 : 0;
            t[144 + p] = R == 7 && k == 5 ? -1 : 0;
        }
        return t;
    }

    /// <summary>
    /// <see cref="TransformRowsPairs"/> with Vector512: the R values of up to 6 pairs (16 padded columns) come from one
    /// load, each 16 of them as a(p) ± b(p) of two lane permutations (the copied value p5 = d4 selected as is), the
    /// same float operations as the scalar loop. A row's last vector may run into the next row's values (written
    /// after it); only the transform's last vector goes through a stack buffer. Reads up to 16 floats from a row's
    /// pair start: within the padded copy and its zeroed slack, or (unpadded layers, read in place) within the sample
    /// up to <paramref name="limit"/>, past which the floats are copied to a stack buffer first.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformRowsPairsW(in ConvGeom g, float* xp, float* tr, int hp, int wp, int pj, int R, float* limit)
    {
        const int Seg = 6;
        int[] tab = R == 7 ? s_pairTable7 : s_pairTable4;
        Vector512<int> a0, a1, a2, b0, b1, b2;
        Vector512<float> s0, s1, s2, c0, c1, c2;
        fixed (int* t = tab)
        {
            int* ia = t, ib = t + 48, sub = t + 96, cpy = t + 144;
            a0 = Vector512.Load(ia); a1 = Vector512.Load(ia + 16); a2 = Vector512.Load(ia + 32);
            b0 = Vector512.Load(ib); b1 = Vector512.Load(ib + 16); b2 = Vector512.Load(ib + 32);
            s0 = Vector512.Load(sub).AsSingle(); s1 = Vector512.Load(sub + 16).AsSingle(); s2 = Vector512.Load(sub + 32).AsSingle();
            c0 = Vector512.Load(cpy).AsSingle(); c1 = Vector512.Load(cpy + 16).AsSingle(); c2 = Vector512.Load(cpy + 32).AsSingle();
        }
        float* end = tr + (nint)g.Cin * hp * pj * R;
        float* tmp = stackalloc float[16];
        for (int ic = 0; ic < g.Cin; ic++)
            for (int r = 0; r < hp; r++)
            {
                float* s = xp + ((nint)ic * hp + r) * wp;
                float* d = tr + ((nint)ic * hp + r) * pj * R;
                for (int q0 = 0; q0 < pj; q0 += Seg)
                {
                    int count = Math.Min(Seg, pj - q0) * R;
                    float* sq = s + 2 * q0;
                    if (limit != null && sq + 16 > limit)
                    {
                        // the input's last floats: no whole vector past its end
                        Vector512<float>.Zero.Store(tmp);
                        for (int j = 0; j < limit - sq; j++) tmp[j] = sq[j];
                        sq = tmp;
                    }
                    var src = Vector512.Load(sq);
                    float* dq = d + (nint)q0 * R;
                    PairChunk(src, a0, b0, s0, c0, dq, count, end, tmp);
                    if (count > 16) PairChunk(src, a1, b1, s1, c1, dq + 16, count - 16, end, tmp);
                    if (count > 32) PairChunk(src, a2, b2, s2, c2, dq + 32, count - 32, end, tmp);
                }
            }
    }

    /// <summary>16 values a ± b (or a) of <see cref="TransformRowsPairsW"/> to d (the first <paramref name="count"/> of them where d + 16 passes <paramref name="end"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PairChunk(Vector512<float> src, Vector512<int> ai, Vector512<int> bi, Vector512<float> sub, Vector512<float> cpy,
        float* d, int count, float* end, float* tmp)
    {
        Vector512<float> va = Avx512F.PermuteVar16x32(src, ai), vb = Avx512F.PermuteVar16x32(src, bi);
        var v = Vector512.ConditionalSelect(cpy, va, Vector512.ConditionalSelect(sub, va - vb, va + vb));
        if (d + 16 <= end) v.Store(d);
        else
        {
            v.Store(tmp);
            for (int j = 0, n = Math.Min(16, count); j < n; j++) d[j] = tmp[j];
        }
    }

    /// <summary>Up to 6 column pairs × 16 channels (one Vector512), 4 accumulators m0…m3 per pair: y0 = m0 + m1 + m2, y1 = m1 − m2 − m3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CTile23W<TP>(in ConvGeom g, float* tr, float* u, int* taps, int* po, int* yo, float* b, float* y, int N, bool relu, float* tmp,
        PairPool pool) where TP : struct, ICount
    {
        int np = default(TP).Value, S = g.Cin * g.KH, R = RC23(g);
        bool five = R == 7;
        Vector512<float> bv = b == null ? default : Vector512.Load(b);
        Vector512<float> A0 = default, A1 = bv, A2 = default, A3 = default;
        Vector512<float> B0 = default, B1 = bv, B2 = default, B3 = default;
        Vector512<float> C0 = default, C1 = bv, C2 = default, C3 = default;
        Vector512<float> D0 = default, D1 = bv, D2 = default, D3 = default;
        Vector512<float> E0 = default, E1 = bv, E2 = default, E3 = default;
        Vector512<float> F0 = default, F1 = bv, F2 = default, F3 = default;
        float* ta = tr + (np > 0 ? po[0] : 0), tb = tr + (np > 1 ? po[1] : 0), tc = tr + (np > 2 ? po[2] : 0), td = tr + (np > 3 ? po[3] : 0), te = tr + (np > 4 ? po[4] : 0), tf = tr + (np > 5 ? po[5] : 0);
        Vector512<float> w;
        for (int s = 0; s < S; s++)
        {
            int off = taps[s];
            float* us = u + (nint)s * R * 16, pa = ta + off, pb = tb + off, pc = tc + off, pd = td + off, pe = te + off, pf = tf + off;
            w = Vector512.Load(us + 0 * 16);
            A0 = Gemm.Fma(w, Vector512.Create(pa[0]), A0); if (np > 1) B0 = Gemm.Fma(w, Vector512.Create(pb[0]), B0); if (np > 2) C0 = Gemm.Fma(w, Vector512.Create(pc[0]), C0);
            if (np > 3) D0 = Gemm.Fma(w, Vector512.Create(pd[0]), D0); if (np > 4) E0 = Gemm.Fma(w, Vector512.Create(pe[0]), E0); if (np > 5) F0 = Gemm.Fma(w, Vector512.Create(pf[0]), F0);
            w = Vector512.Load(us + 1 * 16);
            A1 = Gemm.Fma(w, Vector512.Create(pa[1]), A1); if (np > 1) B1 = Gemm.Fma(w, Vector512.Create(pb[1]), B1); if (np > 2) C1 = Gemm.Fma(w, Vector512.Create(pc[1]), C1);
            if (np > 3) D1 = Gemm.Fma(w, Vector512.Create(pd[1]), D1); if (np > 4) E1 = Gemm.Fma(w, Vector512.Create(pe[1]), E1); if (np > 5) F1 = Gemm.Fma(w, Vector512.Create(pf[1]), F1);
            w = Vector512.Load(us + 2 * 16);
            A2 = Gemm.Fma(w, Vector512.Create(pa[2]), A2); if (np > 1) B2 = Gemm.Fma(w, Vector512.Create(pb[2]), B2); if (np > 2) C2 = Gemm.Fma(w, Vector512.Create(pc[2]), C2);
            if (np > 3) D2 = Gemm.Fma(w, Vector512.Create(pd[2]), D2); if (np > 4) E2 = Gemm.Fma(w, Vector512.Create(pe[2]), E2); if (np > 5) F2 = Gemm.Fma(w, Vector512.Create(pf[2]), F2);
            w = Vector512.Load(us + 3 * 16);
            A3 = Gemm.Fma(w, Vector512.Create(pa[3]), A3); if (np > 1) B3 = Gemm.Fma(w, Vector512.Create(pb[3]), B3); if (np > 2) C3 = Gemm.Fma(w, Vector512.Create(pc[3]), C3);
            if (np > 3) D3 = Gemm.Fma(w, Vector512.Create(pd[3]), D3); if (np > 4) E3 = Gemm.Fma(w, Vector512.Create(pe[3]), E3); if (np > 5) F3 = Gemm.Fma(w, Vector512.Create(pf[3]), F3);
            if (five)
            {
                w = Vector512.Load(us + 4 * 16);
                A0 = Gemm.Fma(w, Vector512.Create(pa[4]), A0); if (np > 1) B0 = Gemm.Fma(w, Vector512.Create(pb[4]), B0); if (np > 2) C0 = Gemm.Fma(w, Vector512.Create(pc[4]), C0);
                if (np > 3) D0 = Gemm.Fma(w, Vector512.Create(pd[4]), D0); if (np > 4) E0 = Gemm.Fma(w, Vector512.Create(pe[4]), E0); if (np > 5) F0 = Gemm.Fma(w, Vector512.Create(pf[4]), F0);
                w = Vector512.Load(us + 5 * 16);
                A1 = Gemm.Fma(w, Vector512.Create(pa[5]), A1); if (np > 1) B1 = Gemm.Fma(w, Vector512.Create(pb[5]), B1); if (np > 2) C1 = Gemm.Fma(w, Vector512.Create(pc[5]), C1);
                if (np > 3) D1 = Gemm.Fma(w, Vector512.Create(pd[5]), D1); if (np > 4) E1 = Gemm.Fma(w, Vector512.Create(pe[5]), E1); if (np > 5) F1 = Gemm.Fma(w, Vector512.Create(pf[5]), F1);
                w = Vector512.Load(us + 6 * 16);
                A3 = Gemm.Fma(w, Vector512.Create(pa[6]), A3); if (np > 1) B3 = Gemm.Fma(w, Vector512.Create(pb[6]), B3); if (np > 2) C3 = Gemm.Fma(w, Vector512.Create(pc[6]), C3);
                if (np > 3) D3 = Gemm.Fma(w, Vector512.Create(pd[6]), D3); if (np > 4) E3 = Gemm.Fma(w, Vector512.Create(pe[6]), E3); if (np > 5) F3 = Gemm.Fma(w, Vector512.Create(pf[6]), F3);
            }
        }
        StorePairW(A0 + A1 + A2, A1 - A2 - A3, relu, tmp, y + yo[0], N, pool, 0);
        if (np > 1) StorePairW(B0 + B1 + B2, B1 - B2 - B3, relu, tmp, y + yo[1], N, pool, 1);
        if (np > 2) StorePairW(C0 + C1 + C2, C1 - C2 - C3, relu, tmp, y + yo[2], N, pool, 2);
        if (np > 3) StorePairW(D0 + D1 + D2, D1 - D2 - D3, relu, tmp, y + yo[3], N, pool, 3);
        if (np > 4) StorePairW(E0 + E1 + E2, E1 - E2 - E3, relu, tmp, y + yo[4], N, pool, 4);
        if (np > 5) StorePairW(F0 + F1 + F2, F1 - F2 - F3, relu, tmp, y + yo[5], N, pool, 5);
    }

    /// <summary>The in-tile 2×2 max-pool of the column-pair kernel: per pair of a tile, where its window row goes.</summary>
    private struct PairPool
    {
        public float* Top;      // [column][16]: Take(y0, y1) of the window's even row, until its odd row comes
        public int* Slot;       // per pair: −1 − column (even row) or the pooled offset (odd row)
        public int* Col;        // per pair: its column (pair index in the row)
        public float* Y;        // the sample's pooled [Cout][poolH·poolW], or null (no pool in the tiles)
        public int Pn;
    }

    /// <summary>
    /// y[o·N] = y0[o], y[o·N + 1] = y1[o] for the 16 channels: the two interleaved, one 8-byte store per channel.
    /// With the in-tile pool, also the window's Take(Take(e0, o0), Take(e1, o1)) of the pool kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairW(Vector512<float> y0, Vector512<float> y1, bool relu, float* tmp, float* y, int N, PairPool pool, int j)
    {
        y0 = Act(y0, relu);
        y1 = Act(y1, relu);
        if (pool.Y != null)
        {
            Vector512<float> h = Pool2x2.Take(y0, y1);
            int slot = pool.Slot[j];
            if (slot < 0) h.Store(pool.Top + (nint)(-1 - slot) * 16);
            else
            {
                Pool2x2.Take(Vector512.Load(pool.Top + (nint)pool.Col[j] * 16), h).Store(tmp);
                float* d = pool.Y + slot;
                for (int o = 0; o < 16; o++) d[(nint)o * pool.Pn] = tmp[o];
            }
        }
        var lo = Avx512F.PermuteVar16x32x2(y0, Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23), y1).AsDouble();
        var hi = Avx512F.PermuteVar16x32x2(y0, Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31), y1).AsDouble();
        StorePairs8(lo, y, N);
        StorePairs8(hi, y + 8 * (nint)N, N);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairs8(Vector512<double> v, float* y, nint n)
    {
        Vector256<double> l = v.GetLower(), h = v.GetUpper();
        Vector128<double> q = l.GetLower();
        Sse2.StoreLow((double*)y, q); Sse2.StoreHigh((double*)(y + n), q);
        q = l.GetUpper();
        Sse2.StoreLow((double*)(y + 2 * n), q); Sse2.StoreHigh((double*)(y + 3 * n), q);
        q = h.GetLower();
        Sse2.StoreLow((double*)(y + 4 * n), q); Sse2.StoreHigh((double*)(y + 5 * n), q);
        q = h.GetUpper();
        Sse2.StoreLow((double*)(y + 6 * n), q); Sse2.StoreHigh((double*)(y + 7 * n), q);
    }
}
