using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Winograd F(4×4, 3×3) forward convolution, only for networks declared with <see cref="Precision.Relaxed"/>:
/// y = act(conv(x, w) + b), or y = act(y + conv(x, w)), for the layers <see cref="ConvWinograd"/> takes.
/// </summary>
/// <remarks>
/// <para><b>Algorithm</b> (Lavin and Gray 2015, interpolation points 0, ±1, ±2, ∞). Each 4×4 output tile is
/// Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over a 6×6 input tile d: 36 multiplies per input channel for 16 outputs, 2.25 per output
/// against 4 for F(2×2, 3×3) and 9 for direct convolution. Per band of tile rows: (1) each part transforms the input
/// of its tile columns, V[e][ic][col] (e = the 36 transform elements), into memory of its own; (2) per block of output
/// channels the weight transform U[e][oc][ic], then per 96-column block 36 GEMMs M[e] = U[e]·V[e]
/// (<see cref="Gemm.RunIndirect"/>), then the output transform into NCHW with bias, accumulation and the epilogue.</para>
/// <para><b>Accuracy</b>: the transforms have coefficients up to 8 (Aᵀ), 5 (Bᵀ) and 1/6, 1/24 (G, not exact in
/// float), so the rounding error grows by roughly an order of magnitude over F(2×2, 3×3); docs/KERNELS.md gives the
/// measured error against float64 and the test accuracy of trained networks. That is why it runs only where a
/// network opts in (<c>[Network(Precision = Precision.Relaxed)]</c>).</para>
/// <para><b>Determinism</b>: every output is one fixed sequence of operations (its tile's transforms, the FMA chain
/// over input channels in the GEMM's fixed K blocks, the 96-column blocks counted from the band's first column), so
/// results are bit-identical for any thread count: parts split whole column blocks, or, with fewer blocks than
/// parts, output-channel blocks.</para>
/// </remarks>
internal static unsafe class ConvWinograd4
{
    private const int T = 36;               // transform elements (6×6)
    private const int NB = 96;              // tile columns per GEMM block; a last block of < 16 joins the one before
    private const int LdM = NB + 16;        // row stride of a GEMM block's output
    private const int CapV = 1 << 19;       // floats of transformed input per part and band
    private const int Slack = 64;

    /// <summary>
    /// True when forward of <paramref name="g"/> can take F(4×4, 3×3) and gains from it: a layer F(2×2, 3×3) takes
    /// (<see cref="ConvWinograd.Applies"/>) with an output of at least 16×16. Measured with <c>convshape</c> (1 thread,
    /// AVX-512, batch 1) against F(2×2, 3×3): 1.0–1.1× at 16², 1.3× at 20², 1.4–1.7× at 28² to 112²; at 14² the
    /// four tile columns cover 16 (a third more GEMM than the output needs) and the 36 planes of transformed weights
    /// are read for 16 columns only: 0.93×.
    /// </summary>
    public static bool Applies(in ConvGeom g) => ConvWinograd.Applies(g) && g.OH >= MinSide && g.OW >= MinSide;

    /// <summary>Smallest output height and width (four tiles each way).</summary>
    public const int MinSide = 16;

    // ---- geometry of the tiling ----------------------------------------------------------------------------------

    private static int TH(in ConvGeom g) => (g.OH + 3) / 4;
    private static int TW(in ConvGeom g) => (g.OW + 3) / 4;
    private static int TWpad(in ConvGeom g) => (TW(g) + 15) & ~15;
    private static int BandRows(in ConvGeom g) => Math.Max(1, CapV / (T * g.Cin * TW(g)));
    private static int BandCols(in ConvGeom g, int batch) => Math.Min(batch * TH(g), BandRows(g)) * TW(g);
    private static int Ldv(int cols, int tw) => (cols + ((tw + 15) & ~15) + Gemm.MaxNR + 15) & ~15;
    private static int Mb(in ConvGeom g)
    {
        int mr = Gemm.MR;
        return mr * Math.Clamp(4096 / (g.Cin * mr), 1, 4);
    }

