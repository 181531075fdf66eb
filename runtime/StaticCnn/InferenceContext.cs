using System.ComponentModel;

namespace StaticCnn;

/// <summary>
/// Inference on a network's weights with a workspace of its own: the way to serve several threads from one set of
/// trained weights. Create one per thread with <see cref="INetwork.CreateInferenceContext"/>; each context runs the
/// same code as <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> (bit-identical results) and allocates nothing per call.
/// PyTorch: one <c>torch.jit</c> module shared by several threads under <c>torch.inference_mode()</c>, each with its own activations.
/// </summary>
/// <remarks>
/// <para>Thread safety: a context serves one thread at a time; a call that overlaps another call on the same context
/// throws <see cref="InvalidOperationException"/>. Any number of contexts of one network may run at the same time,
/// each with its own <see cref="Threads"/>, and beside the network's own calls.</para>
/// <para>Weights: a context reads the network's live parameter and buffer arenas, it does not copy them. Changing them
/// (training, loading a checkpoint, writing <see cref="INetwork.Parameters"/>) while a context call runs gives that
/// call a mix of old and new weights (never a crash); do it between calls. A context created with
/// <c>prepareWeights: true</c> reads a copy of them instead, taken and prepared at creation and by
/// <see cref="RefreshWeights"/> (<see cref="WeightsPrepared"/>).</para>
/// <para>Lifetime: a context keeps the weights alive. Disposing the network frees its own workspace and gradients at
/// once, and its parameter and buffer arenas when the last of its contexts is disposed; its contexts keep working
/// until then. Dispose every context you create.</para>
/// </remarks>
public interface IInferenceContext : IDisposable
{
    /// <summary>The network's class name.</summary>
    string Name { get; }
    /// <summary>Floats per input sample (<see cref="INetwork.InputSize"/>).</summary>
    int InputSize { get; }
    /// <summary>Floats per output sample (<see cref="INetwork.OutputSize"/>).</summary>
    int OutputSize { get; }
    /// <summary>The largest batch this context's workspace was sized for.</summary>
    int MaxBatch { get; }
    /// <summary>Kernel threads of this context's calls, fixed at creation; results do not depend on it.</summary>
    int Threads { get; }

    /// <summary>
    /// Inference as <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> (BatchNorm running statistics, no dropout) on this context's
    /// workspace and the network's weights. Allocates nothing.
    /// </summary>
    /// <param name="input">batch × <see cref="InputSize"/> floats, NCHW.</param>
    /// <param name="output">batch × <see cref="OutputSize"/> floats.</param>
    /// <param name="batch">1 … <see cref="MaxBatch"/> samples.</param>
    /// <exception cref="ArgumentException">A span's length is not batch × the sample size, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this context.</exception>
    /// <exception cref="ObjectDisposedException">The context was disposed.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int batch);

    /// <summary>
    /// True when this context took a copy of the network's weights (parameters and buffers) and prepared it once, at
    /// creation or at the last <see cref="RefreshWeights"/> (<see cref="INetwork.CreateInferenceContext"/> with
    /// <c>prepareWeights: true</c>): its calls read that copy and do not see later changes to the network's weights.
    /// </summary>
    bool WeightsPrepared => false;

    /// <summary>
    /// Copies and prepares the network's current weights again (after training or loading a checkpoint); does nothing
    /// on a context that reads the live weights.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this context.</exception>
    /// <exception cref="ObjectDisposedException">The context was disposed.</exception>
    void RefreshWeights() { }

    /// <summary>The network's inputs (see <see cref="INetwork.Inputs"/>).</summary>
    IReadOnlyList<PortInfo> Inputs => new[] { new PortInfo("Input", new TensorShape(InputSize), -1) };

    /// <summary>The network's outputs (see <see cref="INetwork.Outputs"/>).</summary>
    IReadOnlyList<PortInfo> Outputs => new[] { new PortInfo("Output", new TensorShape(OutputSize), -1) };

    /// <summary>
    /// Inference on every input, filling every output (one tensor each, in the order of <see cref="Inputs"/> and
    /// <see cref="Outputs"/>); the only form for a network with several inputs or outputs. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A count or length does not match, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    void Forward(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        if (inputs.Length != 1 || outputs.Length != 1)
            throw new ArgumentException($"{Name} has one input and one output but {inputs.Length} and {outputs.Length} tensors were given.", nameof(inputs));
        Forward(inputs[0].Span, outputs[0].Span, batch);
    }
}

/// <summary>
/// The <see cref="IInferenceContext"/> of generated networks: its own workspace, argmax ints and forward scratch, the
/// network's <see cref="SharedArenas"/> (one owner while the context lives), and the network's generated inference
/// body. Created by the generated <c>CreateInferenceContext</c>; see <see cref="IInferenceContext"/> for the contract.
/// </summary>
public sealed class InferenceContext : IInferenceContext
{
    /// <summary>
    /// A network's inference body on explicit memory (the generated <c>ForwardInference</c>): arguments already checked,
    /// <paramref name="ws"/> and <paramref name="iws"/> laid out per sample × <paramref name="mb"/>.
    /// </summary>
    public delegate void Body(ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> ws, Span<int> iws,
        ReadOnlySpan<float> prm, ReadOnlySpan<float> buf, Span<float> scratch, int mb, int threads, bool reference, PreparedWeights? prepared);

