namespace StaticCnn;

/// <summary>
/// Every layer kind, as the attribute names it (<see cref="LayerInfo.Type"/>; <see cref="LayerInfo.Kind"/> is its name).
/// The generator uses this very enum (the source is linked into it), so the kinds cannot drift apart.
/// </summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.LayerType beside the runtime's
#else
public
#endif
enum LayerType
{
    /// <summary>A declared network input (<c>[Input]</c>); not a layer, never in <see cref="INetwork.Layers"/>.</summary>
    Input,
    /// <summary><c>[Conv2D]</c>.</summary>
    Conv2D,
    /// <summary><c>[Conv1D]</c>.</summary>
    Conv1D,
    /// <summary><c>[ConvTranspose2D]</c>.</summary>
    ConvTranspose2D,
    /// <summary><c>[Dense]</c>.</summary>
    Dense,
    /// <summary><c>[Flatten]</c>.</summary>
    Flatten,
    /// <summary><c>[MaxPool2D]</c>.</summary>
    MaxPool2D,
    /// <summary><c>[AvgPool2D]</c>.</summary>
    AvgPool2D,
    /// <summary><c>[GlobalAvgPool]</c>.</summary>
    GlobalAvgPool,
    /// <summary><c>[MaxPool1D]</c>.</summary>
    MaxPool1D,
    /// <summary><c>[AvgPool1D]</c>.</summary>
    AvgPool1D,
    /// <summary><c>[GlobalAvgPool1D]</c>.</summary>
    GlobalAvgPool1D,
    /// <summary><c>[MaxUnpool2D]</c>.</summary>
    MaxUnpool2D,
    /// <summary><c>[ReLU]</c>.</summary>
    ReLU,
    /// <summary><c>[LeakyReLU]</c>.</summary>
    LeakyReLU,
    /// <summary><c>[Sigmoid]</c>.</summary>
    Sigmoid,
    /// <summary><c>[Tanh]</c>.</summary>
    Tanh,
    /// <summary><c>[Softmax]</c>.</summary>
    Softmax,
    /// <summary><c>[BatchNorm2D]</c>.</summary>
    BatchNorm2D,
    /// <summary><c>[BatchNorm1D]</c>.</summary>
    BatchNorm1D,
    /// <summary><c>[Dropout]</c>.</summary>
    Dropout,
    /// <summary><c>[Add]</c>.</summary>
    Add,
    /// <summary><c>[Concat]</c>.</summary>
    Concat,
    /// <summary><c>[Upsample]</c>.</summary>
    Upsample,
    /// <summary><c>[CenterCrop]</c>.</summary>
    CenterCrop,
    /// <summary><c>[Crop]</c>.</summary>
    Crop,
    /// <summary><c>[L2Normalize]</c>.</summary>
    L2Normalize,
    /// <summary><c>[PairwiseDistance]</c>.</summary>
    PairwiseDistance,
    /// <summary><c>[CosineSimilarity]</c>.</summary>
    CosineSimilarity,
    /// <summary><c>[ReLU6]</c>.</summary>
    ReLU6,
    /// <summary><c>[Hardswish]</c>.</summary>
    Hardswish,
    /// <summary><c>[SiLU]</c>.</summary>
    SiLU,
}
