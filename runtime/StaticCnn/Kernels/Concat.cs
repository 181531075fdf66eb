using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>
/// Concatenation along channels: each input is copied into its channel range [offset, offset + inChannels) of the
/// output, sample by sample (one call per input). Backward adds the matching slice of dY into that input's dX.
/// PyTorch: <c>torch.cat([a, b, …], dim=1)</c>.
/// </summary>
public static class Concat
{
    /// <summary>y[n, offset + c, :] = x[n, c, :].</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int inChannels, int channelOffset, int outChannels, int spatial, ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        Check(inChannels, channelOffset, outChannels, spatial, x.Length, y.Length, batch, "x", "y");
        int inS = inChannels * spatial, outS = outChannels * spatial, off = channelOffset * spatial;
        for (int n = 0; n < batch; n++) x.Slice(n * inS, inS).CopyTo(y.Slice(n * outS + off, inS));
    }

    /// <summary>dx[n, c, :] += dy[n, offset + c, :] (dx skipped when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int inChannels, int channelOffset, int outChannels, int spatial, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        if (dx.IsEmpty) { Check(inChannels, channelOffset, outChannels, spatial, (long)batch * inChannels * spatial, dy.Length, batch, "dx", "dy"); return; }
        Check(inChannels, channelOffset, outChannels, spatial, dx.Length, dy.Length, batch, "dx", "dy");
        int inS = inChannels * spatial, outS = outChannels * spatial, off = channelOffset * spatial;
        for (int n = 0; n < batch; n++) Elementwise.AddInto(dy.Slice(n * outS + off, inS), dx.Slice(n * inS, inS));
    }

    /// <summary>Scalar twin of <see cref="Forward"/>.</summary>
    public static void ForwardReference(int inChannels, int channelOffset, int outChannels, int spatial, ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        Check(inChannels, channelOffset, outChannels, spatial, x.Length, y.Length, batch, "x", "y");
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < inChannels; c++)
                for (int p = 0; p < spatial; p++)
                    y[(n * outChannels + channelOffset + c) * spatial + p] = x[(n * inChannels + c) * spatial + p];
    }

    /// <summary>Scalar twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(int inChannels, int channelOffset, int outChannels, int spatial, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        if (dx.IsEmpty) { Check(inChannels, channelOffset, outChannels, spatial, (long)batch * inChannels * spatial, dy.Length, batch, "dx", "dy"); return; }
        Check(inChannels, channelOffset, outChannels, spatial, dx.Length, dy.Length, batch, "dx", "dy");
        for (int n = 0; n < batch; n++)
            for (int c = 0; c < inChannels; c++)
                for (int p = 0; p < spatial; p++)
                    dx[(n * inChannels + c) * spatial + p] += dy[(n * outChannels + channelOffset + c) * spatial + p];
    }

    private static void Check(int inC, int off, int outC, int spatial, long inLen, int outLen, int batch, string inName, string outName)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must not be negative.");
        if (inC < 0 || off < 0 || spatial < 0 || off + inC > outC)
            throw new ArgumentException($"channels [{off}, {off + inC}) do not fit in the {outC} output channels.");
        if (inLen != (long)batch * inC * spatial)
            throw new ArgumentException($"{inName} has {inLen} elements but the shape and batch need {(long)batch * inC * spatial}.", inName);
        OpsCheck.Length(outLen, (long)batch * outC * spatial, outName);
    }
}
