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

    /// <summary>
    /// Makes this layer's result one of the network's named outputs: <c>Forward</c> fills it, <c>Backward</c> takes a
    /// gradient for it, and a loss can be attached to it by name. When no layer sets it, the last layer is the one output.
    /// PyTorch: a value returned by <c>forward</c>.
    /// </summary>
    public bool Output { get; set; }

    /// <summary>
    /// The layer (use <c>nameof</c>) whose parameters this layer uses instead of its own: the same kind with the same
    /// arguments, applied to another input. Gradients of both uses add up, and the parameters appear once in the
    /// state_dict, under the first layer's name. PyTorch: the same module called twice.
    /// </summary>
    public string? Shares { get; set; }
}
