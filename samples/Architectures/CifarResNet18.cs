using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// ResNet-18 for CIFAR-10 (He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016, with the
/// ImageNet stem replaced for 32×32 images, as in kuangliu/pytorch-cifar), for 3×32×32 images and 10 classes:
/// 11,173,962 parameters, 555,422,720 MACs.
/// </summary>
/// <remarks>
/// PyTorch: kuangliu/pytorch-cifar's <c>models/resnet.py</c> <c>ResNet18()</c>, the common CIFAR-10 ResNet-18: a 3×3
/// stride-1 stem (3 → 64, padding 1, no bias) + BatchNorm2D + ReLU and no max pool, then the four stages of two
/// BasicBlocks of <see cref="ResNet18"/> (64, 128, 256, 512 channels; stride 1, 2, 2, 2; 32×32 → 4×4), global average
/// pooling (kuangliu's <c>F.avg_pool2d(out, 4)</c> on the 4×4 map) and <c>Linear(512, 10)</c>.
/// Tensor names follow torchvision's ResNet, as <see cref="ResNet18"/> (<c>conv1.weight</c>, <c>bn1.running_mean</c>,
/// <c>layer1.0.conv1.weight</c>, <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c> …), where kuangliu names the
/// shortcut <c>shortcut.0</c>/<c>shortcut.1</c> and the classifier <c>linear</c>: every block tensor has ResNet18's name
/// and shape; only <c>conv1.weight</c> ([64, 3, 3, 3] here, [64, 3, 7, 7] there) and <c>fc</c> ([10, 512]) differ.
/// Convolutions have no bias; each is followed by a BatchNorm2D (eps 1e-5) and, except before the sum, a ReLU. The
/// shortcut is the identity, or a 1×1 convolution + BatchNorm2D (<c>downsample</c>) where the shape changes;
/// <see cref="AddAttribute"/> sums the two branches and applies the block's final ReLU.
/// Reference count, MACs and tensor shapes: tools/architecture_params.py (CifarResNet18).
/// </remarks>
[Network(InputChannels = 3, InputHeight = 32, InputWidth = 32)]
public partial class CifarResNet18
{
    [Conv2D(64, Padding = 1, Bias = false, Name = "conv1")]                                                     public partial Layer Conv1 { get; }  // 64×32×32
    [BatchNorm2D(Name = "bn1")]                                                                                 public partial Layer Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer Relu { get; }
    // layer1.0: BasicBlock(64 → 64), 64×32×32
    [Conv2D(64, Padding = 1, Bias = false, From = nameof(Relu), Name = "layer1.0.conv1")]                       public partial Layer L1B0Conv1 { get; }
    [BatchNorm2D(Name = "layer1.0.bn1")]                                                                        public partial Layer L1B0Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L1B0Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.0.conv2")]                                            public partial Layer L1B0Conv2 { get; }
    [BatchNorm2D(Name = "layer1.0.bn2")]                                                                        public partial Layer L1B0Bn2 { get; }
    [Add(nameof(L1B0Bn2), nameof(Relu), Activation = Activation.ReLU)]                                          public partial Layer L1B0Out { get; }
    // layer1.1: BasicBlock(64 → 64)
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.1.conv1")]                                            public partial Layer L1B1Conv1 { get; }
    [BatchNorm2D(Name = "layer1.1.bn1")]                                                                        public partial Layer L1B1Bn1 { get; }
    [ReLU]                                                                                                      public partial Layer L1B1Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.1.conv2")]                                            public partial Layer L1B1Conv2 { get; }
    [BatchNorm2D(Name = "layer1.1.bn2")]                                                                        public partial Layer L1B1Bn2 { get; }
    [Add(nameof(L1B1Bn2), nameof(L1B0Out), Activation = Activation.ReLU)]                                       public partial Layer L1B1Out { get; }
    // layer2.0: BasicBlock(64 → 128, stride 2), 128×16×16
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
    // layer3.0: BasicBlock(128 → 256, stride 2), 256×8×8
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
    // layer4.0: BasicBlock(256 → 512, stride 2), 512×4×4
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
    [GlobalAvgPool]                                                                                             public partial Layer AvgPool { get; }  // 512×1×1 (from 4×4)
    [Dense(10, Name = "fc")]                                                                                    public partial Layer Fc { get; }
}
