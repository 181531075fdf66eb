using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Shape of a cosine similarity between two (N, D) tensors, per sample: two vectors of D → one value.</summary>
public interface ICosineSimilarityShape
{
    /// <summary>Features per sample (the reduced axis, dim 1).</summary>
    int D { get; }
    /// <summary>Lower bound of each norm (PyTorch's <c>eps</c>, default 1e-8).</summary>
    float Epsilon { get; }
}

/// <summary>An <see cref="ICosineSimilarityShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct CosineSimilarityShape(int D, float Epsilon = CosineSimilarity.DefaultEpsilon) : ICosineSimilarityShape;

/// <summary>
/// y[n] = Σ (x1/n1)·(x2/n2) with n1 = max(‖x1[n]‖, ε), n2 = max(‖x2[n]‖, ε), for two (N, D) tensors, output (N).
/// PyTorch: <c>F.cosine_similarity(x1, x2, dim=1, eps=1e-8)</c> (<c>nn.CosineSimilarity()</c>).
/// </summary>
/// <remarks>
/// <para>ε as PyTorch 1.13 (<c>aten/src/ATen/native/Distance.cpp</c>): each norm is clamped on its own
/// (<c>clamp_min_(eps)</c> under <c>NoGradGuard</c> on a clone of <c>linalg_vector_norm</c>), not the product of the
/// squared norms as before 1.12. The clamp is invisible to autograd but the clamped value is what the norm's backward
/// divides by, so the exact gradient of PyTorch's graph is, with s = dy/(n1·n2) and the clamped n1, n2 in both branches:
/// dx1 += s·(x2 − (x1·x2)/n1²·x1), dx2 += s·(x1 − (x1·x2)/n2²·x2) (checked against PyTorch on clamped rows by the
/// fixtures).</para>
/// <para>The three sums (‖x1‖², ‖x2‖², x1·x2) run in float with SIMD lanes along D; y = (x1·x2)/(n1·n2) is formed in
/// double and rounded once. Threads partition samples; results are bit-identical for any thread count. No allocation,
/// no scratch.</para>
/// </remarks>
public static unsafe class CosineSimilarity
{
    /// <summary>PyTorch's default ε of <c>F.cosine_similarity</c>.</summary>
    public const float DefaultEpsilon = 1e-8f;

    /// <summary>y[n] = cos(x1[n], x2[n]) with each norm clamped to ≥ ε.</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, Span<float> y, int batch, int threads)
        where TS : struct, ICosineSimilarityShape
    {
        Check(s, x1.Length, x2.Length, y.Length, batch, threads, "y");
        fixed (float* p1 = x1, p2 = x2, py = y)
            OpsParallel.For(batch, threads, new FwdWork<TS> { S = s, X1 = p1, X2 = p2, Y = py }, 2L * s.D);
    }

