using System.Globalization;
using System.Text;

namespace StaticCnn.Training;

/// <summary>
/// One epoch's figures. Validation values are NaN without validation data. Training on a
/// <see cref="Data.TensorDataset"/> fills <see cref="TrainLosses"/> and the metric lists, leaves the accuracies NaN, and
/// <see cref="TrainLoss"/>/<see cref="ValidationLoss"/> are the total weighted loss.
/// </summary>
public sealed record EpochRecord(int Epoch, float TrainLoss, float TrainAccuracy, float ValidationLoss, float ValidationAccuracy,
    float ValidationTopK, float LearningRate, double Seconds, double ImagesPerSecond)
{
    /// <summary>Each loss term's mean (unweighted) over the epoch's training batches, in <see cref="TrainingOptions.Losses"/> order; empty for an <see cref="Data.InMemoryDataset"/>.</summary>
    public IReadOnlyList<NamedValue> TrainLosses { get; init; } = Array.Empty<NamedValue>();
    /// <summary>Each loss term's mean (unweighted) on the validation data; empty without it.</summary>
    public IReadOnlyList<NamedValue> ValidationLosses { get; init; } = Array.Empty<NamedValue>();
    /// <summary>Each metric of <see cref="TrainingOptions.Metrics"/> over the epoch's training batches (computed on the training forward, as Keras does).</summary>
    public IReadOnlyList<NamedValue> TrainMetrics { get; init; } = Array.Empty<NamedValue>();
    /// <summary>Each metric on the validation data; empty without it.</summary>
    public IReadOnlyList<NamedValue> ValidationMetrics { get; init; } = Array.Empty<NamedValue>();
}

/// <summary>A named figure of an epoch: a loss term (e.g. <c>CE</c>, <c>SmoothL1</c>) or a metric (e.g. <c>mIoU</c>).</summary>
/// <param name="Name">The label shown in progress lines, CSV columns and plots.</param>
/// <param name="Value">The value; NaN when nothing was measured.</param>
public readonly record struct NamedValue(string Name, double Value)
{
    /// <summary>The value named <paramref name="name"/> in <paramref name="values"/>, or NaN.</summary>
    public static double Find(IReadOnlyList<NamedValue> values, string name)
    {
        foreach (var v in values) if (v.Name == name) return v.Value;
        return double.NaN;
    }
}

/// <summary>
/// Per-epoch training history (Keras: the <c>History</c> returned by <c>fit</c>), and its curves as a self-contained SVG
/// or an HTML page embedding it.
/// </summary>
public sealed class TrainingHistory
{
    private readonly List<EpochRecord> _epochs = new();

    /// <summary>The epochs in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => _epochs;
    /// <summary>Whether early stopping ended the run.</summary>
    public bool StoppedEarly { get; internal set; }
    /// <summary>The epoch with the best monitored metric (1-based), or 0.</summary>
    public int BestEpoch { get; internal set; }

    /// <summary>
    /// What <see cref="BestEpoch"/> and early stopping watched in a run on a <see cref="Data.TensorDataset"/>: <c>loss</c>
    /// or a metric's name (<see cref="TrainingOptions.Monitor"/>); null for a run on an <see cref="Data.InMemoryDataset"/> (accuracy).
    /// </summary>
    public string? Monitor { get; internal set; }

    internal void Add(EpochRecord r) => _epochs.Add(r);