    /// <summary>A multiple of 4 KiB plus one cache line between transform planes (see <see cref="ConvWinograd"/>).</summary>
    private static int PlaneStride(long floats) => checked((int)(((floats + 1023) & ~1023L) + 16));
    private static int EsV(in ConvGeom g, int batch) => PlaneStride((long)g.Cin * Ldv(BandCols(g, batch), TW(g)));
    private static int EsU(in ConvGeom g) => PlaneStride((long)Mb(g) * g.Cin);
    private static int EsM(in ConvGeom g) => PlaneStride((long)Mb(g) * LdM);
    private static int LineFloats(in ConvGeom g) => 4 * (TWpad(g) + 16) + 16;

    /// <summary>Floats of one part: V, U, M, the 8-row ring of row transforms, the padded input line and temporaries.</summary>
    private static long PerPart(in ConvGeom g, int batch)
        => (long)T * EsV(g, batch) + 16 + (long)T * EsU(g) + 16 + (long)T * EsM(g) + 16
           + 8L * 6 * (TWpad(g) + 16) + 16 + 4L * (TWpad(g) + 16) + 16 + LineFloats(g) + 16 + 45 * 16 + 16 + g.Cin + 16 + Slack;

    /// <summary>Floats of scratch the forward of <paramref name="g"/> needs (any batch up to 2¹⁶ tile rows per band).</summary>
    public static long Scratch(in ConvGeom g, int threads) => (long)Math.Max(1, threads) * PerPart(g, 1 << 16) + 32;

