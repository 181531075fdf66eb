using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>The history plot's geometry and ticks, the progress ETA and the loss labels of Fit and Evaluate.</summary>
public class HistoryPlotTests
{
    private static TrainingHistory Made(int epochs, Func<int, (float TrainLoss, float TrainAcc, float ValLoss, float ValAcc)> f, int best, string? lossName = "CE")
    {
        var h = new TrainingHistory { LossName = lossName };
        for (int e = 1; e <= epochs; e++)
        {
            var (tl, ta, vl, va) = f(e);
            h.Add(new EpochRecord(e, tl, ta, vl, va, float.NaN, 0.01f, 1, 1000));
        }
        h.BestEpoch = best;
        return h;
    }

    /// <summary>The run the issue showed: losses 0.901..1.283, accuracies up to 1.0, 12 epochs.</summary>
    private static TrainingHistory Typical() => Made(12, e => (1.283f - 0.03f * e, 0.60f + 0.033f * e, 1.2f - 0.025f * e, 0.62f + 0.03f * e), best: 11, "CE, smoothing 0.1");

    public static IEnumerable<object[]> Histories() => new[]
    {
        new object[] { "typical", Typical() },
        new object[] { "accuracy 100 %", Made(3, e => (0.1f / e, 1f, 0.2f / e, 1f), 1) },
        new object[] { "one epoch", Made(1, e => (2.3f, 0.1f, 2.3f, 0.1f), 1) },
        new object[] { "no validation", Made(5, e => (1f / e, 0.5f + 0.1f * e, float.NaN, float.NaN), 5) },
        new object[] { "diverged", Made(4, e => (e == 3 ? float.NaN : 1e6f * e, 0.1f, float.PositiveInfinity, 0.1f), 2) },
        new object[] { "empty", new TrainingHistory() },
        new object[] { "100 epochs", Made(100, e => (1f / e, 1 - 1f / e, 1.1f / e, 1 - 1.1f / e), 97) },
        new object[] { "negative loss", Made(6, e => (-0.5f * e, 0.2f, -0.4f * e, 0.3f), 6, "custom") },
        new object[] { "huge loss", Made(3, e => (3e9f * e, 0.1f * e, float.NaN, float.NaN), 3) },
    };

