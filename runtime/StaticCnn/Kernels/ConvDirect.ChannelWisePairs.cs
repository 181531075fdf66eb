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
    /// channel vector, so only one Vector512 of 16 channels leaves room for tiles of 6 pairs (2 rows × 3), enough to
    /// share the loads (with 16 Vector256 registers, one pair of two vectors per tile was 30 % slower than the
    /// one-column kernel). LeNet-5's Conv2 (14×14 → 10×10, 5×5) runs here.
    /// </summary>
    public static bool ChannelWise23(in ConvGeom g)
        => Avx512F.IsSupported && g.Cout == 2 * V && ChannelWise(g) && g.OW % 2 == 0 && (g.KW == 3 || g.KW == 5);

    private static int RC23(in ConvGeom g) => g.KW == 3 ? 4 : 7;

    /// <summary>Transformed weights [ic][kh][r][oc] and alignment slack.</summary>
    private static long CW23Floats(in ConvGeom g) => UC23Floats(g) + 32 + 16;

    /// <summary>Floats of the transformed weights alone, [Cin·KH][R][Cout] (what <see cref="PreparedFloats"/> holds).</summary>
    private static long UC23Floats(in ConvGeom g) => (long)g.Cin * g.KH * RC23(g) * g.Cout;

    /// <summary>Per part: the transformed rows [ic][row of the padded sample][pair][r].</summary>
    private static long CT23Floats(in ConvGeom g) => Math.Max((long)g.Cin * Hp(g) * (g.OW / 2) * RC23(g) + 16, (long)g.K * g.Cout + 16 - PerPart(g));

    /// <summary>Column pairs per tile: 2 rows × 3 pairs × 4 accumulators of 16 channels, 24 of the 32 registers.</summary>
    private const int TilePairs = 3;

    /// <summary>
    /// With <paramref name="pooled"/> also the 2×2/stride-2 max-pool ([batch, Cout, poolH, poolW], poolH = OH/2,
    /// poolW = OW/2): inside the tiles (each holds both rows of its windows) where the output height is even and the
    /// activation is applied in the store (none or ReLU), else by <see cref="Pool2x2.MaxForward(float*, float*, int,
    /// int, int)"/> after the convolution. Both are the pool kernel's operations bit for bit.
    /// </summary>
    private static void ForwardChannelWise23(in ConvGeom g, float* x, float* w, float* b, float* y, int batch,
        in ConvEpilogue ep, float* scratch, int threads, float* pooled, int poolH, int poolW, float* prepared)
    {
        Activation act = ep.Act;
        int R = RC23(g), M = g.Cout, pj = g.OW / 2, S = g.Cin * g.KH;
        float* u = Gemm.Align(scratch);
        float* parts0 = u + (nint)S * R * M + 16;
        // weights to [k][oc] (in the space of the first part, not yet in use), then transformed 8 channels at a time;
        // or read as prepared once (the same floats)
        if (prepared != null) u = prepared;
        else TransformWeightsC23(g, w, u, Gemm.Align(parts0));
        var ctx = new CCtx
        {
            G = g, X = x, Wt = u, B = b, Y = y, Batch = batch, Relu = act == Activation.ReLU, Ep = ep,
            Scratch = parts0, PerPart = checked((int)(PerPart(g) + CT23Floats(g))),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        bool inTiles = pooled != null && g.OH % 2 == 0 && poolH == g.OH / 2 && poolW == pj
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChannelPart23(void* p, int t, int parts)
    {
        ref CCtx c = ref *(CCtx*)p;
        ConvGeom g = c.G;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, N = g.N, R = RC23(g), pj = g.OW / 2;
        // tiles of 2 output rows × up to 3 column pairs, row by row
        int rowTiles = (g.OH + 1) / 2, colTiles = (pj + TilePairs - 1) / TilePairs, tiles = rowTiles * colTiles;
        long items = (long)c.Batch * tiles;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* tr = Gemm.Align(xp + PerPart(g));
        float* tmp = stackalloc float[2 * V];
        int padded = -1, pn = (g.OH / 2) * pj;
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
            int rt = tile / colTiles, oh = 2 * rt, pc = (tile - rt * colTiles) * TilePairs;
            int rows = Math.Min(2, g.OH - oh), cols = Math.Min(TilePairs, pj - pc);
            var at = new PairTile
            {
                X = tr + ((nint)oh * pj + pc) * R, U = c.Wt, B = c.B, Y = c.Y + (nint)n * g.Cout * N + (nint)oh * g.OW + 2 * pc,
                Cin = g.Cin, KH = g.KH, RowFloats = (nint)pj * R, IcFloats = (nint)hp * pj * R, OW = g.OW, N = N, Relu = c.Relu,
                Pooled = c.Pooled == null ? null : c.Pooled + (nint)n * g.Cout * pn + (nint)rt * pj + pc, Pn = pn, Tmp = tmp,
            };
            if (g.KW == 5) Tile<O5>(ref at, rows, cols);
            else Tile<O3>(ref at, rows, cols);
            if (c.Ep.Act != Activation.None && c.Ep.Act != Activation.ReLU || c.Ep.HasTail)
                for (int r = 0; r < rows; r++)
                    for (int j = 0; j < cols; j++)
                    {
                        float* yj = at.Y + (nint)r * g.OW + 2 * j;
                        for (int o = 0; o < g.Cout; o++)
                        {
                            if (c.Ep.Act != Activation.None && c.Ep.Act != Activation.ReLU)
                                Activations.ApplyForward(c.Ep.Act, Activations.DefaultLeakySlope, new Span<float>(yj + (nint)o * N, 2));
                            if (c.Ep.HasTail) c.Ep.Tail(o, yj + (nint)o * N, 2);
                        }
                    }
        }

        static void Tile<TK>(ref PairTile at, int rows, int cols) where TK : struct, ICount
        {
            if (rows == 2)
                switch (cols)
                {
                    case 3: CTile23W<O2, O3, TK>(ref at); break;
                    case 2: CTile23W<O2, O2, TK>(ref at); break;
                    default: CTile23W<O2, O1, TK>(ref at); break;
                }
            else
                switch (cols)
                {
                    case 3: CTile23W<O1, O3, TK>(ref at); break;
                    case 2: CTile23W<O1, O2, TK>(ref at); break;
                    default: CTile23W<O1, O1, TK>(ref at); break;
                }
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

    /// <summary>One tile of the column-pair kernel: where it reads and writes.</summary>
    private struct PairTile
    {
        public float* X;            // transformed input of the tile's first row and pair, ic 0, kernel row 0
        public float* U;            // transformed weights [ic][kh][r][16]
        public float* B, Y;         // bias or null; output of the tile's first row and pair, channel 0
        public int Cin, KH, OW, N;
        public nint RowFloats, IcFloats;
        public bool Relu;
        public float* Pooled;       // the pool's value of the tile's first pair, channel 0, or null
        public int Pn;
        public float* Tmp;          // 16 floats
    }

    /// <summary>
    /// Up to 2 output rows × 3 column pairs × 16 channels (one Vector512), 4 accumulators m0…m3 per pair: y0 = m0 + m1 +
    /// m2, y1 = m1 − m2 − m3. Transformed input row ρ of the tile feeds its first row through kernel row ρ and its
    /// second through ρ − 1, so each value of a pair is broadcast once for both rows and each weight vector loaded once
    /// for the 3 pairs: 5 loads for 6 FMAs (a tile of 6 pairs in one row took 7: a core here loads two vectors per
    /// cycle, so it waited on its loads). Every accumulator still takes its products in (ic, kh, r) order: the bits of
    /// the one-row tile. With <see cref="PairTile.Pooled"/> (2 rows) also the 2×2 max-pool of each pair's window,
    /// Take(Take(e0, e1), Take(o0, o1)) as the pool kernel.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CTile23W<TR, TC, TK>(ref PairTile at) where TR : struct, ICount where TC : struct, ICount where TK : struct, ICount
    {
        bool two = default(TR).Value == 2;
        int KH = at.KH, R = default(TK).Value == 5 ? 7 : 4;
        nint rowF = at.RowFloats, wRow = (nint)R * 16;
        Vector512<float> bv = at.B == null ? default : Vector512.Load(at.B);
        Vector512<float> A0 = default, A1 = bv, A2 = default, A3 = default, B0 = default, B1 = bv, B2 = default, B3 = default;
        Vector512<float> C0 = default, C1 = bv, C2 = default, C3 = default, D0 = default, D1 = bv, D2 = default, D3 = default;
        Vector512<float> E0 = default, E1 = bv, E2 = default, E3 = default, F0 = default, F1 = bv, F2 = default, F3 = default;
        // first row: pairs A, B, C; second row: D, E, F
        float* x = at.X, u = at.U;
        for (int ic = 0; ic < at.Cin; ic++, x += at.IcFloats, u += KH * wRow)
        {
            // ρ = 0: the first row's kernel row 0 alone
            Rho<TC, TK, O1>(x, u, null, ref A0, ref A1, ref A2, ref A3, ref B0, ref B1, ref B2, ref B3, ref C0, ref C1, ref C2, ref C3,
                ref D0, ref D1, ref D2, ref D3, ref E0, ref E1, ref E2, ref E3, ref F0, ref F1, ref F2, ref F3);
            for (int rho = 1; rho < KH; rho++)
                if (two) Rho<TC, TK, O3>(x + rho * rowF, u + rho * wRow, u + (rho - 1) * wRow, ref A0, ref A1, ref A2, ref A3, ref B0, ref B1, ref B2, ref B3,
                    ref C0, ref C1, ref C2, ref C3, ref D0, ref D1, ref D2, ref D3, ref E0, ref E1, ref E2, ref E3, ref F0, ref F1, ref F2, ref F3);
                else Rho<TC, TK, O1>(x + rho * rowF, u + rho * wRow, null, ref A0, ref A1, ref A2, ref A3, ref B0, ref B1, ref B2, ref B3,
                    ref C0, ref C1, ref C2, ref C3, ref D0, ref D1, ref D2, ref D3, ref E0, ref E1, ref E2, ref E3, ref F0, ref F1, ref F2, ref F3);
            // ρ = KH: the second row's last kernel row alone
            if (two)
                Rho<TC, TK, O2>(x + KH * rowF, null, u + (KH - 1) * wRow, ref A0, ref A1, ref A2, ref A3, ref B0, ref B1, ref B2, ref B3,
                    ref C0, ref C1, ref C2, ref C3, ref D0, ref D1, ref D2, ref D3, ref E0, ref E1, ref E2, ref E3, ref F0, ref F1, ref F2, ref F3);
        }
        int nc = default(TC).Value;
        float* y = at.Y, y2 = at.Y + at.OW;
        bool relu = at.Relu, pool = two && at.Pooled != null;
        Vector512<float> a0 = Act(A0 + A1 + A2, relu), a1 = Act(A1 - A2 - A3, relu);
        StorePairW(a0, a1, y, at.N);
        if (two) Pair2(a0, a1, D0, D1, D2, D3, relu, y2, at.N, pool, at.Pooled, at.Pn, at.Tmp);
        if (nc > 1)
        {
            Vector512<float> b0 = Act(B0 + B1 + B2, relu), b1 = Act(B1 - B2 - B3, relu);
            StorePairW(b0, b1, y + 2, at.N);
            if (two) Pair2(b0, b1, E0, E1, E2, E3, relu, y2 + 2, at.N, pool, at.Pooled + 1, at.Pn, at.Tmp);
        }
        if (nc > 2)
        {
            Vector512<float> c0 = Act(C0 + C1 + C2, relu), c1 = Act(C1 - C2 - C3, relu);
            StorePairW(c0, c1, y + 4, at.N);
            if (two) Pair2(c0, c1, F0, F1, F2, F3, relu, y2 + 4, at.N, pool, at.Pooled + 2, at.Pn, at.Tmp);
        }
    }

    /// <summary>
    /// One transformed input row ρ of a tile, all its R values: the first row's pairs take weights <paramref name="u0"/>
    /// (kernel row ρ) where <typeparamref name="TU"/> has bit 1 (not past the kernel), the second row's
    /// <paramref name="u1"/> (kernel row ρ − 1) where it has bit 2 (not before it, not a one-row tile). m0 takes r = 0,
    /// 4; m1 r = 1, 5; m2 r = 2; m3 r = 3, 6.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Rho<TC, TK, TU>(float* x, float* u0, float* u1,
        ref Vector512<float> A0, ref Vector512<float> A1, ref Vector512<float> A2, ref Vector512<float> A3,
        ref Vector512<float> B0, ref Vector512<float> B1, ref Vector512<float> B2, ref Vector512<float> B3,
        ref Vector512<float> C0, ref Vector512<float> C1, ref Vector512<float> C2, ref Vector512<float> C3,
        ref Vector512<float> D0, ref Vector512<float> D1, ref Vector512<float> D2, ref Vector512<float> D3,
        ref Vector512<float> E0, ref Vector512<float> E1, ref Vector512<float> E2, ref Vector512<float> E3,
        ref Vector512<float> F0, ref Vector512<float> F1, ref Vector512<float> F2, ref Vector512<float> F3)
        where TC : struct, ICount where TK : struct, ICount where TU : struct, ICount
    {
        bool five = default(TK).Value == 5;
        int R = five ? 7 : 4;
        R3<TC, TU>(x, R, 0, u0, u1, ref A0, ref B0, ref C0, ref D0, ref E0, ref F0);
        R3<TC, TU>(x, R, 1, u0, u1, ref A1, ref B1, ref C1, ref D1, ref E1, ref F1);
        R3<TC, TU>(x, R, 2, u0, u1, ref A2, ref B2, ref C2, ref D2, ref E2, ref F2);
        R3<TC, TU>(x, R, 3, u0, u1, ref A3, ref B3, ref C3, ref D3, ref E3, ref F3);
        if (five)
        {
            R3<TC, TU>(x, R, 4, u0, u1, ref A0, ref B0, ref C0, ref D0, ref E0, ref F0);
            R3<TC, TU>(x, R, 5, u0, u1, ref A1, ref B1, ref C1, ref D1, ref E1, ref F1);
            R3<TC, TU>(x, R, 6, u0, u1, ref A3, ref B3, ref C3, ref D3, ref E3, ref F3);
        }
    }

    /// <summary>Value r of the tile's pairs (R floats apart), broadcast once, times weight r of each row's kernel row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void R3<TC, TU>(float* x, int R, int r, float* u0, float* u1, ref Vector512<float> a, ref Vector512<float> b, ref Vector512<float> c,
        ref Vector512<float> d, ref Vector512<float> e, ref Vector512<float> f) where TC : struct, ICount where TU : struct, ICount
    {
        int nc = default(TC).Value, use = default(TU).Value;
        Vector512<float> xa = Vector512.Create(x[r]), xb = nc > 1 ? Vector512.Create(x[R + r]) : default, xc = nc > 2 ? Vector512.Create(x[2 * R + r]) : default;
        if ((use & 1) != 0)
        {
            Vector512<float> w = Vector512.Load(u0 + r * 16);
            a = Gemm.Fma(w, xa, a);
            if (nc > 1) b = Gemm.Fma(w, xb, b);
            if (nc > 2) c = Gemm.Fma(w, xc, c);
        }
        if ((use & 2) != 0)
        {
            Vector512<float> w = Vector512.Load(u1 + r * 16);
            d = Gemm.Fma(w, xa, d);
            if (nc > 1) e = Gemm.Fma(w, xb, e);
            if (nc > 2) f = Gemm.Fma(w, xc, f);
        }
    }

    /// <summary>The second row's pair: its store, and with <paramref name="pool"/> the window's pooled value for the 16 channels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pair2(Vector512<float> e0, Vector512<float> e1, Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3,
        bool relu, float* y, int N, bool pool, float* pooled, int pn, float* tmp)
    {
        Vector512<float> o0 = Act(m0 + m1 + m2, relu), o1 = Act(m1 - m2 - m3, relu);
        StorePairW(o0, o1, y, N);
        if (pool)
        {
            Pool2x2.Take(Pool2x2.Take(e0, e1), Pool2x2.Take(o0, o1)).Store(tmp);
            for (int o = 0; o < 16; o++) pooled[(nint)o * pn] = tmp[o];
        }
    }

    /// <summary>y[o·N] = y0[o], y[o·N + 1] = y1[o] for the 16 channels: the two interleaved, one 8-byte store per channel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairW(Vector512<float> y0, Vector512<float> y1, float* y, int N)
    {
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
