using System.Globalization;

namespace StaticCnn.Training;

/// <summary>Pieces of the trainer's progress text. Pure functions, thread-safe.</summary>
internal static class ProgressText
{
    /// <summary>
    /// How a loss figure is labelled: plain <c>loss</c> for plain cross-entropy (the default of both
    /// <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> and <see cref="Trainer.Evaluate(INetwork, Data.InMemoryDataset, int, Losses.Loss?, int)"/>), otherwise <c>loss (NAME)</c>, e.g.
    /// <c>loss (CE, smoothing 0.1)</c>, so that a figure is never mistaken for another loss's.
    /// </summary>
    public static string LossLabel(string lossName) => lossName == "CE" ? "loss" : $"loss ({lossName})";

    /// <summary>
    /// The loss figures of a run with named loss terms: for one term as <see cref="LossLabel"/> does (<c>loss 0.4100</c>
    /// for plain CE, <c>loss (MSE) 0.0123</c>), for several (or one of weight ≠ 1) the total and each (unweighted) term, e.g.
    /// <c>loss 0.4100 (CE 0.3, SmoothL1 0.055)</c>.
    /// </summary>
    public static string LossFigures(double total, IReadOnlyList<NamedValue> terms)
    {
        if (terms.Count == 1 && Math.Abs(total - terms[0].Value) <= 1e-6 * Math.Abs(total)) return string.Create(CultureInfo.InvariantCulture, $"{LossLabel(terms[0].Name)} {total:0.0000}");
        var parts = new string[terms.Count];
        for (int i = 0; i < parts.Length; i++) parts[i] = $"{terms[i].Name} {Figure(terms[i].Value)}";
        return string.Create(CultureInfo.InvariantCulture, $"loss {total:0.0000} ({string.Join(", ", parts)})");
    }

    /// <summary>Metrics as <c> · mIoU 0.71 · AUC 0.93</c>, each name after <paramref name="prefix"/> (e.g. <c>val </c>).</summary>
    public static string MetricFigures(IReadOnlyList<NamedValue> metrics, string prefix = "")
    {
        string s = "";
        foreach (var m in metrics) s += $" · {prefix}{m.Name} {Figure(m.Value)}";
        return s;
    }

    /// <summary>
    /// The figures of an epoch with named terms: training loss, terms and metrics, then (with validation data)
    /// <c>| val loss … · val mIoU …</c>.
    /// </summary>
    public static string EpochFigures(EpochRecord r)
    {
        string text = LossFigures(r.TrainLoss, r.TrainLosses) + MetricFigures(r.TrainMetrics);
        if (!float.IsNaN(r.ValidationLoss) || r.ValidationMetrics.Count > 0)
            text += " | val " + LossFigures(r.ValidationLoss, r.ValidationLosses) + MetricFigures(r.ValidationMetrics, "val ");
        return text;
    }

    /// <summary>A term or metric value with four significant digits (invariant culture).</summary>
    public static string Figure(double v) => v.ToString("G4", CultureInfo.InvariantCulture);

    /// <summary>
    /// Estimated time left in the epoch: the remaining batches × the mean time of the <paramref name="done"/> batches
    /// so far, as <see cref="Duration"/>; <c>--:--</c> before the first batch or when the time is not a finite
    /// non-negative number.
    /// </summary>
    public static string Eta(int done, int total, double elapsedSeconds)
    {
        if (done <= 0 || total < done || !double.IsFinite(elapsedSeconds) || elapsedSeconds < 0) return "--:--";
        return Duration(elapsedSeconds / done * (total - done));
    }

    /// <summary>Whole seconds as <c>m:ss</c> below an hour, <c>h:mm:ss</c> from one hour (rounded to the nearest second).</summary>
    public static string Duration(double seconds)
    {
        if (!double.IsFinite(seconds) || seconds < 0) return "--:--";
        long s = (long)Math.Round(Math.Min(seconds, 1e12));
        long h = s / 3600, m = s / 60 % 60, sec = s % 60;
        return h > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{h}:{m:00}:{sec:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{m}:{sec:00}");
    }
}
