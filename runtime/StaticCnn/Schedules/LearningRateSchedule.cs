namespace StaticCnn.Schedules;

/// <summary>
/// A learning-rate schedule, stateful like PyTorch's <c>lr_scheduler</c>: <see cref="LearningRate"/> is the rate for the
/// current step; the trainer calls <see cref="StepBatch"/> after every optimizer step and <see cref="StepEpoch"/> after
/// every epoch (PyTorch's <c>scheduler.step()</c> at the place the schedule is documented for).
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate to use now.</summary>
    public abstract float LearningRate { get; }
    /// <summary>The momentum (or Adam β₁) to use now, or NaN when the schedule does not cycle momentum.</summary>
    public virtual float Momentum => float.NaN;
    /// <summary>Called after each optimizer step.</summary>
    public virtual void StepBatch() { }
    /// <summary>Called after each epoch with the monitored metric (used by <see cref="ReduceLROnPlateau"/>), NaN when none.</summary>
    public virtual void StepEpoch(double metric = double.NaN) { }
}
