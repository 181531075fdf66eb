// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/centercrop_8to4.safetensors: <c>[CenterCrop(Height = 4, Width = 4)]</c>, input 2×3×8×8.</summary>
[Network(InputChannels = 3, InputHeight = 8, InputWidth = 8)]
public partial class Case_centercrop_8to4
{
    [CenterCrop(Height = 4, Width = 4, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/centercrop_9x8to6x3.safetensors: <c>[CenterCrop(Height = 6, Width = 3)]</c>, input 2×2×9×8.</summary>
[Network(InputChannels = 2, InputHeight = 9, InputWidth = 8)]
public partial class Case_centercrop_9x8to6x3
{
    [CenterCrop(Height = 6, Width = 3, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/crop_offset.safetensors: <c>[Crop(Top = 2, Left = 1, Height = 4, Width = 3)]</c>, input 2×3×7×8.</summary>
[Network(InputChannels = 3, InputHeight = 7, InputWidth = 8)]
public partial class Case_crop_offset
{
    [Crop(Top = 2, Left = 1, Height = 4, Width = 3, Name = "layer")] public partial Layer Layer { get; }
}