    // ---- entry point -----------------------------------------------------------------------------------------------

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, W, B, Y, Scratch;
        public int R0, R1, PerPart;             // band: global tile rows [R0, R1)
        public bool Accumulate, ByBlocks;       // ByBlocks: parts split output-channel blocks, not column blocks
        public ConvEpilogue Ep;
    }

    /// <summary>y = act(conv(x, w) + b), or (accumulate) y = act(y + conv(x, w)); as <see cref="ConvCore.Forward"/>.</summary>
    public static void Forward(in ConvGeom g, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads)
    {
        var c = new Ctx
        {
            G = g, X = x, W = w, B = accumulate ? null : b, Y = y, Accumulate = accumulate, Ep = ep,
            PerPart = checked((int)PerPart(g, 1 << 16)), Scratch = Gemm.Align(scratch),
        };
        int rows = batch * TH(g), band = BandRows(g), tw = TW(g);
        int ocBlocks = (g.Cout + Mb(g) - 1) / Mb(g);
        for (int r0 = 0; r0 < rows; r0 += band)
        {
            c.R0 = r0;
            c.R1 = Math.Min(rows, r0 + band);
            long cols = (long)(c.R1 - c.R0) * tw;
            int parts = GemmWorkers.Parts(threads, cols * g.Cin * g.Cout * T, 1L << 20);
            int colBlocks = Blocks((int)cols);
            // whole column blocks per part where there is one for each; else every part transforms all of the band's
            // input and takes a share of the output-channel blocks (64@56 at batch 1: 2 blocks, 633 → 524–535 µs on
            // 2 threads split by columns, 599 split by output blocks; 128@28: 1 block)
            c.ByBlocks = colBlocks < parts && ocBlocks >= parts;
            if (!c.ByBlocks) parts = Math.Min(parts, colBlocks);
            GemmWorkers.Run(parts, &Part, &c);
        }
    }

    /// <summary>
    /// Column blocks of a band: NB columns each, the last one NB to NB + 15 (a remainder under 16 would run as dot
    /// products on its own; inside the block before it they share its pass over U).
    /// </summary>
    private static int Blocks(int cols) => Math.Max(1, cols / NB + (cols % NB >= 16 ? 1 : 0));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (long lo, long hi) Range(long items, int t, int parts) => (items * t / parts, items * (t + 1) / parts);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int cols = (c.R1 - c.R0) * TW(g), colBlocks = Blocks(cols);
        int mb = Mb(g), ocBlocks = (g.Cout + mb - 1) / mb;
        int colLo = 0, colHi = cols, ob0 = 0, ob1 = ocBlocks;
        if (c.ByBlocks)
        {
            var (lo, hi) = Range(ocBlocks, t, parts);
            (ob0, ob1) = ((int)lo, (int)hi);
        }
        else
        {
            var (lo, hi) = Range(colBlocks, t, parts);
            colLo = (int)lo * NB;
            colHi = hi == colBlocks ? cols : (int)hi * NB;
        }
        if (ob0 >= ob1 || colLo >= colHi) return;

        // the part's memory
        int tw = TW(g), cin = g.Cin;
        int ldv = Ldv(colHi - colLo, tw);
        nint esV = PlaneStride((long)cin * ldv), esU = EsU(g), esM = EsM(g);
        float* v = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* u = Gemm.Align(v + T * esV + 16);
        float* m = Gemm.Align(u + T * esU + 16);
        float* ring = Gemm.Align(m + T * esM + 16);
        int hs = TWpad(g) + 16;                          // floats per row transform line
        float* q = Gemm.Align(ring + 8 * 6 * hs + 16);   // 4 phase lines
        float* line = Gemm.Align(q + 4 * hs + 16);
        float* tmp = Gemm.Align(line + LineFloats(g) + 16);
        int* offs = (int*)Gemm.Align(tmp + 45 * 16 + 16);
        for (int k = 0; k < cin; k++) offs[k] = k * ldv;

        TransformInput(ref c, v - colLo, ldv, esV, colLo, colHi, ring, hs, q, line, tmp);
        for (int ob = ob0; ob < ob1; ob++)
        {
            int oc0 = ob * mb, rows = Math.Min(mb, g.Cout - oc0);
            TransformWeights(g, c.W, oc0, rows, u, esU, tmp);
            for (int c0 = colLo, c1; c0 < colHi; c0 = c1)
            {
                c1 = colHi - c0 < NB + 16 ? colHi : c0 + NB;   // the blocks of Blocks
                for (int e = 0; e < T; e++)
                    Gemm.RunIndirect(rows, cin, u + e * esU, cin, v - colLo + e * esV, offs, m + e * esM, LdM, null, c0, c1);
                OutputTransform(ref c, oc0, rows, c0, c1, m, esM, tmp);
            }
        }
    }

    // ---- input transform: V[e][ic][col] = (Bᵀ d B)[e] ------------------------------------------------------------------
    //
    // Bᵀ = [4 0 −5 0 1 0; 0 −4 −4 1 1 0; 0 4 −4 −1 1 0; 0 −2 −1 2 1 0; 0 2 −1 −2 1 0; 0 4 0 −5 0 1]. The tile of column
    // j of a tile row starts at input column 4j − PW: its six inputs of one row are q0[j], q1[j], q2[j], q3[j], q0[j+1],
    // q1[j+1] with q_k[j] = x[4j + k − PW] (the row split into four phases). Each input row is transformed along the row
    // once (six lines, kept in a ring of eight rows: tile rows overlap by two input rows), then each tile row down the
    // six row lines.

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(ref Ctx c, float* vbase, int ldv, nint es, int colLo, int colHi, float* ring,
        int hs, float* q, float* line, float* edge)
    {
        ConvGeom g = c.G;
        int th = TH(g), tw = TW(g), vw = Vector<float>.Count;
        int twv = (tw + vw - 1) / vw * vw;     // tile columns rounded up to whole vectors (≤ TWpad)
        int gr0 = c.R0 + colLo / tw, gr1 = c.R0 + (colHi - 1) / tw + 1;
        int lineLen = 4 * ((twv + vw + 7) & ~7);   // q_k[j] for j < twv + vw (d4, d5 read j + 1), in whole 8-tile groups
        for (int ic = 0; ic < g.Cin; ic++)
        {
            int haveN = -1, haveRow = -1;   // padded input rows [.., haveRow] of sample haveN are in the ring
            for (int gr = gr0; gr < gr1; gr++)
            {
                int n = gr / th, tr = gr - n * th;
                float* plane = c.X + ((nint)n * g.Cin + ic) * g.InPlane;
                int first = 4 * tr;
                if (haveN != n || haveRow < first - 1) haveRow = first - 1;
                haveN = n;
                for (int pr = haveRow + 1; pr <= first + 5; pr++)
                {
                    float* h = ring + (nint)(pr & 7) * 6 * hs;
                    int ih = pr - g.PH;
                    if ((uint)ih >= (uint)g.H) { Gemm.Zero(h, 6 * hs); continue; }
                    Phases(plane + (nint)ih * g.W, g.W, g.PW, lineLen, line, q, hs);
                    float* q0 = q, q1 = q + hs, q2 = q + 2 * hs, q3 = q + 3 * hs;
                    for (int j = 0; j < twv; j += vw)
                    {
                        Bt(Ld(q0 + j), Ld(q1 + j), Ld(q2 + j), Ld(q3 + j), Ld(q0 + j + 1), Ld(q1 + j + 1),
                            out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
                        St(h + j, r0); St(h + hs + j, r1); St(h + 2 * hs + j, r2);
                        St(h + 3 * hs + j, r3); St(h + 4 * hs + j, r4); St(h + 5 * hs + j, r5);
                    }
                }
                haveRow = first + 5;
                float* h0 = ring + (nint)(first & 7) * 6 * hs, h1 = ring + (nint)((first + 1) & 7) * 6 * hs;
                float* h2 = ring + (nint)((first + 2) & 7) * 6 * hs, h3 = ring + (nint)((first + 3) & 7) * 6 * hs;
                float* h4 = ring + (nint)((first + 4) & 7) * 6 * hs, h5 = ring + (nint)((first + 5) & 7) * 6 * hs;
                int rowCol = (gr - c.R0) * tw;
                // this row's columns j ∈ [jLo, jHi) are stored; past tw (up to twv) they are the next row's columns,
                // overwritten by it, or the slack after the part's columns
                int jLo = Math.Max(0, colLo - rowCol), jHi = Math.Min(twv, colHi - rowCol);
                float* vrow = vbase + (nint)ic * ldv + rowCol;
                for (int k = 0; k < 6; k++)
                {
                    nint o = (nint)k * hs;
                    float* vk = vrow + k * es;
                    for (int j = jLo / vw * vw; j < jHi; j += vw)
                    {
                        Bt(Ld(h0 + o + j), Ld(h1 + o + j), Ld(h2 + o + j), Ld(h3 + o + j), Ld(h4 + o + j), Ld(h5 + o + j),
                            out var r0, out var r1, out var r2, out var r3, out var r4, out var r5);
                        if (j >= jLo && j + vw <= jHi)
                        {
                            St(vk + j, r0); St(vk + 6 * es + j, r1); St(vk + 12 * es + j, r2);
                            St(vk + 18 * es + j, r3); St(vk + 24 * es + j, r4); St(vk + 30 * es + j, r5);
                            continue;
                        }
                        // the part's first or last columns: element by element, inside [jLo, jHi) only
                        St(edge, r0); St(edge + vw, r1); St(edge + 2 * vw, r2);
                        St(edge + 3 * vw, r3); St(edge + 4 * vw, r4); St(edge + 5 * vw, r5);
                        for (int l = Math.Max(0, jLo - j); l < Math.Min(vw, jHi - j); l++)
                            for (int e = 0; e < 6; e++) vk[6 * e * es + j + l] = edge[e * vw + l];
                    }
                }
            }
        }
    }

    /// <summary>(r0 … r5) = Bᵀ·(d0 … d5): along an input row, then down a tile's six row lines.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Bt(Vector<float> d0, Vector<float> d1, Vector<float> d2, Vector<float> d3, Vector<float> d4,
        Vector<float> d5, out Vector<float> r0, out Vector<float> r1, out Vector<float> r2, out Vector<float> r3,
        out Vector<float> r4, out Vector<float> r5)
    {
        var four = new Vector<float>(4f);
        var two = new Vector<float>(2f);
        r0 = four * d0 - new Vector<float>(5f) * d2 + d4;
        r1 = (d3 + d4) - four * (d1 + d2);
        r2 = four * (d1 - d2) + (d4 - d3);
        r3 = two * (d3 - d1) + (d4 - d2);
        r4 = two * (d1 - d3) + (d4 - d2);
        r5 = four * d1 - new Vector<float>(5f) * d3 + d5;
    }

    /// <summary>
    /// q_k[j] = row[4j + k − pw] (zero outside [0, w)) for k ∈ [0, 4), j ∈ [0, len/4): through a zero-padded copy of the
    /// row in <paramref name="line"/>, split by a 4×8 register transpose where AVX2 is there.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Phases(float* row, int w, int pw, int len, float* line, float* q, int hs)
    {
        int s0 = Math.Clamp(pw, 0, len), s1 = Math.Clamp(pw + w, s0, len);
        if (s0 > 0) Gemm.Zero(line, s0);
        if (s1 > s0) Gemm.Copy(row + (s0 - pw), line + s0, s1 - s0);
        if (len > s1) Gemm.Zero(line + s1, len - s1);
        int count = len / 4, j = 0;
        if (Avx2.IsSupported)
        {
            var order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (; j + 8 <= count; j += 8)
            {
                // 32 inputs = tiles j..j+7 × 4 phases
                float* s = line + 4 * j;
                Vector256<float> a = Avx.LoadVector256(s), b = Avx.LoadVector256(s + 8);
                Vector256<float> cc = Avx.LoadVector256(s + 16), d = Avx.LoadVector256(s + 24);
                Vector256<float> t0 = Avx.UnpackLow(a, b), t1 = Avx.UnpackHigh(a, b);
                Vector256<float> t2 = Avx.UnpackLow(cc, d), t3 = Avx.UnpackHigh(cc, d);
                // lanes in tile order 0, 2, 4, 6, 1, 3, 5, 7 → 0..7
                Avx.Store(q + j, Avx2.PermuteVar8x32(Avx.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle(), order));
                Avx.Store(q + hs + j, Avx2.PermuteVar8x32(Avx.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle(), order));
                Avx.Store(q + 2 * hs + j, Avx2.PermuteVar8x32(Avx.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle(), order));
                Avx.Store(q + 3 * hs + j, Avx2.PermuteVar8x32(Avx.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle(), order));
            }
        }
        for (; j < count; j++)
        {
            q[j] = line[4 * j];
            q[hs + j] = line[4 * j + 1];
            q[2 * hs + j] = line[4 * j + 2];
            q[3 * hs + j] = line[4 * j + 3];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Ld(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(float* p, Vector<float> v) => Unsafe.WriteUnaligned(p, v);

    // ---- weight transform: U[e][ocl][ic] = (G g Gᵀ)[e] -----------------------------------------------------------------
    //
    // G = [1/4 0 0; −1/6 −1/6 −1/6; −1/6 1/6 −1/6; 1/24 1/12 1/6; 1/24 −1/12 1/6; 0 0 1].

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformWeights(in ConvGeom g, float* w, int oc0, int rows, float* u, nint es, float* tmp)
    {
        int cin = g.Cin, vw = Vector<float>.Count;
        float* gk = tmp;            // [9][vw]
        float* ut = tmp + 9 * 16;   // [36][vw] for a partial vector of input channels
        for (int ocl = 0; ocl < rows; ocl++)
        {
            float* src = w + (nint)(oc0 + ocl) * cin * 9;
            for (int ic0 = 0; ic0 < cin; ic0 += vw)
            {
                int n = Math.Min(vw, cin - ic0);
                if (Avx.IsSupported && vw == 8 && n == 8)
                    ConvWinograd.Transpose8x9(src + ic0 * 9, 9, gk, false);   // 8 kernels of 9 floats, lane l = kernel l
                else
                    for (int l = 0; l < vw; l++)
                        for (int k = 0; k < 9; k++) gk[k * vw + l] = l < n ? src[(ic0 + l) * 9 + k] : 0f;
                // t = G g: six rows of three (per column of g), then U = t Gᵀ: each row of t through G again
                Span3(Ld(gk), Ld(gk + 3 * vw), Ld(gk + 6 * vw), out var t00, out var t10, out var t20, out var t30, out var t40, out var t50);
                Span3(Ld(gk + vw), Ld(gk + 4 * vw), Ld(gk + 7 * vw), out var t01, out var t11, out var t21, out var t31, out var t41, out var t51);
                Span3(Ld(gk + 2 * vw), Ld(gk + 5 * vw), Ld(gk + 8 * vw), out var t02, out var t12, out var t22, out var t32, out var t42, out var t52);
                float* dst = n == vw ? u + (nint)ocl * cin + ic0 : ut;
                nint ds = n == vw ? es : vw;
                RowG(dst, ds, 0, t00, t01, t02);
                RowG(dst, ds, 1, t10, t11, t12);
                RowG(dst, ds, 2, t20, t21, t22);
                RowG(dst, ds, 3, t30, t31, t32);
                RowG(dst, ds, 4, t40, t41, t42);
                RowG(dst, ds, 5, t50, t51, t52);
                if (n < vw)
                    for (int e = 0; e < T; e++)
                        for (int l = 0; l < n; l++) u[e * es + (nint)ocl * cin + ic0 + l] = ut[e * vw + l];
            }
        }
    }

    /// <summary>(o0 … o5) = G·(a, b, c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Span3(Vector<float> a, Vector<float> b, Vector<float> c, out Vector<float> o0, out Vector<float> o1,
        out Vector<float> o2, out Vector<float> o3, out Vector<float> o4, out Vector<float> o5)
    {
        Vector<float> ac = a + c;
        o0 = a * new Vector<float>(0.25f);
        o1 = (ac + b) * new Vector<float>(-1f / 6f);
        o2 = (ac - b) * new Vector<float>(-1f / 6f);
        Vector<float> p = a * new Vector<float>(1f / 24f) + c * new Vector<float>(1f / 6f), r = b * new Vector<float>(1f / 12f);
        o3 = p + r;
        o4 = p - r;
        o5 = c;
    }

    /// <summary>Row <paramref name="i"/> of U = t Gᵀ: elements 6i … 6i + 5 from row i of t.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowG(float* dst, nint es, int i, Vector<float> a, Vector<float> b, Vector<float> c)
    {
        Span3(a, b, c, out var o0, out var o1, out var o2, out var o3, out var o4, out var o5);
        float* d = dst + 6 * i * es;
        St(d, o0); St(d + es, o1); St(d + 2 * es, o2); St(d + 3 * es, o3); St(d + 4 * es, o4); St(d + 5 * es, o5);
    }

    // ---- output transform: y = Aᵀ M A -----------------------------------------------------------------------------------
    //
    // Aᵀ = [1 1 1 1 1 0; 0 1 −1 2 −2 0; 0 1 1 4 4 0; 0 1 −1 8 −8 1].

    /// <summary>(y0 … y3) = Aᵀ·(m0 … m5).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void At(Vector<float> m0, Vector<float> m1, Vector<float> m2, Vector<float> m3, Vector<float> m4,
        Vector<float> m5, out Vector<float> y0, out Vector<float> y1, out Vector<float> y2, out Vector<float> y3)
    {
        Vector<float> s12 = m1 + m2, d12 = m1 - m2, s34 = m3 + m4, d34 = m3 - m4;
        y0 = m0 + s12 + s34;
        y1 = d12 + new Vector<float>(2f) * d34;
        y2 = s12 + new Vector<float>(4f) * s34;
        y3 = d12 + new Vector<float>(8f) * d34 + m5;
    }

    /// <summary>y tiles of columns [c0, c1) and channels [oc0, oc0 + rows) from M[e][ocl][col − c0] (row stride LdM).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputTransform(ref Ctx c, int oc0, int rows, int c0, int c1, float* mbuf, nint es, float* tmp)
    {
        ConvGeom g = c.G;
        int th = TH(g), tw = TW(g), vw = Vector<float>.Count;
        float* yq = tmp;   // 4·vw floats: one interleaved output row of a partial vector of tiles
        for (int ocl = 0; ocl < rows; ocl++)
        {
            int oc = oc0 + ocl;
            float bias = c.B == null ? 0f : c.B[oc];
            var bv = new Vector<float>(bias);
            float* m = mbuf + (nint)ocl * LdM - c0;   // m[col] for col in [c0, c1)
            int col = c0;
            while (col < c1)
            {
                int br = col / tw, tw0 = col - br * tw;
                int end = Math.Min(c1, (br + 1) * tw);
                int gr = c.R0 + br, n = gr / th, tr = gr - n * th;
                int oh = 4 * tr, orows = Math.Min(4, g.OH - oh);
                float* y0 = c.Y + (((nint)n * g.Cout + oc) * g.OH + oh) * g.OW;
                for (int j = col; j < end; j += vw)
                {
                    float* mj = m + j;
                    // down the six rows of M per column, then along each of the four rows
                    At(Ld(mj), Ld(mj + 6 * es), Ld(mj + 12 * es), Ld(mj + 18 * es), Ld(mj + 24 * es), Ld(mj + 30 * es),
                        out var s00, out var s10, out var s20, out var s30);
                    At(Ld(mj + es), Ld(mj + 7 * es), Ld(mj + 13 * es), Ld(mj + 19 * es), Ld(mj + 25 * es), Ld(mj + 31 * es),
                        out var s01, out var s11, out var s21, out var s31);
                    At(Ld(mj + 2 * es), Ld(mj + 8 * es), Ld(mj + 14 * es), Ld(mj + 20 * es), Ld(mj + 26 * es), Ld(mj + 32 * es),
                        out var s02, out var s12, out var s22, out var s32);
                    At(Ld(mj + 3 * es), Ld(mj + 9 * es), Ld(mj + 15 * es), Ld(mj + 21 * es), Ld(mj + 27 * es), Ld(mj + 33 * es),
                        out var s03, out var s13, out var s23, out var s33);
                    At(Ld(mj + 4 * es), Ld(mj + 10 * es), Ld(mj + 16 * es), Ld(mj + 22 * es), Ld(mj + 28 * es), Ld(mj + 34 * es),
                        out var s04, out var s14, out var s24, out var s34);
                    At(Ld(mj + 5 * es), Ld(mj + 11 * es), Ld(mj + 17 * es), Ld(mj + 23 * es), Ld(mj + 29 * es), Ld(mj + 35 * es),
                        out var s05, out var s15, out var s25, out var s35);
                    int len = Math.Min(vw, end - j);
                    int ow = 4 * (tw0 + (j - col)), width = Math.Min(4 * len, g.OW - ow);
                    Vector<float> y00, y01, y02, y03;
                    At(s00, s01, s02, s03, s04, s05, out y00, out y01, out y02, out y03);
                    Put(y0 + ow, width, y00, y01, y02, y03, yq, c.Accumulate, bv, bias);
                    if (orows < 2) continue;
                    At(s10, s11, s12, s13, s14, s15, out y00, out y01, out y02, out y03);
                    Put(y0 + ow + g.OW, width, y00, y01, y02, y03, yq, c.Accumulate, bv, bias);
                    if (orows < 3) continue;
                    At(s20, s21, s22, s23, s24, s25, out y00, out y01, out y02, out y03);
                    Put(y0 + ow + 2 * g.OW, width, y00, y01, y02, y03, yq, c.Accumulate, bv, bias);
                    if (orows < 4) continue;
                    At(s30, s31, s32, s33, s34, s35, out y00, out y01, out y02, out y03);
                    Put(y0 + ow + 3 * g.OW, width, y00, y01, y02, y03, yq, c.Accumulate, bv, bias);
                }
                if (c.Ep.Any)
                {
                    int a0 = 4 * tw0, a1 = Math.Min(g.OW, 4 * (tw0 + end - col));
                    for (int i = 0; i < orows; i++) c.Ep.Apply(oc, y0 + (nint)i * g.OW + a0, a1 - a0);
                }
                col = end;
            }
        }
    }

    /// <summary>
    /// One output row of vw tiles, interleaved (tile l's four outputs at 4l): dst[0..width) (=, += old y; + bias when
    /// storing). Whole rows of eight tiles store straight from registers; the others through <paramref name="buf"/>
    /// (4·vw floats), element by element.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* dst, int width, Vector<float> a, Vector<float> b, Vector<float> cc, Vector<float> d,
        float* buf, bool accumulate, Vector<float> bias, float biasScalar)
    {
        int vw = Vector<float>.Count;
        if (Avx.IsSupported && vw == 8)
        {
            // 4 × 8 → 8 × 4: tile l's outputs (a[l], b[l], c[l], d[l]) side by side
            Vector256<float> va = a.AsVector256(), vb = b.AsVector256(), vc = cc.AsVector256(), vd = d.AsVector256();
            Vector256<float> t0 = Avx.UnpackLow(va, vb), t1 = Avx.UnpackHigh(va, vb);
            Vector256<float> t2 = Avx.UnpackLow(vc, vd), t3 = Avx.UnpackHigh(vc, vd);
            Vector256<float> u0 = Avx.UnpackLow(t0.AsDouble(), t2.AsDouble()).AsSingle();    // tiles 0 | 4
            Vector256<float> u1 = Avx.UnpackHigh(t0.AsDouble(), t2.AsDouble()).AsSingle();   // tiles 1 | 5
            Vector256<float> u2 = Avx.UnpackLow(t1.AsDouble(), t3.AsDouble()).AsSingle();    // tiles 2 | 6
            Vector256<float> u3 = Avx.UnpackHigh(t1.AsDouble(), t3.AsDouble()).AsSingle();   // tiles 3 | 7
            Vector256<float> o0 = Avx.Permute2x128(u0, u1, 0x20), o1 = Avx.Permute2x128(u2, u3, 0x20);
            Vector256<float> o2 = Avx.Permute2x128(u0, u1, 0x31), o3 = Avx.Permute2x128(u2, u3, 0x31);
            if (width == 32)
            {
                if (accumulate)
                {
                    Avx.Store(dst, Avx.LoadVector256(dst) + o0);
                    Avx.Store(dst + 8, Avx.LoadVector256(dst + 8) + o1);
                    Avx.Store(dst + 16, Avx.LoadVector256(dst + 16) + o2);
                    Avx.Store(dst + 24, Avx.LoadVector256(dst + 24) + o3);
                }
                else
                {
                    Vector256<float> bv = bias.AsVector256();
                    Avx.Store(dst, o0 + bv);
                    Avx.Store(dst + 8, o1 + bv);
                    Avx.Store(dst + 16, o2 + bv);
                    Avx.Store(dst + 24, o3 + bv);
                }
                return;
            }
            // a partial row: whole vectors, then the last one under a mask
            Vector256<float> bias8 = accumulate ? Vector256<float>.Zero : bias.AsVector256();
            Vector256<int> lanes = Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7);
            for (int k = 0; k < 4 && 8 * k < width; k++)
            {
                Vector256<float> o = k == 0 ? o0 : k == 1 ? o1 : k == 2 ? o2 : o3;
                float* p = dst + 8 * k;
                if (8 * k + 8 <= width)
                {
                    Avx.Store(p, accumulate ? Avx.LoadVector256(p) + o : o + bias8);
                    continue;
                }
                Vector256<float> mask = Vector256.LessThan(lanes, Vector256.Create(width - 8 * k)).AsSingle();
                Avx.MaskStore(p, mask, accumulate ? Avx.MaskLoad(p, mask) + o : o + bias8);
            }
            return;
        }
        else
        {
            for (int l = 0; l < vw; l++)
            {
                buf[4 * l] = a[l]; buf[4 * l + 1] = b[l]; buf[4 * l + 2] = cc[l]; buf[4 * l + 3] = d[l];
            }
        }
        if (accumulate)
            for (int o = 0; o < width; o++) dst[o] += buf[o];
        else
            for (int o = 0; o < width; o++) dst[o] = buf[o] + biasScalar;
    }
}
