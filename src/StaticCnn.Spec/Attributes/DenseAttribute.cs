namespace StaticCnn;

/// <summary>
/// Fully connected layer: y = x·Wᵀ + b with <c>name.weight</c> of shape (units, in) as PyTorch.
/// A Dense layer needs a flat input: put a <see cref="FlattenAttribute"/> layer (or a GlobalAvgPool) before it
/// when the input is C×H×W with H or W above 1. PyTorch: <c>nn.Linear(in, units, bias)</c>.
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
