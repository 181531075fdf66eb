namespace StaticCnn;

/// <summary>
/// What every generated network implements: the contract between generated code and the runtime (trainer,
/// optimizers, checkpoints, benchmarks). Activations at this boundary are NCHW float32, one sample after another.
/// </summary>
/// <remarks>
/// Parameters live in one contiguous 64-byte aligned arena (<see cref="Parameters"/>); gradients in a second arena with
/// identical offsets (<see cref="Gradients"/>). Non-trainable state such as BatchNorm running statistics lives in
/// <see cref="Buffers"/>. <see cref="Tensors"/> names every slice as PyTorch's <c>state_dict</c> does.
/// <para>
/// <b>Thread safety.</b> An instance serves one thread at a time: <see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/>, <see cref="ForwardTrain(ReadOnlySpan{float}, Span{float}, int)"/>,
/// <see cref="Backward(ReadOnlySpan{float}, Span{float})"/>, <see cref="ZeroGradients"/>, <see cref="GetActivation"/>, the <see cref="Threads"/> and
/// <see cref="Seed"/> setters and <see cref="IDisposable.Dispose"/> share its workspace, kernel scratch and step state.
/// Each of them takes a flag on entry (one interlocked compare-exchange) and releases it on exit; a call that overlaps
/// another one on the same instance throws <see cref="InvalidOperationException"/> and touches nothing, so misuse never
/// corrupts memory. Moving an instance from one thread to another between calls is fine. To serve N threads from one set
/// of weights, give each thread an <see cref="IInferenceContext"/> from <see cref="CreateInferenceContext"/> (its own
/// workspace, the instance's weights, bit-identical results, no allocation per call), or one instance each.
/// <see cref="CreateInferenceContext"/> itself may be called from any thread at any time, also while a call runs.
/// The spans (<see cref="Parameters"/>, <see cref="Gradients"/>, <see cref="Buffers"/>, activations) are views, not
/// guarded: do not write them while another thread runs a call that reads them.
/// </para>
/// <para>
/// <b>Disposal.</b> After <see cref="IDisposable.Dispose"/> every member that touches memory throws
/// <see cref="ObjectDisposedException"/>. The parameter and buffer arenas stay alive while inference contexts of the
/// instance do, and are freed with the last of them.
/// </para>
/// </remarks>
public interface INetwork : IDisposable
{
    /// <summary>The network's class name.</summary>
    string Name { get; }
    /// <summary>Input shape of one sample (C, H, W).</summary>
    TensorShape InputShape { get; }
    /// <summary>Output shape of one sample (C, H, W); a classifier with 10 classes has (10, 1, 1).</summary>
    TensorShape OutputShape { get; }
    /// <summary>Floats per input sample: C·H·W.</summary>
    int InputSize { get; }
    /// <summary>Floats per output sample.</summary>
    int OutputSize { get; }
    /// <summary>The largest batch the workspace was sized for at construction.</summary>
    int MaxBatch { get; }

    /// <summary>All trainable parameters, at the offsets listed in <see cref="Tensors"/>.</summary>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    Span<float> Parameters { get; }
    /// <summary>Gradients of the parameters, same length and offsets as <see cref="Parameters"/>.</summary>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    Span<float> Gradients { get; }
    /// <summary>Non-trainable state (BatchNorm running mean and variance); empty when the network has none.</summary>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    Span<float> Buffers { get; }
    /// <summary>Every named tensor: parameters (offsets into <see cref="Parameters"/>) and buffers (offsets into <see cref="Buffers"/>).</summary>
    IReadOnlyList<TensorInfo> Tensors { get; }
    /// <summary>Every layer in execution order.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Threads the kernels may use; 1 by default. Results are bit-identical whatever the count.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Set to a value outside 1..<see cref="ThreadSafety.MaxThreads"/>, or one whose kernel scratch would exceed 2³¹ floats.</exception>
    /// <exception cref="InvalidOperationException">Set while another thread is inside a call on this instance.</exception>
    /// <exception cref="ObjectDisposedException">Set after <see cref="IDisposable.Dispose"/>.</exception>
    int Threads { get; set; }
    /// <summary>Seed of the dropout mask generator; reset it to replay a training run.</summary>
    ulong Seed { get; set; }

