namespace StaticCnn.Kernels;

/// <summary>The convolution algorithms, one value per entry of the ordered lists in <see cref="ConvAlgorithms"/>.</summary>
public enum ConvAlgorithm
{
    // ---- forward (and the forward half of a stride-1 backward-data) ----
    /// <summary>1×1, stride 1, unpadded: GEMM with x as B and y as C in place (no copy, no packing but the last partial tile).</summary>
    Pointwise,
    /// <summary>Channel-wise direct kernel on column pairs with the row F(2,3) transform (AVX-512, 16 channels).</summary>
    ChannelWisePairs,
    /// <summary>Direct kernel vectorised over 8 or 16 output channels, for rows narrower than two vectors.</summary>
    ChannelWise,
    /// <summary>Direct kernel with the column F(2,3) transform along the output row (3×3 or 5×5, even row count).</summary>
    ColumnWinograd,
    /// <summary>Direct stride-1 kernel vectorised along the output row, up to 32 output channels.</summary>
    Direct,
    /// <summary>Depthwise (Groups = InC, channel multiplier ≤ 4): per-plane kernel vectorised along the output row.</summary>
    Depthwise,
    /// <summary>Winograd F(4×4, 3×3) with batched GEMMs over the 36 transform planes: <see cref="Precision.Relaxed"/> networks only.</summary>
    Winograd4,
    /// <summary>Winograd F(2×2, 3×3) with batched GEMMs over the 16 transform planes.</summary>
    Winograd,
    /// <summary>Implicit GEMM over a zero-padded copy of the image (stride 1), no packing of B.</summary>
    GemmWide,
    /// <summary>Packed GEMM over the implicit im2col matrix: the general algorithm, applies to every shape.</summary>
    GemmIm2Col,

    // ---- Conv2D.Backward (training step) ----
    /// <summary>Activation derivative, bias, weight and input gradients in one direct pass over the batch.</summary>
    FusedDirectBackward,
    /// <summary>Activation derivative, then the backward-weights and backward-data lists: the general choice.</summary>
    SeparateBackward,

    // ---- backward-data ----
    /// <summary>Depthwise, strided or with a channel multiplier: the forward's tap loop transposed, per input channel.</summary>
    DataDepthwise,
    /// <summary>Winograd F(2×2, 3×3) on the flipped, transposed kernel.</summary>
    DataWinograd,
    /// <summary>Stride 1: the forward list (accumulating) on dy with the flipped, transposed kernel.</summary>
    DataFlippedForward,
    /// <summary>GEMM Wᵀ·dy then col2im: the general algorithm.</summary>
    DataCol2Im,

    // ---- backward-weights ----
    /// <summary>Depthwise: one dot product per tap over the forward's padded plane, per input channel.</summary>
    WeightsDepthwise,
    /// <summary>Direct kernel with (channel, kw) accumulators (KW 3 or 5, rows of at least 8).</summary>
    WeightsDirect,
    /// <summary>dW tiles over a zero-padded copy of the image (stride 1).</summary>
    WeightsWide,
    /// <summary>GEMM dy·col(x)ᵀ over chunks of the im2col matrix: the general algorithm.</summary>
    WeightsIm2Col,
}

/// <summary>The pass a list of <see cref="ConvAlgorithms"/> serves.</summary>
public enum ConvPass
{
    /// <summary>y = act(conv(x, w) + b) (<see cref="Conv2D.Forward"/>).</summary>
    Forward,
    /// <summary>The whole training backward of one layer (<see cref="Conv2D.Backward"/>).</summary>
    Backward,
    /// <summary>dx += conv2d_input_grad (<see cref="Conv2D.BackwardData"/>).</summary>
    BackwardData,
    /// <summary>dw += conv2d_weight_grad (<see cref="Conv2D.BackwardWeights"/>).</summary>
    BackwardWeights,
}

/// <summary>One entry of a list: the algorithm, its name and when it applies.</summary>
/// <param name="Pass">The list it belongs to.</param>
/// <param name="Algorithm">The algorithm.</param>
/// <param name="Name">Short display name (benchmark output, summaries).</param>
/// <param name="When">When its applicability test passes, in words (docs/KERNELS.md repeats it).</param>
public sealed record ConvAlgorithmInfo(ConvPass Pass, ConvAlgorithm Algorithm, string Name, string When);

