using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// GoogLeNet / Inception v1 (Szegedy et al., "Going Deeper with Convolutions", CVPR 2015) in torchvision's layout,
/// without the auxiliary classifiers, for 3×224×224 images and 1000 classes: 6,624,904 parameters.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.googlenet(aux_logits=False, transform_input=False)</c>; tensor names are its
/// <c>state_dict</c> keys (<c>conv1.conv.weight</c>, <c>inception3a.branch2.1.bn.running_var</c>, <c>fc.weight</c> …).
/// Every convolution is torchvision's <c>BasicConv2d</c>: Conv2D without bias, BatchNorm2D with eps 0.001, ReLU.
/// torchvision quirks kept: batch norm (not in the paper), and a 3×3 kernel in the branch the paper calls "5×5".
/// Deviation: torchvision's stride-2 max pools use <c>ceil_mode=True</c> without padding; StaticCnn pools in floor mode,
/// so MaxPool1–3 use padding 1, which gives the same shapes (56, 28, 14) at 224×224 but windows shifted by one pixel
/// (max over rows 2i−1…2i+1 instead of 2i…2i+2): ImageNet weights load but logits differ slightly (docs/MODEL_ZOO.md).
/// Reference count and tensor shapes: tools/architecture_params.py.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class GoogLeNet
{
    [Conv2D(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = "conv1.conv")]                  public partial Layer Conv1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "conv1.bn")]                                                    public partial Layer Conv1Bn { get; }
    [ReLU]                                                                                                public partial Layer Conv1Relu { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)]                                                               public partial Layer MaxPool1 { get; }  // 64×56×56; torchvision: ceil_mode=True, no padding
    [Conv2D(64, Kernel = 1, Bias = false, Name = "conv2.conv")]                                           public partial Layer Conv2Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "conv2.bn")]                                                    public partial Layer Conv2Bn { get; }
    [ReLU]                                                                                                public partial Layer Conv2Relu { get; }
    [Conv2D(192, Kernel = 3, Padding = 1, Bias = false, Name = "conv3.conv")]                             public partial Layer Conv3Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "conv3.bn")]                                                    public partial Layer Conv3Bn { get; }
    [ReLU]                                                                                                public partial Layer Conv3Relu { get; }
    [MaxPool2D(3, Stride = 2, Padding = 1)]                                                               public partial Layer MaxPool2 { get; }  // 192×28×28; torchvision: ceil_mode=True, no padding
    // inception3a: 1×1 64 | 1×1 96 → 3×3 128 | 1×1 16 → 3×3 32 (torchvision's "5x5" branch) | pool → 1×1 32
    [Conv2D(64, Kernel = 1, Bias = false, From = nameof(MaxPool2), Name = "inception3a.branch1.conv")]    public partial Layer Inc3aB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch1.bn")]                                      public partial Layer Inc3aB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB1Relu { get; }
    [Conv2D(96, Kernel = 1, Bias = false, From = nameof(MaxPool2), Name = "inception3a.branch2.0.conv")]  public partial Layer Inc3aB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch2.0.bn")]                                    public partial Layer Inc3aB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB2aRelu { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false, Name = "inception3a.branch2.1.conv")]             public partial Layer Inc3aB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch2.1.bn")]                                    public partial Layer Inc3aB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB2bRelu { get; }
    [Conv2D(16, Kernel = 1, Bias = false, From = nameof(MaxPool2), Name = "inception3a.branch3.0.conv")]  public partial Layer Inc3aB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch3.0.bn")]                                    public partial Layer Inc3aB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB3aRelu { get; }
    [Conv2D(32, Kernel = 3, Padding = 1, Bias = false, Name = "inception3a.branch3.1.conv")]              public partial Layer Inc3aB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch3.1.bn")]                                    public partial Layer Inc3aB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(MaxPool2))]                                      public partial Layer Inc3aB4Pool { get; }
    [Conv2D(32, Kernel = 1, Bias = false, Name = "inception3a.branch4.1.conv")]                           public partial Layer Inc3aB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3a.branch4.1.bn")]                                    public partial Layer Inc3aB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc3aB4Relu { get; }
    [Concat(nameof(Inc3aB1Relu), nameof(Inc3aB2bRelu), nameof(Inc3aB3bRelu), nameof(Inc3aB4Relu))]        public partial Layer Inc3a { get; }  // 256 channels
    // inception3b: 1×1 128 | 1×1 128 → 3×3 192 | 1×1 32 → 3×3 96 (torchvision's "5x5" branch) | pool → 1×1 64
    [Conv2D(128, Kernel = 1, Bias = false, From = nameof(Inc3a), Name = "inception3b.branch1.conv")]      public partial Layer Inc3bB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch1.bn")]                                      public partial Layer Inc3bB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB1Relu { get; }
    [Conv2D(128, Kernel = 1, Bias = false, From = nameof(Inc3a), Name = "inception3b.branch2.0.conv")]    public partial Layer Inc3bB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch2.0.bn")]                                    public partial Layer Inc3bB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB2aRelu { get; }
    [Conv2D(192, Kernel = 3, Padding = 1, Bias = false, Name = "inception3b.branch2.1.conv")]             public partial Layer Inc3bB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch2.1.bn")]                                    public partial Layer Inc3bB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB2bRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, From = nameof(Inc3a), Name = "inception3b.branch3.0.conv")]     public partial Layer Inc3bB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch3.0.bn")]                                    public partial Layer Inc3bB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB3aRelu { get; }
    [Conv2D(96, Kernel = 3, Padding = 1, Bias = false, Name = "inception3b.branch3.1.conv")]              public partial Layer Inc3bB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch3.1.bn")]                                    public partial Layer Inc3bB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc3a))]                                         public partial Layer Inc3bB4Pool { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "inception3b.branch4.1.conv")]                           public partial Layer Inc3bB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception3b.branch4.1.bn")]                                    public partial Layer Inc3bB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc3bB4Relu { get; }
    [Concat(nameof(Inc3bB1Relu), nameof(Inc3bB2bRelu), nameof(Inc3bB3bRelu), nameof(Inc3bB4Relu))]        public partial Layer Inc3b { get; }  // 480 channels
    [MaxPool2D(3, Stride = 2, Padding = 1, From = nameof(Inc3b))]                                         public partial Layer MaxPool3 { get; }  // 480×14×14; torchvision: ceil_mode=True, no padding
    // inception4a: 1×1 192 | 1×1 96 → 3×3 208 | 1×1 16 → 3×3 48 (torchvision's "5x5" branch) | pool → 1×1 64
    [Conv2D(192, Kernel = 1, Bias = false, From = nameof(MaxPool3), Name = "inception4a.branch1.conv")]   public partial Layer Inc4aB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch1.bn")]                                      public partial Layer Inc4aB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB1Relu { get; }
    [Conv2D(96, Kernel = 1, Bias = false, From = nameof(MaxPool3), Name = "inception4a.branch2.0.conv")]  public partial Layer Inc4aB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch2.0.bn")]                                    public partial Layer Inc4aB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB2aRelu { get; }
    [Conv2D(208, Kernel = 3, Padding = 1, Bias = false, Name = "inception4a.branch2.1.conv")]             public partial Layer Inc4aB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch2.1.bn")]                                    public partial Layer Inc4aB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB2bRelu { get; }
    [Conv2D(16, Kernel = 1, Bias = false, From = nameof(MaxPool3), Name = "inception4a.branch3.0.conv")]  public partial Layer Inc4aB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch3.0.bn")]                                    public partial Layer Inc4aB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB3aRelu { get; }
    [Conv2D(48, Kernel = 3, Padding = 1, Bias = false, Name = "inception4a.branch3.1.conv")]              public partial Layer Inc4aB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch3.1.bn")]                                    public partial Layer Inc4aB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(MaxPool3))]                                      public partial Layer Inc4aB4Pool { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "inception4a.branch4.1.conv")]                           public partial Layer Inc4aB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4a.branch4.1.bn")]                                    public partial Layer Inc4aB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4aB4Relu { get; }
    [Concat(nameof(Inc4aB1Relu), nameof(Inc4aB2bRelu), nameof(Inc4aB3bRelu), nameof(Inc4aB4Relu))]        public partial Layer Inc4a { get; }  // 512 channels
    // inception4b: 1×1 160 | 1×1 112 → 3×3 224 | 1×1 24 → 3×3 64 (torchvision's "5x5" branch) | pool → 1×1 64
    [Conv2D(160, Kernel = 1, Bias = false, From = nameof(Inc4a), Name = "inception4b.branch1.conv")]      public partial Layer Inc4bB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch1.bn")]                                      public partial Layer Inc4bB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB1Relu { get; }
    [Conv2D(112, Kernel = 1, Bias = false, From = nameof(Inc4a), Name = "inception4b.branch2.0.conv")]    public partial Layer Inc4bB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch2.0.bn")]                                    public partial Layer Inc4bB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB2aRelu { get; }
    [Conv2D(224, Kernel = 3, Padding = 1, Bias = false, Name = "inception4b.branch2.1.conv")]             public partial Layer Inc4bB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch2.1.bn")]                                    public partial Layer Inc4bB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB2bRelu { get; }
    [Conv2D(24, Kernel = 1, Bias = false, From = nameof(Inc4a), Name = "inception4b.branch3.0.conv")]     public partial Layer Inc4bB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch3.0.bn")]                                    public partial Layer Inc4bB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB3aRelu { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false, Name = "inception4b.branch3.1.conv")]              public partial Layer Inc4bB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch3.1.bn")]                                    public partial Layer Inc4bB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc4a))]                                         public partial Layer Inc4bB4Pool { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "inception4b.branch4.1.conv")]                           public partial Layer Inc4bB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4b.branch4.1.bn")]                                    public partial Layer Inc4bB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4bB4Relu { get; }
    [Concat(nameof(Inc4bB1Relu), nameof(Inc4bB2bRelu), nameof(Inc4bB3bRelu), nameof(Inc4bB4Relu))]        public partial Layer Inc4b { get; }  // 512 channels
    // inception4c: 1×1 128 | 1×1 128 → 3×3 256 | 1×1 24 → 3×3 64 (torchvision's "5x5" branch) | pool → 1×1 64
    [Conv2D(128, Kernel = 1, Bias = false, From = nameof(Inc4b), Name = "inception4c.branch1.conv")]      public partial Layer Inc4cB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch1.bn")]                                      public partial Layer Inc4cB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB1Relu { get; }
    [Conv2D(128, Kernel = 1, Bias = false, From = nameof(Inc4b), Name = "inception4c.branch2.0.conv")]    public partial Layer Inc4cB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch2.0.bn")]                                    public partial Layer Inc4cB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB2aRelu { get; }
    [Conv2D(256, Kernel = 3, Padding = 1, Bias = false, Name = "inception4c.branch2.1.conv")]             public partial Layer Inc4cB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch2.1.bn")]                                    public partial Layer Inc4cB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB2bRelu { get; }
    [Conv2D(24, Kernel = 1, Bias = false, From = nameof(Inc4b), Name = "inception4c.branch3.0.conv")]     public partial Layer Inc4cB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch3.0.bn")]                                    public partial Layer Inc4cB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB3aRelu { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false, Name = "inception4c.branch3.1.conv")]              public partial Layer Inc4cB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch3.1.bn")]                                    public partial Layer Inc4cB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc4b))]                                         public partial Layer Inc4cB4Pool { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "inception4c.branch4.1.conv")]                           public partial Layer Inc4cB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4c.branch4.1.bn")]                                    public partial Layer Inc4cB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4cB4Relu { get; }
    [Concat(nameof(Inc4cB1Relu), nameof(Inc4cB2bRelu), nameof(Inc4cB3bRelu), nameof(Inc4cB4Relu))]        public partial Layer Inc4c { get; }  // 512 channels
    // inception4d: 1×1 112 | 1×1 144 → 3×3 288 | 1×1 32 → 3×3 64 (torchvision's "5x5" branch) | pool → 1×1 64
    [Conv2D(112, Kernel = 1, Bias = false, From = nameof(Inc4c), Name = "inception4d.branch1.conv")]      public partial Layer Inc4dB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch1.bn")]                                      public partial Layer Inc4dB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB1Relu { get; }
    [Conv2D(144, Kernel = 1, Bias = false, From = nameof(Inc4c), Name = "inception4d.branch2.0.conv")]    public partial Layer Inc4dB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch2.0.bn")]                                    public partial Layer Inc4dB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB2aRelu { get; }
    [Conv2D(288, Kernel = 3, Padding = 1, Bias = false, Name = "inception4d.branch2.1.conv")]             public partial Layer Inc4dB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch2.1.bn")]                                    public partial Layer Inc4dB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB2bRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, From = nameof(Inc4c), Name = "inception4d.branch3.0.conv")]     public partial Layer Inc4dB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch3.0.bn")]                                    public partial Layer Inc4dB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB3aRelu { get; }
    [Conv2D(64, Kernel = 3, Padding = 1, Bias = false, Name = "inception4d.branch3.1.conv")]              public partial Layer Inc4dB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch3.1.bn")]                                    public partial Layer Inc4dB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc4c))]                                         public partial Layer Inc4dB4Pool { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "inception4d.branch4.1.conv")]                           public partial Layer Inc4dB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4d.branch4.1.bn")]                                    public partial Layer Inc4dB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4dB4Relu { get; }
    [Concat(nameof(Inc4dB1Relu), nameof(Inc4dB2bRelu), nameof(Inc4dB3bRelu), nameof(Inc4dB4Relu))]        public partial Layer Inc4d { get; }  // 528 channels
    // inception4e: 1×1 256 | 1×1 160 → 3×3 320 | 1×1 32 → 3×3 128 (torchvision's "5x5" branch) | pool → 1×1 128
    [Conv2D(256, Kernel = 1, Bias = false, From = nameof(Inc4d), Name = "inception4e.branch1.conv")]      public partial Layer Inc4eB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch1.bn")]                                      public partial Layer Inc4eB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB1Relu { get; }
    [Conv2D(160, Kernel = 1, Bias = false, From = nameof(Inc4d), Name = "inception4e.branch2.0.conv")]    public partial Layer Inc4eB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch2.0.bn")]                                    public partial Layer Inc4eB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB2aRelu { get; }
    [Conv2D(320, Kernel = 3, Padding = 1, Bias = false, Name = "inception4e.branch2.1.conv")]             public partial Layer Inc4eB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch2.1.bn")]                                    public partial Layer Inc4eB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB2bRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, From = nameof(Inc4d), Name = "inception4e.branch3.0.conv")]     public partial Layer Inc4eB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch3.0.bn")]                                    public partial Layer Inc4eB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB3aRelu { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false, Name = "inception4e.branch3.1.conv")]             public partial Layer Inc4eB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch3.1.bn")]                                    public partial Layer Inc4eB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc4d))]                                         public partial Layer Inc4eB4Pool { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "inception4e.branch4.1.conv")]                          public partial Layer Inc4eB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception4e.branch4.1.bn")]                                    public partial Layer Inc4eB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc4eB4Relu { get; }
    [Concat(nameof(Inc4eB1Relu), nameof(Inc4eB2bRelu), nameof(Inc4eB3bRelu), nameof(Inc4eB4Relu))]        public partial Layer Inc4e { get; }  // 832 channels
    [MaxPool2D(2, From = nameof(Inc4e))]                                                                  public partial Layer MaxPool4 { get; }  // 832×7×7 (ceil_mode makes no difference at 14×14)
    // inception5a: 1×1 256 | 1×1 160 → 3×3 320 | 1×1 32 → 3×3 128 (torchvision's "5x5" branch) | pool → 1×1 128
    [Conv2D(256, Kernel = 1, Bias = false, From = nameof(MaxPool4), Name = "inception5a.branch1.conv")]   public partial Layer Inc5aB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch1.bn")]                                      public partial Layer Inc5aB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB1Relu { get; }
    [Conv2D(160, Kernel = 1, Bias = false, From = nameof(MaxPool4), Name = "inception5a.branch2.0.conv")] public partial Layer Inc5aB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch2.0.bn")]                                    public partial Layer Inc5aB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB2aRelu { get; }
    [Conv2D(320, Kernel = 3, Padding = 1, Bias = false, Name = "inception5a.branch2.1.conv")]             public partial Layer Inc5aB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch2.1.bn")]                                    public partial Layer Inc5aB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB2bRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, From = nameof(MaxPool4), Name = "inception5a.branch3.0.conv")]  public partial Layer Inc5aB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch3.0.bn")]                                    public partial Layer Inc5aB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB3aRelu { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false, Name = "inception5a.branch3.1.conv")]             public partial Layer Inc5aB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch3.1.bn")]                                    public partial Layer Inc5aB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(MaxPool4))]                                      public partial Layer Inc5aB4Pool { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "inception5a.branch4.1.conv")]                          public partial Layer Inc5aB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5a.branch4.1.bn")]                                    public partial Layer Inc5aB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc5aB4Relu { get; }
    [Concat(nameof(Inc5aB1Relu), nameof(Inc5aB2bRelu), nameof(Inc5aB3bRelu), nameof(Inc5aB4Relu))]        public partial Layer Inc5a { get; }  // 832 channels
    // inception5b: 1×1 384 | 1×1 192 → 3×3 384 | 1×1 48 → 3×3 128 (torchvision's "5x5" branch) | pool → 1×1 128
    [Conv2D(384, Kernel = 1, Bias = false, From = nameof(Inc5a), Name = "inception5b.branch1.conv")]      public partial Layer Inc5bB1Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch1.bn")]                                      public partial Layer Inc5bB1Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB1Relu { get; }
    [Conv2D(192, Kernel = 1, Bias = false, From = nameof(Inc5a), Name = "inception5b.branch2.0.conv")]    public partial Layer Inc5bB2aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch2.0.bn")]                                    public partial Layer Inc5bB2aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB2aRelu { get; }
    [Conv2D(384, Kernel = 3, Padding = 1, Bias = false, Name = "inception5b.branch2.1.conv")]             public partial Layer Inc5bB2bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch2.1.bn")]                                    public partial Layer Inc5bB2bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB2bRelu { get; }
    [Conv2D(48, Kernel = 1, Bias = false, From = nameof(Inc5a), Name = "inception5b.branch3.0.conv")]     public partial Layer Inc5bB3aConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch3.0.bn")]                                    public partial Layer Inc5bB3aBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB3aRelu { get; }
    [Conv2D(128, Kernel = 3, Padding = 1, Bias = false, Name = "inception5b.branch3.1.conv")]             public partial Layer Inc5bB3bConv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch3.1.bn")]                                    public partial Layer Inc5bB3bBn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB3bRelu { get; }
    [MaxPool2D(3, Stride = 1, Padding = 1, From = nameof(Inc5a))]                                         public partial Layer Inc5bB4Pool { get; }
    [Conv2D(128, Kernel = 1, Bias = false, Name = "inception5b.branch4.1.conv")]                          public partial Layer Inc5bB4Conv { get; }
    [BatchNorm2D(Epsilon = 0.001f, Name = "inception5b.branch4.1.bn")]                                    public partial Layer Inc5bB4Bn { get; }
    [ReLU]                                                                                                public partial Layer Inc5bB4Relu { get; }
    [Concat(nameof(Inc5bB1Relu), nameof(Inc5bB2bRelu), nameof(Inc5bB3bRelu), nameof(Inc5bB4Relu))]        public partial Layer Inc5b { get; }  // 1024 channels
    [GlobalAvgPool(From = nameof(Inc5b))]                                                                 public partial Layer AvgPool { get; }  // 1024×1×1
    [Dropout(0.2f)]                                                                                       public partial Layer Dropout { get; }
    [Dense(1000, Name = "fc")]                                                                            public partial Layer Fc { get; }
}
