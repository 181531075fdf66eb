using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The in-place 1×1 GEMM (<see cref="ConvAlgorithm.Pointwise"/>, ConvPointwise.cs) against <see cref="Conv2D.ForwardReference"/>
/// on shapes with pixel counts below, at and between multiples of the column tile (1, 15, 49, 96, 196, …), 1 to 2048
/// input channels (one and several K blocks), output counts off the register tile, groups 1 and 2, with and without
/// bias, every activation, batch 1–3; 1, 2 and 3 threads bit-identical; forward scratch exactly as declared (sentinels
/// around it at 16 alignments); x ending right before a page the process may not read (an over-read crashes the test
/// host), or followed by NaN; no allocation per call on 2 threads. The accumulating forward (a 1×1 layer's stride-1
/// backward-data) is not taken here.
/// </summary>
public class ConvPointwiseTests
{
    private const float Sentinel = -12345.678f;

    internal static RuntimeConv2DShape Pw(int inC, int h, int w, int outC, bool bias = true, Activation act = Activation.None,
        int groups = 1, int dil = 1) => new()
    {
        inC = inC, inH = h, inW = w, outC = outC, kH = 1, kW = 1, strideH = 1, strideW = 1, padH = 0, padW = 0,
        dilationH = dil, dilationW = dil, groups = groups, hasBias = bias, activation = act, outH = h, outW = w,
    };

    private static readonly Activation[] Acts = Enum.GetValues<Activation>();

    /// <summary>(inC, H, W, outC, groups, bias, activation, batch): pixel counts × channel counts, the rest rotating.</summary>
    public static TheoryData<int, int, int, int, int, bool, Activation, int> Grid()
    {
        var d = new TheoryData<int, int, int, int, int, bool, Activation, int>();
        (int h, int w)[] planes = [(1, 1), (3, 5), (4, 4), (7, 7), (6, 16), (8, 12), (14, 14), (9, 11), (5, 41), (28, 28), (12, 50)];
        (int cin, int cout)[] channels = [(1, 1), (3, 5), (16, 13), (24, 37), (64, 8), (129, 23), (330, 17), (700, 9)];
        int i = 0;
        foreach (var (h, w) in planes)
            foreach (var (cin, cout) in channels)
            {
                if ((long)cin * cout * h * w > 3_000_000) { i++; continue; }   // keep the scalar reference short
                int groups = i % 7 == 3 && cin % 2 == 0 && cout % 2 == 0 ? 2 : 1;
                d.Add(cin, h, w, cout * (i % 3 == 1 ? 2 : 1), groups, (i + i / 8) % 2 == 0, Acts[(i + i / 8) % Acts.Length], i % 5 == 2 ? 3 : 1);
                i++;
            }
        return d;
    }

    /// <summary>MobileNetV2 and ResNet-50 1×1 layers (a few, with ReLU6 / ReLU as when BatchNorm is folded in), then shapes large enough for 2–3 parts.</summary>
    public static TheoryData<int, int, int, int, int, bool, Activation, int> Networks() => new()
    {
        { 16, 112, 112, 96, 1, true, Activation.ReLU6, 1 },
        { 144, 56, 56, 24, 1, true, Activation.None, 1 },
        { 576, 14, 14, 96, 1, false, Activation.None, 2 },
        { 160, 7, 7, 960, 1, true, Activation.ReLU6, 1 },
        { 1024, 14, 14, 256, 1, true, Activation.ReLU, 1 },
        { 2048, 7, 7, 512, 1, true, Activation.ReLU, 1 },
        // the thread splits: channel blocks with uneven column tiles, columns, few tiles over two samples, groups
        { 64, 28, 28, 192, 1, true, Activation.ReLU6, 1 },
        { 192, 28, 28, 32, 1, false, Activation.LeakyReLU, 1 },
        { 320, 7, 7, 200, 1, true, Activation.Hardswish, 2 },
        { 256, 14, 14, 130, 2, true, Activation.SiLU, 1 },
    };

