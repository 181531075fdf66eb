namespace StaticCnn;

/// <summary>
/// 1-D convolution over a (C, L) sequence with weight layout (filters, in/groups, kernel) (<c>name.weight</c>) and bias
/// <c>name.bias</c>. Output length: floor((L + 2P − D·(K−1) − 1) / S) + 1. Runs on the 2-D convolution kernels with
/// a height of 1. PyTorch: <c>nn.Conv1d(in, filters, kernel, stride, padding, dilation, groups, bias)</c>.
/// </summary>
public sealed class Conv1DAttribute : LayerAttribute
{
    /// <summary>Creates a convolution with <paramref name="filters"/> output channels.</summary>
    public Conv1DAttribute(int filters) => Filters = filters;
    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Kernel size (taps along the sequence). Default 3.</summary>
    public int Kernel { get; set; } = 3;
    /// <summary>Stride. Default 1.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Zero padding at both ends. Default 0.</summary>
    public int Padding { get; set; }
    /// <summary><see cref="PaddingMode.Same"/> or <see cref="PaddingMode.Valid"/> instead of a number.</summary>
    public PaddingMode PaddingMode { get; set; }
    /// <summary>Dilation of the kernel taps (a time-delay network's spacing). Default 1.</summary>
    public int Dilation { get; set; } = 1;
    /// <summary>Channel groups; in and out channels must both be divisible by it. Groups = in = out is depthwise.</summary>
    public int Groups { get; set; } = 1;
    /// <summary>Whether the layer has a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Activation fused into the output.</summary>
    public Activation Activation { get; set; }
}