    [Theory]
    [MemberData(nameof(Histories))]
    public void EveryElementLiesInsideTheCanvas(string name, TrainingHistory h)
    {
        string text = h.ToSvg("LeNet-5 on Fashion-MNIST");
        // SCNN_DUMP_SVG=DIR writes each plot there, to look at (rsvg-convert DIR/typical.svg -o typical.png).
        if (Environment.GetEnvironmentVariable("SCNN_DUMP_SVG") is { Length: > 0 } dir)
            File.WriteAllText(Path.Combine(dir, Regex.Replace(name, "[^a-z0-9]+", "-") + ".svg"), text);
        XDocument doc = XDocument.Parse(text);
        XElement svg = doc.Root!;
        double[] vb = svg.Attribute("viewBox")!.Value.Split(' ').Select(D).ToArray();
        Assert.Equal(new double[] { 0, 0, TrainingHistory.SvgWidth, TrainingHistory.SvgHeight }, vb);
        Assert.Equal(vb[2], D(svg.Attribute("width")!.Value));
        Assert.Equal(vb[3], D(svg.Attribute("height")!.Value));
        int checkedPoints = 0;
        void In(double x, double y, string what)
        {
            checkedPoints++;
            Assert.True(x >= vb[0] && x <= vb[0] + vb[2] && y >= vb[1] && y <= vb[1] + vb[3], $"{name}: {what} at ({x}, {y}) is outside the viewBox {vb[2]}×{vb[3]}");
        }
        foreach (XElement e in svg.Descendants())
        {
            Assert.Null(e.Attribute("transform")); // coordinates are absolute, so the checks below are the truth
            string tag = e.Name.LocalName;
            double A(string a) => D(e.Attribute(a)!.Value);
            switch (tag)
            {
                case "rect":
                    In(A("x"), A("y"), "rect"); In(A("x") + A("width"), A("y") + A("height"), "rect corner");
                    break;
                case "line":
                    In(A("x1"), A("y1"), "line"); In(A("x2"), A("y2"), "line end");
                    break;
                case "circle":
                    In(A("cx") - A("r"), A("cy") - A("r"), "circle"); In(A("cx") + A("r"), A("cy") + A("r"), "circle");
                    break;
                case "polyline":
                    foreach (string p in e.Attribute("points")!.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                    {
                        double[] xy = p.Split(',').Select(D).ToArray();
                        In(xy[0], xy[1], "polyline point");
                    }
                    break;
                case "path":
                    foreach (Match m in Regex.Matches(e.Attribute("d")!.Value, @"(-?[\d.]+)[ ,](-?[\d.]+)"))
                        In(D(m.Groups[1].Value), D(m.Groups[2].Value), "path point");
                    break;
                case "text":
                    // Glyph box estimated generously: 0.62 em per character, ascent 0.8 em, descent 0.25 em.
                    double size = e.Attribute("font-size") is { } fs ? D(fs.Value) : 11, width = e.Value.Length * 0.62 * size;
                    double left = (string?)e.Attribute("text-anchor") switch { "middle" => A("x") - width / 2, "end" => A("x") - width, _ => A("x") };
                    In(left, A("y") - 0.8 * size, $"text '{e.Value}'"); In(left + width, A("y") + 0.25 * size, $"text '{e.Value}'");
                    break;
                default:
                    Assert.Fail($"{name}: unexpected element <{tag}> (add it to this geometry check)");
                    break;
            }
        }
        Assert.True(checkedPoints > 20, $"{name}: only {checkedPoints} points checked");
    }

    [Fact]
    public void TypicalPlotHasNiceTicksPercentEpochLabelBestMarkerAndLegend()
    {
        string svg = Typical().ToSvg();
        var texts = XDocument.Parse(svg).Root!.Descendants().Where(e => e.Name.LocalName == "text").ToList();
        // y tick labels are the right-aligned texts; left panel (loss) and right panel (accuracy) by x
        var yTicks = texts.Where(t => (string?)t.Attribute("text-anchor") == "end").ToList();
        var loss = yTicks.Where(t => D(t.Attribute("x")!.Value) < 420).Select(t => t.Value).ToArray();
        var acc = yTicks.Where(t => D(t.Attribute("x")!.Value) > 420).Select(t => t.Value).ToArray();
        Assert.Equal(new[] { "0.9", "1.0", "1.1", "1.2", "1.3" }, loss);   // data 0.90..1.253
        Assert.Equal(new[] { "60", "70", "80", "90", "100" }, acc);             // data 62..99.6 %: in %, capped at 100
        Assert.Equal(2, texts.Count(t => t.Value == "epoch"));
        Assert.Contains(texts, t => t.Value == "accuracy (%)");
        Assert.Contains(texts, t => t.Value == "loss (CE, smoothing 0.1)");
        Assert.Contains(texts, t => t.Value == "train");
        Assert.Contains(texts, t => t.Value == "validation");
        Assert.Contains(texts, t => t.Value == "best: epoch 11, validation accuracy 95.00 %");
        Assert.Equal(new[] { "2", "4", "6", "8", "10", "12" }, texts.Where(t => (string?)t.Attribute("text-anchor") == "middle" && Regex.IsMatch(t.Value, "^\\d+$")).Select(t => t.Value).Distinct());
        Assert.Equal(4, Regex.Matches(svg, "<polyline").Count);
        Assert.Equal(2, Regex.Matches(svg, "<circle").Count); // on the curve and in the legend
        Assert.DoesNotContain("1.283", svg);
    }

    [Fact]
    public void NegativeLossIsPlottedAndNonFiniteEpochsBreakTheCurve()
    {
        string neg = Made(6, e => (-0.5f * e, 0.2f, -0.4f * e, 0.3f), 6, "custom").ToSvg();
        var labels = XDocument.Parse(neg).Root!.Descendants().Where(e => e.Name.LocalName == "text" && (string?)e.Attribute("text-anchor") == "end"
            && D(e.Attribute("x")!.Value) < 420).Select(e => D(e.Value)).ToArray();
        Assert.True(labels[0] <= -3 && labels[^1] >= -0.4, string.Join(", ", labels)); // the axis covers −3 … −0.4

        // Train loss NaN at epoch 3: two segments (epochs 1–2 and 4–5); a lone finite point (epoch 7) is a dot.
        string gap = Made(7, e => (e is 3 or 6 ? float.NaN : 1f / e, 0.5f, float.NaN, float.NaN), 1).ToSvg();
        var lossCurves = Regex.Matches(gap, "<polyline[^>]*stroke=\"#1f77b4\"[^>]*points=\"([^\"]*)\"").Select(m => m.Groups[1].Value.Split(' ').Length).ToArray();
        Assert.Equal(new[] { 2, 2, 7 }, lossCurves); // loss: 1–2, 4–5; accuracy: all 7
        Assert.Single(Regex.Matches(gap, "<circle[^>]*r=\"2.5\" fill=\"#1f77b4\""));
    }

    [Theory]
    [InlineData(0.901, 1.283, 6)]
    [InlineData(0, 1, 6)]
    [InlineData(62, 99.6, 6)]
    [InlineData(0.00123, 0.00456, 5)]
    [InlineData(-3.7, 12.2, 6)]
    [InlineData(1e6, 3.3e6, 6)]
    [InlineData(5, 5, 6)]
    [InlineData(100, 100, 6)]
    public void TicksAreNice(double lo, double hi, int maxIntervals)
    {
        var (ticks, step) = AxisTicks.Nice(lo, hi, maxIntervals, lo >= 0 ? 0 : double.NegativeInfinity, hi <= 100 && lo >= 0 ? 100 : double.PositiveInfinity);
        double k = Math.Floor(Math.Log10(step)), m = step / Math.Pow(10, k);
        Assert.Contains(Math.Round(m, 9), new[] { 1, 2, 2.5, 5 });
        Assert.True(ticks[0] <= lo + 1e-12 && ticks[^1] >= hi - 1e-12 || lo == hi, $"[{ticks[0]}, {ticks[^1]}] does not cover [{lo}, {hi}]");
        Assert.InRange(ticks.Length - 1, 1, maxIntervals + 1);
        for (int i = 0; i < ticks.Length; i++)
        {
            Assert.Equal(Math.Round(ticks[i] / step), ticks[i] / step, 9); // multiples of the step
            if (i > 0) Assert.Equal(step, ticks[i] - ticks[i - 1], 9);
            string label = AxisTicks.Format(ticks[i], step);
            Assert.Equal(ticks[i], D(label), 12); // the label is the exact value, no 1.283-style noise
        }
        if (lo >= 0 && hi <= 100) Assert.InRange(ticks[^1], 0, 100);
    }

    [Fact]
    public void TickLabelsHaveTheDecimalsOfTheStep()
    {
        Assert.Equal("0.25", AxisTicks.Format(0.25, 0.25));
        Assert.Equal("0.50", AxisTicks.Format(0.5, 0.25));
        Assert.Equal("1.0", AxisTicks.Format(1, 0.1));
        Assert.Equal("20", AxisTicks.Format(20, 5));
        Assert.Equal("0.0", AxisTicks.Format(-1e-17, 0.1));
        Assert.Equal("2.5e6", AxisTicks.Format(2.5e6, 5e5));
        Assert.Equal("0", AxisTicks.Format(0, 5e5));
        Assert.Equal("2e-5", AxisTicks.Format(2e-5, 1e-5));
        Assert.Equal(new double[] { 2, 4, 6, 8, 10, 12 }, AxisTicks.NiceIntegers(1, 12, 10));
        Assert.Equal(new double[] { 1, 2, 3 }, AxisTicks.NiceIntegers(1, 3, 10));
        Assert.Equal(new double[] { 10, 20, 30, 40, 50, 60, 70, 80, 90, 100 }, AxisTicks.NiceIntegers(1, 100, 10));
        Assert.Equal(new double[] { 20, 40, 60, 80, 100 }, AxisTicks.NiceIntegers(1, 100, 6));
    }

    [Theory]
    [InlineData(10, 100, 5.0, "0:45")]     // 90 left × 0.5 s
    [InlineData(1, 938, 0.0123, "0:12")]   // 937 × 12.3 ms = 11.5 s
    [InlineData(50, 100, 3725.0, "1:02:05")]
    [InlineData(100, 100, 7.0, "0:00")]
    [InlineData(0, 100, 0.0, "--:--")]
    [InlineData(5, 100, double.NaN, "--:--")]
    public void EtaIsRemainingBatchesTimesMeanBatchTime(int done, int total, double seconds, string expected)
        => Assert.Equal(expected, ProgressText.Eta(done, total, seconds));

    [Fact]
    public void ProgressLinesCarryAnEta()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        var sw = new StringWriter();
        Trainer.Fit(net, TestData.Blobs(100, 1), new TrainingOptions { Epochs = 1, BatchSize = 10, Progress = ProgressMode.Lines, Output = sw, LineInterval = TimeSpan.Zero });
        Assert.Matches(@"Epoch 1/1 step 5/10: loss \d\.\d{4} .* img/s  ETA \d+:\d\d", sw.ToString());
    }

