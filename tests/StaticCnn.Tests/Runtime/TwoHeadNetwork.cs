namespace StaticCnn.Tests.Runtime;

/// <summary>
/// A hand-written network with two inputs and two outputs, for the trainer's named-term tests:
/// <c>Class = Wc·A + bc</c> (3 logits from input A of 3 floats) and <c>Box = Wb·B + Vb·A + bb</c> (2 values from input
/// B of 2 floats and A). Plain loops; the backward pass is exact and adds into the gradients; an empty dOutput entry
/// skips that head (recorded in <see cref="SkippedOutputs"/>).
/// </summary>
internal sealed class TwoHeadNetwork : INetwork
{
    public const int A = 3, B = 2, C = 3, K = 2;
    // Offsets: class.weight [3,3], class.bias [3], box.weight [2,2], box.cross [2,3], box.bias [2].
    private const int Wc = 0, Bc = 9, Wb = 12, Vb = 16, Bb = 22, Count = 24;
    private readonly AlignedBuffer<float> _params = new(Count), _grads = new(Count);
    private readonly float[] _a, _b;
    private int _batch;

    public TwoHeadNetwork(int maxBatch = 16, ulong seed = 1)
    {
        MaxBatch = maxBatch;
        _a = new float[maxBatch * A];
        _b = new float[maxBatch * B];
        var rng = new SeededRandom(seed);
        Span<float> p = _params.Span;
        for (int i = 0; i < Count; i++) p[i] = (float)(0.5 * rng.NextGaussian());
    }

    /// <summary>How many times Backward received an empty dOutput, per output.</summary>
    public int[] SkippedOutputs { get; } = new int[2];

    public string Name => "TwoHead";
    public TensorShape InputShape => new(A);
    public TensorShape OutputShape => new(C);
    public int InputSize => A;
    public int OutputSize => C;
    public int MaxBatch { get; }
    public Span<float> Parameters => _params.Span;
    public Span<float> Gradients => _grads.Span;
    public Span<float> Buffers => Span<float>.Empty;
    public IReadOnlyList<TensorInfo> Tensors { get; } = new[]
    {
        new TensorInfo("class.weight", TensorRole.Parameter, Wc, new[] { C, A }, 0),
        new TensorInfo("class.bias", TensorRole.Parameter, Bc, new[] { C }, 0),
        new TensorInfo("box.weight", TensorRole.Parameter, Wb, new[] { K, B }, 1),
        new TensorInfo("box.cross", TensorRole.Parameter, Vb, new[] { K, A }, 1),
        new TensorInfo("box.bias", TensorRole.Parameter, Bb, new[] { K }, 1),
    };
    public IReadOnlyList<LayerInfo> Layers { get; } = new[]
    {
        new LayerInfo("Class", "Dense", new TensorShape(C), C * A + C, 0, 2),
        new LayerInfo("Box", "Dense", new TensorShape(K), K * B + K * A + K, 2, 3),
    };
    public IReadOnlyList<PortInfo> Inputs { get; } = new[] { new PortInfo("A", new TensorShape(A), -1), new PortInfo("B", new TensorShape(B), -1) };
    public IReadOnlyList<PortInfo> Outputs { get; } = new[] { new PortInfo("Class", new TensorShape(C), 0), new PortInfo("Box", new TensorShape(K), 1) };
    public int Threads { get; set; } = 1;
    public ulong Seed { get; set; }
    public string Summary => "";
    public ReadOnlySpan<float> GetActivation(int layerIndex) => ReadOnlySpan<float>.Empty;
    public void ZeroGradients() => _grads.Span.Clear();
    public void Dispose() { _params.Dispose(); _grads.Dispose(); }

    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch) => throw new NotSupportedException("TwoHead has two inputs.");
    public void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch) => throw new NotSupportedException("TwoHead has two inputs.");
    public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput) => throw new NotSupportedException("TwoHead has two outputs.");

    public void Forward(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        NetworkPorts.CheckCounts(this, inputs.Length, outputs.Length, nameof(inputs), nameof(outputs));
        ReadOnlySpan<float> a = inputs[0].Span, b = inputs[1].Span;
        Span<float> cls = outputs[0].Span, box = outputs[1].Span;
        if (batch < 1 || batch > MaxBatch || a.Length != batch * A || b.Length != batch * B || cls.Length != batch * C || box.Length != batch * K)
            throw new ArgumentException("bad sizes");
        ReadOnlySpan<float> p = Parameters;
        for (int n = 0; n < batch; n++)
        {
            for (int c = 0; c < C; c++)
            {
                float s = p[Bc + c];
                for (int j = 0; j < A; j++) s += p[Wc + c * A + j] * a[n * A + j];
                cls[n * C + c] = s;
            }
            for (int k = 0; k < K; k++)
            {
                float s = p[Bb + k];
                for (int j = 0; j < B; j++) s += p[Wb + k * B + j] * b[n * B + j];
                for (int j = 0; j < A; j++) s += p[Vb + k * A + j] * a[n * A + j];
                box[n * K + k] = s;
            }
        }
    }

    public void ForwardTrain(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        Forward(inputs, outputs, batch);
        inputs[0].Span.CopyTo(_a);
        inputs[1].Span.CopyTo(_b);
        _batch = batch;
    }

    public void Backward(ReadOnlySpan<ReadOnlyMemory<float>> dOutputs, ReadOnlySpan<Memory<float>> dInputs)
    {
        NetworkPorts.CheckCounts(this, dInputs.Length == 0 ? 2 : dInputs.Length, dOutputs.Length, nameof(dInputs), nameof(dOutputs));
        Span<float> g = Gradients;
        ReadOnlySpan<float> dc = dOutputs[0].Span, db = dOutputs[1].Span;
        if (dc.IsEmpty) SkippedOutputs[0]++;
        if (db.IsEmpty) SkippedOutputs[1]++;
        for (int n = 0; n < _batch; n++)
        {
            if (!dc.IsEmpty)
                for (int c = 0; c < C; c++)
                {
                    float d = dc[n * C + c];
                    g[Bc + c] += d;
                    for (int j = 0; j < A; j++) g[Wc + c * A + j] += d * _a[n * A + j];
                }
            if (!db.IsEmpty)
                for (int k = 0; k < K; k++)
                {
                    float d = db[n * K + k];
                    g[Bb + k] += d;
                    for (int j = 0; j < B; j++) g[Wb + k * B + j] += d * _b[n * B + j];
                    for (int j = 0; j < A; j++) g[Vb + k * A + j] += d * _a[n * A + j];
                }
        }
    }

    /// <summary>Eight samples: A, B, a class in 0..2 and a 2-float box target each (fixed values).</summary>
    public static StaticCnn.Data.TensorDataset Data(int count = 8, ulong seed = 3)
    {
        var rng = new SeededRandom(seed);
        var a = new float[count * A];
        var b = new float[count * B];
        var label = new int[count];
        var box = new float[count * K];
        for (int i = 0; i < a.Length; i++) a[i] = (float)rng.NextGaussian();
        for (int i = 0; i < b.Length; i++) b[i] = (float)rng.NextGaussian();
        for (int i = 0; i < count; i++) label[i] = rng.NextInt(C);
        for (int i = 0; i < box.Length; i++) box[i] = (float)(2 * rng.NextGaussian());
        return new StaticCnn.Data.TensorDataset(count).Add("A", a, new TensorShape(A)).Add("B", b, new TensorShape(B)).Add("label", label).Add("box", box, new TensorShape(K));
    }
}
