using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// One term of the training objective of a network with named outputs: <see cref="Weight"/> × <see cref="Loss"/> of the
/// outputs <see cref="Outputs"/> against the data set tensor <see cref="Target"/>. The total loss is the sum of the
/// weighted terms, and each output's gradient the sum of the weighted gradients of the terms that read it (PyTorch:
/// <c>loss = ce(cls, label) + 2 * smooth_l1(box, box_target)</c>).
/// A target tensor of ints becomes <see cref="LossTargets.Labels"/>, one of floats <see cref="LossTargets.Values"/>; the
/// mask tensor (floats, per element or per sample) becomes <see cref="LossTargets.Mask"/>.
/// </summary>
/// <param name="Outputs">The network outputs the loss reads, by name (<see cref="INetwork.Outputs"/>): one for most
/// losses, <see cref="Losses.Loss.Arity"/> of them (e.g. anchor, positive, negative) for pair and triplet losses.</param>
/// <param name="Loss">The loss.</param>
/// <param name="Target">The data set tensor holding the targets, or null for a loss that needs none.</param>
/// <param name="Mask">An optional float data set tensor of mask weights, or null.</param>
/// <param name="Weight">The term's weight in the total loss (finite, ≥ 0). Default 1.</param>
public sealed record LossTerm(IReadOnlyList<string> Outputs, Loss Loss, string? Target = null, string? Mask = null, float Weight = 1f)
{
    /// <summary>
    /// A term reading one output: <c>new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2)</c> (the parameters are
    /// named as the record's properties, so that named arguments read the same in both constructors).
    /// </summary>
    public LossTerm(string Output, Loss Loss, string? Target = null, string? Mask = null, float Weight = 1f)
        : this(new[] { Output }, Loss, Target, Mask, Weight) { }
}
