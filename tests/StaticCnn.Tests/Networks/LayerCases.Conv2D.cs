// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/conv_1x1.safetensors: <c>[Conv2D(7, Kernel = 1)]</c>, input 3×5×4×4.</summary>
[Network(InputChannels = 5, InputHeight = 4, InputWidth = 4)]
public partial class Case_conv_1x1
{
    [Conv2D(7, Kernel = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_1x1_stride2.safetensors: <c>[Conv2D(6, Kernel = 1, Stride = 2)]</c>, input 2×4×7×7.</summary>
[Network(InputChannels = 4, InputHeight = 7, InputWidth = 7)]
public partial class Case_conv_1x1_stride2
{
    [Conv2D(6, Kernel = 1, Stride = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_5x5_pad2.safetensors: <c>[Conv2D(6, Kernel = 5, Padding = 2)]</c>, input 2×1×8×8.</summary>
[Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
public partial class Case_conv_5x5_pad2
{
    [Conv2D(6, Kernel = 5, Padding = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_basic.safetensors: <c>[Conv2D(4, Kernel = 3)]</c>, input 2×3×7×7.</summary>
[Network(InputChannels = 3, InputHeight = 7, InputWidth = 7)]
public partial class Case_conv_basic
{
    [Conv2D(4, Kernel = 3, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_depthwise.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Groups = 4)]</c>, input 2×4×7×7.</summary>
[Network(InputChannels = 4, InputHeight = 7, InputWidth = 7)]
public partial class Case_conv_depthwise
{
    [Conv2D(4, Kernel = 3, Padding = 1, Groups = 4, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_depthwise_mult2.safetensors: <c>[Conv2D(6, Kernel = 3, Padding = 1, Groups = 3)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_depthwise_mult2
{
    [Conv2D(6, Kernel = 3, Padding = 1, Groups = 3, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_dilation2.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 2, Dilation = 2)]</c>, input 2×3×9×9.</summary>
[Network(InputChannels = 3, InputHeight = 9, InputWidth = 9)]
public partial class Case_conv_dilation2
{
    [Conv2D(4, Kernel = 3, Padding = 2, Dilation = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_dw_5x5_s2.safetensors: <c>[Conv2D(24, Kernel = 5, Stride = 2, Padding = 2, Groups = 24, Activation = Activation.ReLU)]</c>, input 2×24×15×15.</summary>
[Network(InputChannels = 24, InputHeight = 15, InputWidth = 15)]
public partial class Case_conv_dw_5x5_s2
{
    [Conv2D(24, Kernel = 5, Stride = 2, Padding = 2, Groups = 24, Activation = Activation.ReLU, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_dw_mobilenet_s1.safetensors: <c>[Conv2D(32, Kernel = 3, Padding = 1, Groups = 32, Bias = false, Activation = Activation.ReLU6)]</c>, input 2×32×14×14.</summary>
[Network(InputChannels = 32, InputHeight = 14, InputWidth = 14)]
public partial class Case_conv_dw_mobilenet_s1
{
    [Conv2D(32, Kernel = 3, Padding = 1, Groups = 32, Bias = false, Activation = Activation.ReLU6, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_dw_mobilenet_s2.safetensors: <c>[Conv2D(32, Kernel = 3, Stride = 2, Padding = 1, Groups = 32, Bias = false, Activation = Activation.ReLU6)]</c>, input 2×32×14×14.</summary>
[Network(InputChannels = 32, InputHeight = 14, InputWidth = 14)]
public partial class Case_conv_dw_mobilenet_s2
{
    [Conv2D(32, Kernel = 3, Stride = 2, Padding = 1, Groups = 32, Bias = false, Activation = Activation.ReLU6, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_dw_mult2_s2.safetensors: <c>[Conv2D(16, Kernel = 3, Stride = 2, Padding = 1, Groups = 8)]</c>, input 1×8×9×9.</summary>
[Network(InputChannels = 8, InputHeight = 9, InputWidth = 9)]
public partial class Case_conv_dw_mult2_s2
{
    [Conv2D(16, Kernel = 3, Stride = 2, Padding = 1, Groups = 8, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_groups2.safetensors: <c>[Conv2D(6, Kernel = 3, Padding = 1, Groups = 2)]</c>, input 2×4×6×6.</summary>
[Network(InputChannels = 4, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_groups2
{
    [Conv2D(6, Kernel = 3, Padding = 1, Groups = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_leakyrelu.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.LeakyReLU)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_leakyrelu
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.LeakyReLU, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_nobias.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Bias = false)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_nobias
{
    [Conv2D(4, Kernel = 3, Padding = 1, Bias = false, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_pad1.safetensors: <c>[Conv2D(5, Kernel = 3, Padding = 1)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_pad1
{
    [Conv2D(5, Kernel = 3, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_pad_hw.safetensors: <c>[Conv2D(3, Kernel = 3, PaddingH = 2, PaddingW = 0)]</c>, input 2×2×6×7.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 7)]
public partial class Case_conv_pad_hw
{
    [Conv2D(3, Kernel = 3, PaddingH = 2, PaddingW = 0, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_rect_1x3.safetensors: <c>[Conv2D(4, KernelH = 1, KernelW = 3, PaddingH = 0, PaddingW = 1)]</c>, input 2×3×5×6.</summary>
[Network(InputChannels = 3, InputHeight = 5, InputWidth = 6)]
public partial class Case_conv_rect_1x3
{
    [Conv2D(4, KernelH = 1, KernelW = 3, PaddingH = 0, PaddingW = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_rect_3x5.safetensors: <c>[Conv2D(3, KernelH = 3, KernelW = 5, PaddingH = 1, PaddingW = 2)]</c>, input 2×2×7×8.</summary>
[Network(InputChannels = 2, InputHeight = 7, InputWidth = 8)]
public partial class Case_conv_rect_3x5
{
    [Conv2D(3, KernelH = 3, KernelW = 5, PaddingH = 1, PaddingW = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_relu.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_relu
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_relu6.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU6)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_relu6
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU6, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_same_k2x4.safetensors: <c>[Conv2D(3, KernelH = 2, KernelW = 4, PaddingMode = PaddingMode.Same)]</c>, input 2×2×6×7.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 7)]
public partial class Case_conv_same_k2x4
{
    [Conv2D(3, KernelH = 2, KernelW = 4, PaddingMode = PaddingMode.Same, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_same_k3_d2.safetensors: <c>[Conv2D(3, Kernel = 3, PaddingMode = PaddingMode.Same, Dilation = 2)]</c>, input 2×2×7×7.</summary>
[Network(InputChannels = 2, InputHeight = 7, InputWidth = 7)]
public partial class Case_conv_same_k3_d2
{
    [Conv2D(3, Kernel = 3, PaddingMode = PaddingMode.Same, Dilation = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_same_k4.safetensors: <c>[Conv2D(3, Kernel = 4, PaddingMode = PaddingMode.Same)]</c>, input 2×2×7×7.</summary>
[Network(InputChannels = 2, InputHeight = 7, InputWidth = 7)]
public partial class Case_conv_same_k4
{
    [Conv2D(3, Kernel = 4, PaddingMode = PaddingMode.Same, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_sigmoid.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Sigmoid)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_sigmoid
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Sigmoid, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_stride2.safetensors: <c>[Conv2D(4, Kernel = 3, Stride = 2, Padding = 1)]</c>, input 2×3×9×9.</summary>
[Network(InputChannels = 3, InputHeight = 9, InputWidth = 9)]
public partial class Case_conv_stride2
{
    [Conv2D(4, Kernel = 3, Stride = 2, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_stride_hw.safetensors: <c>[Conv2D(3, Kernel = 3, StrideH = 2, StrideW = 1, Padding = 1)]</c>, input 2×2×8×9.</summary>
[Network(InputChannels = 2, InputHeight = 8, InputWidth = 9)]
public partial class Case_conv_stride_hw
{
    [Conv2D(3, Kernel = 3, StrideH = 2, StrideW = 1, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_tanh.safetensors: <c>[Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Tanh)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_tanh
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.Tanh, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_valid.safetensors: <c>[Conv2D(3, Kernel = 3, PaddingMode = PaddingMode.Valid)]</c>, input 2×2×6×6.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 6)]
public partial class Case_conv_valid
{
    [Conv2D(3, Kernel = 3, PaddingMode = PaddingMode.Valid, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_wide.safetensors: <c>[Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.ReLU)]</c>, input 2×16×12×12.</summary>
[Network(InputChannels = 16, InputHeight = 12, InputWidth = 12)]
public partial class Case_conv_wide
{
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.ReLU, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/conv_winograd.safetensors: <c>[Conv2D(48, Kernel = 3, Padding = 1)]</c>, input 1×32×16×16.</summary>
[Network(InputChannels = 32, InputHeight = 16, InputWidth = 16)]
public partial class Case_conv_winograd
{
    [Conv2D(48, Kernel = 3, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}
