using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The Winograd F(2×2, 3×3) path of Conv2D (runtime/StaticCnn/Kernels/ConvWinograd.cs): forward and backward-data
/// against the scalar double-precision reference kernels, thread-count bit-identity, and the dispatch rule.
/// </summary>
public unsafe class ConvWinogradTests
{
    private readonly ITestOutputHelper _out;
    public ConvWinogradTests(ITestOutputHelper output) => _out = output;

    /// <summary>
    /// Error budget of the Winograd path, in units of the direct-summation bound of <see cref="NumericAssert.Close"/>:
    /// the transforms add a few roundings per term and sum up to 16 transformed products per output, so the bound
    /// uses reduction = Factor·Cin·9. Measured worst ratio of |error| to the direct bound: see docs/KERNELS.md.
    /// </summary>
    private const int Factor = 4;

    internal static long XLen(RuntimeConv2DShape s, int n) => (long)n * s.inC * s.inH * s.inW;
    internal static long YLen(RuntimeConv2DShape s, int n) => (long)n * s.outC * s.outH * s.outW;
    internal static long WLen(RuntimeConv2DShape s) => (long)s.outC * s.inC * 9;

    /// <summary>A 3×3 stride-1 shape (also <see cref="ConvWinograd4Tests"/>'s, there with <see cref="Precision.Relaxed"/>).</summary>
    internal static RuntimeConv2DShape Shape(int cin, int cout, int h, int w, int pad, bool bias = true,
        Activation act = Activation.None, int padHigh = -1, Precision precision = Precision.Standard)
    {
        int ph = padHigh < 0 ? pad : padHigh;
        return new RuntimeConv2DShape
        {
            inC = cin, inH = h, inW = w, outC = cout, outH = h + pad + ph - 2, outW = w + pad + ph - 2, kH = 3, kW = 3,
            strideH = 1, strideW = 1, padH = pad, padW = pad, dilationH = 1, dilationW = 1, groups = 1,
            hasBias = bias, activation = act, precision = precision,
        };
    }

    private static ConvGeom G(RuntimeConv2DShape s) => Conv2D.Geom(s);

    private static RuntimeConv2DShape RandomShape(Random r)
    {
        int pad = r.Next(3) switch { 0 => 0, 1 => 1, _ => r.Next(0, 3) };
        int ph = r.Next(4) == 0 ? Math.Max(0, pad + r.Next(-1, 2)) : pad;
        bool narrow = r.Next(4) == 0;   // 16…31 channels on one side: needs a larger image
        int h = narrow ? r.Next(20, 30) : r.Next(7, 20), w = narrow ? r.Next(20, 33) : r.Next(7, 24);
        int cin = r.Next(ConvWinograd.WideChannels, 80), cout = r.Next(ConvWinograd.WideChannels, 90);
        if (narrow && r.Next(2) == 0) cin = r.Next(ConvWinograd.MinChannels, ConvWinograd.WideChannels);
        else if (narrow) cout = r.Next(ConvWinograd.MinChannels, ConvWinograd.WideChannels);
        var s = Shape(cin, cout, h, w, pad, r.Next(2) == 0, (Activation)r.Next(5), ph);
        if (!ConvWinograd.Applies(G(s)) || !ConvWinograd.AppliesData(G(s))) return RandomShape(r);
        return s;
    }

