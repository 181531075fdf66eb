using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>The constant shape of one Dense layer.</summary>
public interface IDenseShape
{
    int In { get; }
    int Out { get; }
    bool HasBias { get; }
    /// <summary>Fused activation; LeakyReLU uses <see cref="Activations.DefaultLeakySlope"/>.</summary>
    Activation Activation { get; }
}

/// <summary>
/// Fully connected layer: y[n, o] = act(Σᵢ x[n, i]·w[o, i] + b[o]), weights <c>[Out, In]</c>. PyTorch: <c>nn.Linear</c>.
/// Batches of 4 or more run on <see cref="Gemm"/>; smaller batches use vectorized dot products.
/// </summary>
public static unsafe class Dense
{
    private const int GemvBatch = 4;

    /// <summary>Floats of scratch <see cref="Forward"/> and <see cref="Backward"/> need.</summary>
    public static int ScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IDenseShape
        => checked((int)ScratchLong(s.In, s.Out, batch, threads));

    /// <summary>Floats of scratch <see cref="Forward"/> alone needs (the same as <see cref="ScratchFloats"/>: forward packs as much as backward).</summary>
    public static int ForwardScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IDenseShape
        => ScratchFloats(s, batch, threads);

    /// <summary>Below <see cref="GemvBatch"/> samples nothing is packed: forward is a GEMV, backward runs row updates.</summary>
    private static long ScratchLong(int inF, int outF, int batch, int threads)
        => batch < GemvBatch ? 16 : (long)outF * batch + 16 + (long)Math.Max(1, threads) * Gemm.PackFloats(Math.Max(Math.Max(inF, outF), batch));

