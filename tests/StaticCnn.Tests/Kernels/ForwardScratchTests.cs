using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The forward-only scratch queries (<see cref="Conv2D.ForwardScratchFloats"/>, <see cref="ConvTranspose2D.ForwardScratchFloats"/>,
/// <see cref="ConvMaxPool2D.ForwardScratchFloats"/>) that size inference workspaces: every forward path runs on a scratch
/// span of exactly that length, at every float alignment, writes nothing outside it and matches the reference.
/// </summary>
public class ForwardScratchTests
{
    private const float Sentinel = -12345.678f;

    private enum Path { Direct, ColumnWinograd, ChannelWise, ChannelWise23, GemmWide, GemmNarrow, Winograd, Pointwise, Fallback }

    public static TheoryData<string, int, int, int, int, int, int, int, int> Shapes => new()
    {
        // name, batch, inC, H, W, outC, k, stride, pad
        { "Direct", 2, 3, 10, 10, 6, 3, 1, 0 },             // 8-wide rows: direct kernel, no row transform
        { "ColumnWinograd", 1, 1, 28, 28, 6, 5, 1, 2 },     // LeNet-5 Conv1: column F(2,3) on 28-wide rows
        { "ColumnWinograd", 2, 4, 18, 18, 10, 3, 1, 1 },    // column F(2,3), 3×3
        { "ChannelWise23", 1, 6, 14, 14, 16, 5, 1, 0 },     // LeNet-5 Conv2: channel-wise on column pairs (10-wide rows)
        { "ChannelWise23", 3, 5, 6, 6, 16, 3, 1, 1 },       // channel-wise on column pairs, 3×3
        { "ChannelWise", 3, 5, 9, 9, 8, 3, 1, 1 },          // odd row width: channel-wise, one column at a time
        { "GemmWide", 2, 8, 12, 12, 48, 3, 1, 1 },          // 48 channels, stride 1: implicit GEMM on the padded image
        { "GemmNarrow", 2, 8, 13, 13, 40, 3, 2, 1 },        // stride 2: packed GEMM
        { "Winograd", 1, 32, 12, 12, 48, 3, 1, 1 },         // F(2×2,3×3)
        { "Winograd", 2, 40, 9, 11, 36, 3, 1, 1 },          // odd sizes
        { "Pointwise", 2, 48, 9, 11, 16, 1, 1, 0 },         // 1×1 reduction with ≤ 32 outputs: the in-place GEMM, not the direct kernel
        { "Pointwise", 3, 5, 4, 4, 7, 1, 1, 0 },            // 1×1 expansion: the in-place GEMM
        { "GemmWide", 2, 8, 9, 11, 16, 1, 1, 1 },           // padded 1×1: the padded-image GEMM
    };

    private static Path Route(in ConvGeom g)
    {
        bool pointwise = g.KH == 1 && g.KW == 1;
        if (ConvDirect.Applies(g) && !pointwise)
            return ConvDirect.ChannelWise23(g) ? Path.ChannelWise23 : ConvDirect.ChannelWise(g) ? Path.ChannelWise : ConvDirect.Rows23(g) ? Path.ColumnWinograd : Path.Direct;
        if (ConvWinograd.Applies(g)) return Path.Winograd;
        if (ConvPointwise.Fits(g)) return Path.Pointwise;
        return g.SH == 1 && g.SW == 1 && !(pointwise && g.PH == 0 && g.Cout >= g.Cin) ? Path.GemmWide : Path.GemmNarrow;
    }

    private static RuntimeConv2DShape Conv(int inC, int h, int w, int outC, int k, int stride, int pad) => new()
    {
        inC = inC, inH = h, inW = w, outC = outC, kH = k, kW = k, strideH = stride, strideW = stride, padH = pad, padW = pad,
        dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = Activation.ReLU,
        outH = (h + 2 * pad - k) / stride + 1, outW = (w + 2 * pad - k) / stride + 1,
    };

    /// <summary>Runs <paramref name="run"/> on scratch slices of exactly <paramref name="need"/> floats at 16 alignments; nothing outside may change.</summary>
    private static void OnExactScratch(int need, string what, Action<float[], int> run)
    {
        for (int off = 0; off < 16; off++)
        {
            var buf = new float[off + need + 256];
            Array.Fill(buf, Sentinel);
            run(buf, off);
            for (int i = 0; i < off; i++)
                Assert.True(buf[i] == Sentinel, $"{what}: scratch offset {off} wrote before the span at {i - off}");
            for (int i = off + need; i < buf.Length; i++)
                Assert.True(buf[i] == Sentinel, $"{what}: scratch offset {off} wrote {i - off - need} floats past the forward scratch ({need})");
        }
    }

    [Theory, MemberData(nameof(Shapes))]
    public void Conv2D_forward_fits_its_forward_scratch(string path, int n, int inC, int h, int w, int outC, int k, int stride, int pad)
    {
        var s = Conv(inC, h, w, outC, k, stride, pad);
        var g = Conv2D.Geom(s);
        if (Vector256.IsHardwareAccelerated && Avx2.IsSupported)
            Assert.Equal(path == "ChannelWise23" && !Avx512F.IsSupported ? "ChannelWise" : path, Route(g).ToString());
        var rng = new Random(h * 31 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, outC * inC * k * k);
        var b = Rand(rng, outC);
        var yr = new float[n * outC * s.outH * s.outW];
        Conv2D.ForwardReference(s, x, wt, b, yr, n, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2 })
        {
            int need = Conv2D.ForwardScratchFloats(s, n, t);
            Assert.True(need <= Conv2D.ScratchFloats(s, n, t));
            OnExactScratch(need, $"{path} {s}, {t} threads", (buf, off) =>
            {
                var y = new float[yr.Length];
                Conv2D.Forward(s, x, wt, b, y, n, buf.AsSpan(off, need), t);
                AssertClose(yr, y, inC * k * k, $"{path}, {t} threads");
                if (first == null) first = y;
                else Assert.Equal(first, y);        // bit-identical across alignments and thread counts
            });
        }
    }

    /// <summary>
    /// Backward-data on a scratch span of exactly <see cref="Conv2D.ScratchFloats"/>: a stride-1 layer runs the
    /// accumulating forward on the flipped kernel, whose algorithm may differ from the plain forward's (a 1×1 layer
    /// once sized for the direct kernel wrote past its scratch on the padded-image GEMM).
    /// </summary>
    [Theory, MemberData(nameof(Shapes))]
    public void Conv2D_backward_data_fits_its_scratch(string path, int n, int inC, int h, int w, int outC, int k, int stride, int pad)
    {
        var s = Conv(inC, h, w, outC, k, stride, pad);
        var rng = new Random(h * 37 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, outC * inC * k * k);
        var b = Rand(rng, outC);
        var yr = new float[n * outC * s.outH * s.outW];
        Conv2D.ForwardReference(s, x, wt, b, yr, n, default, 1);
        var dy = Rand(rng, yr.Length);
        var dxr = new float[x.Length];
        Conv2D.BackwardReference(s, x, wt, yr, dy, dxr, new float[wt.Length], new float[outC], n, default, 1);  // dy becomes dy·relu'
        foreach (int t in new[] { 1, 2 })
        {
            int need = Conv2D.ScratchFloats(s, n, t);
            OnExactScratch(need, $"{path} {s} backward-data, {t} threads", (buf, off) =>
            {
                var dx = new float[x.Length];
                Conv2D.BackwardData(s, wt, dy, dx, n, buf.AsSpan(off, need), t);
                AssertClose(dxr, dx, outC * k * k, $"{path} backward-data, {t} threads");
            });
        }
    }

    [Theory]
    [InlineData(1, 1, 28, 28, 6, 5, 2)]     // LeNet-5 Conv1 → Pool1: column Winograd with the fused pool
    [InlineData(1, 6, 14, 14, 16, 5, 0)]    // LeNet-5 Conv2 → Pool2: channel-wise conv, then the pool
    [InlineData(2, 3, 12, 12, 6, 3, 1)]     // direct kernel with the fused pool
    [InlineData(1, 3, 10, 10, 40, 3, 1)]    // GEMM conv, then the pool
    public void ConvMaxPool2D_forward_fits_its_forward_scratch(int n, int inC, int h, int w, int outC, int k, int pad)
    {
        var c = Conv(inC, h, w, outC, k, 1, pad);
        var p = Pool2DShape.Create(outC, c.outH, c.outW, 2, 2, 0);
        var rng = new Random(h * 17 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, outC * inC * k * k);
        var b = Rand(rng, outC);
        int convLen = n * outC * c.outH * c.outW, poolLen = n * outC * p.OutH * p.OutW;
        var cr = new float[convLen]; var yr = new float[poolLen];
        ConvMaxPool2D.ForwardReference(c, p, x, wt, b, cr, yr, n, default, 1);
        float[]? first = null;
        foreach (int t in new[] { 1, 2 })
        {
            int need = ConvMaxPool2D.ForwardScratchFloats(c, n, t);
            OnExactScratch(need, $"conv+pool {c}, {t} threads", (buf, off) =>
            {
                var cy = new float[convLen]; var y = new float[poolLen];
                ConvMaxPool2D.Forward(c, p, x, wt, b, cy, y, n, buf.AsSpan(off, need), t);
                AssertClose(yr, y, inC * k * k, $"conv+pool, {t} threads");
                if (first == null) first = y;
                else Assert.Equal(first, y);
            });
        }
    }

    [Theory]
    [InlineData(2, 16, 7, 7, 6, 3, 2, 1, 1)]    // stride 2 transposed conv
    [InlineData(1, 6, 10, 10, 3, 3, 1, 1, 0)]   // stride 1: forward = direct convolution of the flipped kernel
    [InlineData(1, 48, 10, 10, 32, 3, 1, 1, 0)] // stride 1, Winograd backward-data path
    public void ConvTranspose2D_forward_fits_its_forward_scratch(int n, int inC, int h, int w, int outC, int k, int stride, int pad, int outPad)
    {
        var s = new RuntimeConvTranspose2DShape
        {
            inC = inC, inH = h, inW = w, outC = outC, kH = k, kW = k, strideH = stride, strideW = stride, padH = pad, padW = pad,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = Activation.None,
            outH = (h - 1) * stride - 2 * pad + k + outPad, outW = (w - 1) * stride - 2 * pad + k + outPad,
        };
        var rng = new Random(h * 13 + outC);
        var x = Rand(rng, n * inC * h * w);
        var wt = Rand(rng, inC * outC * k * k);
        var b = Rand(rng, outC);
        var yr = new float[n * outC * s.outH * s.outW];
        ConvTranspose2D.ForwardReference(s, x, wt, b, yr, n, default, 1);
        foreach (int t in new[] { 1, 2 })
        {
            int need = ConvTranspose2D.ForwardScratchFloats(s, n, t);
            Assert.True(need <= ConvTranspose2D.ScratchFloats(s, n, t));
            OnExactScratch(need, $"transposed {inC}→{outC} s{stride}, {t} threads", (buf, off) =>
            {
                var y = new float[yr.Length];
                ConvTranspose2D.Forward(s, x, wt, b, y, n, buf.AsSpan(off, need), t);
                AssertClose(yr, y, inC * k * k, $"transposed, {t} threads");
            });
        }
    }

    private static float[] Rand(Random r, int n)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(r.NextDouble() * 2 - 1);
        return a;
    }

    private static void AssertClose(float[] expected, float[] actual, int terms, string what)
    {
        NumericAssert.Close(what, expected, actual, rtol: 0, atol: 1e-6 * terms + 1e-5);
    }
}
