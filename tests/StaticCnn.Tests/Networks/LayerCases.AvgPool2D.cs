// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/avgpool_2.safetensors: <c>[AvgPool2D(2)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_avgpool_2
{
    [AvgPool2D(2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/avgpool_3_s1_p1.safetensors: <c>[AvgPool2D(3, Stride = 1, Padding = 1)]</c>, input 2×2×5×5.</summary>
[Network(InputChannels = 2, InputHeight = 5, InputWidth = 5)]
public partial class Case_avgpool_3_s1_p1
{
    [AvgPool2D(3, Stride = 1, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/avgpool_3_s2_p1.safetensors: <c>[AvgPool2D(3, Stride = 2, Padding = 1)]</c>, input 2×3×8×8.</summary>
[Network(InputChannels = 3, InputHeight = 8, InputWidth = 8)]
public partial class Case_avgpool_3_s2_p1
{
    [AvgPool2D(3, Stride = 2, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}