    /// <summary>y = act(x·wᵀ + b).</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads) where TS : struct, IDenseShape
    {
        CheckForward(s, x, w, b, y, batch);
        KernelChecks.Scratch(scratch, ScratchLong(s.In, s.Out, batch, threads));
        int inF = s.In, outF = s.Out;
        fixed (float* px = x, pw = w, pb = b, py = y, ps = scratch)
        {
            bool gemv = batch < GemvBatch;
            var ctx = new Ctx { Op = gemv ? OpGemv : OpForward, X = px, W = pw, B = s.HasBias ? pb : null, Y = py,
                In = inF, Out = outF, Batch = batch, Scratch = ps + (nint)outF * batch + 16, PerPart = Gemm.PackFloats(Math.Max(Math.Max(inF, outF), batch)),
                Relu = gemv && s.Activation == Activation.ReLU };
            if (gemv && GemmWorkers.Parts(threads, (long)batch * inF * outF, GemvGrain) <= 1)
                for (int n = 0; n < batch; n++)                                                             // small: no pool hand-off
                    Gemv(s, px + (nint)n * inF, pw, ctx.B, py + (nint)n * outF, 0, outF, ctx.Relu);        // the shape's constants
            else Run(ref ctx, threads, (long)batch * inF * outF, gemv ? GemvGrain : 1L << 20);
            if (ctx.Relu) return;                                                                             // applied in the GEMV store
        }
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Applies the activation derivative to <paramref name="dy"/> in place, then dw += , db += , dx += (dx may be empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IDenseShape
    {
        CheckBackward(s, x, w, y, dy, dx, dw, db, batch);
        KernelChecks.Scratch(scratch, ScratchLong(s.In, s.Out, batch, threads));
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        int inF = s.In, outF = s.Out;
        fixed (float* px = x, pw = w, pdy = dy, pdx = dx, pdw = dw, pdb = db, ps = scratch)
        {
            if (s.HasBias)
                for (int o = 0; o < outF; o++)
                {
                    float acc = 0f;
                    for (int n = 0; n < batch; n++) acc += pdy[(nint)n * outF + o];
                    pdb[o] += acc;
                }
            if (batch < GemvBatch)
            {
                // no packing: dw[o, :] += dy[n, o]·x[n, :] and dx[n, :] += dy[n, o]·w[o, :], in a fixed order
                var sctx = new Ctx { Op = OpSmallWeights, X = px, W = pw, Y = pdy, Dx = pdx, Dw = pdw, In = inF, Out = outF, Batch = batch };
                Run(ref sctx, threads, (long)batch * inF * outF);
                if (!dx.IsEmpty)
                {
                    sctx.Op = OpSmallData;
                    Run(ref sctx, threads, (long)batch * inF * outF);
                }
                return;
            }
            float* dyT = Gemm.Align(ps);
            for (int n = 0; n < batch; n++)
                for (int o = 0; o < outF; o++) dyT[(nint)o * batch + n] = pdy[(nint)n * outF + o];
            var ctx = new Ctx { Op = OpWeights, X = px, W = pw, Y = pdy, DyT = dyT, Dx = pdx, Dw = pdw,
                In = inF, Out = outF, Batch = batch, Scratch = ps + (nint)outF * batch + 16, PerPart = Gemm.PackFloats(Math.Max(Math.Max(inF, outF), batch)) };
            Run(ref ctx, threads, (long)batch * inF * outF);
            if (!dx.IsEmpty)
            {
                ctx.Op = OpData;
                Run(ref ctx, threads, (long)batch * inF * outF);
            }
        }
    }

    private const int OpGemv = 0, OpForward = 1, OpWeights = 2, OpData = 3, OpSmallWeights = 4, OpSmallData = 5;

    private struct Ctx
    {
        public int Op, In, Out, Batch, PerPart;
        public bool Relu;       // GEMV: ReLU fused into the store
        public float* X, W, B, Y, DyT, Dx, Dw, Scratch;
    }

    /// <summary>Multiply-adds per part of a batch-1 GEMV: it streams its weights once, so a 1 MB matrix (MobileNetV2's
    /// and ResNet's classifiers, 1.28 M and 0.51 M) is already worth both cores' bandwidth.</summary>
    private const long GemvGrain = 1L << 18;

    private static void Run(ref Ctx ctx, int threads, long macs, long grain = 1L << 20)
    {
        int parts = GemmWorkers.Parts(threads, macs, grain);
        fixed (Ctx* p = &ctx) GemmWorkers.Run(parts, &Part, p);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        float* bpack = c.Scratch + (nint)t * c.PerPart;
        int nr = Gemm.NR;
        switch (c.Op)
        {
            case OpSmallWeights:
            {
                int o0 = (int)((long)c.Out * t / parts), o1 = (int)((long)c.Out * (t + 1) / parts);
                for (int o = o0; o < o1; o++)
                    for (int n = 0; n < c.Batch; n++)
                        Axpy(c.Y[(nint)n * c.Out + o], c.X + (nint)n * c.In, c.Dw + (nint)o * c.In, c.In);
                return;
            }
            case OpSmallData:
            {
                // columns in chunks of 16, so every element takes the same vector/tail path for any part count
                int chunks = (c.In + 15) / 16;
                int i0 = (int)((long)chunks * t / parts) * 16, i1 = Math.Min(c.In, (int)((long)chunks * (t + 1) / parts) * 16);
                if (i0 >= i1) return;
                for (int n = 0; n < c.Batch; n++)
                    for (int o = 0; o < c.Out; o++)
                        Axpy(c.Y[(nint)n * c.Out + o], c.W + (nint)o * c.In + i0, c.Dx + (nint)n * c.In + i0, i1 - i0);
                return;
            }
            case OpGemv:
            {
                int o0 = (int)((long)c.Out * t / parts), o1 = (int)((long)c.Out * (t + 1) / parts);
                var shape = new RuntimeShape(c.In, c.Out);
                for (int n = 0; n < c.Batch; n++) Gemv(shape, c.X + (nint)n * c.In, c.W, c.B, c.Y + (nint)n * c.Out, o0, o1, c.Relu);
                break;
            }
            case OpForward:
            {
                var (n0, n1) = Columns(c.Out, t, parts, nr);
                if (n0 >= n1) return;
                var src = new TransposedB(c.W, c.In);
                Gemm.Run(ref src, c.Batch, c.In, c.X, c.In, c.Y, c.Out, null, false, n0, n1, bpack);
                if (c.B != null)
                    for (int n = 0; n < c.Batch; n++) Gemm.Add(c.B + n0, c.Y + (nint)n * c.Out + n0, n1 - n0);
                break;
            }
            case OpWeights:
            {
                var (n0, n1) = Columns(c.In, t, parts, nr);
                if (n0 >= n1) return;
                var src = new MatrixB(c.X, c.In);
                Gemm.Run(ref src, c.Out, c.Batch, c.DyT, c.Batch, c.Dw, c.In, null, true, n0, n1, bpack);
                break;
            }
            case OpData:
            {
                var (n0, n1) = Columns(c.In, t, parts, nr);
                if (n0 >= n1) return;
                var src = new MatrixB(c.W, c.In);
                Gemm.Run(ref src, c.Batch, c.Out, c.Y, c.Out, c.Dx, c.In, null, true, n0, n1, bpack);
                break;
            }
        }
    }

    /// <summary>y[i] += a·x[i] (fused where the hardware has FMA).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Axpy(float a, float* x, float* y, int n)
    {
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i + 8 <= n; i += 8) Gemm.Fma(va, Vector256.Load(x + i), Vector256.Load(y + i)).Store(y + i);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            var va = Vector128.Create(a);
            for (; i + 4 <= n; i += 4) Gemm.Fma(va, Vector128.Load(x + i), Vector128.Load(y + i)).Store(y + i);
        }
        for (; i < n; i++) y[i] = MathF.FusedMultiplyAdd(a, x[i], y[i]);
    }

