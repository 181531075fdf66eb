using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>The geometry of a (non-transposed) convolution, as runtime values, shared by Conv2D and ConvTranspose2D.</summary>
internal struct ConvGeom
{
    public int Cin, H, W, Cout, OH, OW, KH, KW, SH, SW, PH, PW, DH, DW, G;
    /// <summary>The network allows <see cref="Precision.Relaxed"/> arithmetic (<see cref="ConvWinograd4"/>).</summary>
    public bool Relaxed;
    public readonly int Cg => Cin / G;
    public readonly int M => Cout / G;
    public readonly int KK => KH * KW;
    public readonly int K => Cg * KH * KW;
    public readonly int N => OH * OW;
    public readonly int InPlane => H * W;
    /// <summary>Multiply-accumulates per sample.</summary>
    public readonly long Macs => (long)Cout * N * K;
}

/// <summary>
/// B = the implicit im2col matrix of one sample and group: B[k, p] with k = (ic, kh, kw) and p = (oh, ow),
/// packed straight from the NCHW image (zeros for padding); no column buffer is ever built.
/// </summary>
internal readonly unsafe partial struct Im2ColB : IGemmB
{
    private readonly float* _x;
    private readonly ConvGeom _g;
    private readonly nint _sampleStride;

    /// <summary>The im2col matrix of one sample: columns [0, N).</summary>
    public Im2ColB(float* x, in ConvGeom g) { _x = x; _g = g; }

    /// <summary>The im2col matrices of consecutive samples side by side (column s·N + p is pixel p of sample s), the
    /// samples <paramref name="sampleStride"/> floats apart.</summary>
    public Im2ColB(float* x, in ConvGeom g, nint sampleStride) { _x = x; _g = g; _sampleStride = sampleStride; }

    /// <summary>col[k] = B[k, p]: the receptive field of output pixel <paramref name="p"/> in (ic, kh, kw) order, 0 in the padding.</summary>
    public static void Column(float* x, in ConvGeom g, int p, float* col)
    {
        int oh = p / g.OW, ow = p - oh * g.OW;
        int h0 = oh * g.SH - g.PH, w0 = ow * g.SW - g.PW, k = 0;
        for (int ic = 0; ic < g.Cg; ic++)
        {
            float* xc = x + (nint)ic * g.InPlane;
            for (int kh = 0; kh < g.KH; kh++)
            {
                int ih = h0 + kh * g.DH;
                for (int kw = 0; kw < g.KW; kw++, k++)
                {
                    int iw = w0 + kw * g.DW;
                    col[k] = (uint)ih < (uint)g.H && (uint)iw < (uint)g.W ? xc[(nint)ih * g.W + iw] : 0f;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Pack(float* dst, int k0, int kc, int n0, int nc)
    {
        int nr = Gemm.NR;
        ConvGeom g = _g;
        int kk = g.KK, kw = g.KW;
        // the panel's columns split into output-row segments: (ih base, iw base, length, offset)
        int* segH = stackalloc int[4 * (Gemm.MaxNR + 1)];
        int* segW = segH + Gemm.MaxNR + 1;
        int* segLen = segW + Gemm.MaxNR + 1;
        int* segOff = segLen + Gemm.MaxNR + 1;
        nint* segX = stackalloc nint[Gemm.MaxNR + 1];   // the segment's sample: its offset in x
        bool windows = WindowShape(g);   // narrow planes: whole vectors through windows (Im2ColB.Windows.cs)
        for (int q = 0; q * nr < nc; q++)
        {
            int cols = Math.Min(nr, nc - q * nr);
            int p0 = n0 + q * nr;
#if NET9_0_OR_GREATER
            if (windows && PackWindows(dst + (nint)q * kc * nr, k0, kc, p0, cols)) continue;
#endif
            int smp = p0 / g.N;
            p0 -= smp * g.N;
            int oh = p0 / g.OW, ow = p0 - oh * g.OW, done = 0, ns = 0;
            while (done < cols)
            {
                int seg = Math.Min(cols - done, g.OW - ow);
                segH[ns] = oh * g.SH - g.PH;
                segW[ns] = ow * g.SW - g.PW;
                segLen[ns] = seg;
                segOff[ns] = done;
                segX[ns] = smp * _sampleStride;
                ns++;
                done += seg;
                oh++;
                ow = 0;
                if (oh == g.OH) { oh = 0; smp++; }
            }
            float* d = dst + (nint)q * kc * nr;
            int ic = k0 / kk, r = k0 - ic * kk, kh = r / kw, kx = r - kh * kw;
            for (int k = 0; k < kc; k++, d += nr)
            {
                float* plane = _x + (nint)ic * g.InPlane;
                int dh = kh * g.DH, dw = kx * g.DW;
                for (int si = 0; si < ns; si++)
                {
                    int ih = segH[si] + dh, seg = segLen[si];
                    float* ds = d + segOff[si];
                    if ((uint)ih >= (uint)g.H) { Gemm.Zero(ds, seg); continue; }
                    float* row = plane + segX[si] + (nint)ih * g.W;
                    int iw0 = segW[si] + dw;
                    if (g.SW == 1)
                    {
                        if (iw0 >= 0 && iw0 + seg <= g.W) { Gemm.Copy(row + iw0, ds, seg); continue; }
                        int lo = Math.Clamp(-iw0, 0, seg);
                        int hi = Math.Clamp(g.W - iw0, lo, seg);
                        if (lo > 0) Gemm.Zero(ds, lo);
                        Gemm.Copy(row + iw0 + lo, ds + lo, hi - lo);
                        if (hi < seg) Gemm.Zero(ds + hi, seg - hi);
                    }
                    else
                    {
                        int j = 0;
                        if (g.SW == 2)
                        {
                            // the leading columns left of the image are zeros, then the even columns two vectors at a time
                            while (j < seg && iw0 + 2 * j < 0) ds[j++] = 0f;
                            j = GatherEven(row + iw0, ds, j, seg, g.W - iw0);
                        }
                        for (; j < seg; j++)
                        {
                            int iw = iw0 + j * g.SW;
                            ds[j] = (uint)iw < (uint)g.W ? row[iw] : 0f;
                        }
                    }
                }
                if (cols < nr) Gemm.Zero(d + cols, nr - cols);
                if (++kx == kw) { kx = 0; if (++kh == g.KH) { kh = 0; ic++; } }
            }
        }
    }

    /// <summary>
    /// d[j] = src[2j] for j from <paramref name="j"/> while a whole vector of sources lies below <paramref name="limit"/>
    /// (the row's end, relative to src): a stride-2 im2col segment, two loads and one even-lane permute per 16 (then 8)
    /// columns.
    /// Returns the first j not written (the caller finishes the segment element by element).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int GatherEven(float* src, float* d, int j, int seg, int limit)
    {
        if (Avx512F.IsSupported)
        {
            var even = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            for (; j + 16 <= seg && 2 * j + 32 <= limit; j += 16)
                Avx512F.PermuteVar16x32x2(Vector512.Load(src + 2 * j), even, Vector512.Load(src + 2 * j + 16)).Store(d + j);
        }
        if (Avx2.IsSupported)
        {
            // AVX2 alone, or the AVX-512 loop's remainder (segments of 14 or 28 columns: 1×1/2 and 3×3/2 layers at 28², 56²)
            var even = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
            for (; j + 8 <= seg && 2 * j + 16 <= limit; j += 8)
            {
                Vector256<float> lo = Avx2.PermuteVar8x32(Vector256.Load(src + 2 * j), even);
                Vector256<float> hi = Avx2.PermuteVar8x32(Vector256.Load(src + 2 * j + 8), even);
                Vector256.Create(lo.GetLower(), hi.GetLower()).Store(d + j);
            }
        }
        return j;
    }
}

/// <summary>
/// One part's share of the forward items (sample, group, output-channel block, column tile) of the GEMMs that split
/// both the columns and the output channels (<see cref="ConvCore"/>'s padded-image GEMM, <see cref="ConvPointwise"/>):
/// <see cref="Next"/> yields a run of consecutive column tiles of one (sample, group, channel block) at a time.
/// </summary>
internal struct ChannelTileItems
{
    private long _lo;
    private readonly long _hi;
    private readonly int _tiles, _blocks, _rows, _m, _groups;

    /// <summary>Part <paramref name="t"/> of <paramref name="parts"/>; <paramref name="blocks"/> output-channel blocks of
    /// <paramref name="m"/> rows per group (each a multiple of MR rows), <paramref name="tiles"/> column tiles.</summary>
    public ChannelTileItems(int batch, int groups, int m, int blocks, int tiles, int t, int parts)
    {
        long items = (long)batch * groups * blocks * tiles;
        _lo = items * t / parts;
        _hi = items * (t + 1) / parts;
        _tiles = tiles; _blocks = blocks; _m = m; _groups = groups;
        _rows = ((m + blocks - 1) / blocks + Gemm.MR - 1) / Gemm.MR * Gemm.MR;
    }

    /// <summary>The next run: sample <paramref name="n"/>, group <paramref name="grp"/>, output rows [m0, m1) of the group,
    /// column tiles [tile0, tile1). False when the part's share is done (blocks past the last row are skipped).</summary>
    public bool Next(out int n, out int grp, out int m0, out int m1, out int tile0, out int tile1)
    {
        while (_lo < _hi)
        {
            long ngm = _lo / _tiles;
            tile0 = (int)(_lo - ngm * _tiles);
            tile1 = (int)Math.Min(_tiles, tile0 + (_hi - _lo));
            _lo += tile1 - tile0;
            long ng = ngm / _blocks;
            int blk = (int)(ngm - ng * _blocks);
            m0 = blk * _rows;
            m1 = Math.Min(_m, m0 + _rows);
            if (m0 >= m1) continue;
            n = (int)(ng / _groups);
            grp = (int)(ng - (long)n * _groups);
            return true;
        }
        n = grp = m0 = m1 = tile0 = tile1 = 0;
        return false;
    }
}

/// <summary>The convolution drivers on top of <see cref="Gemm"/>: forward, backward-data, backward-weights, bias gradient.</summary>
internal static unsafe class ConvCore
{
    /// <summary>dst[j] = col[k = (ic, kh, kw), p0 + j] for j in [0, len): one row segment of the im2col matrix.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Im2ColRow(float* x, in ConvGeom g, int ic, int kh, int kw, int p0, int len, float* dst)
    {
        int oh = p0 / g.OW, ow = p0 - oh * g.OW;
        float* plane = x + (nint)ic * g.InPlane;
        int dhOff = kh * g.DH - g.PH, dwOff = kw * g.DW - g.PW;
        int done = 0;
        while (done < len)
        {
            int seg = Math.Min(len - done, g.OW - ow);
            int ih = oh * g.SH + dhOff;
            float* d = dst + done;
            if ((uint)ih >= (uint)g.H) Gemm.Zero(d, seg);
            else
            {
                float* row = plane + (nint)ih * g.W;
                int iw0 = ow * g.SW + dwOff;
                if (g.SW == 1)
                {
                    int lo = Math.Clamp(-iw0, 0, seg);
                    int hi = Math.Clamp(g.W - iw0, lo, seg);
                    if (lo > 0) Gemm.Zero(d, lo);
                    Gemm.Copy(row + iw0 + lo, d + lo, hi - lo);
                    if (hi < seg) Gemm.Zero(d + hi, seg - hi);
                }
                else
                {
                    for (int j = 0; j < seg; j++)
                    {
                        int iw = iw0 + j * g.SW;
                        d[j] = (uint)iw < (uint)g.W ? row[iw] : 0f;
                    }
                }
            }
            done += seg;
            oh++;
            ow = 0;
        }
    }

    /// <summary>dx[(ic, kh, kw) ↦ pixels] += src[j] for j in [0, len): the adjoint of <see cref="Im2ColRow"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Col2ImRow(float* dx, in ConvGeom g, int ic, int kh, int kw, int p0, int len, float* src)
    {
        int oh = p0 / g.OW, ow = p0 - oh * g.OW;
        float* plane = dx + (nint)ic * g.InPlane;
        int dhOff = kh * g.DH - g.PH, dwOff = kw * g.DW - g.PW;
        int done = 0;
        while (done < len)
        {
            int seg = Math.Min(len - done, g.OW - ow);
            int ih = oh * g.SH + dhOff;
            if ((uint)ih < (uint)g.H)
            {
                float* s = src + done;
                float* row = plane + (nint)ih * g.W;
                int iw0 = ow * g.SW + dwOff;
                if (g.SW == 1)
                {
                    int lo = Math.Clamp(-iw0, 0, seg);
                    int hi = Math.Clamp(g.W - iw0, lo, seg);
                    Gemm.Add(s + lo, row + iw0 + lo, hi - lo);
                }
                else
                {
                    for (int j = 0; j < seg; j++)
                    {
                        int iw = iw0 + j * g.SW;
                        if ((uint)iw < (uint)g.W) row[iw] += s[j];
                    }
                }
            }
            done += seg;
            oh++;
            ow = 0;
        }
    }

    // ---- scratch -----------------------------------------------------------------------------------------------

    private const int RowBlock = 256;   // rows of the column matrix handled together (backward passes)
    private const int PChunk = 256;     // output pixels per reduction chunk (backward-weights)

    private static int NcBlock => Gemm.NCPanels * Gemm.NR;
    private static int BwdDataRows(in ConvGeom g) => g.KK * Math.Min(g.Cg, Math.Max(1, RowBlock / g.KK));
    private static int BwdWeightRowsMax => RowBlock + Gemm.MR;

    public static long ForwardScratch(in ConvGeom g, int threads)
    {
        // Sized by what the forward list chooses, not by a copy of its rules (a copy once fell behind the list and
        // sized a 1×1 layer for the direct kernel while the padded-image GEMM ran): the choice plain and accumulating
        // (a stride-1 backward-data runs the accumulating forward), or, while an algorithm is forced, every applicable one.
        long s = Math.Max(ForwardScratch(ConvAlgorithms.ChooseForward(g, false), g, threads),
                          ForwardScratch(ConvAlgorithms.ChooseForward(g, true), g, threads));
        // and Winograd's wherever it applies, chosen or not (callers such as the Winograd tests rely on it)
        if (ConvWinograd.Applies(g)) s = Math.Max(s, ConvWinograd.Scratch(g, threads));
        if (ConvAlgorithms.AnyForced)
            foreach (ConvAlgorithm a in ConvAlgorithms.ForwardAlgorithms)
                if (ConvAlgorithms.AppliesForward(a, g, false) || ConvAlgorithms.AppliesForward(a, g, true))
                    s = Math.Max(s, ForwardScratch(a, g, threads));
        return s;
    }

    /// <summary>Floats of scratch forward algorithm <paramref name="a"/> needs for <paramref name="g"/>.</summary>
    private static long ForwardScratch(ConvAlgorithm a, in ConvGeom g, int threads)
    {
        long t = Math.Max(1, threads);
        return a switch
        {
            ConvAlgorithm.Pointwise => ConvPointwise.ForwardScratch(g, threads),
            ConvAlgorithm.Depthwise => ConvDepthwise.ForwardScratch(g, threads),
            // the Winograd kernel's own scratch, and as much as the GEMM would take (as before the lists)
            ConvAlgorithm.Winograd => Math.Max(ConvWinograd.Scratch(g, threads), t * (UseWide(g) ? WidePerPart(g) : Im2ColPerPart(g))),
            ConvAlgorithm.Winograd4 => ConvWinograd4.Scratch(g, threads),
            <= ConvAlgorithm.Direct => t * ConvDirect.ForwardScratch(g, 1),
            ConvAlgorithm.GemmWide => t * WidePerPart(g),
            // planes under 64 pixels: the side-by-side GEMM's C block at batch > 1 (SamplesSideBySide)
            _ => t * (g.N < 64 ? Math.Max(SidePerPart(g), Im2ColPerPart(g)) : Im2ColPerPart(g)),
        };
    }

    /// <summary>
    /// Floats of one part of the im2col GEMM (<see cref="ForwardPart"/>): the packed B block, and the sample's last
    /// columns gathered whole where they run as dot products (<see cref="Gemm.DotColumns"/>).
    /// </summary>
    private static long Im2ColPerPart(in ConvGeom g)
    {
        int dots = Gemm.DotColumns(g.N, g.K);
        return Gemm.PackFloats(g.K) + (dots > 0 ? (long)dots * DotStride(g) + 16 : 0);
    }

    /// <summary>Floats between the gathered dot-product columns of <see cref="ForwardPart"/>.</summary>
    private static int DotStride(in ConvGeom g) => (g.K + 15) & ~15;

    /// <summary>Stride 1 (and non-negative padding): implicit GEMM over a zero-padded copy of the image, no packing.</summary>
    internal static bool UseWide(in ConvGeom g) => g.SH == 1 && g.SW == 1 && g.PH >= 0 && g.PW >= 0;
    private static int WideHp(in ConvGeom g) => Math.Max(g.OH + g.DH * (g.KH - 1), g.PH + g.H);
    private static int WideWp(in ConvGeom g) => Math.Max(g.OW + g.DW * (g.KW - 1), g.PW + g.W);
    /// <summary>Columns of the padded-image GEMM's wide output grid per sample and group (oh·Wp + ow).</summary>
    internal static int WideColumns(in ConvGeom g) => (g.OH - 1) * WideWp(g) + g.OW;
    private static long WideImage(in ConvGeom g) => (long)g.Cg * WideHp(g) * WideWp(g) + Gemm.MaxNR + 32;
    private static long WidePerPart(in ConvGeom g) => WideImage(g) + (long)g.M * NcBlock + 16 + g.K + 16;

    public static long BackwardDataScratch(in ConvGeom g, int threads)
    {
        if (ConvAlgorithms.AnyForced)
            return Math.Max(ConvDepthwise.AppliesData(g) ? ConvDepthwise.DataScratch(g, threads) : 0,
                Math.Max(ConvWinograd.AppliesData(g) ? ConvWinograd.DataScratch(g, threads) : 0,
                Math.Max(g.SH == 1 && g.SW == 1 ? FlippedDataScratch(g, threads) : 0, Col2ImDataScratch(g, threads))));
        if (ConvDepthwise.AppliesData(g)) return ConvDepthwise.DataScratch(g, threads);
        return ConvWinograd.AppliesData(g) ? ConvWinograd.DataScratch(g, threads) : g.SH == 1 && g.SW == 1
            ? FlippedDataScratch(g, threads) : Col2ImDataScratch(g, threads);
    }

    private static long FlippedDataScratch(in ConvGeom g, int threads)
        => (long)g.G * g.K * g.M + 32 + ForwardScratch(FlippedGeom(g), threads);

    private static long Col2ImDataScratch(in ConvGeom g, int threads)
        => (long)g.G * g.K * g.M + 16 + (long)Math.Max(1, threads) * (Gemm.PackFloats(g.M) + (long)BwdDataRows(g) * NcBlock + 16);

    private struct FlipCtx
    {
        public ConvGeom G;
        public float* W, Wf;
    }

    /// <summary>wf[grp·Cg + ic][ocg, kh, kw] = w[grp·M + ocg][ic, KH−1−kh, KW−1−kw], partitioned by output channel blocks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void FlipPart(void* p, int t, int parts)
    {
        ref FlipCtx c = ref *(FlipCtx*)p;
        ConvGeom g = c.G;
        int M = g.M, K = g.K, kk = g.KK;
        int blocks = (M + 7) / 8;
        var (lo, hi) = Range((long)g.G * blocks, t, parts);
        for (long it = lo; it < hi; it++)
        {
            int grp = (int)(it / blocks), o0 = (int)(it - (long)grp * blocks) * 8, o1 = Math.Min(M, o0 + 8);
            // 8 source rows stream forward; destination runs of 8·KK floats
            for (int ic = 0; ic < g.Cg; ic++)
            {
                float* d = c.Wf + ((nint)grp * g.Cg + ic) * ((nint)M * kk) + (nint)o0 * kk;
                float* s = c.W + ((nint)grp * M + o0) * K + (nint)ic * kk + (kk - 1);
                for (int ocg = o0; ocg < o1; ocg++, d += kk, s += K)
                    for (int j = 0; j < kk; j++) d[j] = s[-j];
            }
        }
    }

    /// <summary>For stride 1: the convolution from dy to dx with the flipped, transposed kernel.</summary>
    private static ConvGeom FlippedGeom(in ConvGeom g) => new()
    {
        Cin = g.Cout, H = g.OH, W = g.OW, Cout = g.Cin, OH = g.H, OW = g.W, KH = g.KH, KW = g.KW, SH = 1, SW = 1,
        PH = g.DH * (g.KH - 1) - g.PH, PW = g.DW * (g.KW - 1) - g.PW, DH = g.DH, DW = g.DW, G = g.G,
    };

    public static long BackwardWeightsScratch(in ConvGeom g, int threads)
    {
        if (ConvAlgorithms.AnyForced)
            return Math.Max(ConvDepthwise.AppliesWeights(g) ? ConvDepthwise.WeightsScratch(g, threads) : 0,
                Math.Max(ConvDirect.AppliesWeights(g) ? ConvDirect.WeightsScratch(g, threads) : 0,
                Math.Max(UseWide(g) ? WideWeightsScratch(g, threads) : 0, Im2ColWeightsScratch(g, threads))));
        if (ConvDepthwise.AppliesWeights(g)) return ConvDepthwise.WeightsScratch(g, threads);
        return ConvDirect.AppliesWeights(g) ? ConvDirect.WeightsScratch(g, threads)
           : UseWide(g) ? WideWeightsScratch(g, threads)
           : Im2ColWeightsScratch(g, threads);
    }

    private static long Im2ColWeightsScratch(in ConvGeom g, int threads)
        => (long)g.G * g.K * g.M + 16 + (long)Math.Max(1, threads) * BwdWeightPerPart(g);

    private static long BwdWeightPerPart(in ConvGeom g)
        => (long)PChunk * ((g.M + Gemm.NR - 1) / Gemm.NR * Gemm.NR) + 16 + (long)BwdWeightRowsMax * PChunk + 16;

    public static long Scratch(in ConvGeom g, int threads)
        => Math.Max(ForwardScratch(g, threads), Math.Max(BackwardDataScratch(g, threads), BackwardWeightsScratch(g, threads)));

    /// <summary>Splits [0, items) into <paramref name="parts"/> contiguous ranges; range <paramref name="t"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (long lo, long hi) Range(long items, int t, int parts) => (items * t / parts, items * (t + 1) / parts);

    // ---- forward: y = act(W·col(x) + b), or y += W·col(x) ----------------------------------------------------

    private struct FwdCtx
    {
        public ConvGeom G;
        public float* X, W, B, Y, Scratch;
        public int Batch, PerPart, MBlocks;
        public bool Accumulate;
        public ConvEpilogue Ep;
    }

    /// <summary>
    /// Floats of the forward's weights prepared once (<see cref="Prepare"/>) in the layout the chosen algorithm reads:
    /// Winograd F(2×2, 3×3)'s transformed weights, and the column and channel-wise F(2,3) forwards' (<see cref="ConvDirect.PreparedFloats"/>); 0 where the algorithm reads w as it is.
    /// </summary>
    public static long PreparedFloats(in ConvGeom g)
    {
        ConvAlgorithm alg = ConvAlgorithms.ChooseForward(g, false);
        return alg == ConvAlgorithm.Winograd ? ConvWinograd.PreparedFloats(g) : ConvDirect.PreparedFloats(g, alg);
    }

    /// <summary>Writes <see cref="PreparedFloats"/> floats of prepared weights for <paramref name="w"/> to <paramref name="prepared"/>.</summary>
    public static void Prepare(in ConvGeom g, float* w, float* prepared)
    {
        ConvAlgorithm alg = ConvAlgorithms.ChooseForward(g, false);
        if (alg == ConvAlgorithm.Winograd) ConvWinograd.Prepare(g, w, prepared);
        else ConvDirect.Prepare(g, alg, w, prepared);
    }

    /// <remarks>
    /// <paramref name="prepared"/>: null, or <see cref="Prepare"/>'s output for <paramref name="w"/> (read in place of
    /// transforming w; only a non-accumulating forward's algorithm reads it).
    /// </remarks>
    public static void Forward(in ConvGeom g, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads, float* prepared = null)
    {
        ConvAlgorithm alg = ConvAlgorithms.ChooseForward(g, accumulate);
        if (alg == ConvAlgorithm.Pointwise)
        {
            ConvPointwise.Forward(g, x, w, b, y, batch, ep, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.Depthwise)
        {
            ConvDepthwise.Forward(g, x, w, b, y, batch, accumulate, ep, scratch, threads);
            return;
        }
        if (alg <= ConvAlgorithm.Direct)
        {
            ConvDirect.Forward(g, alg, x, w, b, y, batch, accumulate, ep, scratch, threads, null, 0, 0, accumulate ? null : prepared);
            return;
        }
        if (alg == ConvAlgorithm.Winograd)
        {
            ConvWinograd.Forward(g, x, w, b, y, batch, accumulate, ep, scratch, threads, accumulate ? null : prepared);
            return;
        }
        if (alg == ConvAlgorithm.Winograd4)
        {
            ConvWinograd4.Forward(g, x, w, b, y, batch, accumulate, ep, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.GemmWide)
        {
            int wparts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
            // few column tiles (e.g. 5 at 14×14): split the output channels too, or the parts get 2 and 3 tiles
            long wtiles = (long)batch * g.G * ((WideColumns(g) + Gemm.NR - 1) / Gemm.NR);
            int mBlocks = wparts > 1 && wtiles < 16 * wparts ? Math.Min(wparts, (g.M + Gemm.MR - 1) / Gemm.MR) : 1;
            var wctx = new FwdCtx
            {
                G = g, X = x, W = w, B = b, Y = y, Scratch = scratch, Batch = batch, PerPart = checked((int)WidePerPart(g)),
                Accumulate = accumulate, Ep = ep, MBlocks = mBlocks,
            };
            GemmWorkers.Run(wparts, &ForwardWidePart, &wctx);
            return;
        }
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        if (SamplesSideBySide(g, batch))
        {
            // the samples' columns side by side: whole NR-wide tiles across samples, A once per column block
            long ctiles = ((long)batch * g.N + Gemm.NR - 1) / Gemm.NR;
            var sctx = new FwdCtx
            {
                G = g, X = x, W = w, B = b, Y = y, Scratch = scratch, Batch = batch, PerPart = checked((int)SidePerPart(g)),
                Accumulate = accumulate, Ep = ep,
                MBlocks = parts > 1 && ctiles < 2 * parts ? Math.Min(parts, (g.M + Gemm.MR - 1) / Gemm.MR) : 1,
            };
            GemmWorkers.Run(parts, &ForwardSidePart, &sctx);
            return;
        }
        // fewer than two GEMM tiles per part (a 7×7 plane at batch 1: one 48-column tile, the 49th column a dot
        // product): split the output channels, or one part gets nearly all the work (each part then packs the same
        // columns of B; at 14×14, 4 tiles and 4 dot columns, splitting the columns measured 12 % faster)
        long tiles = (long)batch * g.G * ((g.N - Gemm.DotColumns(g.N, g.K) + Gemm.NR - 1) / Gemm.NR);
        var ctx = new FwdCtx
        {
            G = g, X = x, W = w, B = b, Y = y, Scratch = scratch, Batch = batch, PerPart = checked((int)Im2ColPerPart(g)),
            Accumulate = accumulate, Ep = ep,
            MBlocks = parts > 1 && tiles < 2 * parts ? Math.Min(parts, (g.M + Gemm.MR - 1) / Gemm.MR) : 1,
        };
        GemmWorkers.Run(parts, &ForwardPart, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardPart(void* p, int t, int parts)
    {
        ref FwdCtx c = ref *(FwdCtx*)p;
        ConvGeom g = c.G;
        int nr = Gemm.NR, N = g.N, M = g.M, K = g.K;
        var items = new ChannelTileItems(c.Batch, g.G, M, c.MBlocks, (N + nr - 1) / nr, t, parts);
        float* bpack = c.Scratch + (nint)t * c.PerPart;
        // the sample's last N mod 16 columns as dot products when they are few (Gemm.DotColumns): always the same
        // columns, whatever the part; gathered whole after the packed block, and run by Gemm.Run in its pass over A
        int nGemm = N - Gemm.DotColumns(N, K), ldd = DotStride(g);
        float* dcols = Gemm.Align(bpack + Gemm.PackFloats(K));
        while (items.Next(out int n, out int grp, out int m0, out int m1, out int tile0, out int tile1))
        {
            int c0 = tile0 * nr, c1 = Math.Min(N, tile1 * nr), rows = m1 - m0;
            float* xg = c.X + ((nint)n * g.Cin + (nint)grp * g.Cg) * g.InPlane;
            var src = new Im2ColB(xg, g);
            float* yg = c.Y + ((nint)n * g.Cout + (nint)grp * M + m0) * N;
            float* wg = c.W + ((nint)grp * M + m0) * K, bg = c.B == null ? null : c.B + grp * M + m0;
            // one NC block at a time (the blocks Gemm.Run makes anyway), so the epilogue finds its M × NC block in L2
            for (int j0 = c0; j0 < c1; j0 += NcBlock)
            {
                int j1 = Math.Min(c1, j0 + NcBlock);
                int q0 = Math.Max(j0, nGemm), nd = Math.Max(0, j1 - q0);
                for (int q = q0; q < j1; q++) Im2ColB.Column(xg, g, q, dcols + (nint)(q - q0) * ldd);
                if (Math.Min(j1, nGemm) > j0)
                    Gemm.Run(ref src, rows, K, wg, K, yg, N, bg, c.Accumulate, j0, Math.Min(j1, nGemm), bpack,
                        dcols, nd, ldd, yg + q0);
                else if (nd > 0)
                    Gemm.RunDots(rows, K, wg, K, dcols, ldd, nd, yg + q0, N, bg, c.Accumulate);
                if (c.Ep.Any)
                    for (int r = 0; r < rows; r++) c.Ep.Apply(grp * M + m0 + r, yg + (nint)r * N + j0, j1 - j0);
            }
        }
    }

    /// <summary>
    /// The im2col GEMM with the samples' columns side by side: planes under 64 pixels (the layers <see
    /// cref="ConvAlgorithms.SmallPlane"/> sends to im2col) at batch &gt; 1. One sample's 16 (4×4) or 49 (7×7) columns
    /// fill a 16-wide tile or a 48-wide one and a dot product, and A (up to 9.4 MB) streams from memory once per
    /// sample; side by side, the tiles are 48 wide and A streams once per column block of 768.
    /// </summary>
    internal static bool SamplesSideBySide(in ConvGeom g, int batch) => batch > 1 && g.N < 64;

    /// <summary>Floats per part of the side-by-side GEMM: the packed B block and the C block (M × NC).</summary>
    private static long SidePerPart(in ConvGeom g) => Gemm.PackFloats(g.K) + (long)g.M * NcBlock + 32;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardSidePart(void* p, int t, int parts)
    {
        ref FwdCtx c = ref *(FwdCtx*)p;
        ConvGeom g = c.G;
        int nr = Gemm.NR, N = g.N, M = g.M, K = g.K;
        int cols = c.Batch * N;
        var items = new ChannelTileItems(1, g.G, M, c.MBlocks, (cols + nr - 1) / nr, t, parts);
        float* bpack = c.Scratch + (nint)t * c.PerPart;
        float* cblk = Gemm.Align(bpack + Gemm.PackFloats(K));
        nint sampleX = (nint)g.Cin * g.InPlane, sampleY = (nint)g.Cout * N;
        while (items.Next(out _, out int grp, out int m0, out int m1, out int tile0, out int tile1))
        {
            int c0 = tile0 * nr, c1 = Math.Min(cols, tile1 * nr), rows = m1 - m0;
            var src = new Im2ColB(c.X + (nint)grp * g.Cg * g.InPlane, g, sampleX);
            float* wg = c.W + ((nint)grp * M + m0) * K, bg = c.B == null || c.Accumulate ? null : c.B + grp * M + m0;
            for (int j0 = c0; j0 < c1; j0 += NcBlock)
            {
                int j1 = Math.Min(c1, j0 + NcBlock);
                // C block [rows × nc] at cblk (column j0 first), then each sample's piece into y
                Gemm.Run(ref src, rows, K, wg, K, cblk - j0, NcBlock, bg, false, j0, j1, bpack);
                for (int j = j0; j < j1;)
                {
                    int n = j / N, q = j - n * N, len = Math.Min(j1 - j, N - q);
                    float* yn = c.Y + n * sampleY + ((nint)grp * M + m0) * N + q;
                    for (int r = 0; r < rows; r++)
                    {
                        float* src2 = cblk + (nint)r * NcBlock + (j - j0), dst = yn + (nint)r * N;
                        if (c.Accumulate) Gemm.Add(src2, dst, len);
                        else Gemm.Copy(src2, dst, len);
                        if (c.Ep.Any) c.Ep.Apply(grp * M + m0 + r, dst, len);
                    }
                    j += len;
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ForwardWidePart(void* p, int t, int parts)
    {
        ref FwdCtx c = ref *(FwdCtx*)p;
        ConvGeom g = c.G;
        int nr = Gemm.NR, N = g.N, M = g.M, K = g.K, ncb = NcBlock;
        int hp = WideHp(g), wp = WideWp(g), plane = hp * wp;
        int nw = WideColumns(g);                   // columns of the wide output grid (oh·Wp + ow)
        int tiles = (nw + nr - 1) / nr;
        var items = new ChannelTileItems(c.Batch, g.G, M, c.MBlocks, tiles, t, parts);
        if (!items.Next(out int n, out int grp, out int m0, out int m1, out int tile0, out int tile1)) return;
        float* xp = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* cblk = Gemm.Align(xp + WideImage(g));
        int* offs = (int*)Gemm.Align(cblk + (nint)M * ncb);
        for (int k = 0, ic = 0; ic < g.Cg; ic++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++, k++)
                    offs[k] = ic * plane + kh * g.DH * wp + kw * g.DW;
        long padded = -1;
        int padLo = 0, padHi = 0;
        do
        {
            long ng = (long)n * g.G + grp;
            // pad only the rows this part's columns read: output rows [oh0, oh1] plus the kernel's reach
            // (other rows may hold stale values; only discarded columns past OW or past c1 can read them)
            int oh0 = tile0 * nr / wp, oh1 = (Math.Min(nw, tile1 * nr) - 1) / wp;
            int i0 = oh0, i1 = Math.Min(hp, oh1 + g.DH * (g.KH - 1) + 1);
            if (ng != padded || i0 < padLo || i1 > padHi)
            {
                float* xs = c.X + ((nint)n * g.Cin + (nint)grp * g.Cg) * g.InPlane;
                for (int ic = 0; ic < g.Cg; ic++)
                {
                    float* dst = xp + (nint)ic * plane + (nint)i0 * wp;
                    float* src = xs + (nint)ic * g.InPlane;
                    for (int i = i0; i < i1; i++, dst += wp)
                    {
                        int si = i - g.PH;
                        if ((uint)si >= (uint)g.H) { Gemm.Zero(dst, wp); continue; }
                        if (g.PW > 0) Gemm.Zero(dst, g.PW);
                        Gemm.Copy(src + (nint)si * g.W, dst + g.PW, g.W);
                        if (wp > g.PW + g.W) Gemm.Zero(dst + g.PW + g.W, wp - g.PW - g.W);
                    }
                }
                Gemm.Zero(xp + (nint)g.Cg * plane, Gemm.MaxNR + 16);
                padded = ng;
                padLo = i0;
                padHi = i1;
            }
            float* yg = c.Y + ((nint)n * g.Cout + (nint)grp * M) * N;
            float* wg = c.W + (nint)grp * M * K;
            float* bg = c.B == null || c.Accumulate ? null : c.B + grp * M;
            int c0 = tile0 * nr, c1 = Math.Min(nw, tile1 * nr);
            for (int j0 = c0; j0 < c1; j0 += ncb)
            {
                int j1 = Math.Min(c1, j0 + ncb);
                Gemm.RunIndirect(m1 - m0, K, wg + (nint)m0 * K, K, xp, offs, cblk, ncb, bg == null ? null : bg + m0, j0, j1);
                // wide grid → NCHW output (drop the columns ow ≥ OW)
                for (int oc = m0; oc < m1; oc++)
                {
                    float* crow = cblk + (nint)(oc - m0) * ncb;
                    float* yrow = yg + (nint)oc * N;
                    int q = j0, first = -1, end = 0;
                    while (q < j1)
                    {
                        int oh = q / wp, ow = q - oh * wp;
                        if (ow >= g.OW) { q = (oh + 1) * wp; continue; }
                        int len = Math.Min(g.OW - ow, j1 - q);
                        int at = oh * g.OW + ow;
                        if (c.Accumulate) Gemm.Add(crow + (q - j0), yrow + at, len);
                        else Gemm.Copy(crow + (q - j0), yrow + at, len);
                        if (first < 0) first = at;
                        end = at + len;
                        q += len;
                    }
                    // the rows written are consecutive in NCHW: one epilogue call over them, not one per output row
                    if (c.Ep.Any && first >= 0) c.Ep.Apply(grp * M + oc, yrow + first, end - first);
                }
            }
        } while (items.Next(out n, out grp, out m0, out m1, out tile0, out tile1));
    }

    // ---- backward data: dx += col2im(Wᵀ·dy) ------------------------------------------------------------------

    private struct DataCtx
    {
        public ConvGeom G;
        public float* Wt, Dy, Dx, Scratch;
        public int Batch, PerPart;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BackwardData(in ConvGeom g, float* w, float* dy, float* dx, int batch, float* scratch, int threads)
    {
        ConvAlgorithm alg = ConvAlgorithms.ChooseData(g);
        if (alg == ConvAlgorithm.DataDepthwise)
        {
            ConvDepthwise.BackwardData(g, w, dy, dx, batch, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.DataWinograd)
        {
            ConvWinograd.BackwardData(g, w, dy, dx, batch, scratch, threads);
            return;
        }
        int M = g.M, K = g.K;
        if (alg == ConvAlgorithm.DataFlippedForward)
        {
            // Stride 1: dx += conv(dy, w̃) with w̃[ic][oc, kh, kw] = w[oc][ic, KH−1−kh, KW−1−kw] and low padding
            // D·(K−1) − P: the forward engine, no column buffer and no col2im.
            ConvGeom t = FlippedGeom(g);
            float* wf = Gemm.Align(scratch);
            int kk = g.KK;
            var fctx = new FlipCtx { G = g, W = w, Wf = wf };
            GemmWorkers.Run(GemmWorkers.Parts(threads, (long)g.G * M * K, 1L << 16), &FlipPart, &fctx);
            Forward(t, dy, wf, null, dx, batch, true, Activation.None, wf + (nint)g.G * M * K + 16, threads);
            return;
        }
        float* wt = Gemm.Align(scratch);
        // Wt[grp][k][m] = w[grp·M + m][k]
        for (int grp = 0; grp < g.G; grp++)
        {
            float* src = w + (nint)grp * M * K;
            float* dst = wt + (nint)grp * M * K;
            for (int k0 = 0; k0 < K; k0 += 8)
                for (int m = 0; m < M; m++)
                {
                    int kEnd = Math.Min(K, k0 + 8);
                    float* s = src + (nint)m * K;
                    for (int k = k0; k < kEnd; k++) dst[(nint)k * M + m] = s[k];
                }
        }
        var ctx = new DataCtx
        {
            G = g, Wt = wt, Dy = dy, Dx = dx, Batch = batch,
            Scratch = wt + (nint)g.G * M * K,
            PerPart = Gemm.PackFloats(M) + BwdDataRows(g) * NcBlock + 16,
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        GemmWorkers.Run(parts, &BackwardDataPart, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardDataPart(void* p, int t, int parts)
    {
        ref DataCtx c = ref *(DataCtx*)p;
        ConvGeom g = c.G;
        int N = g.N, M = g.M, KK = g.KK;
        int chPerBlock = BwdDataRows(g) / KK;
        int blocks = (g.Cg + chPerBlock - 1) / chPerBlock;
        long items = (long)c.Batch * g.G * blocks;
        var (lo, hi) = Range(items, t, parts);
        float* bpack = c.Scratch + (nint)t * c.PerPart;
        float* dcol = Gemm.Align(bpack + Gemm.PackFloats(M));
        int ncb = NcBlock;
        for (long it = lo; it < hi; it++)
        {
            long ng = it / blocks;
            int blk = (int)(it - ng * blocks);
            int n = (int)(ng / g.G), grp = (int)(ng - (long)n * g.G);
            int ic0 = blk * chPerBlock, ic1 = Math.Min(g.Cg, ic0 + chPerBlock);
            int rows = (ic1 - ic0) * KK;
            float* dyg = c.Dy + ((nint)n * g.Cout + (nint)grp * M) * N;
            float* dxg = c.Dx + ((nint)n * g.Cin + (nint)grp * g.Cg) * g.InPlane;
            float* a = c.Wt + (nint)grp * M * g.K + (nint)ic0 * KK * M;
            var src = new MatrixB(dyg, N);
            for (int j0 = 0; j0 < N; j0 += ncb)
            {
                int j1 = Math.Min(N, j0 + ncb);
                Gemm.Run(ref src, rows, M, a, M, dcol - j0, ncb, null, false, j0, j1, bpack);
                float* s = dcol;
                for (int ic = ic0; ic < ic1; ic++)
                    for (int kh = 0; kh < g.KH; kh++)
                        for (int kw = 0; kw < g.KW; kw++, s += ncb)
                            Col2ImRow(dxg, g, ic, kh, kw, j0, j1 - j0, s);
            }
        }
    }

    // ---- backward weights: dw += dy·colᵀ (computed as dwᵀ = col·dyᵀ, rows of col streamed from an im2col chunk) --

    private struct WeightCtx
    {
        public ConvGeom G;
        public float* X, Dy, Ct, Dw, Scratch;
        public int Batch, PerPart, RowsPerBlock, Blocks;
    }

    public static void BackwardWeights(in ConvGeom g, float* x, float* dy, float* dw, int batch, float* scratch, int threads)
    {
        ConvAlgorithm alg = ConvAlgorithms.ChooseWeights(g);
        if (alg == ConvAlgorithm.WeightsDepthwise)
        {
            ConvDepthwise.BackwardWeights(g, x, dy, dw, batch, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.WeightsDirect)
        {
            ConvDirect.BackwardWeights(g, x, dy, dw, batch, scratch, threads);
            return;
        }
        if (alg == ConvAlgorithm.WeightsWide)
        {
            BackwardWeightsWide(g, x, dy, dw, batch, scratch, threads);
            return;
        }
        int M = g.M, K = g.K;
        float* ct = Gemm.Align(scratch);
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        int blocks = (K + RowBlock - 1) / RowBlock;
        if (g.G * blocks % parts != 0 && g.G < parts) blocks = (blocks + parts - 1) / parts * parts;
        int mr = Gemm.MR;
        int rowsPerBlock = ((K + blocks - 1) / blocks + mr - 1) / mr * mr;
        blocks = (K + rowsPerBlock - 1) / rowsPerBlock;
        var ctx = new WeightCtx
        {
            G = g, X = x, Dy = dy, Ct = ct, Dw = dw, Batch = batch,
            Scratch = ct + (nint)g.G * M * K,
            PerPart = checked((int)BwdWeightPerPart(g)),
            RowsPerBlock = rowsPerBlock, Blocks = blocks,
        };
        GemmWorkers.Run(parts, &BackwardWeightsPart, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardWeightsPart(void* p, int t, int parts)
    {
        ref WeightCtx c = ref *(WeightCtx*)p;
        ConvGeom g = c.G;
        int N = g.N, M = g.M, K = g.K, KK = g.KK, nr = Gemm.NR;
        long items = (long)g.G * c.Blocks;
        var (lo, hi) = Range(items, t, parts);
        float* bpack = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* chunk = Gemm.Align(bpack + (nint)PChunk * ((M + nr - 1) / nr * nr));
        while (lo < hi)
        {
            // this part's row blocks of one group: rows [r0, r1) of the column matrix
            int grp = (int)(lo / c.Blocks), b0 = (int)(lo - (long)grp * c.Blocks);
            int b1 = (int)Math.Min(c.Blocks, b0 + (hi - lo));
            lo += b1 - b0;
            int r0 = b0 * c.RowsPerBlock, r1 = Math.Min(K, b1 * c.RowsPerBlock);
            float* ctg = c.Ct + (nint)grp * M * K;
            Gemm.Zero(ctg + (nint)r0 * M, (r1 - r0) * M);
            for (int n = 0; n < c.Batch; n++)
            {
                float* xg = c.X + ((nint)n * g.Cin + (nint)grp * g.Cg) * g.InPlane;
                float* dyg = c.Dy + ((nint)n * g.Cout + (nint)grp * M) * N;
                for (int p0 = 0; p0 < N; p0 += PChunk)
                {
                    int len = Math.Min(PChunk, N - p0);
                    new TransposedB(dyg + p0, N).Pack(bpack, 0, len, 0, M);   // dyᵀ chunk, shared by the row blocks
                    for (int rb = r0; rb < r1; rb += c.RowsPerBlock)
                    {
                        int re = Math.Min(r1, rb + c.RowsPerBlock);
                        int ic = rb / KK, rr = rb - ic * KK, kh = rr / g.KW, kw = rr - kh * g.KW;
                        float* d = chunk;
                        for (int r = rb; r < re; r++, d += PChunk)
                        {
                            Im2ColRow(xg, g, ic, kh, kw, p0, len, d);
                            if (++kw == g.KW) { kw = 0; if (++kh == g.KH) { kh = 0; ic++; } }
                        }
                        Gemm.RunPacked(re - rb, len, chunk, PChunk, bpack, ctg + (nint)rb * M, M, M);
                    }
                }
            }
            // dw[grp·M + m][r0..r1) += Ct[r0..r1)[m], in runs of 8 columns
            float* dwg = c.Dw + (nint)grp * M * K;
            for (int k0 = r0; k0 < r1; k0 += 8)
            {
                int kEnd = Math.Min(r1, k0 + 8);
                for (int m = 0; m < M; m++)
                {
                    float* dd = dwg + (nint)m * K;
                    float* s = ctg + m;
                    for (int k = k0; k < kEnd; k++) dd[k] += s[(nint)k * M];
                }
            }
        }
    }

    // ---- backward weights, stride 1: dwᵀ tiles read the im2col rows in place from a padded image -------------
    //
    // Per sample: (1) pad the image (as the forward's wide path) and pack dyᵀ into panels [N][DwCols] (one dispatch,
    // channels and panels split over the parts); (2) every tile of DwRows im2col rows × DwCols output channels runs
    // its whole pixel range in registers (Gemm.DwTile: A broadcast from padded[offs[k] + oh·Wp + ow], B = the dyᵀ
    // panel). Between samples a tile waits in scratch (tile layout); after the last sample it is added transposed into
    // dw. Tiles are split over the parts; each dw element is dw + one FMA chain over (sample, pixel) in order, as in
    // the general path, whatever the partition.

    /// <summary>Largest dyᵀ panel chunk (bytes) one pass of the tiles runs over (64@56: one pass of 401 KB).</summary>
    private const int DwChunkBytes = 512 * 1024;

    private static int DwPanels(in ConvGeom g) => (g.M + Gemm.DwCols - 1) / Gemm.DwCols;
    private static long DwPanelFloats(in ConvGeom g) => (long)g.N * Gemm.DwCols;
    private static long DwImageFloats(in ConvGeom g) => (long)g.Cg * WideHp(g) * WideWp(g);

    private static long DwTiles(in ConvGeom g) => (long)g.G * DwPanels(g) * ((g.K + Gemm.DwRows - 1) / Gemm.DwRows);

    private static long WideWeightsScratch(in ConvGeom g, int threads)
        => g.K + 16 + g.G * (DwImageFloats(g) + 16) + (long)g.G * DwPanels(g) * DwPanelFloats(g) + 16
           + DwTiles(g) * Gemm.DwRows * Gemm.DwCols + 32
           + (g.G == 1 && threads > 1 ? (long)threads * DwPrivateFloats(g) + 16 : 0);

    /// <summary>
    /// Floats of one part's private copies with several threads (ungrouped layers): the whole padded image and every
    /// dyᵀ panel (a part packs only the panels its tiles read). Written and read by that part alone: with the image
    /// padded once and read by both cores, the pack dispatch of conv 64@56 took 90 µs at 2 threads against 55 µs at 1
    /// (each core rewrites lines the other one holds), and the tiles read half the image from the other core.
    /// </summary>
    private static long DwPrivateFloats(in ConvGeom g)
        => (DwImageFloats(g) + 15) / 16 * 16 + DwPanels(g) * DwPanelFloats(g) + 32;

    private struct DwCtx
    {
        public ConvGeom G;
        public float* X, Dy, Dw, Xp, Bt, Acc, Private;
        public int* Offs;
        public long Image;
        public int Hp, Wp;
        public bool First, Last;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void BackwardWeightsWide(in ConvGeom g, float* x, float* dy, float* dw, int batch, float* scratch, int threads)
    {
        int hp = WideHp(g), wp = WideWp(g), plane = hp * wp;
        int* offs = (int*)Gemm.Align(scratch);
        for (int k = 0, ic = 0; ic < g.Cg; ic++)
            for (int kh = 0; kh < g.KH; kh++)
                for (int kw = 0; kw < g.KW; kw++, k++)
                    offs[k] = ic * plane + kh * g.DH * wp + kw * g.DW;
        long image = (DwImageFloats(g) + 15) / 16 * 16;
        float* xp = Gemm.Align((float*)offs + g.K + 16);
        float* bt = Gemm.Align(xp + g.G * image);
        float* acc = Gemm.Align(bt + g.G * DwPanels(g) * DwPanelFloats(g));
        var ctx = new DwCtx { G = g, Dw = dw, Xp = xp, Bt = bt, Acc = acc, Offs = offs, Image = image, Hp = hp, Wp = wp };
        int packParts = GemmWorkers.Parts(threads, (long)g.G * (g.Cg * plane + (long)g.M * g.N), 1L << 15);
        int parts = GemmWorkers.Parts(threads, g.Macs, 1L << 20);
        if (parts > 1 && g.G == 1)
        {
            // one dispatch per sample: each part pads the whole image and packs the dyᵀ panels of its own tiles into
            // memory of its own, then runs its tiles (same tiles, same FMA chains: bit-identical to the split below)
            ctx.Private = Gemm.Align(acc + DwTiles(g) * Gemm.DwRows * Gemm.DwCols + 16);
            for (int n = 0; n < batch; n++)
            {
                ctx.X = x + (nint)n * g.Cin * g.InPlane;
                ctx.Dy = dy + (nint)n * g.Cout * g.N;
                ctx.First = n == 0;
                ctx.Last = n == batch - 1;
                GemmWorkers.Run(parts, &DwPrivatePart, &ctx);
            }
            return;
        }
        for (int n = 0; n < batch; n++)
        {
            ctx.X = x + (nint)n * g.Cin * g.InPlane;
            ctx.Dy = dy + (nint)n * g.Cout * g.N;
            ctx.First = n == 0;
            ctx.Last = n == batch - 1;
            GemmWorkers.Run(packParts, &DwPackPart, &ctx);
            GemmWorkers.Run(parts, &DwTilePart, &ctx);
        }
    }

    /// <summary>Pads this part's share of the image channels and packs its share of the dyᵀ panels.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwPackPart(void* p, int t, int parts)
    {
        ref DwCtx c = ref *(DwCtx*)p;
        ConvGeom g = c.G;
        var (lo, hi) = Range((long)g.G * g.Cg, t, parts);
        DwPad(ref c, lo, hi, c.Xp);
        (lo, hi) = Range((long)g.G * DwPanels(g), t, parts);
        DwPackPanels(ref c, lo, hi, c.Bt);
    }

    /// <summary>
    /// One part of the ungrouped multi-thread path: the whole padded image and the dyᵀ panels of its tiles into its
    /// private memory (<see cref="DwPrivateFloats"/>), then its tiles.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwPrivatePart(void* p, int t, int parts)
    {
        ref DwCtx c = ref *(DwCtx*)p;
        ConvGeom g = c.G;
        int tilesK = (g.K + Gemm.DwRows - 1) / Gemm.DwRows;
        var (lo, hi) = Range((long)DwPanels(g) * tilesK, t, parts);
        if (lo >= hi) return;
        float* xp = c.Private + t * DwPrivateFloats(g);
        float* bt = xp + (DwImageFloats(g) + 15) / 16 * 16;
        long q0 = lo / tilesK, q1 = (hi - 1) / tilesK + 1;   // panels of this part's tiles
        DwPad(ref c, 0, g.Cg, xp);
        DwPackPanels(ref c, q0, q1, bt - q0 * DwPanelFloats(g));
        DwTileRange(ref c, lo, hi, xp, 0, bt - q0 * DwPanelFloats(g));
    }

    /// <summary>Pads the image channels (group·Cg + ic) in [lo, hi) into <paramref name="xpBase"/> (one Image per group).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwPad(ref DwCtx c, long lo, long hi, float* xpBase)
    {
        ConvGeom g = c.G;
        int hp = c.Hp, wp = c.Wp, plane = hp * wp;
        for (long it = lo; it < hi; it++)
        {
            int grp = (int)(it / g.Cg), ic = (int)(it - (long)grp * g.Cg);
            float* dst = xpBase + grp * c.Image + (nint)ic * plane;
            float* src = c.X + ((nint)grp * g.Cg + ic) * g.InPlane;
            for (int i = 0; i < hp; i++, dst += wp)
            {
                int si = i - g.PH;
                if ((uint)si >= (uint)g.H) { Gemm.Zero(dst, wp); continue; }
                if (g.PW > 0) Gemm.Zero(dst, g.PW);
                Gemm.Copy(src + (nint)si * g.W, dst + g.PW, g.W);
                if (wp > g.PW + g.W) Gemm.Zero(dst + g.PW + g.W, wp - g.PW - g.W);
            }
        }
    }

    /// <summary>Packs the dyᵀ panels (group·panels + q) in [lo, hi) to <paramref name="btBase"/> + index·DwPanelFloats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwPackPanels(ref DwCtx c, long lo, long hi, float* btBase)
    {
        ConvGeom g = c.G;
        int N = g.N, M = g.M, dc = Gemm.DwCols, panels = DwPanels(g);
        for (long it = lo; it < hi; it++)
        {
            int grp = (int)(it / panels), q = (int)(it - (long)grp * panels);
            int oc0 = q * dc, cols = Math.Min(dc, M - oc0);
            float* bp = btBase + it * DwPanelFloats(g);
            // bp[p·dc + j] = dy[grp·M + oc0 + j][p]; zero columns past M
            Gemm.Transpose(c.Dy + ((nint)grp * M + oc0) * N, N, cols, N, bp, dc, false);
            if (cols < dc)
                for (int px = 0; px < N; px++) Gemm.Zero(bp + (nint)px * dc + cols, dc - cols);
        }
    }

    /// <summary>This part's share of the (group, panel, row tile) items: a dwᵀ tile over all pixels, added into dw.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTilePart(void* p, int t, int parts)
    {
        ref DwCtx c = ref *(DwCtx*)p;
        ConvGeom g = c.G;
        int tilesK = (g.K + Gemm.DwRows - 1) / Gemm.DwRows;
        var (lo, hi) = Range((long)g.G * DwPanels(g) * tilesK, t, parts);
        DwTileRange(ref c, lo, hi, c.Xp, c.Image, c.Bt);
    }

    /// <summary>Items [lo, hi): the padded image of group grp at xp + grp·image, panel gq at bt + gq·DwPanelFloats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void DwTileRange(ref DwCtx c, long lo, long hi, float* xp, long image, float* bt)
    {
        ConvGeom g = c.G;
        int K = g.K, M = g.M, dr = Gemm.DwRows, dc = Gemm.DwCols;
        int tilesK = (K + dr - 1) / dr, panels = DwPanels(g);
        float* tmp = stackalloc float[Gemm.MaxDwTile + 16];
        tmp = Gemm.Align(tmp);
        // output rows per pass: a dyᵀ panel chunk of ≤ DwChunkBytes stays in L2 while the tiles stream over it
        int ohStep = Math.Max(1, DwChunkBytes / (g.OW * dc * sizeof(float)));
        for (int oh0 = 0; oh0 < g.OH; oh0 += ohStep)
        {
            int nrows = Math.Min(ohStep, g.OH - oh0);
            bool first = c.First && oh0 == 0, last = c.Last && oh0 + nrows == g.OH;
            for (long it = lo; it < hi; it++)
            {
                long gq = it / tilesK;
                int tk = (int)(it - gq * tilesK);
                int grp = (int)(gq / panels), q = (int)(gq - (long)grp * panels);
                int k0 = tk * dr, rows = Math.Min(dr, K - k0);
                int oc0 = q * dc, cols = Math.Min(dc, M - oc0);
                float* acc = c.Acc + it * (dr * dc);
                if (last && Sse.IsSupported && it + 1 < hi)
                {
                    // the next tile's dw rows (one line each), to L2 while this tile computes: dw is read once, and
                    // at 256×2304 floats it does not fit in L2
                    long gq1 = (it + 1) / tilesK;
                    int tk1 = (int)(it + 1 - gq1 * tilesK), grp1 = (int)(gq1 / panels), q1 = (int)(gq1 - (long)grp1 * panels);
                    int oc1 = q1 * dc, cols1 = Math.Min(dc, M - oc1);
                    float* d1 = c.Dw + ((nint)grp1 * M + oc1) * K + tk1 * dr;
                    for (int j = 0; j < cols1; j++) Sse.Prefetch1(d1 + (nint)j * K);
                }
                Gemm.DwTile(xp + grp * image + (nint)oh0 * c.Wp, c.Offs + k0, rows,
                    bt + gq * DwPanelFloats(g) + (nint)oh0 * g.OW * dc, nrows, g.OW, c.Wp,
                    first ? null : acc, last ? tmp : acc);
                if (last) Gemm.Transpose(tmp, dc, rows, cols, c.Dw + ((nint)grp * M + oc0) * K + k0, K, true);
            }
        }
    }

    /// <summary>db[oc] += Σ over samples and pixels of dy, per channel in a fixed order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void BiasGrad(float* dy, float* db, int batch, int channels, int plane)
    {
        for (int oc = 0; oc < channels; oc++)
        {
            float s = 0f;
            for (int n = 0; n < batch; n++) s += Gemm.Sum(dy + ((nint)n * channels + oc) * plane, plane);
            db[oc] += s;
        }
    }
}
