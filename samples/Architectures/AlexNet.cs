using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// AlexNet (Krizhevsky, Sutskever, Hinton, "ImageNet Classification with Deep Convolutional Neural Networks", NIPS 2012),
/// in torchvision's single-GPU layout (the "One weird trick" variant: 64-192-384-256-256 filters, no local response
/// normalization), for 3×224×224 images and 1000 classes: 61,100,840 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.alexnet()</c>; tensor names are its <c>state_dict</c> keys (<c>features.0.weight</c> …
/// <c>classifier.6.bias</c>). torchvision's <c>avgpool = nn.AdaptiveAvgPool2d((6, 6))</c> is the identity at 224×224
/// (features already end at 256×6×6), so it is left out. The ReLUs are fused into the convolutions and linears.
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class AlexNet
{
    [Conv2D(64, Kernel = 11, Stride = 4, Padding = 2, Activation = Activation.ReLU, Name = "features.0")] public partial Layer Conv1 { get; }  // 64×55×55
    [MaxPool2D(3, Stride = 2)]                                                                          public partial Layer Pool1 { get; }  // 64×27×27
    [Conv2D(192, Kernel = 5, Padding = 2, Activation = Activation.ReLU, Name = "features.3")]          public partial Layer Conv2 { get; }  // 192×27×27
    [MaxPool2D(3, Stride = 2)]                                                                          public partial Layer Pool2 { get; }  // 192×13×13
    [Conv2D(384, Kernel = 3, Padding = 1, Activation = Activation.ReLU, Name = "features.6")]          public partial Layer Conv3 { get; }
    [Conv2D(256, Kernel = 3, Padding = 1, Activation = Activation.ReLU, Name = "features.8")]          public partial Layer Conv4 { get; }
    [Conv2D(256, Kernel = 3, Padding = 1, Activation = Activation.ReLU, Name = "features.10")]         public partial Layer Conv5 { get; }  // 256×13×13
    [MaxPool2D(3, Stride = 2)]                                                                          public partial Layer Pool3 { get; }  // 256×6×6
    [Dropout(0.5f)]                                                                                     public partial Layer Drop1 { get; }
    [Dense(4096, Activation = Activation.ReLU, Name = "classifier.1")]                                  public partial Layer Fc1 { get; }    // 9216 → 4096
    [Dropout(0.5f)]                                                                                     public partial Layer Drop2 { get; }
    [Dense(4096, Activation = Activation.ReLU, Name = "classifier.4")]                                  public partial Layer Fc2 { get; }
    [Dense(1000, Name = "classifier.6")]                                                                public partial Layer Fc3 { get; }
}
