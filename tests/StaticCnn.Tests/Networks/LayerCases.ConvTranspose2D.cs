// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/convt_dilation2.safetensors: <c>[ConvTranspose2D(2, Kernel = 3, Padding = 1, Dilation = 2)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_dilation2
{
    [ConvTranspose2D(2, Kernel = 3, Padding = 1, Dilation = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_groups2.safetensors: <c>[ConvTranspose2D(6, Kernel = 3, Stride = 2, Groups = 2)]</c>, input 2×4×4×4.</summary>
[Network(InputChannels = 4, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_groups2
{
    [ConvTranspose2D(6, Kernel = 3, Stride = 2, Groups = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_k2_s2.safetensors: <c>[ConvTranspose2D(3, Kernel = 2, Stride = 2)]</c>, input 2×4×4×4.</summary>
[Network(InputChannels = 4, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_k2_s2
{
    [ConvTranspose2D(3, Kernel = 2, Stride = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_k3_s1.safetensors: <c>[ConvTranspose2D(4, Kernel = 3)]</c>, input 2×3×5×5.</summary>
[Network(InputChannels = 3, InputHeight = 5, InputWidth = 5)]
public partial class Case_convt_k3_s1
{
    [ConvTranspose2D(4, Kernel = 3, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_k3_s2_p1_op1.safetensors: <c>[ConvTranspose2D(4, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_k3_s2_p1_op1
{
    [ConvTranspose2D(4, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_k4_s2_p1.safetensors: <c>[ConvTranspose2D(2, Kernel = 4, Stride = 2, Padding = 1)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_k4_s2_p1
{
    [ConvTranspose2D(2, Kernel = 4, Stride = 2, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_nobias.safetensors: <c>[ConvTranspose2D(2, Kernel = 3, Stride = 2, Bias = false)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_nobias
{
    [ConvTranspose2D(2, Kernel = 3, Stride = 2, Bias = false, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_rect_2x3.safetensors: <c>[ConvTranspose2D(2, KernelH = 2, KernelW = 3, Stride = 2)]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_convt_rect_2x3
{
    [ConvTranspose2D(2, KernelH = 2, KernelW = 3, Stride = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/convt_relu.safetensors: <c>[ConvTranspose2D(4, Kernel = 2, Stride = 2, Activation = Activation.ReLU)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_convt_relu
{
    [ConvTranspose2D(4, Kernel = 2, Stride = 2, Activation = Activation.ReLU, Name = "layer")] public partial Layer Layer { get; }
}
