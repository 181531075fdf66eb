using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StaticCnn.Kernels;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// PyTorch's <c>nn.Conv1d</c> on the 2-D kernels: a (C, L) sequence is C × 1 × L, the layer Conv2D with KH = 1,
/// StrideH = 1, PadH = 0, DilationH = 1. Fixtures: tests/Fixtures/conv1d (tools/make_fixtures.py --only conv1d): stride,
/// padding (also above K − 1), dilation, groups, depthwise, no bias, 1-tap kernels, the time-delay case 8 channels ×
/// 200 steps. Every entry point (Forward, Backward, BackwardData, BackwardWeights) and its reference twin, 1 and 2
/// threads bit-identical; random 1-D shapes against the reference; and a census of the algorithms the dispatcher picked
/// for these shapes, which must cover every one that applies to H = 1 on this instruction set.
/// </summary>
public class Conv1DOn2DTests
{
    private const double Rtol = 1e-5;
    private readonly ITestOutputHelper _out;
    public Conv1DOn2DTests(ITestOutputHelper output) => _out = output;

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string f in Fixture.List("conv1d"))
            if (Fixture.Load(f).Meta("kind") == "Conv1D") data.Add(f);
        return data;
    }

    internal static RuntimeConv2DShape ShapeOf(Fixture f)
    {
        int M(string k) => f.MetaInt("shape", k);
        var s = new RuntimeConv2DShape
        {
            inC = M("InC"), inH = M("InH"), inW = M("InW"), outC = M("OutC"), outH = M("OutH"), outW = M("OutW"),
            kH = M("KH"), kW = M("KW"), strideH = M("StrideH"), strideW = M("StrideW"), padH = M("PadH"), padW = M("PadW"),
            dilationH = M("DilationH"), dilationW = M("DilationW"), groups = M("Groups"),
            hasBias = f.MetaJson("shape").GetProperty("HasBias").GetBoolean(), activation = Activation.None,
        };
        Assert.True(s.inH == 1 && s.outH == 1 && s.kH == 1 && s.strideH == 1 && s.padH == 0 && s.dilationH == 1, $"{f}: not a 1-D shape");
        return s;
    }

    // ---- the dispatcher's choice, by the same checks as ConvCore (docs/KERNELS.md) ------------------------------------

    private static bool Wide(in ConvGeom g) => g.SH == 1 && g.SW == 1 && g.PH >= 0 && g.PW >= 0;

    /// <summary>ConvCore.Forward's choice; accumulating calls (backward-data as a forward) skip the channel-wise kernels and the column F(2,3).</summary>
    internal static string ForwardAlgorithm(in ConvGeom g, bool accumulate = false)
    {
        if (ConvDirect.Applies(g))
            return accumulate ? "forward: direct" : ConvDirect.ChannelWise(g) ? (ConvDirect.ChannelWise23(g) ? "forward: channel-wise column pairs" : "forward: channel-wise")
                : ConvDirect.Rows23(g) ? "forward: column Winograd F(2,3)" : "forward: direct";
        if (ConvWinograd.Applies(g)) return "forward: Winograd F(2x2,3x3)";
        return Wide(g) ? "forward: implicit GEMM (wide)" : "forward: im2col GEMM";
    }

    /// <summary>What <see cref="Conv2D.Backward"/> runs, then what the separate BackwardData/BackwardWeights entry points run.</summary>
    internal static IEnumerable<string> BackwardAlgorithms(in ConvGeom g)
    {
        var list = new List<string>();
        if (ConvDirectBackward.Applies(g)) list.Add("backward: fused direct (ConvDirectBackward)");
        list.Add(ConvDirect.AppliesWeights(g) ? "weights: direct" : Wide(g) ? "weights: dW tiles (wide)" : "weights: im2col GEMM");
        list.Add(ConvWinograd.AppliesData(g) ? "data: Winograd F(2x2,3x3)"
            : g.SH == 1 && g.SW == 1 ? "data: flipped " + ForwardAlgorithm(ConvWinograd.Flipped(g), accumulate: true)
            : "data: GEMM + col2im");
        return list;
    }

    /// <summary>The algorithms that can apply to an H = 1, KH = 1 geometry on this machine (the census must find them all).</summary>
    internal static IEnumerable<string> Expected()
    {
        var e = new List<string>
        {
            "forward: implicit GEMM (wide)", "forward: im2col GEMM", "weights: dW tiles (wide)", "weights: im2col GEMM",
            "data: flipped forward: implicit GEMM (wide)", "data: flipped forward: im2col GEMM", "data: GEMM + col2im",
        };
        if (Vector256.IsHardwareAccelerated)
        {
            e.AddRange(new[] { "forward: direct", "forward: channel-wise", "backward: fused direct (ConvDirectBackward)",
                "weights: direct", "data: flipped forward: direct" });
            if (Avx512F.IsSupported) e.Add("forward: channel-wise column pairs");
        }
        return e;
    }

    private static readonly HashSet<string> Census = new();

    private static void Record(RuntimeConv2DShape s)
    {
        var g = Conv2D.Geom(s);
        Assert.False(ConvWinograd.Applies(g) || ConvWinograd.AppliesData(g) || ConvDirect.Rows23(g), $"{s}: a 3×3-only algorithm claims a 1-D shape");
        lock (Census)
        {
            Census.Add(ForwardAlgorithm(g));
            foreach (string a in BackwardAlgorithms(g)) Census.Add(a);
        }
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch_EveryEntryPoint_FastAndReference(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = ShapeOf(f);
        Record(s);
        int batch = f.Shape("input")[0];
        float[] x = f.Floats("input"), w = f.Floats("layer.weight"), dy = f.Floats("grad_output");
        float[] b = s.hasBias ? f.Floats("layer.bias") : Array.Empty<float>();
        double atolY = Parity.Atol(f, "output"), atolX = Parity.Atol(f, "grad_input"), atolW = Parity.Atol(f, "grad.layer.weight");
        double atolB = s.hasBias ? Parity.Atol(f, "grad.layer.bias") : 0;
        var g = Conv2D.Geom(s);
        _out.WriteLine($"{f}: {s}; {ForwardAlgorithm(g)}; {string.Join("; ", BackwardAlgorithms(g))}");

        float[]? y1 = null, dx1 = null, dw1 = null, db1 = null;
        foreach (int t in new[] { 1, 2 })
        {
            var scratch = new float[Conv2D.ScratchFloats(s, batch, t)];
            var y = new float[dy.Length];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, t);
            NumericAssert.Close($"{f} output t{t}", f.Floats("output"), y, Rtol, atolY);
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Conv2D.Backward(s, x, w, y, (float[])dy.Clone(), dx, dw, db, batch, scratch, t);
            NumericAssert.Close($"{f} grad_input t{t}", f.Floats("grad_input"), dx, Rtol, atolX);
            NumericAssert.Close($"{f} grad weight t{t}", f.Floats("grad.layer.weight"), dw, Rtol, atolW);
            if (s.hasBias) NumericAssert.Close($"{f} grad bias t{t}", f.Floats("grad.layer.bias"), db, Rtol, atolB);
            if (t == 1) { y1 = y; dx1 = dx; dw1 = dw; db1 = db; continue; }
            NumericAssert.Identical("y t1 vs t2", y1, y);
            NumericAssert.Identical("dx t1 vs t2", dx1, dx);
            NumericAssert.Identical("dw t1 vs t2", dw1, dw);
            NumericAssert.Identical("db t1 vs t2", db1, db);

            // the separate parts (their own paths when the fused backward applies), adding into non-zero gradients
            var dxp = new float[x.Length];
            var dwp = new float[w.Length];
            var dbp = new float[b.Length];
            Conv2D.BackwardData(s, w, dy, dxp, batch, scratch, t);
            Conv2D.BackwardWeights(s, x, dy, dwp, dbp, batch, scratch, t);
            NumericAssert.Close($"{f} BackwardData", f.Floats("grad_input"), dxp, Rtol, atolX);
            NumericAssert.Close($"{f} BackwardWeights dw", f.Floats("grad.layer.weight"), dwp, Rtol, atolW);
            if (s.hasBias) NumericAssert.Close($"{f} BackwardWeights db", f.Floats("grad.layer.bias"), dbp, Rtol, atolB);
            // BackwardData adds: into dx = 1 it gives 1 + the gradient
            var dxq = new float[x.Length];
            Array.Fill(dxq, 1f);
            Conv2D.BackwardData(s, w, dy, dxq, batch, scratch, 1);
            for (int i = 0; i < dxq.Length; i++) dxq[i] -= 1f;
            NumericAssert.Close($"{f} BackwardData into ones", f.Floats("grad_input"), dxq, Rtol, atolX + 2e-7);
        }

        var yr = new float[dy.Length];
        Conv2D.ForwardReference(s, x, w, b, yr, batch, default, 1);
        NumericAssert.Close($"{f} ForwardReference", f.Floats("output"), yr, Rtol, atolY);
        var dxr = new float[x.Length];
        var dwr = new float[w.Length];
        var dbr = new float[b.Length];
        Conv2D.BackwardReference(s, x, w, yr, (float[])dy.Clone(), dxr, dwr, dbr, batch, default, 1);
        NumericAssert.Close($"{f} BackwardReference dx", f.Floats("grad_input"), dxr, Rtol, atolX);
        NumericAssert.Close($"{f} BackwardReference dw", f.Floats("grad.layer.weight"), dwr, Rtol, atolW);
        if (s.hasBias) NumericAssert.Close($"{f} BackwardReference db", f.Floats("grad.layer.bias"), dbr, Rtol, atolB);
    }

    private static RuntimeConv2DShape Shape1D(int cin, int cout, int length, int k, int pad, Activation act) => new()
    {
        inC = cin, outC = cout, inH = 1, outH = 1, kH = 1, strideH = 1, padH = 0, dilationH = 1, kW = k, strideW = 1,
        dilationW = 1, padW = pad, inW = length, outW = length + 2 * pad - k + 1, groups = 1, hasBias = true, activation = act,
    };

    /// <summary>A random valid 1-D convolution (C × 1 × L).</summary>
    private static RuntimeConv2DShape Random1D(Random r)
    {
        while (true)
        {
            int g = r.Next(3) == 0 ? r.Next(2, 5) : 1;
            int cg = r.Next(1, 12), m = r.Next(1, r.Next(2) == 0 ? 10 : 24);
            if (r.Next(4) == 0) { cg = 1; g = r.Next(2, 9); }                        // depthwise
            var s = new RuntimeConv2DShape
            {
                groups = g, inC = g * cg, outC = g * m, inH = 1, outH = 1, kH = 1, strideH = 1, padH = 0, dilationH = 1,
                kW = r.Next(1, 8), strideW = r.Next(3) == 0 ? r.Next(2, 4) : 1, dilationW = r.Next(4) == 0 ? 2 : 1,
                inW = r.Next(3, 80), hasBias = r.Next(2) == 0, activation = (Activation)r.Next(5),
            };
            if (r.Next(3) == 0) { s.outC = r.Next(1, 3) == 1 ? 8 : 16; s.groups = 1; s.inC = cg; }   // channel-wise candidates
            s.padW = r.Next(0, s.dilationW * (s.kW - 1) + 2);
            int span = s.inW + 2 * s.padW - s.dilationW * (s.kW - 1) - 1;
            if (span < 0) continue;
            s.outW = span / s.strideW + 1;
            return s;
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void RandomShapes_MatchReference_AndCoverEveryApplicableAlgorithm()
    {
        var rng = new Random(1701);
        var fixedShapes = new[]
        {
            // 16 channels on an even row narrower than 16 (column pairs on AVX-512), 8 channels on 10 steps, padding > K − 1
            Shape1D(4, 16, 12, 3, 1, Activation.ReLU), Shape1D(6, 8, 10, 5, 2, Activation.Tanh), Shape1D(3, 5, 9, 3, 4, Activation.None),
            Shape1D(8, 24, 200, 5, 0, Activation.LeakyReLU), Shape1D(40, 40, 64, 3, 1, Activation.Sigmoid),
        };
        for (int trial = 0; trial < 120 + fixedShapes.Length; trial++)
        {
            var s = trial < fixedShapes.Length ? fixedShapes[trial] : Random1D(rng);
            Record(s);
            int batch = rng.Next(1, 5);
            long xl = (long)batch * s.inC * s.inW, yl = (long)batch * s.outC * s.outW, wl = (long)s.outC * (s.inC / s.groups) * s.kW;
            float[] x = NumericAssert.Random(rng, xl), w = NumericAssert.Random(rng, wl);
            float[] b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var none = s with { activation = Activation.None };
            var yr = new float[yl];
            var ya = new float[yl];
            Conv2D.ForwardReference(none, x, w, b, yr, batch, default, 1);
            Conv2D.ForwardReference(none, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), ya, batch, default, 1);
            var scratch = new float[Conv2D.ScratchFloats(s, batch, 2)];
            var yf = new float[yl];
            Conv2D.Forward(none, x, w, b, yf, batch, scratch, 2);
            NumericAssert.Close($"forward {s}", yf, yr, ya, (long)(s.inC / s.groups) * s.kW + 1);

            // backward (activation derivative included) against the reference, 1 and 2 threads bit-identical
            var yAct = new float[yl];
            Conv2D.ForwardReference(s, x, w, b, yAct, batch, default, 1);
            float[] dy = NumericAssert.Random(rng, yl);
            var dxr = new float[xl];
            var dwr = new float[wl];
            var dbr = new float[b.Length];
            Conv2D.BackwardReference(s, x, w, yAct, (float[])dy.Clone(), dxr, dwr, dbr, batch, default, 1);
            float[]? dx1 = null, dw1 = null;
            foreach (int t in new[] { 1, 2 })
            {
                var dx = new float[xl];
                var dw = new float[wl];
                var db = new float[b.Length];
                Conv2D.Backward(s, x, w, yAct, (float[])dy.Clone(), dx, dw, db, batch, scratch, t);
                // bounds: |Σ dy·w| and |Σ dy·x| at most (dy, x, w ∈ [−1, 1]) the term counts
                EmbeddingTestUtil.Close($"dx {s}", dxr, dx, 1, rtol: 0, rowAtol: 0, floor: 1e-6 * (s.outC / s.groups) * s.kW);
                EmbeddingTestUtil.Close($"dw {s}", dwr, dw, 1, rtol: 0, rowAtol: 0, floor: 1e-6 * batch * s.outW);
                EmbeddingTestUtil.Close($"db {s}", dbr, db, 1, rtol: 0, rowAtol: 0, floor: 1e-6 * batch * s.outW);
                if (t == 1) { dx1 = dx; dw1 = dw; continue; }
                NumericAssert.Identical($"dx t1 vs t2 {s}", dx1, dx);
                NumericAssert.Identical($"dw t1 vs t2 {s}", dw1, dw);
            }
        }
        // the fixture cases run in the same class; run the census once more from them so the order of tests does not matter
        foreach (string f in Fixture.List("conv1d"))
        {
            Fixture fx = Fixture.Load(f);
            if (fx.Meta("kind") == "Conv1D") Record(ShapeOf(fx));
        }
        string[] missing = Expected().Where(a => !Census.Contains(a)).ToArray();
        _out.WriteLine("algorithms exercised for 1-D shapes: " + string.Join(" | ", Census.OrderBy(a => a)));
        Assert.True(missing.Length == 0, "not exercised: " + string.Join(", ", missing));
    }

    [Fact, Trait("Category", "Numeric")]
    public void TimeDelayLayer_NoAllocation()
    {
        Fixture f = Fixture.Load("conv1d/conv1d_tdnn.safetensors");
        var s = ShapeOf(f);
        float[] x = f.Floats("input"), w = f.Floats("layer.weight"), b = f.Floats("layer.bias"), dy = f.Floats("grad_output");
        var y = new float[dy.Length];
        var dx = new float[x.Length];
        var dw = new float[w.Length];
        var db = new float[b.Length];
        var scratch = new float[Conv2D.ScratchFloats(s, 2, 2)];
        OpsTestUtil.NoAllocation(() =>
        {
            Conv2D.Forward(s, x, w, b, y, 2, scratch, 2);
            Conv2D.Backward(s, x, w, y, dy, dx, dw, db, 2, scratch, 2);
        }, expectPool: false);
    }
}
