using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>Shape of a max unpool, per sample: (C, InH, InW) → (C, OutH, OutW); In = the pool's output, Out = the pool's input.</summary>
public interface IUnpoolShape
{
    int C { get; }
    int InH { get; }
    int InW { get; }
    int OutH { get; }
    int OutW { get; }
}

/// <summary>An <see cref="IUnpoolShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct UnpoolShape(int C, int InH, int InW, int OutH, int OutW) : IUnpoolShape;

/// <summary>
/// Inverse of <see cref="MaxPool2D"/>: zeros, then y[plane + argmax] = x (in order, so a repeated index keeps the last
/// value, as PyTorch's CPU kernel). Backward gathers: dx += dy[plane + argmax]. The indices must come from
/// <see cref="MaxPool2D.Forward{TS}"/> (they are not range-checked). PyTorch: <c>nn.MaxUnpool2d</c> with the pool's indices.
/// </summary>
public static unsafe class MaxUnpool2D
{
    /// <summary>y = 0, then scatter x to the argmax positions.</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<int> argmax, Span<float> y, int batch, int threads) where TS : struct, IUnpoolShape
    {
        Check(s, x.Length, argmax.Length, y.Length, batch, threads, "x", "y");
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
            OpsParallel.For(batch * s.C, threads, new FwdWork<TS> { S = s, X = px, Y = py, A = pa }, 2 * s.InH * s.InW + s.OutH * s.OutW);
    }

    /// <summary>dx += dy gathered at the argmax positions. An empty <paramref name="dx"/> does nothing.</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int batch, int threads) where TS : struct, IUnpoolShape
    {
        if (dx.IsEmpty) { OpsCheck.Batch(batch, threads); OpsCheck.Length(dy.Length, (long)batch * s.C * s.OutH * s.OutW, "dy"); return; }
        Check(s, dx.Length, argmax.Length, dy.Length, batch, threads, "dx", "dy");
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
            OpsParallel.For(batch * s.C, threads, new BwdWork<TS> { S = s, Dy = pdy, Dx = pdx, A = pa }, 2 * s.InH * s.InW + s.OutH * s.OutW);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<int> argmax, Span<float> y, int batch, int threads) where TS : struct, IUnpoolShape
    {
        Check(s, x.Length, argmax.Length, y.Length, batch, threads, "x", "y");
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int i = 0; i < y.Length; i++) y[i] = 0f;
        for (int p = 0; p < batch * s.C; p++)
            for (int i = 0; i < inPlane; i++)
                y[p * outPlane + argmax[p * inPlane + i]] = x[p * inPlane + i];
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int batch, int threads) where TS : struct, IUnpoolShape
    {
        if (dx.IsEmpty) { OpsCheck.Batch(batch, threads); OpsCheck.Length(dy.Length, (long)batch * s.C * s.OutH * s.OutW, "dy"); return; }
        Check(s, dx.Length, argmax.Length, dy.Length, batch, threads, "dx", "dy");
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int p = 0; p < batch * s.C; p++)
            for (int i = 0; i < inPlane; i++)
                dx[p * inPlane + i] += dy[p * outPlane + argmax[p * inPlane + i]];
    }

    private static void Check<TS>(TS s, int inLen, int argLen, int outLen, int batch, int threads, string inName, string outName) where TS : struct, IUnpoolShape
    {
        OpsCheck.Batch(batch, threads);
        OpsCheck.Length(inLen, (long)batch * s.C * s.InH * s.InW, inName);
        OpsCheck.Length(argLen, (long)batch * s.C * s.InH * s.InW, "argmax");
        OpsCheck.Length(outLen, (long)batch * s.C * s.OutH * s.OutW, outName);
    }

    private struct FwdWork<TS> : IRangeWork where TS : struct, IUnpoolShape
    {
        public TS S; public float* X, Y; public int* A;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            new Span<float>(Y + (long)start * outPlane, (end - start) * outPlane).Clear();
            for (int p = start; p < end; p++)
            {
                float* x = X + (long)p * inPlane, y = Y + (long)p * outPlane;
                int* a = A + (long)p * inPlane;
                for (int i = 0; i < inPlane; i++) y[a[i]] = x[i];
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IUnpoolShape
    {
        public TS S; public float* Dy, Dx; public int* A;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            for (int p = start; p < end; p++)
            {
                float* dy = Dy + (long)p * outPlane, dx = Dx + (long)p * inPlane;
                int* a = A + (long)p * inPlane;
                for (int i = 0; i < inPlane; i++) dx[i] += dy[a[i]];
            }
        }
    }
}
