using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <see cref="L2Normalize"/> (PyTorch <c>F.normalize(x, p=2, dim=1)</c>) against PyTorch 1.13 (fixtures by
/// tools/make_fixtures.py --only embedding: vectors with a zero row and a row below ε, (N, C, L) and (N, C, H, W)),
/// against its reference twin, against double-precision finite differences on both branches of the clamp, bit-identical
/// for 1 and 2 threads, and allocation-free.
/// </summary>
public class L2NormalizeTests
{
    public static TheoryData<string> Cases() => EmbeddingTestUtil.Cases("L2Normalize");

    private static L2NormalizeShape ShapeOf(Fixture f)
        => new(f.MetaInt("shape", "C"), f.MetaInt("shape", "H"), f.MetaInt("shape", "W"),
            (float)f.MetaJson("shape").GetProperty("Epsilon").GetDouble());

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch_ForwardAndBackward_FastAndReference(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = ShapeOf(f);
        float[] x = f.Floats("input"), dy = f.Floats("grad_output");
        int batch = f.Shape("input")[0], row = s.C * s.H * s.W;
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[x.Length];
                if (reference) L2Normalize.ForwardReference(s, x, y, batch, t); else L2Normalize.Forward(s, x, y, batch, t);
                EmbeddingTestUtil.Close($"{f} output ref={reference} t{t}", f.Floats("output"), y, row);
                var dx = new float[x.Length];
                if (reference) L2Normalize.BackwardReference(s, x, dy, dx, batch, t); else L2Normalize.Backward(s, x, dy, dx, batch, t);
                EmbeddingTestUtil.Close($"{f} grad_input ref={reference} t{t}", f.Floats("grad_input"), dx, row);
                var dx2 = (float[])dx.Clone();
                if (reference) L2Normalize.BackwardReference(s, x, dy, dx2, batch, t); else L2Normalize.Backward(s, x, dy, dx2, batch, t);
                EmbeddingTestUtil.AssertDoubled($"{f} ref={reference}", dx, dx2);
            }
    }

    [Fact, Trait("Category", "Numeric")]
    public void ClampedRows_GetDyOverEpsilon_AsPyTorch()
    {
        // l2norm_vec: row 3 is zero, row 4 has a norm below 1e-12; PyTorch's gradient there is dy / eps
        Fixture f = Fixture.Load("embedding/l2norm_vec.safetensors");
        var s = ShapeOf(f);
        float[] x = f.Floats("input"), dy = f.Floats("grad_output"), expected = f.Floats("grad_input");
        var dx = new float[x.Length];
        L2Normalize.Backward(s, x, dy, dx, 6, 1);
        for (int r = 3; r <= 4; r++)
            for (int i = r * s.C; i < (r + 1) * s.C; i++)
            {
                Assert.Equal(dy[i] / 1e-12f, dx[i]);
                Assert.Equal(expected[i], dx[i], Math.Abs(expected[i]) * 1e-6f);
            }
        var y = new float[x.Length];
        L2Normalize.Forward(s, x, y, 6, 1);
        for (int i = 3 * s.C; i < 4 * s.C; i++) Assert.Equal(0f, y[i]);
    }

    public static TheoryData<int, int, int> RandomShapes() => new()
    {
        { 1, 1, 1 }, { 7, 1, 1 }, { 37, 1, 1 }, { 64, 1, 1 }, { 129, 1, 1 }, { 5, 1, 19 }, { 3, 4, 5 }, { 16, 2, 8 }, { 2, 1, 3 },
    };

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(RandomShapes))]
    public void FastPath_MatchesReference(int c, int h, int w)
    {
        var rng = new Random(c * 1000 + h * 10 + w);
        const int batch = 5;
        var s = new L2NormalizeShape(c, h, w);
        int size = c * h * w;
        float[] x = EmbeddingTestUtil.Rows(rng, batch, size, (1, 0f), (2, 1e-14f), (3, 1e3f));
        float[] dy = NumericAssert.Random(rng, x.Length);
        var yf = new float[x.Length];
        var yr = new float[x.Length];
        L2Normalize.Forward(s, x, yf, batch, 1);
        L2Normalize.ForwardReference(s, x, yr, batch, 1);
        EmbeddingTestUtil.Close("y", yr, yf, 1, rtol: 4e-6, rowAtol: 0, floor: 1e-30);
        var df = NumericAssert.Random(rng, x.Length);
        var dr = (float[])df.Clone();
        L2Normalize.Backward(s, x, dy, df, batch, 1);
        L2Normalize.BackwardReference(s, x, dy, dr, batch, 1);
        EmbeddingTestUtil.Close("dx", dr, df, size, rtol: 1e-5, rowAtol: 4e-6 * Math.Sqrt(c));
    }

    /// <summary>Float64 twin of the forward for finite differences.</summary>
    private static double[] ForwardDouble(L2NormalizeShape s, double[] x, int batch)
    {
        int sp = s.H * s.W;
        var y = new double[x.Length];
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < sp; p++)
            {
                int b = n * s.C * sp + p;
                double ss = 0;
                for (int k = 0; k < s.C; k++) ss += x[b + k * sp] * x[b + k * sp];
                double norm = Math.Max(Math.Sqrt(ss), s.Epsilon);
                for (int k = 0; k < s.C; k++) y[b + k * sp] = x[b + k * sp] / norm;
            }
        return y;
    }

    [Theory, Trait("Category", "Numeric")]
    [InlineData(9, 1, 1, 1e-12f)]
    [InlineData(4, 2, 3, 1e-12f)]
    [InlineData(6, 1, 1, 1.5f)]     // ε above some rows' norms: the clamped branch (dx = dy/ε) against the float64 function
    [InlineData(3, 1, 4, 1.2f)]
    public void Backward_MatchesFiniteDifferences(int c, int h, int w, float eps)
    {
        var rng = new Random(c + 17 * w);
        const int batch = 3;
        var s = new L2NormalizeShape(c, h, w, eps);
        float[] xf = NumericAssert.Random(rng, (long)batch * c * h * w);
        if (eps > 1)    // one sample well inside the clamp, one well outside
            for (int i = 0; i < c * h * w; i++) { xf[i] *= 0.2f; xf[c * h * w + i] *= 3f; }
        float[] r = NumericAssert.Random(rng, xf.Length);
        var dx = new float[xf.Length];
        L2Normalize.Backward(s, xf, r, dx, batch, 1);
        double[] x = GradCheck.ToDouble(xf);
        double Loss()
        {
            double[] y = ForwardDouble(s, x, batch);
            double l = 0;
            for (int i = 0; i < y.Length; i++) l += r[i] * y[i];
            return l;
        }
        GradCheck.Check("dx", dx, x, Loss, rng, samples: 200);
    }

    [Fact, Trait("Category", "Numeric")]
    public void Threads_AreBitIdentical_AndNothingIsAllocated()
    {
        var rng = new Random(5);
        foreach (var s in new[] { new L2NormalizeShape(100), new L2NormalizeShape(6, 1, 60) })
        {
            const int batch = 300;
            int size = s.C * s.H * s.W;
            float[] x = EmbeddingTestUtil.Rows(rng, batch, size, (7, 0f), (150, 1e-14f));
            float[] dy = NumericAssert.Random(rng, x.Length);
            var y1 = new float[x.Length];
            var y2 = new float[x.Length];
            L2Normalize.Forward(s, x, y1, batch, 1);
            L2Normalize.Forward(s, x, y2, batch, 2);
            OpsTestUtil.BitEqual(y1, y2, "y");
            var d1 = new float[x.Length];
            var d2 = new float[x.Length];
            L2Normalize.Backward(s, x, dy, d1, batch, 1);
            L2Normalize.Backward(s, x, dy, d2, batch, 2);
            OpsTestUtil.BitEqual(d1, d2, "dx");
            OpsTestUtil.NoAllocation(() => L2Normalize.Forward(s, x, y2, batch, 2));
            OpsTestUtil.NoAllocation(() => L2Normalize.Backward(s, x, dy, d2, batch, 2));
        }
    }

    [Fact]
    public void WrongLengths_Throw()
    {
        var s = new L2NormalizeShape(4);
        Assert.Throws<ArgumentException>(() => L2Normalize.Forward(s, new float[8], new float[7], 2, 1));
        Assert.Throws<ArgumentException>(() => L2Normalize.Backward(s, new float[8], new float[8], new float[4], 2, 1));
    }
}
