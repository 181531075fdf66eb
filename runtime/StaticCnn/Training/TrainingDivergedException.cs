namespace StaticCnn.Training;

/// <summary>
/// Training produced a NaN or infinite loss, gradient, parameter or buffer. Names the step and either the first layer,
/// in backward order, whose parameter gradient went non-finite (the layer where the problem entered the backward pass;
/// the parameters are those before the step), or, when every loss and gradient was finite, the first tensor in
/// <see cref="INetwork.Tensors"/> order that the step or the BatchNorm running statistics left non-finite
/// (<see cref="Tensor"/>; the parameters are those after the step). Thrown by <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> with
/// <see cref="TrainingOptions.CheckFinite"/>.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for a non-finite loss or gradient.</summary>
    public TrainingDivergedException(int epoch, long step, float loss, int layerIndex, string? layer)
        : base(Describe(epoch, step, loss, layerIndex, layer))
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
        LayerIndex = layerIndex;
        Layer = layer;
        TensorIndex = -1;
        TensorValue = float.NaN;
    }

    /// <summary>Creates the exception for a parameter or buffer left non-finite by a step.</summary>
    /// <param name="epoch">Epoch (1-based).</param>
    /// <param name="step">Global step (1-based).</param>
    /// <param name="loss">The step's batch loss.</param>
    /// <param name="layerIndex">Index of the tensor's layer, or −1.</param>
    /// <param name="layer">Name of the tensor's layer, or null.</param>
    /// <param name="tensor">The tensor's <c>state_dict</c> name, e.g. <c>bn1.running_var</c>.</param>
    /// <param name="index">Flat index of the first non-finite element inside the tensor, or −1.</param>
    /// <param name="value">That element.</param>
    public TrainingDivergedException(int epoch, long step, float loss, int layerIndex, string? layer, string tensor, int index, float value)
        : base(DescribeTensor(epoch, step, loss, layerIndex, layer, tensor, index, value))
    {
        Epoch = epoch;
        Step = step;
        Loss = loss;
        LayerIndex = layerIndex;
        Layer = layer;
        Tensor = tensor;
        TensorIndex = index;
        TensorValue = value;
    }

    /// <summary>Epoch (1-based) of the failing step.</summary>
    public int Epoch { get; }
    /// <summary>Global optimizer step (1-based) that failed.</summary>
    public long Step { get; }
    /// <summary>The batch loss (may be finite when only the gradients or the state are not).</summary>
    public float Loss { get; }
    /// <summary>Index in <see cref="INetwork.Layers"/> of the layer at fault (see the class summary), or −1.</summary>
    public int LayerIndex { get; }
    /// <summary>That layer's name, or null when every gradient is finite and the loss itself overflowed.</summary>
    public string? Layer { get; }
    /// <summary>
    /// The parameter or buffer (PyTorch <c>state_dict</c> name, e.g. <c>bn1.running_var</c>) that the step left
    /// non-finite, or null when the loss or a gradient was non-finite before the step.
    /// </summary>
    public string? Tensor { get; }
    /// <summary>Flat index of the first non-finite element of <see cref="Tensor"/>, or −1.</summary>
    public int TensorIndex { get; }
    /// <summary>That element's value (NaN or ±∞); NaN when <see cref="Tensor"/> is null.</summary>
    public float TensorValue { get; }

    private static string Describe(int epoch, long step, float loss, int layerIndex, string? layer)
    {
        string where = layer is null
            ? "every parameter gradient is finite, so the loss itself overflowed (check the targets and the loss)"
            : $"the first layer in backward order with a non-finite gradient is {layer} (layer {layerIndex})";
        return $"Training diverged at step {step} (epoch {epoch}): the loss is {loss}; {where}. "
             + "Lower the learning rate, clip gradients (TrainingOptions.ClipGradientNorm) or check the input data.";
    }

    private static string DescribeTensor(int epoch, long step, float loss, int layerIndex, string? layer, string tensor, int index, float value)
        => string.Create(System.Globalization.CultureInfo.InvariantCulture,
               $"Training diverged at step {step} (epoch {epoch}): the loss {loss} and the gradients are finite, but after the step ")
         + string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{tensor} holds {value} at index {index}")
         + (layer is null ? "" : $" (layer {layer}, {layerIndex})")
         + ". Lower the learning rate, clip gradients (TrainingOptions.ClipGradientNorm) or check the input data for huge values.";
}
