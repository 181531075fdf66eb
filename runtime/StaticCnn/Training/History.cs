using System.Globalization;
using System.Text;

namespace StaticCnn.Training;

/// <summary>One epoch's figures. Validation values are NaN without validation data.</summary>
public sealed record EpochRecord(int Epoch, float TrainLoss, float TrainAccuracy, float ValidationLoss, float ValidationAccuracy,
    float ValidationTopK, float LearningRate, double Seconds, double ImagesPerSecond);

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

    internal void Add(EpochRecord r) => _epochs.Add(r);

    /// <summary>The history as CSV with a header line.</summary>
    public string ToCsv()
    {
        var sb = new StringBuilder("epoch,train_loss,train_accuracy,val_loss,val_accuracy,val_topk,lr,seconds,images_per_second\n");
        foreach (var e in _epochs)
            sb.AppendLine(string.Join(",", new[] { e.Epoch.ToString(CultureInfo.InvariantCulture), F(e.TrainLoss), F(e.TrainAccuracy), F(e.ValidationLoss),
                F(e.ValidationAccuracy), F(e.ValidationTopK), F(e.LearningRate), e.Seconds.ToString("0.###", CultureInfo.InvariantCulture),
                e.ImagesPerSecond.ToString("0", CultureInfo.InvariantCulture) }));
        return sb.ToString();
    }

    /// <summary>Loss (left) and accuracy (right) curves, train solid and validation dashed, as a standalone SVG document.</summary>
    public string ToSvg(string title = "Training history")
    {
        const int W = 840, H = 340, panelW = 380, top = 40, plotH = 250, left1 = 50, left2 = 480;
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{W}\" height=\"{H}\" viewBox=\"0 0 {W} {H}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        sb.Append(CultureInfo.InvariantCulture, $"<rect width=\"{W}\" height=\"{H}\" fill=\"white\"/>\n<text x=\"{W / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"14\">{Escape(title)}</text>\n");
        Panel(sb, "loss", left1, top, panelW, plotH, e => e.TrainLoss, e => e.ValidationLoss, fromZero: false);
        Panel(sb, "accuracy", left2, top, panelW, plotH, e => e.TrainAccuracy, e => e.ValidationAccuracy, fromZero: false);
        sb.Append(CultureInfo.InvariantCulture, $"<g transform=\"translate({left1},{H - 20})\"><line x1=\"0\" y1=\"-4\" x2=\"24\" y2=\"-4\" stroke=\"#1f77b4\" stroke-width=\"2\"/><text x=\"30\" y=\"0\">train</text>");
        sb.Append("<line x1=\"80\" y1=\"-4\" x2=\"104\" y2=\"-4\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"5,3\"/><text x=\"110\" y=\"0\">validation</text></g>\n");
        sb.Append("</svg>\n");
        return sb.ToString();
    }

    /// <summary>An HTML page with the SVG and the table of epochs.</summary>
    public string ToHtml(string title = "Training history")
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>").Append(Escape(title)).Append("</title>");
        sb.Append("<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}</style></head><body>\n");
        sb.Append(ToSvg(title));
        sb.Append("<table><tr><th>epoch</th><th>train loss</th><th>train acc</th><th>val loss</th><th>val acc</th><th>val top-k</th><th>lr</th><th>s</th><th>img/s</th></tr>\n");
        foreach (var e in _epochs)
            sb.Append(CultureInfo.InvariantCulture, $"<tr><td>{e.Epoch}</td><td>{F(e.TrainLoss)}</td><td>{F(e.TrainAccuracy)}</td><td>{F(e.ValidationLoss)}</td><td>{F(e.ValidationAccuracy)}</td><td>{F(e.ValidationTopK)}</td><td>{F(e.LearningRate)}</td><td>{e.Seconds:0.##}</td><td>{e.ImagesPerSecond:0}</td></tr>\n");
        sb.Append("</table></body></html>\n");
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToSvg"/> to a file.</summary>
    public void SaveSvg(string path, string title = "Training history") => File.WriteAllText(path, ToSvg(title));
    /// <summary>Writes <see cref="ToHtml"/> to a file.</summary>
    public void SaveHtml(string path, string title = "Training history") => File.WriteAllText(path, ToHtml(title));

    private void Panel(StringBuilder sb, string label, int x0, int y0, int w, int h, Func<EpochRecord, float> train, Func<EpochRecord, float> val, bool fromZero)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var e in _epochs)
            foreach (float v in new[] { train(e), val(e) })
                if (float.IsFinite(v)) { lo = Math.Min(lo, v); hi = Math.Max(hi, v); }
        if (double.IsInfinity(lo)) { lo = 0; hi = 1; }
        if (fromZero) lo = Math.Min(lo, 0);
        if (hi - lo < 1e-9) { hi += 0.5; lo -= 0.5; }
        double pad = (hi - lo) * 0.05;
        lo -= pad; hi += pad;
        int n = Math.Max(2, _epochs.Count);
        double X(int i) => x0 + (double)w * i / (n - 1);
        double Y(double v) => y0 + h - h * (v - lo) / (hi - lo);
        sb.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x0}\" y=\"{y0}\" width=\"{w}\" height=\"{h}\" fill=\"none\" stroke=\"#888\"/>\n");
        sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{x0 + w / 2}\" y=\"{y0 - 6}\" text-anchor=\"middle\">{label}</text>\n");
        for (int k = 0; k <= 4; k++)
        {
            double v = lo + (hi - lo) * k / 4;
            sb.Append(CultureInfo.InvariantCulture, $"<line x1=\"{x0}\" y1=\"{Y(v):0.#}\" x2=\"{x0 + w}\" y2=\"{Y(v):0.#}\" stroke=\"#eee\"/><text x=\"{x0 - 4}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.###}</text>\n");
        }
        for (int i = 0; i < _epochs.Count; i++)
            sb.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(i):0.#}\" y=\"{y0 + h + 14}\" text-anchor=\"middle\">{_epochs[i].Epoch}</text>\n");
        Line(sb, train, X, Y, "#1f77b4", "");
        Line(sb, val, X, Y, "#d62728", " stroke-dasharray=\"5,3\"");
    }

    private void Line(StringBuilder sb, Func<EpochRecord, float> f, Func<int, double> x, Func<double, double> y, string color, string extra)
    {
        var pts = new StringBuilder();
        for (int i = 0; i < _epochs.Count; i++)
        {
            float v = f(_epochs[i]);
            if (!float.IsFinite(v)) continue;
            pts.Append(CultureInfo.InvariantCulture, $"{x(i):0.#},{y(v):0.#} ");
        }
        if (pts.Length == 0) return;
        sb.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"{extra} points=\"{pts.ToString().TrimEnd()}\"/>\n");
    }

    private static string F(float v) => float.IsNaN(v) ? "" : v.ToString("0.######", CultureInfo.InvariantCulture);
    private static string Escape(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
