using StaticCnn;

namespace StaticCnn.Samples.RelaxedPrecision;

// One network, declared at both precisions: the layers are the same, so are the parameter names and shapes, and a
// checkpoint of one loads into the other. Precision is a compile-time property of the network (the generator bakes it
// into every convolution's shape), so the relaxed form is a class of its own.
//
// conv1 1→32 (column Winograd), conv2 32→64 and conv3 64→64 at 28×28 (Winograd: F(4×4, 3×3) when relaxed), pool to
// 14, conv4 64→128 at 14×14 (F(2×2, 3×3) at both precisions: under 16×16 the larger tiles are slower), pool to 7, fc;
// each convolution followed by BatchNorm and ReLU (at inference both run inside the convolution's output stores).

/// <summary>The VGG-style Fashion-MNIST classifier at <see cref="Precision.Standard"/> (the default).</summary>
[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
public partial class FashionVgg
{
    [Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm2D] public partial Layer Bn1 { get; }
    [ReLU] public partial Layer Relu1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm2D] public partial Layer Bn2 { get; }
    [ReLU] public partial Layer Relu2 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv3 { get; }
    [BatchNorm2D] public partial Layer Bn3 { get; }
    [ReLU] public partial Layer Relu3 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv4 { get; }
    [BatchNorm2D] public partial Layer Bn4 { get; }
    [ReLU] public partial Layer Relu4 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Dense(10)] public partial Layer Fc { get; }
}

/// <summary>The same network at <see cref="Precision.Relaxed"/>: conv2 and conv3 run Winograd F(4×4, 3×3).</summary>
[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28, Precision = Precision.Relaxed)]
public partial class FashionVggRelaxed
{
    [Conv2D(32, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv1 { get; }
    [BatchNorm2D] public partial Layer Bn1 { get; }
    [ReLU] public partial Layer Relu1 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv2 { get; }
    [BatchNorm2D] public partial Layer Bn2 { get; }
    [ReLU] public partial Layer Relu2 { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv3 { get; }
    [BatchNorm2D] public partial Layer Bn3 { get; }
    [ReLU] public partial Layer Relu3 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false)] public partial Layer Conv4 { get; }
    [BatchNorm2D] public partial Layer Bn4 { get; }
    [ReLU] public partial Layer Relu4 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Dense(10)] public partial Layer Fc { get; }
}