/// <summary>
/// The convolution algorithms as ordered lists, one per pass, each entry an algorithm with its applicability test;
/// the first entry whose test passes runs, and each list ends in a general algorithm that applies to every shape
/// (the idea of oneDNN's <c>cpu_convolution_list.cpp</c>). The choice depends on the shape and the instruction set
/// only (not on batch or thread count). No PyTorch equivalent (PyTorch: <c>torch.backends.mkldnn</c> picks inside).
/// </summary>
/// <remarks>
/// <para>The tests include the measured crossovers (docs/KERNELS.md), so "applies" means "is worth taking here"
/// as well as "can run"; every entry's test implies that the algorithm computes the right result.</para>
/// <para><b>Forcing</b> (benchmarks and tests): <see cref="Force"/> on the calling thread, or the environment variable
/// <see cref="EnvironmentVariable"/> (comma-separated <see cref="ConvAlgorithm"/> names, read once at start-up) for the
/// whole process. A forced algorithm runs wherever its test passes; elsewhere the list chooses as usual. Force before
/// sizing scratch (<see cref="Conv2D.ScratchFloats"/>): while any algorithm is forced, scratch sizes cover every
/// applicable algorithm of a pass.</para>
/// </remarks>
public static class ConvAlgorithms
{
    /// <summary>Environment variable forcing algorithms for the whole process, e.g. <c>STATICCNN_CONV_ALGORITHM=GemmIm2Col,WeightsIm2Col</c>.</summary>
    public const string EnvironmentVariable = "STATICCNN_CONV_ALGORITHM";

    // ---- the lists, in order --------------------------------------------------------------------------------------

    private static readonly ConvAlgorithm[] ForwardList =
    [
        ConvAlgorithm.Pointwise, ConvAlgorithm.ChannelWisePairs, ConvAlgorithm.ChannelWise, ConvAlgorithm.ColumnWinograd,
        ConvAlgorithm.Direct, ConvAlgorithm.Depthwise, ConvAlgorithm.Winograd4, ConvAlgorithm.Winograd, ConvAlgorithm.GemmWide, ConvAlgorithm.GemmIm2Col,
    ];

    private static readonly ConvAlgorithm[] BackwardList = [ConvAlgorithm.FusedDirectBackward, ConvAlgorithm.SeparateBackward];

    private static readonly ConvAlgorithm[] DataList = [ConvAlgorithm.DataDepthwise, ConvAlgorithm.DataWinograd, ConvAlgorithm.DataFlippedForward, ConvAlgorithm.DataCol2Im];

    private static readonly ConvAlgorithm[] WeightsList = [ConvAlgorithm.WeightsDepthwise, ConvAlgorithm.WeightsDirect, ConvAlgorithm.WeightsWide, ConvAlgorithm.WeightsIm2Col];