    /// <summary>dx1 += ∂y/∂x1·dy, dx2 += ∂y/∂x2·dy; either gradient may be empty (not needed).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> dy,
        Span<float> dx1, Span<float> dx2, int batch, int threads) where TS : struct, ICosineSimilarityShape
    {
        Check(s, x1.Length, x2.Length, dy.Length, batch, threads, "dy");
        CheckGrads(s, dx1.Length, dx2.Length, batch);
        if (dx1.IsEmpty && dx2.IsEmpty) return;
        fixed (float* p1 = x1, p2 = x2, pdy = dy, pd1 = dx1, pd2 = dx2)
            OpsParallel.For(batch, threads, new BwdWork<TS>
            {
                S = s, X1 = p1, X2 = p2, Dy = pdy, Dx1 = dx1.IsEmpty ? null : pd1, Dx2 = dx2.IsEmpty ? null : pd2,
            }, 4L * s.D);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/> (sums in double).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, Span<float> y, int batch, int threads)
        where TS : struct, ICosineSimilarityShape
    {
        Check(s, x1.Length, x2.Length, y.Length, batch, threads, "y");
        for (int n = 0; n < batch; n++)
        {
            Sums(s, x1, x2, n, out double aa, out double bb, out double ab);
            double n1 = Clamp(Math.Sqrt(aa), s.Epsilon), n2 = Clamp(Math.Sqrt(bb), s.Epsilon);
            y[n] = (float)(ab / (n1 * n2));
        }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/> (sums in double).</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> dy,
        Span<float> dx1, Span<float> dx2, int batch, int threads) where TS : struct, ICosineSimilarityShape
    {
        Check(s, x1.Length, x2.Length, dy.Length, batch, threads, "dy");
        CheckGrads(s, dx1.Length, dx2.Length, batch);
        int d = s.D;
        for (int n = 0; n < batch; n++)
        {
            Sums(s, x1, x2, n, out double aa, out double bb, out double ab);
            double n1 = Clamp(Math.Sqrt(aa), s.Epsilon), n2 = Clamp(Math.Sqrt(bb), s.Epsilon);
            double sc = dy[n] / (n1 * n2), c1 = sc * ab / (n1 * n1), c2 = sc * ab / (n2 * n2);
            for (int i = n * d; i < (n + 1) * d; i++)
            {
                if (!dx1.IsEmpty) dx1[i] += (float)(sc * x2[i] - c1 * x1[i]);
                if (!dx2.IsEmpty) dx2[i] += (float)(sc * x1[i] - c2 * x2[i]);
            }
        }
    }

    /// <summary>max(v, ε) that keeps NaN (as PyTorch's clamp_min).</summary>
    private static double Clamp(double v, double eps) => double.IsNaN(v) ? v : Math.Max(v, eps);

    private static void Sums<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, int n, out double aa, out double bb, out double ab)
        where TS : struct, ICosineSimilarityShape
    {
        aa = bb = ab = 0;
        for (int i = n * s.D; i < (n + 1) * s.D; i++)
        {
            double a = x1[i], b = x2[i];
            aa += a * a;
            bb += b * b;
            ab += a * b;
        }
    }

    private static void Check<TS>(TS s, int x1Len, int x2Len, int yLen, int batch, int threads, string yName) where TS : struct, ICosineSimilarityShape
        => OpsCheck.Pair("CosineSimilarity", s.D, x1Len, x2Len, yLen, batch, threads, yName);

    private static void CheckGrads<TS>(TS s, int dx1Len, int dx2Len, int batch) where TS : struct, ICosineSimilarityShape
        => OpsCheck.PairGrads(s.D, dx1Len, dx2Len, batch);

    private struct FwdWork<TS> : IRangeWork where TS : struct, ICosineSimilarityShape
    {
        public TS S; public float* X1, X2, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int d = S.D;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
            {
                float* a = X1 + (long)n * d, b = X2 + (long)n * d;
                float n1 = MathF.Max(eps, MathF.Sqrt(RowReductions.SumSquares(a, d)));
                float n2 = MathF.Max(eps, MathF.Sqrt(RowReductions.SumSquares(b, d)));
                Y[n] = (float)(RowReductions.Dot(a, b, d) / ((double)n1 * n2));
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, ICosineSimilarityShape
    {
        public TS S; public float* X1, X2, Dy, Dx1, Dx2;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int d = S.D;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
            {
                float* a = X1 + (long)n * d, b = X2 + (long)n * d;
                double n1 = MathF.Max(eps, MathF.Sqrt(RowReductions.SumSquares(a, d)));
                double n2 = MathF.Max(eps, MathF.Sqrt(RowReductions.SumSquares(b, d)));
                double ab = RowReductions.Dot(a, b, d);
                double sc = Dy[n] / (n1 * n2);
                if (Dx1 != null) RowReductions.AddCombination(b, (float)sc, a, (float)(sc * ab / (n1 * n1)), Dx1 + (long)n * d, d);
                if (Dx2 != null) RowReductions.AddCombination(a, (float)sc, b, (float)(sc * ab / (n2 * n2)), Dx2 + (long)n * d, d);
            }
        }
    }
}
