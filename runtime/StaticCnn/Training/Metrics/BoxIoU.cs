using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// Mean intersection-over-union between each sample's predicted box (the output, 4 floats per sample) and its target
/// box (<see cref="LossTargets.Values"/>, 4 per sample), in the <see cref="Format"/> given:
/// IoU = area(A ∩ B) / (area(A) + area(B) − area(A ∩ B)), the diagonal of <c>torchvision.ops.box_iou(pred, target)</c>,
/// averaged over every sample seen since <see cref="Reset"/>. A degenerate box (width or height ≤ 0, or not finite)
/// has IoU 0 with anything (torchvision would give a negative area or 0/0). Allocation-free; NaN before any sample.
/// </summary>
public sealed class BoxIoU : Metric
{
    private double _sum;
    private long _count;

    /// <summary>Creates the metric.</summary>
    /// <param name="format">How the four floats describe a box (default corners).</param>
    public BoxIoU(BoxFormat format = BoxFormat.Corners)
    {
        if (format is not (BoxFormat.Corners or BoxFormat.CenterSize))
            throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown box format.");
        Format = format;
    }

    /// <summary>The box format of outputs and targets.</summary>
    public BoxFormat Format { get; }

    /// <summary><c>BoxIoU</c>.</summary>
    public override string Name => "BoxIoU";

    /// <inheritdoc/>
    public override void Reset() { _sum = 0; _count = 0; }

    /// <inheritdoc/>
    public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
    {
        ReadOnlySpan<float> pred = MetricChecks.One(Name, outputs, batch, out int perSample);
        if (perSample != 4)
            throw new ArgumentException($"BoxIoU: the output has {perSample} floats per sample; a box is 4.", nameof(outputs));
        if (targets.Values.Length != pred.Length)
            throw new ArgumentException($"BoxIoU: there are {targets.Values.Length} target floats (Values) for {batch} boxes; it takes 4 per sample ({pred.Length}).", nameof(targets));
        for (int i = 0; i < batch; i++) _sum += IoU(pred.Slice(4 * i, 4), targets.Values.Slice(4 * i, 4), Format);
        _count += batch;
    }

    /// <inheritdoc/>
    public override double Result => _count > 0 ? _sum / _count : double.NaN;

    /// <summary>IoU of two boxes in <paramref name="format"/>; 0 when either is degenerate.</summary>
    public static double IoU(ReadOnlySpan<float> a, ReadOnlySpan<float> b, BoxFormat format)
    {
        var (ax1, ay1, ax2, ay2) = ToCorners(a, format);
        var (bx1, by1, bx2, by2) = ToCorners(b, format);
        double aw = ax2 - ax1, ah = ay2 - ay1, bw = bx2 - bx1, bh = by2 - by1;
        if (!(aw > 0 && ah > 0 && bw > 0 && bh > 0) || !double.IsFinite(aw * ah) || !double.IsFinite(bw * bh)) return 0;
        double iw = Math.Max(0.0, Math.Min(ax2, bx2) - Math.Max(ax1, bx1));
        double ih = Math.Max(0.0, Math.Min(ay2, by2) - Math.Max(ay1, by1));
        double inter = iw * ih;
        return inter / (aw * ah + bw * bh - inter);
    }

    private static (double X1, double Y1, double X2, double Y2) ToCorners(ReadOnlySpan<float> box, BoxFormat format)
        => format == BoxFormat.Corners
            ? (box[0], box[1], box[2], box[3])
            : (box[0] - 0.5 * box[2], box[1] - 0.5 * box[3], box[0] + 0.5 * box[2], box[1] + 0.5 * box[3]);
}
