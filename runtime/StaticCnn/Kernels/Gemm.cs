using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>A source of the B operand of <see cref="Gemm.Run"/>: packs B[k0..k0+kc, n0..n0+nc) into NR-wide panels.</summary>
internal unsafe interface IGemmB
{
    /// <summary>
    /// Writes ceil(nc / NR) panels, panel q at <c>dst + q·kc·NR</c> laid out [kc][NR]; columns past nc are zero.
    /// </summary>
    void Pack(float* dst, int k0, int kc, int n0, int nc);
}

/// <summary>Where the micro-kernel finds row k of its B tile (NR floats).</summary>
internal unsafe interface IBRows
{
    float* Row(nint k);
}

/// <summary>A packed panel: row k at b + k·NR.</summary>
internal readonly unsafe struct PackedRows : IBRows
{
    private readonly float* _b;
    public PackedRows(float* b) => _b = b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(nint k) => _b + k * Gemm.NR;
}

/// <summary>Rows read in place through an offset table: row k at b + offs[k] (implicit GEMM on a padded image).</summary>
internal readonly unsafe struct IndirectRows : IBRows
{
    private readonly float* _b;
    private readonly int* _offs;
    public IndirectRows(float* b, int* offs) { _b = b; _offs = offs; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public float* Row(nint k) => _b + _offs[k];
}

/// <summary>
/// Single-precision GEMM, the engine of <see cref="Conv2D"/>, <see cref="ConvTranspose2D"/> and <see cref="Dense"/>:
/// C[M×N] (=, +=) A[M×K]·B[K×N] (+ bias per row).
/// </summary>
/// <remarks>
/// <para><b>Micro-kernel.</b> Register-tiled, fully unrolled: AVX-512 8×48 (24 zmm accumulators, 3 B vectors,
/// A broadcast from memory), with 8×32 and 8×16 variants for column edges; AVX2 6×16 (12 ymm accumulators) with a
/// 6×8 edge variant; Vector128 4×8. <c>Vector512.IsHardwareAccelerated</c> / <c>Vector256.IsHardwareAccelerated</c>
/// are JIT-time constants, so each process compiles one path. Partial tiles run the narrowest variant on a
/// tile-sized buffer. A is read in place through MR row pointers (row stride lda): conv weights OIHW are already
/// rows of K = C/G·KH·KW, so A is never packed. B rows come from an <see cref="IBRows"/> struct the JIT inlines:
/// a packed NR-wide panel, or rows read in place through an offset table.</para>
/// <para><b>Convolutions</b> (<see cref="ConvCore"/>). Stride 1: implicit GEMM on a zero-padded copy of one sample
/// (group) — on the "wide" output grid p′ = oh·Wp + ow, row k = (ic, kh, kw) of the im2col matrix is the contiguous
/// run padded[ic·Hp·Wp + kh·D·Wp + kw·D + p′], so B needs no packing at all (<see cref="RunIndirect"/>); the wide block
/// is then compacted into NCHW (the Wp − OW extra columns per row are the price). Other strides: B packed per
/// (KC × NC) block straight from the image (implicit im2col, no column buffer). Backward-data with stride 1 is the
/// forward engine on dy with the flipped, transposed kernel (padding D·(K−1) − P); other strides use Wᵀ·dy into a
/// column block and col2im. Backward-weights with stride 1 runs <see cref="DwTile"/>: a dWᵀ tile (im2col rows ×
/// output channels) over the whole pixel range, A broadcast in place from the padded image, B = dyᵀ packed into
/// panels once per sample, the tile added transposed into dw (docs/KERNELS.md). Other strides compute dWᵀ = col·dyᵀ
/// with A = im2col rows of a 256-pixel chunk and B = dyᵀ packed, accumulating over the batch in scratch, then add
/// into dw. Loop order (BLIS): NC → KC → NR panel
/// → MR tile; KC ≈ 256 (K split evenly; 96…256 measured flat), NC = 16 panels.</para>
/// <para><b>Determinism.</b> Every C element is one FMA chain over k in increasing order from its start value (bias,
/// 0 or old C), with a KC split fixed by the shape, whatever the tile or thread it lands in: results do not depend
/// on the partition, hence are bit-identical for any thread count. Threads (<see cref="GemmWorkers"/>, a persistent
/// pool; threads = 1 never touches it) partition output columns, rows or (sample, group) items only.</para>
/// <para><b>Figures</b> (batch 1, 3×3 pad 1 unless noted, GFLOP/s = 2·MACs/time, best of ≥ 0.6 s, timed by thread
/// CPU time because the 2 cores were shared with ~30 other processes; <c>fwd / bwd-data / bwd-weights</c>).
/// Machine: AMD EPYC Zen 4 (family 25 model 17), 2 cores, 32 KB L1d, 1 MB L2. Measured FMA peak 118 GFLOP/s per
/// core (12 independent ymm FMA chains); Zen 4 executes a zmm FMA as two 256-bit halves, so AVX-512 and AVX2 share
/// this peak. Packed GEMM 64×256×768 in cache: 106 (90 %).
/// AVX-512, 1 thread: 64→64 @56²: 107 / 107 / 96 (90 / 90 / 81 % of peak); 128→128 @28²: 104 / 101 / 97;
/// 256→256 @14²: 98 / 88 / 86; 1×1 64→64 @56²: 94 / 92 / 73; 64→128 stride 2 @56²: 87 / 81 / 67.
/// AVX-512, 2 threads (calling thread's CPU time, i.e. its share of the work): 64@56 211 / 208 / 186;
/// 128@28 203 / 195 / 190; 256@14 210 / 141–192 / 167 — the work splits ≈ 1.95–2.0× (1.6–2.2× for 256@14
/// backward-data, whose weight flip is a separate short dispatch). Wall-clock 2-thread speed-up could not be shown
/// on the shared machine (the worker rarely got the second core: 2 threads measured ≈ 1 thread by wall clock).
/// AVX2 (DOTNET_EnableAVX512=0), 1 thread: 64@56 100 / 100 / 96 (85 / 84 / 81 %); 128@28 99 / 96 / 96;
/// 256@14 92 / 82 / 75; 1×1 85 / 83 / 73; stride 2 81 / 80 / 65.
/// LeNet-5 batch 1 (threads = 1): conv1 6.0 µs, conv2 8.2 µs, the three Dense layers 3.0 µs (with the scalar fused
/// activation of <see cref="Activations"/>).
/// Harness: a throwaway Stopwatch / clock_gettime(CLOCK_THREAD_CPUTIME_ID) loop over Conv2D.Forward,
/// BackwardData, BackwardWeights and Gemm.Run (not committed).</para>
/// </remarks>
internal static unsafe partial class Gemm
{
    /// <summary>Rows of the register tile.</summary>
    public static int MR
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 6 : 4;
    }

    /// <summary>Columns of the register tile (and width of a packed B panel).</summary>
    public static int NR
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 48 : Vector256.IsHardwareAccelerated ? 16 : 8;
    }

    /// <summary>Largest NR of any path.</summary>
    public const int MaxNR = 48;

    /// <summary>Largest MR·NR.</summary>
    public const int MaxTile = 8 * 48;

    /// <summary>Column block: NR panels per packed B block.</summary>
    public const int NCPanels = 16;

    /// <summary>Target K block (KC); measured flat between 96 and 256 on the reference machine.</summary>
    public const int KcTarget = 256;

    /// <summary>The K block for a reduction of length <paramref name="k"/>: ≤ 320 unsplit, otherwise an even split near 256.</summary>
    public static int KcFor(int k)
    {
        if (k <= KcTarget * 5 / 4) return Math.Max(k, 1);
        int blocks = (k + KcTarget - 1) / KcTarget;
        return (k + blocks - 1) / blocks;
    }

    /// <summary>Floats of packed-B scratch one thread needs for a reduction of length <paramref name="k"/>.</summary>
    public static int PackFloats(int k) => KcFor(k) * NCPanels * NR + 16;

    /// <summary>Rounds a pointer up to 64 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float* Align(float* p) => (float*)(((nint)p + 63) & ~(nint)63);

    /// <summary>
    /// C[0..M, n0..n1) (=, +=) A·B. Tile init: <paramref name="accumulate"/> ⇒ old C; else bias[row] when
    /// <paramref name="bias"/> is not null; else 0. <paramref name="bpack"/> holds <see cref="PackFloats"/>(K) floats.
    /// With <paramref name="dots"/> (<paramref name="ndots"/> ≤ <see cref="DotMax"/> gathered B columns of K floats,
    /// <paramref name="ldd"/> apart) also the output columns <paramref name="dout"/>[0..ndots) (stride ldc) as dot
    /// products, in the same pass over A (<see cref="DotBlock"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TB>(ref TB bsrc, int M, int K, float* a, nint lda, float* c, nint ldc, float* bias,
        bool accumulate, int n0, int n1, float* bpack, float* dots = null, int ndots = 0, nint ldd = 0, float* dout = null)
        where TB : struct, IGemmB
    {
        int mr = MR, nr = NR;
        int kcMax = KcFor(K);
        int ncMax = NCPanels * nr;
        bpack = Align(bpack);
        float* tmp = stackalloc float[MaxTile + 16];
        tmp = Align(tmp);
        for (int jc = n0; jc < n1; jc += ncMax)
        {
            int nc = Math.Min(ncMax, n1 - jc);
            for (int pc = 0; pc < K; pc += kcMax)
            {
                int kc = Math.Min(kcMax, K - pc);
                bsrc.Pack(bpack, pc, kc, jc, nc);
                int mode = accumulate || pc > 0 ? 2 : bias != null ? 1 : 0;
                for (int jr = 0; jr < nc; jr += nr)
                {
                    int cols = Math.Min(nr, nc - jr);
                    float* bp = bpack + (nint)(jr / nr) * kc * nr;
                    float* cc = c + jc + jr;
                    bool withDots = ndots > 0 && jc == n0 && jr == 0;
                    for (int ir = 0; ir < M; ir += mr)
                    {
                        int rows = Math.Min(mr, M - ir);
                        Tile(kc, a + ir * lda + pc, lda, rows, cols, new PackedRows(bp), cc + ir * ldc, ldc, mode,
                            bias == null ? null : bias + ir, tmp);
                        if (withDots)
                            DotBlock(rows, kc, a + ir * lda + pc, lda, dots + pc, ldd, ndots, dout + ir * ldc, ldc,
                                pc > 0 || accumulate, bias == null ? null : bias + ir);
                    }
                }
            }
        }
    }

    /// <summary>C[0..M, 0..N) += A·B for a B already packed into panels [kc][NR] (kc ≤ the K block).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunPacked(int M, int kc, float* a, nint lda, float* bpack, float* c, nint ldc, int N)
    {
        int mr = MR, nr = NR;
        float* tmp = stackalloc float[MaxTile + 16];
        tmp = Align(tmp);
        for (int jr = 0; jr < N; jr += nr)
        {
            int cols = Math.Min(nr, N - jr);
            var rowsB = new PackedRows(bpack + (nint)(jr / nr) * kc * nr);
            for (int ir = 0; ir < M; ir += mr)
                Tile(kc, a + ir * lda, lda, Math.Min(mr, M - ir), cols, rowsB, c + ir * ldc + jr, ldc, 2, null, tmp);
        }
    }

    /// <summary>
    /// C[0..M, 0..n1−n0) = A·B (+ bias per row) with B[k, n] = b[offs[k] + n] read in place (no packing); C is a
    /// local block (column 0 = n0). Reads up to NR − 1 columns past n1 (results discarded): the caller keeps slack.
    /// The last 1–<see cref="DotMax"/> columns past a multiple of 16 (AVX-512) are dot products (<see cref="DotTail"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunIndirect(int M, int K, float* a, nint lda, float* b, int* offs, float* c, nint ldc, float* bias,
        int n0, int n1)
    {
        int dots = DotColumns(n1 - n0, K);
        if (dots > 0)
        {
            n1 -= dots;
            if (n1 == n0)
            {
                DotTail(M, K, a, lda, b, offs, c, ldc, bias, n1, dots);
                return;
            }
        }
        int mr = MR, nr = NR;
        int kcMax = KcFor(K);
        float* tmp = stackalloc float[MaxTile + 16];
        tmp = Align(tmp);
        // the dot columns' K block, gathered once per block (a few KB): their dots run right after each tile of the
        // first column block, while its rows of A are in L1
        int ldd = (kcMax + 15) & ~15;
        float* gathered = stackalloc float[dots > 0 ? dots * ldd + 16 : 1];
        gathered = Align(gathered);
        float* dout = c + (n1 - n0);
        for (int pc = 0; pc < K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, K - pc);
            int mode = pc > 0 ? 2 : bias != null ? 1 : 0;
            for (int j = 0; j < dots; j++)
            {
                float* bj = b + n1 + j, col = gathered + j * ldd;
                for (int k = 0; k < kc; k++) col[k] = bj[offs[pc + k]];
            }
            for (int jr = n0; jr < n1; jr += nr)
            {
                int cols = Math.Min(nr, n1 - jr);
                var rowsB = new IndirectRows(b + jr, offs + pc);
                float* cc = c + (jr - n0);
                bool withDots = dots > 0 && jr == n0;
                for (int ir = 0; ir < M; ir += mr)
                {
                    int rows = Math.Min(mr, M - ir);
                    Tile(kc, a + ir * lda + pc, lda, rows, cols, rowsB, cc + ir * ldc, ldc, mode,
                        bias == null ? null : bias + ir, tmp);
                    if (withDots)
                        DotBlock(rows, kc, a + ir * lda + pc, lda, gathered, ldd, dots, dout + ir * ldc, ldc, pc > 0,
                            bias == null ? null : bias + ir);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Tile<TB>(int kc, float* a, nint lda, int rows, int cols, TB b, float* c, nint ldc, int mode,
        float* bias, float* tmp) where TB : struct, IBRows
    {
        int mr = MR, nr = NR;
        if (rows == mr)
        {
            if (cols == nr) { Kernel(kc, a, lda, rows, b, c, ldc, mode, bias); return; }
            if (Vector512.IsHardwareAccelerated)
            {
                if (cols == 16) { Kernel8x16(kc, a, lda, rows, b, c, ldc, mode, bias); return; }
                if (cols == 32) { Kernel8x32(kc, a, lda, rows, b, c, ldc, mode, bias); return; }
            }
            else if (Vector256.IsHardwareAccelerated && cols == 8)
            {
                Kernel6x8(kc, a, lda, rows, b, c, ldc, mode, bias);
                return;
            }
        }
        // partial tile: through a register-tile-sized buffer (rows/columns past the edge are computed, never stored)
        if (mode == 2)
            for (int r = 0; r < rows; r++) Copy(c + r * ldc, tmp + r * nr, cols);
        if (Vector512.IsHardwareAccelerated && cols <= 16) Kernel8x16(kc, a, lda, rows, b, tmp, nr, mode, bias);
        else if (Vector512.IsHardwareAccelerated && cols <= 32) Kernel8x32(kc, a, lda, rows, b, tmp, nr, mode, bias);
        else if (!Vector512.IsHardwareAccelerated && Vector256.IsHardwareAccelerated && cols <= 8) Kernel6x8(kc, a, lda, rows, b, tmp, nr, mode, bias);
        else Kernel(kc, a, lda, rows, b, tmp, nr, mode, bias);
        for (int r = 0; r < rows; r++) Copy(tmp + r * nr, c + r * ldc, cols);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel<TB>(int kc, float* a, nint lda, int rows, TB b, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        if (Vector512.IsHardwareAccelerated) Kernel8x48(kc, a, lda, rows, b, c, ldc, mode, bias);
        else if (Vector256.IsHardwareAccelerated) Kernel6x16(kc, a, lda, rows, b, c, ldc, mode, bias);
        else Kernel4x8(kc, a, lda, rows, b, c, ldc, mode, bias);
    }

    // ---- the last few columns as dot products --------------------------------------------------------------------
    //
    // A GEMM whose column count is 16·q + r (r small) pays for the r columns with a whole 16-wide edge tile: 7×7 layers
    // (49 = 48 + 1 columns per sample) ran 48 columns in 145 µs and 49 in 227 µs (1×1 960→320, 1 thread). As dot
    // products along K (one output per row and column, vectors along K) the r columns cost r·M·K/16 FMAs instead of
    // M·K. Every such column is always computed this way (the split depends only on the column count of the call),
    // so results stay bit-identical for any thread count. Only where the dots save a whole pass over A: the columns
    // before them fill whole NR-wide tiles (49 = 48 + 1, 196 = 4·48 + 4). Otherwise the edge tile takes them in the
    // same pass (22 = 16 + 6 columns: one 32-wide tile), and each group of dot columns would stream A once more: on
    // the 4×4 planes of a CIFAR ResNet at batch 64 (A of 512 × 4608) that cost 14 % of a training step.
    //
    // The dots run inside the GEMM's pass over A (RunIndirect, Run): per K block, right after the tile that read a
    // block of rows, on the same rows while they are in L1 (DotBlock). Run separately after the GEMM they streamed all
    // of A once more: 9.4 MB per 7×7 layer of ResNet-18 at batch 1, 3.3 % of its time. So each dot is its first value
    // (bias, 0 or the old C) plus one Dot per K block (KcFor) in K order, wherever it runs: a call or a part's range
    // holding only dot columns (DotTail, RunDots) uses the same blocks, and the bits do not depend on the split.

    /// <summary>Most trailing columns computed as dot products.</summary>
    internal const int DotMax = 8;

    /// <summary>Longest reduction for the dot-product columns (the im2col GEMM gathers them whole into its scratch).</summary>
    internal const int DotMaxK = 8192;

    /// <summary>How many of <paramref name="cols"/> trailing columns <see cref="RunIndirect"/> computes as dot products.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int DotColumns(int cols, int K)
    {
        if (!Vector512.IsHardwareAccelerated || K > DotMaxK) return 0;
        int r = cols & 15;
        return r <= DotMax && (cols - r) % NR == 0 ? r : 0;
    }

    /// <summary>
    /// C[i, j] = bias[i] + Σ_k A[i, k]·B[k, n + j] for j &lt; <paramref name="count"/>, B[k, n] = b[offs[k] + n], when
    /// a call has only dot-product columns: per K block (<see cref="KcFor"/>) the columns' block gathered, then
    /// <see cref="DotBlock"/> on every row, the order the columns have beside a GEMM pass.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DotTail(int M, int K, float* a, nint lda, float* b, int* offs, float* c, nint ldc, float* bias,
        int n, int count)
    {
        int kcMax = KcFor(K), ldd = (kcMax + 15) & ~15;
        float* gathered = stackalloc float[count * ldd + 16];
        gathered = Align(gathered);
        for (int pc = 0; pc < K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, K - pc);
            for (int j = 0; j < count; j++)
            {
                float* bj = b + n + j, col = gathered + j * ldd;
                for (int k = 0; k < kc; k++) col[k] = bj[offs[pc + k]];
            }
            for (int ir = 0; ir < M; ir += MR)
                DotBlock(Math.Min(MR, M - ir), kc, a + ir * lda + pc, lda, gathered, ldd, count, c + ir * ldc, ldc,
                    pc > 0, bias == null ? null : bias + ir);
        }
    }

    /// <summary>
    /// C[i, j] (=, +=) bias[i] + Σ_k A[i, k]·col_j[k] for <paramref name="ndots"/> columns gathered whole
    /// (<paramref name="cols"/> + j·<paramref name="ldd"/>), in the order they have beside a GEMM pass
    /// (<see cref="DotBlock"/> per K block): for a call whose range holds only such columns.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void RunDots(int M, int K, float* a, nint lda, float* cols, nint ldd, int ndots, float* c,
        nint ldc, float* bias, bool accumulate)
    {
        int kcMax = KcFor(K);
        for (int pc = 0; pc < K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, K - pc);
            for (int ir = 0; ir < M; ir += MR)
                DotBlock(Math.Min(MR, M - ir), kc, a + ir * lda + pc, lda, cols + pc, ldd, ndots, c + ir * ldc, ldc,
                    pc > 0 || accumulate, bias == null ? null : bias + ir);
        }
    }

    /// <summary>
    /// One K block of the dot-product columns for the <paramref name="rows"/> rows of A a tile has just read (so they
    /// are in L1): c[r, j] = (<paramref name="add"/> ? c[r, j] : bias[r] or 0) + A[r, block]·col_j[block], col_j at
    /// <paramref name="cols"/> + j·<paramref name="ldd"/>. Over the K blocks of a call, each output is its first value
    /// plus the blocks' <see cref="Dot"/>s in K order: the blocks depend only on K, so any row or thread split gives the
    /// same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void DotBlock(int rows, int kc, float* a, nint lda, float* cols, nint ldd, int ndots, float* c,
        nint ldc, bool add, float* bias)
    {
        int j = 0;
        // four columns at a time: one pass over each row for all four
        for (; j + 4 <= ndots; j += 4)
            for (int r = 0; r < rows; r++)
            {
                float* cr = c + r * ldc + j;
                Dot4(a + r * lda, cols + j * ldd, (int)ldd, kc, out float d0, out float d1, out float d2, out float d3);
                PutDot(cr, d0, add, bias, r);
                PutDot(cr + 1, d1, add, bias, r);
                PutDot(cr + 2, d2, add, bias, r);
                PutDot(cr + 3, d3, add, bias, r);
            }
        // the rest one column at a time (the rows' sums are independent, so consecutive rows overlap in the core)
        for (; j < ndots; j++)
            for (int r = 0; r < rows; r++) PutDot(c + r * ldc + j, Dot(a + r * lda, cols + j * ldd, kc), add, bias, r);
    }

    /// <summary>*o = (add ? *o : bias[r] or 0) + d.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void PutDot(float* o, float d, bool add, float* bias, int r)
        => *o = (add ? *o : bias == null ? 0f : bias[r]) + d;

    /// <summary>
    /// <see cref="Dot"/> of x with four columns (y, y + ld, y + 2·ld, y + 3·ld) in one pass over x: per column the same
    /// four partial sums, the same order of additions and the same scalar rest, so each result has Dot's bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4(float* x, float* y, int ld, int K, out float d0, out float d1, out float d2, out float d3)
    {
        float* y1 = y + ld, y2 = y1 + ld, y3 = y2 + ld;
        Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        Vector512<float> c0 = a0, c1 = a0, c2 = a0, c3 = a0, e0 = a0, e1 = a0, e2 = a0, e3 = a0;
        int k = 0;
        for (; k + 64 <= K; k += 64)
        {
            Vector512<float> x0 = Vector512.Load(x + k), x1 = Vector512.Load(x + k + 16), x2 = Vector512.Load(x + k + 32), x3 = Vector512.Load(x + k + 48);
            a0 = Fma(x0, Vector512.Load(y + k), a0); a1 = Fma(x1, Vector512.Load(y + k + 16), a1); a2 = Fma(x2, Vector512.Load(y + k + 32), a2); a3 = Fma(x3, Vector512.Load(y + k + 48), a3);
            b0 = Fma(x0, Vector512.Load(y1 + k), b0); b1 = Fma(x1, Vector512.Load(y1 + k + 16), b1); b2 = Fma(x2, Vector512.Load(y1 + k + 32), b2); b3 = Fma(x3, Vector512.Load(y1 + k + 48), b3);
            c0 = Fma(x0, Vector512.Load(y2 + k), c0); c1 = Fma(x1, Vector512.Load(y2 + k + 16), c1); c2 = Fma(x2, Vector512.Load(y2 + k + 32), c2); c3 = Fma(x3, Vector512.Load(y2 + k + 48), c3);
            e0 = Fma(x0, Vector512.Load(y3 + k), e0); e1 = Fma(x1, Vector512.Load(y3 + k + 16), e1); e2 = Fma(x2, Vector512.Load(y3 + k + 32), e2); e3 = Fma(x3, Vector512.Load(y3 + k + 48), e3);
        }
        for (; k + 16 <= K; k += 16)
        {
            Vector512<float> x0 = Vector512.Load(x + k);
            a0 = Fma(x0, Vector512.Load(y + k), a0);
            b0 = Fma(x0, Vector512.Load(y1 + k), b0);
            c0 = Fma(x0, Vector512.Load(y2 + k), c0);
            e0 = Fma(x0, Vector512.Load(y3 + k), e0);
        }
        d0 = Vector512.Sum((a0 + a1) + (a2 + a3));
        d1 = Vector512.Sum((b0 + b1) + (b2 + b3));
        d2 = Vector512.Sum((c0 + c1) + (c2 + c3));
        d3 = Vector512.Sum((e0 + e1) + (e2 + e3));
        for (; k < K; k++)
        {
            d0 = MathF.FusedMultiplyAdd(x[k], y[k], d0);
            d1 = MathF.FusedMultiplyAdd(x[k], y1[k], d1);
            d2 = MathF.FusedMultiplyAdd(x[k], y2[k], d2);
            d3 = MathF.FusedMultiplyAdd(x[k], y3[k], d3);
        }
    }

    /// <summary>
    /// One output column as dot products: c[i·ldc] = bias[i] (or 0) + A[i, ·]·col, or c[i·ldc] += A[i, ·]·col when
    /// <paramref name="accumulate"/>. Each dot: four 16-lane partial sums over K, summed in a fixed order, then the
    /// K mod 16 rest in order (AVX-512 only: see <see cref="DotColumns"/>). The reference the GEMM's dot columns are
    /// tested against, one K block at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void DotColumn(int M, int K, float* a, nint lda, float* col, float* c, nint ldc, float* bias, bool accumulate)
    {
        for (int i = 0; i < M; i++)
        {
            float d = Dot(a + i * lda, col, K);
            float* ci = c + i * ldc;
            *ci = accumulate ? *ci + d : (bias == null ? 0f : bias[i]) + d;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(float* x, float* y, int K)
    {
        Vector512<float> s0 = Vector512<float>.Zero, s1 = s0, s2 = s0, s3 = s0;
        int k = 0;
        for (; k + 64 <= K; k += 64)
        {
            s0 = Fma(Vector512.Load(x + k), Vector512.Load(y + k), s0);
            s1 = Fma(Vector512.Load(x + k + 16), Vector512.Load(y + k + 16), s1);
            s2 = Fma(Vector512.Load(x + k + 32), Vector512.Load(y + k + 32), s2);
            s3 = Fma(Vector512.Load(x + k + 48), Vector512.Load(y + k + 48), s3);
        }
        for (; k + 16 <= K; k += 16) s0 = Fma(Vector512.Load(x + k), Vector512.Load(y + k), s0);
        float s = Vector512.Sum((s0 + s1) + (s2 + s3));
        for (; k < K; k++) s = MathF.FusedMultiplyAdd(x[k], y[k], s);
        return s;
    }

    // ---- FMA helpers: a·b + c, one rounding where the hardware has FMA --------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c)
    {
#if NET9_0_OR_GREATER
        return Vector512.FusedMultiplyAdd(a, b, c);
#else
        return Avx512F.FusedMultiplyAdd(a, b, c);
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c)
    {
#if NET9_0_OR_GREATER
        // Only reached where Vector256 is accelerated (AVX2 implies FMA here); kept guarded like the Vector128 overload.
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported) return Vector256.FusedMultiplyAdd(a, b, c);
        Vector256<double> lo = Vector256.WidenLower(a) * Vector256.WidenLower(b) + Vector256.WidenLower(c);
        Vector256<double> hi = Vector256.WidenUpper(a) * Vector256.WidenUpper(b) + Vector256.WidenUpper(c);
        return Vector256.Narrow(lo, hi);
#else
        return System.Runtime.Intrinsics.X86.Fma.IsSupported ? System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c) : a * b + c;
#endif
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c)
    {
#if NET9_0_OR_GREATER
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported) return Vector128.FusedMultiplyAdd(a, b, c);
        // Without FMA hardware (x64 with DOTNET_EnableAVX2=0, which also disables FMA, or a pre-Haswell CPU)
        // Vector128.FusedMultiplyAdd is a software fallback: one libm fmaf call per lane, which made the portable path
        // ~250× slower than AVX-512. Emulate it in double instead: a·b is exact in double (24 + 24 bits ≤ 53), so
        // (double)a·b + c rounded to float equals the fused result except in rare double-rounding ties, and the
        // portable path keeps the FMA numerics that the parity tests hold it to (a·b + c in float does not).
        Vector128<double> lo = Vector128.WidenLower(a) * Vector128.WidenLower(b) + Vector128.WidenLower(c);
        Vector128<double> hi = Vector128.WidenUpper(a) * Vector128.WidenUpper(b) + Vector128.WidenUpper(c);
        return Vector128.Narrow(lo, hi);
#else
        if (System.Runtime.Intrinsics.X86.Fma.IsSupported) return System.Runtime.Intrinsics.X86.Fma.MultiplyAdd(a, b, c);
        if (AdvSimd.IsSupported) return AdvSimd.FusedMultiplyAdd(c, a, b);
        return a * b + c;
#endif
    }
}
