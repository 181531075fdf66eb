using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Kernels;

/// <summary>A Conv2D shape whose properties read fields, for random-shape tests.</summary>
public struct RuntimeConv2DShape : IConv2DShape
{
    public int inC, inH, inW, outC, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups;
    public bool hasBias;
    public Activation activation;
    public Precision precision;
    public readonly int InC => inC;
    public readonly int InH => inH;
    public readonly int InW => inW;
    public readonly int OutC => outC;
    public readonly int OutH => outH;
    public readonly int OutW => outW;
    public readonly int KH => kH;
    public readonly int KW => kW;
    public readonly int StrideH => strideH;
    public readonly int StrideW => strideW;
    public readonly int PadH => padH;
    public readonly int PadW => padW;
    public readonly int DilationH => dilationH;
    public readonly int DilationW => dilationW;
    public readonly int Groups => groups;
    public readonly bool HasBias => hasBias;
    public readonly Activation Activation => activation;
    public readonly Precision Precision => precision;

    public override readonly string ToString() =>
        $"in {inC}×{inH}×{inW} out {outC}×{outH}×{outW} k {kH}×{kW} s {strideH}×{strideW} p {padH}×{padW} d {dilationH}×{dilationW} g {groups} bias {hasBias} {activation}";

    /// <summary>A random valid shape; <paramref name="big"/> gives channel counts that fill register tiles and split K.</summary>
    public static RuntimeConv2DShape Random(Random r, bool big, Activation? act = null, bool? bias = null)
    {
        while (true)
        {
            int g = r.Next(3) == 0 ? 1 : r.Next(1, 4);
            bool depthwise = r.Next(5) == 0;
            int cg = depthwise ? 1 : big ? r.Next(1, 48) : r.Next(1, 4);
            int m = depthwise ? r.Next(1, 3) : big ? r.Next(1, 21) : r.Next(1, 4);
            var s = new RuntimeConv2DShape
            {
                groups = g, inC = g * cg, outC = g * m,
                kH = r.Next(1, big ? 4 : 6), kW = r.Next(1, big ? 4 : 6),
                strideH = r.Next(1, 4), strideW = r.Next(1, 4),
                dilationH = r.Next(1, 3), dilationW = r.Next(1, 3),
                inH = big ? r.Next(4, 31) : r.Next(3, 10), inW = big ? r.Next(4, 31) : r.Next(3, 10),
                hasBias = bias ?? r.Next(2) == 0,
                activation = act ?? (Activation)r.Next(5),
            };
            if (r.Next(3) == 0) { s.strideH = 1; s.strideW = 1; }
            s.padH = r.Next(0, s.dilationH * (s.kH - 1) + 1);
            s.padW = r.Next(0, s.dilationW * (s.kW - 1) + 1);
            int highH = Math.Max(0, s.padH + r.Next(-1, 2)), highW = Math.Max(0, s.padW + r.Next(-1, 2));
            s.outH = (s.inH + s.padH + highH - s.dilationH * (s.kH - 1) - 1) / s.strideH + 1;
            s.outW = (s.inW + s.padW + highW - s.dilationW * (s.kW - 1) - 1) / s.strideW + 1;
            if (s.inH + s.padH + highH - s.dilationH * (s.kH - 1) - 1 < 0 || s.inW + s.padW + highW - s.dilationW * (s.kW - 1) - 1 < 0) continue;
            return s;
        }
    }
}

public class Conv2DTests
{
    private readonly ITestOutputHelper _out;
    public Conv2DTests(ITestOutputHelper output) => _out = output;

    private static long XLen(RuntimeConv2DShape s, int n) => (long)n * s.inC * s.inH * s.inW;
    private static long YLen(RuntimeConv2DShape s, int n) => (long)n * s.outC * s.outH * s.outW;
    private static long WLen(RuntimeConv2DShape s) => (long)s.outC * (s.inC / s.groups) * s.kH * s.kW;