    /// <summary>Every list in order (forward, backward, backward-data, backward-weights) with names and tests in words.</summary>
    public static IReadOnlyList<ConvAlgorithmInfo> All { get; } =
    [
        new(ConvPass.Forward, ConvAlgorithm.Pointwise, "pointwise GEMM (in place)",
            "1×1, stride 1, no padding, not accumulating, not depthwise (faster than the channel-wise kernel and both GEMMs on every 1×1 shape measured)"),
        new(ConvPass.Forward, ConvAlgorithm.ChannelWisePairs, "channel-wise column pairs F(2,3)",
            "the channel-wise test, AVX-512, 16 output channels, even OW, KW 3 or 5"),
        new(ConvPass.Forward, ConvAlgorithm.ChannelWise, "channel-wise direct",
            "the direct test, not accumulating, OutC 8 or 16, OW < 16 and not a multiple of 8"),
        new(ConvPass.Forward, ConvAlgorithm.ColumnWinograd, "column Winograd F(2,3)",
            "the direct test, not accumulating, AVX2, square 3×3 or 5×5, OW ≥ 16, OH even, no right padding beyond the kernel's reach"),
        new(ConvPass.Forward, ConvAlgorithm.Direct, "direct",
            "Vector256 accelerated, stride 1, dilation 1, ungrouped, padding ≥ 0, OutC ≤ 32, not 1×1 (1×1 layers with ≤ 32 outputs ran 2–2.4× faster on the GEMMs)"),
        new(ConvPass.Forward, ConvAlgorithm.Depthwise, "depthwise",
            "Groups = InC ≥ 2 (one input channel per group), OutC ≤ 4·InC; any kernel, stride, padding and dilation"),
        new(ConvPass.Forward, ConvAlgorithm.Winograd4, "Winograd F(4x4,3x3)",
            "the Winograd F(2x2,3x3) test and OH, OW ≥ 16, in a network declared with Precision = Precision.Relaxed (or forced)"),
        new(ConvPass.Forward, ConvAlgorithm.Winograd, "Winograd F(2x2,3x3)",
            "3×3, stride 1, dilation 1, ungrouped, InC and OutC ≥ 16, OH and OW ≥ 2, OH·OW ≥ 64 (≥ 400 when a side has < 32 channels)"),
        new(ConvPass.Forward, ConvAlgorithm.GemmWide, "implicit GEMM (padded image)",
            "stride 1, padding ≥ 0, except an unpadded 1×1 layer with OutC ≥ InC (there the packed im2col GEMM is 1.2–1.6× faster) and a plane under 64 pixels where the im2col GEMM computes at most 3/4 of the wide grid's columns, with ≥ 2¹⁷ weights per group (4² and 5² planes, 7² with the dot column: 1.08–1.57× faster there)"),
        new(ConvPass.Forward, ConvAlgorithm.GemmIm2Col, "im2col GEMM", "always"),
        new(ConvPass.Backward, ConvAlgorithm.FusedDirectBackward, "fused direct backward",
            "the direct backward-weights test and KH − 1 − PH ≥ 0, KW − 1 − PW ≥ 0"),
        new(ConvPass.Backward, ConvAlgorithm.SeparateBackward, "backward-weights + backward-data", "always"),
        new(ConvPass.BackwardData, ConvAlgorithm.DataDepthwise, "depthwise",
            "the depthwise forward test and stride > 1 or OutC > InC (stride-1 multiplier-1 layers: flipped forward, which is depthwise too)"),
        new(ConvPass.BackwardData, ConvAlgorithm.DataWinograd, "Winograd F(2x2,3x3) (flipped)",
            "stride 1 and the Winograd forward test on the flipped geometry"),
        new(ConvPass.BackwardData, ConvAlgorithm.DataFlippedForward, "flipped forward", "stride 1"),
        new(ConvPass.BackwardData, ConvAlgorithm.DataCol2Im, "GEMM + col2im", "always"),
        new(ConvPass.BackwardWeights, ConvAlgorithm.WeightsDepthwise, "depthwise", "the depthwise forward test"),
        new(ConvPass.BackwardWeights, ConvAlgorithm.WeightsDirect, "direct", "the direct forward test, KW 3 or 5, OW ≥ 8"),
        new(ConvPass.BackwardWeights, ConvAlgorithm.WeightsWide, "dW tiles (padded image)", "stride 1, padding ≥ 0"),
        new(ConvPass.BackwardWeights, ConvAlgorithm.WeightsIm2Col, "im2col GEMM", "always"),
    ];

    /// <summary>The display name of <paramref name="algorithm"/> (as in <see cref="All"/>).</summary>
    public static string Name(ConvAlgorithm algorithm) => All[(int)algorithm].Name;

    /// <summary>The pass whose list holds <paramref name="algorithm"/>.</summary>
    public static ConvPass PassOf(ConvAlgorithm algorithm) => All[(int)algorithm].Pass;

    // ---- the applicability tests -------------------------------------------------------------------------------

    /// <summary>
    /// The test of <paramref name="a"/> (a switch, not a table of delegates, so the choice costs a few nanoseconds);
    /// <paramref name="accumulate"/> marks the forward of a backward-data or transposed convolution.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static bool Applies(ConvAlgorithm a, in ConvGeom g, bool accumulate) => a switch
    {
        ConvAlgorithm.ChannelWisePairs => !accumulate && ConvDirect.Applies(g) && ConvDirect.ChannelWise(g) && ConvDirect.ChannelWise23(g),
        ConvAlgorithm.ChannelWise => !accumulate && ConvDirect.Applies(g) && ConvDirect.ChannelWise(g),
        ConvAlgorithm.ColumnWinograd => !accumulate && ConvDirect.Rows23(g),
        ConvAlgorithm.Direct => ConvDirect.Applies(g) && g.KH * g.KW > 1,
        ConvAlgorithm.Depthwise => ConvDepthwise.Applies(g),
        ConvAlgorithm.Winograd4 => ConvWinograd4.Applies(g) && (g.Relaxed || (Forced & (1UL << (int)ConvAlgorithm.Winograd4)) != 0),
        ConvAlgorithm.Winograd => ConvWinograd.Applies(g),
        ConvAlgorithm.Pointwise => PointwiseInPlace(g, accumulate),
        ConvAlgorithm.GemmWide => ConvCore.UseWide(g) && !PointwiseExpansion(g) && !SmallPlane(g),
        ConvAlgorithm.WeightsWide => ConvCore.UseWide(g),
        ConvAlgorithm.FusedDirectBackward => ConvDirectBackward.Applies(g),
        ConvAlgorithm.DataDepthwise => ConvDepthwise.AppliesData(g),
        ConvAlgorithm.WeightsDepthwise => ConvDepthwise.AppliesWeights(g),
        ConvAlgorithm.DataWinograd => ConvWinograd.AppliesData(g),
        ConvAlgorithm.DataFlippedForward => g.SH == 1 && g.SW == 1,
        ConvAlgorithm.WeightsDirect => ConvDirect.AppliesWeights(g),
        _ => true,   // GemmIm2Col, SeparateBackward, DataCol2Im, WeightsIm2Col: the general algorithms
    };

