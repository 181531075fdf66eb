namespace StaticCnn.Training;

/// <summary>
/// A metric reported per epoch (train and validation) in <see cref="EpochRecord.TrainMetrics"/> and
/// <see cref="EpochRecord.ValidationMetrics"/>, the progress line and the history plot: <see cref="Metric"/> of the
/// outputs <see cref="Outputs"/> against the data set tensor <see cref="Target"/> (ints become labels, floats values).
/// It can drive early stopping through <see cref="TrainingOptions.Monitor"/>. PyTorch: a <c>torchmetrics</c> metric
/// updated with <c>(outputs[name], batch[target])</c>.
/// </summary>
/// <param name="Outputs">The network outputs the metric reads, by name; <see cref="Training.Metric.Arity"/> of them.</param>
/// <param name="Metric">The metric (reset by the trainer at the start of every pass).</param>
/// <param name="Target">The data set tensor holding the targets, or null for a metric that needs none.</param>
public sealed record MetricTerm(IReadOnlyList<string> Outputs, Metric Metric, string? Target = null)
{
    /// <summary>A metric on one output: <c>new MetricTerm("Segmentation", new MeanIoU(21), "mask")</c>.</summary>
    public MetricTerm(string Output, Metric Metric, string? Target = null) : this(new[] { Output }, Metric, Target) { }
}
