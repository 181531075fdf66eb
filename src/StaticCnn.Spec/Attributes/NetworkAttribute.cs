namespace StaticCnn;

/// <summary>
/// Marks a <c>partial class</c> as a network. Its layers are the partial properties of type
/// <see cref="Layer"/> that carry a layer attribute, in declaration order. The generator checks
/// every shape at compile time and emits the forward and backward code.
/// </summary>
/// <example><code>
/// [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
/// public partial class LeNet5
/// {
///     [Conv2D(6, Kernel = 5, Padding = 2, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
///     ...
/// }
/// </code></example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class NetworkAttribute : Attribute
{
    /// <summary>Channels of one input sample (C of NCHW). Required.</summary>
    public int InputChannels { get; set; }
    /// <summary>Height of one input sample (H of NCHW). Required.</summary>
    public int InputHeight { get; set; }
    /// <summary>Width of one input sample (W of NCHW). Required.</summary>
    public int InputWidth { get; set; }
    /// <summary>
    /// Optional path (relative to the project, listed as an <c>AdditionalFiles</c> item) of a safetensors
    /// file whose tensors are baked into the assembly at build time. A missing tensor or a shape mismatch is a build error.
    /// </summary>
    public string? Weights { get; set; }
    /// <summary>
    /// The arithmetic the kernels may use: <see cref="Precision.Standard"/> (the default, within the parity tolerance of
    /// PyTorch) or <see cref="Precision.Relaxed"/> (faster 3×3 convolutions at a larger, measured rounding error).
    /// A compile-time property of the network class (another value is error SCNN0020); it changes which kernels run,
    /// not the API, the parameters or the checkpoint format.
    /// </summary>
    public Precision Precision { get; set; }
}