    /// <summary>Inference: running statistics for BatchNorm, no dropout. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span's length is not batch × the sample size, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int batch);
    /// <summary>Training forward: batch statistics, dropout, and every activation kept for <see cref="Backward(ReadOnlySpan{float}, Span{float})"/>.</summary>
    /// <exception cref="ArgumentException">A span's length is not batch × the sample size, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch);
    /// <summary>
    /// Back-propagates <paramref name="dOutput"/> (batch × <see cref="OutputSize"/>) through the last <see cref="ForwardTrain(ReadOnlySpan{float}, Span{float}, int)"/>.
    /// Adds into <see cref="Gradients"/> (call <see cref="ZeroGradients"/> first) and, when <paramref name="dInput"/> is not
    /// empty, writes the gradient with respect to the input there (batch × <see cref="InputSize"/>).
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput);
    /// <summary>Sets every gradient to zero.</summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    void ZeroGradients();
    /// <summary>
    /// The activation (NCHW, batch × its size) that layer <paramref name="layerIndex"/> produced in the last forward.
    /// <see cref="ForwardTrain(ReadOnlySpan{float}, Span{float}, int)"/> writes every layer's activation; the inference
    /// <see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/> computes a Conv2D → BatchNorm2D (→ ReLU, ReLU6 or
    /// LeakyReLU) chain in one pass and writes only the chain's last activation (docs/GENERATOR.md, "Inference fusion").
    /// </summary>
    /// <exception cref="InvalidOperationException">The last call was an inference <c>Forward</c> and this layer's activation was computed inside such a chain and not kept (the message names the layer that holds the result).</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    ReadOnlySpan<float> GetActivation(int layerIndex);
    /// <summary>The compile-time summary table (like Keras' <c>model.summary()</c>).</summary>
    string Summary { get; }

    /// <summary>
    /// A context for inference on this instance's weights from another thread: its own workspace for up to
    /// <paramref name="maxBatch"/> samples and <paramref name="threads"/> kernel threads, the instance's parameter and
    /// buffer arenas (read, not copied), results bit-identical to <see cref="Forward(ReadOnlySpan{float}, Span{float}, int)"/>, no allocation per call.
    /// Create one per serving thread and dispose it when done; the contract is on <see cref="IInferenceContext"/>.
    /// Generated networks implement it; the default throws <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="maxBatch">The largest batch the context's Forward will be called with.</param>
    /// <param name="threads">Kernel threads of each of the context's calls (1..<see cref="ThreadSafety.MaxThreads"/>).</param>
    /// <param name="prepareWeights">
    /// Take a copy of the weights now and prepare it once in the layout the kernels read (the Winograd convolutions'
    /// transformed weights), instead of on every call, as an ONNX Runtime session prepacks its constant weights: faster
    /// inference (most at small batches) for the memory of the copy and 16/9 of those layers' weights. Results are
    /// bit-identical to the live weights' at the time of the copy; the context does not see later changes (training,
    /// loading a checkpoint) until <see cref="IInferenceContext.RefreshWeights"/>.
    /// </param>
    /// <remarks>Thread-safe: any thread may call it at any time, also while another thread uses the instance.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">maxBatch is below 1 or its workspace would exceed 2³¹ floats, or threads is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    IInferenceContext CreateInferenceContext(int maxBatch = 1, int threads = 1, bool prepareWeights = false)
        => throw new NotSupportedException($"{Name} does not implement CreateInferenceContext; generated networks do.");

    /// <summary>
    /// The network's inputs in declaration order. A network declared with the <c>[Network(InputChannels = …)]</c>
    /// shorthand has one, named <c>Input</c>. Generated networks return a static list (no allocation).
    /// </summary>
    IReadOnlyList<PortInfo> Inputs => new[] { new PortInfo("Input", InputShape, -1) };

    /// <summary>
    /// The network's outputs: the layers marked <c>Output = true</c> in declaration order, or the last layer when none is.
    /// <see cref="OutputShape"/> and <see cref="OutputSize"/> describe the first.
    /// </summary>
    IReadOnlyList<PortInfo> Outputs => new[] { new PortInfo(Layers[^1].Name, OutputShape, Layers.Count - 1) };

    /// <summary>
    /// Inference on every input, filling every output: <paramref name="inputs"/>[k] holds batch × <see cref="Inputs"/>[k]
    /// floats and <paramref name="outputs"/>[k] batch × <see cref="Outputs"/>[k]. Allocates nothing; a collection
    /// expression builds the lists on the stack: <c>net.Forward([left, right], [distance], batch)</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The lists' counts or a tensor's length do not match, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    void Forward(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        NetworkPorts.CheckCounts(this, inputs.Length, outputs.Length, nameof(inputs), nameof(outputs));
        Forward(inputs[0].Span, outputs[0].Span, batch);
    }

    /// <summary>Training forward on every input, filling every output (as <see cref="Forward(ReadOnlySpan{ReadOnlyMemory{float}}, ReadOnlySpan{Memory{float}}, int)"/>).</summary>
    /// <exception cref="ArgumentException">The lists' counts or a tensor's length do not match, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    void ForwardTrain(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        NetworkPorts.CheckCounts(this, inputs.Length, outputs.Length, nameof(inputs), nameof(outputs));
        ForwardTrain(inputs[0].Span, outputs[0].Span, batch);
    }

    /// <summary>
    /// Back-propagates one gradient per output (<paramref name="dOutputs"/>[k]: batch × <see cref="Outputs"/>[k]; an
    /// empty entry means the loss does not depend on that output) through the last ForwardTrain. Adds into
    /// <see cref="Gradients"/>. <paramref name="dInputs"/> is empty, or has one entry per input: a non-empty entry
    /// receives the gradient with respect to that input.
    /// </summary>
    /// <exception cref="ArgumentException">The lists' counts or a tensor's length do not match.</exception>
    void Backward(ReadOnlySpan<ReadOnlyMemory<float>> dOutputs, ReadOnlySpan<Memory<float>> dInputs)
    {
        NetworkPorts.CheckCounts(this, dInputs.Length == 0 ? 1 : dInputs.Length, dOutputs.Length, nameof(dInputs), nameof(dOutputs));
        Backward(dOutputs[0].Span, dInputs.Length == 0 ? Span<float>.Empty : dInputs[0].Span);
    }

    /// <summary>
    /// The dataflow graph with every attribute value (what <see cref="Interop.Onnx"/> exports); generated networks
    /// implement it, other implementations return null (the default).
    /// </summary>
    NetworkGraph? Graph => null;
}

