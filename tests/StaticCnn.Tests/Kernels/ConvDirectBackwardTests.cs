using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The fused small-channel backward (derivative, bias, weight and input gradients in one pass over the batch,
/// runtime/StaticCnn/Kernels/ConvDirectBackward.cs) at batches large enough for several sample groups and gradient
/// chunks, against <see cref="Conv2D.BackwardReference"/>, and bit-identical for 1, 2 and 3 threads.
/// </summary>
public class ConvDirectBackwardTests
{
    private static RuntimeConv2DShape Same(int cin, int cout, int hw, int k = 3, Activation act = Activation.ReLU, bool bias = true)
        => new()
        {
            inC = cin, inH = hw, inW = hw, outC = cout, outH = hw, outW = hw, kH = k, kW = k, strideH = 1, strideW = 1,
            padH = k / 2, padW = k / 2, dilationH = 1, dilationW = 1, groups = 1, hasBias = bias, activation = act,
        };

    public static IEnumerable<object[]> Shapes() => new[]
    {
        // the CIFAR-10 example network's six convolutions
        new object[] { Same(3, 10, 32), 20 },
        new object[] { Same(10, 10, 32), 11 },
        new object[] { Same(10, 5, 16), 37 },
        new object[] { Same(5, 20, 16), 24 },
        new object[] { Same(20, 10, 8), 40 },
        new object[] { Same(10, 20, 8, k: 5), 19 },
        // LeNet-5: 5×5 on 28×28 with padding 2, and 5×5 without padding (10-wide rows: tail vectors)
        new object[] { Same(1, 6, 28, k: 5), 33 },
        new object[] { Same(6, 16, 14, k: 5) with { padH = 0, padW = 0, outH = 10, outW = 10 }, 17 },
        // row tails, odd planes, every activation, no bias, asymmetric padding, 1×3 and 4×5 kernels
        new object[] { Same(4, 7, 13, act: Activation.Sigmoid), 9 },
        new object[] { Same(7, 3, 11, act: Activation.Tanh, bias: false), 18 },
        new object[] { Same(2, 9, 20, act: Activation.LeakyReLU), 13 },
        new object[] { Same(3, 32, 9, act: Activation.None), 10 },
        new object[] { Same(5, 6, 12) with { padH = 0, padW = 2, outH = 10, outW = 12 }, 16 },
        new object[] { Same(3, 5, 10) with { kH = 1, padH = 0 }, 21 },
        new object[] { Same(4, 4, 17, k: 5) with { kH = 4, padH = 1, outH = 16 }, 12 },
        new object[] { Same(10, 10, 40), 1 },
    };

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Shapes))]
    public void MatchesReference_AndThreadCountsAgreeBitForBit(RuntimeConv2DShape s, int batch)
    {
        var rng = new Random(batch * 31 + s.inC);
        long xl = (long)batch * s.inC * s.inH * s.inW, yl = (long)batch * s.outC * s.outH * s.outW;
        var x = NumericAssert.Random(rng, xl);
        var w = NumericAssert.Random(rng, (long)s.outC * s.inC * s.kH * s.kW);
        var b = s.hasBias ? NumericAssert.Random(rng, s.outC) : Array.Empty<float>();
        var y = new float[yl];
        Conv2D.ForwardReference(s, x, w, b, y, batch, Span<float>.Empty, 1);
        var dy0 = NumericAssert.Random(rng, yl);
        var dx0 = NumericAssert.Random(rng, xl);
        var dw0 = NumericAssert.Random(rng, w.Length);
        var db0 = NumericAssert.Random(rng, b.Length);

        float[] dyR = (float[])dy0.Clone(), dxR = (float[])dx0.Clone(), dwR = (float[])dw0.Clone(), dbR = (float[])db0.Clone();
        Conv2D.BackwardReference(s, x, w, y, dyR, dxR, dwR, dbR, batch, Span<float>.Empty, 1);
        var ady = NumericAssert.Abs(dyR);
        var s0 = s with { activation = Activation.None };
        float[] adw = NumericAssert.Abs(dw0), adb = NumericAssert.Abs(db0), adx = NumericAssert.Abs(dx0);
        Conv2D.BackwardWeightsReference(s0, NumericAssert.Abs(x), ady, adw, adb, batch, Span<float>.Empty, 1);
        Conv2D.BackwardDataReference(s0, NumericAssert.Abs(w), ady, adx, batch, Span<float>.Empty, 1);

        float[]? dx1 = null, dw1 = null, db1 = null, dy1 = null;
        foreach (int threads in new[] { 1, 2, 3 })
            foreach (bool needDx in new[] { true, false })
            {
                float[] dy = (float[])dy0.Clone(), dx = needDx ? (float[])dx0.Clone() : Array.Empty<float>();
                float[] dw = (float[])dw0.Clone(), db = (float[])db0.Clone();
                var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
                Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
                string at = $" ({s}, batch {batch}, threads {threads}, dx {needDx})";
                if (s.activation is Activation.ReLU or Activation.None or Activation.LeakyReLU)
                    NumericAssert.Identical("dy (pre-activation)" + at, dy, dyR);
                long pixels = (long)batch * s.outH * s.outW;
                NumericAssert.Close("dw" + at, dw, dwR, adw, pixels + 1);
                NumericAssert.Close("db" + at, db, dbR, adb, pixels + 1);
                if (needDx) NumericAssert.Close("dx" + at, dx, dxR, adx, (long)s.outC * s.kH * s.kW + 1);
                if (dw1 == null) { dx1 = dx; dw1 = dw; db1 = db; dy1 = dy; continue; }
                NumericAssert.Identical("dw vs 1 thread" + at, dw, dw1);
                NumericAssert.Identical("db vs 1 thread" + at, db, db1!);
                NumericAssert.Identical("dy vs 1 thread" + at, dy, dy1!);
                if (needDx) NumericAssert.Identical("dx vs 1 thread" + at, dx, dx1!);
            }
    }

    [Fact]
    public void DoesNotAllocate()
    {
        var s = Same(10, 20, 8, k: 5);
        int batch = 32;
        var x = new float[batch * 10 * 64];
        var w = new float[20 * 10 * 25];
        var y = new float[batch * 20 * 64];
        var dy = new float[y.Length];
        var dx = new float[x.Length];
        var dw = new float[w.Length];
        var db = new float[20];
        foreach (int threads in new[] { 1, 2 })
        {
            var scratch = new float[Conv2D.ScratchFloats(s, batch, threads)];
            // warm up past the tier-up call counts (a method's 30th call can start the runtime's tiering thread,
            // which allocates on whichever thread made that call); call counting starts only after 100 ms without
            // new tier-0 code, so a one-off allocation of the runtime can still land in a window: the least of three
            // windows must be 0 (an allocation per call shows in every window)
            for (int i = 0; i < 40; i++) Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
            long least = long.MaxValue;
            for (int window = 0; window < 3; window++)
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 5; i++) Conv2D.Backward(s, x, w, y, dy, dx, dw, db, batch, scratch, threads);
                least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
            }
            Assert.Equal(0, least);
        }
    }
}
