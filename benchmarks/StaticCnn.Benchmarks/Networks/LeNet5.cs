using StaticCnn;

namespace StaticCnn.Benchmarks.Networks;

/// <summary>
/// LeNet-5 as in samples/LeNet5 (ReLU, max pooling), 1×28×28 → 10, 61,706 parameters.
/// PyTorch twin: tools/reference_models.py (LeNet5), timed by benchmarks/pytorch/bench.py.
/// </summary>
[Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
public partial class LeNet5
{
    [Conv2D(6, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)]                                                  public partial Layer Pool1 { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU)]          public partial Layer Conv2 { get; }
    [MaxPool2D(2)]                                                  public partial Layer Pool2 { get; }
    [Dense(120, Activation = Activation.ReLU)]                      public partial Layer Fc1 { get; }
    [Dense(84, Activation = Activation.ReLU)]                       public partial Layer Fc2 { get; }
    [Dense(10)]                                                     public partial Layer Fc3 { get; }
}
