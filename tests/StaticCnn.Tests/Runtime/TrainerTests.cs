using StaticCnn.Checkpoints;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

public class TrainerTests
{
    private static TrainingHistory Train(MlpNetwork net, ulong seed, int epochs = 5, Optimizer? opt = null, LearningRateSchedule? schedule = null,
        StaticCnn.Data.InMemoryDataset? val = null, int patience = 0, StaticCnn.Data.Augmentation? aug = null)
    {
        var train = TestData.Blobs(600, 11);
        Initializers.ResetParameters(net, seed);
        return Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = epochs, BatchSize = 32, Seed = seed, Optimizer = opt ?? new Sgd(0.1f, momentum: 0.9f),
            Schedule = schedule, Validation = val ?? TestData.Blobs(200, 12), Progress = ProgressMode.None,
            EarlyStoppingPatience = patience, Augmentation = aug,
        });
    }

    [Fact]
    public void LogisticRegressionLearnsSeparableData()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        var h = Train(net, 1);
        Assert.Equal(5, h.Epochs.Count);
        Assert.True(h.Epochs[^1].ValidationAccuracy >= 0.98f, $"val acc {h.Epochs[^1].ValidationAccuracy}");
        Assert.True(h.Epochs[^1].TrainLoss < h.Epochs[0].TrainLoss);
        var eval = Trainer.Evaluate(net, TestData.Blobs(200, 12), topK: 2);
        Assert.Equal(h.Epochs[^1].ValidationAccuracy, eval.Accuracy);
        Assert.Equal(h.Epochs[^1].ValidationLoss, eval.Loss, 5);
        Assert.True(eval.TopKAccuracy >= eval.Accuracy);
    }

    [Fact]
    public void MlpWithAdamOneCycleAndAugmentationLearns()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 16);
        var h = Train(net, 2, epochs: 6, opt: new AdamW(0.01f), schedule: new OneCycleLR(0.02f, 6 * 19),
            aug: new StaticCnn.Data.Augmentation { Brightness = 0.05f, Contrast = 0.05f });
        Assert.True(h.Epochs[^1].ValidationAccuracy >= 0.97f, $"val acc {h.Epochs[^1].ValidationAccuracy}");
        Assert.True(h.Epochs[0].LearningRate < h.Epochs[2].LearningRate); // warm-up
    }

    [Fact]
    public void SameSeedSameHistory()
    {
        using var a = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        using var b = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        using var c = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        var aug = new StaticCnn.Data.Augmentation { FlipProbability = 0.5f, Brightness = 0.1f };
        var ha = Train(a, 5, 3, new Adam(0.01f), aug: aug);
        var hb = Train(b, 5, 3, new Adam(0.01f), aug: aug);
        var hc = Train(c, 6, 3, new Adam(0.01f), aug: aug);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(ha.Epochs[e] with { Seconds = 0, ImagesPerSecond = 0 }, hb.Epochs[e] with { Seconds = 0, ImagesPerSecond = 0 });
        }
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.NotEqual(ha.Epochs[0].TrainLoss, hc.Epochs[0].TrainLoss);
    }

    [Fact]
    public void NaNGradientNamesStepAndLayer()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8) { PoisonLayer = 0 };
        var ex = Assert.Throws<TrainingDivergedException>(() => Train(net, 1));
        Assert.Equal(1, ex.Step);
        Assert.Equal(1, ex.Epoch);
        Assert.Equal("Fc1", ex.Layer);
        Assert.Equal(0, ex.LayerIndex);
        Assert.Contains("step 1", ex.Message);
        Assert.Contains("Fc1", ex.Message);
    }

    [Fact]
    public void ExplodingTrainingIsReportedInBackwardOrder()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        var ex = Assert.Throws<TrainingDivergedException>(() => Train(net, 1, opt: new Sgd(1e6f)));
        Assert.True(ex.Step > 1);
        // Once the output is non-finite every gradient is; the last layer is the first in backward order.
        Assert.True(ex.Layer is null || ex.Layer == "Fc2" || ex.Layer == "Fc1", ex.Message);
    }

    [Fact]
    public void EarlyStoppingStops()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        var h = Train(net, 1, epochs: 40, patience: 2);
        Assert.True(h.StoppedEarly);
        Assert.True(h.Epochs.Count < 40);
        Assert.Equal(h.BestEpoch + 2, h.Epochs.Count);
    }

    [Fact]
    public void HistoryRendersSvgAndHtml()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        var h = Train(net, 1, epochs: 3);
        string svg = h.ToSvg();
        Assert.StartsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"", svg);
        Assert.Equal(4, System.Text.RegularExpressions.Regex.Matches(svg, "<polyline").Count);
        System.Xml.Linq.XDocument.Parse(svg); // well-formed
        string html = h.ToHtml();
        Assert.Contains(svg, html);
        Assert.Equal(4, h.ToCsv().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void ProgressLinesWhenRedirected()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        var sw = new StringWriter();
        Trainer.Fit(net, TestData.Blobs(100, 1), new TrainingOptions { Epochs = 2, BatchSize = 10, Progress = ProgressMode.Lines, Output = sw, LineInterval = TimeSpan.Zero });
        string text = sw.ToString();
        Assert.DoesNotContain("\r", text);
        Assert.Contains("Epoch 2/2: loss", text);
        Assert.Contains("step 5/10", text);
        var bar = new StringWriter();
        Trainer.Fit(net, TestData.Blobs(100, 1), new TrainingOptions { Epochs = 1, BatchSize = 10, Progress = ProgressMode.Bar, Output = bar });
        Assert.Contains("\rEpoch 1/1: loss", bar.ToString());
    }

    [Fact]
    public void StepLoopDoesNotAllocate()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        var data = TestData.Blobs(640, 3);
        long Run(int epochs)
        {
            Initializers.ResetParameters(net, 1);
            var opt = new Adam(0.01f);
            var o = new TrainingOptions { Epochs = epochs, BatchSize = 32, Optimizer = opt, Progress = ProgressMode.None, CheckFinite = true, ClipGradientNorm = 1f };
            Trainer.Fit(net, data, o); // warm-up (JIT)
            long before = GC.GetAllocatedBytesForCurrentThread();
            Trainer.Fit(net, data, o);
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        long one = Run(1), five = Run(5);
        // 4 extra epochs = 80 extra steps; a few hundred bytes per epoch (the history record) is all that may grow.
        Assert.True(five - one < 4 * 1024, $"1 epoch: {one} B, 5 epochs: {five} B");
    }

    [Fact]
    public void ResumeFromCheckpointContinuesIdentically()
    {
        string dir = Path.Combine(Path.GetTempPath(), "scnn-resume-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
            Initializers.ResetParameters(net, 3);
            var data = TestData.Blobs(64, 4);
            var g = new float[net.Parameters.Length];
            using var opt = new Adam(0.01f);
            void Steps(INetwork n, Optimizer o, int k)
            {
                var y = new float[64 * 4];
                var dy = new float[64 * 4];
                for (int i = 0; i < k; i++)
                {
                    n.ForwardTrain(data.Images, y, 64);
                    new CrossEntropyLoss().Compute(y, LossTargets.FromLabels(data.Labels), dy, 64);
                    n.ZeroGradients();
                    n.Backward(dy, default);
                    o.Step(n.Parameters, n.Gradients);
                }
            }
            Steps(net, opt, 3);
            Checkpoint.Save(net, Path.Combine(dir, "m.safetensors"));
            Checkpoint.SaveOptimizer(opt, Path.Combine(dir, "o.safetensors"));
            Steps(net, opt, 4);

            using var net2 = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
            using var opt2 = new Adam(0.01f);
            Checkpoint.Load(net2, Path.Combine(dir, "m.safetensors"));
            Checkpoint.LoadOptimizer(opt2, Path.Combine(dir, "o.safetensors"), net2.Parameters.Length);
            Assert.Equal(3, opt2.StepCount);
            Steps(net2, opt2, 4);
            Assert.True(net.Parameters.SequenceEqual(net2.Parameters));

            using var sgd = new Sgd(0.1f, 0.9f);
            var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadOptimizer(sgd, Path.Combine(dir, "o.safetensors"), net2.Parameters.Length));
            Assert.Contains("holds Adam state, not SGD", ex.Message);
            using var adam3 = new Adam();
            Assert.Throws<InvalidDataException>(() => Checkpoint.LoadOptimizer(adam3, Path.Combine(dir, "o.safetensors"), 7));
            Assert.Equal(0, adam3.StepCount);
        }
        finally { Directory.Delete(dir, true); }
    }
}