    private static (int, int) Columns(int n, int t, int parts, int nr)
    {
        int tiles = (n + nr - 1) / nr;
        int t0 = (int)((long)tiles * t / parts), t1 = (int)((long)tiles * (t + 1) / parts);
        return (t0 * nr, Math.Min(n, t1 * nr));
    }

    // ---- GEMV (batch < GemvBatch) ---------------------------------------------------------------------------------
    // Every output is one dot product in a fixed order that depends only on In and the instruction set, never on how
    // outputs are grouped or split between threads:
    //   1. one accumulator vector of L lanes (16 with AVX-512, 8 with AVX2, else 4), fused over the row's full L-chunks;
    //   2. when L does not divide In, one more fused step over the row's last L elements with the lanes already counted
    //      zeroed in both x and w (0·0 adds exactly nothing, so an infinite weight cannot turn into NaN there);
    //   3. a halving tree over the lanes: lane k + L/2 onto lane k, then k + L/4, …, then lane 1 onto lane 0;
    //   4. + bias (+ 0 without bias, so −0 becomes +0 as in the reference), then the fused ReLU.
    // Rows shorter than L are one scalar fused chain from i = 0.
    // AVX-512 runs 16 rows per pass (16 independent accumulators keep both FMA pipes busy and x is loaded once per chunk)
    // and folds the 16 accumulators into one vector of 16 sums with a transposing shuffle tree that performs, for every
    // row, exactly the additions of step 3 (accumulator j holds row Perm16[j], which puts sum o in lane o); AVX2 does the
    // same with 8 rows. A range that is not a multiple of the group ends with a group that overlaps the previous one (or
    // the next part's rows) and stores only its own rows. Layers with fewer outputs than a group take one row at a time.

    /// <summary>A Dense shape read at run time (the multi-threaded GEMV; the generated shapes are constants).</summary>
    private readonly struct RuntimeShape(int inF, int outF) : IDenseShape
    {
        public int In => inF;
        public int Out => outF;
        public bool HasBias => false;
        public Activation Activation => Activation.None;
    }

