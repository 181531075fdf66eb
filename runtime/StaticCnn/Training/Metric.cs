using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// A metric accumulated over an epoch (mean IoU, box IoU, pair accuracy, ROC AUC, …): <see cref="Reset"/> at the start,
/// <see cref="Update"/> once per batch with the outputs it reads and their targets, <see cref="Result"/> at the end.
/// Like a loss, it works on flat spans and knows nothing about layers. PyTorch: a <c>torchmetrics.Metric</c>.
/// </summary>
/// <remarks>
/// A metric accumulates state, so an instance serves one thread (one training or evaluation run) at a time. Bad input
/// (a wrong number of outputs, a length that does not match the batch, a target out of range) throws
/// <see cref="ArgumentException"/> before anything is accumulated.
/// </remarks>
public abstract class Metric
{
    /// <summary>Short label for progress lines, history columns and plots, e.g. <c>mIoU</c>, <c>AUC</c>.</summary>
    public abstract string Name { get; }

    /// <summary>How many network outputs it reads (1 for most).</summary>
    public virtual int Arity => 1;

    /// <summary>Whether a larger value is better (early stopping and best-epoch selection use it).</summary>
    public virtual bool HigherIsBetter => true;

    /// <summary>Forgets everything accumulated.</summary>
    public abstract void Reset();

    /// <summary>Accumulates one batch: <paramref name="outputs"/> has <see cref="Arity"/> spans of batch × size floats.</summary>
    /// <exception cref="ArgumentException">A count or length does not match, or a target is out of range.</exception>
    public abstract void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch);

    /// <summary>The value over everything accumulated since <see cref="Reset"/>; NaN when nothing was.</summary>
    public abstract double Result { get; }
}
