using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// ResNet-18 (He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016), for 3×224×224 images
/// and 1000 classes: 11,689,512 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.resnet18()</c>; tensor names are its <c>state_dict</c> keys (<c>conv1.weight</c>,
/// <c>layer1.0.bn1.running_mean</c>, <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c> …). Four stages of two BasicBlocks (3×3, 3×3).
/// Convolutions have no bias; each is followed by a BatchNorm2D (eps 1e-5) and, except before the sum, a ReLU. The
/// shortcut is the identity, or a 1×1 convolution + BatchNorm2D (torchvision's <c>downsample</c>) where the shape changes;
/// <see cref="AddAttribute"/> sums the two branches and applies the block's final ReLU.
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class ResNet18
{
    [Conv2D(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1")]                             public partial Layer Conv1 { get; }  // 64×112×112
    [BatchNorm2D(Name = "bn1")]                                                                                 public partial Layer Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer Relu { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)]                                                                     public partial Layer MaxPool { get; }  // 64×56×56
    // layer1.0: BasicBlock(64 → 64)
    [Conv2D(64, Padding = 1, Bias = false, From = nameof(MaxPool), Name = "layer1.0.conv1")]                    public partial Layer L1B0Conv1 { get; }
    [BatchNorm2D(Name = "layer1.0.bn1")]                                                                        public partial Layer L1B0Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L1B0Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.0.conv2")]                                            public partial Layer L1B0Conv2 { get; }
    [BatchNorm2D(Name = "layer1.0.bn2")]                                                                        public partial Layer L1B0Bn2 { get; }
    [Add(nameof(L1B0Bn2), nameof(MaxPool), Activation = Activation.ReLU)]                                       public partial Layer L1B0Out { get; }
    // layer1.1: BasicBlock(64 → 64)
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.1.conv1")]                                            public partial Layer L1B1Conv1 { get; }
    [BatchNorm2D(Name = "layer1.1.bn1")]                                                                        public partial Layer L1B1Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L1B1Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.1.conv2")]                                            public partial Layer L1B1Conv2 { get; }
    [BatchNorm2D(Name = "layer1.1.bn2")]                                                                        public partial Layer L1B1Bn2 { get; }
    [Add(nameof(L1B1Bn2), nameof(L1B0Out), Activation = Activation.ReLU)]                                       public partial Layer L1B1Out { get; }
    // layer2.0: BasicBlock(64 → 128, stride 2)
    [Conv2D(128, Stride = 2, Padding = 1, Bias = false, From = nameof(L1B1Out), Name = "layer2.0.conv1")]       public partial Layer L2B0Conv1 { get; }
    [BatchNorm2D(Name = "layer2.0.bn1")]                                                                        public partial Layer L2B0Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L2B0Relu1 { get; }
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.0.conv2")]                                           public partial Layer L2B0Conv2 { get; }
    [BatchNorm2D(Name = "layer2.0.bn2")]                                                                        public partial Layer L2B0Bn2 { get; }
    [Conv2D(128, Kernel = 1, Stride = 2, Bias = false, From = nameof(L1B1Out), Name = "layer2.0.downsample.0")] public partial Layer L2B0Down { get; }
    [BatchNorm2D(Name = "layer2.0.downsample.1")]                                                               public partial Layer L2B0DownBn { get; }
    [Add(nameof(L2B0Bn2), nameof(L2B0DownBn), Activation = Activation.ReLU)]                                    public partial Layer L2B0Out { get; }
    // layer2.1: BasicBlock(128 → 128)
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.1.conv1")]                                           public partial Layer L2B1Conv1 { get; }
    [BatchNorm2D(Name = "layer2.1.bn1")]                                                                        public partial Layer L2B1Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L2B1Relu1 { get; }
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.1.conv2")]                                           public partial Layer L2B1Conv2 { get; }
    [BatchNorm2D(Name = "layer2.1.bn2")]                                                                        public partial Layer L2B1Bn2 { get; }
    [Add(nameof(L2B1Bn2), nameof(L2B0Out), Activation = Activation.ReLU)]                                       public partial Layer L2B1Out { get; }
    // layer3.0: BasicBlock(128 → 256, stride 2)
    [Conv2D(256, Stride = 2, Padding = 1, Bias = false, From = nameof(L2B1Out), Name = "layer3.0.conv1")]       public partial Layer L3B0Conv1 { get; }
    [BatchNorm2D(Name = "layer3.0.bn1")]                                                                        public partial Layer L3B0Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L3B0Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.0.conv2")]                                           public partial Layer L3B0Conv2 { get; }
    [BatchNorm2D(Name = "layer3.0.bn2")]                                                                        public partial Layer L3B0Bn2 { get; }
    [Conv2D(256, Kernel = 1, Stride = 2, Bias = false, From = nameof(L2B1Out), Name = "layer3.0.downsample.0")] public partial Layer L3B0Down { get; }
    [BatchNorm2D(Name = "layer3.0.downsample.1")]                                                               public partial Layer L3B0DownBn { get; }
    [Add(nameof(L3B0Bn2), nameof(L3B0DownBn), Activation = Activation.ReLU)]                                    public partial Layer L3B0Out { get; }
    // layer3.1: BasicBlock(256 → 256)
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.1.conv1")]                                           public partial Layer L3B1Conv1 { get; }
    [BatchNorm2D(Name = "layer3.1.bn1")]                                                                        public partial Layer L3B1Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L3B1Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.1.conv2")]                                           public partial Layer L3B1Conv2 { get; }
    [BatchNorm2D(Name = "layer3.1.bn2")]                                                                        public partial Layer L3B1Bn2 { get; }
    [Add(nameof(L3B1Bn2), nameof(L3B0Out), Activation = Activation.ReLU)]                                       public partial Layer L3B1Out { get; }
    // layer4.0: BasicBlock(256 → 512, stride 2)
    [Conv2D(512, Stride = 2, Padding = 1, Bias = false, From = nameof(L3B1Out), Name = "layer4.0.conv1")]       public partial Layer L4B0Conv1 { get; }
    [BatchNorm2D(Name = "layer4.0.bn1")]                                                                        public partial Layer L4B0Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L4B0Relu1 { get; }
    [Conv2D(512, Padding = 1, Bias = false, Name = "layer4.0.conv2")]                                           public partial Layer L4B0Conv2 { get; }
    [BatchNorm2D(Name = "layer4.0.bn2")]                                                                        public partial Layer L4B0Bn2 { get; }
    [Conv2D(512, Kernel = 1, Stride = 2, Bias = false, From = nameof(L3B1Out), Name = "layer4.0.downsample.0")] public partial Layer L4B0Down { get; }
    [BatchNorm2D(Name = "layer4.0.downsample.1")]                                                               public partial Layer L4B0DownBn { get; }
    [Add(nameof(L4B0Bn2), nameof(L4B0DownBn), Activation = Activation.ReLU)]                                    public partial Layer L4B0Out { get; }
    // layer4.1: BasicBlock(512 → 512)
    [Conv2D(512, Padding = 1, Bias = false, Name = "layer4.1.conv1")]                                           public partial Layer L4B1Conv1 { get; }
    [BatchNorm2D(Name = "layer4.1.bn1")]                                                                        public partial Layer L4B1Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L4B1Relu1 { get; }
    [Conv2D(512, Padding = 1, Bias = false, Name = "layer4.1.conv2")]                                           public partial Layer L4B1Conv2 { get; }
    [BatchNorm2D(Name = "layer4.1.bn2")]                                                                        public partial Layer L4B1Bn2 { get; }
    [Add(nameof(L4B1Bn2), nameof(L4B0Out), Activation = Activation.ReLU)]                                       public partial Layer L4B1Out { get; }
    [GlobalAvgPool]                                                                                             public partial Layer AvgPool { get; }  // 512×1×1
    [Dense(1000, Name = "fc")]                                                                                  public partial Layer Fc { get; }
}
