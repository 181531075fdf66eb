namespace StaticCnn;

/// <summary>
/// Fully connected layer: y = x·Wᵀ + b with <c>name.weight</c> of shape (units, in) as PyTorch.
/// A C×H×W input is flattened implicitly in channel-major order (C·H·W features), exactly as <c>nn.Flatten()</c>
/// followed by <c>nn.Linear</c>, so a Dense layer may follow a convolution or pool directly.
/// PyTorch: <c>nn.Linear(in, units, bias)</c>.
/// </summary>
public sealed class DenseAttribute : LayerAttribute
{
    /// <summary>Creates a dense layer with <paramref name="units"/> outputs.</summary>
    public DenseAttribute(int units) => Units = units;
    /// <summary>Output features.</summary>
    public int Units { get; }
    /// <summary>Whether the layer has a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Activation fused into the output.</summary>
    public Activation Activation { get; set; }
}

/// <summary>Reshapes C×H×W to (C·H·W)×1×1 in channel-major order. PyTorch: <c>nn.Flatten()</c>.</summary>
public sealed class FlattenAttribute : LayerAttribute { }
