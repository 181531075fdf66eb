namespace StaticCnn.Kernels;

/// <summary>Shape of a 2-D pooling layer (max or average), per sample: (C, InH, InW) → (C, OutH, OutW).</summary>
public interface IPool2DShape
{
    int C { get; }
    int InH { get; }
    int InW { get; }
    int OutH { get; }
    int OutW { get; }
    int KH { get; }
    int KW { get; }
    int StrideH { get; }
    int StrideW { get; }
    /// <summary>Top padding (−∞ for max, 0 for average); the bottom side is implied by OutH.</summary>
    int PadH { get; }
    /// <summary>Left padding; the right side is implied by OutW.</summary>
    int PadW { get; }
}

/// <summary>An <see cref="IPool2DShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct Pool2DShape(int C, int InH, int InW, int OutH, int OutW, int KH, int KW,
    int StrideH, int StrideW, int PadH, int PadW) : IPool2DShape
{
    /// <summary>A square pool with PyTorch's output size floor((In + 2P − K)/S) + 1.</summary>
    public static Pool2DShape Create(int c, int inH, int inW, int k, int stride, int pad) =>
        new(c, inH, inW, (inH + 2 * pad - k) / stride + 1, (inW + 2 * pad - k) / stride + 1, k, k, stride, stride, pad, pad);
}

/// <summary>
/// Max pooling with −∞ padding; records the argmax of each window as <c>h·InW + w</c> inside its channel plane (PyTorch's
/// <c>return_indices</c> convention; the first maximum in row-major window order wins, NaN propagates).
/// PyTorch: <c>nn.MaxPool2d(k, stride, padding, return_indices=True)</c>.
/// </summary>
public static unsafe class MaxPool2D
{
    /// <summary>y = max over each window; argmax gets the winning position in the input plane.</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int batch, int threads)
        where TS : struct, IPool2DShape
    {
        CheckForward(s, x.Length, y.Length, argmax.Length, batch, threads);
        fixed (float* px = x, py = y)
        fixed (int* pa = argmax)
            OpsParallel.For(batch * s.C, threads, new FwdWork<TS> { S = s, X = px, Y = py, A = pa }, s.InH * s.InW + 2 * s.OutH * s.OutW);
    }

