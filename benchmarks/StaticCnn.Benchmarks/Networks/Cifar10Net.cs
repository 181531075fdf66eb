using StaticCnn;

namespace StaticCnn.Benchmarks.Networks;

/// <summary>
/// The CIFAR-10 example network, 3×32×32 → 10. PyTorch twin: tools/reference_models.py (Cifar10Net).
/// </summary>
[Network(InputChannels = 3, InputHeight = 32, InputWidth = 32)]
public partial class Cifar10Net
{
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv2 { get; }
    [MaxPool2D(2)]                                                   public partial Layer Pool1 { get; }
    [Conv2D(5, Kernel = 3, Padding = 1, Activation = Activation.ReLU)]  public partial Layer Conv3 { get; }
    [Conv2D(20, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv4 { get; }
    [MaxPool2D(2)]                                                   public partial Layer Pool2 { get; }
    [Conv2D(10, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv5 { get; }
    [Conv2D(20, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv6 { get; }
    [MaxPool2D(2)]                                                   public partial Layer Pool3 { get; }
    [Dense(10)]                                                      public partial Layer Fc { get; }
}