    /// <summary>
    /// <see cref="ConvAlgorithm.Pointwise"/>, first in the list: every unpadded stride-1 1×1 layer, grouped or not, except
    /// depthwise ones (one input channel per group: a GEMM of K = 1) and the accumulating forward of backward-data.
    /// Measured with <c>convshape</c> at batch 1, 1 thread, AVX-512 (docs/KERNELS.md, "1×1 convolutions"), on every
    /// 1×1 layer of MobileNetV2 and ResNet-50 it is never slower than what the list chose before: 1.08–1.55× faster
    /// than the padded-image GEMM on the reductions (144→24 at 56²: 101 vs 156 µs; 384→64 at 14²: 49 vs 67 µs;
    /// 2048→512 at 7²: 722 vs 781 µs), 1.00–1.12× faster than the im2col GEMM on the expansions (16→96 at 112²: 196 vs
    /// 220 µs; 64→256 at 56²: 489 vs 517 µs; 256→1024 at 14²: 536 vs 535 µs); 1.05–1.77× on 2 threads (320→1280 at 7²:
    /// 139 vs 200 µs), 1.0–1.3× on AVX2, and 1.5–4.7× faster
    /// than the channel-wise direct kernel on the 1×1 layers with 8 or 16 outputs and narrow rows that it took before
    /// (32→16 at 14²: 1.3 vs 4.6 µs). The same micro-kernels run without the padded copy of x and the copy of the
    /// output block (padded image) or the packing of B (im2col).
    /// </summary>
    internal static bool PointwiseInPlace(in ConvGeom g, bool accumulate)
        => !accumulate && ConvPointwise.Fits(g) && !ConvDepthwise.Applies(g);

    /// <summary>
    /// A small plane (under 64 output pixels per sample) where the im2col GEMM computes at most three quarters of the
    /// columns the padded-image GEMM's wide grid needs (both rounded up to 16; im2col's last N mod 16 columns as dot
    /// products where <see cref="Gemm.DotColumns"/> takes them), with at least 2¹⁷ weights per group. The wide grid of
    /// a 4×4 output with padding 1 is 22 columns (a 32-wide tile for 16 pixels), of a 7×7 one 61 (64 for 48 + 1).
    /// Measured with <c>convshape</c> (1 thread, AVX-512, batch 1): 512→512 3×3 at 4² 590 vs 925 µs, 256→256 at 4² 148
    /// vs 201 µs, 128→128 at 4² 44 vs 53 µs, 256→256 at 5² 231 vs 288 µs, 512→512 at 7² 1430 vs 1768 µs, 256→256 at
    /// 7² 350 vs 416 µs, 128→128 at 7² 98 vs 106 µs; at batch 64 512→512 at 4² 38.9 vs 59.0 ms (the CIFAR ResNet's
    /// last stage). Where the padded image stays: 6² (48 columns either way: 128→128 75 vs 90 µs) and layers under
    /// 2¹⁷ weights (64→64 at 4² 14.9 vs 15.6 µs, at 7² 31.1 vs 32.4 µs).
    /// </summary>
    internal static bool SmallPlane(in ConvGeom g)
    {
        if (g.N >= 64 || (long)g.M * g.K < 1 << 17) return false;
        int im2col = (g.N - Gemm.DotColumns(g.N, g.K) + 15) & ~15;
        int wide = (ConvCore.WideColumns(g) + 15) & ~15;
        return 4 * im2col <= 3 * wide;
    }

    /// <summary>
    /// An unpadded, stride-1 1×1 layer with at least as many output as input channels (MobileNet's expansions,
    /// ResNet-50's 64 → 256): measured, the packed im2col GEMM beats the padded-image GEMM there by 1.2–1.6×
    /// (16→96 at 112², 32→192 at 28², 64→256 at 56², 16→16 at 112²), while the reductions (96→24 at 56², 256→64 at
    /// 56²) are 1.1× faster on the padded image (docs/KERNELS.md). Since <see cref="ConvAlgorithm.Pointwise"/> takes
    /// these layers' forward, the rule decides only their accumulating forward (backward-data).
    /// </summary>
    internal static bool PointwiseExpansion(in ConvGeom g)
        => g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.Cout >= g.Cin;

