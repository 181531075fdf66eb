namespace StaticCnn.Tool.Tests.Twins;

/// <summary>
/// A small U-Net as samples/Architectures' UNet (unpadded 3×3 convolutions, up-conv 2×2, CenterCrop(Like) of the skip,
/// Concat), two levels on 1×44×44, so that its PyTorch twin runs in seconds (the full-size UNet check is SCNN_SLOW=1).
/// </summary>
[Network(InputChannels = 1, InputHeight = 44, InputWidth = 44)]
public partial class SmallUNet
{
    [Conv2D(8, Activation = Activation.ReLU, Name = "enc1.0")]   public partial Layer Enc1a { get; }   // 8×42×42
    [Conv2D(8, Activation = Activation.ReLU, Name = "enc1.2")]   public partial Layer Enc1b { get; }   // 8×40×40
    [MaxPool2D(2)]                                               public partial Layer Pool1 { get; }   // 8×20×20
    [Conv2D(16, Activation = Activation.ReLU, Name = "enc2.0")]  public partial Layer Enc2a { get; }
    [Conv2D(16, Activation = Activation.ReLU, Name = "enc2.2")]  public partial Layer Enc2b { get; }   // 16×16×16
    [ConvTranspose2D(8, Kernel = 2, Stride = 2, Name = "up1")]   public partial Layer Up1 { get; }     // 8×32×32
    [CenterCrop(Like = nameof(Up1), From = nameof(Enc1b))]       public partial Layer Crop1 { get; }   // 8×32×32
    [Concat(nameof(Crop1), nameof(Up1))]                         public partial Layer Cat1 { get; }    // 16×32×32
    [Conv2D(8, Activation = Activation.ReLU, Name = "dec1.0")]   public partial Layer Dec1a { get; }
    [Conv2D(8, Activation = Activation.ReLU, Name = "dec1.2")]   public partial Layer Dec1b { get; }   // 8×28×28
    [Conv2D(2, Kernel = 1, Name = "out")]                        public partial Layer Out { get; }     // 2×28×28
}

/// <summary>
/// Most other layer kinds and options the twin emits, ending in a spatial map so that an error anywhere shows in the
/// output: fused LeakyReLU/Tanh/ReLU, BatchNorm2D, MaxUnpool2D with the pool's indices, AvgPool2D with padding,
/// LeakyReLU(Slope), Crop, nearest Upsample, an even kernel with PaddingMode.Same and groups, a rectangular dilated kernel
/// without bias, Add of two layers, Dropout, ConvTranspose2D with padding and output padding.
/// </summary>
[Network(InputChannels = 3, InputHeight = 16, InputWidth = 16)]
public partial class TwinCoverage
{
    [Conv2D(8, Padding = 1, Activation = Activation.LeakyReLU, Name = "features.0")] public partial Layer C1 { get; }   // 8×16×16
    [BatchNorm2D(Name = "features.1")]                                               public partial Layer B1 { get; }
    [MaxPool2D(2)]                                                                   public partial Layer P1 { get; }   // 8×8×8
    [Conv2D(8, Padding = 1, Activation = Activation.Tanh)]                           public partial Layer C2 { get; }
    [MaxUnpool2D(nameof(P1))]                                                        public partial Layer U1 { get; }   // 8×16×16
    [AvgPool2D(3, Stride = 1, Padding = 1)]                                          public partial Layer A1 { get; }
    [LeakyReLU(Slope = 0.2f)]                                                        public partial Layer Lr { get; }
    [Crop(Top = 1, Left = 2, Height = 12, Width = 12)]                               public partial Layer Cr { get; }   // 8×12×12
    [Upsample(2)]                                                                    public partial Layer Up { get; }   // 8×24×24
    [Conv2D(8, Kernel = 4, PaddingMode = PaddingMode.Same, Groups = 2)]              public partial Layer Same { get; } // 8×24×24
    [Conv2D(8, KernelH = 3, KernelW = 1, PaddingH = 2, PaddingW = 0, Dilation = 2, Bias = false, From = nameof(Up))] public partial Layer Rect { get; }
    [Add(nameof(Same), nameof(Rect))]                                                public partial Layer Sum { get; }
    [Dropout(0.5f)]                                                                  public partial Layer D { get; }
    [ConvTranspose2D(4, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1)]     public partial Layer T { get; }    // 4×48×48
}

/// <summary>The squashing kinds: fused Sigmoid, Softmax over channels, bilinear Upsample, GlobalAvgPool, Flatten, Dense with Tanh, a plain Dense.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 6)]
public partial class TwinHead
{
    [Conv2D(6, Padding = 1, Activation = Activation.Sigmoid)] public partial Layer C { get; }
    [Softmax]                                                 public partial Layer Sm { get; }
    [Upsample(2, Mode = UpsampleMode.Bilinear)]               public partial Layer Up { get; }
    [Conv2D(6, Activation = Activation.ReLU)]                 public partial Layer C2 { get; }
    [GlobalAvgPool]                                           public partial Layer G { get; }
    [Flatten]                                                 public partial Layer F { get; }
    [Dense(6, Activation = Activation.Tanh)]                  public partial Layer Fc { get; }
    [Dense(5)]                                                public partial Layer Out { get; }
}

/// <summary>ReLU6 fused into a convolution and a dense layer; Hardswish, SiLU and ReLU6 as layers.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class TwinActs
{
    [Conv2D(6, Padding = 1, Activation = Activation.ReLU6)]   public partial Layer C { get; }
    [Hardswish]                                               public partial Layer Hs { get; }
    [Conv2D(4, Padding = 1)]                                  public partial Layer C2 { get; }
    [SiLU]                                                    public partial Layer Si { get; }
    [ReLU6]                                                   public partial Layer R6 { get; }
    [Flatten]                                                 public partial Layer F { get; }
    [Dense(5, Activation = Activation.ReLU6)]                 public partial Layer Fc { get; }
}

/// <summary>A convolution and a Hardswish layer: the ONNX HardSwish round trip of ImportTests.</summary>
[Network(InputChannels = 2, InputHeight = 5, InputWidth = 5)]
public partial class HardswishNet
{
    [Conv2D(3, Padding = 1)] public partial Layer Conv { get; }
    [Hardswish]              public partial Layer Act { get; }
}
