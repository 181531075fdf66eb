using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>
/// 1×1 convolution with stride 1 and no padding, forward, as a GEMM on the tensors in place: for one sample (and
/// group) the input x is already the B matrix (K = Cin/G rows of N = H·W columns, row stride N) and the output y is
/// C (M = Cout/G rows, row stride N), so nothing is copied or packed but the last partial column tile.
/// PyTorch: <c>nn.Conv2d(Cin, Cout, 1)</c> (MobileNetV2's expansions and projections, ResNet-50's bottleneck ends).
/// </summary>
/// <remarks>
/// <para><b>Engine.</b> The full NR-wide column tiles run <see cref="Gemm.RunIndirect"/> with B row k at
/// x + k·N (the offset table holds k·N) and C written straight into y with ldc = N; a full tile reads exactly its
/// NR columns. The edge micro-kernels of a partial tile read whole vectors past its last column, which at the last
/// channel row would run past the end of x, so the last partial tile (N mod NR columns) runs on a copy of its
/// columns (K rows of 16, 32 or 48 floats: what the edge kernel reads), made once per part and sample, through a
/// second offset table (the only scratch). Both runs use the same K blocks (<see cref="Gemm.KcFor"/>) and the same
/// micro-kernel FMA chains, so every output is the bias (or 0), then one FMA per input channel in increasing order.</para>
/// <para><b>Blocking.</b> A part works through its column tiles in chunks whose output block (M rows × chunk) is
/// about <see cref="ChunkBytes"/>, so the bias-and-activation epilogue runs on values still in L2 (and, for K split
/// into several blocks, the partial sums are reloaded from L2); within a chunk the output channels run in sub-blocks
/// whose K block of weights (<see cref="ASliceFloats"/>) stays in L2 while the column tiles pass over it (without the
/// sub-blocks, 2048→512 at 7² took 774 instead of 703 µs and 1024→256 at 14² 581 instead of 539 µs on 1 thread;
/// 24 K-float slices measured the same as 96 K).</para>
/// <para><b>Threads.</b> Items are (sample, group, output-channel block, column tile); each part takes a contiguous
/// range. The output channels are split into one block per part (multiples of MR rows) when the column tiles are
/// few (under 4 per part: 7×7 and 14×14 at batch 1), or when they split unevenly (28×28: 17 tiles) while the channel
/// tiles split evenly with ≥ 48 rows per part; otherwise only the columns are split. An output element's FMA
/// chain does not depend on the item it lands in: results are bit-identical for any thread count.</para>
/// <para>Not accumulating: y += conv(x, w) (the stride-1 backward-data of a 1×1 layer) stays on the padded-image
/// and im2col GEMMs.</para>
/// </remarks>
internal static unsafe class ConvPointwise
{
    /// <summary>Bytes of output one chunk of column tiles writes before its epilogue runs.</summary>
    private const int ChunkBytes = 256 * 1024;

    /// <summary>The geometry this kernel computes: 1×1, stride 1, no padding (any dilation, groups, channel counts).</summary>
    public static bool Fits(in ConvGeom g)
        => g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.OH == g.H && g.OW == g.W;

    /// <summary>Row stride of the tail copy: the tail's columns rounded up to what the edge micro-kernel reads (≤ NR).</summary>
    private static int TailStride(in ConvGeom g) => Math.Min(Gemm.NR, (g.N % Gemm.NR + 15) / 16 * 16);

    /// <summary>Floats of one part's tail copy (K rows of <see cref="TailStride"/>), 0 when N is a multiple of NR.</summary>
    private static long TailFloats(in ConvGeom g) => g.N % Gemm.NR == 0 ? 0 : (long)g.K * TailStride(g) + 16;

