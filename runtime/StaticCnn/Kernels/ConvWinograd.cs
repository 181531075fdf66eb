using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Winograd F(2×2, 3×3) convolution for 3×3, stride 1, dilation 1, ungrouped layers with enough channels: forward
/// (y = act(conv(x, w) + b), or y = act(y + conv(x, w))) and backward-data (dx += conv(dy, w̃), the flipped,
/// transposed kernel with padding 2 − P).
/// </summary>
/// <remarks>
/// <para><b>Algorithm</b> (Lavin and Gray 2015). Each 2×2 output tile is Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A over a 4×4 input tile d:
/// 16 multiplies per input channel instead of 36. Per call: (1) the input transform V[e][ic][tile] (e = the 16
/// transform elements; tiles of every sample in a band of tile rows, so a batch widens the GEMMs); (2) per block of
/// output channels, the weight transform U[e][oc][ic] into per-thread scratch (weights change every training step),
/// then for every 96-tile column block 16 GEMMs M[e] = U[e]·V[e] with the packed-GEMM micro-kernel of
/// <see cref="Gemm.RunIndirect"/> (B rows read in place), then the output transform into NCHW with bias,
/// accumulation and the fused activation.</para>
/// <para><b>Why F(2×2) and not F(4×4)</b>: F(2,3)'s transforms have coefficients 0, ±1, ±½ (exact in float), so
/// its error stays within a small factor of direct summation; F(4,3) (points 0, ±1, ±2, ±½) amplifies rounding
/// error by about two orders of magnitude, too much against the PyTorch parity tolerance of the test suite.</para>
/// <para><b>Determinism</b>: every output is one fixed sequence of operations (transform, FMA chain over input
/// channels in increasing order, transform), independent of the block or thread it lands in; threads
/// (<see cref="GemmWorkers"/>) share a band as <see cref="Choose"/> picks: column chunks claimed from both ends, column
/// ranges, or output-channel blocks, each part reading only transformed input it wrote itself (see "partitions"
/// below); one part, or the fallback, splits input channels (input transform) and (output-channel block, column
/// block) items (GEMM and output transform). Results are bit-identical for any thread count.</para>
/// </remarks>
internal static unsafe class ConvWinograd
{
    /// <summary>
    /// Routing rule (measured crossover against the implicit-GEMM and direct kernels, docs/KERNELS.md): at least
    /// <see cref="MinChannels"/> input and output channels and <see cref="MinPixels"/> output pixels; layers with
    /// fewer than <see cref="WideChannels"/> channels on either side need <see cref="NarrowMinPixels"/> pixels.
    /// </summary>
    public const int MinChannels = 16, WideChannels = 32, MinPixels = 64, NarrowMinPixels = 400;

    private const int T = 16;               // transform elements (4×4)
    private const int NB = 96;              // tile columns per GEMM block
    private const int CapV = 1 << 20;       // floats of transformed input per band
    private const int Slack = 64;

    /// <summary>True when forward of <paramref name="g"/> runs here.</summary>
    public static bool Applies(in ConvGeom g)
        => g.KH == 3 && g.KW == 3 && g.SH == 1 && g.SW == 1 && g.DH == 1 && g.DW == 1 && g.G == 1
           && g.Cin >= MinChannels && g.Cout >= MinChannels && g.OH >= 2 && g.OW >= 2
           && g.OH * g.OW >= (Math.Min(g.Cin, g.Cout) >= WideChannels ? MinPixels : NarrowMinPixels);

    /// <summary>True when backward-data of <paramref name="g"/> runs here (as the forward of the flipped geometry).</summary>
    public static bool AppliesData(in ConvGeom g) => g.SH == 1 && g.SW == 1 && Applies(Flipped(g));

    /// <summary>For stride 1: the convolution from dy to dx with the flipped, transposed kernel.</summary>
    internal static ConvGeom Flipped(in ConvGeom g) => new()
    {
        Cin = g.Cout, H = g.OH, W = g.OW, Cout = g.Cin, OH = g.H, OW = g.W, KH = g.KH, KW = g.KW, SH = 1, SW = 1,
        PH = g.DH * (g.KH - 1) - g.PH, PW = g.DW * (g.KW - 1) - g.PW, DH = g.DH, DW = g.DW, G = g.G,
    };

    // ---- geometry of the tiling ----------------------------------------------------------------------------------

    private static int TH(in ConvGeom g) => (g.OH + 1) / 2;
    private static int TW(in ConvGeom g) => (g.OW + 1) / 2;
    private static int TWpad(in ConvGeom g) => (TW(g) + 15) & ~15;
    private static int BandRows(in ConvGeom g) => Math.Max(1, CapV / (T * g.Cin * TW(g)));
    private static int Ldv(in ConvGeom g) => ((BandRows(g) * TW(g) + TWpad(g) + Gemm.MaxNR + 15) & ~15);
    private static int Mb(in ConvGeom g)
    {
        int mr = Gemm.MR;
        return mr * Math.Clamp(8192 / (g.Cin * mr), 1, 4);
    }

    /// <summary>
    /// Stride between the 16 transform planes: a multiple of 4 KiB plus one cache line, so the 16 streams a transform
    /// reads or writes fall into 16 different L1 sets (a 4 KiB multiple would put them all into one 8-way set).
    /// </summary>
    private static int PlaneStride(long floats) => checked((int)(((floats + 1023) & ~1023L) + 16));
    private static int EsV(in ConvGeom g) => PlaneStride((long)g.Cin * Ldv(g));
    private static int EsU(in ConvGeom g) => PlaneStride((long)Mb(g) * g.Cin);
    private static int EsM(in ConvGeom g) => PlaneStride((long)Mb(g) * NB);

    private static long InPart(in ConvGeom g) => 16L * TWpad(g) + 4L * (TWpad(g) + 32) + 4 * 16 + 16 + Slack;
    private static long GemmPart(in ConvGeom g)
    {
        long mb = Mb(g);
        return (long)T * EsU(g) + 16 + (long)T * EsM(g) + 32 + g.Cin + 16 + 9 * 16 + 16 * 16 + 4 * 16 + 16
               + (long)T * 16 * g.Cin + Slack;
    }

    private static long PerPart(in ConvGeom g) => Math.Max(InPart(g), GemmPart(g)) + 16;

    /// <summary>Floats of scratch the forward of <paramref name="g"/> needs.</summary>
    public static long Scratch(in ConvGeom g, int threads)
        => (long)T * EsV(g) + 32 + (long)Math.Max(1, threads) * PerPart(g);

    /// <summary>Floats of scratch backward-data of <paramref name="g"/> needs.</summary>
    public static long DataScratch(in ConvGeom g, int threads) => Scratch(Flipped(g), threads);

