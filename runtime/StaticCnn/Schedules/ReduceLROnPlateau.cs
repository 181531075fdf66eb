namespace StaticCnn.Schedules;

/// <summary>Whether a monitored metric should go down (loss) or up (accuracy).</summary>
public enum PlateauMode
{
    /// <summary>Lower is better (a loss).</summary>
    Min,
    /// <summary>Higher is better (an accuracy).</summary>
    Max,
}

/// <summary>
/// Multiplies the rate by <see cref="Factor"/> when the metric passed to <see cref="StepEpoch"/> has not improved for
/// more than <see cref="Patience"/> epochs, exactly as PyTorch: improvement is relative (a &gt; best·(1 + threshold) in
/// max mode, a &lt; best·(1 − threshold) in min mode) or absolute (± threshold); then <see cref="Cooldown"/> epochs are
/// ignored; the rate never goes below <see cref="MinLearningRate"/> and a change smaller than <see cref="Eps"/> is skipped.
/// PyTorch: <c>lr_scheduler.ReduceLROnPlateau(opt, mode, factor=0.1, patience=10, threshold=1e-4, threshold_mode='rel', cooldown=0, min_lr=0, eps=1e-8)</c>.
/// </summary>
public sealed class ReduceLROnPlateau : LearningRateSchedule
{
    private double _lr;

    /// <summary>Creates the schedule.</summary>
    public ReduceLROnPlateau(float baseLearningRate, PlateauMode mode = PlateauMode.Min, float factor = 0.1f, int patience = 10,
        float threshold = 1e-4f, bool relativeThreshold = true, int cooldown = 0, float minLearningRate = 0f, float eps = 1e-8f)
    {
        if (!(factor < 1f)) throw new ArgumentOutOfRangeException(nameof(factor), factor, "The factor must be below 1.");
        _lr = Optimizers.Adam.AsPython(baseLearningRate);
        Mode = mode;
        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        RelativeThreshold = relativeThreshold;
        Cooldown = cooldown;
        MinLearningRate = minLearningRate;
        Eps = eps;
        Best = mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Min (loss) or max (accuracy).</summary>
    public PlateauMode Mode { get; }
    /// <summary>Multiplier applied on a plateau.</summary>
    public float Factor { get; }
    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }
    /// <summary>Minimum improvement.</summary>
    public float Threshold { get; }
    /// <summary>Relative (default) or absolute threshold.</summary>
    public bool RelativeThreshold { get; }
    /// <summary>Epochs to wait after a reduction.</summary>
    public int Cooldown { get; }
    /// <summary>Lower bound of the rate.</summary>
    public float MinLearningRate { get; }
    /// <summary>Smallest change applied.</summary>
    public float Eps { get; }
    /// <summary>Best metric seen.</summary>
    public double Best { get; private set; }
    /// <summary>Epochs since the last improvement.</summary>
    public int BadEpochs { get; private set; }
    /// <summary>Cooldown epochs left.</summary>
    public int CooldownCounter { get; private set; }

    /// <inheritdoc/>
    public override float LearningRate => (float)_lr;

    /// <inheritdoc/>
    public override void StepEpoch(double metric = double.NaN)
    {
        if (double.IsNaN(metric)) return;
        if (IsBetter(metric)) { Best = metric; BadEpochs = 0; }
        else BadEpochs++;
        if (CooldownCounter > 0) { CooldownCounter--; BadEpochs = 0; }
        if (BadEpochs > Patience)
        {
            double next = Math.Max(_lr * Optimizers.Adam.AsPython(Factor), Optimizers.Adam.AsPython(MinLearningRate));
            if (_lr - next > Optimizers.Adam.AsPython(Eps)) _lr = next;
            CooldownCounter = Cooldown;
            BadEpochs = 0;
        }
    }

    private bool IsBetter(double a)
    {
        double t = Optimizers.Adam.AsPython(Threshold);
        return (Mode, RelativeThreshold) switch
        {
            (PlateauMode.Min, true) => a < Best * (1 - t),
            (PlateauMode.Min, false) => a < Best - t,
            (PlateauMode.Max, true) => a > Best * (t + 1),
            _ => a > Best + t,
        };
    }
}
