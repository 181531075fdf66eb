using System.Globalization;

namespace StaticCnn.Training;

/// <summary>Pieces of the trainer's progress text. Pure functions, thread-safe.</summary>
internal static class ProgressText
{
    /// <summary>
    /// How a loss figure is labelled: plain <c>loss</c> for plain cross-entropy (the default of both
    /// <see cref="Trainer.Fit"/> and <see cref="Trainer.Evaluate"/>), otherwise <c>loss (NAME)</c>, e.g.
    /// <c>loss (CE, smoothing 0.1)</c>, so that a figure is never mistaken for another loss's.
    /// </summary>
    public static string LossLabel(string lossName) => lossName == "CE" ? "loss" : $"loss ({lossName})";

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
