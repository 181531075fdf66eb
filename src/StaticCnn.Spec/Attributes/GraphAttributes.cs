namespace StaticCnn;

/// <summary>Element-wise sum of two or more layers of identical shape (residual connections). PyTorch: <c>a + b</c>.</summary>
public sealed class AddAttribute : LayerAttribute
{
    /// <summary>Creates a sum of the named layers (use <c>nameof</c>).</summary>
    public AddAttribute(params string[] inputs) => Inputs = inputs;
    /// <summary>The layers summed.</summary>
    public string[] Inputs { get; }
    /// <summary>Activation applied after the sum.</summary>
    public Activation Activation { get; set; }
}

/// <summary>Concatenation along the channel axis of layers with equal H×W. PyTorch: <c>torch.cat([a, b], dim=1)</c>.</summary>
public sealed class ConcatAttribute : LayerAttribute
{
    /// <summary>Creates a channel concatenation of the named layers, in order (use <c>nameof</c>).</summary>
    public ConcatAttribute(params string[] inputs) => Inputs = inputs;
    /// <summary>The layers concatenated.</summary>
    public string[] Inputs { get; }
}