    [Theory, MemberData(nameof(Grid)), MemberData(nameof(Networks)), Trait("Category", "Numeric")]
    public void Matches_reference_threads_bit_identical(int inC, int h, int w, int outC, int groups, bool bias, Activation act, int batch)
    {
        var s = Pw(inC, h, w, outC, bias, act, groups);
        var g = Conv2D.Geom(s);
        Assert.True(ConvPointwise.Fits(g));
        Assert.Equal(ConvAlgorithm.Pointwise, Conv2D.AlgorithmFor(s));
        Assert.NotEqual(ConvAlgorithm.Pointwise, ConvAlgorithms.ChooseForward(g, true));   // accumulating: the older GEMMs
        var rng = new Random(inC * 7919 + h * 131 + w * 17 + outC * 3 + groups);
        var x = OpsTestUtil.Rand(rng, batch * inC * h * w);
        var wt = OpsTestUtil.Rand(rng, outC * (inC / groups));
        var b = bias ? OpsTestUtil.Rand(rng, outC) : [];
        int yl = batch * outC * h * w;
        var yr = new float[yl];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        double tol = 2e-6 * (inC / groups) + 1e-5;
        float[]? first = null;
        foreach (int t in new[] { 1, 2, 3 })
        {
            var y = OpsTestUtil.Rand(rng, yl);   // stale values must not leak through
            Conv2D.Forward(s, x, wt, b, y, batch, new float[Conv2D.ForwardScratchFloats(s, batch, t)], t);
            NumericAssert.Close($"pointwise {s}, batch {batch}, {t} threads", yr, y, rtol: 0, atol: tol);
            if (first == null) first = y;
            else OpsTestUtil.BitEqual(first, y, $"1 vs {t} threads, {s}");
        }
    }

    /// <summary>Shapes for the scratch and over-read tests: tails of 1, 4, 16, 17, 47 columns and none (N = 96 on AVX-512).</summary>
    public static TheoryData<int, int, int, int, int> Edges() => new()
    {
        // inC, H, W, outC, batch
        { 7, 7, 7, 13, 1 },
        { 330, 14, 14, 20, 2 },
        { 5, 8, 8, 9, 1 },
        { 40, 9, 7, 16, 3 },
        { 3, 5, 19, 10, 1 },
        { 700, 8, 12, 11, 1 },
        { 1, 1, 1, 3, 2 },
    };

