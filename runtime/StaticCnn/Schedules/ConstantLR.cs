namespace StaticCnn.Schedules;

/// <summary>A fixed learning rate (no schedule).</summary>
public sealed class ConstantLR : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    public ConstantLR(float learningRate) => LearningRate = learningRate;
    /// <inheritdoc/>
    public override float LearningRate { get; }
}
