using StaticCnn;

namespace EmbeddedClassifier;

/// <summary>
/// LeNet-5 for 28×28 grey images, as samples/LeNet5 declares it, with the trained weights of lenet5.safetensors
/// baked into the assembly at build time (the file must also be listed as an AdditionalFiles item).
/// PyTorch: Conv2d(1,6,5,padding=2)-ReLU-MaxPool2d(2)-Conv2d(6,16,5)-ReLU-MaxPool2d(2)-Linear(400,120)-ReLU-Linear(120,84)-ReLU-Linear(84,10).
/// </summary>
[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28, Weights = "lenet5.safetensors")]
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
