using StaticCnn.Checkpoints;
using StaticCnn.Losses;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>
/// Per-pixel cross-entropy, contrastive, cosine-embedding and triplet margin losses against PyTorch 1.13 values from
/// <c>tools/make_runtime_fixtures.py --only losses2</c> (tests/Fixtures/losses2/losses.safetensors), plus central finite
/// differences (quotients formed in double) of every gradient and the argument errors.
/// </summary>
public class LossFixtureTests2
{
    internal static readonly SafeTensorsFile F = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "losses2", "losses.safetensors"));

    private static int[] Ints(string key) => Array.ConvertAll(F.GetInt64s(key), v => (int)v);
    private static float Scalar(string key) => F.GetFloats(key)[0];

    // ---------------- per-pixel cross-entropy ----------------

    [Theory]
    [Trait("Category", "Numeric")]
    [InlineData("ce2d.plain", 0.0f, -100)]
    [InlineData("ce2d.smooth", 0.1f, -100)]
    [InlineData("ce2d.ignore255", 0.0f, 255)]
    [InlineData("ce2d.ignore255_smooth", 0.2f, 255)]
    [InlineData("ce2d.noignored", 0.0f, -100)]
    public void PerPixelCrossEntropyMatchesPyTorch(string key, float eps, int ignore)
    {
        float[] x = F.GetFloats(key + ".logits");
        int[] y = Ints(key + ".labels");
        int batch = F[key + ".logits"].Shape[0];
        Assert.Contains(y, v => v != ignore);
        var grad = new float[x.Length];
        float loss = new CrossEntropyLoss(eps) { IgnoreIndex = ignore }.Compute(x, LossTargets.FromLabels(y), grad, batch);
        NumericAssert.Close(key + ".loss", F.GetFloats(key + ".loss"), new[] { loss }, 2e-6, 1e-7);
        NumericAssert.Close(key + ".grad", F.GetFloats(key + ".grad.logits"), grad, 1e-5, 1e-8);
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void AllIgnoredPixelsGiveNaNAsPyTorchAndZeroGradient()
    {
        const string key = "ce2d.allignored";
        Assert.True(float.IsNaN(Scalar(key + ".loss"))); // PyTorch's own value
        float[] x = F.GetFloats(key + ".logits");
        var grad = Enumerable.Repeat(9f, x.Length).ToArray();
        float loss = new CrossEntropyLoss(0.1f).Compute(x, LossTargets.FromLabels(Ints(key + ".labels")), grad, 2);
        Assert.True(float.IsNaN(loss));
        NumericAssert.Close(key + ".grad", F.GetFloats(key + ".grad.logits"), grad, 0, 0);
        // The per-sample layout follows PyTorch too.
        Assert.True(float.IsNaN(new CrossEntropyLoss().Compute(new float[] { 1, 2, 3, 4 }, LossTargets.FromLabels(new[] { -100, -100 }), default, 2)));
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void PerPixelEqualsPerSampleOnTransposedLogits()
    {
        const string key = "ce2d.ignore255_smooth";
        float[] x = F.GetFloats(key + ".logits");
        int[] y = Ints(key + ".labels");
        int n = 3, c = 3, p = 5;
        var rows = new float[x.Length];
        for (int b = 0; b < n; b++)
            for (int k = 0; k < c; k++)
                for (int i = 0; i < p; i++) rows[(b * p + i) * c + k] = x[(b * c + k) * p + i];
        var loss = new CrossEntropyLoss(0.2f) { IgnoreIndex = 255 };
        var g1 = new float[x.Length];
        var g2 = new float[x.Length];
        float spatial = loss.Compute(x, LossTargets.FromLabels(y), g1, n);
        float perSample = loss.Compute(rows, LossTargets.FromLabels(y), g2, n * p);
        Assert.Equal(perSample, spatial);
        for (int b = 0; b < n; b++)
            for (int k = 0; k < c; k++)
                for (int i = 0; i < p; i++) Assert.Equal(g2[(b * p + i) * c + k], g1[(b * c + k) * p + i]);
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void PerPixelMaskWeightsPixelsLikeIgnoreIndex()
    {
        const string key = "ce2d.plain";
        float[] x = F.GetFloats(key + ".logits");
        int[] y = Ints(key + ".labels");
        var mask = new float[y.Length];
        int[] ignoredMore = (int[])y.Clone();
        for (int i = 0; i < y.Length; i++)
        {
            mask[i] = i % 3 == 0 ? 0 : 1;
            if (mask[i] == 0) ignoredMore[i] = -100;
        }
        var g1 = new float[x.Length];
        var g2 = new float[x.Length];
        float masked = new CrossEntropyLoss().Compute(x, LossTargets.FromLabels(y, mask), g1, 2);
        float ignored = new CrossEntropyLoss().Compute(x, LossTargets.FromLabels(ignoredMore), g2, 2);
        Assert.Equal(ignored, masked, 6);
        NumericAssert.Close("masked grad", g2, g1, 1e-6, 1e-9);
        Assert.NotEqual(F.GetFloats(key + ".loss")[0], masked); // the mask changed the value
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void PerPixelCrossEntropyGradientMatchesFiniteDifferences()
    {
        foreach (var (key, eps, ignore) in new[] { ("ce2d.plain", 0f, -100), ("ce2d.ignore255_smooth", 0.2f, 255) })
        {
            float[] x = F.GetFloats(key + ".logits");
            int[] y = Ints(key + ".labels");
            int batch = F[key + ".logits"].Shape[0];
            var loss = new CrossEntropyLoss(eps) { IgnoreIndex = ignore };
            var grad = new float[x.Length];
            loss.Compute(x, LossTargets.FromLabels(y), grad, batch);
            GradCheck.Assert(key, [x], [grad], o => loss.Compute(o[0], LossTargets.FromLabels(y), default, batch));
        }
    }

    [Fact]
    public void CrossEntropyArgumentErrorsNameTheProblem()
    {
        var ce = new CrossEntropyLoss();
        // 2 samples × 3 pixels of labels, 2 × 7 outputs: 7 is not C × 3.
        var ex = Assert.Throws<ArgumentException>(() => ce.Compute(new float[14], LossTargets.FromLabels(new int[6]), default, 2));
        Assert.Contains("3 labels per sample but 7 outputs per sample", ex.Message);
        // A label out of range names the sample, the pixel and the value.
        var bad = new[] { 0, 1, 2, 1, 3, 0 }; // C = 3 (18 outputs / 2 samples / 3 pixels)
        var range = Assert.Throws<ArgumentOutOfRangeException>(() => ce.Compute(new float[18], LossTargets.FromLabels(bad), default, 2));
        Assert.Contains("Sample 1, pixel 1", range.Message);
        Assert.Contains("has label 3, outside 0..2", range.Message);
        Assert.IsAssignableFrom<ArgumentException>(range);
        Assert.Throws<ArgumentOutOfRangeException>(() => ce.Compute(new float[18], LossTargets.FromLabels(new[] { 0, 1, 2, 1, -1, 0 }), default, 2));
        // The ignore index is accepted; another negative label is not.
        Assert.True(float.IsFinite(ce.Compute(new float[18], LossTargets.FromLabels(new[] { 0, 1, 2, 1, -100, 0 }), default, 2)));
        // Labels not a multiple of the batch; a mask of neither length.
        Assert.Throws<ArgumentException>(() => ce.Compute(new float[18], LossTargets.FromLabels(new int[5]), default, 2));
        var m = Assert.Throws<ArgumentException>(() => ce.Compute(new float[18], LossTargets.FromLabels(new int[6], new float[3]), default, 2));
        Assert.Contains("one per sample (2) or one per label (6)", m.Message);
    }

    // ---------------- contrastive ----------------

    [Theory]
    [Trait("Category", "Numeric")]
    [InlineData("contrastive.m1")]
    [InlineData("contrastive.m0.5")]
    [InlineData("contrastive.far")]
    public void ContrastiveMatchesTorchOps(string key)
    {
        float[] d = F.GetFloats(key + ".d"), y = F.GetFloats(key + ".y");
        var loss = new ContrastiveLoss(Scalar(key + ".margin"));
        var grad = new float[d.Length];
        float l = loss.Compute(d, LossTargets.FromValues(y), grad, d.Length);
        NumericAssert.Close(key + ".loss", F.GetFloats(key + ".loss"), new[] { l }, 1e-6, 1e-7);
        NumericAssert.Close(key + ".grad", F.GetFloats(key + ".grad.d"), grad, 1e-5, 1e-8);
        GradCheck.Assert(key, [d], [grad], o => loss.Compute(o[0], LossTargets.FromValues(y), default, d.Length));
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void ContrastiveHandValues()
    {
        // Same pair at d = 0.5: 0.25; different pair at 0.25 with margin 1: 0.75² = 0.5625; different at 2: 0.
        var grad = new float[3];
        float l = new ContrastiveLoss().Compute(new[] { 0.5f, 0.25f, 2f }, LossTargets.FromValues(new[] { 1f, 0f, 0f }), grad, 3);
        Assert.Equal((0.25 + 0.5625) / 3, l, 6);
        Assert.Equal(new[] { 2 * 0.5f / 3, -2 * 0.75f / 3, 0f }, grad);
    }

    [Fact]
    public void ContrastiveRejectsBadLabelsAndShapes()
    {
        var c = new ContrastiveLoss();
        var ex = Assert.Throws<ArgumentException>(() => c.Compute(new float[3], LossTargets.FromValues(new[] { 1f, 0.5f, 0f }), default, 3));
        Assert.Contains("Sample 1 has pair label 0.5", ex.Message);
        Assert.Throws<ArgumentException>(() => c.Compute(new float[3], LossTargets.FromValues(new[] { 1f, -1f, 0f }), default, 3));
        Assert.Throws<ArgumentException>(() => c.Compute(new float[6], LossTargets.FromValues(new float[3]), default, 3)); // 2 per sample
        Assert.Throws<ArgumentException>(() => c.Compute(new float[3], LossTargets.FromValues(new float[2]), default, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContrastiveLoss(-1));
    }

    // ---------------- cosine embedding ----------------

    [Theory]
    [Trait("Category", "Numeric")]
    [InlineData("cosine.m0")]
    [InlineData("cosine.m0.3")]
    [InlineData("cosine.m-0.2")]
    [InlineData("cosine.tiny")]
    public void CosineEmbeddingMatchesPyTorch(string key)
    {
        float[] x1 = F.GetFloats(key + ".x1"), x2 = F.GetFloats(key + ".x2"), y = F.GetFloats(key + ".y");
        var loss = new CosineEmbeddingLoss(Scalar(key + ".margin"));
        var g1 = new float[x1.Length];
        var g2 = new float[x2.Length];
        float l = loss.Compute([x1, x2], LossTargets.FromValues(y), [g1, g2], y.Length);
        NumericAssert.Close(key + ".loss", F.GetFloats(key + ".loss"), new[] { l }, 2e-6, 1e-7);
        NumericAssert.Close(key + ".grad.x1", F.GetFloats(key + ".grad.x1"), g1, 2e-5, 1e-7);
        NumericAssert.Close(key + ".grad.x2", F.GetFloats(key + ".grad.x2"), g2, 2e-5, 1e-7);
        if (key != "cosine.tiny") // a 1e−7 vector needs a step far below float resolution
            GradCheck.Assert(key, [x1, x2], [g1, g2], o => loss.Compute([o[0], o[1]], LossTargets.FromValues(y), default, y.Length));
    }

    [Fact]
    public void CosineEmbeddingArgumentErrors()
    {
        var c = new CosineEmbeddingLoss();
        Assert.Equal(2, c.Arity);
        float[] a = new float[6], b = new float[6];
        Assert.Throws<NotSupportedException>(() => c.Compute(a, LossTargets.FromValues(new float[2]), default, 2));
        var arity = Assert.Throws<ArgumentException>(() => c.Compute([a], LossTargets.FromValues(new[] { 1f, 1f }), default, 2));
        Assert.Contains("reads 2 outputs but 1 were given", arity.Message);
        var t = Assert.Throws<ArgumentException>(() => c.Compute([a, b], LossTargets.FromValues(new[] { 1f, 0f }), default, 2));
        Assert.Contains("Sample 1 has target 0", t.Message);
        Assert.Throws<ArgumentException>(() => c.Compute([a, new float[4]], LossTargets.FromValues(new[] { 1f, 1f }), default, 2));
        Assert.Throws<ArgumentException>(() => c.Compute([a, b], LossTargets.FromValues(new[] { 1f }), default, 2));
        Assert.Throws<ArgumentException>(() => c.Compute([a, b], LossTargets.FromValues(new[] { 1f, 1f }), [new float[6]], 2));
        Assert.Throws<ArgumentException>(() => c.Compute([a, b], LossTargets.FromValues(new[] { 1f, 1f }), [new float[6], new float[5]], 2));
    }

    // ---------------- triplet margin ----------------

    public static TheoryData<string> TripletCases => new() { "triplet.default", "triplet.swap", "triplet.p1", "triplet.p3_swap", "triplet.inactive", "triplet.eps0.1" };

    private static TripletMarginLoss Triplet(string key)
    {
        double[] a = F.GetDoubles(key + ".args");
        return new TripletMarginLoss((float)a[0], (float)a[1], (float)a[2], a[3] != 0);
    }

    [Theory]
    [Trait("Category", "Numeric")]
    [MemberData(nameof(TripletCases))]
    public void TripletMarginMatchesPyTorch(string key)
    {
        float[] a = F.GetFloats(key + ".a"), p = F.GetFloats(key + ".p"), n = F.GetFloats(key + ".n");
        int batch = F[key + ".a"].Shape[0];
        var loss = Triplet(key);
        var ga = new float[a.Length];
        var gp = new float[a.Length];
        var gn = new float[a.Length];
        float l = loss.Compute([a, p, n], default, [ga, gp, gn], batch);
        NumericAssert.Close(key + ".loss", F.GetFloats(key + ".loss"), new[] { l }, 2e-6, 1e-7);
        NumericAssert.Close(key + ".grad.a", F.GetFloats(key + ".grad.a"), ga, 2e-5, 1e-7);
        NumericAssert.Close(key + ".grad.p", F.GetFloats(key + ".grad.p"), gp, 2e-5, 1e-7);
        NumericAssert.Close(key + ".grad.n", F.GetFloats(key + ".grad.n"), gn, 2e-5, 1e-7);
        if (key == "triplet.inactive")
        {
            Assert.Equal(0f, l);
            Assert.All(ga, g => Assert.Equal(0f, g));
        }
        else
        {
            Assert.True(l > 0);
            GradCheck.Assert(key, [a, p, n], [ga, gp, gn], o => loss.Compute([o[0], o[1], o[2]], default, default, batch));
        }
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void TripletSwapChangesTheValueAndOneGradientMayBeSkipped()
    {
        const string key = "triplet.swap";
        float[] a = F.GetFloats(key + ".a"), p = F.GetFloats(key + ".p"), n = F.GetFloats(key + ".n");
        Assert.True(Scalar(key + ".loss") > 0);
        var loss = Triplet(key);
        var gp = new float[a.Length];
        float l = loss.Compute([a, p, n], default, [Memory<float>.Empty, gp, Memory<float>.Empty], 8);
        NumericAssert.Close(key + ".grad.p only", F.GetFloats(key + ".grad.p"), gp, 2e-5, 1e-7);
        NumericAssert.Close(key + ".loss", F.GetFloats(key + ".loss"), new[] { l }, 2e-6, 1e-7);
        // Without swap the same triplets cost at least as much (the negative distance can only shrink with swap).
        float noSwap = new TripletMarginLoss().Compute([a, p, n], default, default, 8);
        Assert.True(noSwap >= l);
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void TripletMaskEqualsTheLossOnTheKeptSamples()
    {
        const string key = "triplet.default";
        float[] a = F.GetFloats(key + ".a"), p = F.GetFloats(key + ".p"), n = F.GetFloats(key + ".n");
        int d = 6;
        float[] mask = { 1, 0, 1, 1, 0, 0, 1, 1 };
        float masked = new TripletMarginLoss().Compute([a, p, n], LossTargets.FromValues(default, mask), default, 8);
        float[] Keep(float[] x) => Enumerable.Range(0, 8).Where(i => mask[i] == 1).SelectMany(i => x.Skip(i * d).Take(d)).ToArray();
        float kept = new TripletMarginLoss().Compute([Keep(a), Keep(p), Keep(n)], default, default, 5);
        Assert.Equal(kept, masked, 6);
    }

    [Fact]
    public void TripletArgumentErrors()
    {
        var t = new TripletMarginLoss();
        Assert.Equal(3, t.Arity);
        float[] a = new float[6];
        Assert.Throws<NotSupportedException>(() => t.Compute(a, default, default, 2));
        var ex = Assert.Throws<ArgumentException>(() => t.Compute([a, a], default, default, 2));
        Assert.Contains("reads 3 outputs but 2 were given", ex.Message);
        Assert.Throws<ArgumentException>(() => t.Compute([a, a, new float[8]], default, default, 2));
        Assert.Throws<ArgumentException>(() => t.Compute([a, a, a], default, default, 4)); // 6 is not a multiple of 4
        Assert.Throws<ArgumentException>(() => t.Compute([a, a, a], LossTargets.FromValues(default, new float[3]), default, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new TripletMarginLoss(p: 0));
        Assert.Equal("Triplet, margin 1", t.Name);
        Assert.Equal("Triplet, margin 0.5, p 3, swap", new TripletMarginLoss(0.5f, 3, swap: true).Name);
    }
}

/// <summary>
/// Central finite differences of a float-valued loss, quotient formed in double: for each input element x the step is
/// the representable h = float(x + δ) − x and float(x − δ) − x with δ = 2⁻⁹·max(1, |x|), so the quotient uses the exact
/// perturbation. Checks |fd − analytic| ≤ 3e−4 + 3e−3·|analytic|.
/// </summary>
internal static class GradCheck
{
    public static void Assert(string what, float[][] inputs, float[][] analytic, Func<float[][], float> loss)
    {
        for (int k = 0; k < inputs.Length; k++)
        {
            float[] x = inputs[k];
            for (int i = 0; i < x.Length; i++)
            {
                float keep = x[i];
                float delta = MathF.Max(1f, MathF.Abs(keep)) / 512f;
                float up = keep + delta, down = keep - delta;
                x[i] = up;
                double fUp = loss(inputs);
                x[i] = down;
                double fDown = loss(inputs);
                x[i] = keep;
                double fd = (fUp - fDown) / ((double)up - down);
                double an = analytic[k][i];
                if (Math.Abs(fd - an) > 3e-4 + 3e-3 * Math.Abs(an))
                    throw new Xunit.Sdk.XunitException($"{what}: input {k}[{i}]: finite difference {fd:R}, analytic {an:R}");
            }
        }
    }
}