/// <summary>
/// The shape of one sample, of any rank: a vector (F), a signal or sequence (C, L), an image (C, H, W), or more axes.
/// Every dimension is at least 1 and the element count at most <see cref="int.MaxValue"/> (<c>default</c> has rank 0).
/// Two shapes are equal when their ranks and dimensions are; (10) and (10, 1, 1) hold the same floats but differ.
/// </summary>
/// <remarks>
/// <see cref="Channels"/>, <see cref="Height"/> and <see cref="Width"/> view every rank as C×H×W, as the kernels lay it
/// out: (F) as F×1×1, (C, L) as C×1×L, and rank 4 or more as C × (the middle axes) × the last axis.
/// </remarks>
public readonly struct TensorShape : IEquatable<TensorShape>
{
    // Up to four dimensions inline (a shape is built on hot paths, e.g. OutputShape, and must not allocate); more in _more.
    private readonly int _rank, _d0, _d1, _d2, _d3;
    private readonly int[]? _more;

    /// <summary>A vector of <paramref name="features"/> (rank 1). PyTorch: a sample of an <c>(N, F)</c> tensor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is below 1.</exception>
    public TensorShape(int features)
    {
        Check(features, 1, 0, "features", features);
        (_rank, _d0) = (1, features);
    }

    /// <summary>A signal or sequence of <paramref name="length"/> steps with <paramref name="channels"/> each (rank 2). PyTorch: a sample of <c>(N, C, L)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1, or C·L exceeds <see cref="int.MaxValue"/>.</exception>
    public TensorShape(int channels, int length)
    {
        Check(channels, 2, 0, "channels", channels);
        Check(length, 2, 1, "length", (long)channels * length);
        (_rank, _d0, _d1) = (2, channels, length);
    }

    /// <summary>The image shape <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/> (rank 3). PyTorch: a sample of <c>(N, C, H, W)</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1, or C·H·W exceeds <see cref="int.MaxValue"/>.</exception>
    public TensorShape(int channels, int height, int width)
    {
        Check(channels, 3, 0, "channels", channels);
        Check(height, 3, 1, "height", (long)channels * height);
        Check(width, 3, 2, "width", (long)channels * height * width);
        (_rank, _d0, _d1, _d2) = (3, channels, height, width);
    }

    /// <summary>A shape of any rank (at least 1) from its dimensions, outermost first; the array is copied.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No dimension, a dimension below 1, or more than <see cref="int.MaxValue"/> elements.</exception>
    public TensorShape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length == 0) throw new ArgumentOutOfRangeException(nameof(dims), "A shape needs at least one dimension.");
        long n = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            n *= Math.Max(dims[i], 0);
            Check(dims[i], dims.Length, i, AxisName(dims.Length, i), n);
        }
        _rank = dims.Length;
        _d0 = dims[0];
        _d1 = dims.Length > 1 ? dims[1] : 0;
        _d2 = dims.Length > 2 ? dims[2] : 0;
        _d3 = dims.Length > 3 ? dims[3] : 0;
        if (dims.Length > 4) _more = (int[])dims.Clone();
    }

    private static void Check(int dim, int rank, int axis, string name, long product)
    {
        if (dim < 1) throw new ArgumentOutOfRangeException(name, dim, $"Dimension {axis} of a rank-{rank} shape must be at least 1.");
        if (product > int.MaxValue) throw new ArgumentOutOfRangeException(name, dim, $"The shape holds more than {int.MaxValue} elements.");
    }

    private static string AxisName(int rank, int axis) => rank switch
    {
        1 => "features",
        2 => axis == 0 ? "channels" : "length",
        3 => axis == 0 ? "channels" : axis == 1 ? "height" : "width",
        _ => "dims",
    };

    /// <summary>Number of axes: 1 (F), 2 (C, L), 3 (C, H, W) …; 0 for <c>default</c>.</summary>
    public int Rank => _rank;
    /// <summary>Dimension <paramref name="axis"/>, outermost first.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The axis is not in 0..Rank−1.</exception>
    public int this[int axis]
    {
        get
        {
            if ((uint)axis >= (uint)_rank) throw new ArgumentOutOfRangeException(nameof(axis), axis, $"The shape has rank {_rank}.");
            if (_more is not null) return _more[axis];
            return axis switch { 0 => _d0, 1 => _d1, 2 => _d2, _ => _d3 };
        }
    }
    /// <summary>A copy of the dimensions, outermost first.</summary>
    public int[] ToArray()
    {
        var d = new int[_rank];
        for (int i = 0; i < _rank; i++) d[i] = this[i];
        return d;
    }
    /// <summary>Channels (C): the first axis.</summary>
    public int Channels => _d0;
    /// <summary>Height (H) of the C×H×W view: 1 below rank 3, the middle axes' product above it.</summary>
    public int Height
    {
        get
        {
            if (_rank == 0) return 0;
            int h = 1;
            for (int i = 1; i < _rank - 1; i++) h *= this[i];
            return h;
        }
    }
    /// <summary>Width (W) of the C×H×W view: the last axis from rank 2 on (the length L of a sequence), 1 for a vector.</summary>
    public int Width => _rank == 0 ? 0 : _rank == 1 ? 1 : this[_rank - 1];
    /// <summary>Elements per sample: the product of the dimensions.</summary>
    public int Size
    {
        get
        {
            if (_rank == 0) return 0;
            int n = 1;
            for (int i = 0; i < _rank; i++) n *= this[i];
            return n;
        }
    }
    /// <summary>Deconstructs the C×H×W view into (C, H, W).</summary>
    public void Deconstruct(out int channels, out int height, out int width) => (channels, height, width) = (Channels, Height, Width);
    /// <inheritdoc/>
    public bool Equals(TensorShape other)
    {
        if (_rank != other._rank) return false;
        for (int i = 0; i < _rank; i++) if (this[i] != other[i]) return false;
        return true;
    }
    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TensorShape s && Equals(s);
    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var h = new HashCode();
        for (int i = 0; i < _rank; i++) h.Add(this[i]);
        return h.ToHashCode();
    }
    /// <summary>Equal ranks and dimensions.</summary>
    public static bool operator ==(TensorShape a, TensorShape b) => a.Equals(b);
    /// <summary>Different ranks or dimensions.</summary>
    public static bool operator !=(TensorShape a, TensorShape b) => !a.Equals(b);
    /// <summary>The dimensions joined by ×, e.g. <c>10</c>, <c>8×200</c>, <c>3×32×32</c> (<c>0×0×0</c> for <c>default</c>).</summary>
    public override string ToString() => _rank == 0 ? "0×0×0" : string.Join("×", ToArray());
}

