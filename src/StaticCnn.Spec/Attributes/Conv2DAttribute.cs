namespace StaticCnn;

/// <summary>
/// 2-D convolution over NCHW input with weight layout OIHW (<c>name.weight</c>: filters × in/groups × kH × kW) and bias <c>name.bias</c>.
/// Output size: floor((W + 2P − D·(K−1) − 1) / S) + 1. PyTorch: <c>nn.Conv2d(in, filters, kernel, stride, padding, dilation, groups, bias)</c>.
/// </summary>
public sealed class Conv2DAttribute : LayerAttribute
{
    /// <summary>Creates a convolution with <paramref name="filters"/> output channels.</summary>
    public Conv2DAttribute(int filters) => Filters = filters;
    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Square kernel size. Default 3.</summary>
    public int Kernel { get; set; } = 3;
    /// <summary>Kernel height; overrides <see cref="Kernel"/> when positive.</summary>
    public int KernelH { get; set; }
    /// <summary>Kernel width; overrides <see cref="Kernel"/> when positive.</summary>
    public int KernelW { get; set; }
    /// <summary>Stride in both directions. Default 1.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Vertical stride; overrides <see cref="Stride"/> when positive.</summary>
    public int StrideH { get; set; }
    /// <summary>Horizontal stride; overrides <see cref="Stride"/> when positive.</summary>
    public int StrideW { get; set; }
    /// <summary>Zero padding on every side. Default 0.</summary>
    public int Padding { get; set; }
    /// <summary>Vertical padding; overrides <see cref="Padding"/> when non-negative and set.</summary>
    public int PaddingH { get; set; } = -1;
    /// <summary>Horizontal padding; overrides <see cref="Padding"/> when non-negative and set.</summary>
    public int PaddingW { get; set; } = -1;
    /// <summary><see cref="PaddingMode.Same"/> or <see cref="PaddingMode.Valid"/> instead of a number.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>Dilation of the kernel taps. Default 1.</summary>
    public int Dilation { get; set; } = 1;
    /// <summary>Channel groups; in and out channels must both be divisible by it. Groups = in = out is depthwise.</summary>
    public int Groups { get; set; } = 1;
    /// <summary>Whether the layer has a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Activation fused into the output.</summary>
    public Activation Activation { get; set; }
}
