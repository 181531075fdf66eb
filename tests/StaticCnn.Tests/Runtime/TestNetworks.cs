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
                var ti = new TensorInfo($"{name}.{suffix}", role, role == TensorRole.Parameter ? p : b, shape, _layers.Count) { Init = InitOf(kind, suffix) };
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

    /// <summary>The rule the generator's layer files give these kinds' tensors (Conv2DLayer, DenseLayer, BatchNorm2DLayer …).</summary>
    private static TensorInit InitOf(string kind, string suffix) => (kind, suffix) switch
    {
        ("Conv2D" or "Conv1D" or "Dense" or "ConvTranspose2D", "weight") => TensorInit.UniformFanIn,
        ("Conv2D" or "Conv1D" or "Dense" or "ConvTranspose2D", "bias") => TensorInit.UniformWeightFanIn,
        ("BatchNorm2D" or "BatchNorm1D", "weight" or "running_var") => TensorInit.Ones,
        ("BatchNorm2D" or "BatchNorm1D", "bias" or "running_mean") => TensorInit.Zeros,
        _ => TensorInit.None,
    };

    public Span<float> Slice(string name)
    {
        foreach (var t in _tensors)
            if (t.Name == name) return (t.Role == TensorRole.Parameter ? Parameters : Buffers).Slice(t.Offset, t.Length);
        throw new KeyNotFoundException(name);
    }
}

/// <summary>
/// A small hand-written network for trainer tests: fc1 (Dense D→H, ReLU) then fc2 (Dense H→K), or a single Dense
/// layer "fc" (multinomial logistic regression) when hidden is 0. Plain loops; backward adds into the gradients.
/// </summary>
internal sealed class MlpNetwork : INetwork
{
    private readonly int _in, _hidden, _out, _maxBatch;
    private readonly AlignedBuffer<float> _params, _grads;
    private readonly float[] _h, _x, _dh;
    private int _batch;
    private readonly List<TensorInfo> _tensors = new();
    private readonly List<LayerInfo> _layers = new();

    public MlpNetwork(TensorShape input, int classes, int hidden = 0, int maxBatch = 64)
    {
        (_in, _hidden, _out, _maxBatch) = (input.Size, hidden, classes, maxBatch);
        InputShape = input;
        int p = 0;
        void Dense(string name, int i, int o)
        {
            _tensors.Add(new TensorInfo(name + ".weight", TensorRole.Parameter, p, new[] { o, i }, _layers.Count) { Init = TensorInit.UniformFanIn }); p += o * i;
            _tensors.Add(new TensorInfo(name + ".bias", TensorRole.Parameter, p, new[] { o }, _layers.Count) { Init = TensorInit.UniformWeightFanIn }); p += o;
            _layers.Add(new LayerInfo(name == "fc" ? "Fc" : name == "fc1" ? "Fc1" : "Fc2", "Dense", new TensorShape(o, 1, 1), o * i + o, _tensors.Count - 2, 2));
        }
        if (hidden > 0) { Dense("fc1", _in, hidden); Dense("fc2", hidden, classes); }
        else Dense("fc", _in, classes);
        _params = new AlignedBuffer<float>(p);
        _grads = new AlignedBuffer<float>(p);
        _h = new float[maxBatch * Math.Max(1, hidden)];
        _dh = new float[maxBatch * Math.Max(1, hidden)];
        _x = new float[maxBatch * _in];
    }

    /// <summary>When set, Backward writes NaN into this layer's weight gradient (to test divergence reports).</summary>
    public int PoisonLayer { get; set; } = -1;

    public string Name => "Mlp";
    public TensorShape InputShape { get; }
    public TensorShape OutputShape => new(_out, 1, 1);
    public int InputSize => _in;
    public int OutputSize => _out;
    public int MaxBatch => _maxBatch;
    public Span<float> Parameters => _params.Span;
    public Span<float> Gradients => _grads.Span;
    public Span<float> Buffers => Span<float>.Empty;
    public IReadOnlyList<TensorInfo> Tensors => _tensors;
    public IReadOnlyList<LayerInfo> Layers => _layers;
    public int Threads { get; set; } = 1;
    public ulong Seed { get; set; }
    public string Summary => "";
    public ReadOnlySpan<float> GetActivation(int layerIndex) => ReadOnlySpan<float>.Empty;
    public void ZeroGradients() => _grads.Span.Clear();
    public void Dispose() { _params.Dispose(); _grads.Dispose(); }

