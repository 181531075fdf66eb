using StaticCnn.Losses;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>Losses against PyTorch 1.13 values from tools/make_runtime_fixtures.py (tests/Fixtures/runtime/losses.safetensors).</summary>
public class LossTests
{
    private static readonly Fixture F = Fixture.Load("runtime/losses.safetensors");

    [Theory]
    [InlineData(0.0f, "ce.ls0.0")]
    [InlineData(0.1f, "ce.ls0.1")]
    [InlineData(0.3f, "ce.ls0.3")]
    public void CrossEntropyMatchesPyTorch(float eps, string key)
    {
        float[] logits = F.Floats("ce.logits");
        int[] labels = Array.ConvertAll(F.Longs("ce.labels"), v => (int)v);
        var grad = new float[logits.Length];
        float loss = new CrossEntropyLoss(eps).Compute(logits, LossTargets.FromLabels(labels), grad, labels.Length);
        NumericAssert.Close(key + ".loss", F.Floats(key + ".loss"), new[] { loss }, 1e-6, 1e-7);
        NumericAssert.Close(key + ".grad", F.Floats(key + ".grad"), grad, 1e-5, 1e-8);
    }

    [Theory]
    [InlineData(0.0f, "ce.masked.ls0.0")]
    [InlineData(0.1f, "ce.masked.ls0.1")]
    public void MaskedCrossEntropyMatchesIgnoreIndex(float eps, string key)
    {
        float[] logits = F.Floats("ce.logits");
        int[] labels = Array.ConvertAll(F.Longs("ce.labels"), v => (int)v);
        float[] mask = F.Floats("ce.mask");
        var grad = new float[logits.Length];
        float loss = new CrossEntropyLoss(eps).Compute(logits, LossTargets.FromLabels(labels, mask), grad, labels.Length);
        NumericAssert.Close(key + ".loss", F.Floats(key + ".loss"), new[] { loss }, 1e-6, 1e-7);
        NumericAssert.Close(key + ".grad", F.Floats(key + ".grad"), grad, 1e-5, 1e-8);
        // The same through ignore_index.
        int[] ignored = (int[])labels.Clone();
        for (int i = 0; i < mask.Length; i++) if (mask[i] == 0) ignored[i] = -100;
        var grad2 = new float[logits.Length];
        Assert.Equal(loss, new CrossEntropyLoss(eps).Compute(logits, LossTargets.FromLabels(ignored), grad2, labels.Length));
        Assert.Equal(grad, grad2);
    }

    public static TheoryData<string> Elementwise => new() { "mse", "bce", "smoothl1_b0.5", "smoothl1_b1", "huber_d2", "huber_d0.3" };

    [Theory]
    [MemberData(nameof(Elementwise))]
    public void ElementwiseLossesMatchPyTorch(string name)
    {
        Loss loss = name switch
        {
            "mse" => new MseLoss(),
            "bce" => new BceWithLogitsLoss(),
            "smoothl1_b0.5" => new SmoothL1Loss(0.5f),
            "smoothl1_b1" => new SmoothL1Loss(),
            "huber_d2" => new HuberLoss(2f),
            _ => new HuberLoss(0.3f),
        };
        float[] x = F.Floats("el.x");
        float[] t = F.Floats(name == "bce" ? "el.prob" : "el.target");
        foreach (var (maskName, mask) in new[] { ("none", Array.Empty<float>()), ("emask", F.Floats("el.emask")), ("smask", F.Floats("el.smask")) })
        {
            var grad = new float[x.Length];
            float value = loss.Compute(x, LossTargets.FromValues(t, mask), grad, batch: 4);
            string key = $"{name}.{maskName}";
            NumericAssert.Close(key + ".loss", F.Floats(key + ".loss"), new[] { value }, 1e-6, 1e-7);
            NumericAssert.Close(key + ".grad", F.Floats(key + ".grad"), grad, 1e-5, 1e-8);
        }
    }

    [Fact]
    public void AllMaskedGivesZeroNotNaN()
    {
        var grad = new float[] { 9, 9, 9, 9 };
        float l = new MseLoss().Compute(new float[] { 1, 2, 3, 4 }, LossTargets.FromValues(new float[4], new float[2]), grad, 2);
        Assert.Equal(0f, l);
        Assert.All(grad, g => Assert.Equal(0f, g));
        l = new CrossEntropyLoss().Compute(new float[] { 1, 2, 3, 4 }, LossTargets.FromLabels(new[] { 0, 1 }, new float[2]), grad, 2);
        Assert.Equal(0f, l);
    }

    [Fact]
    public void BadShapesThrowClearly()
    {
        var ex = Assert.Throws<ArgumentException>(() => new MseLoss().Compute(new float[6], LossTargets.FromValues(new float[6], new float[4]), default, 2));
        Assert.Contains("one per element (6) or one per sample (2)", ex.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new CrossEntropyLoss().Compute(new float[6], LossTargets.FromLabels(new[] { 0, 3 }), default, 2));
        Assert.Throws<ArgumentException>(() => new CrossEntropyLoss().Compute(new float[6], LossTargets.FromLabels(new[] { 0 }), default, 2));
    }

    [Fact]
    public void TopKAccuracy()
    {
        float[] s = { 0.1f, 0.5f, 0.4f, /**/ 0.9f, 0.05f, 0.05f, /**/ 0.2f, 0.3f, 0.5f, /**/ 0.3f, 0.3f, 0.4f };
        int[] y = { 2, 0, 0, 1 };
        Assert.Equal(2, Metrics.TopKCorrect(s, y, 4, 1) + 1); // sample 1 only: argmax == label
        Assert.Equal(0.25f, Metrics.Accuracy(s, y, 4));
        Assert.Equal(2, Metrics.TopKCorrect(s, y, 4, 2)); // samples 0 and 1; sample 3 is third (0.4, then the tie 0.3/0.3 ranks index 0 first)
        Assert.Equal(4, Metrics.TopKCorrect(s, y, 4, 3));
        var pred = new int[4];
        Metrics.ArgMax(s, 4, pred);
        Assert.Equal(new[] { 1, 0, 2, 2 }, pred);
    }
}
