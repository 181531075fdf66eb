using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Direct stride-1 convolution for layers with few output channels (LeNet-5, Cifar10Net): vectorised along the
/// output row (Vector256), a tile of up to 4 output channels × 3 vectors in registers, bias and ReLU fused into the
/// store. Replaces the packed GEMM where M = OutC would fill an 8-row tile poorly and K is too short to amortise
/// packing. Works on a zero-padded copy of the sample (Cin·Hp·Wp floats), so its scratch is small.
/// </summary>
/// <remarks>
/// Every output is accumulated in one fixed order (bias, then ic, kh, kw), independent of the thread count.
/// The tail vector of a row may write past OW into the following rows of the same plane; those rows are computed
/// later and overwrite it. Where that would leave the plane (last row), or when accumulating, the tail goes through
/// a small stack buffer instead.
/// </remarks>
internal static unsafe class ConvDirect
{
    private const int V = 8;          // Vector256<float> lanes
    private const int OcBlockMax = 6;   // 6 channels × 2 vectors = 12 accumulators; ≤ 4 channels take 3 vectors
    private const int Slack = 3 * V + 64;

    public static bool Applies(in ConvGeom g)
        => Vector256.IsHardwareAccelerated && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.G == 1
           && g.PH >= 0 && g.PW >= 0 && g.Cout <= MaxCout;

    /// <summary>Largest output channel count routed here; wider layers fill the GEMM tile well.</summary>
    public const int MaxCout = 32;

    private static int Hp(in ConvGeom g) => Math.Max(g.OH + g.KH - 1, g.PH + g.H);
    private static int Wp(in ConvGeom g) => Math.Max(g.OW + g.KW - 1, g.PW + g.W);

