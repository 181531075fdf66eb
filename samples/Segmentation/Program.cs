// Trains a small U-Net (ShapesUNet) on generated shapes (ShapesData): per-pixel cross-entropy that ignores the 1-pixel
// border ring of every shape, mean IoU per epoch on a validation set and at the end on a held-out test set, with the
// IoU of every class; writes the history plot and a picture of test predictions into an output folder (default out/).
//
//   dotnet run -c Release --project samples/Segmentation [-- --train N] [--test N] [--epochs N] [--batch N]
//                                                        [--lr X] [--threads N] [--seed N] [--out DIR]
using System.Diagnostics;
using System.Globalization;
using StaticCnn;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Samples.Segmentation;
using StaticCnn.Schedules;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); Console.Error.WriteLine(Options.Usage); return 2; }

var clock = Stopwatch.StartNew();
var train = ShapesData.Generate(o.Train, o.Seed);
var validation = ShapesData.Generate(o.Validation, o.Seed + 1000);
var test = ShapesData.Generate(o.Test, o.Seed + 2000);

Console.WriteLine(ShapesUNet.SummaryText);
Console.WriteLine($"data: generated shapes, {ShapesData.Size}×{ShapesData.Size}, classes {string.Join(", ", ShapesData.ClassNames.Select((n, i) => $"{i} {n}"))}, border ring = ignore index {ShapesData.IgnoreIndex}");
Console.WriteLine($"      {train.Count:N0} train, {validation.Count:N0} validation, {test.Count:N0} test images");
Console.WriteLine($"training: {o.Epochs} epochs, batch {o.Batch}, Adam lr {o.LearningRate} with cosine decay, {o.Threads} thread(s), seed {o.Seed}");

using var net = new ShapesUNet(maxBatch: o.Batch, seed: o.Seed);
string output = net.Outputs[0].Name;
var loss = new LossTerm(output, new CrossEntropyLoss { IgnoreIndex = ShapesData.IgnoreIndex }, ShapesData.LabelName);
var miou = new MetricTerm(output, new MeanIoU(ShapesData.Classes, ShapesData.IgnoreIndex), ShapesData.LabelName);
int stepsPerEpoch = (train.Count + o.Batch - 1) / o.Batch;
var history = Trainer.Fit(net, train, new TrainingOptions
{
    Epochs = o.Epochs,
    BatchSize = o.Batch,
    Seed = o.Seed,
    Optimizer = new Adam(o.LearningRate),
    Schedule = new CosineAnnealingLR(o.LearningRate, tMax: o.Epochs * stepsPerEpoch, perBatch: true),
    Losses = new[] { loss },
    Metrics = new[] { miou },
    ValidationData = validation,
    Threads = o.Threads,
    Progress = ProgressMode.Lines,
});
double trainSeconds = history.Epochs.Sum(e => e.Seconds);

var testMetric = new MeanIoU(ShapesData.Classes, ShapesData.IgnoreIndex);
var result = Trainer.Evaluate(net, test, new[] { loss }, new[] { new MetricTerm(output, testMetric, ShapesData.LabelName) }, batchSize: o.Batch);
long counted = 0, correct = 0;
for (int y = 0; y < ShapesData.Classes; y++)
    for (int p = 0; p < ShapesData.Classes; p++)
    {
        counted += testMetric.Confusion(y, p);
        if (y == p) correct += testMetric.Confusion(y, p);
    }
Console.WriteLine($"test: mIoU {result.Metric("mIoU"):F4}, CE {result.Loss:F4}, pixel accuracy {100.0 * correct / counted:F2} % ({result.Count:N0} images, {counted:N0} counted pixels, border rings ignored)");
for (int c = 0; c < ShapesData.Classes; c++)
    Console.WriteLine($"  IoU {c} {ShapesData.ClassNames[c],-10} {testMetric.ClassIoU(c):F4}");
Console.WriteLine($"time: {trainSeconds:F1} s training ({train.Count * (double)history.Epochs.Count / trainSeconds:N0} images/s incl. validation), {clock.Elapsed.TotalSeconds:F1} s in all");

Directory.CreateDirectory(o.OutDir);
string svg = Path.Combine(o.OutDir, "segmentation.history.svg");
history.SaveSvg(svg, "U-Net on generated shapes");
string ppm = Path.Combine(o.OutDir, "segmentation.examples.ppm");
Pictures.SaveExamples(net, test, count: 8, ppm);
Console.WriteLine($"wrote into {Path.GetFullPath(o.OutDir)}:");
Console.WriteLine($"  {svg}  (loss and mIoU per epoch)");
Console.WriteLine($"  {ppm}  (8 test images: image | labels | prediction; black background, red square, green disc, blue triangle, grey ignored)");
return 0;

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options(int Train, int Validation, int Test, int Epochs, int Batch, int Threads, float LearningRate, ulong Seed, string OutDir)
{
    public const string Usage = "usage: Segmentation [--train N] [--validation N] [--test N] [--epochs N] [--batch N] [--threads N] [--lr X] [--seed N] [--out DIR]";

    public static Options Parse(string[] args)
    {
        var o = new Options(1500, 200, 500, 8, 32, 1, 0.01f, 1, "out");
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(string name, int min) => int.TryParse(Next(), out int v) && v >= min ? v : throw new ArgumentException($"{name} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--train" => o with { Train = Int("--train", 1) },
                "--validation" => o with { Validation = Int("--validation", 1) },
                "--test" => o with { Test = Int("--test", 1) },
                "--epochs" => o with { Epochs = Int("--epochs", 1) },
                "--batch" => o with { Batch = Int("--batch", 1) },
                "--threads" => o with { Threads = Int("--threads", 1) },
                "--lr" => o with { LearningRate = float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) && lr > 0 ? lr : throw new ArgumentException("--lr needs a positive number.") },
                "--seed" => o with { Seed = ulong.TryParse(Next(), out ulong s) ? s : throw new ArgumentException("--seed needs a whole number.") },
                "--out" => o with { OutDir = Next() },
                "--help" or "-h" => throw new ArgumentException("Trains a small U-Net on generated shapes."),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o;
    }
}
