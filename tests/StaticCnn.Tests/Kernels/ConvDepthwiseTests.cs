using System.Runtime.Intrinsics.Arm;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The depthwise forward kernel (<see cref="ConvAlgorithm.Depthwise"/>, ConvDepthwise.cs) against
/// <see cref="Conv2D.ForwardReference"/> and the general im2col GEMM (forced) over a grid of shapes: 3×3 and 5×5,
/// stride 1 and 2, padding 0–2, odd widths, 1–96 channels, multiplier 1 and 2, with and without bias, activations,
/// batch 1 and 3; 1 and 2 threads bit-identical, every vector width (16, 8, 4 lanes and the scalar twin) the same bits,
/// the accumulating form (the stride-1 backward-data), unusual geometry and no allocation per call; then the depthwise
/// backward-data and backward-weights kernels (ConvDepthwise.Backward.cs) against the reference twins on the same shapes.
/// </summary>
public class ConvDepthwiseTests
{
    internal static RuntimeConv2DShape Dw(int c, int h, int w, int k, int stride, int pad, int mult = 1, bool bias = true,
        Activation act = Activation.None, int kw = 0, int strideW = 0, int padW = -1, int dil = 1, int highW = -1)
    {
        kw = kw == 0 ? k : kw;
        strideW = strideW == 0 ? stride : strideW;
        padW = padW < 0 ? pad : padW;
        highW = highW < 0 ? padW : highW;
        return new RuntimeConv2DShape
        {
            inC = c, inH = h, inW = w, outC = mult * c, kH = k, kW = kw, strideH = stride, strideW = strideW,
            padH = pad, padW = padW, dilationH = dil, dilationW = dil, groups = c, hasBias = bias, activation = act,
            outH = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1,
            outW = (w + padW + highW - dil * (kw - 1) - 1) / strideW + 1,
        };
    }

    private static readonly int[] Widths = [7, 14, 15, 56, 112];
    private static readonly int[] ChannelCounts = [1, 3, 32, 96];
    private static readonly Activation[] Acts = [Activation.None, Activation.ReLU, Activation.ReLU6];

    /// <summary>(channels, H, W, k, stride, pad, multiplier, bias, activation, batch): every k × stride × pad × width, the rest rotating.</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool, Activation, int> Grid()
    {
        var d = new TheoryData<int, int, int, int, int, int, int, bool, Activation, int>();
        int i = 0;
        foreach (int k in new[] { 3, 5 })
            foreach (int stride in new[] { 1, 2 })
                foreach (int pad in new[] { 0, 1, 2 })
                    foreach (int w in Widths)
                    {
                        int c = ChannelCounts[i % 4];
                        if (w >= 56 && c == 96) c = 32;                   // keep the scalar reference short
                        int h = w >= 56 ? 11 + i % 3 : w;
                        if (w + 2 * pad >= k && h + 2 * pad >= k)
                            d.Add(c, h, w, k, stride, pad, i % 5 == 2 ? 2 : 1, i % 2 == 0, Acts[i % 3], i % 4 == 1 ? 3 : 1);
                        i++;
                    }
        return d;
    }

    /// <summary>MobileNetV2's depthwise layers (3×3, pad 1, no bias; ReLU6 here, as when BatchNorm is folded in).</summary>
    public static TheoryData<int, int, int, int, int, int, int, bool, Activation, int> MobileNet() => new()
    {
        { 32, 112, 112, 3, 1, 1, 1, false, Activation.ReLU6, 1 },
        { 96, 112, 112, 3, 2, 1, 1, false, Activation.ReLU6, 1 },
        { 144, 56, 56, 3, 1, 1, 1, false, Activation.ReLU6, 2 },
        { 384, 14, 14, 3, 1, 1, 1, false, Activation.ReLU6, 3 },
        { 960, 7, 7, 3, 1, 1, 1, false, Activation.None, 2 },
    };

