using System.Xml.Linq;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Tests.Networks;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>
/// Trainer.Fit/Evaluate on a <see cref="TensorDataset"/> with named loss terms and metrics: bit-identity with the
/// InMemoryDataset path on LeNet-5, a two-input two-output network checked against hand computations, the checks
/// before the first step, metrics in the history, progress text and plot, monitoring, and no allocation per step.
/// </summary>
[Trait("Category", "Numeric")]
public class NamedTermTrainerTests
{
    /// <summary>Top-1 accuracy of one output against int labels; a metric written here because the library's land separately.</summary>
    private sealed class Top1 : Metric
    {
        private long _correct, _seen;
        public override string Name => "acc";
        public override void Reset() => (_correct, _seen) = (0, 0);
        public override void Update(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, int batch)
        {
            _correct += Metrics.TopKCorrect(outputs[0].Span, targets.Labels, batch, 1);
            _seen += batch;
        }
        public override double Result => _seen == 0 ? double.NaN : (double)_correct / _seen;
    }

    private sealed class Recorder : TrainingCallback
    {
        public readonly List<float[]> Gradients = new(), EpochParameters = new();
        public override void OnBatchEnd(INetwork network, long step, float loss) => Gradients.Add(network.Gradients.ToArray());
        public override bool OnEpochEnd(INetwork network, EpochRecord record) { EpochParameters.Add(network.Parameters.ToArray()); return false; }
    }

    private static InMemoryDataset RandomImages(int count, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var images = new float[count * 784];
        var labels = new int[count];
        for (int i = 0; i < images.Length; i++) images[i] = rng.NextFloat();
        for (int i = 0; i < count; i++) labels[i] = rng.NextInt(10);
        return new InMemoryDataset(images, labels, new TensorShape(1, 28, 28));
    }

