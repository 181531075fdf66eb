using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>Shape of an up-sampling layer, per sample: (C, InH, InW) → (C, InH·Scale, InW·Scale).</summary>
public interface IUpsampleShape
{
    int C { get; }
    int InH { get; }
    int InW { get; }
    int Scale { get; }
    UpsampleMode Mode { get; }
}

/// <summary>An <see cref="IUpsampleShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct UpsampleShape(int C, int InH, int InW, int Scale, UpsampleMode Mode) : IUpsampleShape;

/// <summary>
/// Integer-factor up-sampling with PyTorch's index arithmetic. Nearest: src = min(⌊dst·(1/s)⌋, In − 1) in float.
/// Bilinear (align_corners=False): src = max((float)(1/s)·(dst + 0.5) − 0.5, 0) in double, i0 = ⌊src⌋,
/// i1 = i0 + (i0 &lt; In − 1), λ1 = src − i0, λ0 = 1 − λ1; y = λ0h·(λ0w·x00 + λ1w·x01) + λ1h·(λ0w·x10 + λ1w·x11).
/// Backward scatters dY with the same weights, in output order. Threads partition the (n, c) planes.
/// PyTorch: <c>nn.Upsample(scale_factor=s, mode='nearest' | 'bilinear')</c>.
/// </summary>
public static unsafe class Upsample
{
    /// <summary>y = upsample(x).</summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IUpsampleShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        fixed (float* px = x, py = y)
            OpsParallel.For(batch * s.C, threads, new Work<TS> { S = s, Src = px, Dst = py, Backward = false }, (long)s.InH * s.InW * (1 + s.Scale * s.Scale));
    }

    /// <summary>dx += the adjoint of upsample applied to dy (dx skipped when empty).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IUpsampleShape
    {
        if (dx.IsEmpty) { Check(s, -1, dy.Length, batch, threads, "dx", "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        fixed (float* pdy = dy, pdx = dx)
            OpsParallel.For(batch * s.C, threads, new Work<TS> { S = s, Src = pdy, Dst = pdx, Backward = true }, (long)s.InH * s.InW * (1 + s.Scale * s.Scale));
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch, int threads) where TS : struct, IUpsampleShape
    {
        Check(s, x.Length, y.Length, batch, threads, "x", "y");
        int outH = s.InH * s.Scale, outW = s.InW * s.Scale, inPlane = s.InH * s.InW, outPlane = outH * outW;
        for (int p = 0; p < batch * s.C; p++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    float v;
                    if (s.Mode == UpsampleMode.Nearest)
                        v = x[p * inPlane + Nearest(oh, s.InH, s.Scale) * s.InW + Nearest(ow, s.InW, s.Scale)];
                    else
                    {
                        Linear(oh, s.InH, s.Scale, out int h0, out int h1, out float lh0, out float lh1);
                        Linear(ow, s.InW, s.Scale, out int w0, out int w1, out float lw0, out float lw1);
                        int b = p * inPlane;
                        v = lh0 * (lw0 * x[b + h0 * s.InW + w0] + lw1 * x[b + h0 * s.InW + w1])
                          + lh1 * (lw0 * x[b + h1 * s.InW + w0] + lw1 * x[b + h1 * s.InW + w1]);
                    }
                    y[p * outPlane + oh * outW + ow] = v;
                }
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch, int threads) where TS : struct, IUpsampleShape
    {
        if (dx.IsEmpty) { Check(s, -1, dy.Length, batch, threads, "dx", "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, threads, "dx", "dy");
        int outH = s.InH * s.Scale, outW = s.InW * s.Scale, inPlane = s.InH * s.InW, outPlane = outH * outW;
        for (int p = 0; p < batch * s.C; p++)
            for (int oh = 0; oh < outH; oh++)
                for (int ow = 0; ow < outW; ow++)
                {
                    float g = dy[p * outPlane + oh * outW + ow];
                    int b = p * inPlane;
                    if (s.Mode == UpsampleMode.Nearest)
                        dx[b + Nearest(oh, s.InH, s.Scale) * s.InW + Nearest(ow, s.InW, s.Scale)] += g;
                    else
                    {
                        Linear(oh, s.InH, s.Scale, out int h0, out int h1, out float lh0, out float lh1);
                        Linear(ow, s.InW, s.Scale, out int w0, out int w1, out float lw0, out float lw1);
                        dx[b + h0 * s.InW + w0] += lh0 * lw0 * g;
                        dx[b + h0 * s.InW + w1] += lh0 * lw1 * g;
                        dx[b + h1 * s.InW + w0] += lh1 * lw0 * g;
                        dx[b + h1 * s.InW + w1] += lh1 * lw1 * g;
                    }
                }
    }

    /// <summary>PyTorch's nearest_idx: src = min((int)floorf(dst · (float)(1/scale)), In − 1).</summary>
    internal static int Nearest(int dst, int inSize, int scale)
    {
        float f = (float)(1.0 / scale);
        return Math.Min((int)MathF.Floor(dst * f), inSize - 1);
    }

    /// <summary>
    /// PyTorch's area_pixel_compute_source_index (align_corners=False) and linear weights. The source index is formed in
    /// double from the float scale, as PyTorch 1.13's CPU kernel does (checked bit for bit against it for scale 3).
    /// </summary>
    internal static void Linear(int dst, int inSize, int scale, out int i0, out int i1, out float l0, out float l1)
    {
        double f = (float)(1.0 / scale);
        double src = f * (dst + 0.5) - 0.5;
        if (src < 0) src = 0;
        i0 = (int)src;
        i1 = i0 + (i0 < inSize - 1 ? 1 : 0);
        l1 = (float)(src - i0);
        l0 = 1f - l1;
    }

    private static void Check<TS>(TS s, long inLen, int outLen, int batch, int threads, string inName, string outName) where TS : struct, IUpsampleShape
    {
        OpsCheck.Batch(batch, threads);
        if (s.Scale < 1) throw new ArgumentOutOfRangeException(nameof(s), s.Scale, "Scale must be at least 1.");
        if (s.Mode is not (UpsampleMode.Nearest or UpsampleMode.Bilinear)) throw new ArgumentOutOfRangeException(nameof(s), s.Mode, null);
        if (inLen >= 0) OpsCheck.Length((int)inLen, (long)batch * s.C * s.InH * s.InW, inName);
        OpsCheck.Length(outLen, (long)batch * s.C * s.InH * s.Scale * s.InW * s.Scale, outName);
    }

    private struct Work<TS> : IRangeWork where TS : struct, IUpsampleShape
    {
        public TS S; public float* Src, Dst; public bool Backward;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Run(int start, int end)
        {
            TS s = S;
            int outH = s.InH * s.Scale, outW = s.InW * s.Scale, inPlane = s.InH * s.InW, outPlane = outH * outW;
            bool div = s.Mode == UpsampleMode.Nearest && SameAsDivision(s.InW, s.Scale);
            for (int p = start; p < end; p++)
            {
                if (!Backward)
                {
                    float* x = Src + (long)p * inPlane, y = Dst + (long)p * outPlane;
                    if (s.Mode == UpsampleMode.Nearest) NearestForward(s, x, y, outH, outW, div);
                    else BilinearForward(s, x, y, outH, outW);
                }
                else
                {
                    float* dy = Src + (long)p * outPlane, dx = Dst + (long)p * inPlane;
                    if (s.Mode == UpsampleMode.Nearest) NearestBackward(s, dy, dx, outH, outW, div);
                    else BilinearBackward(s, dy, dx, outH, outW);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void NearestForward(TS s, float* x, float* y, int outH, int outW, bool div)
        {
            int prevSrc = -1;
            for (int oh = 0; oh < outH; oh++)
            {
                int ih = Nearest(oh, s.InH, s.Scale);
                float* yr = y + (long)oh * outW;
                if (ih == prevSrc) { new ReadOnlySpan<float>(yr - outW, outW).CopyTo(new Span<float>(yr, outW)); continue; }
                prevSrc = ih;
                float* xr = x + (long)ih * s.InW;
                if (div)
                {
                    // The usual case: column ow reads ow / Scale, so write runs of Scale copies.
                    for (int iw = 0; iw < s.InW; iw++)
                    {
                        float v = xr[iw];
                        float* o = yr + iw * s.Scale;
                        for (int k = 0; k < s.Scale; k++) o[k] = v;
                    }
                }
                else
                    for (int ow = 0; ow < outW; ow++) yr[ow] = xr[Nearest(ow, s.InW, s.Scale)];
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void NearestBackward(TS s, float* dy, float* dx, int outH, int outW, bool div)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                float* dxr = dx + (long)Nearest(oh, s.InH, s.Scale) * s.InW;
                float* dyr = dy + (long)oh * outW;
                if (div)
                    for (int iw = 0; iw < s.InW; iw++)
                    {
                        float a = dxr[iw];
                        float* g = dyr + iw * s.Scale;
                        for (int k = 0; k < s.Scale; k++) a += g[k];
                        dxr[iw] = a;
                    }
                else
                    for (int ow = 0; ow < outW; ow++) dxr[Nearest(ow, s.InW, s.Scale)] += dyr[ow];
            }
        }

        // True when PyTorch's float formula equals ow / Scale for every column.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool SameAsDivision(int inW, int scale)
        {
            int outW = inW * scale;
            for (int ow = 0; ow < outW; ow++) if (Nearest(ow, inW, scale) != ow / scale) return false;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BilinearForward(TS s, float* x, float* y, int outH, int outW)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                Linear(oh, s.InH, s.Scale, out int h0, out int h1, out float lh0, out float lh1);
                float* r0 = x + (long)h0 * s.InW, r1 = x + (long)h1 * s.InW, yr = y + (long)oh * outW;
                for (int ow = 0; ow < outW; ow++)
                {
                    Linear(ow, s.InW, s.Scale, out int w0, out int w1, out float lw0, out float lw1);
                    yr[ow] = lh0 * (lw0 * r0[w0] + lw1 * r0[w1]) + lh1 * (lw0 * r1[w0] + lw1 * r1[w1]);
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void BilinearBackward(TS s, float* dy, float* dx, int outH, int outW)
        {
            for (int oh = 0; oh < outH; oh++)
            {
                Linear(oh, s.InH, s.Scale, out int h0, out int h1, out float lh0, out float lh1);
                float* r0 = dx + (long)h0 * s.InW, r1 = dx + (long)h1 * s.InW, g = dy + (long)oh * outW;
                for (int ow = 0; ow < outW; ow++)
                {
                    Linear(ow, s.InW, s.Scale, out int w0, out int w1, out float lw0, out float lw1);
                    float v = g[ow];
                    r0[w0] += lh0 * lw0 * v;
                    r0[w1] += lh0 * lw1 * v;
                    r1[w0] += lh1 * lw0 * v;
                    r1[w1] += lh1 * lw1 * v;
                }
            }
        }
    }
}
