using StaticCnn;

namespace StaticCnn.Tests.Runtime;

/// <summary>A network with arbitrary tensors and no compute: for initializer and checkpoint tests.</summary>
internal sealed class TensorOnlyNetwork : INetwork
{
    private readonly AlignedBuffer<float> _params, _grads, _buffers;
    private readonly List<TensorInfo> _tensors = new();
    private readonly List<LayerInfo> _layers = new();

    /// <param name="layers">(layer name, kind, tensors as (suffix, role, shape)).</param>
    public TensorOnlyNetwork(params (string Name, string Kind, (string Suffix, TensorRole Role, int[] Shape)[] Tensors)[] layers)
    {
        int p = 0, b = 0;
        foreach (var (name, kind, tensors) in layers)
        {
            int first = tensors.Length == 0 ? -1 : _tensors.Count;
            long count = 0;
            foreach (var (suffix, role, shape) in tensors)
            {
                var ti = new TensorInfo($"{name}.{suffix}", role, role == TensorRole.Parameter ? p : b, shape, _layers.Count);
                if (role == TensorRole.Parameter) { p += ti.Length; count += ti.Length; } else b += ti.Length;
                _tensors.Add(ti);
            }
            _layers.Add(new LayerInfo(name, kind, new TensorShape(1, 1, 1), count, first, tensors.Length));
        }
        _params = new AlignedBuffer<float>(p);
        _grads = new AlignedBuffer<float>(p);
        _buffers = new AlignedBuffer<float>(b);
    }

    public string Name => "TensorOnly";
    public TensorShape InputShape => new(1, 1, 1);
    public TensorShape OutputShape => new(1, 1, 1);
    public int InputSize => 1;
    public int OutputSize => 1;
    public int MaxBatch => 1;
    public Span<float> Parameters => _params.Span;
    public Span<float> Gradients => _grads.Span;
    public Span<float> Buffers => _buffers.Span;
    public IReadOnlyList<TensorInfo> Tensors => _tensors;
    public IReadOnlyList<LayerInfo> Layers => _layers;
    public int Threads { get; set; } = 1;
    public ulong Seed { get; set; }
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch) => throw new NotSupportedException();
    public void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch) => throw new NotSupportedException();
    public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput) => throw new NotSupportedException();
    public void ZeroGradients() => _grads.Span.Clear();
    public ReadOnlySpan<float> GetActivation(int layerIndex) => ReadOnlySpan<float>.Empty;
    public string Summary => "";
    public void Dispose() { _params.Dispose(); _grads.Dispose(); _buffers.Dispose(); }

    public Span<float> Slice(string name)
    {
        foreach (var t in _tensors)
            if (t.Name == name) return (t.Role == TensorRole.Parameter ? Parameters : Buffers).Slice(t.Offset, t.Length);
        throw new KeyNotFoundException(name);
    }
}