    /// <summary>Floats of scratch per part.</summary>
    public static long PerPart(in ConvGeom g) => (long)g.Cin * Hp(g) * Wp(g) + Slack + 16;

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, W, B, Y, Scratch;
        public int Batch, PerPart;
        public bool Accumulate, Relu;
        public Activation Act;
        public float* Pooled;           // fused 2×2/stride-2 max-pool output (inference), or null
        public int PoolH, PoolW;
        public float* U;                // F(2,3) row kernel: transformed weights [oc][ic][kh][4], or null
        public int BlockMax;
    }

    /// <summary>Forward by <paramref name="alg"/>: <see cref="ConvAlgorithm.ChannelWisePairs"/>, <see cref="ConvAlgorithm.ChannelWise"/>,
    /// <see cref="ConvAlgorithm.ColumnWinograd"/> or <see cref="ConvAlgorithm.Direct"/>, whose test passed (<see cref="ConvAlgorithms"/>).</summary>
    public static void Forward(in ConvGeom g, ConvAlgorithm alg, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        Activation act, float* scratch, int threads)
        => Forward(g, alg, x, w, b, y, batch, accumulate, act, scratch, threads, null, 0, 0);

    /// <summary>
    /// Forward; with <paramref name="pooled"/> also the 2×2/stride-2 max-pool (no argmax) of every channel block,
    /// right after the block is computed (still in L1): <paramref name="pooled"/> is [batch, Cout, poolH, poolW] with
    /// poolH = OH/2, poolW = OW/2. The channel-wise kernel leaves the pool to the caller.
    /// </summary>
    public static void Forward(in ConvGeom g, ConvAlgorithm alg, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        Activation act, float* scratch, int threads, float* pooled, int poolH, int poolW)
    {
        if (alg == ConvAlgorithm.ChannelWisePairs)
        {
            ForwardChannelWise23(g, x, w, b, y, batch, act, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.ChannelWise)
        {
            ForwardChannelWise(g, x, w, b, y, batch, act, scratch, threads);
            return;
        }
        var ctx = new Ctx
        {
            G = g, X = x, W = w, Y = y, Scratch = scratch, Batch = batch, PerPart = checked((int)PerPart(g)),
            Accumulate = accumulate, Relu = act == Activation.ReLU, Act = act,
            B = accumulate ? null : b, Pooled = pooled, PoolH = poolH, PoolW = poolW, BlockMax = OcBlockMax,
        };
        if (alg == ConvAlgorithm.ColumnWinograd)
        {
            float* u = Gemm.Align(scratch);
            TransformWeights23(g, w, u);
            ctx.U = u;
            ctx.Scratch = u + U23Floats(g);
            ctx.PerPart = checked((int)(PerPart(g) + T23Floats(g)));
            ctx.BlockMax = Avx512F.IsSupported ? 5 : g.KH == 3 ? 3 : 2;     // 4 accumulators per channel: 20 of 32 registers, or ≤ 12 of 16
        }
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        if (parts <= 1) Part(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &Part, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, N = g.N, K = g.K;
        // channel blocks of near-equal size ≤ 6 (16 → 6, 5, 5; 20 → 5 × 4; 10 → 5, 5)
        int blocks = (g.Cout + c.BlockMax - 1) / c.BlockMax;
        long items = (long)c.Batch * blocks;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* tr = c.U == null ? null : Gemm.Align(xp + PerPart(g));   // the F(2,3) path skips the padded copy
        int padded = -1;
        float* tmp = stackalloc float[3 * V];
        for (long it = lo; it < hi; it++)
        {
            int n = (int)(it / blocks), blk = (int)(it - (long)n * blocks);
            if (n != padded)
            {
                if (tr != null) TransformInput23(g, c.X + (nint)n * g.Cin * g.InPlane, tr);
                else Pad(g, c.X + (nint)n * g.Cin * g.InPlane, xp, hp, wp, plane);
                padded = n;
            }
            int oc0 = (int)((long)g.Cout * blk / blocks), ocs = (int)((long)g.Cout * (blk + 1) / blocks) - oc0;
            float* yb = c.Y + ((nint)n * g.Cout + oc0) * N;
            float* wb = c.W + (nint)oc0 * K;
            float* bb = c.B == null ? null : c.B + oc0;
            if (tr != null)
            {
                float* ub = c.U + (nint)oc0 * g.Cin * g.KW * R23(g);
                switch (ocs)
                {
                    case 5: Block23<O5>(g, tr, ub, bb, yb, c.Relu); break;
                    case 4: Block23<O4>(g, tr, ub, bb, yb, c.Relu); break;
                    case 3: Block23<O3>(g, tr, ub, bb, yb, c.Relu); break;
                    case 2: Block23<O2>(g, tr, ub, bb, yb, c.Relu); break;
                    default: Block23<O1>(g, tr, ub, bb, yb, c.Relu); break;
                }
            }
            else switch (ocs)
            {
                case 6: Block<O6>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
                case 5: Block<O5>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
                case 4: Block<O4>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
                case 3: Block<O3>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
                case 2: Block<O2>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
                default: Block<O1>(g, xp, wp, plane, wb, bb, yb, c.Accumulate, c.Relu, tmp); break;
            }
            if (c.Act != Activation.None && c.Act != Activation.ReLU)
                Activations.ApplyForward(c.Act, Activations.DefaultLeakySlope, new Span<float>(yb, ocs * N));
            if (c.Pooled != null)
            {
                int pn = c.PoolH * c.PoolW;
                float* pb = c.Pooled + ((nint)n * g.Cout + oc0) * pn;
                for (int o = 0; o < ocs; o++)
                    Pool2x2.MaxForward(yb + (nint)o * N, pb + (nint)o * pn, g.OW, c.PoolH, c.PoolW);
            }
        }
    }

    /// <summary>
    /// The zero-padded copy of one sample, plus zeroed slack for the vector tails. Row by row with whole vectors: the
    /// row is zeroed (the last vector may run into the next row, written after it, or into the slack, zeroed last),
    /// then the source row is copied in whole vectors and a scalar tail (never reading past the source row).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Pad(in ConvGeom g, float* xs, float* xp, int hp, int wp, int plane)
    {
        int W = g.W, PW = g.PW, H = g.H, PH = g.PH;
        for (int ic = 0; ic < g.Cin; ic++)
        {
            float* dst = xp + (nint)ic * plane;
            float* src = xs + (nint)ic * g.InPlane - (nint)PH * W;
            for (int i = 0; i < hp; i++, dst += wp)
            {
                for (int j = 0; j < wp; j += V) Vector256<float>.Zero.Store(dst + j);
                if ((uint)(i - PH) >= (uint)H) continue;
                float* sr = src + (nint)i * W, dr = dst + PW;
                int j2 = 0;
                for (; j2 + V <= W; j2 += V) Vector256.Load(sr + j2).Store(dr + j2);
                for (; j2 < W; j2++) dr[j2] = sr[j2];
            }
        }
        Gemm.Zero(xp + (nint)g.Cin * plane, Slack);
    }

    private interface ICount { int Value { get; } }
    private readonly struct O1 : ICount { public int Value => 1; }
    private readonly struct O2 : ICount { public int Value => 2; }
    private readonly struct O3 : ICount { public int Value => 3; }
    private readonly struct O4 : ICount { public int Value => 4; }
    private readonly struct O5 : ICount { public int Value => 5; }
    private readonly struct O6 : ICount { public int Value => 6; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block<TO>(in ConvGeom g, float* xp, int wp, int plane, float* w, float* b, float* y,
        bool accumulate, bool relu, float* tmp) where TO : struct, ICount
    {
        int N = g.N, OW = g.OW;
        if (OW == V)
        {
            // rows exactly one vector wide: the tile's vectors are consecutive rows (more FMA chains per tile)
            int step = default(TO).Value > 4 ? 2 : 3;
            for (int oh = 0; oh < g.OH; oh += step)
            {
                int rows = Math.Min(step, g.OH - oh);
                float* xr = xp + (nint)oh * wp;
                float* yr = y + (nint)oh * OW;
                if (rows == 3) Tile<TO, O3>(g, xr, wp, wp, plane, w, b, yr, N, accumulate, relu, false, 3 * V, tmp);
                else if (rows == 2) Tile<TO, O2>(g, xr, wp, wp, plane, w, b, yr, N, accumulate, relu, false, 2 * V, tmp);
                else Tile<TO, O1>(g, xr, wp, wp, plane, w, b, yr, N, accumulate, relu, false, V, tmp);
            }
            return;
        }
        for (int oh = 0; oh < g.OH; oh++)
        {
            int ow0 = 0;
            while (ow0 < OW)
            {
                int rem = OW - ow0;
                int nv = rem > 2 * V ? 3 : rem > V ? 2 : 1;
                if (nv == 3 && (default(TO).Value > 4 || (rem > 3 * V && rem <= 4 * V))) nv = 2;   // ≤ 12 accumulators; 4 vectors: 2 + 2
                float* xr = xp + (nint)oh * wp + ow0;
                float* yr = y + (nint)oh * OW + ow0;
                int span = nv * V;
                bool full = span <= rem;
                bool spill = !full && (accumulate || oh * OW + ow0 + span > N);
                if (nv == 3) Tile<TO, O3>(g, xr, V, wp, plane, w, b, yr, N, accumulate, relu, spill, Math.Min(rem, span), tmp);
                else if (nv == 2) Tile<TO, O2>(g, xr, V, wp, plane, w, b, yr, N, accumulate, relu, spill, Math.Min(rem, span), tmp);
                else Tile<TO, O1>(g, xr, V, wp, plane, w, b, yr, N, accumulate, relu, spill, Math.Min(rem, span), tmp);
                ow0 += span;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Bias(float* b, int j) => b == null ? Vector256<float>.Zero : Vector256.Create(b[j]);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Bias512(float* b, int j) => b == null ? Vector512<float>.Zero : Vector512.Create(b[j]);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TO, TN>(in ConvGeom g, float* xr, int xs, int wp, int plane, float* w, float* b, float* y,
        int ldy, bool accumulate, bool relu, bool spill, int valid, float* tmp) where TO : struct, ICount where TN : struct, ICount
    {
        int no = default(TO).Value, nv = default(TN).Value;
        int K = g.K, KH = g.KH, KW = g.KW;
        // weight rows past the block's channel count alias row 0 (never computed: the branches fold away)
        float* w0 = w, w1 = no > 1 ? w + 1 * K : w, w2 = no > 2 ? w + 2 * K : w, w3 = no > 3 ? w + 3 * K : w, w4 = no > 4 ? w + 4 * K : w, w5 = no > 5 ? w + 5 * K : w;
        Vector256<float> a00 = default, a01 = default, a02 = default;
        Vector256<float> a10 = default, a11 = default, a12 = default;
        Vector256<float> a20 = default, a21 = default, a22 = default;
        Vector256<float> a30 = default, a31 = default, a32 = default;
        Vector256<float> a40 = default, a41 = default, a42 = default;
        Vector256<float> a50 = default, a51 = default, a52 = default;
        if (no > 0) { a00 = Bias(b, 0); a01 = a00; a02 = a00; }
        if (no > 1) { a10 = Bias(b, 1); a11 = a10; a12 = a10; }
        if (no > 2) { a20 = Bias(b, 2); a21 = a20; a22 = a20; }
        if (no > 3) { a30 = Bias(b, 3); a31 = a30; a32 = a30; }
        if (no > 4) { a40 = Bias(b, 4); a41 = a40; a42 = a40; }
        if (no > 5) { a50 = Bias(b, 5); a51 = a50; a52 = a50; }
        int k = 0;
        for (int ic = 0; ic < g.Cin; ic++)
            for (int kh = 0; kh < KH; kh++)
            {
                float* xrow = xr + (nint)ic * plane + (nint)kh * wp;
                for (int kw = 0; kw < KW; kw++, k++)
                {
                    float* xk = xrow + kw;
                    Vector256<float> x0 = Vector256.Load(xk), x1 = default, x2 = default, wv;
                    if (nv > 1) x1 = Vector256.Load(xk + xs);
                    if (nv > 2) x2 = Vector256.Load(xk + 2 * xs);
                    if (no > 0)
                    {
                        wv = Vector256.Create(w0[k]);
                        a00 = Gemm.Fma(x0, wv, a00);
                        if (nv > 1) a01 = Gemm.Fma(x1, wv, a01);
                        if (nv > 2) a02 = Gemm.Fma(x2, wv, a02);
                    }
                    if (no > 1)
                    {
                        wv = Vector256.Create(w1[k]);
                        a10 = Gemm.Fma(x0, wv, a10);
                        if (nv > 1) a11 = Gemm.Fma(x1, wv, a11);
                        if (nv > 2) a12 = Gemm.Fma(x2, wv, a12);
                    }
                    if (no > 2)
                    {
                        wv = Vector256.Create(w2[k]);
                        a20 = Gemm.Fma(x0, wv, a20);
                        if (nv > 1) a21 = Gemm.Fma(x1, wv, a21);
                        if (nv > 2) a22 = Gemm.Fma(x2, wv, a22);
                    }
                    if (no > 3)
                    {
                        wv = Vector256.Create(w3[k]);
                        a30 = Gemm.Fma(x0, wv, a30);
                        if (nv > 1) a31 = Gemm.Fma(x1, wv, a31);
                        if (nv > 2) a32 = Gemm.Fma(x2, wv, a32);
                    }
                    if (no > 4)
                    {
                        wv = Vector256.Create(w4[k]);
                        a40 = Gemm.Fma(x0, wv, a40);
                        if (nv > 1) a41 = Gemm.Fma(x1, wv, a41);
                        if (nv > 2) a42 = Gemm.Fma(x2, wv, a42);
                    }
                    if (no > 5)
                    {
                        wv = Vector256.Create(w5[k]);
                        a50 = Gemm.Fma(x0, wv, a50);
                        if (nv > 1) a51 = Gemm.Fma(x1, wv, a51);
                        if (nv > 2) a52 = Gemm.Fma(x2, wv, a52);
                    }
                }
            }
        if (no > 0) Store<TN>(y + 0 * (nint)ldy, a00, a01, a02, accumulate, relu, spill, valid, tmp);
        if (no > 1) Store<TN>(y + 1 * (nint)ldy, a10, a11, a12, accumulate, relu, spill, valid, tmp);
        if (no > 2) Store<TN>(y + 2 * (nint)ldy, a20, a21, a22, accumulate, relu, spill, valid, tmp);
        if (no > 3) Store<TN>(y + 3 * (nint)ldy, a30, a31, a32, accumulate, relu, spill, valid, tmp);
        if (no > 4) Store<TN>(y + 4 * (nint)ldy, a40, a41, a42, accumulate, relu, spill, valid, tmp);
        if (no > 5) Store<TN>(y + 5 * (nint)ldy, a50, a51, a52, accumulate, relu, spill, valid, tmp);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Act(Vector512<float> v, bool relu)
        => relu ? Vector512.ConditionalSelect(Vector512.LessThan(v, Vector512<float>.Zero), Vector512<float>.Zero, v) : v;   // NaN passes, as Activations' ReLU

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Act(Vector256<float> v, bool relu)
        => relu ? Vector256.ConditionalSelect(Vector256.LessThan(v, Vector256<float>.Zero), Vector256<float>.Zero, v) : v;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<TN>(float* y, Vector256<float> v0, Vector256<float> v1, Vector256<float> v2,
        bool accumulate, bool relu, bool spill, int valid, float* tmp) where TN : struct, ICount
    {
        int nv = default(TN).Value;
        if (!spill)
        {
            if (accumulate)
            {
                // accumulate never spills past OW (spill is set for partial tiles), so the tile is full here
                (v0 + Vector256.Load(y)).Store(y);
                if (nv > 1) (v1 + Vector256.Load(y + V)).Store(y + V);
                if (nv > 2) (v2 + Vector256.Load(y + 2 * V)).Store(y + 2 * V);
                return;
            }
            Act(v0, relu).Store(y);
            if (nv > 1) Act(v1, relu).Store(y + V);
            if (nv > 2) Act(v2, relu).Store(y + 2 * V);
            return;
        }
        Act(v0, relu).Store(tmp);
        if (nv > 1) Act(v1, relu).Store(tmp + V);
        if (nv > 2) Act(v2, relu).Store(tmp + 2 * V);
        if (accumulate) for (int j = 0; j < valid; j++) y[j] += tmp[j];
        else for (int j = 0; j < valid; j++) y[j] = tmp[j];
    }

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

    private static long U23Floats(in ConvGeom g) => (long)g.Cout * g.Cin * g.KW * R23(g) + 16;
    /// <summary>Per part: Cin × OH/2 row pairs of R23 transformed rows, Wp wide.</summary>
    private static long T23Floats(in ConvGeom g) => (long)g.Cin * (g.OH / 2) * R23(g) * Wp(g) + 32;

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
    private static void TransformInput23(in ConvGeom g, float* xs, float* t)
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* Row(float* src, int r, int h, int w) => (uint)r < (uint)h ? src + (nint)r * w : null;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Ld(float* p, int j) => p == null ? default : Vector256.Load(p + j);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block23<TO>(in ConvGeom g, float* t, float* u, float* b, float* y, bool relu) where TO : struct, ICount
    {
        if (g.KH == 5) Block23<TO, O5>(g, t, u, b, y, relu);
        else Block23<TO, O3>(g, t, u, b, y, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Block23<TO, TK>(in ConvGeom g, float* t, float* u, float* b, float* y, bool relu)
        where TO : struct, ICount where TK : struct, ICount
    {
        int np = g.OH / 2, wp = Wp(g), OW = g.OW, R = default(TK).Value == 5 ? 7 : 4;
        nint icStride = (nint)np * R * wp;
        int vw = Vector512.IsHardwareAccelerated && OW >= 2 * V ? 2 * V : V;
        for (int i = 0; i < np; i++)
            for (int ow = 0; ; ow += vw)
            {
                bool last = ow + vw >= OW;
                if (last) ow = OW - vw;       // the last tile ends at the row's end (recomputes an overlap, same values)
                float* ti = t + (nint)i * R * wp + ow;
                float* yi = y + (nint)2 * i * OW + ow;
                if (vw == 2 * V) Tile23W<TO, TK>(g.Cin, icStride, wp, ti, u, b, yi, OW, g.N, relu);
                else Tile23<TO, TK>(g.Cin, icStride, wp, ti, u, b, yi, OW, g.N, relu);
                if (last) break;
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile23<TO, TK>(int cin, nint icStride, int wp, float* t, float* u, float* b, float* y, int ow, int ldy, bool relu)
        where TO : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, K = default(TK).Value;
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile23W<TO, TK>(int cin, nint icStride, int wp, float* t, float* u, float* b, float* y, int ow, int ldy, bool relu)
        where TO : struct, ICount where TK : struct, ICount
    {
        int no = default(TO).Value, K = default(TK).Value;
        bool five = K == 5;
        int R = five ? 7 : 4, ou = cin * K * R;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        if (no > 0) a01 = Bias512(b, 0);
        if (no > 1) a11 = Bias512(b, 1);
        if (no > 2) a21 = Bias512(b, 2);
        if (no > 3) a31 = Bias512(b, 3);
        if (no > 4) a41 = Bias512(b, 4);
        for (int ic = 0; ic < cin; ic++, t += icStride)
        {
            for (int kw = 0; kw < K; kw++, u += R)
            {
                float* tk = t + kw;
                Vector512<float> t0 = Vector512.Load(tk), t1 = Vector512.Load(tk + wp), t2 = Vector512.Load(tk + 2 * wp), t3 = Vector512.Load(tk + 3 * wp);
                Vector512<float> t4 = default, t5 = default, t6 = default;
                if (five) { t4 = Vector512.Load(tk + 4 * wp); t5 = Vector512.Load(tk + 5 * wp); t6 = Vector512.Load(tk + 6 * wp); }
                if (no > 0) AccW(u, t0, t1, t2, t3, t4, t5, t6, five, ref a00, ref a01, ref a02, ref a03);
                if (no > 1) AccW(u + ou, t0, t1, t2, t3, t4, t5, t6, five, ref a10, ref a11, ref a12, ref a13);
                if (no > 2) AccW(u + 2 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a20, ref a21, ref a22, ref a23);
                if (no > 3) AccW(u + 3 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a30, ref a31, ref a32, ref a33);
                if (no > 4) AccW(u + 4 * ou, t0, t1, t2, t3, t4, t5, t6, five, ref a40, ref a41, ref a42, ref a43);
            }
        }
        if (no > 0) Store23W(y, ow, a00, a01, a02, a03, relu);
        if (no > 1) Store23W(y + ldy, ow, a10, a11, a12, a13, relu);
        if (no > 2) Store23W(y + 2 * (nint)ldy, ow, a20, a21, a22, a23, relu);
        if (no > 3) Store23W(y + 3 * (nint)ldy, ow, a30, a31, a32, a33, relu);
        if (no > 4) Store23W(y + 4 * (nint)ldy, ow, a40, a41, a42, a43, relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccW(float* u, Vector512<float> t0, Vector512<float> t1, Vector512<float> t2, Vector512<float> t3,
        Vector512<float> t4, Vector512<float> t5, Vector512<float> t6, bool five,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3)
    {
        a0 = Gemm.Fma(t0, Vector512.Create(u[0]), a0); a1 = Gemm.Fma(t1, Vector512.Create(u[1]), a1);
        a2 = Gemm.Fma(t2, Vector512.Create(u[2]), a2); a3 = Gemm.Fma(t3, Vector512.Create(u[3]), a3);
        if (five)
        {
            a0 = Gemm.Fma(t4, Vector512.Create(u[4]), a0); a1 = Gemm.Fma(t5, Vector512.Create(u[5]), a1);
            a3 = Gemm.Fma(t6, Vector512.Create(u[6]), a3);
        }
    }

    /// <summary>Vector512 form of <see cref="Store23"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store23W(float* y, int ow, Vector512<float> m0, Vector512<float> m1, Vector512<float> m2, Vector512<float> m3, bool relu)
    {
        Act(m0 + m1 + m2, relu).Store(y);
        Act(m1 - m2 - m3, relu).Store(y + ow);
    }

    // ---- forward vectorised over output channels: OutC = 8 or 16 on rows narrower than two vectors ----------------

    /// <summary>
    /// Narrow rows (OW &lt; 16, not a multiple of 8) waste most of a row vector (LeNet-5's 10-wide Conv2: 16 lanes for
    /// 10); with 8 or 16 output channels the channel dimension fills the vectors exactly instead.
    /// </summary>
    public static bool ChannelWise(in ConvGeom g) => (g.Cout == 8 || g.Cout == 16) && g.OW < 2 * V && g.OW % V != 0;

    /// <summary>
    /// Floats of forward scratch: the weights transposed to [k][oc] and tap offsets (channel-wise), or transformed
    /// (F(2,3) rows), then per part the padded sample (and its F(2,3) row transform).
    /// </summary>
    public static long ForwardScratch(in ConvGeom g, int threads)
        => (ChannelWise23(g) ? CW23Floats(g) + (long)Math.Max(1, threads) * CT23Floats(g)
              : ChannelWise(g) ? (long)g.K * g.Cout + g.K + 32 : 0)
           + (Rows23(g) ? U23Floats(g) + (long)Math.Max(1, threads) * T23Floats(g) + 16 : 0)
           + (long)Math.Max(1, threads) * PerPart(g);

    private struct CCtx
    {
        public ConvGeom G;
        public float* X, Wt, B, Y, Scratch;
        public int* Taps;
        public int Batch, PerPart;
        public bool Relu;
        public Activation Act;
    }

    private static void ForwardChannelWise(in ConvGeom g, float* x, float* w, float* b, float* y, int batch,
        Activation act, float* scratch, int threads)
    {
        int K = g.K, M = g.Cout, hp = Hp(g), wp = Wp(g), plane = hp * wp;
        float* wt = Gemm.Align(scratch);
        TransposeWeights(g, w, wt);
        int* taps = (int*)(wt + (nint)K * M);
        for (int k = 0, ic = 0; ic < g.Cin; ic++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++, k++) taps[k] = ic * plane + kh * wp + kw;
        var ctx = new CCtx
        {
            G = g, X = x, Wt = wt, Taps = taps, B = b, Y = y, Batch = batch, Relu = act == Activation.ReLU, Act = act,
            Scratch = (float*)(taps + K) + 16, PerPart = checked((int)PerPart(g)),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        if (parts <= 1) ChannelPart(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &ChannelPart, &ctx);
    }

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
    private static long CW23Floats(in ConvGeom g) => (long)g.Cin * g.KH * RC23(g) * g.Cout + (long)g.Cin * g.KH + 32 + 16;

    /// <summary>Per part: the transformed rows [ic][row of the padded sample][pair][r].</summary>
    private static long CT23Floats(in ConvGeom g) => Math.Max((long)g.Cin * Hp(g) * (g.OW / 2) * RC23(g) + 16, (long)g.K * g.Cout + 16 - PerPart(g));

    private const int PairTile = 6;

    private static void ForwardChannelWise23(in ConvGeom g, float* x, float* w, float* b, float* y, int batch,
        Activation act, float* scratch, int threads)
    {
        int R = RC23(g), M = g.Cout, hp = Hp(g), pj = g.OW / 2, S = g.Cin * g.KH;
        float* u = Gemm.Align(scratch);
        int* taps = (int*)(u + (nint)S * R * M);
        // weights to [k][oc] (in the space of the first part, not yet in use), then transformed 8 channels at a time
        float* wt = Gemm.Align((float*)(taps + S) + 16);
        TransposeWeights(g, w, wt);
        var half = Vector256.Create(0.5f);
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
        for (int ic = 0; ic < g.Cin; ic++)
            for (int kh = 0; kh < g.KH; kh++) taps[ic * g.KH + kh] = (ic * hp + kh) * pj * R;
        var ctx = new CCtx
        {
            G = g, X = x, Wt = u, Taps = taps, B = b, Y = y, Batch = batch, Relu = act == Activation.ReLU, Act = act,
            Scratch = (float*)(taps + S) + 16, PerPart = checked((int)(PerPart(g) + CT23Floats(g))),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        if (parts <= 1) ChannelPart23(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &ChannelPart23, &ctx);
    }

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
        int padded = -1;
        for (long it = lo; it < hi; it++)
        {
            int n = (int)(it / tiles), tile = (int)(it - (long)n * tiles);
            if (n != padded)
            {
                Pad(g, c.X + (nint)n * g.Cin * g.InPlane, xp, hp, wp, plane);
                TransformRowsPairs(g, xp, tr, hp, wp, pj, R);
                padded = n;
            }
            int q0 = tile * tileMax, nq = Math.Min(tileMax, pairs - q0);
            for (int j = 0; j < nq; j++)
            {
                int oh = (q0 + j) / pj, pc = q0 + j - oh * pj;
                po[j] = (oh * pj + pc) * R;
                yo[j] = oh * g.OW + 2 * pc;
            }
            float* yn = c.Y + (nint)n * g.Cout * N;
            switch (nq)
            {
                case 6: CTile23W<O6>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
                case 5: CTile23W<O5>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
                case 4: CTile23W<O4>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
                case 3: CTile23W<O3>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
                case 2: CTile23W<O2>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
                case 1: CTile23W<O1>(g, tr, c.Wt, c.Taps, po, yo, c.B, yn, N, c.Relu, tmp); break;
            }
            if (c.Act != Activation.None && c.Act != Activation.ReLU)
                for (int j = 0; j < nq; j++)
                    for (int o = 0; o < g.Cout; o++)
                        Activations.ApplyForward(c.Act, Activations.DefaultLeakySlope, new Span<float>(yn + (nint)o * N + yo[j], 2));
        }
    }

    /// <summary>tr[ic][r][pair][0..R) = the F(2,3) (+ F(2,2)) input transform of padded row r at columns 2·pair … 2·pair + KW.</summary>
    private static void TransformRowsPairs(in ConvGeom g, float* xp, float* tr, int hp, int wp, int pj, int R)
    {
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

    /// <summary>Up to 6 column pairs × 16 channels (one Vector512), 4 accumulators m0…m3 per pair: y0 = m0 + m1 + m2, y1 = m1 − m2 − m3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CTile23W<TP>(in ConvGeom g, float* tr, float* u, int* taps, int* po, int* yo, float* b, float* y, int N, bool relu, float* tmp)
        where TP : struct, ICount
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
        StorePairW(A0 + A1 + A2, A1 - A2 - A3, relu, tmp, y + yo[0], N);
        if (np > 1) StorePairW(B0 + B1 + B2, B1 - B2 - B3, relu, tmp, y + yo[1], N);
        if (np > 2) StorePairW(C0 + C1 + C2, C1 - C2 - C3, relu, tmp, y + yo[2], N);
        if (np > 3) StorePairW(D0 + D1 + D2, D1 - D2 - D3, relu, tmp, y + yo[3], N);
        if (np > 4) StorePairW(E0 + E1 + E2, E1 - E2 - E3, relu, tmp, y + yo[4], N);
        if (np > 5) StorePairW(F0 + F1 + F2, F1 - F2 - F3, relu, tmp, y + yo[5], N);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StorePairW(Vector512<float> y0, Vector512<float> y1, bool relu, float* tmp, float* y, int N)
    {
        Act(y0, relu).Store(tmp); Act(y1, relu).Store(tmp + 16);
        for (int o = 0; o < 16; o++) { y[(nint)o * N] = tmp[o]; y[(nint)o * N + 1] = tmp[16 + o]; }
    }

    /// <summary>wt[k][oc] = w[oc][k] for 8 or 16 channels.</summary>
    private static void TransposeWeights(in ConvGeom g, float* w, float* wt)
    {
        int K = g.K, M = g.Cout;
        // 8 source rows at a time, read forward; each k writes 8 consecutive floats (8×8 blocks transposed in registers)
        for (int o0 = 0; o0 < M; o0 += V)
        {
            float* s0 = w + (nint)o0 * K, d = wt + o0;
            int k = 0;
            if (Avx.IsSupported)
                for (; k + V <= K; k += V, d += V * M) Transpose8(s0 + k, K, d, M);
            for (; k < K; k++, d += M)
            {
                float* sk = s0 + k;
                d[0] = sk[0]; d[1] = sk[K]; d[2] = sk[2 * K]; d[3] = sk[3 * K];
                d[4] = sk[4 * K]; d[5] = sk[5 * K]; d[6] = sk[6 * K]; d[7] = sk[7 * K];
            }
        }
    }

    /// <summary>d[j·ldd + i] = s[i·lds + j] for an 8×8 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(float* s, int lds, float* d, int ldd)
    {
        Vector256<float> r0 = Vector256.Load(s), r1 = Vector256.Load(s + lds), r2 = Vector256.Load(s + 2 * (nint)lds), r3 = Vector256.Load(s + 3 * (nint)lds);
        Vector256<float> r4 = Vector256.Load(s + 4 * (nint)lds), r5 = Vector256.Load(s + 5 * (nint)lds), r6 = Vector256.Load(s + 6 * (nint)lds), r7 = Vector256.Load(s + 7 * (nint)lds);
        VectorMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        r0.Store(d); r1.Store(d + ldd); r2.Store(d + 2 * (nint)ldd); r3.Store(d + 3 * (nint)ldd);
        r4.Store(d + 4 * (nint)ldd); r5.Store(d + 5 * (nint)ldd); r6.Store(d + 6 * (nint)ldd); r7.Store(d + 7 * (nint)ldd);
    }

    private const int PixTile = 6;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ChannelPart(void* p, int t, int parts)
    {
        ref CCtx c = ref *(CCtx*)p;
        ConvGeom g = c.G;
        int hp = Hp(g), wp = Wp(g), plane = hp * wp, N = g.N;
        int tiles = (N + PixTile - 1) / PixTile;
        long items = (long)c.Batch * tiles;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* tmp = stackalloc float[2 * V];
        int* po = stackalloc int[PixTile];
        int padded = -1;
        for (long it = lo; it < hi; it++)
        {
            int n = (int)(it / tiles), tile = (int)(it - (long)n * tiles);
            if (n != padded)
            {
                Pad(g, c.X + (nint)n * g.Cin * g.InPlane, xp, hp, wp, plane);
                padded = n;
            }
            int p0 = tile * PixTile, np = Math.Min(PixTile, N - p0);
            for (int j = 0; j < np; j++)
            {
                int oh = (p0 + j) / g.OW;
                po[j] = oh * wp + (p0 + j - oh * g.OW);
            }
            float* yn = c.Y + (nint)n * g.Cout * N + p0;
            bool two = g.Cout == 2 * V;
            switch (np)
            {
                case 6: if (two) CTile<O6, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O6, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
                case 5: if (two) CTile<O5, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O5, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
                case 4: if (two) CTile<O4, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O4, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
                case 3: if (two) CTile<O3, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O3, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
                case 2: if (two) CTile<O2, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O2, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
                case 1: if (two) CTile<O1, O2>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); else CTile<O1, O1>(g, xp, c.Wt, c.Taps, po, c.B, yn, N, c.Relu, tmp); break;
            }
            if (c.Act != Activation.None && c.Act != Activation.ReLU)
                for (int o = 0; o < g.Cout; o++)
                    Activations.ApplyForward(c.Act, Activations.DefaultLeakySlope, new Span<float>(yn + (nint)o * N, np));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void CTile<TP, TV>(in ConvGeom g, float* xp, float* wt, int* taps, int* po, float* b, float* y, int N, bool relu, float* tmp)
        where TP : struct, ICount where TV : struct, ICount
    {
        int np = default(TP).Value, nv = default(TV).Value, K = g.K, M = g.Cout;
        Vector256<float> b0 = b == null ? default : Vector256.Load(b), b1 = b == null || nv < 2 ? default : Vector256.Load(b + V);
        Vector256<float> a00 = b0, a01 = b1;
        Vector256<float> a10 = b0, a11 = b1;
        Vector256<float> a20 = b0, a21 = b1;
        Vector256<float> a30 = b0, a31 = b1;
        Vector256<float> a40 = b0, a41 = b1;
        Vector256<float> a50 = b0, a51 = b1;
        float* x0 = xp + (np > 0 ? po[0] : 0);
        float* x1 = xp + (np > 1 ? po[1] : 0);
        float* x2 = xp + (np > 2 ? po[2] : 0);
        float* x3 = xp + (np > 3 ? po[3] : 0);
        float* x4 = xp + (np > 4 ? po[4] : 0);
        float* x5 = xp + (np > 5 ? po[5] : 0);
        for (int k = 0; k < K; k++)
        {
            int off = taps[k];
            Vector256<float> w0 = Vector256.Load(wt + (nint)k * M), w1 = nv > 1 ? Vector256.Load(wt + (nint)k * M + V) : default, xv;
            if (np > 0) { xv = Vector256.Create(x0[off]); a00 = Gemm.Fma(w0, xv, a00); if (nv > 1) a01 = Gemm.Fma(w1, xv, a01); }
            if (np > 1) { xv = Vector256.Create(x1[off]); a10 = Gemm.Fma(w0, xv, a10); if (nv > 1) a11 = Gemm.Fma(w1, xv, a11); }
            if (np > 2) { xv = Vector256.Create(x2[off]); a20 = Gemm.Fma(w0, xv, a20); if (nv > 1) a21 = Gemm.Fma(w1, xv, a21); }
            if (np > 3) { xv = Vector256.Create(x3[off]); a30 = Gemm.Fma(w0, xv, a30); if (nv > 1) a31 = Gemm.Fma(w1, xv, a31); }
            if (np > 4) { xv = Vector256.Create(x4[off]); a40 = Gemm.Fma(w0, xv, a40); if (nv > 1) a41 = Gemm.Fma(w1, xv, a41); }
            if (np > 5) { xv = Vector256.Create(x5[off]); a50 = Gemm.Fma(w0, xv, a50); if (nv > 1) a51 = Gemm.Fma(w1, xv, a51); }
        }
        if (np > 0) { Act(a00, relu).Store(tmp); if (nv > 1) Act(a01, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 0] = tmp[o]; }
        if (np > 1) { Act(a10, relu).Store(tmp); if (nv > 1) Act(a11, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 1] = tmp[o]; }
        if (np > 2) { Act(a20, relu).Store(tmp); if (nv > 1) Act(a21, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 2] = tmp[o]; }
        if (np > 3) { Act(a30, relu).Store(tmp); if (nv > 1) Act(a31, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 3] = tmp[o]; }
        if (np > 4) { Act(a40, relu).Store(tmp); if (nv > 1) Act(a41, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 4] = tmp[o]; }
        if (np > 5) { Act(a50, relu).Store(tmp); if (nv > 1) Act(a51, relu).Store(tmp + V); for (int o = 0; o < M; o++) y[(nint)o * N + 5] = tmp[o]; }
    }
}
