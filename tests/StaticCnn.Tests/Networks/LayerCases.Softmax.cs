// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/softmax.safetensors: <c>[Softmax()]</c>, input 2×5×3×3.</summary>
[Network(InputChannels = 5, InputHeight = 3, InputWidth = 3)]
public partial class Case_softmax
{
    [Softmax(Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/softmax_flat.safetensors: <c>[Softmax()]</c>, input 3×10×1×1.</summary>
[Network(InputChannels = 10, InputHeight = 1, InputWidth = 1)]
public partial class Case_softmax_flat
{
    [Softmax(Name = "layer")] public partial Layer Layer { get; }
}
