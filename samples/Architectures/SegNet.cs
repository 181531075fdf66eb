using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// SegNet (Badrinarayanan, Kendall, Cipolla, "SegNet: A Deep Convolutional Encoder-Decoder Architecture for Image
/// Segmentation", TPAMI 2017) for CamVid-sized 3×360×480 images and 12 classes (11 + void): 29,449,932 parameters.
/// </summary>
/// <remarks>
/// No torchvision model exists. The encoder is VGG-16 with batch norm, named exactly as
/// <c>torchvision.models.vgg16_bn().features</c> (<c>features.0.weight</c> … <c>features.41.running_var</c>) so ImageNet
/// weights load into it, as the paper initialises it. Each 2×2 max pool keeps its argmax; the decoder mirrors the
/// encoder, and each stage starts with a MaxUnpool2D that scatters into its pool's input shape (PyTorch:
/// <c>F.max_unpool2d(x, indices, 2, 2, output_size=…)</c>; 22×30 unpools back to 45×60, not 44×60). Decoder convolutions
/// are <c>decoder.0</c>, <c>decoder.3</c>, … (conv-BN-ReLU triples), and a 3×3 <c>classifier</c> gives per-pixel logits
/// (the paper's soft-max classifier is the loss, not a layer here).
/// PyTorch twin and reference count: tools/architecture_params.py (SegNet).
/// </remarks>
[Network(InputChannels = 3, InputHeight = 360, InputWidth = 480)]
public partial class SegNet
{
    // encoder stage 1 (vgg16_bn features.0…): 360×480
    [Conv2D(64, Padding = 1, Name = "features.0")]   public partial Layer Enc1_1Conv { get; }
    [BatchNorm2D(Name = "features.1")]               public partial Layer Enc1_1Bn { get; }
    [ReLU]                                           public partial Layer Enc1_1Relu { get; }
    [Conv2D(64, Padding = 1, Name = "features.3")]   public partial Layer Enc1_2Conv { get; }
    [BatchNorm2D(Name = "features.4")]               public partial Layer Enc1_2Bn { get; }
    [ReLU]                                           public partial Layer Enc1_2Relu { get; }
    [MaxPool2D(2)]                                   public partial Layer Pool1 { get; }  // → 180×240, keeps the argmax
    // encoder stage 2 (vgg16_bn features.7…): 180×240
    [Conv2D(128, Padding = 1, Name = "features.7")]  public partial Layer Enc2_1Conv { get; }
    [BatchNorm2D(Name = "features.8")]               public partial Layer Enc2_1Bn { get; }
    [ReLU]                                           public partial Layer Enc2_1Relu { get; }
    [Conv2D(128, Padding = 1, Name = "features.10")] public partial Layer Enc2_2Conv { get; }
    [BatchNorm2D(Name = "features.11")]              public partial Layer Enc2_2Bn { get; }
    [ReLU]                                           public partial Layer Enc2_2Relu { get; }
    [MaxPool2D(2)]                                   public partial Layer Pool2 { get; }  // → 90×120, keeps the argmax
    // encoder stage 3 (vgg16_bn features.14…): 90×120
    [Conv2D(256, Padding = 1, Name = "features.14")] public partial Layer Enc3_1Conv { get; }
    [BatchNorm2D(Name = "features.15")]              public partial Layer Enc3_1Bn { get; }
    [ReLU]                                           public partial Layer Enc3_1Relu { get; }
    [Conv2D(256, Padding = 1, Name = "features.17")] public partial Layer Enc3_2Conv { get; }
    [BatchNorm2D(Name = "features.18")]              public partial Layer Enc3_2Bn { get; }
    [ReLU]                                           public partial Layer Enc3_2Relu { get; }
    [Conv2D(256, Padding = 1, Name = "features.20")] public partial Layer Enc3_3Conv { get; }
    [BatchNorm2D(Name = "features.21")]              public partial Layer Enc3_3Bn { get; }
    [ReLU]                                           public partial Layer Enc3_3Relu { get; }
    [MaxPool2D(2)]                                   public partial Layer Pool3 { get; }  // → 45×60, keeps the argmax
    // encoder stage 4 (vgg16_bn features.24…): 45×60
    [Conv2D(512, Padding = 1, Name = "features.24")] public partial Layer Enc4_1Conv { get; }
    [BatchNorm2D(Name = "features.25")]              public partial Layer Enc4_1Bn { get; }
    [ReLU]                                           public partial Layer Enc4_1Relu { get; }
    [Conv2D(512, Padding = 1, Name = "features.27")] public partial Layer Enc4_2Conv { get; }
    [BatchNorm2D(Name = "features.28")]              public partial Layer Enc4_2Bn { get; }
    [ReLU]                                           public partial Layer Enc4_2Relu { get; }
    [Conv2D(512, Padding = 1, Name = "features.30")] public partial Layer Enc4_3Conv { get; }
    [BatchNorm2D(Name = "features.31")]              public partial Layer Enc4_3Bn { get; }
    [ReLU]                                           public partial Layer Enc4_3Relu { get; }
    [MaxPool2D(2)]                                   public partial Layer Pool4 { get; }  // → 22×30, keeps the argmax
    // encoder stage 5 (vgg16_bn features.34…): 22×30
    [Conv2D(512, Padding = 1, Name = "features.34")] public partial Layer Enc5_1Conv { get; }
    [BatchNorm2D(Name = "features.35")]              public partial Layer Enc5_1Bn { get; }
    [ReLU]                                           public partial Layer Enc5_1Relu { get; }
    [Conv2D(512, Padding = 1, Name = "features.37")] public partial Layer Enc5_2Conv { get; }
    [BatchNorm2D(Name = "features.38")]              public partial Layer Enc5_2Bn { get; }
    [ReLU]                                           public partial Layer Enc5_2Relu { get; }
    [Conv2D(512, Padding = 1, Name = "features.40")] public partial Layer Enc5_3Conv { get; }
    [BatchNorm2D(Name = "features.41")]              public partial Layer Enc5_3Bn { get; }
    [ReLU]                                           public partial Layer Enc5_3Relu { get; }
    [MaxPool2D(2)]                                   public partial Layer Pool5 { get; }  // → 11×15, keeps the argmax
    // decoder stage 5: unpool with Pool5's indices → 22×30
    [MaxUnpool2D(nameof(Pool5))]                     public partial Layer Unpool5 { get; }
    [Conv2D(512, Padding = 1, Name = "decoder.0")]   public partial Layer Dec5_1Conv { get; }
    [BatchNorm2D(Name = "decoder.1")]                public partial Layer Dec5_1Bn { get; }
    [ReLU]                                           public partial Layer Dec5_1Relu { get; }
    [Conv2D(512, Padding = 1, Name = "decoder.3")]   public partial Layer Dec5_2Conv { get; }
    [BatchNorm2D(Name = "decoder.4")]                public partial Layer Dec5_2Bn { get; }
    [ReLU]                                           public partial Layer Dec5_2Relu { get; }
    [Conv2D(512, Padding = 1, Name = "decoder.6")]   public partial Layer Dec5_3Conv { get; }
    [BatchNorm2D(Name = "decoder.7")]                public partial Layer Dec5_3Bn { get; }
    [ReLU]                                           public partial Layer Dec5_3Relu { get; }
    // decoder stage 4: unpool with Pool4's indices → 45×60
    [MaxUnpool2D(nameof(Pool4))]                     public partial Layer Unpool4 { get; }
    [Conv2D(512, Padding = 1, Name = "decoder.9")]   public partial Layer Dec4_1Conv { get; }
    [BatchNorm2D(Name = "decoder.10")]               public partial Layer Dec4_1Bn { get; }
    [ReLU]                                           public partial Layer Dec4_1Relu { get; }
    [Conv2D(512, Padding = 1, Name = "decoder.12")]  public partial Layer Dec4_2Conv { get; }
    [BatchNorm2D(Name = "decoder.13")]               public partial Layer Dec4_2Bn { get; }
    [ReLU]                                           public partial Layer Dec4_2Relu { get; }
    [Conv2D(256, Padding = 1, Name = "decoder.15")]  public partial Layer Dec4_3Conv { get; }
    [BatchNorm2D(Name = "decoder.16")]               public partial Layer Dec4_3Bn { get; }
    [ReLU]                                           public partial Layer Dec4_3Relu { get; }
    // decoder stage 3: unpool with Pool3's indices → 90×120
    [MaxUnpool2D(nameof(Pool3))]                     public partial Layer Unpool3 { get; }
    [Conv2D(256, Padding = 1, Name = "decoder.18")]  public partial Layer Dec3_1Conv { get; }
    [BatchNorm2D(Name = "decoder.19")]               public partial Layer Dec3_1Bn { get; }
    [ReLU]                                           public partial Layer Dec3_1Relu { get; }
    [Conv2D(256, Padding = 1, Name = "decoder.21")]  public partial Layer Dec3_2Conv { get; }
    [BatchNorm2D(Name = "decoder.22")]               public partial Layer Dec3_2Bn { get; }
    [ReLU]                                           public partial Layer Dec3_2Relu { get; }
    [Conv2D(128, Padding = 1, Name = "decoder.24")]  public partial Layer Dec3_3Conv { get; }
    [BatchNorm2D(Name = "decoder.25")]               public partial Layer Dec3_3Bn { get; }
    [ReLU]                                           public partial Layer Dec3_3Relu { get; }
    // decoder stage 2: unpool with Pool2's indices → 180×240
    [MaxUnpool2D(nameof(Pool2))]                     public partial Layer Unpool2 { get; }
    [Conv2D(128, Padding = 1, Name = "decoder.27")]  public partial Layer Dec2_1Conv { get; }
    [BatchNorm2D(Name = "decoder.28")]               public partial Layer Dec2_1Bn { get; }
    [ReLU]                                           public partial Layer Dec2_1Relu { get; }
    [Conv2D(64, Padding = 1, Name = "decoder.30")]   public partial Layer Dec2_2Conv { get; }
    [BatchNorm2D(Name = "decoder.31")]               public partial Layer Dec2_2Bn { get; }
    [ReLU]                                           public partial Layer Dec2_2Relu { get; }
    // decoder stage 1: unpool with Pool1's indices → 360×480
    [MaxUnpool2D(nameof(Pool1))]                     public partial Layer Unpool1 { get; }
    [Conv2D(64, Padding = 1, Name = "decoder.33")]   public partial Layer Dec1_1Conv { get; }
    [BatchNorm2D(Name = "decoder.34")]               public partial Layer Dec1_1Bn { get; }
    [ReLU]                                           public partial Layer Dec1_1Relu { get; }
    [Conv2D(12, Padding = 1, Name = "classifier")]   public partial Layer Classifier { get; }  // 12×360×480 per-pixel class logits
}
