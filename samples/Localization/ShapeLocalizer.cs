using StaticCnn;

namespace StaticCnn.Samples.Localization;

/// <summary>
/// Classification + localization of one object in a 1×32×32 image: a three-stage convolutional trunk, a shared fully
/// connected layer, and two outputs: <see cref="Logits"/> (4 class logits) and <see cref="Box"/> (the box as normalised
/// corners x1, y1, x2, y2). Trained with cross-entropy on Logits plus 2 × smooth L1 on Box (Program.cs).
/// </summary>
/// <remarks>
/// PyTorch:
/// <code>
/// trunk = nn.Sequential(nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
///                       nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
///                       nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
///                       nn.Flatten(), nn.Linear(32 * 4 * 4, 128), nn.ReLU())
/// h = trunk(x); logits, box = nn.Linear(128, 4)(h), nn.Linear(128, 4)(h)
/// </code>
/// </remarks>
[Network]
public partial class ShapeLocalizer
{
    [Input(1, 32, 32)] public partial NetworkInput Image { get; }
    [Conv2D(16, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }   // 16×32×32
    [MaxPool2D(2)]                                                      public partial Layer Pool1 { get; }   // 16×16×16
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv2 { get; }   // 32×16×16
    [MaxPool2D(2)]                                                      public partial Layer Pool2 { get; }   // 32×8×8
    [Conv2D(32, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv3 { get; }   // 32×8×8
    [MaxPool2D(2)]                                                      public partial Layer Pool3 { get; }   // 32×4×4
    [Dense(128, Activation = Activation.ReLU)]                          public partial Layer Trunk { get; }   // 512 → 128, shared
    [Dense(ShapeData.Classes, Output = true)]                           public partial Layer Logits { get; }  // 4 class logits
    [Dense(4, From = nameof(Trunk), Output = true)]                     public partial Layer Box { get; }     // x1, y1, x2, y2 in [0, 1]
}
