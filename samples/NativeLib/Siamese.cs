using StaticCnn;

namespace NativeLib;

/// <summary>
/// A Siamese pair of 12×12 grey images: one convolution and one embedding applied to both (shared weights), two
/// named inputs and two named outputs, with the weights of siamese.safetensors (tests/Fixtures/multi, made by
/// tools/make_multi_fixtures.py) baked in at build time. Its C API (siamese.h) takes every input and output.
/// PyTorch: embed = lambda x: embed_l(flatten(max_pool2d(relu(conv_l(x)), 2))); embed(left), embed(right), with
/// conv_l = Conv2d(1, 4, 3) and embed_l = Linear(100, 8).
/// </summary>
[Network(Weights = "siamese.safetensors")]
public partial class Siamese
{
    [Input(1, 12, 12)] public partial NetworkInput Left { get; }
    [Input(1, 12, 12)] public partial NetworkInput Right { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Left), Activation = Activation.ReLU)] public partial Layer ConvL { get; }
    [MaxPool2D(2)] public partial Layer PoolL { get; }
    [Dense(8, Output = true)] public partial Layer EmbedL { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Right), Activation = Activation.ReLU, Shares = nameof(ConvL))] public partial Layer ConvR { get; }
    [MaxPool2D(2)] public partial Layer PoolR { get; }
    [Dense(8, Output = true, Shares = nameof(EmbedL))] public partial Layer EmbedR { get; }
}
