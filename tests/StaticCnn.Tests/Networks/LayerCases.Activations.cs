// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/hardswish.safetensors: <c>[Hardswish()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_hardswish
{
    [Hardswish(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/leakyrelu.safetensors: <c>[LeakyReLU()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_leakyrelu
{
    [LeakyReLU(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/leakyrelu_0p2.safetensors: <c>[LeakyReLU(Slope = 0.2f)]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_leakyrelu_0p2
{
    [LeakyReLU(Slope = 0.2f, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/relu.safetensors: <c>[ReLU()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_relu
{
    [ReLU(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/relu6.safetensors: <c>[ReLU6()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_relu6
{
    [ReLU6(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/sigmoid.safetensors: <c>[Sigmoid()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_sigmoid
{
    [Sigmoid(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/silu.safetensors: <c>[SiLU()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_silu
{
    [SiLU(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/tanh.safetensors: <c>[Tanh()]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_tanh
{
    [Tanh(Name = "layer")] public partial Layer Layer { get; }
}