    /// <summary>The inference body of a network with several inputs or outputs: one tensor per input and per output.</summary>
    public delegate void ListBody(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch, Span<float> ws, Span<int> iws,
        ReadOnlySpan<float> prm, ReadOnlySpan<float> buf, Span<float> scratch, int mb, int threads, bool reference, PreparedWeights? prepared);

    /// <summary>A network's weight preparation (the generated <c>PrepareWeights</c>): every convolution's prepared weights from the parameter arena.</summary>
    public delegate PreparedWeights Preparer(ReadOnlySpan<float> prm);

    private readonly SharedArenas _arenas;
    private readonly Body? _body;
    private readonly ListBody? _listBody;
    private readonly PortInfo[]? _inputs, _outputs;
    private readonly AlignedBuffer<float> _workspace;
    private readonly AlignedBuffer<int> _intWorkspace;
    private readonly AlignedBuffer<float> _scratch;
    private readonly Preparer? _prepare;
    // with _prepare: a copy of the parameter and buffer arenas and its prepared form, taken at creation or by
    // RefreshWeights (null: the calls read the network's live arenas and the kernels transform weights per call)
    private AlignedBuffer<float>? _parameters, _buffers;
    private PreparedWeights? _prepared;
    private int _inUse;     // 1 while a call runs (the single-thread guard)
    private bool _disposed;

