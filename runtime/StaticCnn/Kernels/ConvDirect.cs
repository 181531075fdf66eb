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
/// <para>One file per algorithm of <see cref="ConvAlgorithms"/>: this file the direct forward
/// (<see cref="ConvAlgorithm.Direct"/>) and the shared padding and store helpers; ConvDirect.ColumnWinograd.cs,
/// ConvDirect.ChannelWise.cs, ConvDirect.ChannelWisePairs.cs and ConvDirect.Weights.cs the others.</para>
/// </remarks>
internal static unsafe partial class ConvDirect
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
        public ConvEpilogue Ep;
        public float* Pooled;           // fused 2×2/stride-2 max-pool output (inference), or null
        public int PoolH, PoolW;
        public float* U;                // F(2,3) row kernel: transformed weights [oc][ic][kh][4], or null
        public int BlockMax;
    }

    /// <summary>Forward by <paramref name="alg"/>: <see cref="ConvAlgorithm.ChannelWisePairs"/>, <see cref="ConvAlgorithm.ChannelWise"/>,
    /// <see cref="ConvAlgorithm.ColumnWinograd"/> or <see cref="ConvAlgorithm.Direct"/>, whose test passed (<see cref="ConvAlgorithms"/>).</summary>
    public static void Forward(in ConvGeom g, ConvAlgorithm alg, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads)
        => Forward(g, alg, x, w, b, y, batch, accumulate, ep, scratch, threads, null, 0, 0);

    /// <summary>
    /// Floats of the weights the column and channel-wise F(2,3) forwards transform on every call, prepared once
    /// instead (<see cref="Prepare"/>); 0 for the other direct algorithms, which read w as it is.
    /// </summary>
    public static long PreparedFloats(in ConvGeom g, ConvAlgorithm alg) => alg switch
    {
        ConvAlgorithm.ColumnWinograd => UR23Floats(g),
        ConvAlgorithm.ChannelWisePairs => UC23Floats(g),
        _ => 0,
    };

    /// <summary>The transform of <paramref name="alg"/>'s forward on <paramref name="w"/> into <paramref name="u"/> (<see cref="PreparedFloats"/> floats): the floats every call makes otherwise.</summary>
    public static void Prepare(in ConvGeom g, ConvAlgorithm alg, float* w, float* u)
    {
        if (alg == ConvAlgorithm.ColumnWinograd) TransformWeights23(g, w, u);
        else if (alg == ConvAlgorithm.ChannelWisePairs)
        {
            float[] wt = new float[(long)g.Cout * g.K + 16];   // the transposed weights, once per preparation
            fixed (float* pwt = wt) TransformWeightsC23(g, w, u, pwt);
        }
    }

    /// <summary>
    /// Forward; with <paramref name="pooled"/> also the 2×2/stride-2 max-pool (no argmax) of every channel block,
    /// right after the block is computed (still in L1): <paramref name="pooled"/> is [batch, Cout, poolH, poolW] with
    /// poolH = OH/2, poolW = OW/2 (the column-pair kernel takes it in its tiles or after the convolution). The
    /// one-column channel-wise kernel leaves the pool to the caller.
    /// </summary>
    public static void Forward(in ConvGeom g, ConvAlgorithm alg, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads, float* pooled, int poolH, int poolW, float* prepared = null)
    {
        Activation act = ep.Act;
        if (alg == ConvAlgorithm.ChannelWisePairs)
        {
            ForwardChannelWise23(g, x, w, b, y, batch, ep, scratch, threads, pooled, poolH, poolW, prepared);
            return;
        }
        if (alg == ConvAlgorithm.ChannelWise)
        {
            ForwardChannelWise(g, x, w, b, y, batch, ep, scratch, threads);
            return;
        }
        var ctx = new Ctx
        {
            G = g, X = x, W = w, Y = y, Scratch = scratch, Batch = batch, PerPart = checked((int)PerPart(g)),
            Accumulate = accumulate, Relu = act == Activation.ReLU, Ep = ep,
            B = accumulate ? null : b, Pooled = pooled, PoolH = poolH, PoolW = poolW, BlockMax = OcBlockMax,
        };
        if (alg == ConvAlgorithm.ColumnWinograd)
        {
            float* u = Gemm.Align(scratch);
            if (prepared == null) TransformWeights23(g, w, u);
            ctx.U = prepared != null ? prepared : u;
            ctx.Scratch = u + U23Floats(g);
            ctx.PerPart = checked((int)(PerPart(g) + T23Floats(g)));
            // channel blocks: the Vector256 tile holds 4 accumulators per channel (≤ 12 of 16 registers); the Vector512
            // tile runs a block 3 channels at a time (2 row pairs × 3 × 4 = 24 of 32), so blocks of 6 where that makes
            // fewer of them (LeNet-5's Conv1: one block, 3 + 3)
            ctx.BlockMax = Avx512F.IsSupported ? 5 : g.KH == 3 ? 3 : 2;
            if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && g.OW >= 2 * V && (g.Cout + 5) / 6 < (g.Cout + 4) / 5) ctx.BlockMax = 6;
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
        bool poolInTiles = c.Pooled != null && tr != null && !c.Ep.HasTail && PoolInTiles23(g, c.Ep.Act, c.PoolH, c.PoolW);
        for (long it = lo; it < hi; it++)
        {
            int n = (int)(it / blocks), blk = (int)(it - (long)n * blocks);
            if (n != padded)
            {
                if (tr != null)
                {
                    if (TransformMasked23(g)) TransformMasked23(g, c.X + (nint)n * g.Cin * g.InPlane, tr);
                    else TransformInput23(g, c.X + (nint)n * g.Cin * g.InPlane, tr);
                }
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
                float* pt = poolInTiles ? c.Pooled + ((nint)n * g.Cout + oc0) * c.PoolH * c.PoolW : null;
                switch (ocs)
                {
                    case 6: Block23<O6>(g, tr, ub, bb, yb, c.Relu, pt); break;
                    case 5: Block23<O5>(g, tr, ub, bb, yb, c.Relu, pt); break;
                    case 4: Block23<O4>(g, tr, ub, bb, yb, c.Relu, pt); break;
                    case 3: Block23<O3>(g, tr, ub, bb, yb, c.Relu, pt); break;
                    case 2: Block23<O2>(g, tr, ub, bb, yb, c.Relu, pt); break;
                    default: Block23<O1>(g, tr, ub, bb, yb, c.Relu, pt); break;
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
            if (c.Ep.Act != Activation.None && c.Ep.Act != Activation.ReLU)
                Activations.ApplyForward(c.Ep.Act, Activations.DefaultLeakySlope, new Span<float>(yb, ocs * N));
            if (c.Ep.HasTail)
                for (int o = 0; o < ocs; o++) c.Ep.Tail(oc0 + o, yb + (nint)o * N, N);
            if (c.Pooled != null && !poolInTiles)
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
    /// then the source row is copied in whole vectors (8, then one of 4) and a scalar tail (never reading past the source row).
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
                if (j2 + 4 <= W) { Vector128.Load(sr + j2).Store(dr + j2); j2 += 4; }
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
        if (OW == V && g.OH % 2 == 0 && Vector512.IsHardwareAccelerated)
        {
            // rows one Vector256 wide, AVX-512: two rows per Vector512, up to 4 row pairs per tile (≤ 24 accumulators)
            int pairs = g.OH / 2;
            for (int q = 0; q < pairs; q += 4)
            {
                float* xr = xp + (nint)2 * q * wp;
                float* yr = y + (nint)2 * q * OW;
                switch (Math.Min(4, pairs - q))
                {
                    case 4: Tile8W<TO, O4>(g, xr, wp, plane, w, b, yr, accumulate, relu); break;
                    case 3: Tile8W<TO, O3>(g, xr, wp, plane, w, b, yr, accumulate, relu); break;
                    case 2: Tile8W<TO, O2>(g, xr, wp, plane, w, b, yr, accumulate, relu); break;
                    default: Tile8W<TO, O1>(g, xr, wp, plane, w, b, yr, accumulate, relu); break;
                }
            }
            return;
        }
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

    /// <summary>
    /// <see cref="Tile{TO, TN}"/> for rows exactly 8 wide with AVX-512: each Vector512 holds two consecutive output rows
    /// (the padded input rows r and r + 1 at the tap's column, joined), <typeparamref name="TP"/> row pairs × up to 6
    /// channels, half the FMAs of the Vector256 tile. Every lane takes the products of the Vector256 tile in the same
    /// (ic, kh, kw) order from the same bias: the same bits. The output rows of a channel are contiguous (OW = 8).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile8W<TO, TP>(in ConvGeom g, float* xr, int wp, int plane, float* w, float* b, float* y, bool accumulate, bool relu)
        where TO : struct, ICount where TP : struct, ICount
    {
        int no = default(TO).Value, np = default(TP).Value;
        int K = g.K, KH = g.KH, KW = g.KW, N = g.N;
        float* w0 = w, w1 = no > 1 ? w + 1 * K : w, w2 = no > 2 ? w + 2 * K : w, w3 = no > 3 ? w + 3 * K : w, w4 = no > 4 ? w + 4 * K : w, w5 = no > 5 ? w + 5 * K : w;
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default;
        Vector512<float> a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default;
        Vector512<float> a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default;
        Vector512<float> a50 = default, a51 = default, a52 = default, a53 = default;
        if (no > 0) { a00 = Bias512(b, 0); a01 = a00; a02 = a00; a03 = a00; }
        if (no > 1) { a10 = Bias512(b, 1); a11 = a10; a12 = a10; a13 = a10; }
        if (no > 2) { a20 = Bias512(b, 2); a21 = a20; a22 = a20; a23 = a20; }
        if (no > 3) { a30 = Bias512(b, 3); a31 = a30; a32 = a30; a33 = a30; }
        if (no > 4) { a40 = Bias512(b, 4); a41 = a40; a42 = a40; a43 = a40; }
        if (no > 5) { a50 = Bias512(b, 5); a51 = a50; a52 = a50; a53 = a50; }
        int k = 0;
        nint two = 2 * (nint)wp;
        for (int ic = 0; ic < g.Cin; ic++)
            for (int kh = 0; kh < KH; kh++)
            {
                float* xrow = xr + (nint)ic * plane + (nint)kh * wp;
                for (int kw = 0; kw < KW; kw++, k++)
                {
                    float* xk = xrow + kw;
                    Vector512<float> x0 = Rows2(xk, wp), x1 = np > 1 ? Rows2(xk + two, wp) : default;
                    Vector512<float> x2 = np > 2 ? Rows2(xk + 2 * two, wp) : default, x3 = np > 3 ? Rows2(xk + 3 * two, wp) : default;
                    if (no > 0) Taps8W<TP>(Vector512.Create(w0[k]), x0, x1, x2, x3, ref a00, ref a01, ref a02, ref a03);
                    if (no > 1) Taps8W<TP>(Vector512.Create(w1[k]), x0, x1, x2, x3, ref a10, ref a11, ref a12, ref a13);
                    if (no > 2) Taps8W<TP>(Vector512.Create(w2[k]), x0, x1, x2, x3, ref a20, ref a21, ref a22, ref a23);
                    if (no > 3) Taps8W<TP>(Vector512.Create(w3[k]), x0, x1, x2, x3, ref a30, ref a31, ref a32, ref a33);
                    if (no > 4) Taps8W<TP>(Vector512.Create(w4[k]), x0, x1, x2, x3, ref a40, ref a41, ref a42, ref a43);
                    if (no > 5) Taps8W<TP>(Vector512.Create(w5[k]), x0, x1, x2, x3, ref a50, ref a51, ref a52, ref a53);
                }
            }
        if (no > 0) Store8W<TP>(y, a00, a01, a02, a03, accumulate, relu);
        if (no > 1) Store8W<TP>(y + (nint)N, a10, a11, a12, a13, accumulate, relu);
        if (no > 2) Store8W<TP>(y + 2 * (nint)N, a20, a21, a22, a23, accumulate, relu);
        if (no > 3) Store8W<TP>(y + 3 * (nint)N, a30, a31, a32, a33, accumulate, relu);
        if (no > 4) Store8W<TP>(y + 4 * (nint)N, a40, a41, a42, a43, accumulate, relu);
        if (no > 5) Store8W<TP>(y + 5 * (nint)N, a50, a51, a52, a53, accumulate, relu);
    }

    /// <summary>The 8 floats at <paramref name="p"/> and the 8 one padded row below, as one vector.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> Rows2(float* p, int wp) => Vector512.Create(Vector256.Load(p), Vector256.Load(p + wp));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Taps8W<TP>(Vector512<float> wv, Vector512<float> x0, Vector512<float> x1, Vector512<float> x2, Vector512<float> x3,
        ref Vector512<float> a0, ref Vector512<float> a1, ref Vector512<float> a2, ref Vector512<float> a3) where TP : struct, ICount
    {
        int np = default(TP).Value;
        a0 = Gemm.Fma(x0, wv, a0);
        if (np > 1) a1 = Gemm.Fma(x1, wv, a1);
        if (np > 2) a2 = Gemm.Fma(x2, wv, a2);
        if (np > 3) a3 = Gemm.Fma(x3, wv, a3);
    }

    /// <summary><see cref="Store{TN}"/> for a channel's row pairs (16 contiguous outputs each).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8W<TP>(float* y, Vector512<float> v0, Vector512<float> v1, Vector512<float> v2, Vector512<float> v3, bool accumulate, bool relu)
        where TP : struct, ICount
    {
        int np = default(TP).Value;
        if (accumulate)
        {
            (v0 + Vector512.Load(y)).Store(y);
            if (np > 1) (v1 + Vector512.Load(y + 16)).Store(y + 16);
            if (np > 2) (v2 + Vector512.Load(y + 32)).Store(y + 32);
            if (np > 3) (v3 + Vector512.Load(y + 48)).Store(y + 48);
            return;
        }
        Act(v0, relu).Store(y);
        if (np > 1) Act(v1, relu).Store(y + 16);
        if (np > 2) Act(v2, relu).Store(y + 32);
        if (np > 3) Act(v3, relu).Store(y + 48);
    }

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
}