    [Fact, Trait("Category", "Numeric")]
    public void Forward_MatchesReference()
    {
        var rng = new Random(41);
        double worst = 0;
        for (int trial = 0; trial < 30; trial++)
        {
            var s = RandomShape(rng);
            Assert.True(ConvWinograd.Applies(G(s)), s.ToString());
            Assert.True(ConvWinograd.AppliesData(G(s)), s.ToString());
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            bool accumulate = trial % 4 == 3;
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var y0 = NumericAssert.Random(rng, YLen(s, batch));
            var yr = new float[y0.Length];
            var abs = new float[y0.Length];
            var y = (float[])y0.Clone();
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            var s0 = s with { activation = Activation.None };
            if (!accumulate)
            {
                Conv2D.ForwardReference(s, x, w, b, yr, batch, Span<float>.Empty, 1);
                Conv2D.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), abs, batch, Span<float>.Empty, 1);
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            }
            else
            {
                // y = act(y + conv(x, w)), the form ConvTranspose2D's backward-data uses
                var sn = s0 with { hasBias = false };
                Conv2D.ForwardReference(sn, x, w, Array.Empty<float>(), yr, batch, Span<float>.Empty, 1);
                Conv2D.ForwardReference(sn, NumericAssert.Abs(x), NumericAssert.Abs(w), Array.Empty<float>(), abs, batch, Span<float>.Empty, 1);
                for (int i = 0; i < yr.Length; i++) { yr[i] += y0[i]; abs[i] += Math.Abs(y0[i]); }
                Activations.ApplyForwardReference(s.activation, Activations.DefaultLeakySlope, yr);
                fixed (float* px = x, pw = w, py = y, ps = scratch)
                    ConvWinograd.Forward(G(s), px, pw, null, py, batch, true, s.activation, ps, threads);
            }
            worst = Math.Max(worst, Check($"y ({s}, batch {batch}, threads {threads}, accumulate {accumulate})", y, yr, abs, s.inC * 9L));
        }
        _out.WriteLine($"forward: worst |error| / direct-summation bound = {worst:F3} (asserted ≤ {Factor})");
    }

    [Fact, Trait("Category", "Numeric")]
    public void BackwardData_MatchesReference()
    {
        var rng = new Random(43);
        double worst = 0;
        for (int trial = 0; trial < 30; trial++)
        {
            var s = RandomShape(rng) with { activation = Activation.None };
            Assert.True(ConvWinograd.AppliesData(G(s)), s.ToString());
            int batch = rng.Next(1, 4), threads = rng.Next(1, 3);
            var w = NumericAssert.Random(rng, WLen(s));
            var dy = NumericAssert.Random(rng, YLen(s, batch));
            var dx0 = NumericAssert.Random(rng, XLen(s, batch));
            var dxr = (float[])dx0.Clone();
            var adx = NumericAssert.Abs(dx0);
            Conv2D.BackwardDataReference(s, w, dy, dxr, batch, Span<float>.Empty, 1);
            Conv2D.BackwardDataReference(s, NumericAssert.Abs(w), NumericAssert.Abs(dy), adx, batch, Span<float>.Empty, 1);
            var dx = (float[])dx0.Clone();
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            Conv2D.BackwardData(s, w, dy, dx, batch, scratch, threads);
            worst = Math.Max(worst, Check($"dx ({s}, batch {batch}, threads {threads})", dx, dxr, adx, s.outC * 9L));
        }
        _out.WriteLine($"backward-data: worst |error| / direct-summation bound = {worst:F3} (asserted ≤ {Factor})");
    }

    /// <summary>Asserts |fast − ref| ≤ Factor·bound (bound as NumericAssert.Close); returns the worst ratio to the bound.</summary>
    private static double Check(string name, float[] fast, float[] reference, float[] absRef, long reduction)
        => Check(name, fast, reference, absRef, reduction, Factor);

    /// <summary>Asserts |fast − ref| ≤ <paramref name="factor"/>·bound (bound as NumericAssert.Close); returns the worst ratio to the bound.</summary>
    internal static double Check(string name, float[] fast, float[] reference, float[] absRef, long reduction, double factor)
    {
        double worst = 0;
        for (int i = 0; i < fast.Length; i++)
        {
            double bound = (reduction + 4) * NumericAssert.U * absRef[i] + 4 * NumericAssert.U * Math.Abs(reference[i]) + 1e-30;
            double diff = Math.Abs((double)fast[i] - reference[i]);
            if (!(diff <= factor * bound))
                Assert.Fail($"{name}[{i}]: fast {fast[i]:R} vs reference {reference[i]:R}, |diff| {diff:E3} > {factor}·bound {bound:E3}.");
            worst = Math.Max(worst, diff / bound);
        }
        return worst;
    }

    /// <summary>Wide inputs split the tile rows into several bands, one of them across two samples.</summary>
    [Fact, Trait("Category", "Numeric")]
    public void SeveralBands_AcrossSamples_MatchReference()
    {
        var rng = new Random(47);
        foreach (var s in new[] { Shape(256, 16, 40, 40, 1, true, Activation.ReLU), Shape(16, 256, 40, 40, 1, false) })
        {
            Assert.True(ConvWinograd.Applies(G(s)) && ConvWinograd.AppliesData(G(s)), s.ToString());
            int batch = 2;
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var dy = NumericAssert.Random(rng, YLen(s, batch));
            var s0 = s with { activation = Activation.None };
            var yr = new float[YLen(s, batch)];
            var abs = new float[yr.Length];
            Conv2D.ForwardReference(s, x, w, b, yr, batch, Span<float>.Empty, 1);
            Conv2D.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), abs, batch, Span<float>.Empty, 1);
            var dxr = new float[x.Length];
            var adx = new float[x.Length];
            Conv2D.BackwardDataReference(s, w, dy, dxr, batch, Span<float>.Empty, 1);
            Conv2D.BackwardDataReference(s, NumericAssert.Abs(w), NumericAssert.Abs(dy), adx, batch, Span<float>.Empty, 1);
            float[]? y1 = null, dx1 = null;
            foreach (int threads in new[] { 1, 2 })
            {
                var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
                var y = new float[yr.Length];
                var dx = new float[x.Length];
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
                Conv2D.BackwardData(s, w, dy, dx, batch, scratch, threads);
                Check($"y ({s}, threads {threads})", y, yr, abs, s.inC * 9L);
                Check($"dx ({s}, threads {threads})", dx, dxr, adx, s.outC * 9L);
                if (y1 == null) { y1 = y; dx1 = dx; continue; }
                NumericAssert.Identical("y, 2 threads", y, y1);
                NumericAssert.Identical("dx, 2 threads", dx, dx1!);
            }
        }
    }

    /// <summary>
    /// The multi-part partitions of ConvWinograd.Choose (column chunks from a counter; column ranges in private
    /// buffers; private whole-input copies with the output blocks split), with band tails that take TailDots, odd output sizes, tile rows
    /// across samples, accumulation and a fused activation: forward and backward-data at 2 and 3 threads are
    /// bit-identical to 1 thread and within the Winograd bound of the reference.
    /// </summary>
    [Fact, Trait("Category", "Numeric")]
    public void Partitions_AreBitIdenticalAcrossThreads()
    {
        var rng = new Random(59);
        var cases = new (RuntimeConv2DShape s, int batch)[]
        {
            (Shape(32, 32, 30, 30, 1, true, Activation.ReLU), 1),    // 225 tile columns: column split, tail of 1 (or 1/8)
            (Shape(40, 36, 27, 33, 1, true, Activation.None), 2),    // odd output: partial tiles, rows across 2 samples
            (Shape(96, 96, 14, 14, 1, true, Activation.LeakyReLU), 1), // 49 tile columns: private copies, output blocks split
            (Shape(64, 80, 6, 22, 0, false), 3),                      // 2×10 tiles per sample, 3 samples
            (Shape(24, 40, 49, 51, 1, true, Activation.ReLU), 1),    // 650 tile columns: dynamic chunks at 2 threads, tail of 10
        };
        var seen = new HashSet<ConvWinograd.Partition>();
        foreach (var (s, batch) in cases)
        {
            var g = G(s);
            Assert.True(ConvWinograd.Applies(g) && ConvWinograd.AppliesData(g), s.ToString());
            int cols = batch * ((s.outH + 1) / 2) * ((s.outW + 1) / 2);
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var dy = NumericAssert.Random(rng, YLen(s, batch));
            var y0 = NumericAssert.Random(rng, YLen(s, batch));   // accumulate: y = act(y0 + conv)
            var s0 = s with { activation = Activation.None };
            var yr = new float[YLen(s, batch)];
            var abs = new float[yr.Length];
            Conv2D.ForwardReference(s, x, w, b, yr, batch, Span<float>.Empty, 1);
            Conv2D.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), abs, batch, Span<float>.Empty, 1);
            var dxr = new float[x.Length];
            var adx = new float[x.Length];
            Conv2D.BackwardDataReference(s, w, dy, dxr, batch, Span<float>.Empty, 1);
            Conv2D.BackwardDataReference(s, NumericAssert.Abs(w), NumericAssert.Abs(dy), adx, batch, Span<float>.Empty, 1);
            float[]? y1 = null, dx1 = null, ya1 = null;
            foreach (int threads in new[] { 1, 2, 3 })
            {
                int parts = GemmWorkers.Parts(threads, (long)cols * s.inC * s.outC * 16, 1L << 20);
                if (parts > 1) seen.Add(ConvWinograd.Choose(g, cols, parts));
                var (y, dx, ya) = ThreePasses(s, x, w, b, dy, y0, batch, threads);
                Check($"y ({s}, batch {batch}, threads {threads})", y, yr, abs, s.inC * 9L);
                Check($"dx ({s}, batch {batch}, threads {threads})", dx, dxr, adx, s.outC * 9L);
                if (y1 == null) { y1 = y; dx1 = dx; ya1 = ya; continue; }
                NumericAssert.Identical($"y ({s}), {threads} threads", y, y1);
                NumericAssert.Identical($"dx ({s}), {threads} threads", dx, dx1!);
                NumericAssert.Identical($"accumulated y ({s}), {threads} threads", ya, ya1!);
            }
        }
        Assert.Contains(ConvWinograd.Partition.Columns, seen);
        Assert.Contains(ConvWinograd.Partition.Private, seen);
        Assert.Contains(ConvWinograd.Partition.Dynamic, seen);
    }

    /// <summary>
    /// The AVX-512 input transforms (one vector per padded row up to 7 tile columns, groups of 15 tile columns in two
    /// vectors beyond) and output transform (16 tile columns per vector, the row's end under a mask) give the general
    /// transforms' bits: forward, accumulated forward and backward-data (whose flipped
    /// geometry pads by 2 − P), with padding 0, 1, 2 and uneven, odd outputs, several samples in one band, group
    /// boundaries inside a part's columns, and 1 to 3 threads (the private, column, dynamic and split partitions write
    /// parts of tile rows).
    /// </summary>
    [Fact, Trait("Category", "Numeric")]
    public void Vector512Transforms_MatchTheGeneralOnes_BitForBit()
    {
        var rng = new Random(83);
        var cases = new (RuntimeConv2DShape s, int batch)[]
        {
            (Shape(256, 64, 14, 14, 1), 1),                           // ResNet's 14×14 stage: 7 tile columns
            (Shape(40, 48, 13, 11, 1, true, Activation.ReLU, padHigh: 2), 3), // odd outputs (13×12), 3 samples
            (Shape(32, 32, 16, 16, 0, false), 2),                     // no padding: 14×14 outputs from 16×16 inputs
            (Shape(48, 40, 9, 12, 2, true, Activation.LeakyReLU), 2), // padding 2: 11×14 outputs
            (Shape(64, 96, 10, 8, 1), 4),                             // 4×5 tiles per sample, 4 samples
            (Shape(128, 128, 28, 28, 1), 1),                          // ResNet's 28×28 stage: 14 tile columns, two vectors a row
            (Shape(40, 36, 27, 29, 1, true, Activation.ReLU), 2),     // odd 27×29: 15 tile columns, the last one partial
            (Shape(32, 48, 19, 18, 2, false, padHigh: 0), 3),         // uneven padding 2/0: 18×17 outputs, 9 tile columns
            (Shape(64, 64, 56, 56, 1), 1),                            // 28 tile columns: groups of 15 and 13, dynamic chunks
            (Shape(24, 40, 49, 51, 1, true, Activation.ReLU), 1),     // 26 tile columns, odd: chunks split tile rows
            (Shape(32, 32, 61, 64, 0, true, Activation.None, padHigh: 1), 2), // 31 tile columns: groups 15, 15, 1
        };
        bool was = ConvWinograd.VectorInput, wasOut = ConvWinograd.VectorOutput;
        try
        {
            foreach (var (s, batch) in cases)
            {
                var g = G(s);
                Assert.True(ConvWinograd.Applies(g) && ConvWinograd.AppliesData(g), s.ToString());
                var x = NumericAssert.Random(rng, XLen(s, batch));
                var w = NumericAssert.Random(rng, WLen(s));
                var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
                var dy = NumericAssert.Random(rng, YLen(s, batch));
                var y0 = NumericAssert.Random(rng, YLen(s, batch));
                foreach (int threads in new[] { 1, 2, 3 })
                {
                    var results = new List<float[]>();
                    foreach (bool narrow in new[] { false, true })
                    {
                        ConvWinograd.VectorInput = ConvWinograd.VectorOutput = narrow;
                        var (y, dx, ya) = ThreePasses(s, x, w, b, dy, y0, batch, threads);
                        results.AddRange(new[] { y, dx, ya });
                    }
                    NumericAssert.Identical($"y ({s}, batch {batch}, {threads} threads)", results[3], results[0]);
                    NumericAssert.Identical($"dx ({s}, batch {batch}, {threads} threads)", results[4], results[1]);
                    NumericAssert.Identical($"accumulated y ({s}, batch {batch}, {threads} threads)", results[5], results[2]);
                }
            }
        }
        finally { ConvWinograd.VectorInput = was; ConvWinograd.VectorOutput = wasOut; }
    }

    /// <summary>
    /// The three Winograd passes of one shape: the forward y, backward-data dx (from <paramref name="dy"/>, into zeros)
    /// and the accumulating forward ya = <paramref name="y0"/> + conv(x, w), each on a fresh scratch.
    /// </summary>
    private static (float[] y, float[] dx, float[] ya) ThreePasses(RuntimeConv2DShape s, float[] x, float[] w, float[] b,
        float[] dy, float[] y0, int batch, int threads)
    {
        var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
        var y = new float[YLen(s, batch)];
        var dx = new float[x.Length];
        var ya = (float[])y0.Clone();
        Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
        Conv2D.BackwardData(s, w, dy, dx, batch, scratch, threads);
        fixed (float* px = x, pw = w, pya = ya, ps = scratch)
            ConvWinograd.Forward(G(s), px, pw, null, pya, batch, true, s.activation, ps, threads);
        return (y, dx, ya);
    }

    /// <summary>
    /// Prepared weights (<see cref="Conv2D.PrepareWeights"/>): the forward, the BatchNorm-fused forward and the one with a
    /// residual Add read them in place of transforming w and give the same bits, with every partition (1 to 3 threads,
    /// output-channel counts that leave a partial block); a copy at another address works the same; weights prepared
    /// from other weights give those weights' result (so the prepared form is what is read); non-Winograd shapes
    /// prepare nothing, and a wrong length is a clear error.
    /// </summary>
    [Fact, Trait("Category", "Numeric")]
    public void PreparedWeights_GiveTheSameBits_AndAreWhatIsRead()
    {
        var rng = new Random(97);
        var cases = new (RuntimeConv2DShape s, int batch)[]
        {
            (Shape(256, 64, 14, 14, 1), 1),                           // 14×14: private partition at 2 threads
            (Shape(40, 36, 13, 11, 1, true, Activation.ReLU, padHigh: 2), 3), // odd outputs, a partial output-channel block
            (Shape(64, 64, 56, 56, 1), 1),                            // dynamic chunks
            (Shape(128, 128, 28, 28, 1, false), 2),                   // column partition
        };
        foreach (var (s, batch) in cases)
        {
            var g = G(s);
            Assert.Equal(ConvAlgorithm.Winograd, Conv2D.AlgorithmFor(s));
            int n = Conv2D.PreparedFloats(s);
            Assert.True(n >= WLen(s) * 16 / 9, $"{s}: {n} prepared floats");
            var x = NumericAssert.Random(rng, XLen(s, batch));
            var w = NumericAssert.Random(rng, WLen(s));
            var w2 = NumericAssert.Random(rng, WLen(s));
            var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
            var prepared = new float[n];
            var other = new float[n + 5];   // w2's, at an address 5 floats further on
            Conv2D.PrepareWeights(s, w, prepared);
            Conv2D.PrepareWeights(s, w2, other.AsSpan(5));
            var copy = new float[n + 3];
            prepared.CopyTo(copy, 3);
            var bn = new BatchNormShape(s.outC, s.outH, s.outW);
            var gamma = NumericAssert.Random(rng, s.outC);
            var beta = NumericAssert.Random(rng, s.outC);
            var mean = NumericAssert.Random(rng, s.outC);
            var variance = NumericAssert.Random(rng, s.outC).Select(v => 0.5f + Math.Abs(v)).ToArray();
            var residual = NumericAssert.Random(rng, YLen(s, batch));
            foreach (int threads in new[] { 1, 2, 3 })
            {
                var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
                float[] Run(float[] weights, ReadOnlySpan<float> p, int kind)
                {
                    var y = new float[YLen(s, batch)];
                    if (kind == 0) Conv2D.Forward(s, x, weights, b, y, batch, scratch, threads, p);
                    else if (kind == 1)
                        Conv2D.ForwardBatchNorm(s, bn, x, weights, b, gamma, beta, mean, variance, Activation.ReLU6, 0f, y, batch, scratch, threads, p);
                    else
                        Conv2D.ForwardBatchNormAdd(s, bn, x, weights, b, gamma, beta, mean, variance, residual, true, Activation.ReLU, 0f, y, batch, scratch, threads, p);
                    return y;
                }
                for (int kind = 0; kind < 3; kind++)
                    NumericAssert.PreparedIsWhatIsRead(
                        $"{s}, batch {batch}, {threads} threads, {(kind == 0 ? "forward" : kind == 1 ? "BatchNorm" : "BatchNorm + Add")}",
                        (weights, p) => Run(weights, p, kind), w, w2, prepared, copy.AsSpan(3), other.AsSpan(5));
            }
            var ex = Assert.Throws<ArgumentException>(() => Conv2D.Forward(s, x, w, b, new float[YLen(s, batch)], batch,
                new float[Conv2D.ScratchFloats(s, batch, 1)], 1, prepared.AsSpan(1)));
            Assert.Equal("prepared", ex.ParamName);
            Assert.Contains($"prepared has {n - 1} floats but this shape's forward reads {n} (PreparedFloats)", ex.Message);
            Assert.Equal("prepared", Assert.Throws<ArgumentException>(() => Conv2D.PrepareWeights(s, w, new float[n + 1])).ParamName);
        }
        // a shape whose forward reads w as it is (stride 2: not Winograd) prepares nothing, and refuses a prepared form
        var strided = Shape(32, 32, 16, 16, 1) with { strideH = 2, strideW = 2, outH = 8, outW = 8 };
        Assert.NotEqual(ConvAlgorithm.Winograd, Conv2D.AlgorithmFor(strided));
        Assert.Equal(0, Conv2D.PreparedFloats(strided));
        var ws = NumericAssert.Random(rng, WLen(strided));
        Conv2D.PrepareWeights(strided, ws, Span<float>.Empty);
        Assert.Equal("prepared", Assert.Throws<ArgumentException>(() => Conv2D.Forward(strided, new float[XLen(strided, 1)], ws,
            new float[32], new float[YLen(strided, 1)], 1, new float[Conv2D.ScratchFloats(strided, 1, 1)], 1, new float[16])).ParamName);
    }

    /// <summary>ConvTranspose2D 3×3 stride 1 runs its forward as Conv2D backward-data and its backward-data as Conv2D forward.</summary>
    [Fact, Trait("Category", "Numeric")]
    public void ConvTranspose2D_Stride1_MatchesReference()
    {
        var rng = new Random(53);
        foreach (int pad in new[] { 0, 1, 2 })
        {
            var s = new RuntimeConvTranspose2DShape
            {
                inC = 40, inH = 11, inW = 14, outC = 36, kH = 3, kW = 3, strideH = 1, strideW = 1, padH = pad, padW = pad,
                dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = Activation.LeakyReLU,
            };
            s.outH = s.inH - 2 * pad + 2;
            s.outW = s.inW - 2 * pad + 2;
            var g = ConvTranspose2D.Geom(s);
            Assert.True(ConvWinograd.AppliesData(g) && ConvWinograd.Applies(g), s.ToString());
            int batch = 2;
            var x = NumericAssert.Random(rng, (long)batch * s.inC * s.inH * s.inW);
            var w = NumericAssert.Random(rng, (long)s.inC * s.outC * 9);
            var b = NumericAssert.Random(rng, s.outC);
            var yr = new float[batch * s.outC * s.outH * s.outW];
            var abs = new float[yr.Length];
            ConvTranspose2D.ForwardReference(s, x, w, b, yr, batch, Span<float>.Empty, 1);
            var s0 = s with { activation = Activation.None };
            ConvTranspose2D.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), abs, batch, Span<float>.Empty, 1);
            var dy = NumericAssert.Random(rng, yr.Length);
            var dxr = new float[x.Length];
            var adx = new float[x.Length];
            ConvTranspose2D.BackwardDataReference(s0, w, dy, dxr, batch, Span<float>.Empty, 1);
            ConvTranspose2D.BackwardDataReference(s0, NumericAssert.Abs(w), NumericAssert.Abs(dy), adx, batch, Span<float>.Empty, 1);
            foreach (int threads in new[] { 1, 2 })
            {
                var scratch = new float[ConvTranspose2D.ScratchFloats(s, batch, threads)];
                var y = new float[yr.Length];
                var dx = new float[x.Length];
                ConvTranspose2D.Forward(s, x, w, b, y, batch, scratch, threads);
                ConvTranspose2D.BackwardData(s0, w, dy, dx, batch, scratch, threads);
                Check($"y ({s}, threads {threads})", y, yr, abs, s.inC * 9L);
                Check($"dx ({s}, threads {threads})", dx, dxr, adx, s.outC * 9L);
            }
        }
    }

    public static IEnumerable<object[]> ThreadShapes() => new[]
    {
        new object[] { Shape(36, 40, 13, 9, 1, true, Activation.ReLU) },
        new object[] { Shape(48, 64, 20, 21, 0, false, Activation.Tanh) },
        new object[] { Shape(64, 64, 14, 14, 1) },
    };

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(ThreadShapes))]
    public void ThreadCounts_GiveBitIdenticalResults(RuntimeConv2DShape s)
    {
        Assert.True(ConvWinograd.Applies(G(s)));
        Assert.True(ConvWinograd.AppliesData(G(s)));
        var rng = new Random(5);
        int batch = 3;
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
        var dy = NumericAssert.Random(rng, YLen(s, batch));
        float[]? y1 = null, dx1 = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var y = new float[YLen(s, batch)];
            var dx = new float[XLen(s, batch)];
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
            Conv2D.BackwardData(s, w, dy, dx, batch, scratch, threads);
            if (y1 == null) { y1 = y; dx1 = dx; continue; }
            NumericAssert.Identical($"y, {threads} threads", y, y1);
            NumericAssert.Identical($"dx, {threads} threads", dx, dx1!);
        }
    }

    [Fact]
    public void Applies_ToTheBenchmarkShapes_AndNotToOthers()
    {
        foreach (int c in new[] { 64, 128, 256 })
        {
            int hw = 56 * 64 / c;
            var s = Shape(c, c, hw, hw, 1);
            Assert.True(ConvWinograd.Applies(G(s)), $"forward {s}");
            Assert.True(ConvWinograd.AppliesData(G(s)), $"backward-data {s}");
        }
        var baseShape = Shape(128, 128, 28, 28, 1);
        var stride2 = baseShape with { strideH = 2, strideW = 2, outH = 14, outW = 14 };
        var k5 = baseShape with { kH = 5, kW = 5, padH = 2, padW = 2 };
        var grouped = baseShape with { groups = 2 };
        var dilated = baseShape with { dilationH = 2, dilationW = 2, padH = 2, padW = 2 };
        var narrow = Shape(16, 16, 14, 14, 1);      // few channels: only large images
        var thin = Shape(8, 64, 56, 56, 1);
        var small = Shape(256, 256, 7, 7, 1);       // 16 tiles for 49 pixels
        foreach (var s in new[] { stride2, k5, grouped, dilated, narrow, thin, small })
        {
            Assert.False(ConvWinograd.Applies(G(s)), $"forward {s}");
            Assert.False(ConvWinograd.AppliesData(G(s)), $"backward-data {s}");
        }
    }

    [Fact]
    public void FastPath_DoesNotAllocate()
    {
        var s = Shape(64, 64, 12, 12, 1, true, Activation.ReLU);
        int batch = 2;
        var rng = new Random(9);
        var x = NumericAssert.Random(rng, XLen(s, batch));
        var w = NumericAssert.Random(rng, WLen(s));
        var b = NumericAssert.Random(rng, s.outC);
        var y = new float[YLen(s, batch)];
        var dx = new float[x.Length];
        var scratch = new float[Conv2D.ScratchFloats(s, batch, 2)];
        foreach (int threads in new[] { 1, 2 })
        {
            for (int warm = 0; warm < 20; warm++)
            {
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
                Conv2D.BackwardData(s, w, y, dx, batch, scratch, threads);
            }
            Assert.Equal(0, Allocations.PerRun(() =>
            {
                Conv2D.Forward(s, x, w, b, y, batch, scratch, threads);
                Conv2D.BackwardData(s, w, y, dx, batch, scratch, threads);
            }));
        }
    }
}
