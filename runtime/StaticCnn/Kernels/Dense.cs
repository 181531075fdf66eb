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

    private static long ScratchLong(int inF, int outF, int batch, int threads)
        => (long)outF * batch + 16 + (long)Math.Max(1, threads) * Gemm.PackFloats(Math.Max(Math.Max(inF, outF), batch));

    /// <summary>y = act(x·wᵀ + b).</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads) where TS : struct, IDenseShape
    {
        CheckForward(s, x, w, b, y, batch);
        KernelChecks.Scratch(scratch, ScratchLong(s.In, s.Out, batch, threads));
        int inF = s.In, outF = s.Out;
        fixed (float* px = x, pw = w, pb = b, py = y, ps = scratch)
        {
            var ctx = new Ctx { Op = batch < GemvBatch ? OpGemv : OpForward, X = px, W = pw, B = s.HasBias ? pb : null, Y = py,
                In = inF, Out = outF, Batch = batch, Scratch = ps + (nint)outF * batch + 16, PerPart = Gemm.PackFloats(Math.Max(Math.Max(inF, outF), batch)) };
            Run(ref ctx, threads, (long)batch * inF * outF);
        }
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Applies the activation derivative to <paramref name="dy"/> in place, then dw += , db += , dx += (dx may be empty).</summary>
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

    private const int OpGemv = 0, OpForward = 1, OpWeights = 2, OpData = 3;

    private struct Ctx
    {
        public int Op, In, Out, Batch, PerPart;
        public float* X, W, B, Y, DyT, Dx, Dw, Scratch;
    }

    private static void Run(ref Ctx ctx, int threads, long macs)
    {
        int parts = GemmWorkers.Parts(threads, macs, 1L << 20);
        fixed (Ctx* p = &ctx) GemmWorkers.Run(parts, &Part, p);
    }

    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        float* bpack = c.Scratch + (nint)t * c.PerPart;
        int nr = Gemm.NR;
        switch (c.Op)
        {
            case OpGemv:
            {
                int o0 = (int)((long)c.Out * t / parts), o1 = (int)((long)c.Out * (t + 1) / parts);
                for (int n = 0; n < c.Batch; n++)
                    for (int o = o0; o < o1; o++)
                        c.Y[(nint)n * c.Out + o] = (c.B == null ? 0f : c.B[o]) + Dot(c.X + (nint)n * c.In, c.W + (nint)o * c.In, c.In);
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

    private static (int, int) Columns(int n, int t, int parts, int nr)
    {
        int tiles = (n + nr - 1) / nr;
        int t0 = (int)((long)tiles * t / parts), t1 = (int)((long)tiles * (t + 1) / parts);
        return (t0 * nr, Math.Min(n, t1 * nr));
    }

    private static float Dot(float* a, float* b, int n)
    {
        int i = 0;
        float s = 0f;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> acc0 = Vector512<float>.Zero, acc1 = Vector512<float>.Zero;
            for (; i + 32 <= n; i += 32)
            {
                acc0 = Gemm.Fma(Vector512.Load(a + i), Vector512.Load(b + i), acc0);
                acc1 = Gemm.Fma(Vector512.Load(a + i + 16), Vector512.Load(b + i + 16), acc1);
            }
            s = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> acc0 = Vector256<float>.Zero, acc1 = Vector256<float>.Zero;
            for (; i + 16 <= n; i += 16)
            {
                acc0 = Gemm.Fma(Vector256.Load(a + i), Vector256.Load(b + i), acc0);
                acc1 = Gemm.Fma(Vector256.Load(a + i + 8), Vector256.Load(b + i + 8), acc1);
            }
            s = Vector256.Sum(acc0 + acc1);
        }
        else
        {
            Vector128<float> acc0 = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) acc0 = Gemm.Fma(Vector128.Load(a + i), Vector128.Load(b + i), acc0);
            s = Vector128.Sum(acc0);
        }
        for (; i < n; i++) s = MathF.FusedMultiplyAdd(a[i], b[i], s);
        return s;
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
