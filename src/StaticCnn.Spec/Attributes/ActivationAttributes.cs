namespace StaticCnn;

/// <summary>max(0, x) as a layer. PyTorch: <c>nn.ReLU()</c>.</summary>
public sealed class ReLUAttribute : LayerAttribute { }

/// <summary>x if x &gt; 0 else Slope·x. PyTorch: <c>nn.LeakyReLU(slope)</c>.</summary>
public sealed class LeakyReLUAttribute : LayerAttribute
{
    /// <summary>The slope for negative inputs. Default 0.01, as PyTorch.</summary>
    public float Slope { get; set; } = 0.01f;
}

/// <summary>1 / (1 + e^-x) as a layer. PyTorch: <c>nn.Sigmoid()</c>.</summary>
public sealed class SigmoidAttribute : LayerAttribute { }

/// <summary>tanh(x) as a layer. PyTorch: <c>nn.Tanh()</c>.</summary>
public sealed class TanhAttribute : LayerAttribute { }

/// <summary>min(max(0, x), 6) as a layer. PyTorch: <c>nn.ReLU6()</c>.</summary>
public sealed class ReLU6Attribute : LayerAttribute { }

/// <summary>x·relu6(x + 3)/6 as a layer (backward from the layer's input). PyTorch: <c>nn.Hardswish()</c>.</summary>
public sealed class HardswishAttribute : LayerAttribute { }

/// <summary>x·sigmoid(x) as a layer (backward from the layer's input). PyTorch: <c>nn.SiLU()</c>.</summary>
public sealed class SiLUAttribute : LayerAttribute { }

/// <summary>Softmax over the channel axis (per pixel for C×H×W). PyTorch: <c>nn.Softmax(dim=1)</c>. For training a classifier, prefer logits with the fused softmax cross-entropy loss.</summary>
public sealed class SoftmaxAttribute : LayerAttribute { }
