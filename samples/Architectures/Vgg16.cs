using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// VGG-16 (Simonyan, Zisserman, "Very Deep Convolutional Networks for Large-Scale Image Recognition", ICLR 2015,
/// configuration D), for 3×224×224 images and 1000 classes: 138,357,544 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.vgg16()</c>; tensor names are its <c>state_dict</c> keys (<c>features.0.weight</c> …
/// <c>classifier.6.weight</c> [1000, 4096]). Thirteen 3×3 convolutions (padding 1, ReLU fused) in five stages, each
/// followed by a 2×2 max pool; torchvision's <c>AdaptiveAvgPool2d((7, 7))</c> is the identity at 224×224 and is left out.
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class Vgg16
{
    [Conv2D(64, Padding = 1, Activation = Activation.ReLU, Name = "features.0")]   public partial Layer Conv1_1 { get; }  // 64×224×224
    [Conv2D(64, Padding = 1, Activation = Activation.ReLU, Name = "features.2")]   public partial Layer Conv1_2 { get; }
    [MaxPool2D(2)]                                                                 public partial Layer Pool1 { get; }    // 64×112×112
    [Conv2D(128, Padding = 1, Activation = Activation.ReLU, Name = "features.5")]  public partial Layer Conv2_1 { get; }
    [Conv2D(128, Padding = 1, Activation = Activation.ReLU, Name = "features.7")]  public partial Layer Conv2_2 { get; }
    [MaxPool2D(2)]                                                                 public partial Layer Pool2 { get; }    // 128×56×56
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU, Name = "features.10")] public partial Layer Conv3_1 { get; }
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU, Name = "features.12")] public partial Layer Conv3_2 { get; }
    [Conv2D(256, Padding = 1, Activation = Activation.ReLU, Name = "features.14")] public partial Layer Conv3_3 { get; }
    [MaxPool2D(2)]                                                                 public partial Layer Pool3 { get; }    // 256×28×28
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.17")] public partial Layer Conv4_1 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.19")] public partial Layer Conv4_2 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.21")] public partial Layer Conv4_3 { get; }
    [MaxPool2D(2)]                                                                 public partial Layer Pool4 { get; }    // 512×14×14
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.24")] public partial Layer Conv5_1 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.26")] public partial Layer Conv5_2 { get; }
    [Conv2D(512, Padding = 1, Activation = Activation.ReLU, Name = "features.28")] public partial Layer Conv5_3 { get; }
    [MaxPool2D(2)]                                                                 public partial Layer Pool5 { get; }    // 512×7×7
    [Dense(4096, Activation = Activation.ReLU, Name = "classifier.0")]             public partial Layer Fc6 { get; }      // 25088 → 4096
    [Dropout(0.5f)]                                                                public partial Layer Drop6 { get; }
    [Dense(4096, Activation = Activation.ReLU, Name = "classifier.3")]             public partial Layer Fc7 { get; }
    [Dropout(0.5f)]                                                                public partial Layer Drop7 { get; }
    [Dense(1000, Name = "classifier.6")]                                           public partial Layer Fc8 { get; }
}
