namespace StaticCnn;

/// <summary>
/// Scales every sample (every position of a sequence or image) to unit L2 norm over the channel axis: y = x / max(‖x‖₂, ε).
/// Any rank; the output has the input's shape. PyTorch: <c>F.normalize(x, p=2, dim=1, eps=1e-12)</c>.
/// </summary>
public sealed class L2NormalizeAttribute : LayerAttribute
{
    /// <summary>Lower bound of the norm. Default 1e-12.</summary>
    public float Epsilon { get; set; } = 1e-12f;
}

/// <summary>
/// The Euclidean distance between two embeddings of equal shape, one value per sample: ‖a − b + ε‖₂ (output (1)).
/// Name the two layers (or inputs) with <c>nameof</c>. PyTorch: <c>F.pairwise_distance(a, b, p=2, eps=1e-6)</c>.
/// </summary>
public sealed class PairwiseDistanceAttribute : LayerAttribute
{
    /// <summary>The distance between the outputs of <paramref name="inputs"/> (exactly two; use <c>nameof</c>).</summary>
    public PairwiseDistanceAttribute(params string[] inputs) => Inputs = inputs;
    /// <summary>The two layers compared.</summary>
    public string[] Inputs { get; }
    /// <summary>Added to every difference. Default 1e-6.</summary>
    public float Epsilon { get; set; } = 1e-6f;
}

/// <summary>
/// The cosine similarity of two embeddings of equal shape, one value per sample: a·b / (max(‖a‖, ε)·max(‖b‖, ε))
/// (output (1)). PyTorch: <c>F.cosine_similarity(a, b, dim=1, eps=1e-8)</c>.
/// </summary>
public sealed class CosineSimilarityAttribute : LayerAttribute
{
    /// <summary>The similarity of the outputs of <paramref name="inputs"/> (exactly two; use <c>nameof</c>).</summary>
    public CosineSimilarityAttribute(params string[] inputs) => Inputs = inputs;
    /// <summary>The two layers compared.</summary>
    public string[] Inputs { get; }
    /// <summary>Lower bound of each norm. Default 1e-8.</summary>
    public float Epsilon { get; set; } = 1e-8f;
}
