using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>Shape of a crop, per sample: (C, InH, InW) → (C, OutH, OutW) taken at (Top, Left).</summary>
public interface ICropShape
{
    int C { get; }
    int InH { get; }
    int InW { get; }
    int OutH { get; }
    int OutW { get; }
    int Top { get; }
    int Left { get; }
}

/// <summary>An <see cref="ICropShape"/> whose properties read fields: for tests and dynamic use.</summary>
public readonly record struct CropShape(int C, int InH, int InW, int OutH, int OutW, int Top, int Left) : ICropShape;

/// <summary>
/// Crops a window: y[n,c,h,w] = x[n,c,Top + h,Left + w]; backward adds dY into that window of dX.
/// PyTorch: <c>x[:, :, Top:Top+OutH, Left:Left+OutW]</c> (center crop: <c>torchvision.transforms.functional.center_crop</c>).
/// </summary>
public static class Crop
{
    /// <summary>y = the window of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch) where TS : struct, ICropShape
    {
        Check(s, x.Length, y.Length, batch, "x", "y");
        for (int p = 0; p < batch * s.C; p++)
            for (int h = 0; h < s.OutH; h++)
                x.Slice((p * s.InH + s.Top + h) * s.InW + s.Left, s.OutW).CopyTo(y.Slice((p * s.OutH + h) * s.OutW, s.OutW));
    }

    /// <summary>dx[window] += dy (dx skipped when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch) where TS : struct, ICropShape
    {
        if (dx.IsEmpty) { Check(s, (long)batch * s.C * s.InH * s.InW, dy.Length, batch, "dx", "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, "dx", "dy");
        for (int p = 0; p < batch * s.C; p++)
            for (int h = 0; h < s.OutH; h++)
                Elementwise.AddInto(dy.Slice((p * s.OutH + h) * s.OutW, s.OutW), dx.Slice((p * s.InH + s.Top + h) * s.InW + s.Left, s.OutW));
    }

    /// <summary>Scalar twin of <see cref="Forward{TS}"/>.</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, Span<float> y, int batch) where TS : struct, ICropShape
    {
        Check(s, x.Length, y.Length, batch, "x", "y");
        for (int p = 0; p < batch * s.C; p++)
            for (int h = 0; h < s.OutH; h++)
                for (int w = 0; w < s.OutW; w++)
                    y[(p * s.OutH + h) * s.OutW + w] = x[(p * s.InH + s.Top + h) * s.InW + s.Left + w];
    }

    /// <summary>Scalar twin of <see cref="Backward{TS}"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> dy, Span<float> dx, int batch) where TS : struct, ICropShape
    {
        if (dx.IsEmpty) { Check(s, (long)batch * s.C * s.InH * s.InW, dy.Length, batch, "dx", "dy"); return; }
        Check(s, dx.Length, dy.Length, batch, "dx", "dy");
        for (int p = 0; p < batch * s.C; p++)
            for (int h = 0; h < s.OutH; h++)
                for (int w = 0; w < s.OutW; w++)
                    dx[(p * s.InH + s.Top + h) * s.InW + s.Left + w] += dy[(p * s.OutH + h) * s.OutW + w];
    }

    private static void Check<TS>(TS s, long inLen, int outLen, int batch, string inName, string outName) where TS : struct, ICropShape
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must not be negative.");
        if (s.Top < 0 || s.Left < 0 || s.OutH < 0 || s.OutW < 0 || s.Top + s.OutH > s.InH || s.Left + s.OutW > s.InW)
            throw new ArgumentException($"the {s.OutH}×{s.OutW} window at ({s.Top}, {s.Left}) does not fit in {s.InH}×{s.InW}.");
        if (inLen != (long)batch * s.C * s.InH * s.InW)
            throw new ArgumentException($"{inName} has {inLen} elements but the shape and batch need {(long)batch * s.C * s.InH * s.InW}.", inName);
        OpsCheck.Length(outLen, (long)batch * s.C * s.OutH * s.OutW, outName);
    }
}