/// <summary>One named input or output of a network.</summary>
/// <param name="Name">The member name: <c>Left</c> for <c>[Input(1, 28, 28)] public partial Tensor Left</c>, or the
/// layer marked <c>Output = true</c>. A network declared with the <c>[Network(InputChannels = …)]</c> shorthand has one
/// input named <c>Input</c>; a network with no layer marked as an output has one output, its last layer.</param>
/// <param name="Shape">Per-sample shape.</param>
/// <param name="Layer">For an output, the index of the layer that produces it in <see cref="INetwork.Layers"/>; −1 for an input.</param>
public sealed record PortInfo(string Name, TensorShape Shape, int Layer)
{
    /// <summary>Floats per sample.</summary>
    public int Size => Shape.Size;
}

/// <summary>Whether a tensor is trained (in the parameter arena) or state (in the buffer arena).</summary>
public enum TensorRole
{
    /// <summary>Trainable; has a gradient at the same offset.</summary>
    Parameter,
    /// <summary>Non-trainable state such as <c>running_mean</c>.</summary>
    Buffer,
}

/// <summary>A named slice of the parameter or buffer arena, named and laid out as in PyTorch's <c>state_dict</c>.</summary>
/// <param name="Name">PyTorch name, e.g. <c>conv1.weight</c>.</param>
/// <param name="Role">Which arena holds it.</param>
/// <param name="Offset">Offset in floats into that arena.</param>
/// <param name="Shape">PyTorch shape, e.g. [6, 1, 5, 5] (OIHW) or [120, 400].</param>
/// <param name="Layer">Index of the owning layer in <see cref="INetwork.Layers"/>.</param>
public sealed record TensorInfo(string Name, TensorRole Role, int Offset, int[] Shape, int Layer)
{
    /// <summary>How <see cref="Initializers.ResetParameters"/> initialises it: the rule of the layer kind that owns it (PyTorch's <c>reset_parameters</c>).</summary>
    public TensorInit Init { get; init; }

    /// <summary>Element count.</summary>
    public int Length { get { int n = 1; foreach (int d in Shape) n *= d; return n; } }
}

/// <summary>Static facts about one layer of a generated network.</summary>
/// <param name="Name">The member name, e.g. <c>Conv1</c>.</param>
/// <param name="Kind">The layer kind, e.g. <c>Conv2D</c>.</param>
/// <param name="OutputShape">Per-sample output shape.</param>
/// <param name="ParameterCount">Trainable parameters of this layer.</param>
/// <param name="FirstTensor">Index of its first tensor in <see cref="INetwork.Tensors"/>, or −1.</param>
/// <param name="TensorCount">How many tensors it owns.</param>
public sealed record LayerInfo(string Name, string Kind, TensorShape OutputShape, long ParameterCount, int FirstTensor, int TensorCount)
{
    /// <summary>The kind as an enum (<see cref="Kind"/> is its name); null for a kind this runtime does not know.</summary>
    public LayerType? Type => Enum.TryParse(Kind, out LayerType t) ? t : null;
}
