using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

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
            if (gemv && GemmWorkers.Parts(threads, (long)batch * inF * outF, 1L << 20) <= 1) Part(&ctx, 0, 1);   // small: no pool hand-off
            else Run(ref ctx, threads, (long)batch * inF * outF);
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

    private static void Run(ref Ctx ctx, int threads, long macs)
    {
        int parts = GemmWorkers.Parts(threads, macs, 1L << 20);
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
                for (int n = 0; n < c.Batch; n++)
                {
                    float* xn = c.X + (nint)n * c.In;
                    float* yn = c.Y + (nint)n * c.Out;
                    int o = o0;
                    for (; o + 4 <= o1; o += 4) Dot4(xn, c.W + (nint)o * c.In, c.In, c.B == null ? null : c.B + o, yn + o);
                    for (; o < o1; o++) yn[o] = (c.B == null ? 0f : c.B[o]) + Dot(xn, c.W + (nint)o * c.In, c.In);
                    if (c.Relu) Activations.ApplyForward(Activation.ReLU, 0f, new Span<float>(yn + o0, o1 - o0));   // NaN passes
                }
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

    // GEMV: one accumulator vector per output, summed lane-wise in order, then the scalar tail. Dot4 computes four
    // outputs with exactly the arithmetic of four Dot calls (shared loads of x only), so results do not depend on
    // how outputs are grouped or partitioned.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(float* x, float* w, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc = Gemm.Fma(Vector512.Load(x + i), Vector512.Load(w + i), acc);
            s = Vector512.Sum(acc);
            // the tail in one narrower vector each (8, then 4), summed after the wide part: no long scalar chain
            if (i + 8 <= n) { s += Vector256.Sum(Vector256.Load(x + i) * Vector256.Load(w + i)); i += 8; }
            if (i + 4 <= n) { s += Vector128.Sum(Vector128.Load(x + i) * Vector128.Load(w + i)); i += 4; }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc = Gemm.Fma(Vector256.Load(x + i), Vector256.Load(w + i), acc);
            s = Vector256.Sum(acc);
        }
        else
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) acc = Gemm.Fma(Vector128.Load(x + i), Vector128.Load(w + i), acc);
            s = Vector128.Sum(acc);
        }
        for (; i < n; i++) s = MathF.FusedMultiplyAdd(x[i], w[i], s);
        return s;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Dot4(float* x, float* w, int n, float* bias, float* y)
    {
        float* w0 = w, w1 = w + n, w2 = w + 2 * (nint)n, w3 = w + 3 * (nint)n;
        int i = 0;
        float s0, s1, s2, s3;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a0 = Vector512<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 16 <= n; i += 16)
            {
                var xv = Vector512.Load(x + i);
                a0 = Gemm.Fma(xv, Vector512.Load(w0 + i), a0);
                a1 = Gemm.Fma(xv, Vector512.Load(w1 + i), a1);
                a2 = Gemm.Fma(xv, Vector512.Load(w2 + i), a2);
                a3 = Gemm.Fma(xv, Vector512.Load(w3 + i), a3);
            }
            s0 = Vector512.Sum(a0); s1 = Vector512.Sum(a1); s2 = Vector512.Sum(a2); s3 = Vector512.Sum(a3);
            if (i + 8 <= n)
            {
                var xv = Vector256.Load(x + i);
                s0 += Vector256.Sum(xv * Vector256.Load(w0 + i)); s1 += Vector256.Sum(xv * Vector256.Load(w1 + i));
                s2 += Vector256.Sum(xv * Vector256.Load(w2 + i)); s3 += Vector256.Sum(xv * Vector256.Load(w3 + i));
                i += 8;
            }
            if (i + 4 <= n)
            {
                var xv = Vector128.Load(x + i);
                s0 += Vector128.Sum(xv * Vector128.Load(w0 + i)); s1 += Vector128.Sum(xv * Vector128.Load(w1 + i));
                s2 += Vector128.Sum(xv * Vector128.Load(w2 + i)); s3 += Vector128.Sum(xv * Vector128.Load(w3 + i));
                i += 4;
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a0 = Vector256<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 8 <= n; i += 8)
            {
                var xv = Vector256.Load(x + i);
                a0 = Gemm.Fma(xv, Vector256.Load(w0 + i), a0);
                a1 = Gemm.Fma(xv, Vector256.Load(w1 + i), a1);
                a2 = Gemm.Fma(xv, Vector256.Load(w2 + i), a2);
                a3 = Gemm.Fma(xv, Vector256.Load(w3 + i), a3);
            }
            s0 = Vector256.Sum(a0); s1 = Vector256.Sum(a1); s2 = Vector256.Sum(a2); s3 = Vector256.Sum(a3);
        }
        else
        {
            Vector128<float> a0 = Vector128<float>.Zero, a1 = a0, a2 = a0, a3 = a0;
            for (; i + 4 <= n; i += 4)
            {
                var xv = Vector128.Load(x + i);
                a0 = Gemm.Fma(xv, Vector128.Load(w0 + i), a0);
                a1 = Gemm.Fma(xv, Vector128.Load(w1 + i), a1);
                a2 = Gemm.Fma(xv, Vector128.Load(w2 + i), a2);
                a3 = Gemm.Fma(xv, Vector128.Load(w3 + i), a3);
            }
            s0 = Vector128.Sum(a0); s1 = Vector128.Sum(a1); s2 = Vector128.Sum(a2); s3 = Vector128.Sum(a3);
        }
        for (; i < n; i++)
        {
            s0 = MathF.FusedMultiplyAdd(x[i], w0[i], s0);
            s1 = MathF.FusedMultiplyAdd(x[i], w1[i], s1);
            s2 = MathF.FusedMultiplyAdd(x[i], w2[i], s2);
            s3 = MathF.FusedMultiplyAdd(x[i], w3[i], s3);
        }
        if (bias == null) { y[0] = 0f + s0; y[1] = 0f + s1; y[2] = 0f + s2; y[3] = 0f + s3; }
        else { y[0] = bias[0] + s0; y[1] = bias[1] + s1; y[2] = bias[2] + s2; y[3] = bias[3] + s3; }
    }

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