    /// <summary>dx[argmax] += dy, plane by plane. An empty <paramref name="dx"/> does nothing.</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int batch, int threads)
        where TS : struct, IPool2DShape
    {
        CheckBackward(s, dy.Length, argmax.Length, dx.Length, batch, threads);
        if (dx.IsEmpty) return;
        fixed (float* pdy = dy, pdx = dx)
        fixed (int* pa = argmax)
            OpsParallel.For(batch * s.C, threads, new BwdWork<TS> { S = s, Dy = pdy, Dx = pdx, A = pa }, s.InH * s.InW + 2 * s.OutH * s.OutW);
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, Span<int> argmax, int batch, int threads)
        where TS : struct, IPool2DShape
    {
        CheckForward(s, x.Length, y.Length, argmax.Length, batch, threads);
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int p = 0; p < batch * s.C; p++)
            for (int oh = 0; oh < s.OutH; oh++)
                for (int ow = 0; ow < s.OutW; ow++)
                {
                    int h0 = oh * s.StrideH - s.PadH, w0 = ow * s.StrideW - s.PadW;
                    int hs = Math.Max(h0, 0), ws = Math.Max(w0, 0);
                    int he = Math.Min(h0 + s.KH, s.InH), we = Math.Min(w0 + s.KW, s.InW);
                    float best = float.NegativeInfinity;
                    int bi = hs * s.InW + ws;
                    for (int h = hs; h < he; h++)
                        for (int w = ws; w < we; w++)
                        {
                            float v = x[p * inPlane + h * s.InW + w];
                            if (v > best || float.IsNaN(v)) { best = v; bi = h * s.InW + w; }
                        }
                    y[p * outPlane + oh * s.OutW + ow] = best;
                    argmax[p * outPlane + oh * s.OutW + ow] = bi;
                }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, ReadOnlySpan<int> argmax, Span<float> dx, int batch, int threads)
        where TS : struct, IPool2DShape
    {
        CheckBackward(s, dy.Length, argmax.Length, dx.Length, batch, threads);
        if (dx.IsEmpty) return;
        int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
        for (int p = 0; p < batch * s.C; p++)
            for (int o = 0; o < outPlane; o++)
                dx[p * inPlane + argmax[p * outPlane + o]] += dy[p * outPlane + o];
    }

    private static void CheckForward<TS>(TS s, int x, int y, int a, int batch, int threads) where TS : struct, IPool2DShape
    {
        OpsCheck.Batch(batch, threads);
        OpsCheck.Length(x, (long)batch * s.C * s.InH * s.InW, "x");
        OpsCheck.Length(y, (long)batch * s.C * s.OutH * s.OutW, "y");
        OpsCheck.Length(a, (long)batch * s.C * s.OutH * s.OutW, "argmax");
    }

    private static void CheckBackward<TS>(TS s, int dy, int a, int dx, int batch, int threads) where TS : struct, IPool2DShape
    {
        OpsCheck.Batch(batch, threads);
        OpsCheck.Length(dy, (long)batch * s.C * s.OutH * s.OutW, "dy");
        OpsCheck.Length(a, (long)batch * s.C * s.OutH * s.OutW, "argmax");
        if (dx != 0) OpsCheck.Length(dx, (long)batch * s.C * s.InH * s.InW, "dx");
    }

    private struct FwdWork<TS> : IRangeWork where TS : struct, IPool2DShape
    {
        public TS S; public float* X, Y; public int* A;

        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            for (int p = start; p < end; p++)
            {
                float* x = X + (long)p * inPlane;
                float* y = Y + (long)p * outPlane;
                int* a = A + (long)p * outPlane;
                for (int oh = 0; oh < s.OutH; oh++)
                {
                    int h0 = oh * s.StrideH - s.PadH;
                    int hs = Math.Max(h0, 0), he = Math.Min(h0 + s.KH, s.InH);
                    bool rowInside = h0 >= 0 && h0 + s.KH <= s.InH;
                    for (int ow = 0; ow < s.OutW; ow++)
                    {
                        int w0 = ow * s.StrideW - s.PadW;
                        float best = float.NegativeInfinity;
                        int bi;
                        if (rowInside && w0 >= 0 && w0 + s.KW <= s.InW)
                        {
                            // Interior window: constant trip counts, no clipping.
                            float* r = x + h0 * s.InW + w0;
                            bi = h0 * s.InW + w0;
                            for (int kh = 0; kh < s.KH; kh++)
                                for (int kw = 0; kw < s.KW; kw++)
                                {
                                    float v = r[kh * s.InW + kw];
                                    if (v > best || float.IsNaN(v)) { best = v; bi = (h0 + kh) * s.InW + w0 + kw; }
                                }
                        }
                        else
                        {
                            int ws = Math.Max(w0, 0), we = Math.Min(w0 + s.KW, s.InW);
                            bi = hs * s.InW + ws;
                            for (int h = hs; h < he; h++)
                                for (int w = ws; w < we; w++)
                                {
                                    float v = x[h * s.InW + w];
                                    if (v > best || float.IsNaN(v)) { best = v; bi = h * s.InW + w; }
                                }
                        }
                        y[oh * s.OutW + ow] = best;
                        a[oh * s.OutW + ow] = bi;
                    }
                }
            }
        }
    }

    private struct BwdWork<TS> : IRangeWork where TS : struct, IPool2DShape
    {
        public TS S; public float* Dy, Dx; public int* A;

        public readonly void Run(int start, int end)
        {
            TS s = S;
            int inPlane = s.InH * s.InW, outPlane = s.OutH * s.OutW;
            for (int p = start; p < end; p++)
            {
                float* dy = Dy + (long)p * outPlane, dx = Dx + (long)p * inPlane;
                int* a = A + (long)p * outPlane;
                for (int o = 0; o < outPlane; o++) dx[a[o]] += dy[o];
            }
        }
    }
}
