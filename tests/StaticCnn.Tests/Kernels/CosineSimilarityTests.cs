using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <see cref="CosineSimilarity"/> (PyTorch <c>F.cosine_similarity(x1, x2, dim=1, eps=1e-8)</c>) against PyTorch 1.13
/// (fixtures by tools/make_fixtures.py --only embedding: a zero row, rows below ε on one and on both sides, parallel and
/// anti-parallel rows), against its reference twin, against double-precision finite differences (unclamped rows: in the
/// clamped region PyTorch's gradient is not the derivative of its forward, and the fixtures are the specification),
/// bit-identical for 1 and 2 threads, and allocation-free.
/// </summary>
public class CosineSimilarityTests
{
    public static TheoryData<string> Cases() => EmbeddingTestUtil.Cases("CosineSimilarity");

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch_ForwardAndBackward_FastAndReference(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = new CosineSimilarityShape(f.MetaInt("shape", "D"), (float)f.MetaJson("shape").GetProperty("Epsilon").GetDouble());
        float[] a = f.Floats("input.0"), b = f.Floats("input.1"), dy = f.Floats("grad_output");
        int batch = f.Shape("input.0")[0];
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[batch];
                if (reference) CosineSimilarity.ForwardReference(s, a, b, y, batch, t); else CosineSimilarity.Forward(s, a, b, y, batch, t);
                EmbeddingTestUtil.Close($"{f} output ref={reference} t{t}", f.Floats("output"), y, 1, floor: 2e-7);
                var d1 = new float[a.Length];
                var d2 = new float[a.Length];
                if (reference) CosineSimilarity.BackwardReference(s, a, b, dy, d1, d2, batch, t);
                else CosineSimilarity.Backward(s, a, b, dy, d1, d2, batch, t);
                EmbeddingTestUtil.Close($"{f} grad_input.0 ref={reference} t{t}", f.Floats("grad_input.0"), d1, s.D, rowAtol: 2e-5);
                EmbeddingTestUtil.Close($"{f} grad_input.1 ref={reference} t{t}", f.Floats("grad_input.1"), d2, s.D, rowAtol: 2e-5);
                var e1 = (float[])d1.Clone();
                var e2 = new float[a.Length];
                if (reference) CosineSimilarity.BackwardReference(s, a, b, dy, e1, default, batch, t);
                else CosineSimilarity.Backward(s, a, b, dy, e1, default, batch, t);
                EmbeddingTestUtil.AssertDoubled($"{f} dx1 ref={reference}", d1, e1);
                if (reference) CosineSimilarity.BackwardReference(s, a, b, dy, default, e2, batch, t);
                else CosineSimilarity.Backward(s, a, b, dy, default, e2, batch, t);
                OpsTestUtil.BitEqual(d2, e2, "dx2 alone");
            }
    }

    [Fact, Trait("Category", "Numeric")]
    public void ClampedRows_FollowPyTorch113()
    {
        // cosine_37: row 1 has x1 = 0 (n1 = ε), row 2 has ‖x2‖ < ε, row 3 has both below ε. PyTorch 1.13 clamps each
        // norm on its own: y = x1·x2 / (max(‖x1‖, ε)·max(‖x2‖, ε)); the product form before 1.12
        // (x1·x2 / √max(‖x1‖²‖x2‖², ε²)) would give a different value on rows 2 and 3.
        Fixture f = Fixture.Load("embedding/cosine_37.safetensors");
        var s = new CosineSimilarityShape(37);
        float[] a = f.Floats("input.0"), b = f.Floats("input.1"), expected = f.Floats("output");
        var y = new float[7];
        CosineSimilarity.Forward(s, a, b, y, 7, 1);
        Assert.Equal(0f, y[1]);
        for (int r = 2; r <= 3; r++)
        {
            double aa = 0, bb = 0, ab = 0;
            for (int i = r * 37; i < (r + 1) * 37; i++) { aa += (double)a[i] * a[i]; bb += (double)b[i] * b[i]; ab += (double)a[i] * b[i]; }
            double perNorm = ab / (Math.Max(Math.Sqrt(aa), 1e-8) * Math.Max(Math.Sqrt(bb), 1e-8));
            double product = ab / Math.Sqrt(Math.Max(aa * bb, 1e-16));
            Assert.True(Math.Abs(perNorm - product) > 1e-3 * Math.Abs(perNorm), $"row {r}: the two eps rules must differ here");
            Assert.Equal(perNorm, expected[r], Math.Abs(perNorm) * 1e-5);
            Assert.Equal(expected[r], y[r], Math.Abs(expected[r]) * 1e-5f);
        }
        Assert.Equal(1f, y[4], 1e-6f);
        Assert.Equal(-1f, y[5], 1e-6f);
    }

    [Theory, Trait("Category", "Numeric")]
    [InlineData(1)]
    [InlineData(5)]
    [InlineData(16)]
    [InlineData(37)]
    [InlineData(128)]
    public void FastPath_MatchesReference_AndFiniteDifferences(int d)
    {
        var rng = new Random(d * 7);
        const int batch = 5;
        var s = new CosineSimilarityShape(d);
        float[] a = EmbeddingTestUtil.Rows(rng, batch, d, (3, 0f)), b = EmbeddingTestUtil.Rows(rng, batch, d, (4, 1e-10f));
        float[] dy = NumericAssert.Random(rng, batch);
        var yf = new float[batch];
        var yr = new float[batch];
        CosineSimilarity.Forward(s, a, b, yf, batch, 1);
        CosineSimilarity.ForwardReference(s, a, b, yr, batch, 1);
        EmbeddingTestUtil.Close("y", yr, yf, 1, rtol: 1e-5, rowAtol: 0, floor: d * 1e-7);
        var f1 = new float[a.Length];
        var f2 = new float[a.Length];
        var r1 = new float[a.Length];
        var r2 = new float[a.Length];
        CosineSimilarity.Backward(s, a, b, dy, f1, f2, batch, 1);
        CosineSimilarity.BackwardReference(s, a, b, dy, r1, r2, batch, 1);
        EmbeddingTestUtil.Close("dx1", r1, f1, d, rtol: 1e-5, rowAtol: 1e-5 + d * 2e-7);
        EmbeddingTestUtil.Close("dx2", r2, f2, d, rtol: 1e-5, rowAtol: 1e-5 + d * 2e-7);

        // finite differences in double on the unclamped samples 0–2
        const int free = 3;
        double[] x1 = GradCheck.ToDouble(a.AsSpan(0, free * d)), x2 = GradCheck.ToDouble(b.AsSpan(0, free * d));
        double Loss()
        {
            double l = 0;
            for (int n = 0; n < free; n++)
            {
                double aa = 0, bb = 0, ab = 0;
                for (int i = n * d; i < (n + 1) * d; i++) { aa += x1[i] * x1[i]; bb += x2[i] * x2[i]; ab += x1[i] * x2[i]; }
                l += dy[n] * ab / (Math.Max(Math.Sqrt(aa), 1e-8) * Math.Max(Math.Sqrt(bb), 1e-8));
            }
            return l;
        }
        GradCheck.Check("dx1", f1.AsSpan(0, free * d), x1, Loss, rng, samples: 200);
        GradCheck.Check("dx2", f2.AsSpan(0, free * d), x2, Loss, rng, samples: 200);
    }

    [Fact, Trait("Category", "Numeric")]
    public void Threads_AreBitIdentical_AndNothingIsAllocated()
    {
        var rng = new Random(13);
        const int batch = 400, d = 100;
        var s = new CosineSimilarityShape(d);
        float[] a = EmbeddingTestUtil.Rows(rng, batch, d, (9, 0f)), b = NumericAssert.Random(rng, batch * d), dy = NumericAssert.Random(rng, batch);
        var y1 = new float[batch];
        var y2 = new float[batch];
        CosineSimilarity.Forward(s, a, b, y1, batch, 1);
        CosineSimilarity.Forward(s, a, b, y2, batch, 2);
        OpsTestUtil.BitEqual(y1, y2, "y");
        float[] g11 = new float[a.Length], g12 = new float[a.Length], g21 = new float[a.Length], g22 = new float[a.Length];
        CosineSimilarity.Backward(s, a, b, dy, g11, g12, batch, 1);
        CosineSimilarity.Backward(s, a, b, dy, g21, g22, batch, 2);
        OpsTestUtil.BitEqual(g11, g21, "dx1");
        OpsTestUtil.BitEqual(g12, g22, "dx2");
        OpsTestUtil.NoAllocation(() => CosineSimilarity.Forward(s, a, b, y2, batch, 2));
        OpsTestUtil.NoAllocation(() => CosineSimilarity.Backward(s, a, b, dy, g21, g22, batch, 2));
    }

    [Fact]
    public void WrongLengths_Throw()
    {
        var s = new CosineSimilarityShape(4);
        Assert.Throws<ArgumentException>(() => CosineSimilarity.Forward(s, new float[8], new float[7], new float[2], 2, 1));
        Assert.Throws<ArgumentException>(() => CosineSimilarity.Backward(s, new float[8], new float[8], new float[2], default, new float[5], 2, 1));
    }
}
