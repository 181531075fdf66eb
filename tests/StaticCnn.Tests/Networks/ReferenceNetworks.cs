using StaticCnn;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// LeNet-5 as in the issue: the reference network of tools/reference_models.py (PyTorch names conv1 … fc3).
/// PyTorch: conv1 1→6 k5 p2 ReLU, pool1 max 2, conv2 6→16 k5 ReLU, pool2 max 2, flatten, fc1 400→120 ReLU, fc2 120→84 ReLU, fc3 84→10.
/// </summary>
[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
public partial class LeNet5
{
    [Conv2D(6, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Dense(120, Activation = Activation.ReLU)] public partial Layer Fc1 { get; }
    [Dense(84, Activation = Activation.ReLU)] public partial Layer Fc2 { get; }
    [Dense(10)] public partial Layer Fc3 { get; }
}

/// <summary>
/// The small CIFAR-10 network of tools/reference_models.py (3×32×32 → 10): six 3×3/5×5 ReLU convolutions, three
/// 2×2 max pools, one Dense.
/// </summary>
[Network(InputChannels = 3, InputHeight = 32, InputWidth = 32)]
public partial class Cifar10Net
{
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Conv2D(5, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv3 { get; }
    [Conv2D(20, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv4 { get; }
    [MaxPool2D(2)] public partial Layer Pool2 { get; }
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv5 { get; }
    [Conv2D(20, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv6 { get; }
    [MaxPool2D(2)] public partial Layer Pool3 { get; }
    [Dense(10)] public partial Layer Fc { get; }
}
