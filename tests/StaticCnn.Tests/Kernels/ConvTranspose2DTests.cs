using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>A ConvTranspose2D shape whose properties read fields, for random-shape tests.</summary>
public struct RuntimeConvTranspose2DShape : IConvTranspose2DShape
{
    public int inC, inH, inW, outC, outH, outW, kH, kW, strideH, strideW, padH, padW, dilationH, dilationW, groups;
    public bool hasBias;
    public Activation activation;
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

    public override readonly string ToString() =>
        $"in {inC}×{inH}×{inW} out {outC}×{outH}×{outW} k {kH}×{kW} s {strideH}×{strideW} p {padH}×{padW} d {dilationH}×{dilationW} g {groups} bias {hasBias} {activation}";

    public static RuntimeConvTranspose2DShape Random(Random r, bool big, Activation? act = null, bool? bias = null)
    {
        while (true)
        {
            int g = r.Next(3) == 0 ? 1 : r.Next(1, 4);
            bool depthwise = r.Next(5) == 0;
            int cg = depthwise ? 1 : big ? r.Next(1, 40) : r.Next(1, 4);
            int m = depthwise ? r.Next(1, 3) : big ? r.Next(1, 21) : r.Next(1, 4);
            var s = new RuntimeConvTranspose2DShape
            {
                groups = g, inC = g * cg, outC = g * m,
                kH = r.Next(1, big ? 4 : 6), kW = r.Next(1, big ? 4 : 6),
                strideH = r.Next(1, 4), strideW = r.Next(1, 4),
                dilationH = r.Next(1, 3), dilationW = r.Next(1, 3),
                inH = big ? r.Next(3, 20) : r.Next(2, 7), inW = big ? r.Next(3, 20) : r.Next(2, 7),
                hasBias = bias ?? r.Next(2) == 0,
                activation = act ?? (Activation)r.Next(5),
            };
            s.padH = r.Next(0, s.dilationH * (s.kH - 1) + 1);
            s.padW = r.Next(0, s.dilationW * (s.kW - 1) + 1);
            int opH = r.Next(0, Math.Max(s.strideH, s.dilationH)), opW = r.Next(0, Math.Max(s.strideW, s.dilationW));
            s.outH = (s.inH - 1) * s.strideH - 2 * s.padH + s.dilationH * (s.kH - 1) + opH + 1;
            s.outW = (s.inW - 1) * s.strideW - 2 * s.padW + s.dilationW * (s.kW - 1) + opW + 1;
            if (s.outH < 1 || s.outW < 1) continue;
            return s;
        }
    }
}

public class ConvTranspose2DTests
{
    private static long XLen(RuntimeConvTranspose2DShape s, int n) => (long)n * s.inC * s.inH * s.inW;
    private static long YLen(RuntimeConvTranspose2DShape s, int n) => (long)n * s.outC * s.outH * s.outW;
    private static long WLen(RuntimeConvTranspose2DShape s) => (long)s.inC * (s.outC / s.groups) * s.kH * s.kW;