    [Fact]
    public void EpochLineAndEvaluateLabelTheirLoss()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        var val = TestData.Blobs(200, 12);
        var sw = new StringWriter();
        var smoothing = new CrossEntropyLoss(labelSmoothing: 0.1f);
        var h = Trainer.Fit(net, TestData.Blobs(300, 1), new TrainingOptions
        {
            Epochs = 2, BatchSize = 20, Loss = smoothing, Validation = val, Optimizer = new Sgd(0.1f),
            Progress = ProgressMode.Lines, Output = sw, LineInterval = TimeSpan.FromHours(1),
        });
        string last = sw.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        Match m = Regex.Match(last, @"^Epoch 2/2: loss \(CE, smoothing 0\.1\) \d\.\d{4} .*\| val loss \(CE, smoothing 0\.1\) (\d\.\d{4}) ");
        Assert.True(m.Success, last);
        Assert.Equal("CE, smoothing 0.1", h.LossName);

        // The same figure from Evaluate when it is given the training loss …
        var same = Trainer.Evaluate(net, val, batchSize: 20, loss: smoothing);
        Assert.Equal("CE, smoothing 0.1", same.LossName);
        Assert.Equal(h.Epochs[^1].ValidationLoss, same.Loss);
        Assert.Equal(m.Groups[1].Value, same.Loss.ToString("0.0000", CultureInfo.InvariantCulture));
        // … and a different, differently labelled one by default (plain cross-entropy).
        var plain = Trainer.Evaluate(net, val, batchSize: 20);
        Assert.Equal("CE", plain.LossName);
        Assert.True(Math.Abs(plain.Loss - same.Loss) > 0.01, $"{plain.Loss} vs {same.Loss}");

        // Plain cross-entropy in Fit: the unlabelled "val loss" is Evaluate's default figure.
        var sw2 = new StringWriter();
        var h2 = Trainer.Fit(net, TestData.Blobs(300, 1), new TrainingOptions { Epochs = 1, BatchSize = 20, Validation = val, Progress = ProgressMode.Lines, Output = sw2, LineInterval = TimeSpan.FromHours(1) });
        Assert.Matches(@"^Epoch 1/1: loss \d\.\d{4} .*\| val loss \d\.\d{4} ", sw2.ToString());
        Assert.Equal(h2.Epochs[^1].ValidationLoss, Trainer.Evaluate(net, val, batchSize: 20).Loss);
        Assert.Equal("MSE", new MseLoss().Name);
        Assert.Equal("Huber, delta 1", new HuberLoss().Name);
    }

    private static double D(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);
}
