using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The ordered algorithm lists of <see cref="ConvAlgorithms"/>: (1) they choose what the dispatch spread over ConvCore,
/// ConvDirect and Conv2D chose before the lists existed (that decision is kept here, test-side, as <see cref="OldForward"/>
/// and friends) on real and a few hundred random shapes; (2) every applicable algorithm, forced, matches the reference twin.
/// </summary>
public class ConvAlgorithmListTests
{
    // ---- the decision before the lists, written out from ConvCore.Forward/BackwardData/BackwardWeights, ConvDirect.Forward and Conv2D.Backward ----

    private static bool OldWide(in ConvGeom g) => g.SH == 1 && g.SW == 1 && g.PH >= 0 && g.PW >= 0;

    internal static ConvAlgorithm OldForward(in ConvGeom g, bool accumulate)
    {
        // added after the lists: depthwise layers (grouped, one input channel per group) left the GEMM paths
        if (ConvDepthwise.Applies(g)) return ConvAlgorithm.Depthwise;
        // added after the lists: unpadded stride-1 1×1 layers run the in-place GEMM (not accumulating), also where
        // the channel-wise kernel applied (8 or 16 outputs)
        if (!accumulate && ConvPointwise.Fits(g)) return ConvAlgorithm.Pointwise;
        if (ConvDirect.Applies(g))
        {
            if (!accumulate && ConvDirect.ChannelWise(g))
                return ConvDirect.ChannelWise23(g) ? ConvAlgorithm.ChannelWisePairs : ConvAlgorithm.ChannelWise;
            if (!accumulate && ConvDirect.Rows23(g)) return ConvAlgorithm.ColumnWinograd;
            if (g.KH * g.KW > 1) return ConvAlgorithm.Direct;   // added after the lists: 1×1 layers go to the GEMMs
        }
        if (ConvWinograd.Applies(g)) return ConvAlgorithm.Winograd;
        // added after the lists: unpadded 1×1 expansions take the packed im2col GEMM
        bool expansion = g.KH == 1 && g.KW == 1 && g.SH == 1 && g.SW == 1 && g.PH == 0 && g.PW == 0 && g.Cout >= g.Cin;
        // added after the lists: small planes (≥ 2¹⁷ weights) where im2col computes ≤ 3/4 of the wide grid's columns
        int wp = Math.Max(g.OW + g.DW * (g.KW - 1), g.PW + g.W), wideCols = ((g.OH - 1) * wp + g.OW + 15) / 16 * 16;
        int im2colCols = (g.N - Gemm.DotColumns(g.N, g.K) + 15) / 16 * 16;
        bool small = g.N < 64 && (long)g.M * g.K >= 1 << 17 && 4 * im2colCols <= 3 * wideCols;
        return OldWide(g) && !expansion && !small ? ConvAlgorithm.GemmWide : ConvAlgorithm.GemmIm2Col;
    }

    internal static ConvAlgorithm OldBackward(in ConvGeom g)
        => ConvDirectBackward.Applies(g) ? ConvAlgorithm.FusedDirectBackward : ConvAlgorithm.SeparateBackward;

    internal static ConvAlgorithm OldData(in ConvGeom g)
        => ConvDepthwise.AppliesData(g) ? ConvAlgorithm.DataDepthwise   // added after the lists
            : ConvWinograd.AppliesData(g) ? ConvAlgorithm.DataWinograd
            : g.SH == 1 && g.SW == 1 ? ConvAlgorithm.DataFlippedForward : ConvAlgorithm.DataCol2Im;

    internal static ConvAlgorithm OldWeights(in ConvGeom g)
        => ConvDepthwise.AppliesWeights(g) ? ConvAlgorithm.WeightsDepthwise   // added after the lists
            : ConvDirect.AppliesWeights(g) ? ConvAlgorithm.WeightsDirect : OldWide(g) ? ConvAlgorithm.WeightsWide : ConvAlgorithm.WeightsIm2Col;

    // ---- shapes ----------------------------------------------------------------------------------------------------

    internal static RuntimeConv2DShape Shape(int inC, int h, int w, int outC, int kh, int kw, int sh = 1, int sw = 1,
        int ph = 0, int pw = 0, int dh = 1, int dw = 1, int groups = 1, Activation act = Activation.None) => new()
    {
        inC = inC, inH = h, inW = w, outC = outC, kH = kh, kW = kw, strideH = sh, strideW = sw, padH = ph, padW = pw,
        dilationH = dh, dilationW = dw, groups = groups, hasBias = true, activation = act,
        outH = (h + 2 * ph - dh * (kh - 1) - 1) / sh + 1, outW = (w + 2 * pw - dw * (kw - 1) - 1) / sw + 1,
    };

