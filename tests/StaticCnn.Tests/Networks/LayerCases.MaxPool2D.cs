// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/maxpool_2.safetensors: <c>[MaxPool2D(2)]</c>, input 2×3×6×6.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_maxpool_2
{
    [MaxPool2D(2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/maxpool_2_odd.safetensors: <c>[MaxPool2D(2)]</c>, input 2×3×7×7.</summary>
[Network(InputChannels = 3, InputHeight = 7, InputWidth = 7)]
public partial class Case_maxpool_2_odd
{
    [MaxPool2D(2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/maxpool_3_s1_p1.safetensors: <c>[MaxPool2D(3, Stride = 1, Padding = 1)]</c>, input 2×2×5×5.</summary>
[Network(InputChannels = 2, InputHeight = 5, InputWidth = 5)]
public partial class Case_maxpool_3_s1_p1
{
    [MaxPool2D(3, Stride = 1, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/maxpool_3_s2.safetensors: <c>[MaxPool2D(3, Stride = 2)]</c>, input 2×3×9×9.</summary>
[Network(InputChannels = 3, InputHeight = 9, InputWidth = 9)]
public partial class Case_maxpool_3_s2
{
    [MaxPool2D(3, Stride = 2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/maxpool_3_s2_p1.safetensors: <c>[MaxPool2D(3, Stride = 2, Padding = 1)]</c>, input 2×3×8×8.</summary>
[Network(InputChannels = 3, InputHeight = 8, InputWidth = 8)]
public partial class Case_maxpool_3_s2_p1
{
    [MaxPool2D(3, Stride = 2, Padding = 1, Name = "layer")] public partial Layer Layer { get; }
}