    private static void AssertBitEqual(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]), $"{what}[{i}]: {expected[i]:R} vs {actual[i]:R}");
    }

    [Fact]
    public void LeNet5ThroughATensorDatasetTrainsBitIdenticallyToTheInMemoryPath()
    {
        var train = RandomImages(80, 1);
        var val = RandomImages(24, 2);
        TrainingOptions Options(bool named) => new()
        {
            Epochs = 3, BatchSize = 32, Seed = 5, Optimizer = new Sgd(0.05f, momentum: 0.9f), Progress = ProgressMode.None,
            Validation = named ? null : val,
            ValidationData = named ? TensorDataset.From(val) : null,
            Losses = named ? new[] { new LossTerm("Fc3", new CrossEntropyLoss(), "label") } : Array.Empty<LossTerm>(),
        };
        using var a = new LeNet5(maxBatch: 32, seed: 3);
        using var b = new LeNet5(maxBatch: 32, seed: 3);
        var ha = Trainer.Fit(a, train, Options(named: false));
        var hb = Trainer.Fit(b, TensorDataset.From(train), Options(named: true));
        Assert.Equal(3, hb.Epochs.Count);
        for (int e = 0; e < 3; e++)
        {
            Assert.Equal(BitConverter.SingleToInt32Bits(ha.Epochs[e].TrainLoss), BitConverter.SingleToInt32Bits(hb.Epochs[e].TrainLoss));
            Assert.Equal(BitConverter.SingleToInt32Bits(ha.Epochs[e].ValidationLoss), BitConverter.SingleToInt32Bits(hb.Epochs[e].ValidationLoss));
            Assert.Equal("CE", Assert.Single(hb.Epochs[e].TrainLosses).Name);
            Assert.Equal(ha.Epochs[e].TrainLoss, (float)hb.Epochs[e].TrainLosses[0].Value);
        }
        Assert.True(ha.Epochs[^1].TrainLoss < ha.Epochs[0].TrainLoss, "the run trained");
        AssertBitEqual(a.Parameters, b.Parameters, "parameters");
        Assert.Equal("CE", hb.LossName);

        // The InMemoryDataset overload with named terms takes the same path.
        using var c = new LeNet5(maxBatch: 32, seed: 3);
        var options = Options(named: true);
        var hc = Trainer.Fit(c, train, new TrainingOptions
        {
            Epochs = 3, BatchSize = 32, Seed = 5, Optimizer = new Sgd(0.05f, momentum: 0.9f), Progress = ProgressMode.None,
            Validation = val, Losses = options.Losses,
        });
        AssertBitEqual(a.Parameters, c.Parameters, "parameters (InMemoryDataset with Losses)");
        Assert.Equal(ha.Epochs[^1].ValidationLoss, hc.Epochs[^1].ValidationLoss);
    }

    /// <summary>CE of the Class head and smooth L1 (beta 1) of the Box head, in double, straight from the definitions.</summary>
    private static (double Ce, double SmoothL1, double[] BiasGradient) ByHand(TwoHeadNetwork net, TensorDataset data)
    {
        float[] p = net.Parameters.ToArray(), a = data.Floats("A"), b = data.Floats("B"), box = data.Floats("box");
        int[] label = data.Ints("label");
        int n = data.Count;
        double ce = 0, sl1 = 0;
        var dBias = new double[3];
        for (int s = 0; s < n; s++)
        {
            var z = new double[3];
            for (int c = 0; c < 3; c++) { z[c] = p[9 + c]; for (int j = 0; j < 3; j++) z[c] += (double)p[c * 3 + j] * a[s * 3 + j]; }
            double max = z.Max(), sum = z.Sum(v => Math.Exp(v - max));
            ce += max + Math.Log(sum) - z[label[s]];
            for (int c = 0; c < 3; c++) dBias[c] += (Math.Exp(z[c] - max) / sum - (c == label[s] ? 1 : 0)) / n;
            for (int k = 0; k < 2; k++)
            {
                double y = p[22 + k];
                for (int j = 0; j < 2; j++) y += (double)p[12 + k * 2 + j] * b[s * 2 + j];
                for (int j = 0; j < 3; j++) y += (double)p[16 + k * 3 + j] * a[s * 3 + j];
                double d = Math.Abs(y - box[s * 2 + k]);
                sl1 += d < 1 ? 0.5 * d * d : d - 0.5;
            }
        }
        return (ce / n, sl1 / (2 * n), dBias);
    }

    private static (TrainingHistory History, Recorder Recorder, float[] Start, TwoHeadNetwork Net) OneStep(TensorDataset data, params LossTerm[] losses)
    {
        var net = new TwoHeadNetwork(maxBatch: 16);
        var start = net.Parameters.ToArray();
        var rec = new Recorder();
        var h = Trainer.Fit(net, data, new TrainingOptions
        {
            Epochs = 1, BatchSize = data.Count, Shuffle = false, Optimizer = new Sgd(0.1f), Progress = ProgressMode.None,
            Losses = losses, Callbacks = new[] { rec },
        });
        return (h, rec, start, net);
    }

    [Fact]
    public void TwoHeadLossIsTheWeightedSumOfHandComputedTerms()
    {
        var data = TwoHeadNetwork.Data(8);
        using var net = new TwoHeadNetwork(maxBatch: 16);
        var (ce, sl1, _) = ByHand(net, data);
        Assert.True(ce > 0.3 && sl1 > 0.3, $"both terms matter: CE {ce}, smooth L1 {sl1}");
        var terms = new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f) };
        var r = Trainer.Evaluate(net, data, terms, batchSize: 3); // batches 3, 3, 2: the means are weighted by batch size
        Assert.Equal(ce, r.Losses[0].Value, 5);
        Assert.Equal(sl1, r.Losses[1].Value, 5);
        Assert.Equal(ce + 2 * sl1, r.Loss, 5);
        Assert.Equal(new[] { "CE", "smooth L1, beta 1" }, r.Losses.Select(l => l.Name));
        Assert.Equal(8, r.Count);

        // The first training step's loss is the same figure (computed before the step).
        var (h, _, _, trained) = OneStep(data, terms);
        using (trained)
        {
            Assert.Equal(ce + 2 * sl1, h.Epochs[0].TrainLoss, 5);
            Assert.Equal("CE + 2×smooth L1, beta 1", h.LossName);
        }
    }

    [Fact]
    public void GradientsCombineWithTheTermWeights()
    {
        var data = TwoHeadNetwork.Data(8);
        var ceTerm = new LossTerm("Class", new CrossEntropyLoss(), "label");
        var (_, onlyCe, start, n1) = OneStep(data, ceTerm);
        var (_, onlyBox, _, n2) = OneStep(data, new LossTerm("Box", new SmoothL1Loss(), "box"));
        var (_, both, _, n3) = OneStep(data, ceTerm, new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f));
        float[] gCe = onlyCe.Gradients[0], gBox = onlyBox.Gradients[0], g = both.Gradients[0];
        // An output no term reads gets an empty dOutput: no gradient reaches its parameters.
        Assert.Equal(1, n1.SkippedOutputs[1]);
        Assert.Equal(0, n1.SkippedOutputs[0]);
        Assert.Equal(1, n2.SkippedOutputs[0]);
        Assert.All(gCe.AsSpan(12).ToArray(), v => Assert.Equal(0f, v));
        Assert.All(gBox.AsSpan(0, 12).ToArray(), v => Assert.Equal(0f, v));
        // Weight 1 and weight 2 (a power of two) scale exactly: the combined gradient is gCE + 2·gBox bit for bit.
        for (int i = 0; i < g.Length; i++) Assert.Equal(gCe[i] + 2 * gBox[i], g[i]);
        // And the CE bias gradient is softmax − one-hot, averaged, as computed by hand.
        using var fresh = new TwoHeadNetwork(maxBatch: 16);
        var (_, _, dBias) = ByHand(fresh, data);
        for (int c = 0; c < 3; c++) Assert.Equal(dBias[c], g[9 + c], 6);
        // SGD without momentum: p1 = p0 − 0.1·g.
        for (int i = 0; i < g.Length; i++) Assert.Equal(start[i] - 0.1 * g[i], n3.Parameters[i], 6);
        n1.Dispose(); n2.Dispose(); n3.Dispose();
    }

    [Fact]
    public void TwoTermsOnOneOutputAddTheirWeightedGradients()
    {
        var data = TwoHeadNetwork.Data(8);
        var (_, sl, _, n1) = OneStep(data, new LossTerm("Box", new SmoothL1Loss(), "box"));
        var (_, mse, _, n2) = OneStep(data, new LossTerm("Box", new MseLoss(), "box"));
        var (h, both, _, n3) = OneStep(data, new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f), new LossTerm("Box", new MseLoss(), "box", Weight: 0.5f));
        float[] g = both.Gradients[0];
        for (int i = 0; i < g.Length; i++) Assert.Equal(2.0 * sl.Gradients[0][i] + 0.5 * mse.Gradients[0][i], g[i], 5);
        Assert.True(Math.Abs(g[22]) > 0.01, "the box bias has a gradient");
        var terms = h.Epochs[0].TrainLosses;
        Assert.Equal(2 * terms[0].Value + 0.5 * terms[1].Value, h.Epochs[0].TrainLoss, 5);
        Assert.Equal(2, n3.SkippedOutputs[0] + 1); // Class read by no term: skipped once
        n1.Dispose(); n2.Dispose(); n3.Dispose();
    }

    private static ArgumentException Rejected(TensorDataset data, TrainingOptions? options = null, LossTerm[]? losses = null)
    {
        using var net = new TwoHeadNetwork();
        float[] before = net.Parameters.ToArray();
        var ex = Assert.ThrowsAny<ArgumentException>(() => Trainer.Fit(net, data, options ?? new TrainingOptions
        {
            Epochs = 1, BatchSize = 4, Progress = ProgressMode.None, Optimizer = new Sgd(0.1f),
            Losses = losses ?? new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f) },
        }));
        Assert.True(net.Parameters.SequenceEqual(before), "no weight changed");
        Assert.Equal(0, net.SkippedOutputs[0] + net.SkippedOutputs[1]);
        return ex;
    }

    private static TensorDataset Without(TensorDataset d, string name, Func<DatasetTensor, DatasetTensor>? change = null)
    {
        var r = new TensorDataset(d.Count);
        foreach (var t in d.Tensors)
        {
            if (t.Name == name && change is null) continue;
            var u = t.Name == name ? change!(t) : t;
            if (u.Floats is not null) r.Add(u.Name, u.Floats, u.Shape); else r.Add(u.Name, u.Ints!, u.Shape);
        }
        return r;
    }

    [Fact]
    public void BadInputIsRejectedBeforeAnyStep()
    {
        var good = TwoHeadNetwork.Data(8);

        var missing = Rejected(Without(good, "B"));
        Assert.Contains("no tensor for the input(s) B of TwoHead (its inputs: A, B)", missing.Message);
        Assert.Contains("A, label, box", missing.Message);

        var shape = Rejected(Without(good, "B", t => t with { Shape = new TensorShape(1), Floats = new float[8] }));
        Assert.Contains("\"B\" has samples of 1 (1 floats) but the input B of TwoHead takes 2 (2)", shape.Message);

        var labels = (int[])good.Ints("label").Clone();
        labels[5] = 3;
        var bad = Rejected(Without(good, "label", t => t with { Ints = labels }));
        Assert.Contains("sample 5 of \"label\" has label 3, outside 0..2", bad.Message);

        var a = (float[])good.Floats("A").Clone();
        a[3 * 6 + 1] = float.NaN;
        var nan = Rejected(Without(good, "A", t => t with { Floats = a }));
        Assert.Contains("sample 6 of \"A\" holds NaN at element 1", nan.Message);
        Assert.Contains("CheckFinite", nan.Message);

        var boxNan = (float[])good.Floats("box").Clone();
        boxNan[0] = float.PositiveInfinity;
        var valNan = Rejected(good, new TrainingOptions
        {
            Epochs = 1, BatchSize = 4, Progress = ProgressMode.None,
            Losses = new[] { new LossTerm("Box", new SmoothL1Loss(), "box") },
            ValidationData = Without(good, "box", t => t with { Floats = boxNan }),
        });
        Assert.Equal("ValidationData", valNan.ParamName);

        var output = Rejected(good, losses: new[] { new LossTerm("Boxes", new SmoothL1Loss(), "box") });
        Assert.Contains("reads output \"Boxes\", but TwoHead has the output(s) Class, Box", output.Message);

        var target = Rejected(good, losses: new[] { new LossTerm("Box", new SmoothL1Loss(), "boxes") });
        Assert.Contains("has no tensor \"boxes\"", target.Message);

        var kind = Rejected(good, losses: new[] { new LossTerm("Class", new CrossEntropyLoss(), "box") });
        Assert.Contains("reads class labels, but its target \"box\" holds floats", kind.Message);

        var size = Rejected(good, losses: new[] { new LossTerm("Box", new SmoothL1Loss(), "A") });
        Assert.Contains("needs one value per output element (2 per sample)", size.Message);

        var weight = Rejected(good, losses: new[] { new LossTerm("Box", new SmoothL1Loss(), "box", Weight: float.NaN) });
        Assert.Contains("weight", weight.Message);

        var monitor = Rejected(good, new TrainingOptions { Losses = new[] { new LossTerm("Box", new SmoothL1Loss(), "box") }, Monitor = "mIoU", Progress = ProgressMode.None, BatchSize = 4 });
        Assert.Contains("\"loss\" or a metric's name: loss", monitor.Message);

        var noLoss = Rejected(good, new TrainingOptions { BatchSize = 4, Progress = ProgressMode.None });
        Assert.Contains("2 outputs (Class, Box)", noLoss.Message);

        // The same data with CheckFinite off is accepted (and trains).
        using var net = new TwoHeadNetwork();
        var h = Trainer.Fit(net, Without(good, "A", t => t with { Floats = a }), new TrainingOptions
        {
            Epochs = 1, BatchSize = 8, Progress = ProgressMode.None, CheckFinite = false, Losses = new[] { new LossTerm("Class", new CrossEntropyLoss(), "label") },
        });
        Assert.True(float.IsNaN(h.Epochs[0].TrainLoss));
    }

    [Fact]
    public void MetricsAppearInHistoryProgressCsvAndPlot()
    {
        var all = TwoHeadNetwork.Data(48, seed: 4);
        var (train, val) = all.Split(0.25f);
        using var net = new TwoHeadNetwork(maxBatch: 16);
        var output = new StringWriter();
        var h = Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = 3, BatchSize = 8, Seed = 2, Optimizer = new Adam(0.05f), Progress = ProgressMode.Lines, Output = output,
            Losses = new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f) },
            Metrics = new[] { new MetricTerm("Class", new Top1(), "label") },
            ValidationData = val,
        });
        Assert.Equal(3, h.Epochs.Count);
        EpochRecord last = h.Epochs[^1];
        Assert.Equal("acc", Assert.Single(last.TrainMetrics).Name);
        Assert.Equal(new[] { "CE", "smooth L1, beta 1" }, last.ValidationLosses.Select(v => v.Name));
        Assert.True(float.IsNaN(last.TrainAccuracy));

        // The validation metric is the accuracy of the final weights, computed here without the trainer.
        var a = new float[12 * 3 * 1];
        var cls = new float[12 * 3];
        var box = new float[12 * 2];
        ((INetwork)net).Forward(new ReadOnlyMemory<float>[] { val.Floats("A"), val.Floats("B") }, new Memory<float>[] { cls, box }, 12);
        double expected = Metrics.TopKCorrect(cls, val.Ints("label"), 12, 1) / 12.0;
        Assert.Equal(expected, NamedValue.Find(last.ValidationMetrics, "acc"));
        var eval = Trainer.Evaluate(net, val, new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f) },
            new[] { new MetricTerm("Class", new Top1(), "label") }, batchSize: 8);
        Assert.Equal(expected, eval.Metric("acc"));
        Assert.Equal(last.ValidationLoss, eval.Loss);

        // Progress: one line per epoch with every term and metric.
        string[] lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string line3 = Assert.Single(lines, l => l.StartsWith("Epoch 3/3:"));
        Assert.StartsWith("Epoch 3/3: " + ProgressText.EpochFigures(last) + " | lr ", line3);
        Assert.Contains($"· acc {ProgressText.Figure(last.TrainMetrics[0].Value)} | val loss {last.ValidationLoss:0.0000} (CE ", line3);
        Assert.Contains($"· val acc {ProgressText.Figure(expected)}", line3);

        string csv = h.ToCsv();
        Assert.StartsWith("epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_topk,lr,seconds,images_per_second,train_CE,val_CE,\"train_smooth L1, beta 1\",\"val_smooth L1, beta 1\",train_acc,val_acc\n", csv);
        Assert.Equal(4, csv.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        string html = h.ToHtml();
        Assert.Contains("<th>train CE</th><th>val CE</th><th>train smooth L1, beta 1</th><th>val smooth L1, beta 1</th><th>train acc</th><th>val acc</th></tr>", html);
        Assert.Contains($"<td>{last.ValidationMetrics[0].Value.ToString("0.######", System.Globalization.CultureInfo.InvariantCulture)}</td></tr>", html);

        string svg = h.ToSvg();
        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "metrics");
        Assert.Contains(doc.Descendants(ns + "text"), t => t.Value == "acc");
        Assert.DoesNotContain(doc.Descendants(ns + "text"), t => t.Value == "accuracy (%)");
        Assert.Equal(4, doc.Descendants(ns + "polyline").Count()); // loss train/val, acc train/val
    }

    [Fact]
    public void EpochFiguresReadAsTheyShould()
    {
        var r = new EpochRecord(1, 0.41f, float.NaN, 0.45f, float.NaN, float.NaN, 0.001f, 1, 1)
        {
            TrainLosses = new[] { new NamedValue("CE", 0.3), new NamedValue("SmoothL1", 0.055) },
            ValidationLosses = new[] { new NamedValue("CE", 0.33), new NamedValue("SmoothL1", 0.06) },
            TrainMetrics = new[] { new NamedValue("mIoU", 0.71) },
            ValidationMetrics = new[] { new NamedValue("mIoU", 0.69) },
        };
        Assert.Equal("loss 0.4100 (CE 0.3, SmoothL1 0.055) · mIoU 0.71 | val loss 0.4500 (CE 0.33, SmoothL1 0.06) · val mIoU 0.69", ProgressText.EpochFigures(r));
        var single = new EpochRecord(1, 0.25f, float.NaN, float.NaN, float.NaN, float.NaN, 0.001f, 1, 1) { TrainLosses = new[] { new NamedValue("MSE", 0.25f) } };
        Assert.Equal("loss (MSE) 0.2500", ProgressText.EpochFigures(single));
    }

    [Fact]
    public void AMetricsPlotStaysInsideTheCanvas()
    {
        string[] names = { "mIoU", "box IoU", "pair accuracy", "AUC", "a metric with a very long name indeed, longer than a row of the legend", "m6", "m7", "m8", "m9" };
        var h = new TrainingHistory { LossName = "CE + 2×smooth L1, beta 1", Monitor = "mIoU" };
        for (int e = 1; e <= 6; e++)
            h.Add(new EpochRecord(e, 1f / e, float.NaN, 1.2f / e, float.NaN, float.NaN, 0.01f, 1, 1000)
            {
                TrainMetrics = names.Select((n, i) => new NamedValue(n, 0.1 * i + 0.05 * e)).ToArray(),
                ValidationMetrics = names.Select((n, i) => new NamedValue(n, e == 3 ? double.NaN : 0.1 * i + 0.04 * e)).ToArray(),
            });
        h.BestEpoch = 6;
        new HistoryPlotTests().EveryElementLiesInsideTheCanvas("metrics", h);
        string svg = h.ToSvg();
        Assert.Contains(">best: epoch 6, validation mIoU 0.24<", svg);
        Assert.Contains(">mIoU<", svg);
        Assert.Contains(">pair accuracy<", svg);
        Assert.Contains("…<", svg); // the names that do not fit are shortened
    }

    [Theory]
    [InlineData("loss")]
    [InlineData("acc")]
    public void RestoreBestWeightsKeepsTheMonitoredBestEpoch(string monitor)
    {
        var all = TwoHeadNetwork.Data(48, seed: 6);
        var (train, val) = all.Split(0.25f);
        using var net = new TwoHeadNetwork(maxBatch: 16);
        var rec = new Recorder();
        var h = Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = 12, BatchSize = 8, Seed = 1, Optimizer = new Sgd(1.5f, momentum: 0.9f), Progress = ProgressMode.None,
            Losses = new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box") },
            Metrics = new[] { new MetricTerm("Class", new Top1(), "label") },
            ValidationData = val, Monitor = monitor, RestoreBestWeights = true, Callbacks = new[] { rec },
        });
        double[] watched = h.Epochs.Select(e => monitor == "loss" ? e.ValidationLoss : NamedValue.Find(e.ValidationMetrics, "acc")).ToArray();
        int best = monitor == "loss" ? Array.IndexOf(watched, watched.Min()) : Array.IndexOf(watched, watched.Max());
        Assert.Equal(best + 1, h.BestEpoch);
        Assert.Equal(monitor, h.Monitor);
        Assert.True(net.Parameters.SequenceEqual(rec.EpochParameters[best]));
        Assert.True(h.BestEpoch < h.Epochs.Count || !net.Parameters.SequenceEqual(rec.EpochParameters[0]));
    }

    [Fact]
    public void EarlyStoppingWatchesTheMonitor()
    {
        var all = TwoHeadNetwork.Data(48, seed: 6);
        var (train, val) = all.Split(0.25f);
        using var net = new TwoHeadNetwork(maxBatch: 16);
        var output = new StringWriter();
        var h = Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = 200, BatchSize = 8, Seed = 1, Optimizer = new Adam(0.05f), Progress = ProgressMode.Lines, Output = output,
            Losses = new[] { new LossTerm("Class", new CrossEntropyLoss(), "label") },
            Metrics = new[] { new MetricTerm("Class", new Top1(), "label") },
            ValidationData = val, Monitor = "acc", EarlyStoppingPatience = 3,
        });
        Assert.True(h.StoppedEarly);
        Assert.Equal(h.BestEpoch + 3, h.Epochs.Count);
        Assert.Contains($"no better validation acc than {ProgressText.Figure(NamedValue.Find(h.Epochs[h.BestEpoch - 1].ValidationMetrics, "acc"))} (epoch {h.BestEpoch})", output.ToString());
    }

    [Fact]
    public void ATrainingStepAllocatesNothing()
    {
        var data = TwoHeadNetwork.Data(20);
        using var net = new TwoHeadNetwork(maxBatch: 16);
        var plan = new TensorTrainingPlan(net,
            new[] { new LossTerm("Class", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f), new LossTerm("Box", new MseLoss(), "box", Weight: 0.5f) },
            new[] { new MetricTerm("Class", new Top1(), "label") }, 8);
        var tensors = plan.Validate(data, "data", checkFinite: true);
        var it = new TensorBatchIterator(tensors, data.Count, 8, shuffle: true, seed: 1, dropLast: false);
        it.StartEpoch(0);
        while (it.Next(out int batch)) plan.TrainStep(it.Sources, batch, tensors); // warm-up: batches of 8, 8, 4
        float sum = 0;
        int epoch = 0;
        Assert.Equal(0, Allocations.PerRun(() =>
        {
            it.StartEpoch(++epoch);
            while (it.Next(out int batch)) sum += plan.TrainStep(it.Sources, batch, tensors);
        }, attempts: 3));
        Assert.True(float.IsFinite(sum) && sum > 0);
    }
}
