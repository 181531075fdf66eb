using StaticCnn;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// The small CIFAR-10 network of tools/reference_models.py (3×32×32 → 10, 12,605 parameters): six 3×3/5×5 ReLU
/// convolutions, three 2×2 max pools, one Dense. The one declaration in the tests: linked into every test project
/// that compiles it, and read as text by the generator tests (tests/StaticCnn.Generator.Tests/Harness/Specs.cs).
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
