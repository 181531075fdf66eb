namespace StaticCnn;

/// <summary>Base of every layer attribute. A layer consumes the previous layer's output unless <see cref="From"/> names another layer.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>The name of the layer whose output this layer consumes (use <c>nameof</c>); "Input" names the network input. Default: the previous layer.</summary>
    public string? From { get; set; }

    /// <summary>
    /// The PyTorch <c>state_dict</c> prefix of this layer's tensors. Default: the member name in snake_case
    /// (<c>Conv1</c> → <c>conv1</c>, <c>ConvBlock2</c> → <c>conv_block2</c>). Set it to match a PyTorch module path
    /// such as <c>"layer1.0.conv1"</c>.
    /// </summary>
    public string? Name { get; set; }
}
