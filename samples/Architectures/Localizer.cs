using StaticCnn;

namespace StaticCnn.Samples.Architectures;

/// <summary>
/// Classification + localization (the lecture's single-object detection; cf. Sermanet et al., "OverFeat", ICLR 2014):
/// a small VGG-style backbone on 3×128×128 images, a shared fully connected layer, and two outputs:
/// <see cref="ClassLogits"/> (20 class logits, PASCAL VOC) and <see cref="Box"/> (4 box coordinates, e.g. normalised
/// corners x1, y1, x2, y2). 8,790,328 parameters.
/// </summary>
/// <remarks>
/// No torchvision model exists; the PyTorch twin is tools/architecture_params.py (Localizer), whose <c>state_dict</c>
/// keys these names follow (<c>backbone.0.weight</c>, <c>backbone.1.running_mean</c>, <c>fc</c>, <c>cls_head</c>,
/// <c>box_head</c>) and whose <c>forward</c> returns <c>(cls_head(h), box_head(h))</c>. Train it with
/// <c>Trainer.Fit(net, data, options)</c> on a <c>TensorDataset</c> (input <c>Input</c>, an int class label and 4 box
/// floats per image) and one loss term per output, e.g.
/// <c>Losses = [new LossTerm("ClassLogits", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2)]</c>
/// (PyTorch: <c>F.cross_entropy(cls, y) + 2 * F.smooth_l1_loss(box, b)</c>); docs/MODEL_ZOO.md and samples/Localization.
/// </remarks>
[Network(InputChannels = 3, InputHeight = 128, InputWidth = 128)]
public partial class Localizer
{
    [Conv2D(32, Padding = 1, Bias = false, Name = "backbone.0")]   public partial Layer Conv1 { get; }
    [BatchNorm2D(Name = "backbone.1")]                             public partial Layer Bn1 { get; }
    [ReLU]                                                         public partial Layer Relu1 { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool1 { get; }     // 32×64×64
    [Conv2D(64, Padding = 1, Bias = false, Name = "backbone.4")]   public partial Layer Conv2 { get; }
    [BatchNorm2D(Name = "backbone.5")]                             public partial Layer Bn2 { get; }
    [ReLU]                                                         public partial Layer Relu2 { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool2 { get; }     // 64×32×32
    [Conv2D(128, Padding = 1, Bias = false, Name = "backbone.8")]  public partial Layer Conv3 { get; }
    [BatchNorm2D(Name = "backbone.9")]                             public partial Layer Bn3 { get; }
    [ReLU]                                                         public partial Layer Relu3 { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool3 { get; }     // 128×16×16
    [Conv2D(256, Padding = 1, Bias = false, Name = "backbone.12")] public partial Layer Conv4 { get; }
    [BatchNorm2D(Name = "backbone.13")]                            public partial Layer Bn4 { get; }
    [ReLU]                                                         public partial Layer Relu4 { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool4 { get; }     // 256×8×8
    [Dense(512, Activation = Activation.ReLU, Name = "fc")]        public partial Layer Fc { get; }        // 16384 → 512, shared
    [Dense(20, From = nameof(Fc), Name = "cls_head", Output = true)] public partial Layer ClassLogits { get; } // 20×1×1
    [Dense(4, From = nameof(Fc), Name = "box_head", Output = true)] public partial Layer Box { get; }       // 4×1×1
}
