using StaticCnn;

namespace StaticCnn.Interop.Tests.ExportCases;

// Networks for the combinations the one-layer cases of tests/StaticCnn.Tests do not reach: several inputs to Add (Sum)
// and Concat, fused activations on Add, Dense and ConvTranspose2D, a flat (N×F) value feeding layers that need N×C×H×W,
// Add of a flat and a spatial value, Dropout/Flatten/Softmax/BatchNorm2D/GlobalAvgPool in a chain, padded max-pool
// indices through MaxUnpool2D, and an output that is not the last layer's input.

/// <summary>Residual block with a 3-way sum and a fused LeakyReLU, then Concat of three branches.</summary>
[Network(InputChannels = 3, InputHeight = 9, InputWidth = 8)]
public partial class SumConcatNet
{
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer A { get; }
    [Conv2D(4, Kernel = 1, From = "Input")] public partial Layer B { get; }
    [Conv2D(4, KernelH = 3, KernelW = 1, PaddingH = 1, PaddingW = 0, From = "Input", Bias = false)] public partial Layer C { get; }
    [Add(nameof(A), nameof(B), nameof(C), Activation = Activation.LeakyReLU)] public partial Layer Sum { get; }
    [BatchNorm2D] public partial Layer Bn { get; }
    [Concat(nameof(Bn), nameof(A), nameof(Sum))] public partial Layer Cat { get; }
    [Conv2D(5, Kernel = 2, PaddingMode = PaddingMode.Same, Activation = Activation.Tanh)] public partial Layer Same { get; }
    [Softmax] public partial Layer Probs { get; }
}

/// <summary>Dense → 1×1 convolution (flat value to N×C×1×1), Add of a flat and a spatial value, Dropout, Softmax on N×F.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 6)]
public partial class FlatToSpatialNet
{
    [Conv2D(3, Kernel = 3, Stride = 2, Padding = 1, Activation = Activation.Sigmoid)] public partial Layer Conv { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(3, Activation = Activation.LeakyReLU, From = nameof(Conv))] public partial Layer Fc { get; }
    [Add(nameof(Gap), nameof(Fc), Activation = Activation.ReLU)] public partial Layer Merge { get; }
    [Conv2D(8, Kernel = 1, Activation = Activation.Tanh)] public partial Layer Expand { get; }
    [Dropout(0.3f)] public partial Layer Drop { get; }
    [Flatten] public partial Layer Flat { get; }
    [Dense(6, Bias = false)] public partial Layer Out { get; }
    [Softmax] public partial Layer Probs { get; }
}

/// <summary>Padded max-pool whose indices feed MaxUnpool2D, transposed convolution with output padding and a fused ReLU, crop, upsample.</summary>
[Network(InputChannels = 2, InputHeight = 7, InputWidth = 9)]
public partial class EncoderDecoderNet
{
    [Conv2D(3, Kernel = 3, Padding = 1, Dilation = 1, Groups = 1)] public partial Layer Enc { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)] public partial Layer Pool { get; }
    [Conv2D(3, Kernel = 3, Padding = 2, Dilation = 2, Activation = Activation.ReLU)] public partial Layer Mid { get; }
    [MaxUnpool2D(nameof(Pool))] public partial Layer Unpool { get; }
    [AvgPool2D(3, Stride = 1, Padding = 1)] public partial Layer Smooth { get; }
    [ConvTranspose2D(4, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, Activation = Activation.ReLU)] public partial Layer Up { get; }
    [Crop(Top = 1, Left = 2, Height = 10, Width = 12)] public partial Layer Crop { get; }
    [Upsample(2, Mode = UpsampleMode.Bilinear)] public partial Layer Bilinear { get; }
    [Conv2D(4, Kernel = 3, Stride = 2, Groups = 2, Activation = Activation.LeakyReLU)] public partial Layer Down { get; }
    [Upsample(3)] public partial Layer Nearest { get; }
    [CenterCrop(Height = 20, Width = 21)] public partial Layer Center { get; }
}
