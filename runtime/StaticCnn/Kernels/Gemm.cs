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
internal static unsafe class Gemm
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
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TB>(ref TB bsrc, int M, int K, float* a, nint lda, float* c, nint ldc, float* bias,
        bool accumulate, int n0, int n1, float* bpack) where TB : struct, IGemmB
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
                    for (int ir = 0; ir < M; ir += mr)
                    {
                        int rows = Math.Min(mr, M - ir);
                        Tile(kc, a + ir * lda + pc, lda, rows, cols, new PackedRows(bp), cc + ir * ldc, ldc, mode,
                            bias == null ? null : bias + ir, tmp);
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
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RunIndirect(int M, int K, float* a, nint lda, float* b, int* offs, float* c, nint ldc, float* bias,
        int n0, int n1)
    {
        int mr = MR, nr = NR;
        int kcMax = KcFor(K);
        float* tmp = stackalloc float[MaxTile + 16];
        tmp = Align(tmp);
        for (int pc = 0; pc < K; pc += kcMax)
        {
            int kc = Math.Min(kcMax, K - pc);
            int mode = pc > 0 ? 2 : bias != null ? 1 : 0;
            for (int jr = n0; jr < n1; jr += nr)
            {
                int cols = Math.Min(nr, n1 - jr);
                var rowsB = new IndirectRows(b + jr, offs + pc);
                float* cc = c + (jr - n0);
                for (int ir = 0; ir < M; ir += mr)
                {
                    int rows = Math.Min(mr, M - ir);
                    Tile(kc, a + ir * lda + pc, lda, rows, cols, rowsB, cc + ir * ldc, ldc, mode,
                        bias == null ? null : bias + ir, tmp);
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

    // ---- micro-kernels -----------------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x48<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32,
            c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p); c01 = Vector512.Load(p + 16); c02 = Vector512.Load(p + 32); p += ldc;
            c10 = Vector512.Load(p); c11 = Vector512.Load(p + 16); c12 = Vector512.Load(p + 32); p += ldc;
            c20 = Vector512.Load(p); c21 = Vector512.Load(p + 16); c22 = Vector512.Load(p + 32); p += ldc;
            c30 = Vector512.Load(p); c31 = Vector512.Load(p + 16); c32 = Vector512.Load(p + 32); p += ldc;
            c40 = Vector512.Load(p); c41 = Vector512.Load(p + 16); c42 = Vector512.Load(p + 32); p += ldc;
            c50 = Vector512.Load(p); c51 = Vector512.Load(p + 16); c52 = Vector512.Load(p + 32); p += ldc;
            c60 = Vector512.Load(p); c61 = Vector512.Load(p + 16); c62 = Vector512.Load(p + 32); p += ldc;
            c70 = Vector512.Load(p); c71 = Vector512.Load(p + 16); c72 = Vector512.Load(p + 32);
        }
        else if (mode == 1)
        {
            c00 = c01 = c02 = Vector512.Create(bias[0]);
            c10 = c11 = c12 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = c22 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = c32 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = c42 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = c52 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = c61 = c62 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = c71 = c72 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = Vector512<float>.Zero;
            c40 = c41 = c42 = c50 = c51 = c52 = c60 = c61 = c62 = c70 = c71 = c72 = Vector512<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), b2 = Vector512.Load(b + 32);
            Vector512<float> av = Vector512.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); c02 = Fma(av, b2, c02);
            av = Vector512.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); c12 = Fma(av, b2, c12);
            av = Vector512.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); c22 = Fma(av, b2, c22);
            av = Vector512.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); c32 = Fma(av, b2, c32);
            av = Vector512.Create(a4[k]);
            c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); c42 = Fma(av, b2, c42);
            av = Vector512.Create(a5[k]);
            c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); c52 = Fma(av, b2, c52);
            av = Vector512.Create(a6[k]);
            c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); c62 = Fma(av, b2, c62);
            av = Vector512.Create(a7[k]);
            c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); c72 = Fma(av, b2, c72);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 16); c02.Store(p + 32); p += ldc;
            c10.Store(p); c11.Store(p + 16); c12.Store(p + 32); p += ldc;
            c20.Store(p); c21.Store(p + 16); c22.Store(p + 32); p += ldc;
            c30.Store(p); c31.Store(p + 16); c32.Store(p + 32); p += ldc;
            c40.Store(p); c41.Store(p + 16); c42.Store(p + 32); p += ldc;
            c50.Store(p); c51.Store(p + 16); c52.Store(p + 32); p += ldc;
            c60.Store(p); c61.Store(p + 16); c62.Store(p + 32); p += ldc;
            c70.Store(p); c71.Store(p + 16); c72.Store(p + 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector256.Load(p); c01 = Vector256.Load(p + 8); p += ldc;
            c10 = Vector256.Load(p); c11 = Vector256.Load(p + 8); p += ldc;
            c20 = Vector256.Load(p); c21 = Vector256.Load(p + 8); p += ldc;
            c30 = Vector256.Load(p); c31 = Vector256.Load(p + 8); p += ldc;
            c40 = Vector256.Load(p); c41 = Vector256.Load(p + 8); p += ldc;
            c50 = Vector256.Load(p); c51 = Vector256.Load(p + 8);
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector256.Create(bias[0]);
            c10 = c11 = Vector256.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector256.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector256.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = Vector256.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = Vector256.Create(bias[Math.Min(5, rm)]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> av = Vector256.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector256.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector256.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector256.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
            av = Vector256.Create(a4[k]);
            c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41);
            av = Vector256.Create(a5[k]);
            c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 8); p += ldc;
            c10.Store(p); c11.Store(p + 8); p += ldc;
            c20.Store(p); c21.Store(p + 8); p += ldc;
            c30.Store(p); c31.Store(p + 8); p += ldc;
            c40.Store(p); c41.Store(p + 8); p += ldc;
            c50.Store(p); c51.Store(p + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x8<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector128.Load(p); c01 = Vector128.Load(p + 4); p += ldc;
            c10 = Vector128.Load(p); c11 = Vector128.Load(p + 4); p += ldc;
            c20 = Vector128.Load(p); c21 = Vector128.Load(p + 4); p += ldc;
            c30 = Vector128.Load(p); c31 = Vector128.Load(p + 4);
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector128.Create(bias[0]);
            c10 = c11 = Vector128.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector128.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector128.Create(bias[Math.Min(3, rm)]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector128.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector128.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector128.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 4); p += ldc;
            c10.Store(p); c11.Store(p + 4); p += ldc;
            c20.Store(p); c21.Store(p + 4); p += ldc;
            c30.Store(p); c31.Store(p + 4);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c10, c20, c30, c40, c50, c60, c70;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p + 0); p += ldc;
            c10 = Vector512.Load(p + 0); p += ldc;
            c20 = Vector512.Load(p + 0); p += ldc;
            c30 = Vector512.Load(p + 0); p += ldc;
            c40 = Vector512.Load(p + 0); p += ldc;
            c50 = Vector512.Load(p + 0); p += ldc;
            c60 = Vector512.Load(p + 0); p += ldc;
            c70 = Vector512.Load(p + 0); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = Vector512.Create(bias[0]);
            c10 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = Vector512<float>.Zero;
            c10 = Vector512<float>.Zero;
            c20 = Vector512<float>.Zero;
            c30 = Vector512<float>.Zero;
            c40 = Vector512<float>.Zero;
            c50 = Vector512<float>.Zero;
            c60 = Vector512<float>.Zero;
            c70 = Vector512<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector512<float> b0 = Vector512.Load(b + 0);
            { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); }
            { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); }
            { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); }
            { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); }
            { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); }
            { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); }
            { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); }
            { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); }
        }
        {
            float* p = c;
            c00.Store(p + 0); p += ldc;
            c10.Store(p + 0); p += ldc;
            c20.Store(p + 0); p += ldc;
            c30.Store(p + 0); p += ldc;
            c40.Store(p + 0); p += ldc;
            c50.Store(p + 0); p += ldc;
            c60.Store(p + 0); p += ldc;
            c70.Store(p + 0); p += ldc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p + 0); c01 = Vector512.Load(p + 16); p += ldc;
            c10 = Vector512.Load(p + 0); c11 = Vector512.Load(p + 16); p += ldc;
            c20 = Vector512.Load(p + 0); c21 = Vector512.Load(p + 16); p += ldc;
            c30 = Vector512.Load(p + 0); c31 = Vector512.Load(p + 16); p += ldc;
            c40 = Vector512.Load(p + 0); c41 = Vector512.Load(p + 16); p += ldc;
            c50 = Vector512.Load(p + 0); c51 = Vector512.Load(p + 16); p += ldc;
            c60 = Vector512.Load(p + 0); c61 = Vector512.Load(p + 16); p += ldc;
            c70 = Vector512.Load(p + 0); c71 = Vector512.Load(p + 16); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = c61 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = c71 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = c01 = Vector512<float>.Zero;
            c10 = c11 = Vector512<float>.Zero;
            c20 = c21 = Vector512<float>.Zero;
            c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = Vector512<float>.Zero;
            c50 = c51 = Vector512<float>.Zero;
            c60 = c61 = Vector512<float>.Zero;
            c70 = c71 = Vector512<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector512<float> b0 = Vector512.Load(b + 0), b1 = Vector512.Load(b + 16);
            { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
            { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
            { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
            { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
            { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
            { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
            { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); }
            { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); }
        }
        {
            float* p = c;
            c00.Store(p + 0); c01.Store(p + 16); p += ldc;
            c10.Store(p + 0); c11.Store(p + 16); p += ldc;
            c20.Store(p + 0); c21.Store(p + 16); p += ldc;
            c30.Store(p + 0); c31.Store(p + 16); p += ldc;
            c40.Store(p + 0); c41.Store(p + 16); p += ldc;
            c50.Store(p + 0); c51.Store(p + 16); p += ldc;
            c60.Store(p + 0); c61.Store(p + 16); p += ldc;
            c70.Store(p + 0); c71.Store(p + 16); p += ldc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        Vector256<float> c00, c10, c20, c30, c40, c50;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector256.Load(p + 0); p += ldc;
            c10 = Vector256.Load(p + 0); p += ldc;
            c20 = Vector256.Load(p + 0); p += ldc;
            c30 = Vector256.Load(p + 0); p += ldc;
            c40 = Vector256.Load(p + 0); p += ldc;
            c50 = Vector256.Load(p + 0); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = Vector256.Create(bias[0]);
            c10 = Vector256.Create(bias[Math.Min(1, rm)]);
            c20 = Vector256.Create(bias[Math.Min(2, rm)]);
            c30 = Vector256.Create(bias[Math.Min(3, rm)]);
            c40 = Vector256.Create(bias[Math.Min(4, rm)]);
            c50 = Vector256.Create(bias[Math.Min(5, rm)]);
        }
        else
        {
            c00 = Vector256<float>.Zero;
            c10 = Vector256<float>.Zero;
            c20 = Vector256<float>.Zero;
            c30 = Vector256<float>.Zero;
            c40 = Vector256<float>.Zero;
            c50 = Vector256<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector256<float> b0 = Vector256.Load(b + 0);
            { Vector256<float> av = Vector256.Create(a0[k]); c00 = Fma(av, b0, c00); }
            { Vector256<float> av = Vector256.Create(a1[k]); c10 = Fma(av, b0, c10); }
            { Vector256<float> av = Vector256.Create(a2[k]); c20 = Fma(av, b0, c20); }
            { Vector256<float> av = Vector256.Create(a3[k]); c30 = Fma(av, b0, c30); }
            { Vector256<float> av = Vector256.Create(a4[k]); c40 = Fma(av, b0, c40); }
            { Vector256<float> av = Vector256.Create(a5[k]); c50 = Fma(av, b0, c50); }
        }
        {
            float* p = c;
            c00.Store(p + 0); p += ldc;
            c10.Store(p + 0); p += ldc;
            c20.Store(p + 0); p += ldc;
            c30.Store(p + 0); p += ldc;
            c40.Store(p + 0); p += ldc;
            c50.Store(p + 0); p += ldc;
        }
    }

    // ---- backward-weights micro-kernels: a tile of dWᵀ over a pixel range, A read in place from a padded image ----

    /// <summary>Rows (im2col rows k = (ic, kh, kw)) of a backward-weights tile.</summary>
    public static int DwRows
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 8 : Vector256.IsHardwareAccelerated ? 6 : 4;
    }

    /// <summary>Columns (output channels) of a backward-weights tile, and the width of a packed dyᵀ panel.</summary>
    public static int DwCols
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Vector512.IsHardwareAccelerated ? 32 : Vector256.IsHardwareAccelerated ? 16 : 8;
    }

    /// <summary>Largest DwRows·DwCols of any path.</summary>
    public const int MaxDwTile = 8 * 32;

    /// <summary>
    /// dst[r·DwCols + c] = src[r·DwCols + c] (or 0 when <paramref name="src"/> is null) + Σ over oh &lt;
    /// <paramref name="nrows"/>, ow &lt; <paramref name="ow"/> of x[offs[r] + oh·wp + ow] · b[(oh·ow + ow)·DwCols + c],
    /// for r &lt; DwRows (rows ≥ <paramref name="rows"/> repeat the last valid row): one FMA chain per element over the
    /// pixels in order. <paramref name="src"/> may equal <paramref name="dst"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void DwTile(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        if (Vector512.IsHardwareAccelerated) DwTile8x32(x, offs, rows, b, nrows, ow, wp, src, dst);
        else if (Vector256.IsHardwareAccelerated) DwTile6x16(x, offs, rows, b, nrows, ow, wp, src, dst);
        else DwTile4x8(x, offs, rows, b, nrows, ow, wp, src, dst);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile8x32(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        float* a4 = x + offs[Math.Min(4, rm)];
        float* a5 = x + offs[Math.Min(5, rm)];
        float* a6 = x + offs[Math.Min(6, rm)];
        float* a7 = x + offs[Math.Min(7, rm)];
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (src != null)
        {
            float* q = src;
            c00 = Vector512.Load(q); c01 = Vector512.Load(q + 16); q += 32;
            c10 = Vector512.Load(q); c11 = Vector512.Load(q + 16); q += 32;
            c20 = Vector512.Load(q); c21 = Vector512.Load(q + 16); q += 32;
            c30 = Vector512.Load(q); c31 = Vector512.Load(q + 16); q += 32;
            c40 = Vector512.Load(q); c41 = Vector512.Load(q + 16); q += 32;
            c50 = Vector512.Load(q); c51 = Vector512.Load(q + 16); q += 32;
            c60 = Vector512.Load(q); c61 = Vector512.Load(q + 16); q += 32;
            c70 = Vector512.Load(q); c71 = Vector512.Load(q + 16);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = c50 = c51 = c60 = c61 = c70 = c71 = Vector512<float>.Zero;
        }
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 32)
            {
                Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16);
                { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
                { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
                { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
                { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); }
                { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp; a4 += wp; a5 += wp; a6 += wp; a7 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 16); p += 32;
        c10.Store(p); c11.Store(p + 16); p += 32;
        c20.Store(p); c21.Store(p + 16); p += 32;
        c30.Store(p); c31.Store(p + 16); p += 32;
        c40.Store(p); c41.Store(p + 16); p += 32;
        c50.Store(p); c51.Store(p + 16); p += 32;
        c60.Store(p); c61.Store(p + 16); p += 32;
        c70.Store(p); c71.Store(p + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile6x16(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        float* a4 = x + offs[Math.Min(4, rm)];
        float* a5 = x + offs[Math.Min(5, rm)];
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (src != null)
        {
            float* q = src;
            c00 = Vector256.Load(q); c01 = Vector256.Load(q + 8); q += 16;
            c10 = Vector256.Load(q); c11 = Vector256.Load(q + 8); q += 16;
            c20 = Vector256.Load(q); c21 = Vector256.Load(q + 8); q += 16;
            c30 = Vector256.Load(q); c31 = Vector256.Load(q + 8); q += 16;
            c40 = Vector256.Load(q); c41 = Vector256.Load(q + 8); q += 16;
            c50 = Vector256.Load(q); c51 = Vector256.Load(q + 8);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 16)
            {
                Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
                { Vector256<float> av = Vector256.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector256<float> av = Vector256.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector256<float> av = Vector256.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector256<float> av = Vector256.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
                { Vector256<float> av = Vector256.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
                { Vector256<float> av = Vector256.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp; a4 += wp; a5 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 8); p += 16;
        c10.Store(p); c11.Store(p + 8); p += 16;
        c20.Store(p); c21.Store(p + 8); p += 16;
        c30.Store(p); c31.Store(p + 8); p += 16;
        c40.Store(p); c41.Store(p + 8); p += 16;
        c50.Store(p); c51.Store(p + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTile4x8(float* x, int* offs, int rows, float* b, int nrows, int ow, nint wp, float* src, float* dst)
    {
        int rm = rows - 1;
        float* a0 = x + offs[0];
        float* a1 = x + offs[Math.Min(1, rm)];
        float* a2 = x + offs[Math.Min(2, rm)];
        float* a3 = x + offs[Math.Min(3, rm)];
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (src != null)
        {
            float* q = src;
            c00 = Vector128.Load(q); c01 = Vector128.Load(q + 4); q += 8;
            c10 = Vector128.Load(q); c11 = Vector128.Load(q + 4); q += 8;
            c20 = Vector128.Load(q); c21 = Vector128.Load(q + 4); q += 8;
            c30 = Vector128.Load(q); c31 = Vector128.Load(q + 4);
        }
        else c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<float>.Zero;
        for (int h = 0; h < nrows; h++)
        {
            for (nint k = 0; k < ow; k++, b += 8)
            {
                Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
                { Vector128<float> av = Vector128.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
                { Vector128<float> av = Vector128.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
                { Vector128<float> av = Vector128.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
                { Vector128<float> av = Vector128.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
            }
            a0 += wp; a1 += wp; a2 += wp; a3 += wp;
        }
        float* p = dst;
        c00.Store(p); c01.Store(p + 4); p += 8;
        c10.Store(p); c11.Store(p + 4); p += 8;
        c20.Store(p); c21.Store(p + 4); p += 8;
        c30.Store(p); c31.Store(p + 4);
    }

    /// <summary>
    /// d[c·ldd + r] (=, +=) s[r·lds + c] for r &lt; <paramref name="rows"/>, c &lt; <paramref name="cols"/>: a transpose
    /// in 8×8 (AVX) and 4×4 (SSE) register blocks, scalar at the edges. Each element is one add (or copy).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transpose(float* s, nint lds, int rows, int cols, float* d, nint ldd, bool add)
    {
        int r0 = 0;
        if (Avx.IsSupported)
            for (; r0 + 8 <= rows; r0 += 8)
            {
                int c0 = 0;
                for (; c0 + 8 <= cols; c0 += 8) Transpose8x8(s + r0 * lds + c0, lds, d + c0 * ldd + r0, ldd, add);
                TransposeScalar(s + r0 * lds + c0, lds, 8, cols - c0, d + c0 * ldd + r0, ldd, add);
            }
        if (Sse.IsSupported)
            for (; r0 + 4 <= rows; r0 += 4)
            {
                int c0 = 0;
                for (; c0 + 4 <= cols; c0 += 4) Transpose4x4(s + r0 * lds + c0, lds, d + c0 * ldd + r0, ldd, add);
                TransposeScalar(s + r0 * lds + c0, lds, 4, cols - c0, d + c0 * ldd + r0, ldd, add);
            }
        TransposeScalar(s + r0 * lds, lds, rows - r0, cols, d + r0, ldd, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeScalar(float* s, nint lds, int rows, int cols, float* d, nint ldd, bool add)
    {
        for (int c = 0; c < cols; c++)
        {
            float* dc = d + c * ldd;
            if (add) for (int r = 0; r < rows; r++) dc[r] += s[r * lds + c];
            else for (int r = 0; r < rows; r++) dc[r] = s[r * lds + c];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* s, nint lds, float* d, nint ldd, bool add)
    {
        Vector256<float> r0 = Avx.LoadVector256(s), r1 = Avx.LoadVector256(s + lds);
        Vector256<float> r2 = Avx.LoadVector256(s + 2 * lds), r3 = Avx.LoadVector256(s + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(s + 4 * lds), r5 = Avx.LoadVector256(s + 5 * lds);
        Vector256<float> r6 = Avx.LoadVector256(s + 6 * lds), r7 = Avx.LoadVector256(s + 7 * lds);
        VectorMath.Transpose8x8(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
        Store8(d, r0, add); Store8(d + ldd, r1, add); Store8(d + 2 * ldd, r2, add); Store8(d + 3 * ldd, r3, add);
        Store8(d + 4 * ldd, r4, add); Store8(d + 5 * ldd, r5, add); Store8(d + 6 * ldd, r6, add); Store8(d + 7 * ldd, r7, add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store8(float* d, Vector256<float> v, bool add)
    {
        if (add) v = Avx.Add(Avx.LoadVector256(d), v);
        Avx.Store(d, v);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x4(float* s, nint lds, float* d, nint ldd, bool add)
    {
        Vector128<float> r0 = Sse.LoadVector128(s), r1 = Sse.LoadVector128(s + lds);
        Vector128<float> r2 = Sse.LoadVector128(s + 2 * lds), r3 = Sse.LoadVector128(s + 3 * lds);
        Vector128<float> t0 = Sse.UnpackLow(r0, r1), t1 = Sse.UnpackLow(r2, r3);
        Vector128<float> t2 = Sse.UnpackHigh(r0, r1), t3 = Sse.UnpackHigh(r2, r3);
        Store4(d, Sse.MoveLowToHigh(t0, t1), add);
        Store4(d + ldd, Sse.MoveHighToLow(t1, t0), add);
        Store4(d + 2 * ldd, Sse.MoveLowToHigh(t2, t3), add);
        Store4(d + 3 * ldd, Sse.MoveHighToLow(t3, t2), add);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store4(float* d, Vector128<float> v, bool add)
    {
        if (add) v = Sse.Add(Sse.LoadVector128(d), v);
        Sse.Store(d, v);
    }

    // ---- small vector helpers used by the packers -------------------------------------------------------------

    /// <summary>dst[0..n) = src[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Copy(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512.Load(src + i).Store(dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) Vector256.Load(src + i).Store(dst + i);
        for (; i + 4 <= n; i += 4) Vector128.Load(src + i).Store(dst + i);
        for (; i < n; i++) dst[i] = src[i];
    }

    /// <summary>dst[0..n) = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Zero(float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) Vector512<float>.Zero.Store(dst + i);
        for (; i + 4 <= n; i += 4) Vector128<float>.Zero.Store(dst + i);
        for (; i < n; i++) dst[i] = 0f;
    }

    /// <summary>dst[0..n) += src[0..n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Add(float* src, float* dst, int n)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) (Vector512.Load(dst + i) + Vector512.Load(src + i)).Store(dst + i);
        if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) (Vector256.Load(dst + i) + Vector256.Load(src + i)).Store(dst + i);
        for (; i + 4 <= n; i += 4) (Vector128.Load(dst + i) + Vector128.Load(src + i)).Store(dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }

    /// <summary>Σ src[0..n) in a fixed order (lane-wise partial sums, then lanes in order, then the tail).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static float Sum(float* src, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.Load(src + i);
            for (int l = 0; l < 8; l++) s += acc.GetElement(l);
        }
        for (; i < n; i++) s += src[i];
        return s;
    }
}

/// <summary>B = a row-major matrix: B[k, n] = src[k·ld + n].</summary>
internal readonly unsafe struct MatrixB : IGemmB
{
    private readonly float* _src;
    private readonly nint _ld;
    public MatrixB(float* src, nint ld) { _src = src; _ld = ld; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(float* dst, int k0, int kc, int n0, int nc)
    {
        int nr = Gemm.NR;
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - q * nr);
            float* d = dst + (nint)q * kc * nr;
            float* s = _src + (nint)k0 * _ld + n0 + q * nr;
            for (int k = 0; k < kc; k++, d += nr, s += _ld)
            {
                Gemm.Copy(s, d, cols);
                if (cols < nr) Gemm.Zero(d + cols, nr - cols);
            }
        }
    }
}

/// <summary>B = the transpose of a row-major matrix: B[k, n] = src[n·ld + k].</summary>
internal readonly unsafe struct TransposedB : IGemmB
{
    private readonly float* _src;
    private readonly nint _ld;
    public TransposedB(float* src, nint ld) { _src = src; _ld = ld; }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(float* dst, int k0, int kc, int n0, int nc)
    {
        int nr = Gemm.NR;
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - q * nr);
            float* d = dst + (nint)q * kc * nr;
            if (cols < nr) Gemm.Zero(d, kc * nr);
            for (int j = 0; j < cols; j++)
            {
                float* s = _src + (nint)(n0 + q * nr + j) * _ld + k0;
                float* dj = d + j;
                for (int k = 0; k < kc; k++) dj[(nint)k * nr] = s[k];
            }
        }
    }
}