    /// <summary>Layers of the sample and benchmark networks (LeNet-5, Cifar10Net, VGG-16, ResNet, 1-D) and the kernel tests' routing shapes.</summary>
    private static IEnumerable<RuntimeConv2DShape> RealShapes()
    {
        yield return Shape(1, 28, 28, 6, 5, 5, ph: 2, pw: 2);           // LeNet-5 Conv1
        yield return Shape(6, 14, 14, 16, 5, 5);                         // LeNet-5 Conv2
        foreach (var (c0, c1, s) in new[] { (3, 32, 32), (32, 32, 32), (32, 64, 16), (64, 64, 16), (64, 128, 8), (128, 128, 8) })
            yield return Shape(c0, s, s, c1, 3, 3, ph: 1, pw: 1);        // Cifar10Net-style 3×3 stacks
        foreach (var (c0, c1, s) in new[] { (3, 64, 224), (64, 64, 224), (64, 128, 112), (128, 128, 112), (128, 256, 56), (256, 256, 56),
                     (256, 512, 28), (512, 512, 28), (512, 512, 14), (64, 64, 56), (128, 128, 28), (256, 256, 14) })
            yield return Shape(c0, s, s, c1, 3, 3, ph: 1, pw: 1);        // VGG-16 and the benchmark convs
        yield return Shape(3, 224, 224, 64, 7, 7, 2, 2, 3, 3);           // ResNet stem
        yield return Shape(64, 56, 56, 128, 1, 1, 2, 2);                 // ResNet downsample 1×1
        yield return Shape(64, 56, 56, 256, 1, 1);                       // ResNet-50 1×1
        yield return Shape(128, 28, 28, 128, 3, 3, 2, 2, 1, 1);          // stride-2 3×3
        yield return Shape(512, 7, 7, 512, 3, 3, ph: 1, pw: 1);          // ResNet's last stage: im2col with a dot-product column
        yield return Shape(32, 112, 112, 32, 3, 3, ph: 1, pw: 1, groups: 32);   // depthwise
        yield return Shape(96, 112, 112, 96, 3, 3, 2, 2, 1, 1, groups: 96);      // depthwise, stride 2 (MobileNetV2)
        yield return Shape(8, 1, 200, 16, 1, 5, pw: 2);                  // Conv1D on 2-D
        yield return Shape(16, 1, 100, 32, 1, 3, sw: 2, pw: 1);          // strided Conv1D
        yield return Shape(16, 1, 64, 16, 1, 3, pw: 2, dw: 2);           // dilated Conv1D
        yield return Shape(3, 10, 10, 6, 3, 3);                          // direct
        yield return Shape(5, 9, 9, 8, 3, 3, ph: 1, pw: 1);              // channel-wise
        yield return Shape(5, 6, 6, 16, 3, 3, ph: 1, pw: 1);             // channel-wise pairs
        yield return Shape(4, 18, 18, 10, 3, 3, ph: 1, pw: 1);           // column Winograd
        yield return Shape(8, 12, 12, 48, 3, 3, ph: 1, pw: 1);           // implicit GEMM
        yield return Shape(8, 13, 13, 40, 3, 3, 2, 2, 1, 1);             // im2col GEMM
        yield return Shape(32, 12, 12, 48, 3, 3, ph: 1, pw: 1);          // Winograd
    }

    private static readonly int[] Channels = [1, 2, 3, 6, 8, 12, 16, 17, 20, 24, 32, 33, 40, 48, 64, 96, 128];