    // ---- entry points ------------------------------------------------------------------------------------------

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, W, B, Y, V, Scratch;
        public float* U;                          // the transformed weights of every output-channel block (Prepare), or null
        public int Batch, PerPart, Ldv, R0, R1;   // band: global tile rows [R0, R1)
        public int Ldv2;                          // row stride of a part's private transformed input
        public int Taken, Front, Back;            // Partition.Dynamic: chunks claimed, taken from the front, from the back
        public bool Accumulate, FlippedW;
        public ConvEpilogue Ep;
    }

    /// <summary>y = act(conv(x, w) + b), or (accumulate) y = act(y + conv(x, w)); as <see cref="ConvCore.Forward"/>.</summary>
    /// <remarks><paramref name="prepared"/>: <see cref="Prepare"/>'s transform of <paramref name="w"/>, or null (transformed here).</remarks>
    public static void Forward(in ConvGeom g, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads, float* prepared = null)
        => Run(g, x, w, false, accumulate ? null : b, y, batch, accumulate, ep, scratch, threads, prepared);

    /// <summary>dx += conv2d_input_grad(w, dy) for the stride-1 geometry <paramref name="g"/>.</summary>
    public static void BackwardData(in ConvGeom g, float* w, float* dy, float* dx, int batch, float* scratch, int threads)
        => Run(Flipped(g), dy, w, true, null, dx, batch, true, Activation.None, scratch, threads, null);

    /// <summary>Floats of <see cref="Prepare"/>'s output for the forward of <paramref name="g"/>.</summary>
    public static long PreparedFloats(in ConvGeom g) => (long)(g.Cout + Mb(g) - 1) / Mb(g) * T * EsU(g);

    /// <summary>
    /// The forward's weight transform done once: U = G w Gᵀ for every output-channel block, in the layout the GEMMs
    /// read, the same floats every call computes otherwise (<paramref name="u"/> holds <see cref="PreparedFloats"/>;
    /// nothing in the layout depends on its address, so a copy of it works as well).
    /// </summary>
    public static void Prepare(in ConvGeom g, float* w, float* u)
    {
        int mb = Mb(g), esU = EsU(g);
        float* tmp = stackalloc float[9 * 16 + 16 * 16];
        for (int ob = 0; ob * mb < g.Cout; ob++)
            TransformWeights(g, w, false, ob * mb, Math.Min(mb, g.Cout - ob * mb), u + (nint)ob * T * esU, mb, tmp);
    }

    private static void Run(in ConvGeom g, float* x, float* w, bool flipped, float* b, float* y, int batch,
        bool accumulate, in ConvEpilogue ep, float* scratch, int threads, float* prepared)
    {
        var c = new Ctx
        {
            G = g, X = x, W = w, B = b, Y = y, Batch = batch, Accumulate = accumulate, FlippedW = flipped, Ep = ep,
            Ldv = Ldv(g), PerPart = checked((int)PerPart(g)), U = prepared,
        };
        c.V = Gemm.Align(scratch);
        c.Scratch = Gemm.Align(c.V + (nint)T * EsV(g) + 16);
        int th = TH(g), tw = TW(g);
        int rows = batch * th, band = BandRows(g);
        for (int r0 = 0; r0 < rows; r0 += band)
        {
            c.R0 = r0;
            c.R1 = Math.Min(rows, r0 + band);
            long cols = (long)(c.R1 - c.R0) * tw;
            int parts = GemmWorkers.Parts(threads, cols * g.Cin * g.Cout * T, 1L << 20);
            switch (Choose(g, (int)cols, parts))
            {
                case Partition.Dynamic:
                    // many tile columns: the parts claim NB-column chunks as they finish (even parts from the start,
                    // odd from the end), so a slower core takes fewer; each part transforms all weights once and each
                    // chunk's input into memory of its own
                    c.Taken = c.Front = c.Back = 0;
                    c.Ldv2 = PrivateLdv(NB, tw);
                    GemmWorkers.Run(parts, &DynamicPart, &c);
                    break;
                case Partition.Columns:
                    // many tile columns: each part owns a column range, transforms its input into a buffer of its own
                    // and runs every output channel on it
                    c.Ldv2 = PrivateLdv(PartCols((int)cols, parts), tw);
                    GemmWorkers.Run(parts, &ColumnPart, &c);
                    break;
                case Partition.ColumnsShared:
                    c.Ldv2 = 0;
                    GemmWorkers.Run(parts, &ColumnPart, &c);
                    break;
                case Partition.Private:
                    // few tile columns: each part transforms the whole input into its own copy, then runs its share of
                    // the output-channel blocks
                    c.Ldv2 = PrivateLdv((int)cols, tw);
                    GemmWorkers.Run(parts, &PrivatePart, &c);
                    break;
                default:
                    GemmWorkers.Run(GemmWorkers.Parts(threads, T * g.Cin * cols, 1L << 15), &InputPart, &c);
                    GemmWorkers.Run(parts, &GemmPartFn, &c);
                    break;
            }
        }
    }

    // ---- partitions -----------------------------------------------------------------------------------------------
    //
    // With two cores, transformed input written by one core and read or rewritten by the other costs a cache-line
    // transfer or an invalidation per line. Measured on Zen 5 (benchmarks trace mode, conv 64@56 forward): the
    // input-channel split of the transform took 345 µs per half at 2 threads against 161 µs for all of it at 1 thread,
    // and the GEMM gained 1.45× instead of 2×. Column ranges in one shared buffer were still slow (part 1: 700 µs of
    // CPU for half of an 810 µs call): the two parts write neighbouring lines of every row of V, and the seam costs as
    // much as the sharing did. With each part's columns in a buffer of its own the call takes 454 µs against 881 µs.
    // So a part reads only transformed input that it wrote itself, into memory no other part writes. The arithmetic
    // of every output is unchanged (the tail columns that take TailDots are the same: the column split is in units of
    // Gran), so results stay bit-identical for any thread count.

    /// <summary>How the parts of one band share the work (<see cref="Choose"/>).</summary>
    internal enum Partition
    {
        /// <summary>One part, or a fallback: input channels for the transform, then (output block, column block) items.</summary>
        Split,
        /// <summary>Column ranges, each part's transformed input in a buffer of its own.</summary>
        Columns,
        /// <summary>Column ranges in the shared transformed-input buffer (when private buffers do not fit).</summary>
        ColumnsShared,
        /// <summary>Output-channel blocks, each part transforming the whole input into a copy of its own.</summary>
        Private,
        /// <summary>NB-column chunks claimed as the parts finish (even parts from the start, odd from the end); private transformed weights and input per part.</summary>
        Dynamic,
    }

    /// <summary>The partition of a band of <paramref name="cols"/> tile columns over <paramref name="parts"/> parts.</summary>
    internal static Partition Choose(in ConvGeom g, int cols, int parts)
    {
        if (parts <= 1) return Partition.Split;
        if ((cols + NB - 1) / NB >= DynamicChunksPerPart * parts
            && (long)parts * DynamicFloats(g) <= (long)T * EsV(g))
            return Partition.Dynamic;
        if (cols / Gran >= ColumnSplitUnits * parts)
            return PrivateFits(g, PartCols(cols, parts), parts) ? Partition.Columns : Partition.ColumnsShared;
        return PrivateFits(g, cols, parts) ? Partition.Private : Partition.Split;
    }

    /// <summary>The dynamic partition needs at least this many NB-column chunks per part.</summary>
    private const int DynamicChunksPerPart = 3;

    /// <summary>Floats of one part's memory in the dynamic partition: every block of transformed weights, and one chunk of transformed input.</summary>
    private static long DynamicFloats(in ConvGeom g)
        => (long)(g.Cout + Mb(g) - 1) / Mb(g) * T * EsU(g) + 16 + (long)T * PlaneStride((long)g.Cin * PrivateLdv(NB, TW(g))) + 64;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DynamicPart(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int mb = Mb(g), cin = g.Cin, ocBlocks = (g.Cout + mb - 1) / mb;
        int cols = (c.R1 - c.R0) * TW(g), chunks = (cols + NB - 1) / NB;
        nint esU = EsU(g);
        float* uall = Gemm.Align(c.V + (nint)t * DynamicFloats(g));
        float* v = Gemm.Align(uall + (nint)ocBlocks * T * esU + 16);
        int ldv = c.Ldv2;
        nint es = PlaneStride((long)cin * ldv);
        float* part = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        bool haveU = c.U != null;
        if (haveU) uall = c.U;
        while (true)
        {
            // even parts take chunks from the band's start, odd parts from its end, so that from call to call each
            // core writes (nearly) the same part of y: taken from one counter in turn, every call's chunks changed
            // hands, and the output transform's stores paid for fetching the lines from the other core's cache (its
            // share of a 64@56 call rose from 9 % at 1 thread to 25 % at 2; static column ranges: 10.5 %)
            if (Interlocked.Increment(ref c.Taken) > chunks) break;
            int k = (t & 1) == 0 ? Interlocked.Increment(ref c.Front) - 1 : chunks - Interlocked.Increment(ref c.Back);
            if (!haveU)
            {
                float* tmp = GemmTmp(g, part);
                for (int ob = 0; ob < ocBlocks; ob++)
                    TransformWeights(g, c.W, c.FlippedW, ob * mb, Math.Min(mb, g.Cout - ob * mb), uall + (nint)ob * T * esU, mb, tmp);
                haveU = true;
            }
            int colLo = k * NB, colHi = Math.Min(cols, colLo + NB);
            TransformInput(ref c, v - colLo, ldv, es, 0, cin, colLo, colHi, part);
            GemmBlocks(ref c, t, v - colLo, ldv, es, 0, ocBlocks, colLo, colHi, uall);
        }
    }

    /// <summary>The 25·16-float weight-transform temporary inside a part's scratch, as <see cref="GemmBlocks"/> lays it out.</summary>
    private static float* GemmTmp(in ConvGeom g, float* part)
    {
        float* mbuf = Gemm.Align(part + (nint)T * EsU(g) + 16);
        int* offs = (int*)Gemm.Align(mbuf + (nint)T * EsM(g) + 32);
        return Gemm.Align((float*)(offs + g.Cin) + 16);
    }

    /// <summary>Most columns one part of the column split gets (its units and the band's tail).</summary>
    private static int PartCols(int cols, int parts) => (cols / Gran + parts - 1) / parts * Gran + Gran;

    /// <summary>Width of the narrowest GEMM edge kernel: columns split between parts in multiples of it.</summary>
    private static int Gran => Vector512.IsHardwareAccelerated ? 16 : 8;

    /// <summary>The column split needs at least this many Gran-column units per part (else the GEMM blocks get thin).</summary>
    private const int ColumnSplitUnits = 4;

    private static int PrivateLdv(int cols, int tw) => (cols + ((tw + 15) & ~15) + Gemm.MaxNR + 15) & ~15;

    /// <summary>Whether <paramref name="parts"/> private copies of <paramref name="cols"/> columns of transformed input fit in the shared one's space.</summary>
    private static bool PrivateFits(in ConvGeom g, int cols, int parts)
        => (long)parts * (T * (long)PlaneStride((long)g.Cin * PrivateLdv(cols, TW(g))) + 32) <= (long)T * EsV(g);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ColumnPart(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int cols = (c.R1 - c.R0) * TW(g), gran = Gran;
        var (u0, u1) = Range(cols / gran, t, parts);
        int colLo = (int)u0 * gran, colHi = t == parts - 1 ? cols : (int)u1 * gran;
        if (colLo >= colHi) return;
        float* part = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        // the part's columns in a buffer of its own where they fit (column j at v − colLo + j): two parts writing
        // neighbouring columns of one row lose time to each other at the seam (the prefetcher of one pulls the
        // other's lines), else in the shared buffer
        float* v = c.V;
        int ldv = c.Ldv;
        nint es = EsV(g);
        if (c.Ldv2 > 0)
        {
            ldv = c.Ldv2;
            es = PlaneStride((long)g.Cin * ldv);
            v = Gemm.Align(c.V + (nint)t * (T * es + 32)) - colLo;
        }
        TransformInput(ref c, v, ldv, es, 0, g.Cin, colLo, colHi, part);
        int ocBlocks = (g.Cout + Mb(g) - 1) / Mb(g);
        GemmBlocks(ref c, t, v, ldv, es, 0, ocBlocks, colLo, colHi);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PrivatePart(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int cols = (c.R1 - c.R0) * TW(g);
        int ocBlocks = (g.Cout + Mb(g) - 1) / Mb(g);
        var (lo, hi) = Range(ocBlocks, t, parts);
        if (lo >= hi) return;
        nint es = PlaneStride((long)g.Cin * c.Ldv2);
        float* v = Gemm.Align(c.V + (nint)t * (T * es + 32));
        float* part = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        TransformInput(ref c, v, c.Ldv2, es, 0, g.Cin, 0, cols, part);
        GemmBlocks(ref c, t, v, c.Ldv2, es, (int)lo, (int)hi, 0, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (long lo, long hi) Range(long items, int t, int parts) => (items * t / parts, items * (t + 1) / parts);

    // ---- input transform: V[e][ic][col] = (Bᵀ d B)[e] for the tiles of the band ------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputPart(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        var (lo, hi) = Range(g.Cin, t, parts);
        if (lo >= hi) return;
        TransformInput(ref c, c.V, c.Ldv, EsV(g), (int)lo, (int)hi, 0, (c.R1 - c.R0) * TW(g),
            Gemm.Align(c.Scratch + (nint)t * c.PerPart));
    }

    /// <summary>
    /// V[e][ic][col] for input channels [icLo, icHi) and the band's tile columns [colLo, colHi) (stores outside that
    /// range are left out, so that parts owning neighbouring columns never write each other's); <paramref name="hbuf"/>:
    /// <see cref="InPart"/> floats of scratch.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInput(ref Ctx c, float* vbase, int ldv, nint es, int icLo, int icHi, int colLo, int colHi, float* hbuf)
    {
        ConvGeom g = c.G;
#if NET9_0_OR_GREATER
        if (Vector512.IsHardwareAccelerated && VectorInput)
        {
            if (TW(g) <= NarrowTiles) TransformInputNarrow(ref c, vbase, ldv, es, icLo, icHi, colLo, colHi);
            else TransformInputGroups(ref c, vbase, ldv, es, icLo, icHi, colLo, colHi);
            return;
        }
#endif
        int th = TH(g), tw = TW(g), twp = TWpad(g);
        float* ev = hbuf + 16 * twp;                                    // twp + 32
        float* od = ev + twp + 32;
        float* edge = od + twp + 32;                                    // 4 vectors for the partial edge stores
        float* line = edge + 4 * 16;                                    // 2·(twp + 32): a zero-padded input row
        int vw = Vector<float>.Count;
        int gr0 = c.R0 + colLo / tw, gr1 = c.R0 + (colHi - 1) / tw + 1;
        for (int ic = icLo; ic < icHi; ic++)
        {
            int haveN = -1, haveRow = -1;   // padded rows [.., haveRow] of sample haveN are in the ring
            for (int gr = gr0; gr < gr1; gr++)
            {
                int n = gr / th, tr = gr - n * th;
                float* plane = c.X + ((nint)n * g.Cin + ic) * g.InPlane;
                int first = 2 * tr;
                if (haveN != n || haveRow < first - 1) haveRow = first - 1;
                haveN = n;
                for (int pr = haveRow + 1; pr <= first + 3; pr++)
                {
                    float* h = hbuf + (nint)(pr & 3) * 4 * twp;
                    int ih = pr - g.PH;
                    if ((uint)ih >= (uint)g.H) { Gemm.Zero(h, 4 * twp); continue; }
                    float* row = plane + (nint)ih * g.W;
                    // deinterleave: ev[j] = x[2j − PW], od[j] = x[2j + 1 − PW] (zero outside), j ∈ [0, twp + vw]
                    Deinterleave(row, g.W, g.PW, twp + vw + 1, ev, od, line);
                    for (int j = 0; j < twp; j += vw)
                    {
                        Vector<float> e0 = Ld(ev + j), e1 = Ld(ev + j + 1), o0 = Ld(od + j), o1 = Ld(od + j + 1);
                        St(h + j, e0 - e1);
                        St(h + twp + j, o0 + e1);
                        St(h + 2 * twp + j, e1 - o0);
                        St(h + 3 * twp + j, o0 - o1);
                    }
                }
                haveRow = first + 3;
                float* h0 = hbuf + (nint)(first & 3) * 4 * twp, h1 = hbuf + (nint)((first + 1) & 3) * 4 * twp;
                float* h2 = hbuf + (nint)((first + 2) & 3) * 4 * twp, h3 = hbuf + (nint)((first + 3) & 3) * 4 * twp;
                int rowCol = (gr - c.R0) * tw;
                // this row's columns j ∈ [jLo, jHi) are stored; past tw (up to twp) they are the next row's columns,
                // overwritten by it, or the slack after the band
                int jLo = Math.Max(0, colLo - rowCol), jHi = Math.Min(twp, colHi - rowCol);
                float* v = vbase + (nint)ic * ldv + rowCol;
                for (int k = 0; k < 4; k++)
                {
                    float* vk = v + k * es;
                    nint o = (nint)k * twp;
                    for (int j = jLo / vw * vw; j < jHi; j += vw)
                    {
                        Vector<float> a = Ld(h0 + o + j), b = Ld(h1 + o + j), cc = Ld(h2 + o + j), d = Ld(h3 + o + j);
                        if (j >= jLo && j + vw <= jHi)
                        {
                            St(vk + j, a - cc);
                            St(vk + 4 * es + j, b + cc);
                            St(vk + 8 * es + j, cc - b);
                            St(vk + 12 * es + j, b - d);
                            continue;
                        }
                        St(edge, a - cc);
                        St(edge + vw, b + cc);
                        St(edge + 2 * vw, cc - b);
                        St(edge + 3 * vw, b - d);
                        for (int l = Math.Max(0, jLo - j); l < Math.Min(vw, jHi - j); l++)
                        {
                            vk[j + l] = edge[l];
                            vk[4 * es + j + l] = edge[vw + l];
                            vk[8 * es + j + l] = edge[2 * vw + l];
                            vk[12 * es + j + l] = edge[3 * vw + l];
                        }
                    }
                }
            }
        }
    }

    /// <summary>
    /// For global tile row <paramref name="gr"/> (<paramref name="th"/> tile rows per sample) and input channel
    /// <paramref name="ic"/>: the input plane, offset so that padded column i is <c>plane[i]</c> (input column i − PW),
    /// and in <paramref name="ih"/> the input row of the tile row's first padded row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float* PaddedPlane(float* x, in ConvGeom g, int gr, int th, int ic, out int ih)
    {
        int n = gr / th, tr = gr - n * th;
        ih = 2 * tr - g.PH;
        return x + ((nint)n * g.Cin + ic) * g.InPlane - g.PW;
    }

    /// <summary>Planes of at most this many tile columns (outputs up to 14 wide) take <c>TransformInputNarrow</c>, wider ones <c>TransformInputGroups</c>.</summary>
    internal const int NarrowTiles = 7;

    /// <summary>Whether the AVX-512 input transforms (<c>TransformInputNarrow</c>, <c>TransformInputGroups</c>)
    /// run; tests turn them off to compare with the general path, which the AVX2 and Vector128 paths take.</summary>
    internal static bool VectorInput = true;

#if NET9_0_OR_GREATER   // masked loads and stores: .NET 9 and later (the net8.0 build keeps the general path)
    /// <summary>
    /// <see cref="TransformInput"/> for planes of at most <see cref="NarrowTiles"/> tile columns on AVX-512 (14×14
    /// outputs: ResNet's 256-channel stage): a tile row's 2·TW + 2 ≤ 16 padded input columns are one vector (a masked
    /// load puts the padding's zeros in), so per input channel and tile row the four input rows are four loads, the
    /// horizontal transform of two rows at once is four two-source permutes (d_q[j] = row[2j + q]) and four
    /// subtractions or additions, and the vertical one three per element row, stored under a mask of the tile
    /// columns in [colLo, colHi). The general path spends most of its time on per-row set-up at this width
    /// (deinterleaving through a zero-padded copy, a ring of transformed rows, edge stores). The same operations
    /// on the same values in the same order (d0 − d2, d1 + d2, d2 − d1, d1 − d3, then a − c, b + c, c − b, b − d),
    /// so the same bits. <see cref="TransformInputGroups"/> computes these planes too (one group of 15 lanes, half of
    /// them idle); with the two taking turns call by call, 256@14 measured the same on 1 thread (857 µs) and 1–2 %
    /// faster here on 2 (forward 458 against 467 µs, backward-data 450 against 458), which is why this loop is kept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInputNarrow(ref Ctx c, float* vbase, int ldv, nint es, int icLo, int icHi, int colLo, int colHi)
    {
        ConvGeom g = c.G;
        int th = TH(g), tw = TW(g), W = g.W, H = g.H, pw = g.PW;
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        // a padded row: lane i holds input column i − PW, zero outside the row
        Vector512<float> inRow = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(pw))
            & Vector512.LessThan(lane, Vector512.Create(pw + W))).AsSingle();
        // two rows A, B in one vector: lane j < 8 from A's column 2j + q, lane 8 + j from B's (indices 16+ pick B);
        // lane 7 and 15 are never stored
        Vector512<int> pair = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
        Vector512<int> i0 = pair, i1 = pair + Vector512.Create(1), i2 = pair + Vector512.Create(2), i3 = pair + Vector512.Create(3);
        int gr0 = c.R0 + colLo / tw, gr1 = c.R0 + (colHi - 1) / tw + 1;
        for (int ic = icLo; ic < icHi; ic++)
        {
            float* vic = vbase + (nint)ic * ldv;
            for (int gr = gr0; gr < gr1; gr++)
            {
                float* plane = PaddedPlane(c.X, g, gr, th, ic, out int ih);
                Vector512<float> p0 = NarrowRow(plane, ih, W, H, inRow), p1 = NarrowRow(plane, ih + 1, W, H, inRow);
                Vector512<float> p2 = NarrowRow(plane, ih + 2, W, H, inRow), p3 = NarrowRow(plane, ih + 3, W, H, inRow);
                // horizontal: x = [row 0 | row 1], y = [row 2 | row 3], four outputs each
                Vector512<float> d0 = Avx512F.PermuteVar16x32x2(p0, i0, p1), d1 = Avx512F.PermuteVar16x32x2(p0, i1, p1);
                Vector512<float> d2 = Avx512F.PermuteVar16x32x2(p0, i2, p1), d3 = Avx512F.PermuteVar16x32x2(p0, i3, p1);
                Vector512<float> x0 = d0 - d2, x1 = d1 + d2, x2 = d2 - d1, x3 = d1 - d3;
                d0 = Avx512F.PermuteVar16x32x2(p2, i0, p3); d1 = Avx512F.PermuteVar16x32x2(p2, i1, p3);
                d2 = Avx512F.PermuteVar16x32x2(p2, i2, p3); d3 = Avx512F.PermuteVar16x32x2(p2, i3, p3);
                Vector512<float> y0 = d0 - d2, y1 = d1 + d2, y2 = d2 - d1, y3 = d1 - d3;
                // this row's tile columns in [colLo, colHi)
                int rowCol = (gr - c.R0) * tw;
                int jLo = Math.Max(0, colLo - rowCol), jHi = Math.Min(tw, colHi - rowCol);
                Vector512<float> keep = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(jLo))
                    & Vector512.LessThan(lane, Vector512.Create(jHi))).AsSingle();
                // the same lanes of the upper half (row 1's, row 3's), for a store 8 floats early
                Vector512<float> keepHi = Avx512F.PermuteVar16x32(keep, Vector512.Create(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7));
                float* v = vic + rowCol;
                NarrowStore(v, es, 0, x0, y0, keep, keepHi);
                NarrowStore(v, es, 1, x1, y1, keep, keepHi);
                NarrowStore(v, es, 2, x2, y2, keep, keepHi);
                NarrowStore(v, es, 3, x3, y3, keep, keepHi);
            }
        }
    }

    /// <summary>
    /// <see cref="TransformInputNarrow"/> for planes of more than <see cref="NarrowTiles"/> tile columns: a row's tile
    /// columns in groups of 15, each group's 32 padded input columns two vectors (masked loads: zeros outside the row),
    /// one tile column per lane (d_q[j] = row[2j + q] from the pair), the four rows' horizontal outputs combined lane by
    /// lane. Each padded row is transformed for both tile rows that read it, where the general path keeps a ring of
    /// transformed rows in memory; still 14 % less time for the whole 64@56 forward (docs/KERNELS.md).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformInputGroups(ref Ctx c, float* vbase, int ldv, nint es, int icLo, int icHi, int colLo, int colHi)
    {
        ConvGeom g = c.G;
        int th = TH(g), tw = TW(g), W = g.W, H = g.H, pw = g.PW;
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<int> even = lane + lane;   // lane 15 (2j + q ≥ 30) is never stored
        Vector512<int> i0 = even, i1 = even + Vector512.Create(1), i2 = even + Vector512.Create(2), i3 = even + Vector512.Create(3);
        int gr0 = c.R0 + colLo / tw, gr1 = c.R0 + (colHi - 1) / tw + 1;
        for (int ic = icLo; ic < icHi; ic++)
        {
            float* vic = vbase + (nint)ic * ldv;
            for (int gr = gr0; gr < gr1; gr++)
            {
                float* plane = PaddedPlane(c.X, g, gr, th, ic, out int ih);
                int rowCol = (gr - c.R0) * tw;
                int jLo = Math.Max(0, colLo - rowCol), jHi = Math.Min(tw, colHi - rowCol);
                for (int j0 = jLo / Group * Group; j0 < jHi; j0 += Group)
                {
                    // padded columns 2·j0 + [0, 32): input columns 2·j0 − PW + lane
                    int cb = 2 * j0 - pw;
                    Vector512<float> inLo = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(-cb))
                        & Vector512.LessThan(lane, Vector512.Create(W - cb))).AsSingle();
                    Vector512<float> inHi = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(-cb - 16))
                        & Vector512.LessThan(lane, Vector512.Create(W - cb - 16))).AsSingle();
                    Vector512<float> keep = (Vector512.GreaterThanOrEqual(lane, Vector512.Create(jLo - j0))
                        & Vector512.LessThan(lane, Vector512.Create(Math.Min(Group, jHi - j0)))).AsSingle();
                    float* p = plane + 2 * j0;
                    Horizontal(p, ih, W, H, inLo, inHi, i0, i1, i2, i3, out var a0, out var a1, out var a2, out var a3);
                    Horizontal(p, ih + 1, W, H, inLo, inHi, i0, i1, i2, i3, out var b0, out var b1, out var b2, out var b3);
                    Horizontal(p, ih + 2, W, H, inLo, inHi, i0, i1, i2, i3, out var c0, out var c1, out var c2, out var c3);
                    Horizontal(p, ih + 3, W, H, inLo, inHi, i0, i1, i2, i3, out var d0, out var d1, out var d2, out var d3);
                    float* v = vic + rowCol + j0;
                    Vertical(v, es, 0, a0, b0, c0, d0, keep);
                    Vertical(v, es, 1, a1, b1, c1, d1, keep);
                    Vertical(v, es, 2, a2, b2, c2, d2, keep);
                    Vertical(v, es, 3, a3, b3, c3, d3, keep);
                }
            }
        }
    }

    /// <summary>Tile columns per group of <see cref="TransformInputGroups"/> (its lane 15 would need a third vector).</summary>
    private const int Group = 15;

    /// <summary>The horizontal transform of padded row <paramref name="ih"/> over up to 15 tile columns: d0 − d2, d1 + d2, d2 − d1, d1 − d3.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Horizontal(float* plane, int ih, int W, int H, Vector512<float> inLo, Vector512<float> inHi,
        Vector512<int> i0, Vector512<int> i1, Vector512<int> i2, Vector512<int> i3,
        out Vector512<float> h0, out Vector512<float> h1, out Vector512<float> h2, out Vector512<float> h3)
    {
        Vector512<float> lo = Vector512<float>.Zero, hi = Vector512<float>.Zero;
        if ((uint)ih < (uint)H)
        {
            float* row = plane + (nint)ih * W;
            lo = Avx512F.MaskLoad(row, inLo, Vector512<float>.Zero);
            hi = Avx512F.MaskLoad(row + 16, inHi, Vector512<float>.Zero);
        }
        Vector512<float> d0 = Avx512F.PermuteVar16x32x2(lo, i0, hi), d1 = Avx512F.PermuteVar16x32x2(lo, i1, hi);
        Vector512<float> d2 = Avx512F.PermuteVar16x32x2(lo, i2, hi), d3 = Avx512F.PermuteVar16x32x2(lo, i3, hi);
        h0 = d0 - d2; h1 = d1 + d2; h2 = d2 - d1; h3 = d1 - d3;
    }

    /// <summary>The vertical transform of horizontal output <paramref name="k"/>: planes k, 4 + k, 8 + k, 12 + k get a − c, b + c, c − b, b − d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Vertical(float* v, nint es, int k, Vector512<float> a, Vector512<float> b, Vector512<float> c,
        Vector512<float> d, Vector512<float> keep)
    {
        float* vk = v + k * es;
        Avx512F.MaskStore(vk, keep, a - c);
        Avx512F.MaskStore(vk + 4 * es, keep, b + c);
        Avx512F.MaskStore(vk + 8 * es, keep, c - b);
        Avx512F.MaskStore(vk + 12 * es, keep, b - d);
    }

    /// <summary>Padded input row <paramref name="ih"/> (<paramref name="plane"/> already moved back by PW): zero outside the plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> NarrowRow(float* plane, int ih, int W, int H, Vector512<float> inRow)
        => (uint)ih < (uint)H ? Avx512F.MaskLoad(plane + (nint)ih * W, inRow, Vector512<float>.Zero) : Vector512<float>.Zero;

    /// <summary>
    /// The vertical transform of horizontal output <paramref name="k"/>: x = [a | b] (rows 0, 1), y = [c | d] (rows 2,
    /// 3); planes k, 4 + k, 8 + k, 12 + k get a − c, b + c, c − b, b − d.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void NarrowStore(float* v, nint es, int k, Vector512<float> x, Vector512<float> y, Vector512<float> keep, Vector512<float> keepHi)
    {
        Vector512<float> s = Avx512F.Shuffle4x128(x, x, 0x4E);   // [b | a]
        Vector512<float> xy = x - y;                               // [a − c | b − d]
        float* vk = v + k * es;
        Avx512F.MaskStore(vk, keep, xy);
        Avx512F.MaskStore(vk + 4 * es, keep, s + y);                // b + c
        Avx512F.MaskStore(vk + 8 * es, keep, y - s);                // c − b
        Avx512F.MaskStore(vk + 12 * es - 8, keepHi, xy);            // b − d, from the upper half
    }

