using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>Shape of a pairwise distance between two (N, D) tensors, per sample: two vectors of D → one value.</summary>
public interface IPairwiseDistanceShape
{
    /// <summary>Features per sample (the reduced axis, dim 1).</summary>
    int D { get; }
    /// <summary>Added to every difference before the norm (PyTorch's <c>eps</c>, default 1e-6).</summary>
    float Epsilon { get; }
}

/// <summary>An <see cref="IPairwiseDistanceShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct PairwiseDistanceShape(int D, float Epsilon = PairwiseDistance.DefaultEpsilon) : IPairwiseDistanceShape;

/// <summary>
/// y[n] = ‖x1[n] − x2[n] + ε‖₂ for two (N, D) tensors, output (N). Only p = 2.
/// PyTorch: <c>F.pairwise_distance(x1, x2, p=2, eps=1e-6, keepdim=False)</c> (<c>nn.PairwiseDistance()</c>).
/// </summary>
/// <remarks>
/// The sum of squares runs in float (SIMD lanes along D), then a float square root. Backward, with d = x1 − x2 + ε:
/// dx1 += dy·d/y and dx2 −= dy·d/y; where y = 0 the gradient is 0 (PyTorch's norm backward). Threads partition samples;
/// results are bit-identical for any thread count. No allocation, no scratch.
/// </remarks>
public static unsafe class PairwiseDistance
{
    /// <summary>PyTorch's default ε of <c>F.pairwise_distance</c>.</summary>
    public const float DefaultEpsilon = 1e-6f;

    /// <summary>y[n] = ‖x1[n] − x2[n] + ε‖₂.</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, Span<float> y, int batch, int threads)
        where TS : struct, IPairwiseDistanceShape
    {
        Check(s, x1.Length, x2.Length, y.Length, batch, threads, "y");
        fixed (float* p1 = x1, p2 = x2, py = y)
            OpsParallel.For(batch, threads, new FwdWork<TS> { S = s, X1 = p1, X2 = p2, Y = py }, 2L * s.D);
    }

    /// <summary>dx1 += dy·d/y, dx2 −= dy·d/y (d = x1 − x2 + ε); either gradient may be empty (not needed).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> dy,
        Span<float> dx1, Span<float> dx2, int batch, int threads) where TS : struct, IPairwiseDistanceShape
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

    /// <summary>Scalar twin of <see cref="Forward{TS}"/> (sum in double).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, Span<float> y, int batch, int threads)
        where TS : struct, IPairwiseDistanceShape
    {
        Check(s, x1.Length, x2.Length, y.Length, batch, threads, "y");
        for (int n = 0; n < batch; n++) y[n] = (float)Math.Sqrt(SumSquares(s, x1, x2, n));
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/> (sum in double).</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, ReadOnlySpan<float> dy,
        Span<float> dx1, Span<float> dx2, int batch, int threads) where TS : struct, IPairwiseDistanceShape
    {
        Check(s, x1.Length, x2.Length, dy.Length, batch, threads, "dy");
        CheckGrads(s, dx1.Length, dx2.Length, batch);
        int d = s.D;
        for (int n = 0; n < batch; n++)
        {
            double norm = Math.Sqrt(SumSquares(s, x1, x2, n));
            double c = norm == 0 ? 0 : dy[n] / norm;
            for (int i = n * d; i < (n + 1) * d; i++)
            {
                double g = c * ((double)x1[i] - x2[i] + s.Epsilon);
                if (!dx1.IsEmpty) dx1[i] += (float)g;
                if (!dx2.IsEmpty) dx2[i] -= (float)g;
            }
        }
    }

    private static double SumSquares<TS>(TS s, ReadOnlySpan<float> x1, ReadOnlySpan<float> x2, int n) where TS : struct, IPairwiseDistanceShape
    {
        double ss = 0;
        for (int i = n * s.D; i < (n + 1) * s.D; i++)
        {
            double v = (double)x1[i] - x2[i] + s.Epsilon;
            ss += v * v;
        }
        return ss;
    }

    private static void Check<TS>(TS s, int x1Len, int x2Len, int yLen, int batch, int threads, string yName) where TS : struct, IPairwiseDistanceShape
        => OpsCheck.Pair("PairwiseDistance", s.D, x1Len, x2Len, yLen, batch, threads, yName);

    private static void CheckGrads<TS>(TS s, int dx1Len, int dx2Len, int batch) where TS : struct, IPairwiseDistanceShape
        => OpsCheck.PairGrads(s.D, dx1Len, dx2Len, batch);

    private struct FwdWork<TS> : IRangeWork where TS : struct, IPairwiseDistanceShape
    {
        public TS S; public float* X1, X2, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int d = S.D;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
                Y[n] = MathF.Sqrt(RowReductions.DiffSumSquares(X1 + (long)n * d, X2 + (long)n * d, eps, d));
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IPairwiseDistanceShape
    {
        public TS S; public float* X1, X2, Dy, Dx1, Dx2;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            int d = S.D;
            float eps = S.Epsilon;
            for (int n = start; n < end; n++)
            {
                long o = (long)n * d;
                float norm = MathF.Sqrt(RowReductions.DiffSumSquares(X1 + o, X2 + o, eps, d));
                if (norm == 0f) continue;
                float c = Dy[n] / norm;
                if (Dx1 != null) RowReductions.AddScaledDiff(X1 + o, X2 + o, eps, c, Dx1 + o, d);
                if (Dx2 != null) RowReductions.AddScaledDiff(X1 + o, X2 + o, eps, -c, Dx2 + o, d);
            }
        }
    }
}