    /// <summary>
    /// Called by generated networks, which size the memory from their constants (<c>InferenceWorkspaceFloats</c>,
    /// <c>ArgmaxIntsPerSample</c>, <c>ForwardScratchFloats</c>); user code calls <see cref="INetwork.CreateInferenceContext"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The arenas were already freed.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public InferenceContext(string name, int inputSize, int outputSize, int maxBatch, int threads,
        int workspaceFloats, int argmaxInts, int scratchFloats, SharedArenas arenas, Body body, Preparer? prepare = null)
        : this(name, inputSize, outputSize, maxBatch, threads, workspaceFloats, argmaxInts, scratchFloats, arenas, prepare)
        => _body = body ?? throw new ArgumentNullException(nameof(body));

    /// <summary>Called by generated networks with several inputs or outputs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size or count is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The arenas were already freed.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public InferenceContext(string name, PortInfo[] inputs, PortInfo[] outputs, int maxBatch, int threads,
        int workspaceFloats, int argmaxInts, int scratchFloats, SharedArenas arenas, ListBody body, Preparer? prepare = null)
        : this(name, inputs[0].Size, outputs[0].Size, maxBatch, threads, workspaceFloats, argmaxInts, scratchFloats, arenas, prepare)
    {
        _listBody = body ?? throw new ArgumentNullException(nameof(body));
        _inputs = inputs;
        _outputs = outputs;
    }

    private InferenceContext(string name, int inputSize, int outputSize, int maxBatch, int threads,
        int workspaceFloats, int argmaxInts, int scratchFloats, SharedArenas arenas, Preparer? prepare)
    {
        ArgumentNullException.ThrowIfNull(arenas);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatch, 1);
        ThreadSafety.CheckThreads(threads, nameof(threads));
        Name = name;
        InputSize = inputSize;
        OutputSize = outputSize;
        MaxBatch = maxBatch;
        Threads = threads;
        _workspace = new AlignedBuffer<float>(workspaceFloats);
        _intWorkspace = new AlignedBuffer<int>(argmaxInts);
        _scratch = new AlignedBuffer<float>(scratchFloats);
        try
        {
            arenas.AddOwner();
        }
        catch
        {
            FreeOwn();
            throw;
        }
        _arenas = arenas;
        _prepare = prepare;
        if (prepare is null) return;
        try
        {
            TakeWeights();
        }
        catch
        {
            FreeOwn();
            arenas.Release();
            throw;
        }
    }

    /// <summary>Copies the network's parameter and buffer arenas and prepares the copy (replacing an earlier copy only when all of it succeeded).</summary>
    private void TakeWeights()
    {
        AlignedBuffer<float>? parameters = null, buffers = null;
        try
        {
            parameters = new AlignedBuffer<float>(_arenas.Parameters.Length);
            buffers = new AlignedBuffer<float>(_arenas.Buffers.Length);
            _arenas.Parameters.Span.CopyTo(parameters.Span);
            _arenas.Buffers.Span.CopyTo(buffers.Span);
            PreparedWeights prepared = _prepare!(parameters.Span);
            FreeWeights();
            (_parameters, _buffers, _prepared) = (parameters, buffers, prepared);
        }
        catch
        {
            parameters?.Dispose();
            buffers?.Dispose();
            throw;
        }
    }

    private void FreeWeights()
    {
        _parameters?.Dispose();
        _buffers?.Dispose();
        _prepared?.Dispose();
    }

    /// <inheritdoc/>
    public bool WeightsPrepared => _prepare is not null;

    /// <summary>The prepared weights of the copy, or null (for tests).</summary>
    internal PreparedWeights? Prepared => _prepared;

    /// <inheritdoc/>
    public void RefreshWeights()
    {
        Enter();
        try
        {
            if (_prepare is not null) TakeWeights();
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <inheritdoc/>
    public string Name { get; }
    /// <inheritdoc/>
    public int InputSize { get; }
    /// <inheritdoc/>
    public int OutputSize { get; }
    /// <inheritdoc/>
    public int MaxBatch { get; }
    /// <inheritdoc/>
    public int Threads { get; }

    /// <inheritdoc/>
    public IReadOnlyList<PortInfo> Inputs => _inputs ?? new[] { new PortInfo("Input", new TensorShape(InputSize), -1) };
    /// <inheritdoc/>
    public IReadOnlyList<PortInfo> Outputs => _outputs ?? new[] { new PortInfo("Output", new TensorShape(OutputSize), -1) };

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<ReadOnlyMemory<float>> inputs, ReadOnlySpan<Memory<float>> outputs, int batch)
    {
        if (_listBody is null)
        {
            if (inputs.Length != 1 || outputs.Length != 1)
                throw new ArgumentException($"{Name} has one input and one output but {inputs.Length} and {outputs.Length} tensors were given.", nameof(inputs));
            Forward(inputs[0].Span, outputs[0].Span, batch);
            return;
        }
        Enter();
        try
        {
            if (batch < 1 || batch > MaxBatch)
                throw new ArgumentException($"batch must be in 1..{MaxBatch} (the maxBatch given to CreateInferenceContext) but was {batch}.", nameof(batch));
            if (inputs.Length != _inputs!.Length || outputs.Length != _outputs!.Length)
                throw new ArgumentException($"{Name} has {_inputs.Length} input(s) and {_outputs!.Length} output(s) but {inputs.Length} and {outputs.Length} tensors were given.", nameof(inputs));
            for (int k = 0; k < inputs.Length; k++)
                if (inputs[k].Length != batch * _inputs[k].Size)
                    throw new ArgumentException($"input {_inputs[k].Name} must hold {batch * _inputs[k].Size} floats (batch × {_inputs[k].Size}) but has {inputs[k].Length}.", nameof(inputs));
            for (int k = 0; k < outputs.Length; k++)
                if (outputs[k].Length != batch * _outputs[k].Size)
                    throw new ArgumentException($"output {_outputs[k].Name} must hold {batch * _outputs[k].Size} floats (batch × {_outputs[k].Size}) but has {outputs[k].Length}.", nameof(outputs));
            _listBody(inputs, outputs, batch, _workspace.Span, _intWorkspace.Span, (_parameters ?? _arenas.Parameters).Span, (_buffers ?? _arenas.Buffers).Span,
                _scratch.Span, MaxBatch, Threads, false, _prepared);
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <inheritdoc/>
    public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch)
    {
        if (_body is null)
            throw new InvalidOperationException($"{Name} has {_inputs!.Length} input(s) and {_outputs!.Length} output(s): call Forward([inputs], [outputs], batch).");
        Enter();
        try
        {
            if (batch < 1 || batch > MaxBatch)
                throw new ArgumentException($"batch must be in 1..{MaxBatch} (the maxBatch given to CreateInferenceContext) but was {batch}.", nameof(batch));
            if (input.Length != batch * InputSize)
                throw new ArgumentException($"input must hold {batch * InputSize} floats (batch × {InputSize}) but has {input.Length}.", nameof(input));
            if (output.Length != batch * OutputSize)
                throw new ArgumentException($"output must hold {batch * OutputSize} floats (batch × {OutputSize}) but has {output.Length}.", nameof(output));
            _body(input, output, batch, _workspace.Span, _intWorkspace.Span, (_parameters ?? _arenas.Parameters).Span, (_buffers ?? _arenas.Buffers).Span,
                _scratch.Span, MaxBatch, Threads, false, _prepared);
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <summary>
    /// Frees this context's workspace and releases its hold on the network's weights (freed here when the network is
    /// already disposed and this was its last context). A second call does nothing.
    /// </summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this context.</exception>
    public void Dispose()
    {
        if (Interlocked.CompareExchange(ref _inUse, 1, 0) != 0) throw ThreadSafety.ConcurrentContextUse(Name);
        try
        {
            if (_disposed) return;
            _disposed = true;
            FreeOwn();
            _arenas.Release();
        }
        finally
        {
            Volatile.Write(ref _inUse, 0);
        }
    }

    /// <summary>Takes the single-thread flag and checks disposal (after taking it, so that a Dispose cannot slip in between).</summary>
    private void Enter()
    {
        if (Interlocked.CompareExchange(ref _inUse, 1, 0) != 0) throw ThreadSafety.ConcurrentContextUse(Name);
        if (_disposed)
        {
            Volatile.Write(ref _inUse, 0);
            throw new ObjectDisposedException(nameof(InferenceContext), $"This inference context of {Name} was disposed.");
        }
    }

    private void FreeOwn()
    {
        _workspace.Dispose();
        _intWorkspace.Dispose();
        _scratch.Dispose();
        FreeWeights();
    }
}
