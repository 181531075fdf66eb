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
/// <b>Thread safety.</b> An instance serves one thread at a time: <see cref="Forward"/>, <see cref="ForwardTrain"/>,
/// <see cref="Backward"/>, <see cref="ZeroGradients"/>, <see cref="GetActivation"/>, the <see cref="Threads"/> and
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
    /// <summary>Training forward: batch statistics, dropout, and every activation kept for <see cref="Backward"/>.</summary>
    /// <exception cref="ArgumentException">A span's length is not batch × the sample size, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch);
    /// <summary>
    /// Back-propagates <paramref name="dOutput"/> (batch × <see cref="OutputSize"/>) through the last <see cref="ForwardTrain"/>.
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
    /// <summary>The activation (NCHW, batch × its size) that layer <paramref name="layerIndex"/> produced in the last forward.</summary>
    /// <exception cref="InvalidOperationException">Another thread is inside a call on this instance (see the remarks: one instance per thread, or <see cref="CreateInferenceContext"/>).</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    ReadOnlySpan<float> GetActivation(int layerIndex);
    /// <summary>The compile-time summary table (like Keras' <c>model.summary()</c>).</summary>
    string Summary { get; }

    /// <summary>
    /// A context for inference on this instance's weights from another thread: its own workspace for up to
    /// <paramref name="maxBatch"/> samples and <paramref name="threads"/> kernel threads, the instance's parameter and
    /// buffer arenas (read, not copied), results bit-identical to <see cref="Forward"/>, no allocation per call.
    /// Create one per serving thread and dispose it when done; the contract is on <see cref="IInferenceContext"/>.
    /// Generated networks implement it; the default throws <see cref="NotSupportedException"/>.
    /// </summary>
    /// <param name="maxBatch">The largest batch the context's Forward will be called with.</param>
    /// <param name="threads">Kernel threads of each of the context's calls (1..<see cref="ThreadSafety.MaxThreads"/>).</param>
    /// <remarks>Thread-safe: any thread may call it at any time, also while another thread uses the instance.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">maxBatch is below 1 or its workspace would exceed 2³¹ floats, or threads is out of range.</exception>
    /// <exception cref="ObjectDisposedException">The instance was disposed.</exception>
    IInferenceContext CreateInferenceContext(int maxBatch = 1, int threads = 1)
        => throw new NotSupportedException($"{Name} does not implement CreateInferenceContext; generated networks do.");

    /// <summary>
    /// The dataflow graph with every attribute value (what <see cref="Interop.Onnx"/> exports); generated networks
    /// implement it, other implementations return null (the default).
    /// </summary>
    NetworkGraph? Graph => null;
}

/// <summary>A per-sample shape C×H×W: every dimension at least 1 and C·H·W at most <see cref="int.MaxValue"/> (<c>default</c> is 0×0×0).</summary>
public readonly record struct TensorShape
{
    /// <summary>The shape <paramref name="channels"/>×<paramref name="height"/>×<paramref name="width"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is below 1, or C·H·W exceeds <see cref="int.MaxValue"/>.</exception>
    public TensorShape(int channels, int height, int width)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(channels, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        if ((long)channels * height * width > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"{channels}×{height}×{width} holds more than {int.MaxValue} elements.");
        Channels = channels;
        Height = height;
        Width = width;
    }

    /// <summary>Channels (C).</summary>
    public int Channels { get; }
    /// <summary>Height (H).</summary>
    public int Height { get; }
    /// <summary>Width (W).</summary>
    public int Width { get; }
    /// <summary>C·H·W.</summary>
    public int Size => Channels * Height * Width;
    /// <summary>Deconstructs into (C, H, W).</summary>
    public void Deconstruct(out int channels, out int height, out int width) => (channels, height, width) = (Channels, Height, Width);
    /// <inheritdoc/>
    public override string ToString() => $"{Channels}×{Height}×{Width}";
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
public sealed record LayerInfo(string Name, string Kind, TensorShape OutputShape, long ParameterCount, int FirstTensor, int TensorCount);