    /// <summary>Floats of forward scratch for <paramref name="threads"/> parts: two offset tables, then a tail copy per part.</summary>
    public static long ForwardScratch(in ConvGeom g, int threads)
        => 16 + 2L * g.K + 16 + Math.Max(1, threads) * TailFloats(g);

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, W, B, Y, Tail;
        public int* Offs, TailOffs;
        public int Batch, MBlocks, MSub, ChunkTiles;
        public ConvEpilogue Ep;
    }

    /// <summary>y = epilogue(conv(x, w) + b) for a geometry that <see cref="Fits"/>; <paramref name="b"/> may be null.</summary>
    public static void Forward(in ConvGeom g, float* x, float* w, float* b, float* y, int batch, in ConvEpilogue ep,
        float* scratch, int threads)
    {
        int N = g.N, K = g.K, M = g.M, nr = Gemm.NR, mr = Gemm.MR;
        int* offs = (int*)Gemm.Align(scratch);
        int* tailOffs = (int*)Gemm.Align((float*)offs + K);
        int ts = TailStride(g);
        for (int k = 0; k < K; k++) { offs[k] = k * N; tailOffs[k] = k * ts; }
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        int tiles = (N + nr - 1) / nr, mTiles = (M + mr - 1) / mr;
        long colItems = (long)batch * g.G * tiles;
        // split the output channels when the column tiles are few (7×7, 14×14 at batch 1), or split unevenly while
        // every part keeps ≥ 48 channel rows (fewer rows per B tile: each part streams all of x for little reuse;
        // 192→32 at 28² took 64 µs on 2 threads split by channels, 26 µs split by columns)
        int mb = 1;
        if (parts > 1 && mTiles >= parts
            && (colItems < 4 * parts
                || (colItems % parts != 0 && mTiles % parts == 0 && mTiles / parts * mr >= 48 && colItems < 64 * parts)))
            mb = parts;
        int mRows = ((M + mb - 1) / mb + mr - 1) / mr * mr;
        var ctx = new Ctx
        {
            G = g, X = x, W = w, B = b, Y = y, Offs = offs, TailOffs = tailOffs, Tail = (float*)tailOffs + K,
            Batch = batch, MBlocks = mb, Ep = ep,
            MSub = Math.Max(mr, ASliceFloats / Gemm.KcFor(K) / mr * mr),
            ChunkTiles = Math.Max(1, ChunkBytes / sizeof(float) / Math.Min(M, mRows) / nr),
        };
        GemmWorkers.Run(parts, &Part, &ctx);
    }

    /// <summary>Floats of one K block of the weight rows a column tile runs over (kept in L2 across the tiles).</summary>
    private const int ASliceFloats = 96 * 1024;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        int nr = Gemm.NR, N = g.N, M = g.M, K = g.K;
        int tiles = (N + nr - 1) / nr, nFull = N / nr * nr, ts = TailStride(g);
        var items = new ChannelTileItems(c.Batch, g.G, M, c.MBlocks, tiles, t, parts);
        float* tail = Gemm.Align(c.Tail + (nint)t * TailFloats(g));
        long tailOf = -1;
        while (items.Next(out int n, out int grp, out int m0, out int m1, out int tile0, out int tile1))
        {
            long ng = (long)n * g.G + grp;
            float* xg = c.X + ((nint)n * g.Cin + (nint)grp * g.Cg) * N;
            float* yg = c.Y + ((nint)n * g.Cout + (nint)grp * M) * N;
            float* wg = c.W + (nint)grp * M * K;
            float* bg = c.B == null ? null : c.B + grp * M;
            for (int ta = tile0, tb; ta < tile1; ta = tb)
            {
                tb = Math.Min(tile1, ta + c.ChunkTiles);
                // a last tile of only dot-product columns joins the chunk before it: one pass over the weights for both
                if (tb == tile1 - 1 && tile1 * nr >= N && Gemm.DotColumns(N - ta * nr, K) == N - tb * nr) tb = tile1;
                int j0 = ta * nr, j1 = Math.Min(N, tb * nr);
                int full = Math.Min(j1, nFull);
                // a tail of 1–8 columns after whole tiles runs as dot products (Gemm.DotColumns) in the same call and
                // pass over the weights, read in place (dots never read past their column)
                if (j1 > full && full > j0 && Gemm.DotColumns(j1 - j0, K) == j1 - full) full = j1;
                if (j1 > full && tailOf != ng)
                {
                    // the last partial tile reads whole vectors past its last column, past the end of x at the last
                    // channel: it runs on a copy of its columns, rows of ts floats (what the edge kernel reads)
                    for (int k = 0; k < K; k++) Gemm.Copy(xg + (nint)k * N + full, tail + (nint)k * ts, j1 - full);
                    tailOf = ng;
                }
                for (int r0 = m0; r0 < m1; r0 += c.MSub)
                {
                    int r1 = Math.Min(m1, r0 + c.MSub);
                    float* wr = wg + (nint)r0 * K, br = bg == null ? null : bg + r0, yr = yg + (nint)r0 * N;
                    if (full > j0) Gemm.RunIndirect(r1 - r0, K, wr, K, xg, c.Offs, yr + j0, N, br, j0, full);
                    if (j1 > full) Gemm.RunIndirect(r1 - r0, K, wr, K, tail, c.TailOffs, yr + full, N, br, 0, j1 - full);
                }
                Epilogue(c.Ep, grp * M + m0, yg + (nint)m0 * N + j0, N, m1 - m0, j1 - j0);
            }
        }
    }

    /// <summary>The epilogue (<see cref="ConvEpilogue"/>: activation, or a folded BatchNorm, residual and activation) on the
    /// just-written block: <paramref name="rows"/> output channels from <paramref name="oc0"/> × <paramref name="cols"/> pixels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Epilogue(in ConvEpilogue ep, int oc0, float* y, nint ldy, int rows, int cols)
    {
        if (!ep.Any) return;
        for (int r = 0; r < rows; r++) ep.Apply(oc0 + r, y + r * ldy, cols);
    }
}