    /// <summary>y[o] = act(w[o, :]·x + b[o]) for o in [o0, o1); <paramref name="b"/> may be null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv<TS>(TS s, float* x, float* w, float* b, float* y, int o0, int o1, bool relu) where TS : struct, IDenseShape
    {
        int n = s.In;
        // the same lane width as DotOne picks for this n, so a row's arithmetic does not depend on the kernel it runs in
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && n >= 16)
        {
            if (s.Out >= 16) { Gemv16(s, x, w, b, y, o0, o1, relu); return; }
        }
        else if (Avx.IsSupported && Vector256.IsHardwareAccelerated && n >= 8 && s.Out >= 8) { Gemv8(s, x, w, b, y, o0, o1, relu); return; }
        for (int o = o0; o < o1; o++) y[o] = Finish(DotOne(x, w + (nint)o * n, n), b == null ? 0f : b[o], relu);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv16<TS>(TS s, float* x, float* w, float* b, float* y, int o0, int o1, bool relu) where TS : struct, IDenseShape
    {
        int n = s.In, outF = s.Out, full = n & ~15, r = n & 15;
        Vector512<float> mask = TailMask512(r), xt = Vector512.Load(x + n - 16) & mask, zero = Vector512<float>.Zero;
        float* tmp = stackalloc float[16];
        for (int o = o0; o < o1; o += 16)
        {
            int g = Math.Min(o, outF - 16);
            float* p = w + (nint)g * n;
            Vector512<float> a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero, a8 = zero, a9 = zero, a10 = zero, a11 = zero, a12 = zero, a13 = zero, a14 = zero, a15 = zero;
            for (int i = 0; i < full; i += 16)
            {
                var xv = Vector512.Load(x + i);
                float* q = p + i;
                a0 = Gemm.Fma(xv, Vector512.Load(q), a0);
                a1 = Gemm.Fma(xv, Vector512.Load(q + 2 * n), a1);
                a2 = Gemm.Fma(xv, Vector512.Load(q + n), a2);
                a3 = Gemm.Fma(xv, Vector512.Load(q + 3 * n), a3);
                a4 = Gemm.Fma(xv, Vector512.Load(q + 8 * n), a4);
                a5 = Gemm.Fma(xv, Vector512.Load(q + 10 * n), a5);
                a6 = Gemm.Fma(xv, Vector512.Load(q + 9 * n), a6);
                a7 = Gemm.Fma(xv, Vector512.Load(q + 11 * n), a7);
                a8 = Gemm.Fma(xv, Vector512.Load(q + 4 * n), a8);
                a9 = Gemm.Fma(xv, Vector512.Load(q + 6 * n), a9);
                a10 = Gemm.Fma(xv, Vector512.Load(q + 5 * n), a10);
                a11 = Gemm.Fma(xv, Vector512.Load(q + 7 * n), a11);
                a12 = Gemm.Fma(xv, Vector512.Load(q + 12 * n), a12);
                a13 = Gemm.Fma(xv, Vector512.Load(q + 14 * n), a13);
                a14 = Gemm.Fma(xv, Vector512.Load(q + 13 * n), a14);
                a15 = Gemm.Fma(xv, Vector512.Load(q + 15 * n), a15);
            }
            if (r != 0)
            {
                float* q = p + (n - 16);
                a0 = Gemm.Fma(xt, Vector512.Load(q) & mask, a0);
                a1 = Gemm.Fma(xt, Vector512.Load(q + 2 * n) & mask, a1);
                a2 = Gemm.Fma(xt, Vector512.Load(q + n) & mask, a2);
                a3 = Gemm.Fma(xt, Vector512.Load(q + 3 * n) & mask, a3);
                a4 = Gemm.Fma(xt, Vector512.Load(q + 8 * n) & mask, a4);
                a5 = Gemm.Fma(xt, Vector512.Load(q + 10 * n) & mask, a5);
                a6 = Gemm.Fma(xt, Vector512.Load(q + 9 * n) & mask, a6);
                a7 = Gemm.Fma(xt, Vector512.Load(q + 11 * n) & mask, a7);
                a8 = Gemm.Fma(xt, Vector512.Load(q + 4 * n) & mask, a8);
                a9 = Gemm.Fma(xt, Vector512.Load(q + 6 * n) & mask, a9);
                a10 = Gemm.Fma(xt, Vector512.Load(q + 5 * n) & mask, a10);
                a11 = Gemm.Fma(xt, Vector512.Load(q + 7 * n) & mask, a11);
                a12 = Gemm.Fma(xt, Vector512.Load(q + 12 * n) & mask, a12);
                a13 = Gemm.Fma(xt, Vector512.Load(q + 14 * n) & mask, a13);
                a14 = Gemm.Fma(xt, Vector512.Load(q + 13 * n) & mask, a14);
                a15 = Gemm.Fma(xt, Vector512.Load(q + 15 * n) & mask, a15);
            }
            // lanes k + 8 onto k, pairing accumulators j and j + 8 in one vector

            var b0 = Avx512F.Shuffle4x128(a0, a8, 0x44) + Avx512F.Shuffle4x128(a0, a8, 0xEE);
            var b1 = Avx512F.Shuffle4x128(a1, a9, 0x44) + Avx512F.Shuffle4x128(a1, a9, 0xEE);
            var b2 = Avx512F.Shuffle4x128(a2, a10, 0x44) + Avx512F.Shuffle4x128(a2, a10, 0xEE);
            var b3 = Avx512F.Shuffle4x128(a3, a11, 0x44) + Avx512F.Shuffle4x128(a3, a11, 0xEE);
            var b4 = Avx512F.Shuffle4x128(a4, a12, 0x44) + Avx512F.Shuffle4x128(a4, a12, 0xEE);
            var b5 = Avx512F.Shuffle4x128(a5, a13, 0x44) + Avx512F.Shuffle4x128(a5, a13, 0xEE);
            var b6 = Avx512F.Shuffle4x128(a6, a14, 0x44) + Avx512F.Shuffle4x128(a6, a14, 0xEE);
            var b7 = Avx512F.Shuffle4x128(a7, a15, 0x44) + Avx512F.Shuffle4x128(a7, a15, 0xEE);
            // lanes k + 4 onto k
            var c0 = Avx512F.Shuffle4x128(b0, b4, 0x88) + Avx512F.Shuffle4x128(b0, b4, 0xDD);
            var c1 = Avx512F.Shuffle4x128(b1, b5, 0x88) + Avx512F.Shuffle4x128(b1, b5, 0xDD);
            var c2 = Avx512F.Shuffle4x128(b2, b6, 0x88) + Avx512F.Shuffle4x128(b2, b6, 0xDD);
            var c3 = Avx512F.Shuffle4x128(b3, b7, 0x88) + Avx512F.Shuffle4x128(b3, b7, 0xDD);
            // lanes k + 2 onto k, then lane 1 onto lane 0
            var d0 = Avx512F.Shuffle(c0, c2, 0x44) + Avx512F.Shuffle(c0, c2, 0xEE);
            var d1 = Avx512F.Shuffle(c1, c3, 0x44) + Avx512F.Shuffle(c1, c3, 0xEE);
            var v = Avx512F.Shuffle(d0, d1, 0x88) + Avx512F.Shuffle(d0, d1, 0xDD);
            v += b == null ? zero : Vector512.Load(b + g);
            if (relu) v = Vector512.ConditionalSelect(Vector512.LessThan(v, zero), zero, v);
            if (g == o && o + 16 <= o1) v.Store(y + o);
            else
            {
                v.Store(tmp);
                for (int k = o, k1 = Math.Min(o1, g + 16); k < k1; k++) y[k] = tmp[k - g];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gemv8<TS>(TS s, float* x, float* w, float* b, float* y, int o0, int o1, bool relu) where TS : struct, IDenseShape
    {
        int n = s.In, outF = s.Out, full = n & ~7, r = n & 7;
        Vector256<float> mask = TailMask256(r), xt = Vector256.Load(x + n - 8) & mask, zero = Vector256<float>.Zero;
        float* tmp = stackalloc float[8];
        for (int o = o0; o < o1; o += 8)
        {
            int g = Math.Min(o, outF - 8);
            float* p = w + (nint)g * n;
            Vector256<float> a0 = zero, a1 = zero, a2 = zero, a3 = zero, a4 = zero, a5 = zero, a6 = zero, a7 = zero;
            for (int i = 0; i < full; i += 8)
            {
                var xv = Vector256.Load(x + i);
                float* q = p + i;
                a0 = Gemm.Fma(xv, Vector256.Load(q), a0);
                a1 = Gemm.Fma(xv, Vector256.Load(q + 2 * n), a1);
                a2 = Gemm.Fma(xv, Vector256.Load(q + n), a2);
                a3 = Gemm.Fma(xv, Vector256.Load(q + 3 * n), a3);
                a4 = Gemm.Fma(xv, Vector256.Load(q + 4 * n), a4);
                a5 = Gemm.Fma(xv, Vector256.Load(q + 6 * n), a5);
                a6 = Gemm.Fma(xv, Vector256.Load(q + 5 * n), a6);
                a7 = Gemm.Fma(xv, Vector256.Load(q + 7 * n), a7);
            }
            if (r != 0)
            {
                float* q = p + (n - 8);
                a0 = Gemm.Fma(xt, Vector256.Load(q) & mask, a0);
                a1 = Gemm.Fma(xt, Vector256.Load(q + 2 * n) & mask, a1);
                a2 = Gemm.Fma(xt, Vector256.Load(q + n) & mask, a2);
                a3 = Gemm.Fma(xt, Vector256.Load(q + 3 * n) & mask, a3);
                a4 = Gemm.Fma(xt, Vector256.Load(q + 4 * n) & mask, a4);
                a5 = Gemm.Fma(xt, Vector256.Load(q + 6 * n) & mask, a5);
                a6 = Gemm.Fma(xt, Vector256.Load(q + 5 * n) & mask, a6);
                a7 = Gemm.Fma(xt, Vector256.Load(q + 7 * n) & mask, a7);
            }
            // lanes k + 4 onto k, pairing accumulators j and j + 4 in one vector; then k + 2 onto k; then 1 onto 0
            var b0 = Avx.Permute2x128(a0, a4, 0x20) + Avx.Permute2x128(a0, a4, 0x31);
            var b1 = Avx.Permute2x128(a1, a5, 0x20) + Avx.Permute2x128(a1, a5, 0x31);
            var b2 = Avx.Permute2x128(a2, a6, 0x20) + Avx.Permute2x128(a2, a6, 0x31);
            var b3 = Avx.Permute2x128(a3, a7, 0x20) + Avx.Permute2x128(a3, a7, 0x31);
            var c0 = Avx.Shuffle(b0, b2, 0x44) + Avx.Shuffle(b0, b2, 0xEE);
            var c1 = Avx.Shuffle(b1, b3, 0x44) + Avx.Shuffle(b1, b3, 0xEE);
            var v = Avx.Shuffle(c0, c1, 0x88) + Avx.Shuffle(c0, c1, 0xDD);
            v += b == null ? zero : Vector256.Load(b + g);
            if (relu) v = Vector256.ConditionalSelect(Vector256.LessThan(v, zero), zero, v);
            if (g == o && o + 8 <= o1) v.Store(y + o);
            else
            {
                v.Store(tmp);
                for (int k = o, k1 = Math.Min(o1, g + 8); k < k1; k++) y[k] = tmp[k - g];
            }
        }
    }

    /// <summary>One row in the order of the multi-row kernels (steps 1 to 3 above).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotOne(float* x, float* w, int n)
    {
        if (Avx512F.IsSupported && Vector512.IsHardwareAccelerated && n >= 16)
        {
            int full = n & ~15, r = n & 15;
            var acc = Vector512<float>.Zero;
            for (int i = 0; i < full; i += 16) acc = Gemm.Fma(Vector512.Load(x + i), Vector512.Load(w + i), acc);
            if (r != 0)
            {
                var m = TailMask512(r);
                acc = Gemm.Fma(Vector512.Load(x + n - 16) & m, Vector512.Load(w + n - 16) & m, acc);
            }
            return Tree(acc.GetLower() + acc.GetUpper());
        }
        if (Avx.IsSupported && Vector256.IsHardwareAccelerated && n >= 8)
        {
            int full = n & ~7, r = n & 7;
            var acc = Vector256<float>.Zero;
            for (int i = 0; i < full; i += 8) acc = Gemm.Fma(Vector256.Load(x + i), Vector256.Load(w + i), acc);
            if (r != 0)
            {
                var m = TailMask256(r);
                acc = Gemm.Fma(Vector256.Load(x + n - 8) & m, Vector256.Load(w + n - 8) & m, acc);
            }
            return Tree(acc);
        }
        if (Vector128.IsHardwareAccelerated && n >= 4)
        {
            int full = n & ~3, r = n & 3;
            var acc = Vector128<float>.Zero;
            for (int i = 0; i < full; i += 4) acc = Gemm.Fma(Vector128.Load(x + i), Vector128.Load(w + i), acc);
            if (r != 0)
            {
                var m = Vector128.GreaterThanOrEqual(Vector128.Create(0, 1, 2, 3), Vector128.Create(4 - r)).AsSingle();
                acc = Gemm.Fma(Vector128.Load(x + n - 4) & m, Vector128.Load(w + n - 4) & m, acc);
            }
            return Tree(acc);
        }
        float sum = 0f;
        for (int i = 0; i < n; i++) sum = MathF.FusedMultiplyAdd(x[i], w[i], sum);
        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tree(Vector256<float> v) => Tree(v.GetLower() + v.GetUpper());

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Tree(Vector128<float> v)
    {
        var h = v + Vector128.Shuffle(v, Vector128.Create(2, 3, 0, 1));
        return h.ToScalar() + h.GetElement(1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Finish(float sum, float bias, bool relu)
    {
        float v = sum + bias;
        return relu && v < 0f ? 0f : v;
    }

    /// <summary>All ones in the last <paramref name="r"/> lanes (all lanes when r is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> TailMask512(int r)
        => Vector512.GreaterThanOrEqual(Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15), Vector512.Create((16 - r) & 15)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> TailMask256(int r)
        => Vector256.GreaterThanOrEqual(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create((8 - r) & 7)).AsSingle();

    // ---- reference twins ---------------------------------------------------------------------------------------

    /// <summary>Scalar reference of <see cref="Forward"/> (double accumulation).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads) where TS : struct, IDenseShape
    {
        CheckForward(s, x, w, b, y, batch);
        int inF = s.In, outF = s.Out;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < outF; o++)
            {
                double sum = s.HasBias ? b[o] : 0.0;
                for (int i = 0; i < inF; i++) sum += (double)x[n * inF + i] * w[o * inF + i];
                y[n * outF + o] = (float)sum;
            }
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Scalar reference of <see cref="Backward"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IDenseShape
    {
        CheckBackward(s, x, w, y, dy, dx, dw, db, batch);
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        int inF = s.In, outF = s.Out;
        for (int o = 0; o < outF; o++)
        {
            for (int i = 0; i < inF; i++)
            {
                double sum = 0;
                for (int n = 0; n < batch; n++) sum += (double)dy[n * outF + o] * x[n * inF + i];
                dw[o * inF + i] += (float)sum;
            }
            if (s.HasBias)
            {
                double sb = 0;
                for (int n = 0; n < batch; n++) sb += dy[n * outF + o];
                db[o] += (float)sb;
            }
        }
        if (!dx.IsEmpty)
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < inF; i++)
                {
                    double sum = 0;
                    for (int o = 0; o < outF; o++) sum += (double)dy[n * outF + o] * w[o * inF + i];
                    dx[n * inF + i] += (float)sum;
                }
    }

    private static void CheckForward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> y, int batch) where TS : struct, IDenseShape
    {
        if (s.In < 1 || s.Out < 1) throw new ArgumentException($"Invalid dense shape In = {s.In}, Out = {s.Out}.");
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * s.In, "x");
        KernelChecks.Length(w, (long)s.Out * s.In, "w");
        KernelChecks.Length(b, s.HasBias ? s.Out : 0, "b");
        KernelChecks.Length(y, (long)batch * s.Out, "y");
    }

    private static void CheckBackward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, ReadOnlySpan<float> dx, ReadOnlySpan<float> dw, ReadOnlySpan<float> db, int batch)
        where TS : struct, IDenseShape
    {
        if (s.In < 1 || s.Out < 1) throw new ArgumentException($"Invalid dense shape In = {s.In}, Out = {s.Out}.");
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * s.In, "x");
        KernelChecks.Length(w, (long)s.Out * s.In, "w");
        KernelChecks.Length(y, (long)batch * s.Out, "y");
        KernelChecks.Length(dy, (long)batch * s.Out, "dy");
        if (!dx.IsEmpty) KernelChecks.Length(dx, (long)batch * s.In, "dx");
        KernelChecks.Length(dw, (long)s.Out * s.In, "dw");
        KernelChecks.Length(db, s.HasBias ? s.Out : 0, "db");
    }
}
