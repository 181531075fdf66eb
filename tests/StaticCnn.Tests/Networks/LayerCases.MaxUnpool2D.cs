// Written by tests/StaticCnn.Tests/Networks/make_layer_cases.py from the metadata of the fixtures made by
// tools/make_fixtures.py. Do not edit; re-run the script.
#pragma warning disable SCNN0300 // the fixtures include strides that leave trailing pixels, as PyTorch allows
using StaticCnn;

namespace StaticCnn.Tests.Networks.LayerCases;

/// <summary>tests/Fixtures/layers/maxunpool_2.safetensors: <c>[MaxPool2D(2)] Pool; [MaxUnpool2D(nameof(Pool))]</c>, input 2×3×3×3.</summary>
[Network(InputChannels = 3, InputHeight = 6, InputWidth = 6)]
public partial class Case_maxunpool_2
{
    [MaxPool2D(2, Name = "pool")] public partial Layer Pool { get; }
    [MaxUnpool2D(nameof(Pool), Name = "layer")] public partial Layer Layer { get; }
}

/// <summary>tests/Fixtures/layers/maxunpool_3_s2.safetensors: <c>[MaxPool2D(3, Stride = 2)] Pool; [MaxUnpool2D(nameof(Pool))]</c>, input 2×2×3×3.</summary>
[Network(InputChannels = 2, InputHeight = 7, InputWidth = 7)]
public partial class Case_maxunpool_3_s2
{
    [MaxPool2D(3, Stride = 2, Name = "pool")] public partial Layer Pool { get; }
    [MaxUnpool2D(nameof(Pool), Name = "layer")] public partial Layer Layer { get; }
}