    /// <summary>Float64 twin of the forward pass (scatter form, independent of the gather-form reference).</summary>
    private static double[] ForwardDouble(RuntimeConvTranspose2DShape s, double[] x, double[] w, double[] b, int batch)
    {
        var y = new double[YLen(s, batch)];
        int icg = s.inC / s.groups, ocg = s.outC / s.groups;
        int plane = s.outH * s.outW;
        for (int n = 0; n < batch; n++)
        {
            if (s.hasBias)
                for (int oc = 0; oc < s.outC; oc++)
                    for (int p = 0; p < plane; p++) y[(n * s.outC + oc) * plane + p] = b[oc];
            for (int ic = 0; ic < s.inC; ic++)
                for (int ih = 0; ih < s.inH; ih++)
                    for (int iw = 0; iw < s.inW; iw++)
                    {
                        double v = x[((n * s.inC + ic) * s.inH + ih) * s.inW + iw];
                        for (int o = 0; o < ocg; o++)
                            for (int kh = 0; kh < s.kH; kh++)
                                for (int kw = 0; kw < s.kW; kw++)
                                {
                                    int oh = ih * s.strideH - s.padH + kh * s.dilationH, ow = iw * s.strideW - s.padW + kw * s.dilationW;
                                    if (oh < 0 || ow < 0 || oh >= s.outH || ow >= s.outW) continue;
                                    int oc = ic / icg * ocg + o;
                                    y[((n * s.outC + oc) * s.outH + oh) * s.outW + ow] += v * w[((ic * ocg + o) * s.kH + kh) * s.kW + kw];
                                }
                    }
        }
        for (int i = 0; i < y.Length; i++) y[i] = GradCheck.Activate(s.activation, y[i]);
        return y;
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Conv2DTests.ActivationAndBias), MemberType = typeof(Conv2DTests))]
    public void ReferenceBackward_MatchesFiniteDifferences(Activation act, bool bias)
    {
        var rng = new Random(2000 + (int)act * 2 + (bias ? 1 : 0));
        for (int trial = 0; trial < 6; trial++)
        {
            var s = RuntimeConvTranspose2DShape.Random(rng, big: false, act, bias);
            int batch = rng.Next(1, 3);
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = bias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var r = NumericAssert.Random(rng, YLen(s, batch));
            var y = new float[YLen(s, batch)];
            ConvTranspose2D.ForwardReference(s, x, w, b, y, batch, Span<float>.Empty, 1);
            double[] xd = GradCheck.ToDouble(x), wd = GradCheck.ToDouble(w), bd = GradCheck.ToDouble(b), rd = GradCheck.ToDouble(r);
            var yd0 = ForwardDouble(s, xd, wd, bd, batch);
            for (int i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - yd0[i]) <= 1e-5 * (1 + Math.Abs(yd0[i])), $"forward [{i}] {y[i]} vs {yd0[i]} ({s})");
            var dy = (float[])r.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            ConvTranspose2D.BackwardReference(s, x, w, y, dy, dx, dw, db, batch, Span<float>.Empty, 1);
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

    [Fact, Trait("Category", "Numeric")]
    public void FastPaths_MatchReference_RandomShapes()
    {
        var rng = new Random(17);
        for (int trial = 0; trial < 100; trial++)
        {
            var s = RuntimeConvTranspose2DShape.Random(rng, big: trial % 2 == 0);
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            bool needDx = trial % 5 != 0;
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var scratch = new float[ConvTranspose2D.ScratchFloats(s, batch, threads)];
            string at = $" ({s}, batch {batch}, threads {threads})";
            var s0 = s with { activation = Activation.None };
            int icg = s.inC / s.groups, ocg = s.outC / s.groups;

            var yR = new float[YLen(s, batch)];
            ConvTranspose2D.ForwardReference(s, x, w, b, yR, batch, Span<float>.Empty, 1);
            var yAbs = new float[yR.Length];
            ConvTranspose2D.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), yAbs, batch, Span<float>.Empty, 1);
            var yF = NumericAssert.Random(rng, yR.Length);
            ConvTranspose2D.Forward(s, x, w, b, yF, batch, scratch, threads);
            // each output gathers ≤ icg·KH·KW products; the fast path adds them in KH·KW column groups
            NumericAssert.Close("y" + at, yF, yR, yAbs, (long)icg * s.kH * s.kW + s.kH * s.kW + 1);

            var dy0 = NumericAssert.Random(rng, yR.Length);
            var dx0 = needDx ? NumericAssert.Random(rng, x.Length) : Array.Empty<float>();
            var dw0 = NumericAssert.Random(rng, w.Length);
            var db0 = NumericAssert.Random(rng, b.Length);
            float[] dyR = (float[])dy0.Clone(), dxR = (float[])dx0.Clone(), dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
            ConvTranspose2D.BackwardReference(s, x, w, yR, dyR, dxR, dwR, dbR, batch, Span<float>.Empty, 1);
            float[] dyF = (float[])dy0.Clone(), dxF = (float[])dx0.Clone(), dwF = (float[])dw0.Clone(), dbF = (float[])db0.Clone();
            ConvTranspose2D.Backward(s, x, w, yR, dyF, dxF, dwF, dbF, batch, scratch, threads);
            var ady = NumericAssert.Abs(dyR);
            float[] adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0);
            ConvTranspose2D.BackwardWeightsReference(s0, NumericAssert.Abs(x), ady, adw, adb, batch, Span<float>.Empty, 1);
            NumericAssert.Close("dw" + at, dwF, dwR, adw, (long)batch * s.inH * s.inW + 1);
            NumericAssert.Close("db" + at, dbF, dbR, adb, (long)batch * s.outH * s.outW + 1);
            if (needDx)
            {
                var adx = NumericAssert.Abs(dx0);
                ConvTranspose2D.BackwardDataReference(s0, NumericAssert.Abs(w), ady, adx, batch, Span<float>.Empty, 1);
                NumericAssert.Close("dx" + at, dxF, dxR, adx, (long)ocg * s.kH * s.kW + 1);
            }
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void ThreadCounts_GiveBitIdenticalResults()
    {
        var rng = new Random(23);
        var s = new RuntimeConvTranspose2DShape
        {
            inC = 24, inH = 9, inW = 11, outC = 16, kH = 4, kW = 3, strideH = 2, strideW = 2, padH = 1, padW = 1,
            dilationH = 1, dilationW = 1, groups = 2, hasBias = true, activation = Activation.LeakyReLU,
        };
        s.outH = (s.inH - 1) * 2 - 2 + 3 + 1;
        s.outW = (s.inW - 1) * 2 - 2 + 2 + 1 + 1;
        int batch = 3;
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = NumericAssert.Random(rng, s.outC);
        var dy0 = NumericAssert.Random(rng, YLen(s, batch));
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var scratch = new float[ConvTranspose2D.ScratchFloats(s, batch, threads)];
            var y = new float[YLen(s, batch)];
            ConvTranspose2D.Forward(s, x, w, b, y, batch, scratch, threads);
            var dy = (float[])dy0.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            ConvTranspose2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            var all = new[] { y, dx, dw, db };
            if (first == null) { first = all; continue; }
            for (int i = 0; i < all.Length; i++) NumericAssert.Identical($"output {i}, {threads} threads", all[i], first[i]);
        }
    }

    [Fact]
    public void WrongLengths_ThrowNamingSizes()
    {
        var s = new RuntimeConvTranspose2DShape
        {
            inC = 4, inH = 5, inW = 5, outC = 6, outH = 9, outW = 9, kH = 3, kW = 3, strideH = 2, strideW = 2, padH = 1, padW = 1,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = true,
        };
        int batch = 2;
        var x = new float[XLen(s, batch)];
        var w = new float[WLen(s)];
        var b = new float[s.outC];
        var y = new float[YLen(s, batch)];
        var scratch = new float[ConvTranspose2D.ScratchFloats(s, batch, 1)];
        var e = Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(s, x, w, b, y.AsSpan(2), batch, scratch, 1));
        Assert.Contains($"{y.Length - 2}", e.Message);
        Assert.Contains($"{y.Length}", e.Message);
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(s, x.AsSpan(1), w, b, y, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(s, x, w.AsSpan(1), b, y, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(s, x, w, b.AsSpan(1), y, batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Forward(s, x, w, b, y, batch, scratch.AsSpan(0, 4), 1));
        var dy = new float[y.Length];
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Backward(s, x, w, y, dy, new float[3], new float[w.Length], new float[6], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.Backward(s, x, w, y, dy.AsSpan(1), x.ToArray(), new float[w.Length], new float[6], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => ConvTranspose2D.BackwardReference(s, x, w, y, dy, x.ToArray(), new float[w.Length], new float[5], batch, scratch, 1));
    }
}
