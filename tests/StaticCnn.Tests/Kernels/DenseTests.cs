using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>A Dense shape whose properties read fields.</summary>
public struct RuntimeDenseShape : IDenseShape
{
    public int @in, @out;
    public bool hasBias;
    public Activation activation;
    public readonly int In => @in;
    public readonly int Out => @out;
    public readonly bool HasBias => hasBias;
    public readonly Activation Activation => activation;
    public override readonly string ToString() => $"{@in}→{@out} bias {hasBias} {activation}";
}

public class DenseTests
{
    private static double[] ForwardDouble(RuntimeDenseShape s, double[] x, double[] w, double[] b, int batch)
    {
        var y = new double[batch * s.@out];
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < s.@out; o++)
            {
                double acc = s.hasBias ? b[o] : 0;
                for (int i = 0; i < s.@in; i++) acc += x[n * s.@in + i] * w[o * s.@in + i];
                y[n * s.@out + o] = GradCheck.Activate(s.activation, acc);
            }
        return y;
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Conv2DTests.ActivationAndBias), MemberType = typeof(Conv2DTests))]
    public void ReferenceBackward_MatchesFiniteDifferences(Activation act, bool bias)
    {
        var rng = new Random(3000 + (int)act * 2 + (bias ? 1 : 0));
        for (int trial = 0; trial < 4; trial++)
        {
            var s = new RuntimeDenseShape { @in = rng.Next(1, 30), @out = rng.Next(1, 20), hasBias = bias, activation = act };
            int batch = rng.Next(1, 6);
            var x = NumericAssert.Random(rng, batch * s.@in);
            var w = NumericAssert.Random(rng, s.@out * s.@in);
            var b = bias ? NumericAssert.Random(rng, s.@out) : Array.Empty<float>();
            var r = NumericAssert.Random(rng, batch * s.@out);
            var y = new float[batch * s.@out];
            Dense.ForwardReference(s, x, w, b, y, batch, Span<float>.Empty, 1);
            var dy = (float[])r.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Dense.BackwardReference(s, x, w, y, dy, dx, dw, db, batch, Span<float>.Empty, 1);
            double[] xd = GradCheck.ToDouble(x), wd = GradCheck.ToDouble(w), bd = GradCheck.ToDouble(b), rd = GradCheck.ToDouble(r);
            double Loss()
            {
                var yd = ForwardDouble(s, xd, wd, bd, batch);
                double l = 0;
                for (int i = 0; i < yd.Length; i++) l += yd[i] * rd[i];
                return l;
            }
            GradCheck.Check($"dx ({s})", dx, xd, Loss, rng);
            GradCheck.Check($"dw ({s})", dw, wd, Loss, rng);
            if (bias) GradCheck.Check($"db ({s})", db, bd, Loss, rng);
        }
    }

    [Fact, Trait("Category", "Numeric")]
    public void FastPaths_MatchReference_RandomShapes()
    {
        var rng = new Random(29);
        for (int trial = 0; trial < 80; trial++)
        {
            bool big = trial % 2 == 0;
            var s = new RuntimeDenseShape
            {
                @in = big ? rng.Next(1, 700) : rng.Next(1, 40), @out = big ? rng.Next(1, 130) : rng.Next(1, 20),
                hasBias = rng.Next(2) == 0, activation = (Activation)rng.Next(5),
            };
            int batch = rng.Next(1, big ? 20 : 6), threads = rng.Next(1, 3);
            bool needDx = trial % 4 != 0;
            var x = NumericAssert.Random(rng, batch * s.@in);
            var w = NumericAssert.Random(rng, s.@out * s.@in);
            var b = s.hasBias ? NumericAssert.Random(rng, s.@out) : Array.Empty<float>();
            var scratch = new float[Dense.ScratchFloats(s, batch, threads)];
            var s0 = s with { activation = Activation.None };
            string at = $" ({s}, batch {batch}, threads {threads})";

            var yR = new float[batch * s.@out];
            Dense.ForwardReference(s, x, w, b, yR, batch, Span<float>.Empty, 1);
            var yAbs = new float[yR.Length];
            Dense.ForwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), yAbs, batch, Span<float>.Empty, 1);
            var yF = NumericAssert.Random(rng, yR.Length);
            Dense.Forward(s, x, w, b, yF, batch, scratch, threads);
            NumericAssert.Close("y" + at, yF, yR, yAbs, s.@in + 1);

            var dy0 = NumericAssert.Random(rng, yR.Length);
            var dx0 = needDx ? NumericAssert.Random(rng, x.Length) : Array.Empty<float>();
            var dw0 = NumericAssert.Random(rng, w.Length);
            var db0 = NumericAssert.Random(rng, b.Length);
            float[] dyR = (float[])dy0.Clone(), dxR = (float[])dx0.Clone(), dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
            Dense.BackwardReference(s, x, w, yR, dyR, dxR, dwR, dbR, batch, Span<float>.Empty, 1);
            float[] dyF = (float[])dy0.Clone(), dxF = (float[])dx0.Clone(), dwF = (float[])dw0.Clone(), dbF = (float[])db0.Clone();
            Dense.Backward(s, x, w, yR, dyF, dxF, dwF, dbF, batch, scratch, threads);
            var ady = NumericAssert.Abs(dyR);
            float[] adx = NumericAssert.Abs(dx0), adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0);
            Dense.BackwardReference(s0, NumericAssert.Abs(x), NumericAssert.Abs(w), new float[yR.Length], ady, needDx ? adx : Span<float>.Empty, adw, adb, batch, Span<float>.Empty, 1);
            NumericAssert.Close("dw" + at, dwF, dwR, adw, batch + 1);
            NumericAssert.Close("db" + at, dbF, dbR, adb, batch + 1);
            if (needDx) NumericAssert.Close("dx" + at, dxF, dxR, adx, s.@out + 1);
        }
    }

    [Theory, Trait("Category", "Numeric")]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(16)]
    public void ThreadCounts_GiveBitIdenticalResults(int batch)
    {
        var rng = new Random(31);
        var s = new RuntimeDenseShape { @in = 1500, @out = 700, hasBias = true, activation = Activation.Tanh };
        var x = NumericAssert.Random(rng, batch * s.@in);
        var w = NumericAssert.Random(rng, s.@out * s.@in);
        var b = NumericAssert.Random(rng, s.@out);
        var dy0 = NumericAssert.Random(rng, batch * s.@out);
        float[][]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var scratch = new float[Dense.ScratchFloats(s, batch, threads)];
            var y = new float[batch * s.@out];
            Dense.Forward(s, x, w, b, y, batch, scratch, threads);
            var dy = (float[])dy0.Clone();
            var dx = new float[x.Length];
            var dw = new float[w.Length];
            var db = new float[b.Length];
            Dense.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            var all = new[] { y, dx, dw, db };
            if (first == null) { first = all; continue; }
            for (int i = 0; i < all.Length; i++) NumericAssert.Identical($"output {i}, {threads} threads", all[i], first[i]);
        }
    }

    /// <summary>
    /// Batch-1 GEMV: a row's arithmetic does not depend on the group of rows it runs in (16 or 8 rows per pass, the
    /// overlapping last group, single rows) nor on the split between threads; a row whose length is not a multiple of
    /// the vector takes its tail with the counted lanes zeroed in x and w alike, so an infinite weight early in the row
    /// stays infinite (0·∞ would be NaN).
    /// </summary>
    [Theory, Trait("Category", "Numeric")]
    [InlineData(1031, 1021)]
    [InlineData(1040, 1013)]
    [InlineData(1029, 1030)]
    public void Gemv_RowsIndependentOfGroupingAndThreads(int inF, int outF)
    {
        var rng = new Random(inF + outF);
        var s = new RuntimeDenseShape { @in = inF, @out = outF, hasBias = true, activation = Activation.ReLU };
        var x = NumericAssert.Random(rng, inF);
        var w = NumericAssert.Random(rng, outF * inF);
        var b = NumericAssert.Random(rng, outF);
        // rows 5, 6, 7: an infinite weight just before the last whole 16-, 8- and 4-lane chunk ends (counted in the main
        // loop, inside the tail vector's span when the lane count does not divide In)
        int[] infAt = { (inF & ~15) - 1, (inF & ~7) - 1, (inF & ~3) - 1 };
        for (int r = 0; r < 3; r++)
        {
            w[(5 + r) * inF + infAt[r]] = float.PositiveInfinity;
            x[infAt[r]] = Math.Abs(x[infAt[r]]) + 0.5f;
        }
        float[]? first = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var y = new float[outF];
            Dense.Forward(s, x, w, b, y, 1, new float[Dense.ScratchFloats(s, 1, threads)], threads);
            for (int r = 5; r < 8; r++) Assert.True(float.IsPositiveInfinity(y[r]), $"{threads} threads, row {r}: {y[r]:R}");
            if (first == null) first = y;
            else NumericAssert.Identical($"{threads} threads", y, first);
        }
        // every row alone (a one-row layer runs the single-row path) equals the same row in the whole layer
        var one = new RuntimeDenseShape { @in = inF, @out = 1, hasBias = true, activation = Activation.ReLU };
        for (int o = 0; o < outF; o += 97)
        {
            var y1 = new float[1];
            Dense.Forward(one, x, w.AsSpan(o * inF, inF), b.AsSpan(o, 1), y1, 1, new float[Dense.ScratchFloats(one, 1, 1)], 1);
            Assert.True(BitConverter.SingleToInt32Bits(y1[0]) == BitConverter.SingleToInt32Bits(first![o]), $"row {o}: alone {y1[0]:R}, in the layer {first[o]:R}");
        }
        for (int r = 0; r < 3; r++) w[(5 + r) * inF + infAt[r]] = 0f;       // finite rows for the tolerance check
        var yR = new float[outF];
        Dense.ForwardReference(s, x, w, b, yR, 1, Span<float>.Empty, 1);
        var yAbs = new float[outF];
        Dense.ForwardReference(s with { activation = Activation.None }, NumericAssert.Abs(x), NumericAssert.Abs(w), NumericAssert.Abs(b), yAbs, 1, Span<float>.Empty, 1);
        var yF = (float[])first!.Clone();
        for (int r = 5; r < 8; r++) yF[r] = yR[r];
        NumericAssert.Close("y", yF, yR, yAbs, inF + 1);
    }

    [Fact]
    public void WrongLengths_ThrowNamingSizes()
    {
        var s = new RuntimeDenseShape { @in = 10, @out = 4, hasBias = true };
        int batch = 3;
        var scratch = new float[Dense.ScratchFloats(s, batch, 1)];
        var e = Assert.Throws<ArgumentException>(() => Dense.Forward(s, new float[29], new float[40], new float[4], new float[12], batch, scratch, 1));
        Assert.Contains("29", e.Message);
        Assert.Contains("30", e.Message);
        Assert.Throws<ArgumentException>(() => Dense.Forward(s, new float[30], new float[41], new float[4], new float[12], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Dense.Forward(s, new float[30], new float[40], new float[0], new float[12], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Dense.Forward(s, new float[30], new float[40], new float[4], new float[13], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Dense.Forward(s, new float[30], new float[40], new float[4], new float[12], batch, new float[3], 1));
        Assert.Throws<ArgumentException>(() => Dense.Backward(s, new float[30], new float[40], new float[12], new float[12], new float[31], new float[40], new float[4], batch, scratch, 1));
        Assert.Throws<ArgumentException>(() => Dense.BackwardReference(s, new float[30], new float[40], new float[12], new float[11], new float[30], new float[40], new float[4], batch, scratch, 1));
    }

    [Fact]
    public void FastPaths_DoNotAllocate()
    {
        var s = new RuntimeDenseShape { @in = 400, @out = 120, hasBias = true, activation = Activation.ReLU };
        foreach (int batch in new[] { 1, 8 })
            foreach (int threads in new[] { 1, 2 })
            {
                var x = new float[batch * 400];
                var w = new float[48000];
                var b = new float[120];
                var y = new float[batch * 120];
                var dy = new float[y.Length];
                var dx = new float[x.Length];
                var dw = new float[w.Length];
                var db = new float[b.Length];
                var scratch = new float[Dense.ScratchFloats(s, batch, threads)];
                for (int warm = 0; warm < 40; warm++)
                {
                    Dense.Forward(s, x, w, b, y, batch, scratch, threads);
                    Dense.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
                }
                long before = GC.GetAllocatedBytesForCurrentThread();
                Dense.Forward(s, x, w, b, y, batch, scratch, threads);
                Dense.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
                Assert.True(0 == GC.GetAllocatedBytesForCurrentThread() - before, $"batch {batch}, threads {threads}: {GC.GetAllocatedBytesForCurrentThread() - before} bytes");
            }
    }
}