    [Theory, MemberData(nameof(Grid)), MemberData(nameof(MobileNet)), Trait("Category", "Numeric")]
    public void Matches_reference_and_general_algorithm_threads_bit_identical(int c, int h, int w, int k, int stride, int pad,
        int mult, bool bias, Activation act, int batch)
    {
        var s = Dw(c, h, w, k, stride, pad, mult, bias, act);
        var g = Conv2D.Geom(s);
        var rng = new Random(c * 7919 + h * 131 + w * 17 + k * 5 + stride + pad * 3 + mult);
        var x = OpsTestUtil.Rand(rng, batch * c * h * w);
        var wt = OpsTestUtil.Rand(rng, s.outC * k * k);
        var b = bias ? OpsTestUtil.Rand(rng, s.outC) : [];
        int yl = batch * s.outC * s.outH * s.outW;
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        double tol = 2e-6 * k * k + 1e-5;
        if (c >= 2) Assert.Equal(ConvAlgorithm.Depthwise, Conv2D.AlgorithmFor(s));
        else Assert.False(ConvDepthwise.Applies(g));   // one channel: an ordinary convolution, the list's other entries

        float[]? first = null;
        foreach (int t in new[] { 1, 2 })
        {
            var y = OpsTestUtil.Rand(rng, yl);   // stale values must not leak through
            RunKernel(s, x, wt, b, y, batch, t, accumulate: false);
            NumericAssert.Close($"depthwise {s}, batch {batch}, {t} threads", yr, y, rtol: 0, atol: tol);
            if (first == null) first = y;
            else OpsTestUtil.BitEqual(first, y, $"1 vs 2 threads, {s}");
        }
        if (c >= 2)
            using (ConvAlgorithms.Force(ConvAlgorithm.GemmIm2Col))
            {
                Assert.Equal(ConvAlgorithm.GemmIm2Col, Conv2D.AlgorithmFor(s));
                var yg = new float[yl];
                Conv2D.Forward(s, x, wt, b, yg, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1);
                NumericAssert.Close($"depthwise vs im2col GEMM {s}", yg, first!, rtol: 0, atol: tol);
            }
    }

    /// <summary>
    /// Runs the depthwise kernel: through <see cref="Conv2D.Forward"/> where the list takes it, directly for one channel
    /// (Groups = 1, which the list leaves to the ordinary kernels), or accumulating (the backward-data form).
    /// </summary>
    private static unsafe void RunKernel(RuntimeConv2DShape s, float[] x, float[] w, float[] b, float[] y, int batch, int threads,
        bool accumulate)
    {
        var g = Conv2D.Geom(s);
        if (!accumulate && ConvDepthwise.Applies(g))
        {
            Conv2D.Forward(s, x, w, b, y, batch, new float[Conv2D.ForwardScratchFloats(s, batch, threads)], threads);
            return;
        }
        var scratch = new float[ConvDepthwise.ForwardScratch(g, threads)];
        fixed (float* px = x, pw = w, pb = b, py = y, ps = scratch)
            ConvDepthwise.Forward(g, px, pw, s.hasBias ? pb : null, py, batch, accumulate, accumulate ? Activation.None : s.activation, ps, threads);
    }

    [Theory, MemberData(nameof(Grid)), Trait("Category", "Numeric")]
    public void Every_vector_width_gives_the_same_bits(int c, int h, int w, int k, int stride, int pad, int mult, bool bias,
        Activation act, int batch)
    {
        var s = Dw(c, h, w, k, stride, pad, mult, bias, act);
        var rng = new Random(c + h * 3 + w * 5 + k * 7 + stride * 11 + pad * 13);
        var x = OpsTestUtil.Rand(rng, batch * c * h * w);
        var wt = OpsTestUtil.Rand(rng, s.outC * k * k);
        var b = bias ? OpsTestUtil.Rand(rng, s.outC) : [];
        int yl = batch * s.outC * s.outH * s.outW;
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        // with FMA hardware every width rounds each tap once: the same bits (without it, Gemm.Fma emulates in double)
        bool fma = System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported;
        float[]? first = null;
        foreach (int lanes in new[] { 16, 8, 4, 1 })
        {
            var y = new float[yl];
            ConvDepthwise.TestLanes = lanes;
            try { RunKernel(s, x, wt, b, y, batch, 1, accumulate: false); }
            finally { ConvDepthwise.TestLanes = 0; }
            NumericAssert.Close($"{lanes} lanes, {s}", yr, y, rtol: 0, atol: 2e-6 * k * k + 1e-5);
            if (first == null) first = y;
            else if (fma) OpsTestUtil.BitEqual(first, y, $"16 vs {lanes} lanes, {s}");
        }
    }

