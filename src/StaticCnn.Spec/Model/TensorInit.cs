namespace StaticCnn;

/// <summary>
/// How a tensor is initialised, as PyTorch's <c>reset_parameters</c> of its module does. The layer kind that owns the
/// tensor chooses it (in its generator file); <see cref="TensorInfo.Init"/> carries it to
/// <see cref="Initializers.ResetParameters"/>.
/// </summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.TensorInit beside the runtime's
#else
public
#endif
enum TensorInit
{
    /// <summary>Left as it is (zero after construction).</summary>
    None = 0,
    /// <summary>U(−1/√fan_in, 1/√fan_in) with the tensor's own fan_in: a convolution or linear weight (kaiming_uniform with a = √5).</summary>
    UniformFanIn = 1,
    /// <summary>U(−1/√fan_in, 1/√fan_in) with the fan_in of the layer's <c>weight</c>: a convolution or linear bias.</summary>
    UniformWeightFanIn = 2,
    /// <summary>All zeros (BatchNorm bias and running_mean).</summary>
    Zeros = 3,
    /// <summary>All ones (BatchNorm weight and running_var).</summary>
    Ones = 4,
}
