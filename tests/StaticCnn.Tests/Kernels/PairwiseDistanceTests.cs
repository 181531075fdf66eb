using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <see cref="PairwiseDistance"/> (PyTorch <c>F.pairwise_distance(x1, x2, p=2, eps=1e-6)</c>) against PyTorch 1.13
/// (fixtures by tools/make_fixtures.py --only embedding, incl. equal rows whose distance is ε·√D), against its reference
/// twin, against double-precision finite differences, bit-identical for 1 and 2 threads, and allocation-free.
/// </summary>
public class PairwiseDistanceTests
{
    public static TheoryData<string> Cases() => EmbeddingTestUtil.Cases("PairwiseDistance");

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch_ForwardAndBackward_FastAndReference(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = new PairwiseDistanceShape(f.MetaInt("shape", "D"), (float)f.MetaJson("shape").GetProperty("Epsilon").GetDouble());
        float[] a = f.Floats("input.0"), b = f.Floats("input.1"), dy = f.Floats("grad_output");
        int batch = f.Shape("input.0")[0];
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[batch];
                if (reference) PairwiseDistance.ForwardReference(s, a, b, y, batch, t); else PairwiseDistance.Forward(s, a, b, y, batch, t);
                EmbeddingTestUtil.Close($"{f} output ref={reference} t{t}", f.Floats("output"), y, 1);
                var d1 = new float[a.Length];
                var d2 = new float[a.Length];
                if (reference) PairwiseDistance.BackwardReference(s, a, b, dy, d1, d2, batch, t);
                else PairwiseDistance.Backward(s, a, b, dy, d1, d2, batch, t);
                EmbeddingTestUtil.Close($"{f} grad_input.0 ref={reference} t{t}", f.Floats("grad_input.0"), d1, s.D);
                EmbeddingTestUtil.Close($"{f} grad_input.1 ref={reference} t{t}", f.Floats("grad_input.1"), d2, s.D);
                // accumulation, and each gradient alone
                var e1 = (float[])d1.Clone();
                var e2 = new float[a.Length];
                if (reference) PairwiseDistance.BackwardReference(s, a, b, dy, e1, default, batch, t);
                else PairwiseDistance.Backward(s, a, b, dy, e1, default, batch, t);
                EmbeddingTestUtil.AssertDoubled($"{f} dx1 ref={reference}", d1, e1);
                if (reference) PairwiseDistance.BackwardReference(s, a, b, dy, default, e2, batch, t);
                else PairwiseDistance.Backward(s, a, b, dy, default, e2, batch, t);
                OpsTestUtil.BitEqual(d2, e2, "dx2 alone");
            }
        if (f.ToString() == "pairwise_37")
        {
            // row 1: x1 == x2, so the distance is ‖ε·1‖ = ε·√D
            var y = new float[batch];
            PairwiseDistance.Forward(s, a, b, y, batch, 1);
            Assert.Equal(1e-6 * Math.Sqrt(s.D), y[1], 1e-12);
        }
    }

    [Theory, Trait("Category", "Numeric")]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(17)]
    [InlineData(64)]
    [InlineData(100)]
    public void FastPath_MatchesReference_AndFiniteDifferences(int d)
    {
        var rng = new Random(d);
        const int batch = 4;
        var s = new PairwiseDistanceShape(d);
        float[] a = NumericAssert.Random(rng, batch * d), b = NumericAssert.Random(rng, batch * d), dy = NumericAssert.Random(rng, batch);
        Array.Copy(a, 0, b, 0, d);   // sample 0: equal rows
        var yf = new float[batch];
        var yr = new float[batch];
        PairwiseDistance.Forward(s, a, b, yf, batch, 1);
        PairwiseDistance.ForwardReference(s, a, b, yr, batch, 1);
        EmbeddingTestUtil.Close("y", yr, yf, 1, rtol: 1e-5 + d * 6e-8, rowAtol: 0, floor: 1e-30);
        var f1 = new float[a.Length];
        var f2 = new float[a.Length];
        var r1 = new float[a.Length];
        var r2 = new float[a.Length];
        PairwiseDistance.Backward(s, a, b, dy, f1, f2, batch, 1);
        PairwiseDistance.BackwardReference(s, a, b, dy, r1, r2, batch, 1);
        EmbeddingTestUtil.Close("dx1", r1, f1, d, rtol: 1e-5 + d * 6e-8, rowAtol: 1e-6);
        EmbeddingTestUtil.Close("dx2", r2, f2, d, rtol: 1e-5 + d * 6e-8, rowAtol: 1e-6);

        // finite differences in double on samples 1..3 (sample 0's distance is ε·√D: a central step of 1e-6 is not small there)
        double[] x1 = GradCheck.ToDouble(a.AsSpan(d)), x2 = GradCheck.ToDouble(b.AsSpan(d));
        double Loss()
        {
            double l = 0;
            for (int n = 0; n < batch - 1; n++)
            {
                double ss = 0;
                for (int i = n * d; i < (n + 1) * d; i++) { double v = x1[i] - x2[i] + 1e-6; ss += v * v; }
                l += dy[n + 1] * Math.Sqrt(ss);
            }
            return l;
        }
        GradCheck.Check("dx1", f1.AsSpan(d), x1, Loss, rng, samples: 200);
        GradCheck.Check("dx2", f2.AsSpan(d), x2, Loss, rng, samples: 200);
    }

    [Fact, Trait("Category", "Numeric")]
    public void Threads_AreBitIdentical_AndNothingIsAllocated()
    {
        var rng = new Random(11);
        const int batch = 400, d = 100;
        var s = new PairwiseDistanceShape(d);
        float[] a = NumericAssert.Random(rng, batch * d), b = NumericAssert.Random(rng, batch * d), dy = NumericAssert.Random(rng, batch);
        var y1 = new float[batch];
        var y2 = new float[batch];
        PairwiseDistance.Forward(s, a, b, y1, batch, 1);
        PairwiseDistance.Forward(s, a, b, y2, batch, 2);
        OpsTestUtil.BitEqual(y1, y2, "y");
        float[] g11 = new float[a.Length], g12 = new float[a.Length], g21 = new float[a.Length], g22 = new float[a.Length];
        PairwiseDistance.Backward(s, a, b, dy, g11, g12, batch, 1);
        PairwiseDistance.Backward(s, a, b, dy, g21, g22, batch, 2);
        OpsTestUtil.BitEqual(g11, g21, "dx1");
        OpsTestUtil.BitEqual(g12, g22, "dx2");
        OpsTestUtil.NoAllocation(() => PairwiseDistance.Forward(s, a, b, y2, batch, 2));
        OpsTestUtil.NoAllocation(() => PairwiseDistance.Backward(s, a, b, dy, g21, g22, batch, 2));
    }

    [Fact]
    public void WrongLengths_Throw()
    {
        var s = new PairwiseDistanceShape(4);
        Assert.Throws<ArgumentException>(() => PairwiseDistance.Forward(s, new float[8], new float[7], new float[2], 2, 1));
        Assert.Throws<ArgumentException>(() => PairwiseDistance.Forward(s, new float[8], new float[8], new float[1], 2, 1));
        Assert.Throws<ArgumentException>(() => PairwiseDistance.Backward(s, new float[8], new float[8], new float[2], new float[4], default, 2, 1));
    }
}