    /// <summary>Shapes off the grid: rectangular kernels and strides, stride 3, dilation 2, asymmetric padding, multiplier 4.</summary>
    public static TheoryData<RuntimeConv2DShape, int> Unusual() => new()
    {
        { Dw(5, 13, 29, 3, 1, 1, dil: 2), 2 },                              // dilation 2
        { Dw(4, 17, 23, 3, 3, 1), 1 },                                        // stride 3 (scalar phase split)
        { Dw(6, 11, 40, 3, 1, 1, strideW: 2), 2 },                            // stride 1 down, 2 across
        { Dw(3, 12, 33, 3, 2, 0, strideW: 1, padW: 1), 1 },                   // stride 2 down, 1 across
        { Dw(8, 9, 31, 1, 1, 0, kw: 7, padW: 3), 2 },                         // 1×7
        { Dw(8, 21, 5, 7, 1, 3, kw: 1, padW: 0), 1 },                         // 7×1, rows of 5
        { Dw(2, 10, 3, 3, 1, 1), 3 },                                         // rows of 3 (Vector128, tails spill)
        { Dw(3, 6, 1, 3, 1, 1, kw: 1, padW: 0), 2 },                          // rows of 1
        { Dw(4, 14, 14, 3, 2, 1, highW: 0), 2 },                              // TensorFlow "same" stride 2: no right padding
        { Dw(5, 15, 15, 4, 1, 1, highW: 2), 1 },                              // even kernel, asymmetric padding
        { Dw(6, 12, 20, 3, 1, 1, mult: 4, act: Activation.LeakyReLU), 2 },    // multiplier 4
        { Dw(7, 9, 18, 5, 2, 2, mult: 3, act: Activation.Sigmoid), 1 },       // multiplier 3
        { Dw(9, 16, 16, 3, 1, 1, act: Activation.Tanh), 2 },
        { Dw(9, 20, 70, 5, 1, 2, bias: false, act: Activation.ReLU6, dil: 2), 1 },
    };

