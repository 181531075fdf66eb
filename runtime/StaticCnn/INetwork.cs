namespace StaticCnn;

/// <summary>
/// What every generated network implements: the contract between generated code and the runtime (trainer,
/// optimizers, checkpoints, benchmarks). Activations at this boundary are NCHW float32, one sample after another.
/// </summary>
/// <remarks>
/// Parameters live in one contiguous 64-byte aligned arena (<see cref="Parameters"/>); gradients in a second arena with
/// identical offsets (<see cref="Gradients"/>). Non-trainable state such as BatchNorm running statistics lives in
/// <see cref="Buffers"/>. <see cref="Tensors"/> names every slice as PyTorch's <c>state_dict</c> does.
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
    Span<float> Parameters { get; }
    /// <summary>Gradients of the parameters, same length and offsets as <see cref="Parameters"/>.</summary>
    Span<float> Gradients { get; }
    /// <summary>Non-trainable state (BatchNorm running mean and variance); empty when the network has none.</summary>
    Span<float> Buffers { get; }
    /// <summary>Every named tensor: parameters (offsets into <see cref="Parameters"/>) and buffers (offsets into <see cref="Buffers"/>).</summary>
    IReadOnlyList<TensorInfo> Tensors { get; }
    /// <summary>Every layer in execution order.</summary>
    IReadOnlyList<LayerInfo> Layers { get; }

    /// <summary>Threads the kernels may use; 1 by default. Results are bit-identical whatever the count.</summary>
    int Threads { get; set; }
    /// <summary>Seed of the dropout mask generator; reset it to replay a training run.</summary>
    ulong Seed { get; set; }

    /// <summary>Inference: running statistics for BatchNorm, no dropout. Allocates nothing.</summary>
    /// <exception cref="ArgumentException">A span's length is not batch × the sample size, or batch is not in 1..<see cref="MaxBatch"/>.</exception>
    void Forward(ReadOnlySpan<float> input, Span<float> output, int batch);
    /// <summary>Training forward: batch statistics, dropout, and every activation kept for <see cref="Backward"/>.</summary>
    void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch);
    /// <summary>
    /// Back-propagates <paramref name="dOutput"/> (batch × <see cref="OutputSize"/>) through the last <see cref="ForwardTrain"/>.
    /// Adds into <see cref="Gradients"/> (call <see cref="ZeroGradients"/> first) and, when <paramref name="dInput"/> is not
    /// empty, writes the gradient with respect to the input there (batch × <see cref="InputSize"/>).
    /// </summary>
    void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput);
    /// <summary>Sets every gradient to zero.</summary>
    void ZeroGradients();
    /// <summary>The activation (NCHW, batch × its size) that layer <paramref name="layerIndex"/> produced in the last forward.</summary>
    ReadOnlySpan<float> GetActivation(int layerIndex);
    /// <summary>The compile-time summary table (like Keras' <c>model.summary()</c>).</summary>
    string Summary { get; }
    /// <summary>
    /// The dataflow graph with every attribute value (what <see cref="Interop.Onnx"/> exports); generated networks
    /// implement it, other implementations return null (the default).
    /// </summary>
    NetworkGraph? Graph => null;
}

/// <summary>A per-sample shape C×H×W.</summary>
public readonly record struct TensorShape(int Channels, int Height, int Width)
{
    /// <summary>C·H·W.</summary>
    public int Size => Channels * Height * Width;
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