    // ---- choosing ----------------------------------------------------------------------------------------------

    private static readonly ulong ProcessForced = ParseEnvironment();
    [ThreadStatic] private static ulong t_forced;

    private static ulong Forced => ProcessForced | t_forced;

    /// <summary>True while any algorithm is forced on this thread or for the process.</summary>
    internal static bool AnyForced => Forced != 0;

    internal static ConvAlgorithm ChooseForward(in ConvGeom g, bool accumulate) => Choose(ForwardList, g, accumulate);
    internal static ConvAlgorithm ChooseBackward(in ConvGeom g) => Choose(BackwardList, g, false);
    internal static ConvAlgorithm ChooseData(in ConvGeom g) => Choose(DataList, g, false);
    internal static ConvAlgorithm ChooseWeights(in ConvGeom g) => Choose(WeightsList, g, false);

    private static ConvAlgorithm Choose(ConvAlgorithm[] list, in ConvGeom g, bool accumulate)
    {
        ulong forced = Forced;
        if (forced != 0)
            foreach (var a in list)
                if ((forced & (1UL << (int)a)) != 0 && Applies(a, g, accumulate)) return a;
        foreach (var a in list)
            if (Applies(a, g, accumulate)) return a;
        throw new InvalidOperationException("A convolution algorithm list does not end in a general algorithm.");
    }

    /// <summary>The forward list in order (no copy: for scratch sizing on every call).</summary>
    internal static ReadOnlySpan<ConvAlgorithm> ForwardAlgorithms => ForwardList;

    /// <summary>Whether forward algorithm <paramref name="a"/>'s test passes for <paramref name="g"/>.</summary>
    internal static bool AppliesForward(ConvAlgorithm a, in ConvGeom g, bool accumulate) => Applies(a, g, accumulate);

    /// <summary>Every algorithm of <paramref name="pass"/>'s list whose test passes for <paramref name="g"/>, in list order.</summary>
    internal static List<ConvAlgorithm> Applicable(ConvPass pass, in ConvGeom g, bool accumulate = false)
    {
        var list = pass switch
        {
            ConvPass.Forward => ForwardList, ConvPass.Backward => BackwardList,
            ConvPass.BackwardData => DataList, _ => WeightsList,
        };
        var r = new List<ConvAlgorithm>();
        foreach (var a in list)
            if (Applies(a, g, accumulate)) r.Add(a);
        return r;
    }

    /// <summary>One line naming the algorithm of every pass of <paramref name="g"/> (see <see cref="Conv2D.Describe"/>).</summary>
    internal static string Describe(in ConvGeom g)
    {
        string fwd = Name(ChooseForward(g, false));
        string fused = ChooseBackward(g) == ConvAlgorithm.FusedDirectBackward ? $"backward: {Name(ConvAlgorithm.FusedDirectBackward)}; " : "";
        ConvAlgorithm data = ChooseData(g);
        string dataName = Name(data);
        if (data == ConvAlgorithm.DataFlippedForward)
            dataName += " (" + Name(ChooseForward(ConvWinograd.Flipped(g), true)) + ")";
        return $"forward: {fwd}; {fused}backward-data: {dataName}; backward-weights: {Name(ChooseWeights(g))}";
    }

    /// <summary>
    /// Forces <paramref name="algorithms"/> on the calling thread until the result is disposed (benchmarks and tests):
    /// each runs wherever its test passes, in place of its list's usual choice. Nested scopes replace, then restore.
    /// </summary>
    public static IDisposable Force(params ConvAlgorithm[] algorithms)
    {
        ulong previous = t_forced, mask = 0;
        foreach (var a in algorithms) mask |= 1UL << (int)a;
        t_forced = mask;
        return new Scope(previous);
    }

    private sealed class Scope(ulong previous) : IDisposable
    {
        private bool _done;
        public void Dispose()
        {
            if (_done) return;
            _done = true;
            t_forced = previous;
        }
    }

    private static ulong ParseEnvironment()
    {
        string? v = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (string.IsNullOrWhiteSpace(v)) return 0;
        ulong mask = 0;
        foreach (var part in v.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse(part, ignoreCase: true, out ConvAlgorithm a) || !Enum.IsDefined(a))
                throw new InvalidOperationException(
                    $"{EnvironmentVariable}: '{part}' is not a convolution algorithm; use one of {string.Join(", ", Enum.GetNames<ConvAlgorithm>())}.");
            mask |= 1UL << (int)a;
        }
        return mask;
    }
}
