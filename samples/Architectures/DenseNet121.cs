using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// DenseNet-121 (Huang, Liu, van der Maaten, Weinberger, "Densely Connected Convolutional Networks", CVPR 2017),
/// growth rate 32, bottleneck width 4·32, compression 0.5, for 3×224×224 images and 1000 classes: 7,978,856 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.densenet121()</c>; tensor names are its <c>state_dict</c> keys
/// (<c>features.conv0.weight</c>, <c>features.denseblock3.denselayer11.conv2.weight</c>, <c>classifier.weight</c> …).
/// A dense block is a chain of Concat layers: layer k's input is <c>B?L(k−1)</c>, the concatenation of the block input
/// and every earlier layer's 32 new channels, in the same channel order as torchvision's <c>torch.cat(features, 1)</c>.
/// Transitions are BN-ReLU-1×1 conv-AvgPool2D(2). torchvision's final <c>F.relu</c> and
/// <c>F.adaptive_avg_pool2d(·, 1)</c> are the layers Relu5 and AvgPool. (Unlike torchvision's memory-efficient
/// implementation, each Concat stores its own copy of the features: the workspace grows quadratically within a block.)
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class DenseNet121
{
    [Conv2D(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "features.conv0")]  public partial Layer Conv0 { get; }  // 64×112×112
    [BatchNorm2D(Name = "features.norm0")]                                                    public partial Layer Norm0 { get; }
    [ReLU]                                                                                    public partial Layer Relu0 { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)]                                                   public partial Layer Pool0 { get; }  // 64×56×56
    // denseblock1: 6 layers, 64 → 256 channels (each layer: BN-ReLU-1×1 conv 128-BN-ReLU-3×3 conv 32, concatenated)
    [BatchNorm2D(From = nameof(Pool0), Name = "features.denseblock1.denselayer1.norm1")]      public partial Layer B1L1Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L1Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer1.conv1")]  public partial Layer B1L1Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer1.norm2")]                            public partial Layer B1L1Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L1Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer1.conv2")]  public partial Layer B1L1Conv2 { get; }
    [Concat(nameof(Pool0), nameof(B1L1Conv2))]                                                public partial Layer B1L1 { get; }  // 96 channels
    [BatchNorm2D(Name = "features.denseblock1.denselayer2.norm1")]                            public partial Layer B1L2Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L2Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer2.conv1")]  public partial Layer B1L2Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer2.norm2")]                            public partial Layer B1L2Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L2Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer2.conv2")]  public partial Layer B1L2Conv2 { get; }
    [Concat(nameof(B1L1), nameof(B1L2Conv2))]                                                 public partial Layer B1L2 { get; }  // 128 channels
    [BatchNorm2D(Name = "features.denseblock1.denselayer3.norm1")]                            public partial Layer B1L3Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L3Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer3.conv1")]  public partial Layer B1L3Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer3.norm2")]                            public partial Layer B1L3Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L3Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer3.conv2")]  public partial Layer B1L3Conv2 { get; }
    [Concat(nameof(B1L2), nameof(B1L3Conv2))]                                                 public partial Layer B1L3 { get; }  // 160 channels
    [BatchNorm2D(Name = "features.denseblock1.denselayer4.norm1")]                            public partial Layer B1L4Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L4Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer4.conv1")]  public partial Layer B1L4Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer4.norm2")]                            public partial Layer B1L4Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L4Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer4.conv2")]  public partial Layer B1L4Conv2 { get; }
    [Concat(nameof(B1L3), nameof(B1L4Conv2))]                                                 public partial Layer B1L4 { get; }  // 192 channels
    [BatchNorm2D(Name = "features.denseblock1.denselayer5.norm1")]                            public partial Layer B1L5Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L5Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer5.conv1")]  public partial Layer B1L5Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer5.norm2")]                            public partial Layer B1L5Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L5Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer5.conv2")]  public partial Layer B1L5Conv2 { get; }
    [Concat(nameof(B1L4), nameof(B1L5Conv2))]                                                 public partial Layer B1L5 { get; }  // 224 channels
    [BatchNorm2D(Name = "features.denseblock1.denselayer6.norm1")]                            public partial Layer B1L6Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B1L6Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock1.denselayer6.conv1")]  public partial Layer B1L6Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock1.denselayer6.norm2")]                            public partial Layer B1L6Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B1L6Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock1.denselayer6.conv2")]  public partial Layer B1L6Conv2 { get; }
    [Concat(nameof(B1L5), nameof(B1L6Conv2))]                                                 public partial Layer B1L6 { get; }  // 256 channels
    // transition1: 256 → 128 channels, half the resolution
    [BatchNorm2D(Name = "features.transition1.norm")]                                         public partial Layer T1Norm { get; }
    [ReLU]                                                                                    public partial Layer T1Relu { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.transition1.conv")]               public partial Layer T1Conv { get; }
    [AvgPool2D(2)]                                                                            public partial Layer T1Pool { get; }
    // denseblock2: 12 layers, 128 → 512 channels (each layer: BN-ReLU-1×1 conv 128-BN-ReLU-3×3 conv 32, concatenated)
    [BatchNorm2D(From = nameof(T1Pool), Name = "features.denseblock2.denselayer1.norm1")]     public partial Layer B2L1Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L1Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer1.conv1")]  public partial Layer B2L1Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer1.norm2")]                            public partial Layer B2L1Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L1Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer1.conv2")]  public partial Layer B2L1Conv2 { get; }
    [Concat(nameof(T1Pool), nameof(B2L1Conv2))]                                               public partial Layer B2L1 { get; }  // 160 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer2.norm1")]                            public partial Layer B2L2Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L2Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer2.conv1")]  public partial Layer B2L2Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer2.norm2")]                            public partial Layer B2L2Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L2Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer2.conv2")]  public partial Layer B2L2Conv2 { get; }
    [Concat(nameof(B2L1), nameof(B2L2Conv2))]                                                 public partial Layer B2L2 { get; }  // 192 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer3.norm1")]                            public partial Layer B2L3Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L3Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer3.conv1")]  public partial Layer B2L3Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer3.norm2")]                            public partial Layer B2L3Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L3Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer3.conv2")]  public partial Layer B2L3Conv2 { get; }
    [Concat(nameof(B2L2), nameof(B2L3Conv2))]                                                 public partial Layer B2L3 { get; }  // 224 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer4.norm1")]                            public partial Layer B2L4Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L4Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer4.conv1")]  public partial Layer B2L4Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer4.norm2")]                            public partial Layer B2L4Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L4Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer4.conv2")]  public partial Layer B2L4Conv2 { get; }
    [Concat(nameof(B2L3), nameof(B2L4Conv2))]                                                 public partial Layer B2L4 { get; }  // 256 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer5.norm1")]                            public partial Layer B2L5Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L5Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer5.conv1")]  public partial Layer B2L5Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer5.norm2")]                            public partial Layer B2L5Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L5Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer5.conv2")]  public partial Layer B2L5Conv2 { get; }
    [Concat(nameof(B2L4), nameof(B2L5Conv2))]                                                 public partial Layer B2L5 { get; }  // 288 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer6.norm1")]                            public partial Layer B2L6Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L6Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer6.conv1")]  public partial Layer B2L6Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer6.norm2")]                            public partial Layer B2L6Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L6Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer6.conv2")]  public partial Layer B2L6Conv2 { get; }
    [Concat(nameof(B2L5), nameof(B2L6Conv2))]                                                 public partial Layer B2L6 { get; }  // 320 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer7.norm1")]                            public partial Layer B2L7Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L7Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer7.conv1")]  public partial Layer B2L7Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer7.norm2")]                            public partial Layer B2L7Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L7Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer7.conv2")]  public partial Layer B2L7Conv2 { get; }
    [Concat(nameof(B2L6), nameof(B2L7Conv2))]                                                 public partial Layer B2L7 { get; }  // 352 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer8.norm1")]                            public partial Layer B2L8Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L8Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer8.conv1")]  public partial Layer B2L8Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer8.norm2")]                            public partial Layer B2L8Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L8Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer8.conv2")]  public partial Layer B2L8Conv2 { get; }
    [Concat(nameof(B2L7), nameof(B2L8Conv2))]                                                 public partial Layer B2L8 { get; }  // 384 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer9.norm1")]                            public partial Layer B2L9Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L9Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer9.conv1")]  public partial Layer B2L9Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer9.norm2")]                            public partial Layer B2L9Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L9Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer9.conv2")]  public partial Layer B2L9Conv2 { get; }
    [Concat(nameof(B2L8), nameof(B2L9Conv2))]                                                 public partial Layer B2L9 { get; }  // 416 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer10.norm1")]                           public partial Layer B2L10Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L10Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer10.conv1")] public partial Layer B2L10Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer10.norm2")]                           public partial Layer B2L10Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L10Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer10.conv2")] public partial Layer B2L10Conv2 { get; }
    [Concat(nameof(B2L9), nameof(B2L10Conv2))]                                                public partial Layer B2L10 { get; }  // 448 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer11.norm1")]                           public partial Layer B2L11Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L11Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer11.conv1")] public partial Layer B2L11Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer11.norm2")]                           public partial Layer B2L11Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L11Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer11.conv2")] public partial Layer B2L11Conv2 { get; }
    [Concat(nameof(B2L10), nameof(B2L11Conv2))]                                               public partial Layer B2L11 { get; }  // 480 channels
    [BatchNorm2D(Name = "features.denseblock2.denselayer12.norm1")]                           public partial Layer B2L12Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B2L12Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock2.denselayer12.conv1")] public partial Layer B2L12Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock2.denselayer12.norm2")]                           public partial Layer B2L12Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B2L12Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock2.denselayer12.conv2")] public partial Layer B2L12Conv2 { get; }
    [Concat(nameof(B2L11), nameof(B2L12Conv2))]                                               public partial Layer B2L12 { get; }  // 512 channels
    // transition2: 512 → 256 channels, half the resolution
    [BatchNorm2D(Name = "features.transition2.norm")]                                         public partial Layer T2Norm { get; }
    [ReLU]                                                                                    public partial Layer T2Relu { get; }
    [Conv2D(256, Kernel = 1, Bias = false, Name = "features.transition2.conv")]               public partial Layer T2Conv { get; }
    [AvgPool2D(2)]                                                                            public partial Layer T2Pool { get; }
    // denseblock3: 24 layers, 256 → 1024 channels (each layer: BN-ReLU-1×1 conv 128-BN-ReLU-3×3 conv 32, concatenated)
    [BatchNorm2D(From = nameof(T2Pool), Name = "features.denseblock3.denselayer1.norm1")]     public partial Layer B3L1Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L1Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer1.conv1")]  public partial Layer B3L1Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer1.norm2")]                            public partial Layer B3L1Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L1Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer1.conv2")]  public partial Layer B3L1Conv2 { get; }
    [Concat(nameof(T2Pool), nameof(B3L1Conv2))]                                               public partial Layer B3L1 { get; }  // 288 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer2.norm1")]                            public partial Layer B3L2Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L2Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer2.conv1")]  public partial Layer B3L2Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer2.norm2")]                            public partial Layer B3L2Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L2Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer2.conv2")]  public partial Layer B3L2Conv2 { get; }
    [Concat(nameof(B3L1), nameof(B3L2Conv2))]                                                 public partial Layer B3L2 { get; }  // 320 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer3.norm1")]                            public partial Layer B3L3Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L3Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer3.conv1")]  public partial Layer B3L3Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer3.norm2")]                            public partial Layer B3L3Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L3Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer3.conv2")]  public partial Layer B3L3Conv2 { get; }
    [Concat(nameof(B3L2), nameof(B3L3Conv2))]                                                 public partial Layer B3L3 { get; }  // 352 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer4.norm1")]                            public partial Layer B3L4Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L4Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer4.conv1")]  public partial Layer B3L4Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer4.norm2")]                            public partial Layer B3L4Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L4Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer4.conv2")]  public partial Layer B3L4Conv2 { get; }
    [Concat(nameof(B3L3), nameof(B3L4Conv2))]                                                 public partial Layer B3L4 { get; }  // 384 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer5.norm1")]                            public partial Layer B3L5Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L5Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer5.conv1")]  public partial Layer B3L5Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer5.norm2")]                            public partial Layer B3L5Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L5Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer5.conv2")]  public partial Layer B3L5Conv2 { get; }
    [Concat(nameof(B3L4), nameof(B3L5Conv2))]                                                 public partial Layer B3L5 { get; }  // 416 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer6.norm1")]                            public partial Layer B3L6Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L6Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer6.conv1")]  public partial Layer B3L6Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer6.norm2")]                            public partial Layer B3L6Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L6Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer6.conv2")]  public partial Layer B3L6Conv2 { get; }
    [Concat(nameof(B3L5), nameof(B3L6Conv2))]                                                 public partial Layer B3L6 { get; }  // 448 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer7.norm1")]                            public partial Layer B3L7Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L7Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer7.conv1")]  public partial Layer B3L7Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer7.norm2")]                            public partial Layer B3L7Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L7Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer7.conv2")]  public partial Layer B3L7Conv2 { get; }
    [Concat(nameof(B3L6), nameof(B3L7Conv2))]                                                 public partial Layer B3L7 { get; }  // 480 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer8.norm1")]                            public partial Layer B3L8Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L8Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer8.conv1")]  public partial Layer B3L8Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer8.norm2")]                            public partial Layer B3L8Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L8Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer8.conv2")]  public partial Layer B3L8Conv2 { get; }
    [Concat(nameof(B3L7), nameof(B3L8Conv2))]                                                 public partial Layer B3L8 { get; }  // 512 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer9.norm1")]                            public partial Layer B3L9Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L9Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer9.conv1")]  public partial Layer B3L9Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer9.norm2")]                            public partial Layer B3L9Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L9Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer9.conv2")]  public partial Layer B3L9Conv2 { get; }
    [Concat(nameof(B3L8), nameof(B3L9Conv2))]                                                 public partial Layer B3L9 { get; }  // 544 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer10.norm1")]                           public partial Layer B3L10Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L10Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer10.conv1")] public partial Layer B3L10Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer10.norm2")]                           public partial Layer B3L10Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L10Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer10.conv2")] public partial Layer B3L10Conv2 { get; }
    [Concat(nameof(B3L9), nameof(B3L10Conv2))]                                                public partial Layer B3L10 { get; }  // 576 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer11.norm1")]                           public partial Layer B3L11Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L11Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer11.conv1")] public partial Layer B3L11Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer11.norm2")]                           public partial Layer B3L11Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L11Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer11.conv2")] public partial Layer B3L11Conv2 { get; }
    [Concat(nameof(B3L10), nameof(B3L11Conv2))]                                               public partial Layer B3L11 { get; }  // 608 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer12.norm1")]                           public partial Layer B3L12Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L12Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer12.conv1")] public partial Layer B3L12Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer12.norm2")]                           public partial Layer B3L12Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L12Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer12.conv2")] public partial Layer B3L12Conv2 { get; }
    [Concat(nameof(B3L11), nameof(B3L12Conv2))]                                               public partial Layer B3L12 { get; }  // 640 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer13.norm1")]                           public partial Layer B3L13Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L13Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer13.conv1")] public partial Layer B3L13Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer13.norm2")]                           public partial Layer B3L13Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L13Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer13.conv2")] public partial Layer B3L13Conv2 { get; }
    [Concat(nameof(B3L12), nameof(B3L13Conv2))]                                               public partial Layer B3L13 { get; }  // 672 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer14.norm1")]                           public partial Layer B3L14Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L14Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer14.conv1")] public partial Layer B3L14Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer14.norm2")]                           public partial Layer B3L14Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L14Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer14.conv2")] public partial Layer B3L14Conv2 { get; }
    [Concat(nameof(B3L13), nameof(B3L14Conv2))]                                               public partial Layer B3L14 { get; }  // 704 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer15.norm1")]                           public partial Layer B3L15Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L15Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer15.conv1")] public partial Layer B3L15Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer15.norm2")]                           public partial Layer B3L15Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L15Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer15.conv2")] public partial Layer B3L15Conv2 { get; }
    [Concat(nameof(B3L14), nameof(B3L15Conv2))]                                               public partial Layer B3L15 { get; }  // 736 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer16.norm1")]                           public partial Layer B3L16Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L16Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer16.conv1")] public partial Layer B3L16Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer16.norm2")]                           public partial Layer B3L16Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L16Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer16.conv2")] public partial Layer B3L16Conv2 { get; }
    [Concat(nameof(B3L15), nameof(B3L16Conv2))]                                               public partial Layer B3L16 { get; }  // 768 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer17.norm1")]                           public partial Layer B3L17Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L17Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer17.conv1")] public partial Layer B3L17Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer17.norm2")]                           public partial Layer B3L17Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L17Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer17.conv2")] public partial Layer B3L17Conv2 { get; }
    [Concat(nameof(B3L16), nameof(B3L17Conv2))]                                               public partial Layer B3L17 { get; }  // 800 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer18.norm1")]                           public partial Layer B3L18Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L18Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer18.conv1")] public partial Layer B3L18Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer18.norm2")]                           public partial Layer B3L18Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L18Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer18.conv2")] public partial Layer B3L18Conv2 { get; }
    [Concat(nameof(B3L17), nameof(B3L18Conv2))]                                               public partial Layer B3L18 { get; }  // 832 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer19.norm1")]                           public partial Layer B3L19Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L19Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer19.conv1")] public partial Layer B3L19Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer19.norm2")]                           public partial Layer B3L19Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L19Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer19.conv2")] public partial Layer B3L19Conv2 { get; }
    [Concat(nameof(B3L18), nameof(B3L19Conv2))]                                               public partial Layer B3L19 { get; }  // 864 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer20.norm1")]                           public partial Layer B3L20Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L20Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer20.conv1")] public partial Layer B3L20Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer20.norm2")]                           public partial Layer B3L20Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L20Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer20.conv2")] public partial Layer B3L20Conv2 { get; }
    [Concat(nameof(B3L19), nameof(B3L20Conv2))]                                               public partial Layer B3L20 { get; }  // 896 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer21.norm1")]                           public partial Layer B3L21Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L21Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer21.conv1")] public partial Layer B3L21Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer21.norm2")]                           public partial Layer B3L21Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L21Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer21.conv2")] public partial Layer B3L21Conv2 { get; }
    [Concat(nameof(B3L20), nameof(B3L21Conv2))]                                               public partial Layer B3L21 { get; }  // 928 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer22.norm1")]                           public partial Layer B3L22Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L22Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer22.conv1")] public partial Layer B3L22Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer22.norm2")]                           public partial Layer B3L22Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L22Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer22.conv2")] public partial Layer B3L22Conv2 { get; }
    [Concat(nameof(B3L21), nameof(B3L22Conv2))]                                               public partial Layer B3L22 { get; }  // 960 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer23.norm1")]                           public partial Layer B3L23Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L23Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer23.conv1")] public partial Layer B3L23Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer23.norm2")]                           public partial Layer B3L23Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L23Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer23.conv2")] public partial Layer B3L23Conv2 { get; }
    [Concat(nameof(B3L22), nameof(B3L23Conv2))]                                               public partial Layer B3L23 { get; }  // 992 channels
    [BatchNorm2D(Name = "features.denseblock3.denselayer24.norm1")]                           public partial Layer B3L24Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B3L24Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock3.denselayer24.conv1")] public partial Layer B3L24Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock3.denselayer24.norm2")]                           public partial Layer B3L24Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B3L24Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock3.denselayer24.conv2")] public partial Layer B3L24Conv2 { get; }
    [Concat(nameof(B3L23), nameof(B3L24Conv2))]                                               public partial Layer B3L24 { get; }  // 1024 channels
    // transition3: 1024 → 512 channels, half the resolution
    [BatchNorm2D(Name = "features.transition3.norm")]                                         public partial Layer T3Norm { get; }
    [ReLU]                                                                                    public partial Layer T3Relu { get; }
    [Conv2D(512, Kernel = 1, Bias = false, Name = "features.transition3.conv")]               public partial Layer T3Conv { get; }
    [AvgPool2D(2)]                                                                            public partial Layer T3Pool { get; }
    // denseblock4: 16 layers, 512 → 1024 channels (each layer: BN-ReLU-1×1 conv 128-BN-ReLU-3×3 conv 32, concatenated)
    [BatchNorm2D(From = nameof(T3Pool), Name = "features.denseblock4.denselayer1.norm1")]     public partial Layer B4L1Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L1Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer1.conv1")]  public partial Layer B4L1Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer1.norm2")]                            public partial Layer B4L1Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L1Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer1.conv2")]  public partial Layer B4L1Conv2 { get; }
    [Concat(nameof(T3Pool), nameof(B4L1Conv2))]                                               public partial Layer B4L1 { get; }  // 544 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer2.norm1")]                            public partial Layer B4L2Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L2Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer2.conv1")]  public partial Layer B4L2Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer2.norm2")]                            public partial Layer B4L2Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L2Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer2.conv2")]  public partial Layer B4L2Conv2 { get; }
    [Concat(nameof(B4L1), nameof(B4L2Conv2))]                                                 public partial Layer B4L2 { get; }  // 576 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer3.norm1")]                            public partial Layer B4L3Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L3Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer3.conv1")]  public partial Layer B4L3Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer3.norm2")]                            public partial Layer B4L3Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L3Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer3.conv2")]  public partial Layer B4L3Conv2 { get; }
    [Concat(nameof(B4L2), nameof(B4L3Conv2))]                                                 public partial Layer B4L3 { get; }  // 608 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer4.norm1")]                            public partial Layer B4L4Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L4Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer4.conv1")]  public partial Layer B4L4Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer4.norm2")]                            public partial Layer B4L4Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L4Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer4.conv2")]  public partial Layer B4L4Conv2 { get; }
    [Concat(nameof(B4L3), nameof(B4L4Conv2))]                                                 public partial Layer B4L4 { get; }  // 640 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer5.norm1")]                            public partial Layer B4L5Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L5Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer5.conv1")]  public partial Layer B4L5Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer5.norm2")]                            public partial Layer B4L5Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L5Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer5.conv2")]  public partial Layer B4L5Conv2 { get; }
    [Concat(nameof(B4L4), nameof(B4L5Conv2))]                                                 public partial Layer B4L5 { get; }  // 672 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer6.norm1")]                            public partial Layer B4L6Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L6Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer6.conv1")]  public partial Layer B4L6Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer6.norm2")]                            public partial Layer B4L6Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L6Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer6.conv2")]  public partial Layer B4L6Conv2 { get; }
    [Concat(nameof(B4L5), nameof(B4L6Conv2))]                                                 public partial Layer B4L6 { get; }  // 704 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer7.norm1")]                            public partial Layer B4L7Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L7Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer7.conv1")]  public partial Layer B4L7Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer7.norm2")]                            public partial Layer B4L7Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L7Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer7.conv2")]  public partial Layer B4L7Conv2 { get; }
    [Concat(nameof(B4L6), nameof(B4L7Conv2))]                                                 public partial Layer B4L7 { get; }  // 736 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer8.norm1")]                            public partial Layer B4L8Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L8Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer8.conv1")]  public partial Layer B4L8Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer8.norm2")]                            public partial Layer B4L8Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L8Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer8.conv2")]  public partial Layer B4L8Conv2 { get; }
    [Concat(nameof(B4L7), nameof(B4L8Conv2))]                                                 public partial Layer B4L8 { get; }  // 768 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer9.norm1")]                            public partial Layer B4L9Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L9Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer9.conv1")]  public partial Layer B4L9Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer9.norm2")]                            public partial Layer B4L9Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L9Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer9.conv2")]  public partial Layer B4L9Conv2 { get; }
    [Concat(nameof(B4L8), nameof(B4L9Conv2))]                                                 public partial Layer B4L9 { get; }  // 800 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer10.norm1")]                           public partial Layer B4L10Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L10Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer10.conv1")] public partial Layer B4L10Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer10.norm2")]                           public partial Layer B4L10Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L10Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer10.conv2")] public partial Layer B4L10Conv2 { get; }
    [Concat(nameof(B4L9), nameof(B4L10Conv2))]                                                public partial Layer B4L10 { get; }  // 832 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer11.norm1")]                           public partial Layer B4L11Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L11Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer11.conv1")] public partial Layer B4L11Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer11.norm2")]                           public partial Layer B4L11Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L11Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer11.conv2")] public partial Layer B4L11Conv2 { get; }
    [Concat(nameof(B4L10), nameof(B4L11Conv2))]                                               public partial Layer B4L11 { get; }  // 864 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer12.norm1")]                           public partial Layer B4L12Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L12Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer12.conv1")] public partial Layer B4L12Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer12.norm2")]                           public partial Layer B4L12Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L12Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer12.conv2")] public partial Layer B4L12Conv2 { get; }
    [Concat(nameof(B4L11), nameof(B4L12Conv2))]                                               public partial Layer B4L12 { get; }  // 896 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer13.norm1")]                           public partial Layer B4L13Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L13Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer13.conv1")] public partial Layer B4L13Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer13.norm2")]                           public partial Layer B4L13Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L13Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer13.conv2")] public partial Layer B4L13Conv2 { get; }
    [Concat(nameof(B4L12), nameof(B4L13Conv2))]                                               public partial Layer B4L13 { get; }  // 928 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer14.norm1")]                           public partial Layer B4L14Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L14Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer14.conv1")] public partial Layer B4L14Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer14.norm2")]                           public partial Layer B4L14Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L14Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer14.conv2")] public partial Layer B4L14Conv2 { get; }
    [Concat(nameof(B4L13), nameof(B4L14Conv2))]                                               public partial Layer B4L14 { get; }  // 960 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer15.norm1")]                           public partial Layer B4L15Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L15Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer15.conv1")] public partial Layer B4L15Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer15.norm2")]                           public partial Layer B4L15Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L15Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer15.conv2")] public partial Layer B4L15Conv2 { get; }
    [Concat(nameof(B4L14), nameof(B4L15Conv2))]                                               public partial Layer B4L15 { get; }  // 992 channels
    [BatchNorm2D(Name = "features.denseblock4.denselayer16.norm1")]                           public partial Layer B4L16Norm1 { get; }
    [ReLU]                                                                                    public partial Layer B4L16Relu1 { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "features.denseblock4.denselayer16.conv1")] public partial Layer B4L16Conv1 { get; }
    [BatchNorm2D(Name = "features.denseblock4.denselayer16.norm2")]                           public partial Layer B4L16Norm2 { get; }
    [ReLU]                                                                                    public partial Layer B4L16Relu2 { get; }
    [Conv2D(32, Padding = 1, Bias = false, Name = "features.denseblock4.denselayer16.conv2")] public partial Layer B4L16Conv2 { get; }
    [Concat(nameof(B4L15), nameof(B4L16Conv2))]                                               public partial Layer B4L16 { get; }  // 1024 channels
    [BatchNorm2D(Name = "features.norm5")]                                                    public partial Layer Norm5 { get; }
    [ReLU]                                                                                    public partial Layer Relu5 { get; }
    [GlobalAvgPool]                                                                           public partial Layer AvgPool { get; }  // 1024×1×1
    [Dense(1000, Name = "classifier")]                                                        public partial Layer Classifier { get; }
}
