// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/batchnorm_eval.safetensors: <c>[BatchNorm2D()]</c>, input 3×4×5×5.</summary>
[Network(InputChannels = 4, InputHeight = 5, InputWidth = 5)]
public partial class Case_batchnorm_eval
{
    [BatchNorm2D(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/batchnorm_train.safetensors: <c>[BatchNorm2D()]</c>, input 3×4×5×5.</summary>
[Network(InputChannels = 4, InputHeight = 5, InputWidth = 5)]
public partial class Case_batchnorm_train
{
    [BatchNorm2D(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/batchnorm_train_eps_momentum.safetensors: <c>[BatchNorm2D(Epsilon = 0.001f, Momentum = 0.3f)]</c>, input 2×3×4×4.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 4)]
public partial class Case_batchnorm_train_eps_momentum
{
    [BatchNorm2D(Epsilon = 0.001f, Momentum = 0.3f, Name = "layer")] public partial Layer Layer { get; }
}
