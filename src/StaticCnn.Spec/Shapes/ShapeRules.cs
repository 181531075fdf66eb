namespace StaticCnn.Shapes;

/// <summary>
/// The output-size arithmetic of every layer kind, written once. The generator links this file to check specs at
/// compile time; the runtime compiles it too. All math is 64-bit so that absurd sizes are reported, not wrapped.
/// </summary>
public static class ShapeRules
{
    /// <summary>Largest element count of one tensor (per sample) the generator accepts.</summary>
    public const long MaxElements = int.MaxValue / 8;

    /// <summary>
    /// Output size of a convolution or pooling window along one axis, as PyTorch (floor mode):
    /// floor((input + 2·padding − dilation·(kernel − 1) − 1) / stride) + 1. May be ≤ 0 for an invalid spec.
    /// </summary>
    public static long ConvOutput(long input, long kernel, long stride, long padding, long dilation)
    {
        long span = input + 2 * padding - dilation * (kernel - 1) - 1;
        return FloorDiv(span, stride) + 1;
    }

    /// <summary>The extent of a dilated kernel: dilation·(kernel − 1) + 1.</summary>
    public static long EffectiveKernel(long kernel, long dilation) => dilation * (kernel - 1) + 1;

    /// <summary>
    /// True when a window of stride <paramref name="stride"/> leaves trailing input pixels that no output reads:
    /// (input + 2·padding − effectiveKernel) is not a multiple of the stride.
    /// </summary>
    public static bool DropsPixels(long input, long kernel, long stride, long padding, long dilation)
        => (input + 2 * padding - EffectiveKernel(kernel, dilation)) % stride != 0;

    /// <summary>Output size of a transposed convolution: (input − 1)·stride − 2·padding + dilation·(kernel − 1) + outputPadding + 1.</summary>
    public static long ConvTransposeOutput(long input, long kernel, long stride, long padding, long outputPadding, long dilation)
        => (input - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;

    /// <summary>Padding on the low side for PyTorch's padding='same' (stride 1): total = dilation·(kernel − 1), low = total / 2.</summary>
    public static long SamePaddingLow(long kernel, long dilation) => dilation * (kernel - 1) / 2;

    /// <summary>Whether padding='same' is symmetric (total padding even); PyTorch pads the extra pixel on the high side.</summary>
    public static bool SamePaddingIsSymmetric(long kernel, long dilation) => dilation * (kernel - 1) % 2 == 0;

    /// <summary>Parameters of a convolution: filters·(in/groups)·kH·kW + (bias ? filters : 0).</summary>
    public static long ConvParameters(long inChannels, long filters, long kernelH, long kernelW, long groups, bool bias)
        => filters * (inChannels / groups) * kernelH * kernelW + (bias ? filters : 0);

    /// <summary>Multiply-accumulates of a convolution per sample: outC·outH·outW·(in/groups)·kH·kW.</summary>
    public static long ConvMacs(long inChannels, long outChannels, long outH, long outW, long kernelH, long kernelW, long groups)
        => outChannels * outH * outW * (inChannels / groups) * kernelH * kernelW;

    /// <summary>Parameters of a dense layer: units·in + (bias ? units : 0).</summary>
    public static long DenseParameters(long inFeatures, long units, bool bias) => units * inFeatures + (bias ? units : 0);

    /// <summary>Scale of a bilinear or nearest up-sample along one axis.</summary>
    public static long UpsampleOutput(long input, long scale) => input * scale;

    /// <summary>Low-side offset of a centered crop from <paramref name="input"/> to <paramref name="output"/>, as torchvision: <c>int(round((input - output) / 2.0))</c> (round half to even).</summary>
    public static long CenterCropOffset(long input, long output) => (long)System.Math.Round((input - output) / 2.0, System.MidpointRounding.ToEven);

    /// <summary>Element count C·H·W, or −1 when it exceeds <see cref="MaxElements"/>.</summary>
    public static long Elements(long c, long h, long w)
    {
        if (c <= 0 || h <= 0 || w <= 0) return 0;
        if (c > MaxElements || h > MaxElements || w > MaxElements) return -1;
        long hw = h * w;
        if (hw > MaxElements) return -1;
        long chw = hw * c;
        return chw > MaxElements || chw / c != hw ? -1 : chw;
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}
