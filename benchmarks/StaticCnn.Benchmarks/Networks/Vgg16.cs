using StaticCnn;

namespace StaticCnn.Benchmarks.Networks;

/// <summary>
/// VGG-16 (configuration D) at 3×224×224: 13 3×3 pad-1 convolutions with ReLU, 5 max pools, dense 4096-4096-1000;
/// 138,357,544 parameters, 15.47 GMAC per image. PyTorch twin: tools/reference_models.py (VGG16; its dropout layers
/// are the identity in inference, so they are left out here).
/// </summary>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class Vgg16
{
    [Conv2D(64, Padding = 1, Activation = Activation.ReLU)]  public partial Layer Conv1_1 { get; }
    [Conv2D(64, Padding = 1, Activation = Activation.ReLU)]  public partial Layer Conv1_2 { get; }
    [MaxPool2D(2)]                                           public partial Layer Pool1 { get; }
    [Conv2D(128, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv2_1 { get; }
    [Conv2D(128, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv2_2 { get; }
    [MaxPool2D(2)]                                           public partial Layer Pool2 { get; }
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv3_1 { get; }
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv3_2 { get; }
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv3_3 { get; }
    [MaxPool2D(2)]                                           public partial Layer Pool3 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv4_1 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv4_2 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv4_3 { get; }
    [MaxPool2D(2)]                                           public partial Layer Pool4 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv5_1 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv5_2 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv5_3 { get; }
    [MaxPool2D(2)]                                           public partial Layer Pool5 { get; }
    [Dense(4096, Activation = Activation.ReLU)]              public partial Layer Fc6 { get; }
    [Dense(4096, Activation = Activation.ReLU)]              public partial Layer Fc7 { get; }
    [Dense(1000)]                                            public partial Layer Fc8 { get; }
}
