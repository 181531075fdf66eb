using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// ResNet-50 (He, Zhang, Ren, Sun, "Deep Residual Learning for Image Recognition", CVPR 2016), for 3×224×224 images
/// and 1000 classes: 25,557,032 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.resnet50()</c>; tensor names are its <c>state_dict</c> keys (<c>conv1.weight</c>,
/// <c>layer1.0.bn1.running_mean</c>, <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c> …). Four stages of 3, 4, 6, 3 Bottleneck blocks (1×1 reduce, 3×3, 1×1 expand ×4), with the stride on the 3×3
/// convolution as torchvision ("ResNet v1.5"; the paper puts it on the first 1×1).
/// Convolutions have no bias; each is followed by a BatchNorm2D (eps 1e-5) and, except before the sum, a ReLU. The
/// shortcut is the identity, or a 1×1 convolution + BatchNorm2D (torchvision's <c>downsample</c>) where the shape changes;
/// <see cref="AddAttribute"/> sums the two branches and applies the block's final ReLU.
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class ResNet50
{
    [Conv2D(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1")]                              public partial Layer Conv1 { get; }  // 64×112×112
    [BatchNorm2D(Name = "bn1")]                                                                                  public partial Layer Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer Relu { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)]                                                                      public partial Layer MaxPool { get; }  // 64×56×56
    // layer1.0: Bottleneck(64 → 256)
    [Conv2D(64, Kernel = 1, Bias = false, From = nameof(MaxPool), Name = "layer1.0.conv1")]                      public partial Layer L1B0Conv1 { get; }
    [BatchNorm2D(Name = "layer1.0.bn1")]                                                                         public partial Layer L1B0Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L1B0Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.0.conv2")]                                             public partial Layer L1B0Conv2 { get; }
    [BatchNorm2D(Name = "layer1.0.bn2")]                                                                         public partial Layer L1B0Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L1B0Relu2 { get; }
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer1.0.conv3")]                                             public partial Layer L1B0Conv3 { get; }
    [BatchNorm2D(Name = "layer1.0.bn3")]                                                                         public partial Layer L1B0Bn3 { get; }
    [Conv2D(256, Kernel = 1, Bias = false, From = nameof(MaxPool), Name = "layer1.0.downsample.0")]              public partial Layer L1B0Down { get; }
    [BatchNorm2D(Name = "layer1.0.downsample.1")]                                                                public partial Layer L1B0DownBn { get; }
    [Add(nameof(L1B0Bn3), nameof(L1B0DownBn), Activation = Activation.ReLU)]                                     public partial Layer L1B0Out { get; }
    // layer1.1: Bottleneck(256 → 256)
    [Conv2D(64, Kernel = 1, Bias = false, Name = "layer1.1.conv1")]                                              public partial Layer L1B1Conv1 { get; }
    [BatchNorm2D(Name = "layer1.1.bn1")]                                                                         public partial Layer L1B1Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L1B1Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.1.conv2")]                                             public partial Layer L1B1Conv2 { get; }
    [BatchNorm2D(Name = "layer1.1.bn2")]                                                                         public partial Layer L1B1Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L1B1Relu2 { get; }
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer1.1.conv3")]                                             public partial Layer L1B1Conv3 { get; }
    [BatchNorm2D(Name = "layer1.1.bn3")]                                                                         public partial Layer L1B1Bn3 { get; }
    [Add(nameof(L1B1Bn3), nameof(L1B0Out), Activation = Activation.ReLU)]                                        public partial Layer L1B1Out { get; }
    // layer1.2: Bottleneck(256 → 256)
    [Conv2D(64, Kernel = 1, Bias = false, Name = "layer1.2.conv1")]                                              public partial Layer L1B2Conv1 { get; }
    [BatchNorm2D(Name = "layer1.2.bn1")]                                                                         public partial Layer L1B2Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L1B2Relu1 { get; }
    [Conv2D(64, Padding = 1, Bias = false, Name = "layer1.2.conv2")]                                             public partial Layer L1B2Conv2 { get; }
    [BatchNorm2D(Name = "layer1.2.bn2")]                                                                         public partial Layer L1B2Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L1B2Relu2 { get; }
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer1.2.conv3")]                                             public partial Layer L1B2Conv3 { get; }
    [BatchNorm2D(Name = "layer1.2.bn3")]                                                                         public partial Layer L1B2Bn3 { get; }
    [Add(nameof(L1B2Bn3), nameof(L1B1Out), Activation = Activation.ReLU)]                                        public partial Layer L1B2Out { get; }
    // layer2.0: Bottleneck(256 → 512, stride 2)
    [Conv2D(128, Kernel = 1, Bias = false, From = nameof(L1B2Out), Name = "layer2.0.conv1")]                     public partial Layer L2B0Conv1 { get; }
    [BatchNorm2D(Name = "layer2.0.bn1")]                                                                         public partial Layer L2B0Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L2B0Relu1 { get; }
    [Conv2D(128, Stride = 2, Padding = 1, Bias = false, Name = "layer2.0.conv2")]                                public partial Layer L2B0Conv2 { get; }
    [BatchNorm2D(Name = "layer2.0.bn2")]                                                                         public partial Layer L2B0Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L2B0Relu2 { get; }
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer2.0.conv3")]                                             public partial Layer L2B0Conv3 { get; }
    [BatchNorm2D(Name = "layer2.0.bn3")]                                                                         public partial Layer L2B0Bn3 { get; }
    [Conv2D(512, Kernel = 1, Stride = 2, Bias = false, From = nameof(L1B2Out), Name = "layer2.0.downsample.0")]  public partial Layer L2B0Down { get; }
    [BatchNorm2D(Name = "layer2.0.downsample.1")]                                                                public partial Layer L2B0DownBn { get; }
    [Add(nameof(L2B0Bn3), nameof(L2B0DownBn), Activation = Activation.ReLU)]                                     public partial Layer L2B0Out { get; }
    // layer2.1: Bottleneck(512 → 512)
    [Conv2D(128, Kernel = 1, Bias = false, Name = "layer2.1.conv1")]                                             public partial Layer L2B1Conv1 { get; }
    [BatchNorm2D(Name = "layer2.1.bn1")]                                                                         public partial Layer L2B1Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L2B1Relu1 { get; }
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.1.conv2")]                                            public partial Layer L2B1Conv2 { get; }
    [BatchNorm2D(Name = "layer2.1.bn2")]                                                                         public partial Layer L2B1Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L2B1Relu2 { get; }
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer2.1.conv3")]                                             public partial Layer L2B1Conv3 { get; }
    [BatchNorm2D(Name = "layer2.1.bn3")]                                                                         public partial Layer L2B1Bn3 { get; }
    [Add(nameof(L2B1Bn3), nameof(L2B0Out), Activation = Activation.ReLU)]                                        public partial Layer L2B1Out { get; }
    // layer2.2: Bottleneck(512 → 512)
    [Conv2D(128, Kernel = 1, Bias = false, Name = "layer2.2.conv1")]                                             public partial Layer L2B2Conv1 { get; }
    [BatchNorm2D(Name = "layer2.2.bn1")]                                                                         public partial Layer L2B2Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L2B2Relu1 { get; }
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.2.conv2")]                                            public partial Layer L2B2Conv2 { get; }
    [BatchNorm2D(Name = "layer2.2.bn2")]                                                                         public partial Layer L2B2Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L2B2Relu2 { get; }
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer2.2.conv3")]                                             public partial Layer L2B2Conv3 { get; }
    [BatchNorm2D(Name = "layer2.2.bn3")]                                                                         public partial Layer L2B2Bn3 { get; }
    [Add(nameof(L2B2Bn3), nameof(L2B1Out), Activation = Activation.ReLU)]                                        public partial Layer L2B2Out { get; }
    // layer2.3: Bottleneck(512 → 512)
    [Conv2D(128, Kernel = 1, Bias = false, Name = "layer2.3.conv1")]                                             public partial Layer L2B3Conv1 { get; }
    [BatchNorm2D(Name = "layer2.3.bn1")]                                                                         public partial Layer L2B3Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L2B3Relu1 { get; }
    [Conv2D(128, Padding = 1, Bias = false, Name = "layer2.3.conv2")]                                            public partial Layer L2B3Conv2 { get; }
    [BatchNorm2D(Name = "layer2.3.bn2")]                                                                         public partial Layer L2B3Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L2B3Relu2 { get; }
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer2.3.conv3")]                                             public partial Layer L2B3Conv3 { get; }
    [BatchNorm2D(Name = "layer2.3.bn3")]                                                                         public partial Layer L2B3Bn3 { get; }
    [Add(nameof(L2B3Bn3), nameof(L2B2Out), Activation = Activation.ReLU)]                                        public partial Layer L2B3Out { get; }
    // layer3.0: Bottleneck(512 → 1024, stride 2)
    [Conv2D(256, Kernel = 1, Bias = false, From = nameof(L2B3Out), Name = "layer3.0.conv1")]                     public partial Layer L3B0Conv1 { get; }
    [BatchNorm2D(Name = "layer3.0.bn1")]                                                                         public partial Layer L3B0Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B0Relu1 { get; }
    [Conv2D(256, Stride = 2, Padding = 1, Bias = false, Name = "layer3.0.conv2")]                                public partial Layer L3B0Conv2 { get; }
    [BatchNorm2D(Name = "layer3.0.bn2")]                                                                         public partial Layer L3B0Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B0Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.0.conv3")]                                            public partial Layer L3B0Conv3 { get; }
    [BatchNorm2D(Name = "layer3.0.bn3")]                                                                         public partial Layer L3B0Bn3 { get; }
    [Conv2D(1024, Kernel = 1, Stride = 2, Bias = false, From = nameof(L2B3Out), Name = "layer3.0.downsample.0")] public partial Layer L3B0Down { get; }
    [BatchNorm2D(Name = "layer3.0.downsample.1")]                                                                public partial Layer L3B0DownBn { get; }
    [Add(nameof(L3B0Bn3), nameof(L3B0DownBn), Activation = Activation.ReLU)]                                     public partial Layer L3B0Out { get; }
    // layer3.1: Bottleneck(1024 → 1024)
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer3.1.conv1")]                                             public partial Layer L3B1Conv1 { get; }
    [BatchNorm2D(Name = "layer3.1.bn1")]                                                                         public partial Layer L3B1Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B1Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.1.conv2")]                                            public partial Layer L3B1Conv2 { get; }
    [BatchNorm2D(Name = "layer3.1.bn2")]                                                                         public partial Layer L3B1Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B1Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.1.conv3")]                                            public partial Layer L3B1Conv3 { get; }
    [BatchNorm2D(Name = "layer3.1.bn3")]                                                                         public partial Layer L3B1Bn3 { get; }
    [Add(nameof(L3B1Bn3), nameof(L3B0Out), Activation = Activation.ReLU)]                                        public partial Layer L3B1Out { get; }
    // layer3.2: Bottleneck(1024 → 1024)
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer3.2.conv1")]                                             public partial Layer L3B2Conv1 { get; }
    [BatchNorm2D(Name = "layer3.2.bn1")]                                                                         public partial Layer L3B2Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B2Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.2.conv2")]                                            public partial Layer L3B2Conv2 { get; }
    [BatchNorm2D(Name = "layer3.2.bn2")]                                                                         public partial Layer L3B2Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B2Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.2.conv3")]                                            public partial Layer L3B2Conv3 { get; }
    [BatchNorm2D(Name = "layer3.2.bn3")]                                                                         public partial Layer L3B2Bn3 { get; }
    [Add(nameof(L3B2Bn3), nameof(L3B1Out), Activation = Activation.ReLU)]                                        public partial Layer L3B2Out { get; }
    // layer3.3: Bottleneck(1024 → 1024)
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer3.3.conv1")]                                             public partial Layer L3B3Conv1 { get; }
    [BatchNorm2D(Name = "layer3.3.bn1")]                                                                         public partial Layer L3B3Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B3Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.3.conv2")]                                            public partial Layer L3B3Conv2 { get; }
    [BatchNorm2D(Name = "layer3.3.bn2")]                                                                         public partial Layer L3B3Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B3Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.3.conv3")]                                            public partial Layer L3B3Conv3 { get; }
    [BatchNorm2D(Name = "layer3.3.bn3")]                                                                         public partial Layer L3B3Bn3 { get; }
    [Add(nameof(L3B3Bn3), nameof(L3B2Out), Activation = Activation.ReLU)]                                        public partial Layer L3B3Out { get; }
    // layer3.4: Bottleneck(1024 → 1024)
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer3.4.conv1")]                                             public partial Layer L3B4Conv1 { get; }
    [BatchNorm2D(Name = "layer3.4.bn1")]                                                                         public partial Layer L3B4Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B4Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.4.conv2")]                                            public partial Layer L3B4Conv2 { get; }
    [BatchNorm2D(Name = "layer3.4.bn2")]                                                                         public partial Layer L3B4Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B4Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.4.conv3")]                                            public partial Layer L3B4Conv3 { get; }
    [BatchNorm2D(Name = "layer3.4.bn3")]                                                                         public partial Layer L3B4Bn3 { get; }
    [Add(nameof(L3B4Bn3), nameof(L3B3Out), Activation = Activation.ReLU)]                                        public partial Layer L3B4Out { get; }
    // layer3.5: Bottleneck(1024 → 1024)
    [Conv2D(256, Kernel = 1, Bias = false, Name = "layer3.5.conv1")]                                             public partial Layer L3B5Conv1 { get; }
    [BatchNorm2D(Name = "layer3.5.bn1")]                                                                         public partial Layer L3B5Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L3B5Relu1 { get; }
    [Conv2D(256, Padding = 1, Bias = false, Name = "layer3.5.conv2")]                                            public partial Layer L3B5Conv2 { get; }
    [BatchNorm2D(Name = "layer3.5.bn2")]                                                                         public partial Layer L3B5Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L3B5Relu2 { get; }
    [Conv2D(1024, Kernel = 1, Bias = false, Name = "layer3.5.conv3")]                                            public partial Layer L3B5Conv3 { get; }
    [BatchNorm2D(Name = "layer3.5.bn3")]                                                                         public partial Layer L3B5Bn3 { get; }
    [Add(nameof(L3B5Bn3), nameof(L3B4Out), Activation = Activation.ReLU)]                                        public partial Layer L3B5Out { get; }
    // layer4.0: Bottleneck(1024 → 2048, stride 2)
    [Conv2D(512, Kernel = 1, Bias = false, From = nameof(L3B5Out), Name = "layer4.0.conv1")]                     public partial Layer L4B0Conv1 { get; }
    [BatchNorm2D(Name = "layer4.0.bn1")]                                                                         public partial Layer L4B0Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L4B0Relu1 { get; }
    [Conv2D(512, Stride = 2, Padding = 1, Bias = false, Name = "layer4.0.conv2")]                                public partial Layer L4B0Conv2 { get; }
    [BatchNorm2D(Name = "layer4.0.bn2")]                                                                         public partial Layer L4B0Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L4B0Relu2 { get; }
    [Conv2D(2048, Kernel = 1, Bias = false, Name = "layer4.0.conv3")]                                            public partial Layer L4B0Conv3 { get; }
    [BatchNorm2D(Name = "layer4.0.bn3")]                                                                         public partial Layer L4B0Bn3 { get; }
    [Conv2D(2048, Kernel = 1, Stride = 2, Bias = false, From = nameof(L3B5Out), Name = "layer4.0.downsample.0")] public partial Layer L4B0Down { get; }
    [BatchNorm2D(Name = "layer4.0.downsample.1")]                                                                public partial Layer L4B0DownBn { get; }
    [Add(nameof(L4B0Bn3), nameof(L4B0DownBn), Activation = Activation.ReLU)]                                     public partial Layer L4B0Out { get; }
    // layer4.1: Bottleneck(2048 → 2048)
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer4.1.conv1")]                                             public partial Layer L4B1Conv1 { get; }
    [BatchNorm2D(Name = "layer4.1.bn1")]                                                                         public partial Layer L4B1Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L4B1Relu1 { get; }
    [Conv2D(512, Padding = 1, Bias = false, Name = "layer4.1.conv2")]                                            public partial Layer L4B1Conv2 { get; }
    [BatchNorm2D(Name = "layer4.1.bn2")]                                                                         public partial Layer L4B1Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L4B1Relu2 { get; }
    [Conv2D(2048, Kernel = 1, Bias = false, Name = "layer4.1.conv3")]                                            public partial Layer L4B1Conv3 { get; }
    [BatchNorm2D(Name = "layer4.1.bn3")]                                                                         public partial Layer L4B1Bn3 { get; }
    [Add(nameof(L4B1Bn3), nameof(L4B0Out), Activation = Activation.ReLU)]                                        public partial Layer L4B1Out { get; }
    // layer4.2: Bottleneck(2048 → 2048)
    [Conv2D(512, Kernel = 1, Bias = false, Name = "layer4.2.conv1")]                                             public partial Layer L4B2Conv1 { get; }
    [BatchNorm2D(Name = "layer4.2.bn1")]                                                                         public partial Layer L4B2Bn1 { get; }
    [ReLU]                                                                                                       public partial Layer L4B2Relu1 { get; }
    [Conv2D(512, Padding = 1, Bias = false, Name = "layer4.2.conv2")]                                            public partial Layer L4B2Conv2 { get; }
    [BatchNorm2D(Name = "layer4.2.bn2")]                                                                         public partial Layer L4B2Bn2 { get; }
    [ReLU]                                                                                                       public partial Layer L4B2Relu2 { get; }
    [Conv2D(2048, Kernel = 1, Bias = false, Name = "layer4.2.conv3")]                                            public partial Layer L4B2Conv3 { get; }
    [BatchNorm2D(Name = "layer4.2.bn3")]                                                                         public partial Layer L4B2Bn3 { get; }
    [Add(nameof(L4B2Bn3), nameof(L4B1Out), Activation = Activation.ReLU)]                                        public partial Layer L4B2Out { get; }
    [GlobalAvgPool]                                                                                              public partial Layer AvgPool { get; }  // 2048×1×1
    [Dense(1000, Name = "fc")]                                                                                   public partial Layer Fc { get; }
}
