// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/dense_bias.safetensors: <c>[Dense(7)]</c>, input 3×20.</summary>
[Network(InputChannels = 20, InputHeight = 1, InputWidth = 1)]
public partial class Case_dense_bias
{
    [Dense(7, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/dense_flatten.safetensors: <c>[Dense(10)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_dense_flatten
{
    [Dense(10, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/dense_nobias.safetensors: <c>[Dense(7, Bias = false)]</c>, input 3×20.</summary>
[Network(InputChannels = 20, InputHeight = 1, InputWidth = 1)]
public partial class Case_dense_nobias
{
    [Dense(7, Bias = false, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/dense_relu.safetensors: <c>[Dense(17, Activation = Activation.ReLU)]</c>, input 3×33.</summary>
[Network(InputChannels = 33, InputHeight = 1, InputWidth = 1)]
public partial class Case_dense_relu
{
    [Dense(17, Activation = Activation.ReLU, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/dense_relu6.safetensors: <c>[Dense(5, Activation = Activation.ReLU6)]</c>, input 2×16.</summary>
[Network(InputChannels = 16, InputHeight = 1, InputWidth = 1)]
public partial class Case_dense_relu6
{
    [Dense(5, Activation = Activation.ReLU6, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/dense_tanh.safetensors: <c>[Dense(5, Activation = Activation.Tanh)]</c>, input 2×16.</summary>
[Network(InputChannels = 16, InputHeight = 1, InputWidth = 1)]
public partial class Case_dense_tanh
{
    [Dense(5, Activation = Activation.Tanh, Name = "layer")] public partial Layer Layer { get; }
}