    /// <summary>Float64 twin of the forward pass, for finite differences.</summary>
    private static double[] ForwardDouble(RuntimeConv2DShape s, double[] x, double[] w, double[] b, int batch)
    {
        var y = new double[YLen(s, batch)];
        int cg = s.inC / s.groups, m = s.outC / s.groups;
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < s.outC; oc++)
                for (int oh = 0; oh < s.outH; oh++)
                    for (int ow = 0; ow < s.outW; ow++)
                    {
                        double acc = s.hasBias ? b[oc] : 0;
                        for (int i = 0; i < cg; i++)
                            for (int kh = 0; kh < s.kH; kh++)
                                for (int kw = 0; kw < s.kW; kw++)
                                {
                                    int ih = oh * s.strideH - s.padH + kh * s.dilationH, iw = ow * s.strideW - s.padW + kw * s.dilationW;
                                    if (ih < 0 || iw < 0 || ih >= s.inH || iw >= s.inW) continue;
                                    acc += x[((n * s.inC + oc / m * cg + i) * s.inH + ih) * s.inW + iw] * w[((oc * cg + i) * s.kH + kh) * s.kW + kw];
                                }
                        y[((n * s.outC + oc) * s.outH + oh) * s.outW + ow] = GradCheck.Activate(s.activation, acc);
                    }
        return y;
    }

    public static IEnumerable<object[]> ActivationAndBias()
    {
        foreach (Activation a in Enum.GetValues<Activation>())
        {
            if (Activations.NeedsInput(a)) continue;   // not fusable: layer form only (ActivationsTests)
            yield return new object[] { a, true };
            yield return new object[] { a, false };
        }
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(ActivationAndBias))]
    public void ReferenceBackward_MatchesFiniteDifferences(Activation act, bool bias)
    {
        var rng = new Random(1000 + (int)act * 2 + (bias ? 1 : 0));
        for (int trial = 0; trial < 6; trial++)
        {
            var s = RuntimeConv2DShape.Random(rng, big: false, act, bias);
            if (trial == 0) { s = s with { }; }
            int batch = rng.Next(1, 3);
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = bias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var r = NumericAssert.Random(rng, YLen(s, batch));
            var y = new float[YLen(s, batch)];
            Conv2D.ForwardReference(s, x, w, b, y, batch, Span<float>.Empty, 1);
            var dy = (float[])r.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Conv2D.BackwardReference(s, x, w, y, dy, dx, dw, db, batch, Span<float>.Empty, 1);

            double[] xd = GradCheck.ToDouble(x), wd = GradCheck.ToDouble(w), bd = GradCheck.ToDouble(b), rd = GradCheck.ToDouble(r);
            double Loss()
            {
                var yd = ForwardDouble(s, xd, wd, bd, batch);
                double l = 0;
                for (int i = 0; i < yd.Length; i++) l += yd[i] * rd[i];
                return l;
            }
            string at = $" ({s}, batch {batch})";
            GradCheck.Check("dx" + at, dx, xd, Loss, rng);
            GradCheck.Check("dw" + at, dw, wd, Loss, rng);
            if (bias) GradCheck.Check("db" + at, db, bd, Loss, rng);
        }
    }

    private static (float[] y, float[] abs) RefForward(RuntimeConv2DShape s, float[] x, float[] w, float[] b, int batch)
    {
        var y = new float[YLen(s, batch)];
        Conv2D.ForwardReference(s, x, w, b, y, batch, Span<float>.Empty, 1);
        var abs = new float[y.Length];
        Conv2D.ForwardReference(s with { activation = Activation.None }, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), abs, batch, Span<float>.Empty, 1);
        return (y, abs);
    }

    [Fact, Trait("Category", "Numeric")]
    public void Forward_MatchesReference_RandomShapes()
    {
        var rng = new Random(7);
        for (int trial = 0; trial < 120; trial++)
        {
            var s = RuntimeConv2DShape.Random(rng, big: trial % 2 == 0);
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var (yr, abs) = RefForward(s, x, w, b, batch);
            var y = NumericAssert.Random(rng, YLen(s, batch));
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            NumericAssert.Close($"y ({s}, batch {batch})", y, yr, abs, (long)(s.inC / s.groups) * s.kH * s.kW + 1);
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void Backward_MatchesReference_RandomShapes()
    {
        var rng = new Random(11);
        for (int trial = 0; trial < 100; trial++)
        {
            var s = RuntimeConv2DShape.Random(rng, big: trial % 2 == 0);
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            bool needDx = trial % 5 != 0;
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var (y, _) = RefForward(s, x, w, b, batch);
            var dy0 = NumericAssert.Random(rng, y.Length);
            var dx0 = needDx ? NumericAssert.Random(rng, x.Length) : Array.Empty<float>();
            var dw0 = NumericAssert.Random(rng, w.Length);
            var db0 = NumericAssert.Random(rng, b.Length);

            float[] dyR = (float[])dy0.Clone(), dxR = (float[])dx0.Clone(), dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
            Conv2D.BackwardReference(s, x, w, y, dyR, dxR, dwR, dbR, batch, Span<float>.Empty, 1);
            float[] dyF = (float[])dy0.Clone(), dxF = (float[])dx0.Clone(), dwF = (float[])dw0.Clone(), dbF = (float[])db0.Clone();
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            Conv2D.Backward(s, x, w, y, dyF, dxF, dwF, dbF, batch, scratch, threads);
            NumericAssert.Identical("dy (pre-activation)", dyF, dyR);

            // bounds: the same sums over absolute values, plus the start values
            var ady = NumericAssert.Abs(dyR);
            var s0 = s with { activation = Activation.None };
            float[] adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0);
            Conv2D.BackwardWeightsReference(s0, NumericAssert.Abs(x), ady, adw, adb, batch, Span<float>.Empty, 1);
            string at = $" ({s}, batch {batch}, threads {threads})";
            long pixels = (long)batch * s.outH * s.outW;
            NumericAssert.Close("dw" + at, dwF, dwR, adw, pixels + 1);
            NumericAssert.Close("db" + at, dbF, dbR, adb, pixels + 1);
            if (needDx)
            {
                var adx = NumericAssert.Abs(dx0);
                Conv2D.BackwardDataReference(s0, NumericAssert.Abs(w), ady, adx, batch, Span<float>.Empty, 1);
                NumericAssert.Close("dx" + at, dxF, dxR, adx, (long)(s.outC / s.groups) * s.kH * s.kW + 1);
            }
        }
    }

    private static RuntimeConv2DShape Square(int c, int hw, int k = 3, int stride = 1, int groups = 1, Activation act = Activation.ReLU)
    {
        int pad = k / 2;
        int o = (hw + 2 * pad - k) / stride + 1;
        return new RuntimeConv2DShape
        {
            inC = c, inH = hw, inW = hw, outC = c, outH = o, outW = o, kH = k, kW = k, strideH = stride, strideW = stride,
            padH = pad, padW = pad, dilationH = 1, dilationW = 1, groups = groups, hasBias = true, activation = act,
        };
    }

    public static IEnumerable<object[]> ThreadShapes() => new[]
    {
        new object[] { Square(32, 20) },
        new object[] { Square(24, 17, stride: 2) },
        new object[] { Square(16, 15, k: 1) },
        new object[] { Square(12, 19, groups: 12, act: Activation.Tanh) },
        new object[] { Square(3, 33, k: 5, act: Activation.Sigmoid) with { outC = 20 } },
        new object[] { Square(6, 14, k: 5) with { outC = 16 } },          // direct small-channel path, KW 5, row tail
        new object[] { Square(1, 28, k: 5) with { outC = 6 } },
    };

    /// <summary>Shapes of the direct small-channel path (stride 1, no dilation or groups, ≤ 32 output channels).</summary>
    private static RuntimeConv2DShape RandomDirect(Random r)
    {
        int k = r.Next(4) switch { 0 => 5, 1 => r.Next(1, 5), _ => 3 };
        int kw = r.Next(3) == 0 ? r.Next(1, 6) : k;
        var s = new RuntimeConv2DShape
        {
            groups = 1, inC = r.Next(1, 13), outC = r.Next(1, 33), kH = k, kW = kw, strideH = 1, strideW = 1,
            dilationH = 1, dilationW = 1, inH = r.Next(k, 20), inW = r.Next(Math.Max(kw, 6), 36),
            hasBias = r.Next(2) == 0, activation = r.Next(3) == 0 ? (Activation)r.Next(5) : Activation.ReLU,
        };
        s.padH = r.Next(0, k); s.padW = r.Next(0, kw);
        int highH = Math.Max(0, s.padH + r.Next(-1, 2)), highW = Math.Max(0, s.padW + r.Next(-1, 2));
        s.outH = s.inH + s.padH + highH - k + 1;
        s.outW = s.inW + s.padW + highW - kw + 1;
        return s;
    }

    /// <summary>
    /// The direct kernel on rows exactly 8 wide (Cifar10Net's Conv5, Conv6): with AVX-512 and an even output height,
    /// two rows per Vector512; an odd height keeps the Vector256 tile. Without padding an output row depends only on
    /// its k input rows, so 8 output rows and the 7 that start one row lower (the input from row 1) must agree bit for
    /// bit on rows 1–7: each output of the Vector512 tile takes the Vector256 tile's products in the same order.
    /// Channel counts 1–6 fill one block; 11 and 20 take several.
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(3, 1), InlineData(3, 2), InlineData(3, 3), InlineData(3, 4), InlineData(3, 5), InlineData(3, 6), InlineData(3, 11)]
    [InlineData(5, 1), InlineData(5, 4), InlineData(5, 6), InlineData(5, 20)]
    public void EightWideRows_TwoPerVector_GiveTheBitsOfOneRowPerVector(int k, int outC)
        => RowShift.SharedRowsIdentical(inC: 5, outH: 8, inW: 8 + k - 1, k, outC, shift: 1, Vector256.IsHardwareAccelerated,
            g => ConvDirect.Applies(g) && !ConvDirect.Rows23(g) && !ConvDirect.ChannelWise(g), "direct kernel");

    [Fact, Trait("Category", "Numeric")]
    public void SmallChannelShapes_MatchReference()
    {
        var rng = new Random(23);
        var fixedShapes = new[]
        {
            Square(6, 14, k: 5) with { outC = 16, padH = 0, padW = 0, outH = 10, outW = 10 },   // LeNet-5 Conv2: channel-wise
            Square(3, 10) with { outC = 8 },
            Square(5, 13, act: Activation.Tanh) with { outC = 16, hasBias = false },
            Square(20, 8) with { outC = 10 },                                                      // rows one vector wide
            Square(10, 8, k: 5) with { outC = 20 },
            Square(3, 8) with { outC = 4, hasBias = false },
        };
        for (int trial = 0; trial < 60 + fixedShapes.Length; trial++)
        {
            var s = trial < fixedShapes.Length ? fixedShapes[trial] : RandomDirect(rng);
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            string at = $" ({s}, batch {batch}, threads {threads})";
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            var (yr, abs) = RefForward(s, x, w, b, batch);
            var y = new float[yr.Length];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            NumericAssert.Close("y" + at, y, yr, abs, (long)s.inC * s.kH * s.kW + 1);

            var dy0 = NumericAssert.Random(rng, y.Length);
            var dx0 = NumericAssert.Random(rng, x.Length);
            var dw0 = NumericAssert.Random(rng, w.Length);
            var db0 = NumericAssert.Random(rng, b.Length);
            float[] dyR = (float[])dy0.Clone(), dxR = (float[])dx0.Clone(), dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
            Conv2D.BackwardReference(s, x, w, yr, dyR, dxR, dwR, dbR, batch, Span<float>.Empty, 1);
            float[] dyF = (float[])dy0.Clone(), dxF = (float[])dx0.Clone(), dwF = (float[])dw0.Clone(), dbF = (float[])db0.Clone();
            Conv2D.Backward(s, x, w, yr, dyF, dxF, dwF, dbF, batch, scratch, threads);
            var ady = NumericAssert.Abs(dyR);
            var s0 = s with { activation = Activation.None };
            float[] adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0), adx = NumericAssert.Abs(dx0);
            Conv2D.BackwardWeightsReference(s0, NumericAssert.Abs(x), ady, adw, adb, batch, Span<float>.Empty, 1);
            Conv2D.BackwardDataReference(s0, NumericAssert.Abs(w), ady, adx, batch, Span<float>.Empty, 1);
            long pixels = (long)batch * s.outH * s.outW;
            NumericAssert.Close("dw" + at, dwF, dwR, adw, pixels + 1);
            NumericAssert.Close("db" + at, dbF, dbR, adb, pixels + 1);
            NumericAssert.Close("dx" + at, dxF, dxR, adx, (long)s.outC * s.kH * s.kW + 1);
        }
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(ThreadShapes))]
    public void ThreadCounts_GiveBitIdenticalResults(RuntimeConv2DShape s)
    {
        var rng = new Random(3);
        int batch = 3;
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = NumericAssert.Random(rng, s.outC);
        var dy0 = NumericAssert.Random(rng, YLen(s, batch));
        float[]? y1 = null, dx1 = null, dw1 = null, db1 = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var y = new float[YLen(s, batch)];
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            var dy = (float[])dy0.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            if (y1 == null) { y1 = y; dx1 = dx; dw1 = dw; db1 = db; continue; }
            NumericAssert.Identical($"y, {threads} threads", y, y1);
            NumericAssert.Identical($"dx, {threads} threads", dx, dx1);
            NumericAssert.Identical($"dw, {threads} threads", dw, dw1);
            NumericAssert.Identical($"db, {threads} threads", db, db1);
        }
    }

    [Fact]
    public void WrongLengths_ThrowNamingSizes()
    {
        var s = Square(4, 6);
        int batch = 2;
        var x = new float[XLen(s, batch)];
        var w = new float[WLen(s)];
        var b = new float[s.outC];
        var y = new float[YLen(s, batch)];
        var scratch = new float[Conv2D.ScratchFloats(s, batch, 1)];
        var e = Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x.AsSpan(1), w, b, y, batch, scratch, 1));
        Assert.Contains($"{x.Length - 1}", e.Message);
        Assert.Contains($"{x.Length}", e.Message);
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, w.AsSpan(1), b, y, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, w, b.AsSpan(1), y, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, w, b, y.AsSpan(1), batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, w, b, y, batch, scratch.AsSpan(0, 10), 1));
        Assert.Throws<ArgumentException>(() => Conv2D.ForwardReference(s, x, w, b, y.AsSpan(1), batch, scratch, 1));
        var dy = new float[y.Length];
        var dx = new float[x.Length];
        var dw = new float[w.Length];
        var db = new float[b.Length];
        Assert.Throws<ArgumentException>(() => Conv2D.Backward(s, x, w, y, dy.AsSpan(1), dx, dw, db, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Backward(s, x, w, y, dy, dx.AsSpan(1), dw, db, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Backward(s, x, w, y, dy, dx, dw.AsSpan(1), db, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Backward(s, x, w, y, dy, dx, dw, db.AsSpan(1), batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.BackwardReference(s, x, w, y, dy, dx, dw, db.AsSpan(1), batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Conv2D.Forward(s with { groups = 3 }, x, w, b, y, batch, scratch, 1));
        // an empty dx is allowed (first layer)
        Conv2D.Backward(s, x, w, y, dy, Span<float>.Empty, dw, db, batch, scratch, 1);
    }

    [Fact]
    public void FastPaths_DoNotAllocate()
    {
        var s = Square(16, 24);
        int batch = 2;
        var rng = new Random(5);
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = NumericAssert.Random(rng, s.outC);
        var y = new float[YLen(s, batch)];
        var dy = new float[y.Length];
        var dx = new float[x.Length];
        var dw = new float[w.Length];
        var db = new float[b.Length];
        var scratch = new float[Conv2D.ScratchFloats(s, batch, 2)];
        foreach (int threads in new[] { 1, 2 })
        {
            for (int warm = 0; warm < 30; warm++)
            {
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
                Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            }
            Assert.Equal(0, Allocations.PerRun(() =>
            {
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
                Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            }));
        }
    }

    [Fact]
    public void ReportsSimdPath()
    {
        string path = Vector512.IsHardwareAccelerated ? "AVX-512 (8×48 tile)"
            : Vector256.IsHardwareAccelerated ? "AVX2 (6×16 tile)" : "Vector128 (4×8 tile)";
        _out.WriteLine($"Vector512.IsHardwareAccelerated = {Vector512.IsHardwareAccelerated}, " +
                       $"Vector256.IsHardwareAccelerated = {Vector256.IsHardwareAccelerated}, " +
                       $"Vector128.IsHardwareAccelerated = {Vector128.IsHardwareAccelerated}; GEMM path: {path}, " +
                       $"MR×NR = {Gemm.MR}×{Gemm.NR}");
        Assert.Equal(Vector512.IsHardwareAccelerated ? 48 : Vector256.IsHardwareAccelerated ? 16 : 8, Gemm.NR);
    }
}
