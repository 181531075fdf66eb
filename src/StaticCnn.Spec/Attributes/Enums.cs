namespace StaticCnn;

/// <summary>An activation fused into the output of a Conv2D, ConvTranspose2D or Dense layer.</summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.Activation beside the runtime's
#else
public
#endif
enum Activation
{
    /// <summary>Identity: the layer's output is its affine result.</summary>
    None = 0,
    /// <summary>max(0, x). PyTorch: <c>nn.ReLU()</c>.</summary>
    ReLU = 1,
    /// <summary>x if x &gt; 0 else 0.01·x. PyTorch: <c>nn.LeakyReLU(0.01)</c>.</summary>
    LeakyReLU = 2,
    /// <summary>1 / (1 + e^-x). PyTorch: <c>nn.Sigmoid()</c>.</summary>
    Sigmoid = 3,
    /// <summary>tanh(x). PyTorch: <c>nn.Tanh()</c>.</summary>
    Tanh = 4,
    /// <summary>min(max(0, x), 6). PyTorch: <c>nn.ReLU6()</c>.</summary>
    ReLU6 = 5,
    /// <summary>
    /// x·relu6(x + 3)/6. PyTorch: <c>nn.Hardswish()</c>. Its derivative needs the input, so only the layer form
    /// (<see cref="HardswishAttribute"/>) exists; as a fused activation the generator reports SCNN0011.
    /// </summary>
    Hardswish = 6,
    /// <summary>
    /// x·sigmoid(x). PyTorch: <c>nn.SiLU()</c>. Its derivative needs the input, so only the layer form
    /// (<see cref="SiLUAttribute"/>) exists; as a fused activation the generator reports SCNN0011.
    /// </summary>
    SiLU = 7,
}

/// <summary>How a convolution or pooling layer pads its input.</summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.PaddingMode beside the runtime's
#else
public
#endif
enum PaddingMode
{
    /// <summary>Use the numeric <c>Padding</c> (or <c>PaddingH</c>/<c>PaddingW</c>) value. The default.</summary>
    Explicit = 0,
    /// <summary>No padding. PyTorch: <c>padding='valid'</c>.</summary>
    Valid = 1,
    /// <summary>Pad so that the output has the input's spatial size (stride 1 only). PyTorch: <c>padding='same'</c>.</summary>
    Same = 2,
}

/// <summary>The interpolation of an <see cref="UpsampleAttribute"/> layer.</summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.UpsampleMode beside the runtime's
#else
public
#endif
enum UpsampleMode
{
    /// <summary>Repeat each pixel. PyTorch: <c>nn.Upsample(mode='nearest')</c>.</summary>
    Nearest = 0,
    /// <summary>Bilinear interpolation with align_corners=False. PyTorch: <c>nn.Upsample(mode='bilinear')</c>.</summary>
    Bilinear = 1,
}

/// <summary>The arithmetic a network's kernels may use (<see cref="NetworkAttribute.Precision"/>).</summary>
#if STATICCNN_GENERATOR
internal // linked into the generator as source: its own copy, not a second public StaticCnn.Precision beside the runtime's
#else
public
#endif
enum Precision
{
    /// <summary>
    /// Every layer within the test suite's parity tolerance of PyTorch (relative 1e-5 on the reference networks): the
    /// default.
    /// </summary>
    Standard = 0,
    /// <summary>
    /// The 3×3 stride-1 convolutions that take Winograd F(2×2, 3×3) under <see cref="Standard"/> run Winograd F(4×4, 3×3)
    /// in the forward pass instead: 2.25 multiplies per output instead of 4, at about ten times the rounding error
    /// (docs/KERNELS.md, "Relaxed precision", gives the measured error against float64 and the test accuracy of trained
    /// networks). Backward passes are unchanged.
    /// </summary>
    Relaxed = 1,
}
