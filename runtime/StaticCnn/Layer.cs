namespace StaticCnn;

/// <summary>
/// A handle to one layer of a network instance: its parameters, their gradients and its last activation.
/// Generated networks implement each declared <c>public partial Layer X { get; }</c> by returning one of these.
/// </summary>
public readonly struct Layer
{
    private readonly INetwork _network;
    private readonly int _index;

    /// <summary>Wraps layer <paramref name="index"/> of <paramref name="network"/>.</summary>
    public Layer(INetwork network, int index)
    {
        _network = network;
        _index = index;
    }

    /// <summary>Static facts: name, kind, output shape, parameter count.</summary>
    public LayerInfo Info => _network.Layers[_index];
    /// <summary>The layer's name.</summary>
    public string Name => Info.Name;
    /// <summary>Per-sample output shape.</summary>
    public TensorShape OutputShape => Info.OutputShape;
    /// <summary>The layer's <c>weight</c> tensor (empty if it has none).</summary>
    public Span<float> Weight => Slice("weight", gradient: false);
    /// <summary>The layer's <c>bias</c> tensor (empty if it has none).</summary>
    public Span<float> Bias => Slice("bias", gradient: false);
    /// <summary>The gradient of <see cref="Weight"/>.</summary>
    public Span<float> WeightGradient => Slice("weight", gradient: true);
    /// <summary>The gradient of <see cref="Bias"/>.</summary>
    public Span<float> BiasGradient => Slice("bias", gradient: true);
    /// <summary>The layer's output from the last forward pass, NCHW, batch × <see cref="OutputShape"/>.</summary>
    public ReadOnlySpan<float> Activation => _network.GetActivation(_index);

    /// <summary>Any tensor of this layer by its PyTorch suffix (<c>weight</c>, <c>running_mean</c> …).</summary>
    public Span<float> Tensor(string suffix, bool gradient = false) => Slice(suffix, gradient);

    private Span<float> Slice(string suffix, bool gradient)
    {
        LayerInfo info = Info;
        for (int t = info.FirstTensor; t >= 0 && t < info.FirstTensor + info.TensorCount; t++)
        {
            TensorInfo ti = _network.Tensors[t];
            if (!ti.Name.EndsWith("." + suffix, StringComparison.Ordinal)) continue;
            if (ti.Role == TensorRole.Buffer)
                return gradient ? Span<float>.Empty : _network.Buffers.Slice(ti.Offset, ti.Length);
            return (gradient ? _network.Gradients : _network.Parameters).Slice(ti.Offset, ti.Length);
        }
        return Span<float>.Empty;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Info.Kind}) -> {OutputShape}";
}
