using StaticCnn;

namespace StaticCnn.Samples.Segmentation;

/// <summary>
/// A small U-Net for 1×32×32 images and <see cref="ShapesData.Classes"/> per-pixel classes: two encoder levels of
/// (3×3 convolution, BatchNorm, ReLU) × 2 with 2×2 max pooling, a bottom level at 8×8, and a decoder that up-samples
/// (nearest ×2 at the first level, a 2×2 stride-2 transposed convolution at the second), concatenates the encoder
/// output of the same size (the skip connection) and applies two more convolution blocks. The 1×1 convolution
/// <see cref="Logits"/> gives N×4×32×32 class logits. 29,748 parameters (and 320 BatchNorm running statistics).
/// </summary>
/// <remarks>
/// PyTorch:
/// <code>
/// def block(i, o): return [nn.Conv2d(i, o, 3, padding=1, bias=False), nn.BatchNorm2d(o), nn.ReLU()]
/// e1 = block(1, 8) + block(8, 8);  e2 = block(8, 16) + block(16, 16);  mid = block(16, 32) + block(32, 32)
/// d2 = block(32 + 16, 16) + block(16, 16);  d1 = block(8 + 8, 8) + block(8, 8)
/// x1 = e1(x); x2 = e2(pool(x1)); m = mid(pool(x2))
/// y2 = d2(torch.cat([x2, nn.Upsample(scale_factor=2)(m)], 1))
/// y1 = d1(torch.cat([x1, nn.ConvTranspose2d(16, 8, 2, stride=2)(y2)], 1))
/// logits = nn.Conv2d(8, 4, 1)(y1)
/// </code>
/// </remarks>
[Network(InputChannels = 1, InputHeight = ShapesData.Size, InputWidth = ShapesData.Size)]
public partial class ShapesUNet
{
    // encoder level 1: 32×32
    [Conv2D(8, Padding = 1, Bias = false)]                   public partial Layer Enc1a { get; }
    [BatchNorm2D]                                            public partial Layer Bn1a { get; }
    [ReLU]                                                   public partial Layer Relu1a { get; }
    [Conv2D(8, Padding = 1, Bias = false)]                   public partial Layer Enc1b { get; }
    [BatchNorm2D]                                            public partial Layer Bn1b { get; }
    [ReLU]                                                   public partial Layer Relu1b { get; }   // 8×32×32, skip 1
    [MaxPool2D(2)]                                           public partial Layer Pool1 { get; }    // 8×16×16
    // encoder level 2: 16×16
    [Conv2D(16, Padding = 1, Bias = false)]                  public partial Layer Enc2a { get; }
    [BatchNorm2D]                                            public partial Layer Bn2a { get; }
    [ReLU]                                                   public partial Layer Relu2a { get; }
    [Conv2D(16, Padding = 1, Bias = false)]                  public partial Layer Enc2b { get; }
    [BatchNorm2D]                                            public partial Layer Bn2b { get; }
    [ReLU]                                                   public partial Layer Relu2b { get; }   // 16×16×16, skip 2
    [MaxPool2D(2)]                                           public partial Layer Pool2 { get; }    // 16×8×8
    // bottom: 8×8
    [Conv2D(32, Padding = 1, Bias = false)]                  public partial Layer Mid1 { get; }
    [BatchNorm2D]                                            public partial Layer BnMid1 { get; }
    [ReLU]                                                   public partial Layer ReluMid1 { get; }
    [Conv2D(32, Padding = 1, Bias = false)]                  public partial Layer Mid2 { get; }
    [BatchNorm2D]                                            public partial Layer BnMid2 { get; }
    [ReLU]                                                   public partial Layer ReluMid2 { get; }  // 32×8×8
    // decoder level 2: nearest up-sampling, skip connection, two blocks
    [Upsample(2)]                                            public partial Layer Up2 { get; }       // 32×16×16
    [Concat(nameof(Relu2b), nameof(Up2))]                    public partial Layer Cat2 { get; }      // 48×16×16
    [Conv2D(16, Padding = 1, Bias = false)]                  public partial Layer Dec2a { get; }
    [BatchNorm2D]                                            public partial Layer BnDec2a { get; }
    [ReLU]                                                   public partial Layer ReluDec2a { get; }
    [Conv2D(16, Padding = 1, Bias = false)]                  public partial Layer Dec2b { get; }
    [BatchNorm2D]                                            public partial Layer BnDec2b { get; }
    [ReLU]                                                   public partial Layer ReluDec2b { get; } // 16×16×16
    // decoder level 1: learned 2×2 up-convolution, skip connection, two blocks
    [ConvTranspose2D(8, Kernel = 2, Stride = 2)]             public partial Layer Up1 { get; }       // 8×32×32
    [Concat(nameof(Relu1b), nameof(Up1))]                    public partial Layer Cat1 { get; }      // 16×32×32
    [Conv2D(8, Padding = 1, Bias = false)]                   public partial Layer Dec1a { get; }
    [BatchNorm2D]                                            public partial Layer BnDec1a { get; }
    [ReLU]                                                   public partial Layer ReluDec1a { get; }
    [Conv2D(8, Padding = 1, Bias = false)]                   public partial Layer Dec1b { get; }
    [BatchNorm2D]                                            public partial Layer BnDec1b { get; }
    [ReLU]                                                   public partial Layer ReluDec1b { get; } // 8×32×32
    // per-pixel class logits
    [Conv2D(ShapesData.Classes, Kernel = 1, Output = true)]      public partial Layer Logits { get; }    // 4×32×32
}