    /// <summary>
    /// The history as CSV with a header line; accuracies are fractions in [0, 1], as in <see cref="EpochRecord"/>. A run
    /// with named loss terms and metrics adds the columns <c>train_NAME</c> and <c>val_NAME</c> for each, after the others.
    /// </summary>
    public string ToCsv()
    {
        var names = FigureNames();
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_topk,lr,seconds,images_per_second");
        foreach (string n in names) sb.Append(',').Append(CsvField("train_" + n)).Append(',').Append(CsvField("val_" + n));
        sb.Append('\n');
        foreach (var e in _epochs)
        {
            sb.Append(string.Join(",", new[] { e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.TrainLoss), F(e.TrainAccuracy), F(e.ValidationLoss),
                F(e.ValidationAccuracy), F(e.ValidationTopK), F(e.LearningRate), e.Seconds.ToString("0.###", CultureInfo.InvariantCulture),
                e.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture) }));
            foreach (string n in names)
            {
                var (t, v) = Figures(e, n);
                sb.Append(',').Append(D(t)).Append(',').Append(D(v));
            }
            sb.Append(Environment.NewLine);
        }
        return sb.ToString();
    }

    /// <summary>
    /// Loss (left) and accuracy in % (right) against the epoch, train solid and validation dashed, with "nice" tick
    /// values (1, 2, 2.5 or 5 × 10^k), a marker at <see cref="BestEpoch"/> and a legend, as a standalone SVG document
    /// of <see cref="SvgWidth"/> × <see cref="SvgHeight"/> pixels in which every element lies inside the canvas.
    /// A non-finite value breaks its curve; a lone point is a dot. Not thread-safe against a concurrent <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/>
    /// that is still adding epochs.
    /// </summary>
    public string ToSvg(string title = "Training history")
    {
        const int W = SvgWidth, H = SvgHeight, top = 48, plotH = 226, panelW = 320, left1 = 64, left2 = 484;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"0\" y=\"0\" width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{W / 2}\" y=\"22\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");

        // The monitored figure of BestEpoch, as the trainer chose it: validation accuracy, or training accuracy without
        // validation; for a run on a TensorDataset the Monitor (loss or a metric), on validation data when there was some.
        EpochRecord? best = null;
        foreach (var e in _epochs) if (e.Epoch == BestEpoch) best = e;
        var metricNames = MetricNames();
        bool metricsPanel = metricNames.Count > 0;
        bool bestOnValidation;
        float bestValue, bestLoss = float.NaN;
        string what;
        if (Monitor is null)
        {
            bestOnValidation = best is not null && float.IsFinite(best.ValidationAccuracy);
            bestValue = best is null ? float.NaN : 100f * (bestOnValidation ? best.ValidationAccuracy : best.TrainAccuracy);
            what = bestOnValidation ? "validation accuracy" : "training accuracy";
        }
        else
        {
            bestOnValidation = best is not null && (Monitor == "loss" ? !float.IsNaN(best.ValidationLoss) : best.ValidationMetrics.Count > 0);
            float v = best is null ? float.NaN : Monitor == "loss"
                ? (bestOnValidation ? best.ValidationLoss : best.TrainLoss)
                : (float)NamedValue.Find(bestOnValidation ? best.ValidationMetrics : best.TrainMetrics, Monitor);
            if (Monitor == "loss") { bestLoss = v; bestValue = float.NaN; }
            else bestValue = v;
            what = (bestOnValidation ? "validation " : "training ") + Monitor;
        }

        string lossLabel = LossName is null ? "loss" : $"loss ({LossName})";
        Panel(sb, lossLabel, left1, top, panelW, plotH, new[] { (Train: (Func<EpochRecord, float>)(e => e.TrainLoss), Val: (Func<EpochRecord, float>)(e => e.ValidationLoss), TrainColor, ValidationColor) },
            double.NegativeInfinity, double.PositiveInfinity, best, bestLoss);
        if (metricsPanel)
        {
            var series = new (Func<EpochRecord, float>, Func<EpochRecord, float>, string, string)[metricNames.Count];
            for (int i = 0; i < series.Length; i++)
            {
                string name = metricNames[i], color = MetricColors[i % MetricColors.Length];
                series[i] = (e => (float)NamedValue.Find(e.TrainMetrics, name), e => (float)NamedValue.Find(e.ValidationMetrics, name), color, color);
            }
            Panel(sb, "metrics", left2, top, panelW, plotH, series, double.NegativeInfinity, double.PositiveInfinity, best, bestValue);
        }
        else
            Panel(sb, "accuracy (%)", left2, top, panelW, plotH, new[] { (Train: (Func<EpochRecord, float>)(e => 100f * e.TrainAccuracy), Val: (Func<EpochRecord, float>)(e => 100f * e.ValidationAccuracy), TrainColor, ValidationColor) },
                0, 100, best, bestValue);

        // Legend, bottom left; the metrics' colours bottom right.
        int ly = H - 14;
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left1}\" y1=\"{ly - 4}\" x2=\"{left1 + 24}\" y2=\"{ly - 4}\" stroke=\"{(metricsPanel ? "#555" : TrainColor)}\" stroke-width=\"2\"/><text x=\"{left1 + 30}\" y=\"{ly}\">train</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left1 + 80}\" y1=\"{ly - 4}\" x2=\"{left1 + 104}\" y2=\"{ly - 4}\" stroke=\"{(metricsPanel ? "#555" : ValidationColor)}\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/><text x=\"{left1 + 110}\" y=\"{ly}\">validation</text>\n");
        float shown = Monitor == "loss" ? bestLoss : bestValue;
        if (best is not null && float.IsFinite(shown))
        {
            string figure = Monitor is null ? shown.ToString("0.00", CultureInfo.InvariantCulture) + " %" : shown.ToString("G4", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left1 + 190}\" y1=\"{ly - 10}\" x2=\"{left1 + 190}\" y2=\"{ly + 2}\" stroke=\"{BestColor}\" stroke-dasharray=\"3,3\"/><circle cx=\"{left1 + 190}\" cy=\"{ly - 4}\" r=\"4\" fill=\"{BestColor}\"/>");
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{left1 + 200}\" y=\"{ly}\">best: epoch {best.Epoch}, {Escape(what)} {figure}</text>\n");
        }
        // Metric colours: two rows above the legend line, under the right panel, wrapped once at the canvas edge; on
        // the second row a name that does not fit is shortened with …, and what has no room left is not listed.
        // A character is taken as 7 px wide.
        int mx = left2, row = 0;
        for (int i = 0; i < metricNames.Count && row < 2; i++)
        {
            string label = metricNames[i];
            int room = (W - 8 - mx - 14) / 7;
            if (label.Length > room && mx > left2 && row == 0) { row++; mx = left2; room = (W - 8 - mx - 14) / 7; }
            if (room < 2) break;
            if (label.Length > room) label = label[..(room - 1)] + "…";
            int y = ly - 14 - 14 * row;
            sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{mx}\" y=\"{y - 9}\" width=\"10\" height=\"10\" fill=\"{MetricColors[i % MetricColors.Length]}\"/><text x=\"{mx + 14}\" y=\"{y}\">{Escape(label)}</text>\n");
            mx += 14 + 7 * label.Length + 12;
        }
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>Width of <see cref="ToSvg"/>'s canvas in pixels.</summary>
    public const int SvgWidth = 840;
    /// <summary>Height of <see cref="ToSvg"/>'s canvas in pixels.</summary>
    public const int SvgHeight = 360;

    /// <summary>
    /// What the trainer's loss figures are (e.g. <c>cross-entropy, label smoothing 0.1</c>): the objective that
    /// <see cref="EpochRecord.TrainLoss"/> and <see cref="EpochRecord.ValidationLoss"/> measure; null when unknown.
    /// </summary>
    public string? LossName { get; internal set; }

    /// <summary>An HTML page with the SVG and the table of epochs (accuracies in %; loss as in <see cref="LossName"/>; a column pair per loss term and metric).</summary>
    public string ToHtml(string title = "Training history")
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(Escape(title)).Append("</title>");
        sb.Append("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>\n");
        sb.Append(ToSvg(title));
        var names = FigureNames();
        sb.Append("<table><tr><th>epoch</th><th>train loss</th><th>train acc (%)</th><th>val loss</th><th>val acc (%)</th><th>val top-k (%)</th><th>lr</th><th>s</th><th>img/s</th>");
        foreach (string n in names) sb.Append("<th>train ").Append(Escape(n)).Append("</th><th>val ").Append(Escape(n)).Append("</th>");
        sb.Append("</tr>\n");
        foreach (var e in _epochs)
        {
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Epoch}</td><td>{F(e.TrainLoss)}</td><td>{P(e.TrainAccuracy)}</td><td>{F(e.ValidationLoss)}</td><td>{P(e.ValidationAccuracy)}</td><td>{P(e.ValidationTopK)}</td><td>{F(e.LearningRate)}</td><td>{e.Seconds:0.##}</td><td>{e.ImagesPerSecond:0}</td>");
            foreach (string n in names)
            {
                var (t, v) = Figures(e, n);
                sb.Append("<td>").Append(D(t)).Append("</td><td>").Append(D(v)).Append("</td>");
            }
            sb.Append("</tr>\n");
        }
        sb.Append("</table></body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to a file.</summary>
    public void SaveSvg(string path, string title = "Training history") => File.WriteAllText(path, ToSvg(title));
    /// <summary>Writes <see cref="ToHtml"/> to a file.</summary>
    public void SaveHtml(string path, string title = "Training history") => File.WriteAllText(path, ToHtml(title));

    private const string TrainColor = "#1f77b4", ValidationColor = "#d62728", BestColor = "#2ca02c";
    private static readonly string[] MetricColors = { "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f" };

    /// <summary>The names of the loss terms, then the metrics, of the epochs, in first-seen order (for CSV and HTML columns).</summary>
    private List<string> FigureNames()
    {
        var names = new List<string>();
        foreach (var e in _epochs)
            foreach (var list in new[] { e.TrainLosses, e.ValidationLosses })
                foreach (var v in list) if (!names.Contains(v.Name)) names.Add(v.Name);
        foreach (string m in MetricNames()) if (!names.Contains(m)) names.Add(m);
        return names;
    }

    /// <summary>The train and validation values named <paramref name="name"/> (a loss term, else a metric) of an epoch; NaN where absent.</summary>
    private static (double Train, double Validation) Figures(EpochRecord e, string name)
    {
        double t = NamedValue.Find(e.TrainLosses, name), v = NamedValue.Find(e.ValidationLosses, name);
        if (double.IsNaN(t)) t = NamedValue.Find(e.TrainMetrics, name);
        if (double.IsNaN(v)) v = NamedValue.Find(e.ValidationMetrics, name);
        return (t, v);
    }

    /// <summary>The metric names of the epochs (train and validation), in first-seen order.</summary>
    private List<string> MetricNames()
    {
        var names = new List<string>();
        foreach (var e in _epochs)
            foreach (var list in new[] { e.TrainMetrics, e.ValidationMetrics })
                foreach (var m in list) if (!names.Contains(m.Name)) names.Add(m.Name);
        return names;
    }

    private void Panel(StringBuilder sb, string label, int x0, int y0, int w, int h,
        IReadOnlyList<(Func<EpochRecord, float> Train, Func<EpochRecord, float> Val, string TrainColor, string ValColor)> series,
        double floor, double ceiling, EpochRecord? best, float bestValue)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var e in _epochs)
            foreach (var (train, val, _, _) in series)
                foreach (float v in new[] { train(e), val(e) })
                    if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (double.IsInfinity(lo)) { lo = floor; hi = Math.Min(ceiling, floor + 1); }
        var yTicks = AxisTicks.Nice(lo, hi, 6, floor, ceiling);
        double yLo = yTicks.Ticks[0], yHi = yTicks.Ticks[^1];

        int eMin = int.MaxValue, eMax = int.MinValue;
        foreach (var e in _epochs) { eMin = Math.Min(eMin, e.Epoch); eMax = Math.Max(eMax, e.Epoch); }
        if (eMin > eMax) (eMin, eMax) = (1, 1);
        double xLo = eMin, xHi = eMax;
        if (xHi - xLo < 1) { xLo -= 0.5; xHi += 0.5; } // one epoch: a point in the middle
        double X(double epoch) => x0 + w * (epoch - xLo) / (xHi - xLo);
        double Y(double v) => y0 + h - h * (Math.Clamp(v, yLo, yHi) - yLo) / (yHi - yLo);

        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{y0}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#888\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + w / 2}\" y=\"{y0 - 8}\" text-anchor=\"middle\" font-size=\"12\">{Escape(label)}</text>\n");
        foreach (double v in yTicks.Ticks)
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Y(v):0.#}\" x2=\"{x0 + w}\" y2=\"{Y(v):0.#}\" stroke=\"#e4e4e4\"/><text x=\"{x0 - 5}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{AxisTicks.Format(v, yTicks.Step)}</text>\n");
        foreach (double e in AxisTicks.NiceIntegers(eMin, eMax, 10))
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{X(e):0.#}\" y1=\"{y0 + h}\" x2=\"{X(e):0.#}\" y2=\"{y0 + h + 4}\" stroke=\"#888\"/><text x=\"{X(e):0.#}\" y=\"{y0 + h + 16}\" text-anchor=\"middle\">{e:0}</text>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + w / 2}\" y=\"{y0 + h + 33}\" text-anchor=\"middle\">epoch</text>\n");
        if (best is not null)
        {
            double bx = X(best.Epoch);
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{bx:0.#}\" y1=\"{y0}\" x2=\"{bx:0.#}\" y2=\"{y0 + h}\" stroke=\"{BestColor}\" stroke-dasharray=\"3,3\"/>\n");
        }
        foreach (var (train, val, trainColor, valColor) in series)
        {
            Line(sb, train, X, Y, trainColor, "");
            Line(sb, val, X, Y, valColor, " stroke-dasharray=\"5,3\"");
        }
        if (best is not null && float.IsFinite(bestValue))
            sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(best.Epoch):0.#}\" cy=\"{Y(bestValue):0.#}\" r=\"4\" fill=\"{BestColor}\"/>\n");
    }

    /// <summary>A curve; a NaN/∞ epoch breaks it (no line across it), and a lone point is drawn as a dot.</summary>
    private void Line(StringBuilder sb, Func<EpochRecord, float> f, Func<double, double> x, Func<double, double> y, string color, string extra)
    {
        var pts = new StringBuilder();
        int count = 0;
        void Flush()
        {
            if (count == 1)
            {
                string[] xy = pts.ToString().TrimEnd().Split(',');
                sb.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{xy[0]}\" cy=\"{xy[1]}\" r=\"2.5\" fill=\"{color}\"/>\n");
            }
            else if (count > 1)
                sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{extra} points=\"{pts.ToString().TrimEnd()}\"/>\n");
            pts.Clear();
            count = 0;
        }
        foreach (var e in _epochs)
        {
            float v = f(e);
            if (!float.IsFinite(v)) { Flush(); continue; }
            pts.Append(CultureInfo.InvariantCulture, $"{x(e.Epoch):0.#},{y(v):0.#} ");
            count++;
        }
        Flush();
    }

    private static string P(float v) => float.IsNaN(v) ? "" : (100 * v).ToString("0.00", CultureInfo.InvariantCulture);
    /// <summary>A CSV field, quoted when it holds a comma or a quote (names such as <c>smooth L1, beta 1</c>).</summary>
    private static string CsvField(string s) => s.Contains(',') || s.Contains('"') ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    private static string D(double v) => double.IsNaN(v) ? "" : v.ToString("0.######", CultureInfo.InvariantCulture);
    private static string F(float v) => float.IsNaN(v) ? "" : v.ToString("0.######", CultureInfo.InvariantCulture);
    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
