using StaticCnn;

namespace StaticCnn.Tests.Samples;

/// <summary>
/// Per-pixel class logits from a 1×1 convolution: each output pixel depends on its own input pixel only, so changing
/// the input at a pixel changes the prediction at that pixel and nowhere else. PyTorch: <c>nn.Conv2d(1, 4, 1)</c>.
/// </summary>
[Network(InputChannels = 1, InputHeight = 6, InputWidth = 6)]
public partial class PixelLogitsNetwork
{
    [Conv2D(4, Kernel = 1)] public partial Layer Logits { get; }
}
