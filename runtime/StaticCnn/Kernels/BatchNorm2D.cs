using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>Shape of a 2-D batch normalization, per sample (C, H, W), with its ε and momentum.</summary>
public interface IBatchNormShape
{
    int C { get; }
    int H { get; }
    int W { get; }
    float Epsilon { get; }
    float Momentum { get; }
}

/// <summary>An <see cref="IBatchNormShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct BatchNormShape(int C, int H, int W, float Epsilon = 1e-5f, float Momentum = 0.1f) : IBatchNormShape;

/// <summary>
/// Batch normalization over (N, H, W) per channel, as PyTorch: training normalizes with the batch mean and the biased
/// variance, and updates running_mean = (1 − m)·running_mean + m·mean, running_var = (1 − m)·running_var + m·var·M/(M − 1)
/// (M = N·H·W, unbiased); inference uses the running statistics. y = x·α + (β − mean·α) with α = γ/√(var + ε).
/// Statistics are accumulated in double (the fast path: float SIMD lanes per plane, double across planes).
/// Threads partition channels. PyTorch: <c>nn.BatchNorm2d(C, eps, momentum)</c>.
/// </summary>
public static unsafe class BatchNorm2D
{
    /// <summary>Training forward: batch statistics, running-statistics update, saveMean/saveInvStd for backward.</summary>
    public static void ForwardTrain<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> y, Span<float> saveMean, Span<float> saveInvStd, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckTrain(s, x.Length, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, y.Length, saveMean.Length, saveInvStd.Length, batch, threads);
        fixed (float* px = x, pg = gamma, pb = beta, prm = runningMean, prv = runningVar, py = y, psm = saveMean, psi = saveInvStd)
            OpsParallel.For(s.C, threads, new TrainWork<TS>
            { S = s, X = px, G = pg, B = pb, RM = prm, RV = prv, Y = py, SM = psm, SI = psi, N = batch }, 3L * batch * s.H * s.W);
    }

    /// <summary>Inference forward with the running statistics.</summary>
    public static void ForwardInference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckInference(s, x.Length, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, y.Length, batch, threads);
        fixed (float* px = x, pg = gamma, pb = beta, prm = runningMean, prv = runningVar, py = y)
            OpsParallel.For(s.C, threads, new InferWork<TS> { S = s, X = px, G = pg, B = pb, RM = prm, RV = prv, Y = py, N = batch }, 3L * batch * s.H * s.W);
    }

    /// <summary>
    /// Inference BatchNorm followed by an activation layer, in one pass per channel plane: y = BN(x) as
    /// <see cref="ForwardInference{TS}(TS, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>,
    /// then <paramref name="activated"/> = f(y) read back while the plane is in cache (MobileNet's BatchNorm → ReLU6,
    /// ResNet's BatchNorm → ReLU), split over channels like the BatchNorm. Both outputs are written, bit for bit what
    /// the two layers give one after the other. Only the exact, piecewise-linear kinds (<see cref="Fusable"/>).
    /// Stateless like every kernel: calls from several threads are safe on distinct outputs. A span of the wrong length
    /// throws <see cref="ArgumentException"/>, another activation kind <see cref="ArgumentOutOfRangeException"/>, before
    /// anything is written. PyTorch: <c>F.relu6(bn(x))</c> in eval mode.
    /// </summary>
    public static void ForwardInference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, Activation kind, float slope,
        Span<float> activated, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckInference(s, x.Length, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, y.Length, batch, threads);
        OpsCheck.Length(activated.Length, (long)batch * s.C * s.H * s.W, "activated");
        if (!Fusable(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "only ReLU, ReLU6 and LeakyReLU are fused into a BatchNorm");
        fixed (float* px = x, pg = gamma, pb = beta, prm = runningMean, prv = runningVar, py = y, pa = activated)
            OpsParallel.For(s.C, threads, new InferWork<TS> { S = s, X = px, G = pg, B = pb, RM = prm, RV = prv, Y = py, N = batch, A = pa, Kind = kind, Slope = slope },
                5L * batch * s.H * s.W);
    }

    /// <summary>Scalar twin of the fused form: the BatchNorm reference, then the activation reference on a copy.</summary>
    public static void ForwardInferenceReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, Activation kind, float slope,
        Span<float> activated, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        OpsCheck.Length(activated.Length, (long)batch * s.C * s.H * s.W, "activated");
        if (!Fusable(kind)) throw new ArgumentOutOfRangeException(nameof(kind), kind, "only ReLU, ReLU6 and LeakyReLU are fused into a BatchNorm");
        ForwardInferenceReference(s, x, gamma, beta, runningMean, runningVar, y, batch, threads);
        y.CopyTo(activated);
        Activations.ApplyForwardReference(kind, slope, activated);
    }

    /// <summary>The activation kinds <see cref="ForwardInference{TS}(TS, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, Activation, float, Span{float}, int, int)"/> fuses: those computed exactly, so a plane at a time gives the same bits as the whole tensor.</summary>
    public static bool Fusable(Activation kind) => kind is Activation.ReLU or Activation.ReLU6 or Activation.LeakyReLU;

    /// <summary>dgamma += Σ dy·x̂, dbeta += Σ dy, dx += γ·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)) (dx skipped when empty).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> saveMean,
        ReadOnlySpan<float> saveInvStd, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckBackward(s, x.Length, gamma.Length, saveMean.Length, saveInvStd.Length, dy.Length, dx.Length, dgamma.Length, dbeta.Length, batch, threads);
        fixed (float* px = x, pg = gamma, psm = saveMean, psi = saveInvStd, pdy = dy, pdx = dx, pdg = dgamma, pdb = dbeta)
            OpsParallel.For(s.C, threads, new BwdWork<TS>
            { S = s, X = px, G = pg, SM = psm, SI = psi, Dy = pdy, Dx = dx.IsEmpty ? null : pdx, DG = pdg, DB = pdb, N = batch }, 3L * batch * s.H * s.W);
    }

    /// <summary>Scalar twin of <see cref="ForwardTrain{TS}"/>.</summary>
    public static void ForwardTrainReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> y, Span<float> saveMean, Span<float> saveInvStd, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckTrain(s, x.Length, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, y.Length, saveMean.Length, saveInvStd.Length, batch, threads);
        int hw = s.H * s.W;
        long m = (long)batch * hw;
        for (int c = 0; c < s.C; c++)
        {
            double sum = 0;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) sum += x[(n * s.C + c) * hw + i];
            double mean = sum / m;
            double sq = 0;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) { double d = x[(n * s.C + c) * hw + i] - mean; sq += d * d; }
            Finish(s, c, mean, sq, m, gamma, beta, runningMean, runningVar, saveMean, saveInvStd, out float alpha, out float shift);
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) y[(n * s.C + c) * hw + i] = x[(n * s.C + c) * hw + i] * alpha + shift;
        }
    }

    /// <summary>Scalar twin of <see cref="ForwardInference{TS}(TS, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>.</summary>
    public static void ForwardInferenceReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar, Span<float> y, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckInference(s, x.Length, gamma.Length, beta.Length, runningMean.Length, runningVar.Length, y.Length, batch, threads);
        int hw = s.H * s.W;
        for (int c = 0; c < s.C; c++)
        {
            float alpha = gamma[c] * (1f / MathF.Sqrt(runningVar[c] + s.Epsilon));
            float shift = beta[c] - runningMean[c] * alpha;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++) y[(n * s.C + c) * hw + i] = x[(n * s.C + c) * hw + i] * alpha + shift;
        }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> gamma, ReadOnlySpan<float> saveMean,
        ReadOnlySpan<float> saveInvStd, ReadOnlySpan<float> dy, Span<float> dx, Span<float> dgamma, Span<float> dbeta, int batch, int threads)
        where TS : struct, IBatchNormShape
    {
        CheckBackward(s, x.Length, gamma.Length, saveMean.Length, saveInvStd.Length, dy.Length, dx.Length, dgamma.Length, dbeta.Length, batch, threads);
        int hw = s.H * s.W;
        long m = (long)batch * hw;
        for (int c = 0; c < s.C; c++)
        {
            float mean = saveMean[c];
            double sumDy = 0, dot = 0;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++)
                {
                    int j = (n * s.C + c) * hw + i;
                    sumDy += dy[j];
                    dot += (double)dy[j] * (x[j] - mean);
                }
            BackwardTerms(gamma[c], saveInvStd[c], sumDy, dot, m, out float k, out float gm, out float wk);
            dbeta[c] += (float)sumDy;
            dgamma[c] += (float)(dot * saveInvStd[c]);
            if (dx.IsEmpty) continue;
            for (int n = 0; n < batch; n++)
                for (int i = 0; i < hw; i++)
                {
                    int j = (n * s.C + c) * hw + i;
                    dx[j] += (dy[j] - (x[j] - mean) * k - gm) * wk;
                }
        }
    }

    // ---- shared arithmetic -------------------------------------------------------------------------------------------

    private static void Finish<TS>(TS s, int c, double mean, double sq, long m, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta,
        Span<float> runningMean, Span<float> runningVar, Span<float> saveMean, Span<float> saveInvStd, out float alpha, out float shift)
        where TS : struct, IBatchNormShape
    {
        double var = sq / m;
        float invStd = (float)(1.0 / Math.Sqrt(var + s.Epsilon));
        float meanF = (float)mean;
        saveMean[c] = meanF;
        saveInvStd[c] = invStd;
        float mom = s.Momentum;
        runningMean[c] = (1f - mom) * runningMean[c] + mom * meanF;
        runningVar[c] = (1f - mom) * runningVar[c] + mom * (float)(sq / (m - 1));
        alpha = gamma[c] * invStd;
        shift = beta[c] - meanF * alpha;
    }

    private static void BackwardTerms(float gamma, float invStd, double sumDy, double dot, long m, out float k, out float gm, out float wk)
    {
        k = (float)(dot * invStd * invStd / m);   // x̂·mean(dy·x̂)/invstd = (x − mean)·k
        gm = (float)(sumDy / m);
        wk = invStd * gamma;
    }

    private static void CheckTrain<TS>(TS s, int x, int g, int b, int rm, int rv, int y, int sm, int si, int batch, int threads) where TS : struct, IBatchNormShape
    {
        CheckInference(s, x, g, b, rm, rv, y, batch, threads);
        OpsCheck.Length(sm, s.C, "saveMean");
        OpsCheck.Length(si, s.C, "saveInvStd");
        if ((long)batch * s.H * s.W < 2)
            throw new ArgumentException($"BatchNorm2D training needs more than one value per channel; batch·H·W = {(long)batch * s.H * s.W}.", nameof(batch));
    }

    internal static void CheckInference<TS>(TS s, int x, int g, int b, int rm, int rv, int y, int batch, int threads) where TS : struct, IBatchNormShape
    {
        OpsCheck.Batch(batch, threads);
        OpsCheck.Length(x, (long)batch * s.C * s.H * s.W, "x");
        OpsCheck.Length(y, (long)batch * s.C * s.H * s.W, "y");
        OpsCheck.Length(g, s.C, "gamma");
        OpsCheck.Length(b, s.C, "beta");
        OpsCheck.Length(rm, s.C, "runningMean");
        OpsCheck.Length(rv, s.C, "runningVar");
    }

    private static void CheckBackward<TS>(TS s, int x, int g, int sm, int si, int dy, int dx, int dg, int db, int batch, int threads) where TS : struct, IBatchNormShape
    {
        OpsCheck.Batch(batch, threads);
        OpsCheck.Length(x, (long)batch * s.C * s.H * s.W, "x");
        OpsCheck.Length(dy, (long)batch * s.C * s.H * s.W, "dy");
        if (dx != 0) OpsCheck.Length(dx, (long)batch * s.C * s.H * s.W, "dx");
        OpsCheck.Length(g, s.C, "gamma");
        OpsCheck.Length(sm, s.C, "saveMean");
        OpsCheck.Length(si, s.C, "saveInvStd");
        OpsCheck.Length(dg, s.C, "dgamma");
        OpsCheck.Length(db, s.C, "dbeta");
    }

    // ---- SIMD helpers: float lanes within a plane ------------------------------------------------------------------

    /// <summary>Σ p[i] and Σ (p[i] − mean)² are computed by the callers through these.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float SumSqDiff(float* p, int n, float mean)
    {
        int i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero, mv = Vector512.Create(mean);
            for (; i + 16 <= n; i += 16) { Vector512<float> d = Vector512.Load(p + i) - mv; acc += d * d; }
            total = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero, mv = Vector256.Create(mean);
            for (; i + 8 <= n; i += 8) { Vector256<float> d = Vector256.Load(p + i) - mv; acc += d * d; }
            total = Vector256.Sum(acc);
        }
        else if (n >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero, mv = Vector128.Create(mean);
            for (; i + 4 <= n; i += 4) { Vector128<float> d = Vector128.Load(p + i) - mv; acc += d * d; }
            total = Vector128.Sum(acc);
        }
        for (; i < n; i++) { float d = p[i] - mean; total += d * d; }
        return total;
    }

    /// <summary>Σ dy and Σ dy·(x − mean) over one plane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumsDy(float* dy, float* x, int n, float mean, out float sumDy, out float dot)
    {
        int i = 0;
        sumDy = 0f; dot = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> a = Vector512<float>.Zero, b = Vector512<float>.Zero, mv = Vector512.Create(mean);
            for (; i + 16 <= n; i += 16) { Vector512<float> g = Vector512.Load(dy + i); a += g; b += g * (Vector512.Load(x + i) - mv); }
            sumDy = Vector512.Sum(a); dot = Vector512.Sum(b);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> a = Vector256<float>.Zero, b = Vector256<float>.Zero, mv = Vector256.Create(mean);
            for (; i + 8 <= n; i += 8) { Vector256<float> g = Vector256.Load(dy + i); a += g; b += g * (Vector256.Load(x + i) - mv); }
            sumDy = Vector256.Sum(a); dot = Vector256.Sum(b);
        }
        else if (n >= 4)
        {
            Vector128<float> a = Vector128<float>.Zero, b = Vector128<float>.Zero, mv = Vector128.Create(mean);
            for (; i + 4 <= n; i += 4) { Vector128<float> g = Vector128.Load(dy + i); a += g; b += g * (Vector128.Load(x + i) - mv); }
            sumDy = Vector128.Sum(a); dot = Vector128.Sum(b);
        }
        for (; i < n; i++) { sumDy += dy[i]; dot += dy[i] * (x[i] - mean); }
    }

    /// <summary>The inference affine of one channel: α = γ/√(var + ε), shift = β − mean·α (y = x·α + shift). The one
    /// place this is computed, so a convolution that applies the BatchNorm in its store gets the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Fold(float gamma, float beta, float mean, float var, float eps, out float alpha, out float shift)
    {
        alpha = gamma * (1f / MathF.Sqrt(var + eps));
        shift = beta - mean * alpha;
    }

    /// <summary><see cref="Fold"/> for <paramref name="n"/> channels, a vector of channels at a time (the same correctly
    /// rounded square root, division, products and difference per lane, so the same bits as the scalar form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void FoldAll(float* gamma, float* beta, float* mean, float* var, float eps, float* alpha, float* shift, int n)
    {
        int c = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> e = Vector512.Create(eps), one = Vector512.Create(1f);
            for (; c + 16 <= n; c += 16)
            {
                Vector512<float> a = Vector512.Load(gamma + c) * (one / Vector512.Sqrt(Vector512.Load(var + c) + e));
                a.Store(alpha + c);
                (Vector512.Load(beta + c) - Vector512.Load(mean + c) * a).Store(shift + c);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> e = Vector256.Create(eps), one = Vector256.Create(1f);
            for (; c + 8 <= n; c += 8)
            {
                Vector256<float> a = Vector256.Load(gamma + c) * (one / Vector256.Sqrt(Vector256.Load(var + c) + e));
                a.Store(alpha + c);
                (Vector256.Load(beta + c) - Vector256.Load(mean + c) * a).Store(shift + c);
            }
        }
        for (; c < n; c++) Fold(gamma[c], beta[c], mean[c], var[c], eps, out alpha[c], out shift[c]);
    }

    /// <summary>y[i] = x[i]·alpha + shift.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Affine(float* x, float* y, int n, float alpha, float shift)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> a = Vector512.Create(alpha), b = Vector512.Create(shift);
            for (; i + 16 <= n; i += 16) (Vector512.Load(x + i) * a + b).Store(y + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> a = Vector256.Create(alpha), b = Vector256.Create(shift);
            for (; i + 8 <= n; i += 8) (Vector256.Load(x + i) * a + b).Store(y + i);
        }
        {
            Vector128<float> a = Vector128.Create(alpha), b = Vector128.Create(shift);
            for (; i + 4 <= n; i += 4) (Vector128.Load(x + i) * a + b).Store(y + i);
        }
        for (; i < n; i++) y[i] = x[i] * alpha + shift;
    }

    /// <summary>dx[i] += (dy[i] − (x[i] − mean)·k − gm)·wk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void InputGrad(float* x, float* dy, float* dx, int n, float mean, float k, float gm, float wk)
    {
        int i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<float> mv = Vector512.Create(mean), kv = Vector512.Create(k), gv = Vector512.Create(gm), wv = Vector512.Create(wk);
            for (; i + 16 <= n; i += 16)
                (Vector512.Load(dx + i) + (Vector512.Load(dy + i) - (Vector512.Load(x + i) - mv) * kv - gv) * wv).Store(dx + i);
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<float> mv = Vector256.Create(mean), kv = Vector256.Create(k), gv = Vector256.Create(gm), wv = Vector256.Create(wk);
            for (; i + 8 <= n; i += 8)
                (Vector256.Load(dx + i) + (Vector256.Load(dy + i) - (Vector256.Load(x + i) - mv) * kv - gv) * wv).Store(dx + i);
        }
        {
            Vector128<float> mv = Vector128.Create(mean), kv = Vector128.Create(k), gv = Vector128.Create(gm), wv = Vector128.Create(wk);
            for (; i + 4 <= n; i += 4)
                (Vector128.Load(dx + i) + (Vector128.Load(dy + i) - (Vector128.Load(x + i) - mv) * kv - gv) * wv).Store(dx + i);
        }
        for (; i < n; i++) dx[i] += (dy[i] - (x[i] - mean) * k - gm) * wk;
    }

    private struct TrainWork<TS> : IRangeWork where TS : struct, IBatchNormShape
    {
        public TS S; public float* X, G, B, RM, RV, Y, SM, SI; public int N;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int hw = s.H * s.W;
            long m = (long)N * hw;
            for (int c = start; c < end; c++)
            {
                double sum = 0;
                for (int n = 0; n < N; n++) sum += GlobalAvgPool.Sum(X + ((long)n * s.C + c) * hw, hw);
                double mean = sum / m;
                // Second pass around the float mean of the first (shifted data), then corrected to the exact mean.
                float mf = (float)mean;
                double sq = 0;
                for (int n = 0; n < N; n++) sq += SumSqDiff(X + ((long)n * s.C + c) * hw, hw, mf);
                double shiftD = mean - mf;
                sq -= m * shiftD * shiftD;
                Finish(s, c, mean, sq, m, new ReadOnlySpan<float>(G, s.C), new ReadOnlySpan<float>(B, s.C), new Span<float>(RM, s.C),
                    new Span<float>(RV, s.C), new Span<float>(SM, s.C), new Span<float>(SI, s.C), out float alpha, out float shift);
                for (int n = 0; n < N; n++)
                {
                    long o = ((long)n * s.C + c) * hw;
                    Affine(X + o, Y + o, hw, alpha, shift);
                }
            }
        }
    }

    private struct InferWork<TS> : IRangeWork where TS : struct, IBatchNormShape
    {
        public TS S; public float* X, G, B, RM, RV, Y; public int N;
        public float* A;            // the activation layer's output, or null
        public Activation Kind; public float Slope;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int hw = s.H * s.W;
            for (int c = start; c < end; c++)
            {
                Fold(G[c], B[c], RM[c], RV[c], s.Epsilon, out float alpha, out float shift);
                for (int n = 0; n < N; n++)
                {
                    long o = ((long)n * s.C + c) * hw;
                    Affine(X + o, Y + o, hw, alpha, shift);
                    if (A != null) Activations.Forward(Kind, Slope, new ReadOnlySpan<float>(Y + o, hw), new Span<float>(A + o, hw));
                }
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IBatchNormShape
    {
        public TS S; public float* X, G, SM, SI, Dy, Dx, DG, DB; public int N;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int hw = s.H * s.W;
            long m = (long)N * hw;
            for (int c = start; c < end; c++)
            {
                float mean = SM[c];
                double sumDy = 0, dot = 0;
                for (int n = 0; n < N; n++)
                {
                    long o = ((long)n * s.C + c) * hw;
                    SumsDy(Dy + o, X + o, hw, mean, out float a, out float b);
                    sumDy += a; dot += b;
                }
                BackwardTerms(G[c], SI[c], sumDy, dot, m, out float k, out float gm, out float wk);
                DB[c] += (float)sumDy;
                DG[c] += (float)(dot * SI[c]);
                if (Dx == null) continue;
                for (int n = 0; n < N; n++)
                {
                    long o = ((long)n * s.C + c) * hw;
                    InputGrad(X + o, Dy + o, Dx + o, hw, mean, k, gm, wk);
                }
            }
        }
    }
}
