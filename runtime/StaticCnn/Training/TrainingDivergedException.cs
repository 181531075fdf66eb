namespace StaticCnn.Training;

/// <summary>
/// Training produced a NaN or infinite loss or gradient. Names the step and the first layer, in backward order, whose
/// parameter gradient went non-finite (the layer where the problem entered the backward pass).
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public TrainingDivergedException(int epoch, long step, float loss, int layerIndex, string? layer)
        : base(Describe(epoch, step, loss, layerIndex, layer))
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
        LayerIndex = layerIndex;
        Layer = layer;
    }

    /// <summary>Epoch (1-based) of the failing step.</summary>
    public int Epoch { get; }
    /// <summary>Global optimizer step (1-based) that failed; the parameters are those before it.</summary>
    public long Step { get; }
    /// <summary>The batch loss (may be finite when only the gradients are not).</summary>
    public float Loss { get; }
    /// <summary>Index in <see cref="INetwork.Layers"/> of the first layer in backward order with a non-finite gradient, or −1.</summary>
    public int LayerIndex { get; }
    /// <summary>That layer's name, or null when every gradient is finite (the loss itself overflowed).</summary>
    public string? Layer { get; }

    private static string Describe(int epoch, long step, float loss, int layerIndex, string? layer)
    {
        string where = layer is null
            ? "every parameter gradient is finite, so the loss itself overflowed (check the targets and the loss)"
            : $"the first layer in backward order with a non-finite gradient is {layer} (layer {layerIndex})";
        return $"Training diverged at step {step} (epoch {epoch}): the loss is {loss}; {where}. "
             + "Lower the learning rate, clip gradients (TrainingOptions.ClipGradientNorm) or check the input data.";
    }
}
