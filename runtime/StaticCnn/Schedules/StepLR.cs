namespace StaticCnn.Schedules;

/// <summary>
/// lr = base · γ^⌊epoch / stepSize⌋, stepped per epoch. PyTorch: <c>lr_scheduler.StepLR(opt, step_size, gamma=0.1)</c>.
/// </summary>
public sealed class StepLR : LearningRateSchedule
{
    private int _epoch;

    /// <summary>Creates the schedule.</summary>
    public StepLR(float baseLearningRate, int stepSize, float gamma = 0.1f)
    {
        if (stepSize <= 0) throw new ArgumentOutOfRangeException(nameof(stepSize), stepSize, "The step size must be positive.");
        BaseLearningRate = baseLearningRate;
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>The rate of the first epoch.</summary>
    public float BaseLearningRate { get; }
    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }
    /// <summary>Decay factor.</summary>
    public float Gamma { get; }
    /// <summary>Epochs completed.</summary>
    public int Epoch { get => _epoch; set => _epoch = value; }

    /// <inheritdoc/>
    public override float LearningRate => (float)(Optimizers.Adam.AsPython(BaseLearningRate) * Math.Pow(Optimizers.Adam.AsPython(Gamma), _epoch / StepSize));

    /// <inheritdoc/>
    public override void StepEpoch(double metric = double.NaN) => _epoch++;
}
