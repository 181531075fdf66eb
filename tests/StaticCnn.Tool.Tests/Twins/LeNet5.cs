namespace StaticCnn.Tool.Tests.Twins;

/// <summary>The README's LeNet-5, for the PyTorch twin check.</summary>
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