    private static IEnumerable<RuntimeConv2DShape> RandomShapes(int count, int seed)
    {
        var r = new Random(seed);
        for (int made = 0; made < count;)
        {
            int kh = r.Next(4) == 0 ? r.Next(1, 8) : 3, kw = r.Next(3) == 0 ? r.Next(1, 8) : kh;
            if (r.Next(4) == 0) kw = kh == 3 ? 5 : kh;
            int sh = r.Next(4) == 0 ? 2 : 1, sw = r.Next(5) == 0 ? 3 - sh : sh;
            int dh = r.Next(8) == 0 ? 2 : 1, dw = r.Next(8) == 0 ? 2 : dh;
            int ph = r.Next(0, kh), pw = r.Next(5) == 0 ? r.Next(0, kw) : Math.Min(ph, kw - 1);
            int groups = r.Next(8) == 0 ? (r.Next(2) == 0 ? 2 : 4) : 1;
            int inC = Channels[r.Next(Channels.Length)], outC = Channels[r.Next(Channels.Length)];
            if (groups > 1) { inC = groups * Math.Max(1, inC / groups); outC = groups * Math.Max(1, outC / groups); }
            int h = r.Next(3) == 0 ? 1 + r.Next(8) : 4 + r.Next(60), w = r.Next(3) == 0 ? 1 + r.Next(12) : 4 + r.Next(60);
            var s = Shape(inC, h, w, outC, kh, kw, sh, sw, ph, pw, dh, dw, groups);
            if (s.outH < 1 || s.outW < 1) continue;
            made++;
            yield return s;
        }
    }

    // ---- (1) the lists choose as before ------------------------------------------------------------------------------

