using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// MobileNetV2 (Sandler, Howard, Zhu, Zhmoginov, Chen, "MobileNetV2: Inverted Residuals and Linear Bottlenecks",
/// CVPR 2018), width multiplier 1.0, for 3×224×224 images and 1000 classes: 3,504,872 parameters, 300,774,272 MACs.
/// </summary>
/// <remarks>
/// PyTorch: <c>torchvision.models.mobilenet_v2()</c>; tensor names are its <c>state_dict</c> keys
/// (<c>features.0.0.weight</c>, <c>features.0.1.running_mean</c>, <c>features.1.conv.0.0.weight</c>,
/// <c>features.2.conv.3.running_var</c>, <c>features.18.0.weight</c>, <c>classifier.1.weight</c> …).
/// A 3×3 stride-2 stem to 32 channels, then 17 inverted residual blocks (torchvision's <c>InvertedResidual</c>,
/// the paper's Table 2: expand ratio t, channels c, repeats n, first stride s = (1,16,1,1), (6,24,2,2), (6,32,3,2),
/// (6,64,4,2), (6,96,3,1), (6,160,3,2), (6,320,1,1)): a 1×1 expansion to t·C channels + BatchNorm2D + ReLU6 (absent
/// when t = 1), a 3×3 depthwise convolution (<c>Groups</c> = channels, stride 1 or 2) + BatchNorm2D + ReLU6, and a
/// linear 1×1 projection + BatchNorm2D; where the stride is 1 and the channel count is kept, <see cref="AddAttribute"/>
/// adds the block's input (no activation after the sum). Last a 1×1 convolution to 1280 + BatchNorm2D + ReLU6, global
/// average pooling, <c>Dropout(0.2)</c> and <c>Linear(1280, 1000)</c>. Convolutions have no bias; BatchNorm2D has
/// torchvision's eps 1e-5. Reference count, MACs and tensor shapes: tools/architecture_params.py (MobileNetV2).
/// </remarks>
[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]
public partial class MobileNetV2
{
    [Conv2D(32, Stride = 2, Padding = 1, Bias = false, Name = "features.0.0")]                               public partial Layer Conv0 { get; }  // 32×112×112
    [BatchNorm2D(Name = "features.0.1")]                                                                     public partial Layer Bn0 { get; }
    [ReLU6]                                                                                                  public partial Layer Relu0 { get; }
    // features.1: InvertedResidual(32 → 16, expand 1)
    [Conv2D(32, Padding = 1, Groups = 32, Bias = false, From = nameof(Relu0), Name = "features.1.conv.0.0")] public partial Layer B1Dw { get; }  // 32×112×112, depthwise
    [BatchNorm2D(Name = "features.1.conv.0.1")]                                                              public partial Layer B1DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B1DwRelu { get; }
    [Conv2D(16, Kernel = 1, Bias = false, Name = "features.1.conv.1")]                                       public partial Layer B1Project { get; }  // 16×112×112, linear
    [BatchNorm2D(Name = "features.1.conv.2")]                                                                public partial Layer B1ProjectBn { get; }
    // features.2: InvertedResidual(16 → 24, expand 6, stride 2)
    [Conv2D(96, Kernel = 1, Bias = false, From = nameof(B1ProjectBn), Name = "features.2.conv.0.0")]         public partial Layer B2Expand { get; }  // 96×112×112
    [BatchNorm2D(Name = "features.2.conv.0.1")]                                                              public partial Layer B2ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B2ExpandRelu { get; }
    [Conv2D(96, Stride = 2, Padding = 1, Groups = 96, Bias = false, Name = "features.2.conv.1.0")]           public partial Layer B2Dw { get; }  // 96×56×56, depthwise
    [BatchNorm2D(Name = "features.2.conv.1.1")]                                                              public partial Layer B2DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B2DwRelu { get; }
    [Conv2D(24, Kernel = 1, Bias = false, Name = "features.2.conv.2")]                                       public partial Layer B2Project { get; }  // 24×56×56, linear
    [BatchNorm2D(Name = "features.2.conv.3")]                                                                public partial Layer B2ProjectBn { get; }
    // features.3: InvertedResidual(24 → 24, expand 6); + input
    [Conv2D(144, Kernel = 1, Bias = false, From = nameof(B2ProjectBn), Name = "features.3.conv.0.0")]        public partial Layer B3Expand { get; }  // 144×56×56
    [BatchNorm2D(Name = "features.3.conv.0.1")]                                                              public partial Layer B3ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B3ExpandRelu { get; }
    [Conv2D(144, Padding = 1, Groups = 144, Bias = false, Name = "features.3.conv.1.0")]                     public partial Layer B3Dw { get; }  // 144×56×56, depthwise
    [BatchNorm2D(Name = "features.3.conv.1.1")]                                                              public partial Layer B3DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B3DwRelu { get; }
    [Conv2D(24, Kernel = 1, Bias = false, Name = "features.3.conv.2")]                                       public partial Layer B3Project { get; }  // 24×56×56, linear
    [BatchNorm2D(Name = "features.3.conv.3")]                                                                public partial Layer B3ProjectBn { get; }
    [Add(nameof(B3ProjectBn), nameof(B2ProjectBn))]                                                          public partial Layer B3Out { get; }
    // features.4: InvertedResidual(24 → 32, expand 6, stride 2)
    [Conv2D(144, Kernel = 1, Bias = false, From = nameof(B3Out), Name = "features.4.conv.0.0")]              public partial Layer B4Expand { get; }  // 144×56×56
    [BatchNorm2D(Name = "features.4.conv.0.1")]                                                              public partial Layer B4ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B4ExpandRelu { get; }
    [Conv2D(144, Stride = 2, Padding = 1, Groups = 144, Bias = false, Name = "features.4.conv.1.0")]         public partial Layer B4Dw { get; }  // 144×28×28, depthwise
    [BatchNorm2D(Name = "features.4.conv.1.1")]                                                              public partial Layer B4DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B4DwRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, Name = "features.4.conv.2")]                                       public partial Layer B4Project { get; }  // 32×28×28, linear
    [BatchNorm2D(Name = "features.4.conv.3")]                                                                public partial Layer B4ProjectBn { get; }
    // features.5: InvertedResidual(32 → 32, expand 6); + input
    [Conv2D(192, Kernel = 1, Bias = false, From = nameof(B4ProjectBn), Name = "features.5.conv.0.0")]        public partial Layer B5Expand { get; }  // 192×28×28
    [BatchNorm2D(Name = "features.5.conv.0.1")]                                                              public partial Layer B5ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B5ExpandRelu { get; }
    [Conv2D(192, Padding = 1, Groups = 192, Bias = false, Name = "features.5.conv.1.0")]                     public partial Layer B5Dw { get; }  // 192×28×28, depthwise
    [BatchNorm2D(Name = "features.5.conv.1.1")]                                                              public partial Layer B5DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B5DwRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, Name = "features.5.conv.2")]                                       public partial Layer B5Project { get; }  // 32×28×28, linear
    [BatchNorm2D(Name = "features.5.conv.3")]                                                                public partial Layer B5ProjectBn { get; }
    [Add(nameof(B5ProjectBn), nameof(B4ProjectBn))]                                                          public partial Layer B5Out { get; }
    // features.6: InvertedResidual(32 → 32, expand 6); + input
    [Conv2D(192, Kernel = 1, Bias = false, From = nameof(B5Out), Name = "features.6.conv.0.0")]              public partial Layer B6Expand { get; }  // 192×28×28
    [BatchNorm2D(Name = "features.6.conv.0.1")]                                                              public partial Layer B6ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B6ExpandRelu { get; }
    [Conv2D(192, Padding = 1, Groups = 192, Bias = false, Name = "features.6.conv.1.0")]                     public partial Layer B6Dw { get; }  // 192×28×28, depthwise
    [BatchNorm2D(Name = "features.6.conv.1.1")]                                                              public partial Layer B6DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B6DwRelu { get; }
    [Conv2D(32, Kernel = 1, Bias = false, Name = "features.6.conv.2")]                                       public partial Layer B6Project { get; }  // 32×28×28, linear
    [BatchNorm2D(Name = "features.6.conv.3")]                                                                public partial Layer B6ProjectBn { get; }
    [Add(nameof(B6ProjectBn), nameof(B5Out))]                                                                public partial Layer B6Out { get; }
    // features.7: InvertedResidual(32 → 64, expand 6, stride 2)
    [Conv2D(192, Kernel = 1, Bias = false, From = nameof(B6Out), Name = "features.7.conv.0.0")]              public partial Layer B7Expand { get; }  // 192×28×28
    [BatchNorm2D(Name = "features.7.conv.0.1")]                                                              public partial Layer B7ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B7ExpandRelu { get; }
    [Conv2D(192, Stride = 2, Padding = 1, Groups = 192, Bias = false, Name = "features.7.conv.1.0")]         public partial Layer B7Dw { get; }  // 192×14×14, depthwise
    [BatchNorm2D(Name = "features.7.conv.1.1")]                                                              public partial Layer B7DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B7DwRelu { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "features.7.conv.2")]                                       public partial Layer B7Project { get; }  // 64×14×14, linear
    [BatchNorm2D(Name = "features.7.conv.3")]                                                                public partial Layer B7ProjectBn { get; }
    // features.8: InvertedResidual(64 → 64, expand 6); + input
    [Conv2D(384, Kernel = 1, Bias = false, From = nameof(B7ProjectBn), Name = "features.8.conv.0.0")]        public partial Layer B8Expand { get; }  // 384×14×14
    [BatchNorm2D(Name = "features.8.conv.0.1")]                                                              public partial Layer B8ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B8ExpandRelu { get; }
    [Conv2D(384, Padding = 1, Groups = 384, Bias = false, Name = "features.8.conv.1.0")]                     public partial Layer B8Dw { get; }  // 384×14×14, depthwise
    [BatchNorm2D(Name = "features.8.conv.1.1")]                                                              public partial Layer B8DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B8DwRelu { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "features.8.conv.2")]                                       public partial Layer B8Project { get; }  // 64×14×14, linear
    [BatchNorm2D(Name = "features.8.conv.3")]                                                                public partial Layer B8ProjectBn { get; }
    [Add(nameof(B8ProjectBn), nameof(B7ProjectBn))]                                                          public partial Layer B8Out { get; }
    // features.9: InvertedResidual(64 → 64, expand 6); + input
    [Conv2D(384, Kernel = 1, Bias = false, From = nameof(B8Out), Name = "features.9.conv.0.0")]              public partial Layer B9Expand { get; }  // 384×14×14
    [BatchNorm2D(Name = "features.9.conv.0.1")]                                                              public partial Layer B9ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B9ExpandRelu { get; }
    [Conv2D(384, Padding = 1, Groups = 384, Bias = false, Name = "features.9.conv.1.0")]                     public partial Layer B9Dw { get; }  // 384×14×14, depthwise
    [BatchNorm2D(Name = "features.9.conv.1.1")]                                                              public partial Layer B9DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B9DwRelu { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "features.9.conv.2")]                                       public partial Layer B9Project { get; }  // 64×14×14, linear
    [BatchNorm2D(Name = "features.9.conv.3")]                                                                public partial Layer B9ProjectBn { get; }
    [Add(nameof(B9ProjectBn), nameof(B8Out))]                                                                public partial Layer B9Out { get; }
    // features.10: InvertedResidual(64 → 64, expand 6); + input
    [Conv2D(384, Kernel = 1, Bias = false, From = nameof(B9Out), Name = "features.10.conv.0.0")]             public partial Layer B10Expand { get; }  // 384×14×14
    [BatchNorm2D(Name = "features.10.conv.0.1")]                                                             public partial Layer B10ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B10ExpandRelu { get; }
    [Conv2D(384, Padding = 1, Groups = 384, Bias = false, Name = "features.10.conv.1.0")]                    public partial Layer B10Dw { get; }  // 384×14×14, depthwise
    [BatchNorm2D(Name = "features.10.conv.1.1")]                                                             public partial Layer B10DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B10DwRelu { get; }
    [Conv2D(64, Kernel = 1, Bias = false, Name = "features.10.conv.2")]                                      public partial Layer B10Project { get; }  // 64×14×14, linear
    [BatchNorm2D(Name = "features.10.conv.3")]                                                               public partial Layer B10ProjectBn { get; }
    [Add(nameof(B10ProjectBn), nameof(B9Out))]                                                               public partial Layer B10Out { get; }
    // features.11: InvertedResidual(64 → 96, expand 6)
    [Conv2D(384, Kernel = 1, Bias = false, From = nameof(B10Out), Name = "features.11.conv.0.0")]            public partial Layer B11Expand { get; }  // 384×14×14
    [BatchNorm2D(Name = "features.11.conv.0.1")]                                                             public partial Layer B11ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B11ExpandRelu { get; }
    [Conv2D(384, Padding = 1, Groups = 384, Bias = false, Name = "features.11.conv.1.0")]                    public partial Layer B11Dw { get; }  // 384×14×14, depthwise
    [BatchNorm2D(Name = "features.11.conv.1.1")]                                                             public partial Layer B11DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B11DwRelu { get; }
    [Conv2D(96, Kernel = 1, Bias = false, Name = "features.11.conv.2")]                                      public partial Layer B11Project { get; }  // 96×14×14, linear
    [BatchNorm2D(Name = "features.11.conv.3")]                                                               public partial Layer B11ProjectBn { get; }
    // features.12: InvertedResidual(96 → 96, expand 6); + input
    [Conv2D(576, Kernel = 1, Bias = false, From = nameof(B11ProjectBn), Name = "features.12.conv.0.0")]      public partial Layer B12Expand { get; }  // 576×14×14
    [BatchNorm2D(Name = "features.12.conv.0.1")]                                                             public partial Layer B12ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B12ExpandRelu { get; }
    [Conv2D(576, Padding = 1, Groups = 576, Bias = false, Name = "features.12.conv.1.0")]                    public partial Layer B12Dw { get; }  // 576×14×14, depthwise
    [BatchNorm2D(Name = "features.12.conv.1.1")]                                                             public partial Layer B12DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B12DwRelu { get; }
    [Conv2D(96, Kernel = 1, Bias = false, Name = "features.12.conv.2")]                                      public partial Layer B12Project { get; }  // 96×14×14, linear
    [BatchNorm2D(Name = "features.12.conv.3")]                                                               public partial Layer B12ProjectBn { get; }
    [Add(nameof(B12ProjectBn), nameof(B11ProjectBn))]                                                        public partial Layer B12Out { get; }
    // features.13: InvertedResidual(96 → 96, expand 6); + input
    [Conv2D(576, Kernel = 1, Bias = false, From = nameof(B12Out), Name = "features.13.conv.0.0")]            public partial Layer B13Expand { get; }  // 576×14×14
    [BatchNorm2D(Name = "features.13.conv.0.1")]                                                             public partial Layer B13ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B13ExpandRelu { get; }
    [Conv2D(576, Padding = 1, Groups = 576, Bias = false, Name = "features.13.conv.1.0")]                    public partial Layer B13Dw { get; }  // 576×14×14, depthwise
    [BatchNorm2D(Name = "features.13.conv.1.1")]                                                             public partial Layer B13DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B13DwRelu { get; }
    [Conv2D(96, Kernel = 1, Bias = false, Name = "features.13.conv.2")]                                      public partial Layer B13Project { get; }  // 96×14×14, linear
    [BatchNorm2D(Name = "features.13.conv.3")]                                                               public partial Layer B13ProjectBn { get; }
    [Add(nameof(B13ProjectBn), nameof(B12Out))]                                                              public partial Layer B13Out { get; }
    // features.14: InvertedResidual(96 → 160, expand 6, stride 2)
    [Conv2D(576, Kernel = 1, Bias = false, From = nameof(B13Out), Name = "features.14.conv.0.0")]            public partial Layer B14Expand { get; }  // 576×14×14
    [BatchNorm2D(Name = "features.14.conv.0.1")]                                                             public partial Layer B14ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B14ExpandRelu { get; }
    [Conv2D(576, Stride = 2, Padding = 1, Groups = 576, Bias = false, Name = "features.14.conv.1.0")]        public partial Layer B14Dw { get; }  // 576×7×7, depthwise
    [BatchNorm2D(Name = "features.14.conv.1.1")]                                                             public partial Layer B14DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B14DwRelu { get; }
    [Conv2D(160, Kernel = 1, Bias = false, Name = "features.14.conv.2")]                                     public partial Layer B14Project { get; }  // 160×7×7, linear
    [BatchNorm2D(Name = "features.14.conv.3")]                                                               public partial Layer B14ProjectBn { get; }
    // features.15: InvertedResidual(160 → 160, expand 6); + input
    [Conv2D(960, Kernel = 1, Bias = false, From = nameof(B14ProjectBn), Name = "features.15.conv.0.0")]      public partial Layer B15Expand { get; }  // 960×7×7
    [BatchNorm2D(Name = "features.15.conv.0.1")]                                                             public partial Layer B15ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B15ExpandRelu { get; }
    [Conv2D(960, Padding = 1, Groups = 960, Bias = false, Name = "features.15.conv.1.0")]                    public partial Layer B15Dw { get; }  // 960×7×7, depthwise
    [BatchNorm2D(Name = "features.15.conv.1.1")]                                                             public partial Layer B15DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B15DwRelu { get; }
    [Conv2D(160, Kernel = 1, Bias = false, Name = "features.15.conv.2")]                                     public partial Layer B15Project { get; }  // 160×7×7, linear
    [BatchNorm2D(Name = "features.15.conv.3")]                                                               public partial Layer B15ProjectBn { get; }
    [Add(nameof(B15ProjectBn), nameof(B14ProjectBn))]                                                        public partial Layer B15Out { get; }
    // features.16: InvertedResidual(160 → 160, expand 6); + input
    [Conv2D(960, Kernel = 1, Bias = false, From = nameof(B15Out), Name = "features.16.conv.0.0")]            public partial Layer B16Expand { get; }  // 960×7×7
    [BatchNorm2D(Name = "features.16.conv.0.1")]                                                             public partial Layer B16ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B16ExpandRelu { get; }
    [Conv2D(960, Padding = 1, Groups = 960, Bias = false, Name = "features.16.conv.1.0")]                    public partial Layer B16Dw { get; }  // 960×7×7, depthwise
    [BatchNorm2D(Name = "features.16.conv.1.1")]                                                             public partial Layer B16DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B16DwRelu { get; }
    [Conv2D(160, Kernel = 1, Bias = false, Name = "features.16.conv.2")]                                     public partial Layer B16Project { get; }  // 160×7×7, linear
    [BatchNorm2D(Name = "features.16.conv.3")]                                                               public partial Layer B16ProjectBn { get; }
    [Add(nameof(B16ProjectBn), nameof(B15Out))]                                                              public partial Layer B16Out { get; }
    // features.17: InvertedResidual(160 → 320, expand 6)
    [Conv2D(960, Kernel = 1, Bias = false, From = nameof(B16Out), Name = "features.17.conv.0.0")]            public partial Layer B17Expand { get; }  // 960×7×7
    [BatchNorm2D(Name = "features.17.conv.0.1")]                                                             public partial Layer B17ExpandBn { get; }
    [ReLU6]                                                                                                  public partial Layer B17ExpandRelu { get; }
    [Conv2D(960, Padding = 1, Groups = 960, Bias = false, Name = "features.17.conv.1.0")]                    public partial Layer B17Dw { get; }  // 960×7×7, depthwise
    [BatchNorm2D(Name = "features.17.conv.1.1")]                                                             public partial Layer B17DwBn { get; }
    [ReLU6]                                                                                                  public partial Layer B17DwRelu { get; }
    [Conv2D(320, Kernel = 1, Bias = false, Name = "features.17.conv.2")]                                     public partial Layer B17Project { get; }  // 320×7×7, linear
    [BatchNorm2D(Name = "features.17.conv.3")]                                                               public partial Layer B17ProjectBn { get; }
    // features.18: 1×1 convolution to 1280
    [Conv2D(1280, Kernel = 1, Bias = false, Name = "features.18.0")]                                         public partial Layer Conv18 { get; }  // 1280×7×7
    [BatchNorm2D(Name = "features.18.1")]                                                                    public partial Layer Bn18 { get; }
    [ReLU6]                                                                                                  public partial Layer Relu18 { get; }
    [GlobalAvgPool]                                                                                          public partial Layer AvgPool { get; }  // 1280×1×1
    [Dropout(0.2f)]                                                                                          public partial Layer Dropout { get; }
    [Dense(1000, Name = "classifier.1")]                                                                     public partial Layer Classifier { get; }
}