    private static void DenseForward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b, Span<float> y, int batch, int i, int o, bool relu)
    {
        for (int n = 0; n < batch; n++)
            for (int k = 0; k < o; k++)
            {
                float s = b[k];
                for (int j = 0; j < i; j++) s += w[k * i + j] * x[n * i + j];
                y[n * o + k] = relu && s < 0 ? 0 : s;
            }
    }

    private static void DenseBackward(ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dw, Span<float> db, Span<float> dx, int batch, int i, int o)
    {
        for (int n = 0; n < batch; n++)
            for (int k = 0; k < o; k++)
            {
                float g = dy[n * o + k];
                db[k] += g;
                for (int j = 0; j < i; j++)
                {
                    dw[k * i + j] += g * x[n * i + j];
                    if (!dx.IsEmpty) dx[n * i + j] += g * w[k * i + j];
                }
            }
    }

    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        if (batch < 1 || batch > _maxBatch || input.Length != batch * _in || output.Length != batch * _out) throw new ArgumentException("bad sizes");
        var p = Parameters;
        if (_hidden == 0) { DenseForward(input, p.Slice(0, _out * _in), p.Slice(_out * _in, _out), output, batch, _in, _out, false); return; }
        int w2 = _hidden * _in + _hidden;
        DenseForward(input, p.Slice(0, _hidden * _in), p.Slice(_hidden * _in, _hidden), _h, batch, _in, _hidden, true);
        DenseForward(_h, p.Slice(w2, _out * _hidden), p.Slice(w2 + _out * _hidden, _out), output, batch, _hidden, _out, false);
    }

    public void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        input.CopyTo(_x);
        _batch = batch;
        Forward(input, output, batch);
    }

    public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput)
    {
        var p = Parameters;
        var g = Gradients;
        int batch = _batch;
        if (_hidden == 0)
            DenseBackward(_x, p.Slice(0, _out * _in), dOutput, g.Slice(0, _out * _in), g.Slice(_out * _in, _out), dInput, batch, _in, _out);
        else
        {
            int w2 = _hidden * _in + _hidden;
            Array.Clear(_dh);
            DenseBackward(_h, p.Slice(w2, _out * _hidden), dOutput, g.Slice(w2, _out * _hidden), g.Slice(w2 + _out * _hidden, _out), _dh, batch, _hidden, _out);
            for (int i = 0; i < batch * _hidden; i++) if (_h[i] <= 0) _dh[i] = 0;
            DenseBackward(_x, p.Slice(0, _hidden * _in), _dh, g.Slice(0, _hidden * _in), g.Slice(_hidden * _in, _hidden), dInput, batch, _in, _hidden);
        }
        if (PoisonLayer >= 0) g[_tensors[_layers[PoisonLayer].FirstTensor].Offset] = float.NaN;
    }
}

internal static class TestData
{
    /// <summary>Linearly separable 4-class data in 2×3×3 "images": class k has a bright block in a class-specific place plus noise.</summary>
    public static StaticCnn.Data.InMemoryDataset Blobs(int count, ulong seed, float noise = 0.3f)
    {
        var shape = new TensorShape(2, 3, 3);
        var rng = new SeededRandom(seed);
        var images = new float[count * shape.Size];
        var labels = new int[count];
        for (int n = 0; n < count; n++)
        {
            int k = rng.NextInt(4);
            labels[n] = k;
            for (int i = 0; i < shape.Size; i++) images[n * shape.Size + i] = (float)(noise * rng.NextGaussian());
            for (int i = 0; i < 4; i++) images[n * shape.Size + k * 4 + i] += 1f;
        }
        return new StaticCnn.Data.InMemoryDataset(images, labels, shape);
    }
}
