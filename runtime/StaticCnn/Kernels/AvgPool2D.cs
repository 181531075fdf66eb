using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>
/// Average pooling with zero padding counted in the divisor (PyTorch's default <c>count_include_pad=True</c>: the divisor
/// is the window clipped to the padded input, i.e. KH·KW for every window PyTorch's floor-mode output size produces).
/// PyTorch: <c>nn.AvgPool2d(k, stride, padding)</c>.
/// </summary>
public static unsafe class AvgPool2D
{
    /// <summary>y = Σ window / window size (row-major sum, as PyTorch's CPU kernel).</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IPool2DShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        fixed (float* px = x, py = y)
            OpsParallel.For(batch * s.C, threads, new FwdWork<TS> { S = s, X = px, Y = py }, s.InH * s.InW + s.OutH * s.OutW);
    }

    /// <summary>dx += dy / window size over each window. An empty <paramref name="dx"/> does nothing.</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IPool2DShape
    {
        if (dx.IsEmpty) { Check(s, 0, dy.Length, batch, threads, null, "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        fixed (float* pdy = dy, pdx = dx)
            OpsParallel.For(batch * s.C, threads, new BwdWork<TS> { S = s, Dy = pdy, Dx = pdx }, s.InH * s.InW + s.OutH * s.OutW);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IPool2DShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int p = 0; p < batch * s.C; p++)
            for (int oh = 0; oh < s.OutH; oh++)
                for (int ow = 0; ow < s.OutW; ow++)
                {
                    Window(s, oh, ow, out int hs, out int he, out int ws, out int we, out int size);
                    float sum = 0f;
                    for (int h = hs; h < he; h++)
                        for (int w = ws; w < we; w++)
                            sum += x[p * inPlane + h * s.InW + w];
                    y[p * outPlane + oh * s.OutW + ow] = sum / size;
                }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IPool2DShape
    {
        if (dx.IsEmpty) { Check(s, 0, dy.Length, batch, threads, null, "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int p = 0; p < batch * s.C; p++)
            for (int oh = 0; oh < s.OutH; oh++)
                for (int ow = 0; ow < s.OutW; ow++)
                {
                    Window(s, oh, ow, out int hs, out int he, out int ws, out int we, out int size);
                    float g = dy[p * outPlane + oh * s.OutW + ow] / size;
                    for (int h = hs; h < he; h++)
                        for (int w = ws; w < we; w++)
                            dx[p * inPlane + h * s.InW + w] += g;
                }
    }

    // PyTorch: the divisor is the window clipped to the padded input; the sum runs over the window clipped to the input.
    private static void Window<TS>(TS s, int oh, int ow, out int hs, out int he, out int ws, out int we, out int size) where TS : struct, IPool2DShape
    {
        hs = oh * s.StrideH - s.PadH; ws = ow * s.StrideW - s.PadW;
        he = Math.Min(hs + s.KH, s.InH + s.PadH); we = Math.Min(ws + s.KW, s.InW + s.PadW);
        size = (he - hs) * (we - ws);
        hs = Math.Max(hs, 0); ws = Math.Max(ws, 0);
        he = Math.Min(he, s.InH); we = Math.Min(we, s.InW);
    }

    private static void Check<TS>(TS s, int inLen, int outLen, int batch, int threads, string? inName, string outName) where TS : struct, IPool2DShape
    {
        OpsCheck.Batch(batch, threads);
        if (inName != null) OpsCheck.Length(inLen, (long)batch * s.C * s.InH * s.InW, inName);
        OpsCheck.Length(outLen, (long)batch * s.C * s.OutH * s.OutW, outName);
    }

    private struct FwdWork<TS> : IRangeWork where TS : struct, IPool2DShape
    {
        public TS S; public float* X, Y;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            if (Pool2x2.Applies(s))
            {
                for (int p = start; p < end; p++)
                    Pool2x2.AvgForward(X + (long)p * inPlane, Y + (long)p * outPlane, s.InW, s.OutH, s.OutW);
                return;
            }
            for (int p = start; p < end; p++)
            {
                float* x = X + (long)p * inPlane, y = Y + (long)p * outPlane;
                for (int oh = 0; oh < s.OutH; oh++)
                    for (int ow = 0; ow < s.OutW; ow++)
                    {
                        Window(s, oh, ow, out int hs, out int he, out int ws, out int we, out int size);
                        float sum = 0f;
                        for (int h = hs; h < he; h++)
                        {
                            float* r = x + h * s.InW;
                            for (int w = ws; w < we; w++) sum += r[w];
                        }
                        y[oh * s.OutW + ow] = sum / size;
                    }
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IPool2DShape
    {
        public TS S; public float* Dy, Dx;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            if (Pool2x2.Applies(s))
            {
                for (int p = start; p < end; p++)
                    Pool2x2.AvgBackward(Dy + (long)p * outPlane, Dx + (long)p * inPlane, s.InW, s.OutH, s.OutW);
                return;
            }
            for (int p = start; p < end; p++)
            {
                float* dy = Dy + (long)p * outPlane, dx = Dx + (long)p * inPlane;
                for (int oh = 0; oh < s.OutH; oh++)
                    for (int ow = 0; ow < s.OutW; ow++)
                    {
                        Window(s, oh, ow, out int hs, out int he, out int ws, out int we, out int size);
                        float g = dy[oh * s.OutW + ow] / size;
                        for (int h = hs; h < he; h++)
                        {
                            float* r = dx + h * s.InW;
                            for (int w = ws; w < we; w++) r[w] += g;
                        }
                    }
            }
        }
    }
}