    [Theory, MemberData(nameof(Unusual)), Trait("Category", "Numeric")]
    public void Unusual_geometry_matches_reference(RuntimeConv2DShape s, int batch)
    {
        Assert.Equal(ConvAlgorithm.Depthwise, Conv2D.AlgorithmFor(s));
        var rng = new Random(s.inC * 31 + s.inW);
        var x = OpsTestUtil.Rand(rng, batch * s.inC * s.inH * s.inW);
        var wt = OpsTestUtil.Rand(rng, s.outC * s.kH * s.kW);
        var b = s.hasBias ? OpsTestUtil.Rand(rng, s.outC) : [];
        int yl = batch * s.outC * s.outH * s.outW;
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2 })
        {
            var y = OpsTestUtil.Rand(rng, yl);
            Conv2D.Forward(s, x, wt, b, y, batch, new float[Conv2D.ForwardScratchFloats(s, batch, t)], t);
            NumericAssert.Close($"{s}, {t} threads", yr, y, rtol: 0, atol: 2e-6 * s.kH * s.kW + 1e-5);
            if (first == null) first = y;
            else OpsTestUtil.BitEqual(first, y, $"1 vs 2 threads, {s}");
        }
    }

    [Theory, MemberData(nameof(Unusual)), Trait("Category", "Numeric")]
    public void Accumulating_adds_the_convolution_without_bias(RuntimeConv2DShape s, int batch)
    {
        var rng = new Random(s.inC * 17 + s.inH);
        var x = OpsTestUtil.Rand(rng, batch * s.inC * s.inH * s.inW);
        var wt = OpsTestUtil.Rand(rng, s.outC * s.kH * s.kW);
        var b = s.hasBias ? OpsTestUtil.Rand(rng, s.outC) : [];
        int yl = batch * s.outC * s.outH * s.outW;
        var conv = OpsTestUtil.ConvWithoutBias(s, x, wt, batch);
        var y0 = OpsTestUtil.Rand(rng, yl);
        var expected = new float[yl];
        for (int i = 0; i < yl; i++) expected[i] = y0[i] + conv[i];
        foreach (int t in new[] { 1, 2 })
        {
            var y = (float[])y0.Clone();
            RunKernel(s, x, wt, b, y, batch, t, accumulate: true);
            NumericAssert.Close($"accumulating {s}, {t} threads", expected, y, rtol: 0, atol: 2e-6 * s.kH * s.kW + 2e-5);
        }
    }

    /// <summary>
    /// The direct 3×3 / 2 kernel (ConvDepthwise.Stride2.cs) reads the input rows straight, 32 columns at a time, with
    /// lane masks at the row's end instead of a padded copy: x placed right after and right before a PROT_NONE page
    /// (Linux) must give the reference's values without a fault, and the bits of the padded kernel (8 lanes); odd and
    /// even sizes, rows of one vector, of several, and with a partial last vector, multiplier 2.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(3, 1, 1, 1, 1)]
    [InlineData(4, 5, 7, 1, 2)]
    [InlineData(2, 9, 16, 2, 1)]
    [InlineData(3, 6, 31, 1, 2)]
    [InlineData(2, 11, 32, 1, 1)]
    [InlineData(2, 8, 33, 2, 3)]
    [InlineData(5, 4, 64, 1, 1)]
    [InlineData(2, 13, 97, 1, 2)]
    public unsafe void Direct_3x3_stride_2_never_reads_outside_the_planes(int c, int h, int w, int mult, int batch)
    {
        var s = Dw(c, h, w, 3, 2, 1, mult: mult, bias: true, act: Activation.ReLU6);
        var g = Conv2D.Geom(s);
        Assert.True(ConvDepthwise.Stride2x3(g) || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        var rng = new Random(c * 3 + h * 5 + w + mult);
        int xl = batch * c * h * w, yl = batch * s.outC * s.outH * s.outW;
        var x = OpsTestUtil.Rand(rng, xl, -3f, 3f);
        var wt = OpsTestUtil.Rand(rng, s.outC * 9);
        var b = OpsTestUtil.Rand(rng, s.outC);
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        var padded = new float[yl];
        ConvDepthwise.TestLanes = 8;
        try { RunKernel(s, x, wt, b, padded, batch, 1, accumulate: false); }
        finally { ConvDepthwise.TestLanes = 0; }
        bool fma = System.Runtime.Intrinsics.X86.Fma.IsSupported || AdvSimd.IsSupported;
        foreach (int t in new[] { 1, 2 })
            foreach (bool after in new[] { true, false })
            {
                if (!GuardedMemory.Supported) break;
                var scratch = new float[Conv2D.ForwardScratchFloats(s, batch, t)];
                GuardedMemory.Run(x, after, px =>
                {
                    var y = OpsTestUtil.Rand(new Random(t), yl);   // stale values must not leak through
                    Conv2D.Forward(s, new ReadOnlySpan<float>((float*)px, xl), wt, b, y, batch, scratch, t);
                    NumericAssert.Close($"{s}, x against a guard page ({(after ? "after" : "before")}), {t} threads", yr, y, rtol: 0, atol: 2e-6 * 9 + 1e-5);
                    if (fma) OpsTestUtil.BitEqual(padded, y, $"direct vs padded kernel, {s}, {t} threads");
                });
            }
    }

    /// <summary>
    /// The direct 3×3 / 1 kernel (ConvDepthwise.Same3x3.cs) reads the rows above and below and the columns left and right
    /// of each vector with lane masks instead of a padded copy: x (and, accumulating, y) placed right after and right
    /// before a PROT_NONE page (Linux) must give the reference's values without a fault; widths with edge-only,
    /// interior and partial vectors, one and several row blocks, and every vector width the same bits.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(3, 1, 1, 1)]
    [InlineData(4, 5, 7, 2)]
    [InlineData(2, 9, 16, 1)]
    [InlineData(3, 6, 17, 2)]
    [InlineData(2, 11, 40, 1)]
    [InlineData(5, 4, 33, 3)]
    public unsafe void Direct_3x3_never_reads_outside_the_planes(int c, int h, int w, int batch)
    {
        var s = Dw(c, h, w, 3, 1, 1, bias: true, act: Activation.ReLU);
        var g = Conv2D.Geom(s);
        Assert.True(ConvDepthwise.Same3x3(g) || !System.Runtime.Intrinsics.X86.Avx512F.IsSupported);
        var rng = new Random(c * 3 + h * 5 + w);
        int xl = batch * c * h * w, yl = xl;
        var x = OpsTestUtil.Rand(rng, xl);
        var wt = OpsTestUtil.Rand(rng, c * 9);
        var b = OpsTestUtil.Rand(rng, c);
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        var conv = OpsTestUtil.ConvWithoutBias(s, x, wt, batch);
        var y0 = OpsTestUtil.Rand(rng, yl);
        double tol = 2e-6 * 9 + 1e-5;
        foreach (int t in new[] { 1, 2 })
            foreach (bool after in new[] { true, false })
            {
                if (!GuardedMemory.Supported) break;
                var scratch = new float[Conv2D.ForwardScratchFloats(s, batch, t)];
                GuardedMemory.Run(x, after, px =>
                {
                    var y = new float[yl];
                    Conv2D.Forward(s, new ReadOnlySpan<float>((float*)px, xl), wt, b, y, batch, scratch, t);
                    NumericAssert.Close($"{s}, x against a guard page ({(after ? "after" : "before")}), {t} threads", yr, y, rtol: 0, atol: tol);
                    // accumulating (the stride-1 backward-data form), y against a guard page too
                    GuardedMemory.Run(y0, after, py =>
                    {
                        var ds = new float[ConvDepthwise.ForwardScratch(g, t)];
                        fixed (float* pw = wt, pds = ds)
                            ConvDepthwise.Forward(g, (float*)px, pw, null, (float*)py, batch, true, Activation.None, pds, t);
                        var acc = new ReadOnlySpan<float>((float*)py, yl).ToArray();
                        for (int i = 0; i < yl; i++)
                            Assert.True(Math.Abs(acc[i] - (y0[i] + conv[i])) <= tol, $"accumulating {s}, element {i}: {acc[i]} vs {y0[i] + conv[i]}");
                    });
                });
            }
    }

    [Theory, Trait("Category", "Numeric")]
    [InlineData(32, 14, 14, 3, 1, 2)]
    [InlineData(16, 9, 15, 5, 2, 1)]
    [InlineData(8, 12, 7, 3, 0, 3)]
    public void Stride1_backward_data_runs_the_depthwise_kernel_on_the_flipped_filter(int c, int h, int w, int k, int pad, int batch)
    {
        var s = Dw(c, h, w, k, 1, pad);
        Assert.Contains("backward-data: flipped forward (depthwise)", Conv2D.Describe(s));
        var rng = new Random(c + h + w);
        var wt = OpsTestUtil.Rand(rng, c * k * k);
        var dy = OpsTestUtil.Rand(rng, batch * c * s.outH * s.outW);
        var dx0 = OpsTestUtil.Rand(rng, batch * c * h * w);
        var dxr = (float[])dx0.Clone();
        Conv2D.BackwardDataReference(s, wt, dy, dxr, batch, default, 1);
        foreach (int t in new[] { 1, 2 })
        {
            var dx = (float[])dx0.Clone();
            Conv2D.BackwardData(s, wt, dy, dx, batch, new float[Conv2D.ScratchFloats(s, batch, t)], t);
            NumericAssert.Close($"backward-data {s}, {t} threads", dxr, dx, rtol: 0, atol: 2e-6 * k * k + 2e-5);
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void Forward_allocates_nothing_and_splits_over_two_threads()
    {
        var s = Dw(64, 28, 28, 3, 1, 1, act: Activation.ReLU6);
        var rng = new Random(5);
        var x = OpsTestUtil.Rand(rng, 2 * 64 * 28 * 28);
        var wt = OpsTestUtil.Rand(rng, 64 * 9);
        var b = OpsTestUtil.Rand(rng, 64);
        var y = new float[2 * 64 * 28 * 28];
        var scratch = new float[Conv2D.ForwardScratchFloats(s, 2, 2)];
        long before = GemmWorkers.Dispatches + GemmWorkers.InlineWhileBusy;
        OpsTestUtil.NoAllocation(() => Conv2D.Forward(s, x, wt, b, y, 2, scratch, 2), expectPool: false);
        Assert.True(GemmWorkers.Dispatches + GemmWorkers.InlineWhileBusy > before, "the forward never split into parts");
    }

    // ---- backward ----------------------------------------------------------------------------------------------------

    [Theory, MemberData(nameof(Grid)), MemberData(nameof(MobileNet)), Trait("Category", "Numeric")]
    public void Backward_matches_reference_threads_bit_identical(int c, int h, int w, int k, int stride, int pad, int mult,
        bool bias, Activation act, int batch)
    {
        var s = Dw(c, h, w, k, stride, pad, mult, bias, act);
        var g = Conv2D.Geom(s);
        if (c >= 2)
        {
            Assert.Equal(ConvAlgorithm.WeightsDepthwise, Conv2D.AlgorithmFor(s, ConvPass.BackwardWeights));
            Assert.Equal(stride > 1 || mult > 1 ? ConvAlgorithm.DataDepthwise : ConvAlgorithm.DataFlippedForward,
                Conv2D.AlgorithmFor(s, ConvPass.BackwardData));
        }
        BackwardCheck(s, batch, new Random(c * 31 + h * 7 + w + k * 3 + stride + pad * 5 + mult * 11));
    }

    [Theory, MemberData(nameof(Unusual)), Trait("Category", "Numeric")]
    public void Backward_of_unusual_geometry_matches_reference(RuntimeConv2DShape s, int batch)
    {
        Assert.Equal(ConvAlgorithm.WeightsDepthwise, Conv2D.AlgorithmFor(s, ConvPass.BackwardWeights));
        BackwardCheck(s, batch, new Random(s.inC * 13 + s.inW * 3 + s.outC));
    }

    /// <summary>Conv2D.Backward (activation derivative, weights, bias, data) against its reference, 1 and 2 threads bit-identical.</summary>
    private static void BackwardCheck(RuntimeConv2DShape s, int batch, Random rng)
    {
        int xl = batch * s.inC * s.inH * s.inW, yl = batch * s.outC * s.outH * s.outW, wl = s.outC * s.kH * s.kW;
        var x = OpsTestUtil.Rand(rng, xl);
        var wt = OpsTestUtil.Rand(rng, wl);
        var b = s.hasBias ? OpsTestUtil.Rand(rng, s.outC) : [];
        var y = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, y, batch, default, 1);
        var dyIn = OpsTestUtil.Rand(rng, yl);
        var dx0 = OpsTestUtil.Rand(rng, xl);
        var dw0 = OpsTestUtil.Rand(rng, wl);
        var db0 = s.hasBias ? OpsTestUtil.Rand(rng, s.outC) : [];
        var dyr = (float[])dyIn.Clone();
        var dxr = (float[])dx0.Clone(); var dwr = (float[])dw0.Clone(); var dbr = (float[])db0.Clone();
        Conv2D.BackwardReference(s, x, wt, y, dyr, dxr, dwr, dbr, batch, default, 1);
        // dw sums batch·OH·OW products of values in [-1, 1]; dx at most KH·KW·m
        double tolX = 2e-6 * s.kH * s.kW * (s.outC / s.inC) + 2e-5, tolW = 2e-6 * batch * s.outH * s.outW + 2e-5;
        float[]? dx1 = null, dw1 = null;
        foreach (int t in new[] { 1, 2 })
        {
            var dy = (float[])dyIn.Clone();
            var dx = (float[])dx0.Clone(); var dw = (float[])dw0.Clone(); var db = (float[])db0.Clone();
            Conv2D.Backward(s, x, wt, y, dy, dx, dw, db, batch, new float[Conv2D.ScratchFloats(s, batch, t)], t);
            NumericAssert.Close($"dx {s}, batch {batch}, {t} threads", dxr, dx, rtol: 0, atol: tolX);
            NumericAssert.Close($"dw {s}, batch {batch}, {t} threads", dwr, dw, rtol: 0, atol: tolW);
            NumericAssert.Close($"db {s}, batch {batch}, {t} threads", dbr, db, rtol: 0, atol: tolW);
            if (dx1 == null) { dx1 = dx; dw1 = dw; }
            else
            {
                OpsTestUtil.BitEqual(dx1, dx, $"dx, 1 vs 2 threads, {s}");
                OpsTestUtil.BitEqual(dw1!, dw, $"dw, 1 vs 2 threads, {s}");
            }
        }
    }

    [Fact]
    public void Describe_names_the_depthwise_kernels()
    {
        Assert.Equal("forward: depthwise; backward-data: depthwise; backward-weights: depthwise",
            Conv2D.Describe(Dw(96, 112, 112, 3, 2, 1)));
        Assert.Equal("forward: depthwise; backward-data: flipped forward (depthwise); backward-weights: depthwise",
            Conv2D.Describe(Dw(32, 112, 112, 3, 1, 1)));
    }

    [Fact, Trait("Category", "Numeric")]
    public void Backward_allocates_nothing()
    {
        var s = Dw(64, 28, 28, 3, 2, 1, bias: false, act: Activation.ReLU6);
        var rng = new Random(9);
        var x = OpsTestUtil.Rand(rng, 2 * 64 * 28 * 28);
        var wt = OpsTestUtil.Rand(rng, 64 * 9);
        var y = new float[2 * 64 * 14 * 14];
        Conv2D.ForwardReference(s, x, wt, [], y, 2, default, 1);
        var dy = OpsTestUtil.Rand(rng, y.Length);
        var dx = new float[x.Length]; var dw = new float[wt.Length];
        var scratch = new float[Conv2D.ScratchFloats(s, 2, 2)];
        OpsTestUtil.NoAllocation(() => Conv2D.Backward(s, x, wt, y, dy, dx, dw, [], 2, scratch, 2), expectPool: false);
    }
}
