// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/globalavgpool.safetensors: <c>[GlobalAvgPool]</c>, input 2×4×5×6.</summary>
[Network(InputChannels = 4, InputHeight = 5, InputWidth = 6)]
public partial class Case_globalavgpool
{
    [GlobalAvgPool(Name = "layer")] public partial Layer Layer { get; }
}
