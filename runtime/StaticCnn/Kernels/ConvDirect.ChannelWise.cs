using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>Direct forward vectorised over output channels (<see cref="ConvAlgorithm.ChannelWise"/>).</summary>
internal static unsafe partial class ConvDirect
{
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
        public ConvEpilogue Ep;
        public float* Pooled;           // column-pair kernel: the 2×2/stride-2 max-pool taken in the tiles (one part), or null
        public int PoolW;
    }

    private static void ForwardChannelWise(in ConvGeom g, float* x, float* w, float* b, float* y, int batch,
        in ConvEpilogue ep, float* scratch, int threads)
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
            G = g, X = x, Wt = wt, Taps = taps, B = b, Y = y, Batch = batch, Relu = ep.Act == Activation.ReLU, Ep = ep,
            Scratch = (float*)(taps + K) + 16, PerPart = checked((int)PerPart(g)),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, 1L << 20);
        if (parts <= 1) ChannelPart(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &ChannelPart, &ctx);
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
            if (c.Ep.Act != Activation.None && c.Ep.Act != Activation.ReLU)
                for (int o = 0; o < g.Cout; o++)
                    Activations.ApplyForward(c.Ep.Act, Activations.DefaultLeakySlope, new Span<float>(yn + (nint)o * N, np));
            if (c.Ep.HasTail)
                for (int o = 0; o < g.Cout; o++) c.Ep.Tail(o, yn + (nint)o * N, np);
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
