namespace StaticCnn.Tests.Architectures;

/// <summary>
/// MobileNetV2's building blocks at test size, laid out as <see cref="StaticCnn.Samples.Architectures.MobileNetV2"/>
/// (the same attributes, torchvision's module names), for the PyTorch parity fixture
/// tests/Fixtures/zoo/mobilenetv2_blocks.safetensors (tools/make_fixtures.py --only zoo): a stem (3×3 convolution
/// 3 → 8 + BatchNorm2D + ReLU6), three inverted residual blocks covering each kind MobileNetV2 has (expand ratio 1
/// with the residual Add; expand 6 with a stride-2 depthwise convolution; expand 6, stride 1 with the residual Add),
/// global average pooling and a Linear(16, 5).
/// </summary>
/// <remarks>PyTorch: <c>MobileNetV2Blocks</c> in tools/reference_models.py, built from tools/architecture_params.py's <c>InvertedResidual</c>.</remarks>
[Network(InputChannels = 3, InputHeight = 12, InputWidth = 12)]
public partial class MobileNetV2Blocks
{
    [Conv2D(8, Padding = 1, Bias = false, Name = "stem.0")]                                                 public partial Layer Stem { get; }  // 8×12×12
    [BatchNorm2D(Name = "stem.1")]                                                                          public partial Layer StemBn { get; }
    [ReLU6]                                                                                                 public partial Layer StemRelu { get; }
    // blocks.0: InvertedResidual(8 → 8, expand 1); + input
    [Conv2D(8, Padding = 1, Groups = 8, Bias = false, From = nameof(StemRelu), Name = "blocks.0.conv.0.0")] public partial Layer B0Dw { get; }
    [BatchNorm2D(Name = "blocks.0.conv.0.1")]                                                               public partial Layer B0DwBn { get; }
    [ReLU6]                                                                                                 public partial Layer B0DwRelu { get; }
    [Conv2D(8, Kernel = 1, Bias = false, Name = "blocks.0.conv.1")]                                         public partial Layer B0Project { get; }
    [BatchNorm2D(Name = "blocks.0.conv.2")]                                                                 public partial Layer B0ProjectBn { get; }
    [Add(nameof(B0ProjectBn), nameof(StemRelu))]                                                            public partial Layer B0Out { get; }
    // blocks.1: InvertedResidual(8 → 16, expand 6, stride 2)
    [Conv2D(48, Kernel = 1, Bias = false, From = nameof(B0Out), Name = "blocks.1.conv.0.0")]                public partial Layer B1Expand { get; }  // 48×12×12
    [BatchNorm2D(Name = "blocks.1.conv.0.1")]                                                               public partial Layer B1ExpandBn { get; }
    [ReLU6]                                                                                                 public partial Layer B1ExpandRelu { get; }
#pragma warning disable SCNN0300 // as in MobileNetV2 (112 → 56 …), the stride-2 3×3 with padding 1 never reads the last row and column
    [Conv2D(48, Stride = 2, Padding = 1, Groups = 48, Bias = false, Name = "blocks.1.conv.1.0")]            public partial Layer B1Dw { get; }  // 48×6×6, depthwise
#pragma warning restore SCNN0300
    [BatchNorm2D(Name = "blocks.1.conv.1.1")]                                                               public partial Layer B1DwBn { get; }
    [ReLU6]                                                                                                 public partial Layer B1DwRelu { get; }
    [Conv2D(16, Kernel = 1, Bias = false, Name = "blocks.1.conv.2")]                                        public partial Layer B1Project { get; }  // 16×6×6, linear
    [BatchNorm2D(Name = "blocks.1.conv.3")]                                                                 public partial Layer B1ProjectBn { get; }
    // blocks.2: InvertedResidual(16 → 16, expand 6); + input
    [Conv2D(96, Kernel = 1, Bias = false, From = nameof(B1ProjectBn), Name = "blocks.2.conv.0.0")]          public partial Layer B2Expand { get; }
    [BatchNorm2D(Name = "blocks.2.conv.0.1")]                                                               public partial Layer B2ExpandBn { get; }
    [ReLU6]                                                                                                 public partial Layer B2ExpandRelu { get; }
    [Conv2D(96, Padding = 1, Groups = 96, Bias = false, Name = "blocks.2.conv.1.0")]                        public partial Layer B2Dw { get; }
    [BatchNorm2D(Name = "blocks.2.conv.1.1")]                                                               public partial Layer B2DwBn { get; }
    [ReLU6]                                                                                                 public partial Layer B2DwRelu { get; }
    [Conv2D(16, Kernel = 1, Bias = false, Name = "blocks.2.conv.2")]                                        public partial Layer B2Project { get; }
    [BatchNorm2D(Name = "blocks.2.conv.3")]                                                                 public partial Layer B2ProjectBn { get; }
    [Add(nameof(B2ProjectBn), nameof(B1ProjectBn))]                                                         public partial Layer B2Out { get; }
    [GlobalAvgPool]                                                                                         public partial Layer AvgPool { get; }  // 16×1×1
    [Dense(5, Name = "fc")]                                                                                 public partial Layer Fc { get; }
}