#endif

    /// <summary>Rows up to this width are deinterleaved through a zero-padded copy (<see cref="Deinterleave(float*, int, int, int, float*, float*, float*)"/>).</summary>
    private const int ShortRow = 32;

    /// <summary>
    /// ev[j] = row[2j − pw], od[j] = row[2j + 1 − pw] for j ∈ [0, count), zero outside [0, w). A row of at most
    /// <see cref="ShortRow"/> is first copied into <paramref name="line"/> (2·(count + 7) floats) with its padding
    /// zeroed, so that every j takes the vector loop (up to count rounded up to 8): on rows of 14 or 28 (7 or 14 tiles)
    /// the bounds-checked scalar edges were most of the transform. Wider rows run the vector loop in place, the edges
    /// one element at a time (measured: the copy costs 56-wide rows 3–5 %).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(float* row, int w, int pw, int count, float* ev, float* od, float* line)
    {
        if (w > ShortRow)
        {
            Deinterleave(row, w, pw, count, ev, od);
            return;
        }
        int n = (count + 7) & ~7, len = 2 * n;
        // line[i] = row[i − pw] for i ∈ [0, len), zero outside the row
        int s0 = Math.Clamp(pw, 0, len), s1 = Math.Clamp(pw + w, s0, len);
        if (s0 > 0) Gemm.Zero(line, s0);
        if (s1 > s0) Gemm.Copy(row + (s0 - pw), line + s0, s1 - s0);
        if (len > s1) Gemm.Zero(line + s1, len - s1);
        Deinterleave(line, len, 0, n, ev, od);   // every 16 inputs now lie inside the line: vectors only
    }

    /// <summary>The in-place deinterleave of a wide row: vectors where the 16 inputs lie inside the row, else one element at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(float* row, int w, int pw, int count, float* ev, float* od)
    {
        int j = 0;
        for (; j < count && 2 * j - pw < 0; j++)
        {
            int iw = 2 * j - pw;
            ev[j] = 0f;
            od[j] = (uint)(iw + 1) < (uint)w ? row[iw + 1] : 0f;
        }
        if (Avx2.IsSupported)
        {
            // 16 consecutive inputs → 8 even, 8 odd (in-lane shuffle, then fix the 128-bit lane order)
            for (; j + 8 <= count && 2 * j - pw + 16 <= w; j += 8)
            {
                float* src = row + 2 * j - pw;
                Vector256<float> a = Avx.LoadVector256(src), b = Avx.LoadVector256(src + 8);
                Vector256<float> e = Avx.Shuffle(a, b, 0x88), o = Avx.Shuffle(a, b, 0xDD);
                Avx.Store(ev + j, Avx2.Permute4x64(e.AsDouble(), 0xD8).AsSingle());
                Avx.Store(od + j, Avx2.Permute4x64(o.AsDouble(), 0xD8).AsSingle());
            }
        }
        else if (Sse.IsSupported)
        {
            for (; j + 4 <= count && 2 * j - pw + 8 <= w; j += 4)
            {
                float* src = row + 2 * j - pw;
                Vector128<float> a = Sse.LoadVector128(src), b = Sse.LoadVector128(src + 4);
                Sse.Store(ev + j, Sse.Shuffle(a, b, 0x88));
                Sse.Store(od + j, Sse.Shuffle(a, b, 0xDD));
            }
        }
        for (; j < count; j++)
        {
            int iw = 2 * j - pw;
            ev[j] = (uint)iw < (uint)w ? row[iw] : 0f;
            od[j] = (uint)(iw + 1) < (uint)w ? row[iw + 1] : 0f;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> Ld(float* p) => Unsafe.ReadUnaligned<Vector<float>>(p);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void St(float* p, Vector<float> v) => Unsafe.WriteUnaligned(p, v);

    // ---- weight transform, GEMMs and output transform -------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmPartFn(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int mb = Mb(g);
        int ocBlocks = (g.Cout + mb - 1) / mb;
        int cols = (c.R1 - c.R0) * TW(g);
        int colBlocks = (cols + NB - 1) / NB;
        var (lo, hi) = Range((long)ocBlocks * colBlocks, t, parts);
        // items ob·colBlocks + cb in [lo, hi): whole output-channel blocks, and the partial first and last ones
        while (lo < hi)
        {
            int ob = (int)(lo / colBlocks), cb0 = (int)(lo - (long)ob * colBlocks);
            int cb1 = (int)Math.Min(colBlocks, cb0 + (hi - lo));
            GemmBlocks(ref c, t, c.V, c.Ldv, EsV(g), ob, ob + 1, cb0 * NB, Math.Min(cols, cb1 * NB));
            lo += cb1 - cb0;
        }
    }

    /// <summary>
    /// Output-channel blocks [ob0, ob1) × the band's tile columns [colLo, colHi) (in blocks of ≤ NB from colLo; the
    /// columns past the last multiple of Gran of the band go through <see cref="TailDots"/>): weight transform, the 16
    /// GEMMs from the transformed input <paramref name="vbase"/> (row stride <paramref name="ldv"/>, plane stride
    /// <paramref name="es"/>) and the output transform.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GemmBlocks(ref Ctx c, int t, float* vbase, int ldv, nint es, int ob0, int ob1, int colLo, int colHi,
        float* uall = null)
    {
        ConvGeom g = c.G;
        int mb = Mb(g), cin = g.Cin;
        float* ub = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        int esU = EsU(g), esM = EsM(g);
        float* mbuf = Gemm.Align(ub + (nint)T * esU + 16);
        int* offs = (int*)Gemm.Align(mbuf + (nint)T * esM + 32);
        float* tmp = Gemm.Align((float*)(offs + cin) + 16);
        float* vt = Gemm.Align(tmp + 9 * 16 + 16 * 16 + 4 * 16);   // tail columns, transposed: [e][16][cin]
        for (int k = 0; k < cin; k++) offs[k] = k * ldv;
        int haveTail = -1;
        int gran = Gran;   // narrowest GEMM edge kernel
        int cols = (c.R1 - c.R0) * TW(g), colsMain = cols / gran * gran;
        if (uall == null) uall = c.U;
        for (int ob = ob0; ob < ob1; ob++)
        {
            int oc0 = ob * mb, rows = Math.Min(mb, g.Cout - oc0);
            float* u = ub;
            if (uall != null) u = uall + (nint)ob * T * esU;   // transformed already
            else TransformWeights(g, c.W, c.FlippedW, oc0, rows, ub, mb, tmp);
            for (int c0 = colLo; c0 < colHi; c0 += NB)
            {
                int c1 = Math.Min(colHi, c0 + NB);
                int cm = Math.Max(c0, Math.Min(c1, colsMain));   // [c0, cm) through the GEMM; the < gran tail columns as dot products
                if (cm > c0)
                    for (int e = 0; e < T; e++)
                        Gemm.RunIndirect(rows, cin, u + (nint)e * esU, cin, vbase + e * es, offs, mbuf + (nint)e * esM, NB,
                            null, c0, cm);
                if (cm < c1)
                {
                    if (haveTail != cm)
                    {
                        for (int e = 0; e < T; e++)
                            for (int j = cm; j < c1; j++)
                            {
                                float* src = vbase + e * es + j, dst = vt + ((nint)e * 16 + (j - cm)) * cin;
                                for (int k = 0; k < cin; k++) dst[k] = src[(nint)k * ldv];
                            }
                        haveTail = cm;
                    }
                    TailDots(u, esU, vt, cin, rows, c1 - cm, mbuf + (cm - c0), esM);
                }
                OutputTransform(ref c, oc0, rows, c0, c1, mbuf, mb, tmp);
            }
        }
    }

    /// <summary>m[e][ocl][j] = Σ_ic u[e][ocl][ic]·vt[e][j][ic] for j &lt; tail: the GEMM's last few columns.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TailDots(float* ub, nint esU, float* vt, int cin, int rows, int tail, float* m, nint esM)
    {
        int vw = Vector<float>.Count, cv = cin / vw * vw;
        for (int e = 0; e < T; e++)
            for (int j = 0; j < tail; j++)
            {
                float* v = vt + ((nint)e * 16 + j) * cin;
                int r = 0;
                for (; r + 4 <= rows; r += 4)
                {
                    float* u0 = ub + e * esU + (nint)r * cin;
                    float* u1 = u0 + cin, u2 = u1 + cin, u3 = u2 + cin;
                    Vector<float> a0 = Vector<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
                    for (int k = 0; k < cv; k += vw)
                    {
                        Vector<float> b = Ld(v + k);
                        a0 += Ld(u0 + k) * b;
                        a1 += Ld(u1 + k) * b;
                        a2 += Ld(u2 + k) * b;
                        a3 += Ld(u3 + k) * b;
                    }
                    float s0 = Vector.Sum(a0), s1 = Vector.Sum(a1), s2 = Vector.Sum(a2), s3 = Vector.Sum(a3);
                    for (int k = cv; k < cin; k++)
                    {
                        s0 += u0[k] * v[k]; s1 += u1[k] * v[k]; s2 += u2[k] * v[k]; s3 += u3[k] * v[k];
                    }
                    float* mo = m + e * esM + (nint)r * NB + j;
                    mo[0] = s0; mo[NB] = s1; mo[2 * NB] = s2; mo[3 * NB] = s3;
                }
                for (; r < rows; r++)
                {
                    float* u0 = ub + e * esU + (nint)r * cin;
                    Vector<float> a0 = Vector<float>.Zero;
                    for (int k = 0; k < cv; k += vw) a0 += Ld(u0 + k) * Ld(v + k);
                    float s0 = Vector.Sum(a0);
                    for (int k = cv; k < cin; k++) s0 += u0[k] * v[k];
                    m[e * esM + (nint)r * NB + j] = s0;
                }
            }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Ld8(float* p) => Avx.LoadVector256(p);

    /// <summary>dst[0..16) (=, +=) interleave(a, b) (+ bias when storing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store2(float* dst, Vector256<float> a, Vector256<float> b, bool accumulate, Vector256<float> bias)
    {
        Vector256<float> lo = Avx.UnpackLow(a, b), hi = Avx.UnpackHigh(a, b);
        Vector256<float> r0 = Avx.Permute2x128(lo, hi, 0x20), r1 = Avx.Permute2x128(lo, hi, 0x31);
        if (accumulate)
        {
            Avx.Store(dst, Avx.LoadVector256(dst) + r0);
            Avx.Store(dst + 8, Avx.LoadVector256(dst + 8) + r1);
        }
        else
        {
            Avx.Store(dst, r0 + bias);
            Avx.Store(dst + 8, r1 + bias);
        }
    }

    /// <summary>U[e][ocl][ic] = (G g Gᵀ)[e] for output channels [oc0, oc0 + rows); <paramref name="tmp"/>: 25·16 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void TransformWeights(in ConvGeom g, float* w, bool flipped, int oc0, int rows, float* ub, int mb, float* tmp)
    {
        int cin = g.Cin, vw = Vector<float>.Count;
        float* gk = tmp;            // [9][vw]
        float* ut = tmp + 9 * 16;   // [16][vw]
        nint es = EsU(g);
        var half = new Vector<float>(0.5f);
        // read the weights in memory order: OIHW rows for forward; for flipped weights ([Cin_t][Cout_t][3][3]) the
        // output channels of the block are the contiguous run, so they are the inner loop
        int chunks = (cin + vw - 1) / vw;
        for (int it = 0; it < rows * chunks; it++)
        {
            int ocl, ic0;
            if (flipped) { ic0 = it / rows * vw; ocl = it - ic0 / vw * rows; }
            else { ocl = it / chunks; ic0 = (it - ocl * chunks) * vw; }
            int oc = oc0 + ocl;
            {
                int n = Math.Min(vw, cin - ic0);
                if (Avx.IsSupported && vw == 8 && n == 8)
                {
                    // 8 kernels (lane l = input channel ic0 + l) of 9 floats each: an 8×8 register transpose of
                    // their first 8 floats, the 9th gathered; flipped kernels are the same floats in reverse order
                    nint stride = flipped ? (nint)g.Cout * 9 : 9;
                    float* s = flipped ? w + ((nint)ic0 * g.Cout + oc) * 9 : w + ((nint)oc * cin + ic0) * 9;
                    Transpose8x9(s, stride, gk, flipped);
                }
                else
                for (int l = 0; l < vw; l++)
                {
                    if (l >= n) { for (int k = 0; k < 9; k++) gk[k * vw + l] = 0f; continue; }
                    int ic = ic0 + l;
                    if (!flipped)
                    {
                        float* s = w + ((nint)oc * cin + ic) * 9;
                        for (int k = 0; k < 9; k++) gk[k * vw + l] = s[k];
                    }
                    else
                    {
                        // conv dy → dx: weight (oc, ic) = w[ic][oc] rotated by 180° (w is [Cin_t][Cout_t][3][3])
                        float* s = w + ((nint)ic * g.Cout + oc) * 9;
                        for (int k = 0; k < 9; k++) gk[k * vw + l] = s[8 - k];
                    }
                }
                // t = G g (4×3), then U = t Gᵀ (4×4)
                Vector<float> g00 = Ld(gk), g01 = Ld(gk + vw), g02 = Ld(gk + 2 * vw);
                Vector<float> g10 = Ld(gk + 3 * vw), g11 = Ld(gk + 4 * vw), g12 = Ld(gk + 5 * vw);
                Vector<float> g20 = Ld(gk + 6 * vw), g21 = Ld(gk + 7 * vw), g22 = Ld(gk + 8 * vw);
                float* dst = n == vw ? ub + (nint)ocl * cin + ic0 : ut;
                nint ds = n == vw ? es : vw;
                Row(dst, ds, 0, g00, g01, g02, half);
                Row(dst, ds, 1, half * (g00 + g10 + g20), half * (g01 + g11 + g21), half * (g02 + g12 + g22), half);
                Row(dst, ds, 2, half * (g00 - g10 + g20), half * (g01 - g11 + g21), half * (g02 - g12 + g22), half);
                Row(dst, ds, 3, g20, g21, g22, half);
                if (n < vw)
                    for (int e = 0; e < T; e++)
                        for (int l = 0; l < n; l++) ub[e * es + (nint)ocl * cin + ic0 + l] = ut[e * vw + l];
            }
        }
    }

    /// <summary>gk[k·8 + l] = s[l·stride + k] (or s[l·stride + 8 − k] when reversed), k ∈ [0, 9), l ∈ [0, 8).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Transpose8x9(float* s, nint stride, float* gk, bool reversed)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + stride);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * stride), r3 = Avx.LoadVector256(s + 3 * stride);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * stride), r5 = Avx.LoadVector256(s + 5 * stride);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * stride), r7 = Avx.LoadVector256(s + 7 * stride);
        VectorMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Vector256<float> c8 = Vector256.Create(s[8], s[stride + 8], s[2 * stride + 8], s[3 * stride + 8],
            s[4 * stride + 8], s[5 * stride + 8], s[6 * stride + 8], s[7 * stride + 8]);
        if (!reversed)
        {
            Avx.Store(gk, r0); Avx.Store(gk + 8, r1); Avx.Store(gk + 16, r2); Avx.Store(gk + 24, r3);
            Avx.Store(gk + 32, r4); Avx.Store(gk + 40, r5); Avx.Store(gk + 48, r6); Avx.Store(gk + 56, r7);
            Avx.Store(gk + 64, c8);
        }
        else
        {
            Avx.Store(gk + 64, r0); Avx.Store(gk + 56, r1); Avx.Store(gk + 48, r2); Avx.Store(gk + 40, r3);
            Avx.Store(gk + 32, r4); Avx.Store(gk + 24, r5); Avx.Store(gk + 16, r6); Avx.Store(gk + 8, r7);
            Avx.Store(gk, c8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Row(float* dst, nint es, int i, Vector<float> t0, Vector<float> t1, Vector<float> t2, Vector<float> half)
    {
        float* d = dst + 4 * i * es;
        St(d, t0);
        St(d + es, half * (t0 + t1 + t2));
        St(d + 2 * es, half * (t0 - t1 + t2));
        St(d + 3 * es, t2);
    }

    /// <summary>y tiles of columns [c0, c1) and channels [oc0, oc0 + rows) from M[e][ocl][col − c0] (row stride NB).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void OutputTransform(ref Ctx c, int oc0, int rows, int c0, int c1, float* mbuf, int mb, float* tmp)
    {
        ConvGeom g = c.G;
        int th = TH(g), tw = TW(g), vw = Vector<float>.Count;
        nint es = EsM(g);
        float* q0 = tmp, q1 = tmp + 16, q2 = tmp + 32, q3 = tmp + 48;
        for (int ocl = 0; ocl < rows; ocl++)
        {
            int oc = oc0 + ocl;
            float bias = c.B == null ? 0f : c.B[oc];
            float* m = mbuf + (nint)ocl * NB - c0;   // m[col] for col in [c0, c1)
            int col = c0;
            while (col < c1)
            {
                int br = col / tw, tw0 = col - br * tw;
                int end = Math.Min(c1, (br + 1) * tw);
                int gr = c.R0 + br, n = gr / th, tr = gr - n * th;
                int oh = 2 * tr;
                float* y0 = c.Y + (((nint)n * g.Cout + oc) * g.OH + oh) * g.OW;
                float* y1 = y0 + g.OW;
                bool row1 = oh + 1 < g.OH, fused = false;
#if NET9_0_OR_GREATER
                if (Vector512.IsHardwareAccelerated && VectorOutput)
                {
                    fused = !c.Accumulate && c.Ep.InRegisters;
                    OutputRow512(m, es, col, end, 2 * tw0, g.OW, y0, row1 ? y1 : null, c.Accumulate, bias, fused, c.Ep, oc);
                }
                else
#endif
                for (int j = col; j < end; j += vw)
                {
                    float* mj = m + j;
                    Vector<float> m00 = Ld(mj), m01 = Ld(mj + es), m02 = Ld(mj + 2 * es), m03 = Ld(mj + 3 * es);
                    Vector<float> m10 = Ld(mj + 4 * es), m11 = Ld(mj + 5 * es), m12 = Ld(mj + 6 * es), m13 = Ld(mj + 7 * es);
                    Vector<float> m20 = Ld(mj + 8 * es), m21 = Ld(mj + 9 * es), m22 = Ld(mj + 10 * es), m23 = Ld(mj + 11 * es);
                    Vector<float> m30 = Ld(mj + 12 * es), m31 = Ld(mj + 13 * es), m32 = Ld(mj + 14 * es), m33 = Ld(mj + 15 * es);
                    Vector<float> s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23;
                    Vector<float> s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33;
                    St(q0, s00 + s01 + s02);
                    St(q1, s01 - s02 - s03);
                    St(q2, s10 + s11 + s12);
                    St(q3, s11 - s12 - s13);
                    int len = Math.Min(vw, end - j);
                    int ow = 2 * (tw0 + (j - col));
                    if (Avx.IsSupported && vw == 8 && len == 8 && ow + 16 <= g.OW && row1)
                    {
                        Vector256<float> bv = Vector256.Create(bias);
                        Store2(y0 + ow, Ld8(q0), Ld8(q1), c.Accumulate, bv);
                        Store2(y1 + ow, Ld8(q2), Ld8(q3), c.Accumulate, bv);
                        continue;
                    }
                    if (c.Accumulate)
                    {
                        for (int l = 0; l < len; l++, ow += 2)
                        {
                            y0[ow] += q0[l];
                            if (ow + 1 < g.OW) y0[ow + 1] += q1[l];
                            if (row1)
                            {
                                y1[ow] += q2[l];
                                if (ow + 1 < g.OW) y1[ow + 1] += q3[l];
                            }
                        }
                    }
                    else
                    {
                        for (int l = 0; l < len; l++, ow += 2)
                        {
                            y0[ow] = q0[l] + bias;
                            if (ow + 1 < g.OW) y0[ow + 1] = q1[l] + bias;
                            if (row1)
                            {
                                y1[ow] = q2[l] + bias;
                                if (ow + 1 < g.OW) y1[ow + 1] = q3[l] + bias;
                            }
                        }
                    }
                }
                if (c.Ep.Any && !fused)
                {
                    int a0 = 2 * tw0, a1 = Math.Min(g.OW, 2 * (tw0 + end - col));
                    c.Ep.Apply(oc, y0 + a0, a1 - a0);
                    if (row1) c.Ep.Apply(oc, y1 + a0, a1 - a0);
                }
                col = end;
            }
        }
    }

    /// <summary>Whether the AVX-512 output transform (<c>OutputRow512</c>) runs; tests turn it off to compare with the 8-lane one.</summary>
    internal static bool VectorOutput = true;

#if NET9_0_OR_GREATER
    /// <summary>
    /// The output transform of one tile row's columns [col, end) on AVX-512: 16 tile columns per vector (the 8-lane
    /// path stores 8 at a time and takes a scalar loop for a row's last ones: all of a 7-tile row of 14×14), the two
    /// output columns of each tile interleaved by one two-source permute per 16 outputs, the row's end cut by a store
    /// mask. The same sums in the same order (m0 + m1 + m2 per column, then s0 + s1 + s2), then + bias, or y + the
    /// value when accumulating: the same bits. <paramref name="m"/>[j] is tile column j's first transform element;
    /// <paramref name="y1"/> is null when the tile row's second output row is past the plane. With
    /// <paramref name="epilogue"/> (<see cref="ConvEpilogue.InRegisters"/>), channel <paramref name="oc"/>'s epilogue
    /// <paramref name="ep"/> runs on the vectors before the store, in place of the pass over the stored row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputRow512(float* m, nint es, int col, int end, int ow0, int OW, float* y0, float* y1,
        bool accumulate, float bias, bool epilogue, in ConvEpilogue ep, int oc)
    {
        var tail = epilogue ? new ConvEpilogue.Vectors(ep, oc) : default;
        Vector512<int> lane = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        Vector512<int> lo = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
        Vector512<int> hi = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
        Vector512<float> bv = Vector512.Create(bias);
        for (int j = col; j < end; j += 16)
        {
            float* mj = m + j;
            Vector512<float> m00 = Vector512.Load(mj), m01 = Vector512.Load(mj + es), m02 = Vector512.Load(mj + 2 * es), m03 = Vector512.Load(mj + 3 * es);
            Vector512<float> m10 = Vector512.Load(mj + 4 * es), m11 = Vector512.Load(mj + 5 * es), m12 = Vector512.Load(mj + 6 * es), m13 = Vector512.Load(mj + 7 * es);
            Vector512<float> m20 = Vector512.Load(mj + 8 * es), m21 = Vector512.Load(mj + 9 * es), m22 = Vector512.Load(mj + 10 * es), m23 = Vector512.Load(mj + 11 * es);
            Vector512<float> m30 = Vector512.Load(mj + 12 * es), m31 = Vector512.Load(mj + 13 * es), m32 = Vector512.Load(mj + 14 * es), m33 = Vector512.Load(mj + 15 * es);
            Vector512<float> s00 = m00 + m10 + m20, s01 = m01 + m11 + m21, s02 = m02 + m12 + m22, s03 = m03 + m13 + m23;
            Vector512<float> s10 = m10 - m20 - m30, s11 = m11 - m21 - m31, s12 = m12 - m22 - m32, s13 = m13 - m23 - m33;
            Vector512<float> q0 = s00 + s01 + s02, q1 = s01 - s02 - s03, q2 = s10 + s11 + s12, q3 = s11 - s12 - s13;
            // outputs ow .. ow + 31 of this group, cut at the row's end and at the last tile column's
            int ow = ow0 + 2 * (j - col);
            int n = Math.Min(2 * Math.Min(16, end - j), OW - ow);
            Vector512<float> keepLo = Vector512.LessThan(lane, Vector512.Create(n)).AsSingle();
            Vector512<float> keepHi = Vector512.LessThan(lane, Vector512.Create(n - 16)).AsSingle();
            OutputStore(y0 + ow, Avx512F.PermuteVar16x32x2(q0, lo, q1), Avx512F.PermuteVar16x32x2(q0, hi, q1), keepLo, keepHi, accumulate, bv, epilogue, tail);
            if (y1 != null)
                OutputStore(y1 + ow, Avx512F.PermuteVar16x32x2(q2, lo, q3), Avx512F.PermuteVar16x32x2(q2, hi, q3), keepLo, keepHi, accumulate, bv, epilogue, tail);
        }
    }

    /// <summary>dst[0..32) under the masks: a + bias, or dst + a when accumulating; with <paramref name="epilogue"/>
    /// then the epilogue in registers (<see cref="ConvEpilogue.Vectors"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void OutputStore(float* dst, Vector512<float> a, Vector512<float> b, Vector512<float> keepLo,
        Vector512<float> keepHi, bool accumulate, Vector512<float> bias, bool epilogue, in ConvEpilogue.Vectors tail)
    {
        if (accumulate)
        {
            a = Avx512F.MaskLoad(dst, keepLo, Vector512<float>.Zero) + a;
            b = Avx512F.MaskLoad(dst + 16, keepHi, Vector512<float>.Zero) + b;
        }
        else
        {
            a += bias;
            b += bias;
        }
        if (epilogue)
        {
            a = tail.Apply(a, dst, keepLo);
            b = tail.Apply(b, dst + 16, keepHi);
        }
        Avx512F.MaskStore(dst, keepLo, a);
        Avx512F.MaskStore(dst + 16, keepHi, b);
    }
#endif
}