    [Theory, MemberData(nameof(Edges)), Trait("Category", "Numeric")]
    public unsafe void Runs_in_exactly_its_forward_scratch(int inC, int h, int w, int outC, int batch)
    {
        var s = Pw(inC, h, w, outC, true, Activation.ReLU);
        var g = Conv2D.Geom(s);
        Assert.Equal(ConvAlgorithm.Pointwise, Conv2D.AlgorithmFor(s));
        var rng = new Random(inC + 31 * outC + h);
        var x = OpsTestUtil.Rand(rng, batch * inC * h * w);
        var wt = OpsTestUtil.Rand(rng, outC * inC);
        var b = OpsTestUtil.Rand(rng, outC);
        var yr = new float[batch * outC * h * w];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2, 3 })
        {
            // the layer's forward scratch covers this kernel (and the accumulating forward's, which stays on the older GEMMs)
            int own = checked((int)ConvPointwise.ForwardScratch(g, t));
            Assert.True(own <= Conv2D.ForwardScratchFloats(s, batch, t));
            for (int off = 0; off < 16; off++)
            {
                var buf = new float[off + own + 256];
                Array.Fill(buf, Sentinel);
                var y = OpsTestUtil.Rand(rng, yr.Length);
                fixed (float* px = x, pw = wt, pb = b, py = y, ps = buf)
                    ConvPointwise.Forward(g, px, pw, pb, py, batch, s.activation, ps + off, t);
                for (int i = 0; i < off; i++)
                    Assert.True(buf[i] == Sentinel, $"{s}, {t} threads: scratch offset {off} wrote before the span at {i - off}");
                for (int i = off + own; i < buf.Length; i++)
                    Assert.True(buf[i] == Sentinel, $"{s}, {t} threads: scratch offset {off} wrote {i - off - own} floats past its scratch ({own})");
                NumericAssert.Close($"{s}, {t} threads, scratch offset {off}", yr, y, rtol: 0, atol: 2e-6 * inC + 1e-5);
                if (first == null) first = y;
                else OpsTestUtil.BitEqual(first, y, $"{s}, {t} threads, scratch offset {off}");
            }
        }
    }

    /// <summary>
    /// x ends at a page boundary followed by a page mapped PROT_NONE (Linux), so a single float read past x faults;
    /// then x followed by NaN in a managed array (every platform): the outputs match the reference and hold no NaN.
    /// </summary>
    [Theory, MemberData(nameof(Edges)), Trait("Category", "Numeric")]
    public unsafe void Never_reads_past_the_end_of_x(int inC, int h, int w, int outC, int batch)
    {
        var s = Pw(inC, h, w, outC, true, Activation.None);
        Assert.Equal(ConvAlgorithm.Pointwise, Conv2D.AlgorithmFor(s));
        var rng = new Random(inC * 3 + outC * 5 + w);
        int xl = batch * inC * h * w;
        var x = OpsTestUtil.Rand(rng, xl);
        var wt = OpsTestUtil.Rand(rng, outC * inC);
        var b = OpsTestUtil.Rand(rng, outC);
        var yr = new float[batch * outC * h * w];
        Conv2D.ForwardReference(s, x, wt, b, yr, batch, default, 1);
        double tol = 2e-6 * inC + 1e-5;
        foreach (int t in new[] { 1, 2 })
        {
            var scratch = new float[Conv2D.ForwardScratchFloats(s, batch, t)];
            if (GuardedMemory.Supported)
                GuardedMemory.Run(x, guardAfter: true, px =>
                {
                    var y = new float[yr.Length];
                    Conv2D.Forward(s, new ReadOnlySpan<float>((float*)px, xl), wt, b, y, batch, scratch, t);
                    NumericAssert.Close($"{s}, x before a guard page, {t} threads", yr, y, rtol: 0, atol: tol);
                });
            var padded = new float[xl + 64];
            x.AsSpan().CopyTo(padded);
            padded.AsSpan(xl).Fill(float.NaN);
            var y2 = new float[yr.Length];
            Conv2D.Forward(s, padded.AsSpan(0, xl), wt, b, y2, batch, scratch, t);
            Assert.DoesNotContain(y2, float.IsNaN);
            NumericAssert.Close($"{s}, x before NaN, {t} threads", yr, y2, rtol: 0, atol: tol);
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void Forward_allocates_nothing_and_splits_over_two_threads()
    {
        var s = Pw(96, 14, 14, 200, true, Activation.ReLU6);   // 14×14: a tail tile, output channels split
        var rng = new Random(9);
        var x = OpsTestUtil.Rand(rng, 2 * 96 * 14 * 14);
        var wt = OpsTestUtil.Rand(rng, 200 * 96);
        var b = OpsTestUtil.Rand(rng, 200);
        var y = new float[2 * 200 * 14 * 14];
        var scratch = new float[Conv2D.ForwardScratchFloats(s, 2, 2)];
        long before = GemmWorkers.Dispatches + GemmWorkers.InlineWhileBusy;
        OpsTestUtil.NoAllocation(() => Conv2D.Forward(s, x, wt, b, y, 2, scratch, 2), expectPool: false);
        Assert.True(GemmWorkers.Dispatches + GemmWorkers.InlineWhileBusy > before, "the forward never split into parts");
    }

    [Fact]
    public void Applies_only_to_unpadded_stride_1_1x1_layers_not_accumulating()
    {
        Assert.True(ConvPointwise.Fits(Conv2D.Geom(Pw(8, 5, 5, 8))));
        Assert.True(ConvPointwise.Fits(Conv2D.Geom(Pw(8, 5, 5, 8, dil: 2))));   // dilation does not move a 1×1 tap
        var padded = Pw(8, 5, 5, 8);
        padded.padH = padded.padW = 1;
        padded.outH = padded.outW = 7;
        var strided = Pw(8, 6, 6, 8);
        strided.strideH = strided.strideW = 2;
        strided.outH = strided.outW = 3;
        var threeByThree = Pw(8, 6, 6, 8);
        threeByThree.kH = threeByThree.kW = 3;
        threeByThree.outH = threeByThree.outW = 4;
        foreach (var s in new[] { padded, strided, threeByThree })
        {
            Assert.False(ConvPointwise.Fits(Conv2D.Geom(s)), s.ToString());
            Assert.NotEqual(ConvAlgorithm.Pointwise, Conv2D.AlgorithmFor(s));
        }
        Assert.Equal("pointwise GEMM (in place)", ConvAlgorithms.Name(ConvAlgorithm.Pointwise));
    }
}
