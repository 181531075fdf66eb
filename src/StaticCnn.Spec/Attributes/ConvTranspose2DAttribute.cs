namespace StaticCnn;

/// <summary>
/// Transposed 2-D convolution ("deconvolution") with weight layout (in, filters/groups, kH, kW) as PyTorch.
/// Output size: (W − 1)·S − 2P + D·(K − 1) + OutputPadding + 1.
/// PyTorch: <c>nn.ConvTranspose2d(in, filters, kernel, stride, padding, output_padding, groups, bias, dilation)</c>.
/// </summary>
public sealed class ConvTranspose2DAttribute : LayerAttribute
{
    /// <summary>Creates a transposed convolution with <paramref name="filters"/> output channels.</summary>
    public ConvTranspose2DAttribute(int filters) => Filters = filters;
    /// <summary>Output channels.</summary>
    public int Filters { get; }
    /// <summary>Square kernel size. Default 2.</summary>
    public int Kernel { get; set; } = 2;
    /// <summary>Kernel height; overrides <see cref="Kernel"/> when positive.</summary>
    public int KernelH { get; set; }
    /// <summary>Kernel width; overrides <see cref="Kernel"/> when positive.</summary>
    public int KernelW { get; set; }
    /// <summary>Stride. Default 1.</summary>
    public int Stride { get; set; } = 1;
    /// <summary>Padding removed from each side of the full output. Default 0.</summary>
    public int Padding { get; set; }
    /// <summary>Extra rows/columns added to one side of the output; must be smaller than stride or dilation.</summary>
    public int OutputPadding { get; set; }
    /// <summary>Dilation. Default 1.</summary>
    public int Dilation { get; set; } = 1;
    /// <summary>Channel groups.</summary>
    public int Groups { get; set; } = 1;
    /// <summary>Whether the layer has a bias. Default true.</summary>
    public bool Bias { get; set; } = true;
    /// <summary>Activation fused into the output.</summary>
    public Activation Activation { get; set; }
}
