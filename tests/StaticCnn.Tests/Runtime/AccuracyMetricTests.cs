using StaticCnn.Losses;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>The <see cref="Accuracy"/> metric: hand-counted values, ties, top-k, accumulation over batches, argument errors.</summary>
public class AccuracyMetricTests
{
    [Fact]
    public void CountsArgmaxHitsOverSeveralBatches()
    {
        // 3 classes. Sample 0: argmax 2 (label 2, hit); 1: argmax 0 (label 1, miss); 2: tie 0/1 → class 0 (label 0, hit);
        // 3: argmax 1 (label 1, hit).
        float[] s = { 0, 1, 3, /**/ 2, 1, 0, /**/ 4, 4, 1, /**/ -1, 0.5f, 0.4f };
        var m = new Accuracy();
        Assert.True(double.IsNaN(m.Result));
        m.Update([s], LossTargets.FromLabels(new[] { 2, 1, 0, 1 }), 4);
        Assert.Equal(0.75, m.Result);
        // A tie where the label is the later class counts as a miss (torch.argmax takes the first).
        m.Update([new float[] { 4, 4, 1 }], LossTargets.FromLabels(new[] { 1 }), 1);
        Assert.Equal(3.0 / 5, m.Result);
        Assert.Equal(5, m.Count);
        Assert.Equal("acc", m.Name);
        Assert.True(m.HigherIsBetter);
        m.Reset();
        Assert.True(double.IsNaN(m.Result));
    }

    [Fact]
    public void TopKCountsTheLabelAmongTheKHighest()
    {
        float[] s = { 0, 1, 3, /**/ 2, 1, 0 };
        var top2 = new Accuracy(topK: 2);
        top2.Update([s], LossTargets.FromLabels(new[] { 1, 2 }), 2); // sample 0: label 1 is 2nd (hit); sample 1: label 2 is 3rd (miss)
        Assert.Equal(0.5, top2.Result);
        Assert.Equal("top2", top2.Name);
    }

    [Fact]
    public void RejectsBadArguments()
    {
        var m = new Accuracy();
        Assert.Throws<ArgumentOutOfRangeException>(() => new Accuracy(0));
        Assert.Throws<ArgumentException>(() => m.Update([new float[6]], LossTargets.FromLabels(new[] { 0 }), 2));      // 1 label for 2 samples
        Assert.Throws<ArgumentException>(() => m.Update([new float[6]], LossTargets.FromLabels(new[] { 0, 3 }), 2));   // label 3 of 3 classes
        Assert.Throws<ArgumentException>(() => m.Update([new float[6], new float[6]], LossTargets.FromLabels(new[] { 0, 1 }), 2));
        Assert.True(double.IsNaN(m.Result), "a rejected batch is not counted");
    }
}
