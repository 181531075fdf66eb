using StaticCnn.Checkpoints;
using StaticCnn.Losses;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>
/// Mean IoU, box IoU, pair accuracy and ROC AUC: hand-checked values, and values computed by
/// <c>tools/make_runtime_fixtures.py --only losses2</c> (tests/Fixtures/losses2/metrics.safetensors; mean IoU from an
/// explicit confusion matrix, box IoU with torchvision's box_iou formula, AUC by counting every positive/negative pair).
/// </summary>
public class MetricTests
{
    private static readonly SafeTensorsFile F = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "losses2", "metrics.safetensors"));

    private static int[] Ints(string key) => Array.ConvertAll(F.GetInt64s(key), v => (int)v);

    // ---------------- mean IoU ----------------

    [Fact]
    [Trait("Category", "Numeric")]
    public void MeanIoUHandExample()
    {
        // One sample, 2 classes + an unused class 2, 4 pixels (channel-major scores 3 × 4).
        // Predictions (argmax): 0, 1, 1, 0 (pixel 3 ties 0/1 → class 0). Labels: 0, 1, 0, ignored.
        float[] s = { 5, 0, 0, 1, /**/ 1, 3, 2, 1, /**/ -9, -9, -9, -9 };
        var m = new MeanIoU(3);
        m.Update([s], LossTargets.FromLabels(new[] { 0, 1, 0, -100 }), 1);
        // Class 0: TP 1 (pixel 0), FN 1 (pixel 2 predicted 1) → 1/2. Class 1: TP 1, FP 1 → 1/2. Class 2: union 0, left out.
        Assert.Equal(0.5, m.ClassIoU(0));
        Assert.Equal(0.5, m.ClassIoU(1));
        Assert.True(double.IsNaN(m.ClassIoU(2)));
        Assert.Equal(0.5, m.Result);
        Assert.Equal(1, m.Confusion(0, 1));
        m.Update([new float[] { 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1 }], LossTargets.FromLabels(new[] { 2, 2, 0, 2 }), 1);
        // Adds class 2: TP 3; class 0: FN 1 more (pixel 2 predicted 2) → class 0 1/3, class 2 3/4.
        Assert.Equal((1.0 / 3 + 0.5 + 0.75) / 3, m.Result, 12);
        m.Reset();
        Assert.True(double.IsNaN(m.Result));
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void MeanIoUMatchesTheFixtureOverTwoBatches()
    {
        var m = new MeanIoU(5);
        for (int k = 0; k < 2; k++)
            m.Update([F.GetFloats($"miou.{k}.scores")], LossTargets.FromLabels(Ints($"miou.{k}.labels")), 3);
        double[] perClass = F.GetDoubles("miou.class_iou");
        for (int c = 0; c < 5; c++)
            if (double.IsNaN(perClass[c])) Assert.True(double.IsNaN(m.ClassIoU(c)), $"class {c}");
            else Assert.Equal(perClass[c], m.ClassIoU(c), 12);
        Assert.True(double.IsNaN(perClass[4])); // class 4 is neither labelled nor predicted: left out of the mean
        Assert.Equal(F.GetDoubles("miou.result")[0], m.Result, 12);
    }

    [Fact]
    public void MeanIoUUpdateDoesNotAllocateAndChecksItsArguments()
    {
        var m = new MeanIoU(5);
        ReadOnlyMemory<float>[] outputs = { F.GetFloats("miou.0.scores") };
        int[] labels = Ints("miou.0.labels");
        m.Update(outputs, LossTargets.FromLabels(labels), 3);
        Assert.Equal(0, Allocations.PerRun(() =>
        {
            for (int i = 0; i < 10; i++) m.Update(outputs, LossTargets.FromLabels(labels), 3);
            _ = m.Result;
        }));

        var bad = (int[])labels.Clone();
        bad[17] = 5;
        var ex = Assert.Throws<ArgumentException>(() => m.Update(outputs, LossTargets.FromLabels(bad), 3));
        Assert.Contains("sample 1, pixel 1 has label 5", ex.Message);
        Assert.Throws<ArgumentException>(() => new MeanIoU(4).Update(outputs, LossTargets.FromLabels(labels), 3)); // 5 × 16 scores, not 4 × 16
        Assert.Throws<ArgumentException>(() => m.Update(outputs, LossTargets.FromLabels(new int[47]), 3));
        Assert.Throws<ArgumentException>(() => m.Update([outputs[0], outputs[0]], LossTargets.FromLabels(labels), 3));
    }

    // ---------------- box IoU ----------------

    [Fact]
    [Trait("Category", "Numeric")]
    public void BoxIoUHandValues()
    {
        Assert.Equal(1.0 / 7, BoxIoU.IoU(new float[] { 0, 0, 2, 2 }, new float[] { 1, 1, 3, 3 }, BoxFormat.Corners), 12);
        Assert.Equal(1.0 / 7, BoxIoU.IoU(new float[] { 1, 1, 2, 2 }, new float[] { 2, 2, 2, 2 }, BoxFormat.CenterSize), 12);
        Assert.Equal(1.0, BoxIoU.IoU(new float[] { 0, 0, 2, 3 }, new float[] { 0, 0, 2, 3 }, BoxFormat.Corners));
        Assert.Equal(0.0, BoxIoU.IoU(new float[] { 0, 0, 1, 1 }, new float[] { 1, 0, 2, 1 }, BoxFormat.Corners)); // touching
        Assert.Equal(0.0, BoxIoU.IoU(new float[] { 0, 0, 0, 2 }, new float[] { 0, 0, 0, 2 }, BoxFormat.Corners)); // zero width
        Assert.Equal(0.0, BoxIoU.IoU(new float[] { 2, 2, 0, 0 }, new float[] { 0, 0, 2, 2 }, BoxFormat.Corners)); // inverted
        var m = new BoxIoU();
        Assert.True(double.IsNaN(m.Result));
        m.Update([new float[] { 0, 0, 2, 2, /**/ 0, 0, 1, 1 }], LossTargets.FromValues(new float[] { 1, 1, 3, 3, /**/ 0, 0, 1, 1 }), 2);
        Assert.Equal((1.0 / 7 + 1) / 2, m.Result, 12);
    }

    [Theory]
    [Trait("Category", "Numeric")]
    [InlineData(BoxFormat.Corners, "box.pred", "box.target")]
    [InlineData(BoxFormat.CenterSize, "box.pred_cxcywh", "box.target_cxcywh")]
    public void BoxIoUMatchesTorchvisionFormula(BoxFormat format, string pred, string target)
    {
        float[] p = F.GetFloats(pred), t = F.GetFloats(target), iou = F.GetFloats("box.iou");
        for (int i = 0; i < iou.Length; i++)
            Assert.Equal(iou[i], BoxIoU.IoU(p.AsSpan(4 * i, 4), t.AsSpan(4 * i, 4), format), 5);
        Assert.Equal(0f, iou[9]);
        var m = new BoxIoU(format);
        m.Update([p.AsMemory(0, 24)], LossTargets.FromValues(t.AsSpan(0, 24)), 6);
        m.Update([p.AsMemory(24)], LossTargets.FromValues(t.AsSpan(24)), 4);
        Assert.Equal(iou.Average(v => (double)v), m.Result, 5);
        Assert.Throws<ArgumentException>(() => m.Update([p], LossTargets.FromValues(t.AsSpan(4)), 10));
        Assert.Throws<ArgumentException>(() => m.Update([p], LossTargets.FromValues(t), 8)); // 5 floats per sample
    }

    // ---------------- pair accuracy ----------------

    [Fact]
    public void PairAccuracyOnDistancesAndSimilarities()
    {
        float[] d = { 0.2f, 0.9f, 0.5f, 1.4f, 0.6f };
        float[] y = { 1, 1, 0, 0, 1 };
        var m = new PairAccuracy(0.7f);
        m.Update([d], LossTargets.FromValues(y), 5);
        // Same if d < 0.7: yes, no, yes, no, yes against labels 1, 1, 0, 0, 1 → samples 0, 3 and 4 are right: 3 of 5.
        Assert.Equal(0.6, m.Result, 12);
        var s = new PairAccuracy(0.7f, similarity: true);
        s.Update([d], LossTargets.FromValues(y), 5);
        // Same if s > 0.7: no, yes, no, yes, no → samples 1 and 2 are right: 2 of 5.
        Assert.Equal(0.4, s.Result, 12);
        s.Reset();
        Assert.True(double.IsNaN(s.Result));
        var ex = Assert.Throws<ArgumentException>(() => m.Update([d], LossTargets.FromValues(new float[] { 1, 1, -1, 0, 1 }), 5));
        Assert.Contains("sample 2 has label -1", ex.Message);
        Assert.Throws<ArgumentException>(() => m.Update([d], LossTargets.FromValues(y.AsSpan(1)), 5));
    }

    // ---------------- ROC AUC ----------------

    [Fact]
    [Trait("Category", "Numeric")]
    public void RocAucHandValues()
    {
        var m = new RocAuc();
        m.Update([new float[] { 0.1f, 0.4f, 0.35f, 0.8f }], LossTargets.FromValues(new float[] { 0, 0, 1, 1 }), 4);
        Assert.Equal(0.75, m.Result, 12); // scikit-learn's documented example
        m.Update([new float[] { 0.4f }], LossTargets.FromValues(new float[] { 1 }), 1);
        // Positives 0.35, 0.8, 0.4 vs negatives 0.1, 0.4: wins 1 + 2 + 1 and one tie (0.4 = 0.4) → 4.5 / 6.
        Assert.Equal(0.75, m.Result, 12);
        var lower = new RocAuc(higherMeansPositive: false);
        lower.Update([new float[] { 0.1f, 0.4f, 0.35f, 0.8f }], LossTargets.FromValues(new float[] { 1, 1, 0, 0 }), 4);
        Assert.Equal(0.75, lower.Result, 12);
        var one = new RocAuc();
        one.Update([new float[] { 0.3f, 0.5f }], LossTargets.FromValues(new float[] { 1, 1 }), 2);
        Assert.True(double.IsNaN(one.Result)); // no negative (scikit-learn raises)
        Assert.Throws<ArgumentException>(() => one.Update([new float[] { float.NaN }], LossTargets.FromValues(new float[] { 0 }), 1));
        Assert.Throws<ArgumentException>(() => one.Update([new float[] { 1 }], LossTargets.FromValues(new float[] { 2 }), 1));
    }

    [Fact]
    [Trait("Category", "Numeric")]
    public void RocAucMatchesPairCountingWithTies()
    {
        float[] s = F.GetFloats("auc.scores"), y = F.GetFloats("auc.labels");
        double expected = F.GetDoubles("auc.result")[0];
        Assert.InRange(expected, 0.6, 0.95);
        var m = new RocAuc();
        for (int i = 0; i < s.Length; i += 7)
        {
            int n = Math.Min(7, s.Length - i);
            m.Update([s.AsMemory(i, n)], LossTargets.FromValues(y.AsSpan(i, n)), n);
        }
        Assert.Equal(300, m.Count);
        Assert.Equal(expected, m.Result, 12);
        Assert.Equal(expected, m.Result, 12); // sorting in place is idempotent
        int capacity = m.Capacity;
        m.Reset();
        Assert.Equal(capacity, m.Capacity);
        ReadOnlyMemory<float>[] outputs = { s };
        long before = GC.GetAllocatedBytesForCurrentThread();
        m.Update(outputs, LossTargets.FromValues(y), s.Length);
        double again = m.Result;
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(before, after); // the kept capacity is reused; sorting allocates nothing
        Assert.Equal(expected, again, 12);
        var negated = new RocAuc(higherMeansPositive: false);
        negated.Update([s.Select(v => -v).ToArray()], LossTargets.FromValues(y), s.Length);
        Assert.Equal(expected, negated.Result, 12);
    }
}
