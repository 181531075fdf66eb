using StaticCnn;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// LeNet-5 as in the issue: the reference network of tools/reference_models.py (PyTorch names conv1 … fc3), 61,706
/// parameters. The one declaration in the tests: linked into every test project that compiles it, and read as text
/// by the generator tests (tests/StaticCnn.Generator.Tests/Harness/Specs.cs).
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