    [Fact]
    public void The_lists_choose_what_the_old_dispatch_chose()
    {
        var seen = new HashSet<ConvAlgorithm>();
        int n = 0;
        foreach (var s in RealShapes().Concat(RandomShapes(600, 13)))
        {
            var g = Conv2D.Geom(s);
            var flipped = ConvWinograd.Flipped(g);
            Assert.True(OldForward(g, false) == Conv2D.AlgorithmFor(s), $"forward {s}");
            Assert.True(OldForward(g, false) == ConvAlgorithms.ChooseForward(g, false), $"forward {s}");
            Assert.True(OldForward(g, true) == ConvAlgorithms.ChooseForward(g, true), $"accumulating forward {s}");
            if (g.SH == 1 && g.SW == 1)
                Assert.True(OldForward(flipped, true) == ConvAlgorithms.ChooseForward(flipped, true), $"flipped forward {s}");
            Assert.True(OldBackward(g) == Conv2D.AlgorithmFor(s, ConvPass.Backward), $"backward {s}");
            Assert.True(OldData(g) == Conv2D.AlgorithmFor(s, ConvPass.BackwardData), $"backward-data {s}");
            Assert.True(OldWeights(g) == Conv2D.AlgorithmFor(s, ConvPass.BackwardWeights), $"backward-weights {s}");
            // the same shape in a Precision.Relaxed network: F(4×4, 3×3) where F(2×2, 3×3) ran on 16×16 or more (also
            // accumulating), every other choice and every backward pass the same
            var relaxed = s with { precision = Precision.Relaxed };
            var gr = Conv2D.Geom(relaxed);
            foreach (bool acc in new[] { false, true })
            {
                ConvAlgorithm old2 = OldForward(g, acc);
                ConvAlgorithm expectRelaxed = old2 == ConvAlgorithm.Winograd && g.OH >= 16 && g.OW >= 16 ? ConvAlgorithm.Winograd4 : old2;
                Assert.True(expectRelaxed == ConvAlgorithms.ChooseForward(gr, acc), $"relaxed forward (accumulate {acc}) {s}");
                if (expectRelaxed == ConvAlgorithm.Winograd4) seen.Add(ConvAlgorithm.Winograd4);
            }
            Assert.True(OldData(g) == Conv2D.AlgorithmFor(relaxed, ConvPass.BackwardData), $"relaxed backward-data {s}");
            Assert.True(OldWeights(g) == Conv2D.AlgorithmFor(relaxed, ConvPass.BackwardWeights), $"relaxed backward-weights {s}");
            seen.Add(OldForward(g, false));
            seen.Add(OldBackward(g));
            seen.Add(OldData(g));
            seen.Add(OldWeights(g));
            n++;
        }
        Assert.True(n > 600);
        // the shapes reach every algorithm this machine can run (the vector kernels need AVX2 / AVX-512)
        var expected = new List<ConvAlgorithm>
        {
            ConvAlgorithm.Winograd, ConvAlgorithm.Winograd4, ConvAlgorithm.GemmWide, ConvAlgorithm.GemmIm2Col, ConvAlgorithm.SeparateBackward,
            ConvAlgorithm.DataWinograd, ConvAlgorithm.DataFlippedForward, ConvAlgorithm.DataCol2Im,
            ConvAlgorithm.WeightsWide, ConvAlgorithm.WeightsIm2Col, ConvAlgorithm.Depthwise, ConvAlgorithm.DataDepthwise, ConvAlgorithm.WeightsDepthwise,
            ConvAlgorithm.Pointwise,
        };
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            expected.AddRange([ConvAlgorithm.Direct, ConvAlgorithm.ChannelWise, ConvAlgorithm.FusedDirectBackward, ConvAlgorithm.WeightsDirect]);
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported) expected.Add(ConvAlgorithm.ColumnWinograd);
        if (System.Runtime.Intrinsics.X86.Avx512F.IsSupported) expected.Add(ConvAlgorithm.ChannelWisePairs);
        foreach (var a in expected) Assert.True(seen.Contains(a), $"no shape chose {a}");
    }

    [Fact]
    public void Every_list_ends_in_an_algorithm_that_always_applies_and_names_are_unique()
    {
        var all = ConvAlgorithms.All;
        Assert.Equal(Enum.GetValues<ConvAlgorithm>().Length, all.Count);
        for (int i = 0; i < all.Count; i++) Assert.Equal((ConvAlgorithm)i, all[i].Algorithm);
        foreach (var pass in Enum.GetValues<ConvPass>())
        {
            var list = all.Where(e => e.Pass == pass).ToList();
            Assert.Equal("always", list[^1].When);
            Assert.Equal(list.Count, list.Select(e => e.Name).Distinct().Count());
            foreach (var s in RandomShapes(50, 7))
                Assert.Equal(list[^1].Algorithm, ConvAlgorithms.Applicable(pass, Conv2D.Geom(s))[^1]);
        }
        Assert.Equal("Winograd F(2x2,3x3)", ConvAlgorithms.Name(ConvAlgorithm.Winograd));
        Assert.Equal(ConvPass.BackwardWeights, ConvAlgorithms.PassOf(ConvAlgorithm.WeightsWide));
    }

    [Fact]
    public void Describe_names_the_choice_of_every_pass()
    {
        var s = Shape(32, 12, 12, 48, 3, 3, ph: 1, pw: 1);
        Assert.Equal("forward: Winograd F(2x2,3x3); backward-data: Winograd F(2x2,3x3) (flipped); backward-weights: dW tiles (padded image)",
            Conv2D.Describe(s));
        var strided = Shape(8, 13, 13, 40, 3, 3, 2, 2, 1, 1);
        Assert.Equal("forward: im2col GEMM; backward-data: GEMM + col2im; backward-weights: im2col GEMM", Conv2D.Describe(strided));
        if (System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated)
            Assert.Equal("forward: direct; backward: fused direct backward; backward-data: flipped forward (direct); backward-weights: direct",
                Conv2D.Describe(Shape(3, 10, 10, 6, 3, 3)));
    }

    [Fact]
    public void KernelPlan_lists_every_convolution_layer_of_a_graph()
    {
        var conv5 = new LayerAttributes { KernelH = 5, KernelW = 5, PadTop = 2, PadLeft = 2, PadBottom = 2, PadRight = 2, Bias = true };
        var nodes = new[]
        {
            new GraphNode("Conv1", "Conv2D", [GraphSource.Input(0)], [6, 28, 28], conv5),
            new GraphNode("Pool1", "MaxPool2D", [GraphSource.Layer(0)], [6, 14, 14], new LayerAttributes { KernelH = 2, KernelW = 2, StrideH = 2, StrideW = 2 }),
            new GraphNode("Conv2", "Conv2D", [GraphSource.Layer(1)], [48, 7, 7], new LayerAttributes { KernelH = 3, KernelW = 3, StrideH = 2, StrideW = 2, PadTop = 1, PadLeft = 1, Bias = true }),
            new GraphNode("Fc", "Dense", [GraphSource.Layer(2)], [10], new LayerAttributes { Bias = true }),
            new GraphNode("Seq", "Conv1D", [GraphSource.Input(1)], [16, 98], new LayerAttributes { KernelH = 1, KernelW = 3, Bias = true }),
        };
        var graph = new NetworkGraph([new GraphInput("Image", [1, 28, 28]), new GraphInput("Sequence", [8, 100])], nodes,
            [new GraphOutput("Fc", GraphSource.Layer(3)), new GraphOutput("Seq", GraphSource.Layer(4))]);
        var plan = KernelPlan.For(graph);
        Assert.Equal(["Conv1", "Conv2", "Seq"], plan.Select(p => p.Layer));
        var conv1 = Conv2D.Geom(Shape(1, 28, 28, 6, 5, 5, ph: 2, pw: 2));
        Assert.Equal(OldForward(conv1, false), plan[0].Forward);
        Assert.Equal(OldBackward(conv1), plan[0].Backward);
        Assert.Equal(ConvAlgorithms.Describe(conv1), plan[0].Description);
        Assert.Equal(ConvAlgorithm.GemmIm2Col, plan[1].Forward);
        Assert.Equal(ConvAlgorithm.DataCol2Im, plan[1].BackwardData);
        Assert.Equal(ConvAlgorithm.WeightsIm2Col, plan[1].BackwardWeights);
        var seq = Conv2D.Geom(Shape(8, 1, 100, 16, 1, 3));
        Assert.Equal(OldForward(seq, false), plan[2].Forward);
        Assert.Equal(OldWeights(seq), plan[2].BackwardWeights);
        Assert.Equal("Conv2 (Conv2D): forward: im2col GEMM; backward-data: GEMM + col2im; backward-weights: im2col GEMM",
            KernelPlan.Describe(graph).Split(Environment.NewLine)[1]);
    }

    // ---- (2) forcing ---------------------------------------------------------------------------------------------------

    [Fact]
    public void A_forced_algorithm_is_chosen_where_it_applies_and_only_there()
    {
        var s = Shape(32, 12, 12, 48, 3, 3, ph: 1, pw: 1);      // Winograd by the list
        using (ConvAlgorithms.Force(ConvAlgorithm.GemmIm2Col, ConvAlgorithm.WeightsIm2Col))
        {
            Assert.Equal(ConvAlgorithm.GemmIm2Col, Conv2D.AlgorithmFor(s));
            Assert.Equal(ConvAlgorithm.WeightsIm2Col, Conv2D.AlgorithmFor(s, ConvPass.BackwardWeights));
            Assert.Equal(ConvAlgorithm.DataWinograd, Conv2D.AlgorithmFor(s, ConvPass.BackwardData));   // not forced
            using (ConvAlgorithms.Force(ConvAlgorithm.Direct))   // does not apply to 48 channels: the list chooses
                Assert.Equal(ConvAlgorithm.Winograd, Conv2D.AlgorithmFor(s));
            Assert.Equal(ConvAlgorithm.GemmIm2Col, Conv2D.AlgorithmFor(s));
        }
        Assert.Equal(ConvAlgorithm.Winograd, Conv2D.AlgorithmFor(s));
    }

    /// <summary>Shapes covering every algorithm of every list (with an activation, so derivatives are exercised).</summary>
    public static TheoryData<int, int, int, int, int, int, int, int> ForcedShapes => new()
    {
        // inC, H, W, outC, k, stride, pad, batch
        { 3, 10, 10, 6, 3, 1, 0, 2 },      // direct (+ fused backward, direct weights)
        { 5, 9, 9, 8, 3, 1, 1, 2 },        // channel-wise
        { 5, 6, 6, 16, 3, 1, 1, 3 },       // channel-wise pairs (AVX-512)
        { 4, 18, 18, 10, 3, 1, 1, 1 },     // column Winograd
        { 1, 28, 28, 6, 5, 1, 2, 1 },      // LeNet-5 Conv1
        { 6, 14, 14, 16, 5, 1, 0, 2 },     // LeNet-5 Conv2
        { 24, 12, 12, 20, 3, 1, 1, 2 },    // direct and Winograd both apply
        { 32, 12, 12, 48, 3, 1, 1, 2 },    // Winograd
        { 8, 12, 12, 48, 3, 1, 1, 1 },     // implicit GEMM
        { 8, 13, 13, 40, 3, 2, 1, 2 },     // im2col GEMM
        { 5, 4, 4, 7, 1, 1, 0, 3 },        // 1×1 expansion (im2col GEMM; backward-data on the padded-image GEMM)
        { 48, 9, 11, 16, 1, 1, 0, 2 },     // 1×1 reduction (padded-image GEMM)
        { 3, 70, 70, 16, 7, 2, 3, 1 },     // ResNet's 7×7/2 stem: the stride-2 im2col packing's vector gather
        { 16, 41, 41, 24, 1, 2, 0, 1 },    // a 1×1/2 downsample
        { 4, 56, 56, 8, 3, 2, 1, 1 },      // 3×3/2 at 56²: 28-column segments, the 16- then 8-wide gathers
    };

    [Theory, MemberData(nameof(ForcedShapes)), Trait("Category", "Numeric")]
    public void Every_applicable_algorithm_forced_matches_the_reference(int inC, int h, int w, int outC, int k, int stride, int pad, int batch)
    {
        var s = Shape(inC, h, w, outC, k, k, stride, stride, pad, pad, act: Activation.ReLU);
        var g = Conv2D.Geom(s);
        var rng = new Random(inC * 1000 + h * 10 + outC);
        int xl = batch * inC * h * w, yl = batch * outC * s.outH * s.outW, wl = outC * inC * k * k;
        var x = OpsTestUtil.Rand(rng, xl);
        var wt = OpsTestUtil.Rand(rng, wl, -0.5f, 0.5f);
        var b = OpsTestUtil.Rand(rng, outC);
        var dyIn = OpsTestUtil.Rand(rng, yl);
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        double fwdTol = 1e-6 * inC * k * k + 1e-5, bwdTol = 2e-6 * Math.Max(inC * k * k, batch * s.outH * s.outW + outC * k * k) + 1e-5;
        int tested = 0;

        foreach (var alg in ConvAlgorithms.Applicable(ConvPass.Forward, g))
            foreach (int t in new[] { 1, 2 })
                using (ConvAlgorithms.Force(alg))
                {
                    Assert.Equal(alg, Conv2D.AlgorithmFor(s));
                    var y = new float[yl];
                    Conv2D.Forward(s, x, wt, b, y, batch, new float[Conv2D.ScratchFloats(s, batch, t)], t);
                    NumericAssert.Close($"forward {alg}, {t} threads, {s}", yr, y, rtol: 0, atol: fwdTol);
                    tested++;
                }

        // backward: reference gradients (dy through the ReLU derivative first)
        var dyr = (float[])dyIn.Clone();
        var dxr = new float[xl]; var dwr = new float[wl]; var dbr = new float[outC];
        Conv2D.BackwardReference(s, x, wt, yr, dyr, dxr, dwr, dbr, batch, default, 1);
        foreach (var alg in ConvAlgorithms.Applicable(ConvPass.Backward, g))
            using (ConvAlgorithms.Force(alg))
            {
                Assert.Equal(alg, Conv2D.AlgorithmFor(s, ConvPass.Backward));
                var dy = (float[])dyIn.Clone();
                var dx = new float[xl]; var dw = new float[wl]; var db = new float[outC];
                Conv2D.Backward(s, x, wt, yr, dy, dx, dw, db, batch, new float[Conv2D.ScratchFloats(s, batch, 2)], 2);
                NumericAssert.Close($"backward {alg} dx, {s}", dxr, dx, rtol: 0, atol: bwdTol);
                NumericAssert.Close($"backward {alg} dw, {s}", dwr, dw, rtol: 0, atol: bwdTol);
                NumericAssert.Close($"backward {alg} db, {s}", dbr, db, rtol: 0, atol: bwdTol);
                tested++;
            }
        foreach (var alg in ConvAlgorithms.Applicable(ConvPass.BackwardData, g))
            foreach (var inner in alg == ConvAlgorithm.DataFlippedForward
                         ? ConvAlgorithms.Applicable(ConvPass.Forward, ConvWinograd.Flipped(g), accumulate: true) : [alg])
                using (ConvAlgorithms.Force(alg, inner))
                {
                    Assert.Equal(alg, Conv2D.AlgorithmFor(s, ConvPass.BackwardData));
                    var dx = new float[xl];
                    Conv2D.BackwardData(s, wt, dyr, dx, batch, new float[Conv2D.ScratchFloats(s, batch, 2)], 2);
                    NumericAssert.Close($"backward-data {alg} ({inner}), {s}", dxr, dx, rtol: 0, atol: bwdTol);
                    tested++;
                }
        foreach (var alg in ConvAlgorithms.Applicable(ConvPass.BackwardWeights, g))
            using (ConvAlgorithms.Force(alg))
            {
                Assert.Equal(alg, Conv2D.AlgorithmFor(s, ConvPass.BackwardWeights));
                var dw = new float[wl]; var db = new float[outC];
                Conv2D.BackwardWeights(s, x, dyr, dw, db, batch, new float[Conv2D.ScratchFloats(s, batch, 2)], 2);
                NumericAssert.Close($"backward-weights {alg}, {s}", dwr, dw, rtol: 0, atol: bwdTol);
                NumericAssert.Close($"backward-weights {alg} db, {s}", dbr, db, rtol: 0, atol: bwdTol);
                tested++;
            }
        Assert.True(tested >= 2 + 1 + 1 + 1, $"only {tested} runs");
    }
}
