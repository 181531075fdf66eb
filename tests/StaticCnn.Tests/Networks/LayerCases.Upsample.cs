// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/upsample_bilinear_2.safetensors: <c>[Upsample(2, Mode = UpsampleMode.Bilinear)]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_upsample_bilinear_2
{
    [Upsample(2, Mode = UpsampleMode.Bilinear, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/upsample_bilinear_3.safetensors: <c>[Upsample(3, Mode = UpsampleMode.Bilinear)]</c>, input 2×2×3×4.</summary>
[Network(InputChannels = 2, InputHeight = 3, InputWidth = 4)]
public partial class Case_upsample_bilinear_3
{
    [Upsample(3, Mode = UpsampleMode.Bilinear, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/upsample_nearest_2.safetensors: <c>[Upsample(2)]</c>, input 2×3×4×5.</summary>
[Network(InputChannels = 3, InputHeight = 4, InputWidth = 5)]
public partial class Case_upsample_nearest_2
{
    [Upsample(2, Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/upsample_nearest_3.safetensors: <c>[Upsample(3)]</c>, input 2×2×3×3.</summary>
[Network(InputChannels = 2, InputHeight = 3, InputWidth = 3)]
public partial class Case_upsample_nearest_3
{
    [Upsample(3, Name = "layer")] public partial Layer Layer { get; }
}
