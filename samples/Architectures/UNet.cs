using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// U-Net (Ronneberger, Fischer, Brox, "U-Net: Convolutional Networks for Biomedical Image Segmentation", MICCAI 2015),
/// exactly as the paper's figure 1: unpadded 3×3 convolutions, 1×572×572 in, 2×388×388 per-pixel class logits out,
/// 31,030,658 parameters.
/// </summary>
/// <remarks>
/// No torchvision model exists; the PyTorch twin is tools/architecture_params.py (UNet), whose <c>state_dict</c> keys
/// these names follow: <c>enc1.0</c>, <c>enc1.2</c> (the two 3×3 convolutions of a level, ReLU fused), …, <c>enc5</c>
/// (the 1024-channel bottom), <c>up4</c> … <c>up1</c> (<c>nn.ConvTranspose2d(c, c/2, 2, stride=2)</c>, the "up-conv 2×2"),
/// <c>dec4.0</c> … <c>dec1.2</c>, and <c>out</c> (the final 1×1 convolution to the classes).
/// The skip connections are CenterCrop(Like = the up-conv) of the encoder output, concatenated before the up-conv's
/// output (<c>torch.cat([crop(skip), up], 1)</c>). The paper's pixel-wise soft-max with a weight map is the loss, not a
/// layer. Some implementations quoted at "31,031,685 parameters" (e.g. a popular Keras U-Net) end with a 3×3 convolution
/// to 2 channels and a 1×1 convolution to 1 sigmoid output instead of the paper's 1×1 to 2 classes: 1,027 more.
/// </remarks>
[Network(InputChannels = 1, InputHeight = 572, InputWidth = 572)]
public partial class UNet
{
    // contracting path: two valid 3×3 convolutions (−4 pixels) and a 2×2 max pool per level
    [Conv2D(64, Activation = Activation.ReLU, Name = "enc1.0")]    public partial Layer Enc1a { get; }   // 64×570×570
    [Conv2D(64, Activation = Activation.ReLU, Name = "enc1.2")]    public partial Layer Enc1b { get; }   // 64×568×568
    [MaxPool2D(2)]                                                 public partial Layer Pool1 { get; }   // 64×284×284
    [Conv2D(128, Activation = Activation.ReLU, Name = "enc2.0")]   public partial Layer Enc2a { get; }
    [Conv2D(128, Activation = Activation.ReLU, Name = "enc2.2")]   public partial Layer Enc2b { get; }   // 128×280×280
    [MaxPool2D(2)]                                                 public partial Layer Pool2 { get; }   // 128×140×140
    [Conv2D(256, Activation = Activation.ReLU, Name = "enc3.0")]   public partial Layer Enc3a { get; }
    [Conv2D(256, Activation = Activation.ReLU, Name = "enc3.2")]   public partial Layer Enc3b { get; }   // 256×136×136
    [MaxPool2D(2)]                                                 public partial Layer Pool3 { get; }   // 256×68×68
    [Conv2D(512, Activation = Activation.ReLU, Name = "enc4.0")]   public partial Layer Enc4a { get; }
    [Conv2D(512, Activation = Activation.ReLU, Name = "enc4.2")]   public partial Layer Enc4b { get; }   // 512×64×64
    [MaxPool2D(2)]                                                 public partial Layer Pool4 { get; }   // 512×32×32
    [Conv2D(1024, Activation = Activation.ReLU, Name = "enc5.0")]  public partial Layer Enc5a { get; }
    [Conv2D(1024, Activation = Activation.ReLU, Name = "enc5.2")]  public partial Layer Enc5b { get; }   // 1024×28×28
    // expansive path: up-conv 2×2 halves the channels, crop the skip to its size, concatenate, two valid 3×3 convolutions
    [ConvTranspose2D(512, Kernel = 2, Stride = 2, Name = "up4")]   public partial Layer Up4 { get; }     // 512×56×56
    [CenterCrop(Like = nameof(Up4), From = nameof(Enc4b))]         public partial Layer Crop4 { get; }   // 512×56×56
    [Concat(nameof(Crop4), nameof(Up4))]                           public partial Layer Cat4 { get; }    // 1024×56×56
    [Conv2D(512, Activation = Activation.ReLU, Name = "dec4.0")]   public partial Layer Dec4a { get; }
    [Conv2D(512, Activation = Activation.ReLU, Name = "dec4.2")]   public partial Layer Dec4b { get; }   // 512×52×52
    [ConvTranspose2D(256, Kernel = 2, Stride = 2, Name = "up3")]   public partial Layer Up3 { get; }     // 256×104×104
    [CenterCrop(Like = nameof(Up3), From = nameof(Enc3b))]         public partial Layer Crop3 { get; }
    [Concat(nameof(Crop3), nameof(Up3))]                           public partial Layer Cat3 { get; }    // 512×104×104
    [Conv2D(256, Activation = Activation.ReLU, Name = "dec3.0")]   public partial Layer Dec3a { get; }
    [Conv2D(256, Activation = Activation.ReLU, Name = "dec3.2")]   public partial Layer Dec3b { get; }   // 256×100×100
    [ConvTranspose2D(128, Kernel = 2, Stride = 2, Name = "up2")]   public partial Layer Up2 { get; }     // 128×200×200
    [CenterCrop(Like = nameof(Up2), From = nameof(Enc2b))]         public partial Layer Crop2 { get; }
    [Concat(nameof(Crop2), nameof(Up2))]                           public partial Layer Cat2 { get; }    // 256×200×200
    [Conv2D(128, Activation = Activation.ReLU, Name = "dec2.0")]   public partial Layer Dec2a { get; }
    [Conv2D(128, Activation = Activation.ReLU, Name = "dec2.2")]   public partial Layer Dec2b { get; }   // 128×196×196
    [ConvTranspose2D(64, Kernel = 2, Stride = 2, Name = "up1")]    public partial Layer Up1 { get; }     // 64×392×392
    [CenterCrop(Like = nameof(Up1), From = nameof(Enc1b))]         public partial Layer Crop1 { get; }
    [Concat(nameof(Crop1), nameof(Up1))]                           public partial Layer Cat1 { get; }    // 128×392×392
    [Conv2D(64, Activation = Activation.ReLU, Name = "dec1.0")]    public partial Layer Dec1a { get; }
    [Conv2D(64, Activation = Activation.ReLU, Name = "dec1.2")]    public partial Layer Dec1b { get; }   // 64×388×388
    [Conv2D(2, Kernel = 1, Name = "out")]                          public partial Layer Out { get; }     // 2×388×388
}
