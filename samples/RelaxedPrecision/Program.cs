// Precision.Relaxed on a real task: the same VGG-style network (FashionVgg.cs) trained on Fashion-MNIST at both
// precisions from the same seed and data order, then each checkpoint evaluated under both arithmetics: test accuracy,
// how often the two arithmetics agree on the class, the largest logit difference, and batch-1 inference latency.
//
//   dotnet run -c Release --project samples/RelaxedPrecision [-- --data DIR] [--subset] [--epochs N] [--batch N]
//                                                            [--threads N] [--lr X] [--seed N] [--train N]
//
// Data: --data DIR if given; else the full data set in /usr/share/datasets/fashion-mnist when present; else the
// 10k/2k subset bundled in samples/data/fashion-mnist. --train N uses the first N training images only.
using System.Diagnostics;
using System.Globalization;
using StaticCnn;
using StaticCnn.Checkpoints;
using StaticCnn.Data;
using StaticCnn.Kernels;
using StaticCnn.Samples.RelaxedPrecision;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); Console.Error.WriteLine(Options.Usage); return 2; }

InMemoryDataset train, test;
try
{
    train = Idx.LoadDataset(Path.Combine(o.DataDir, "train-images-idx3-ubyte.gz"), Path.Combine(o.DataDir, "train-labels-idx1-ubyte.gz"));
    test = Idx.LoadDataset(Path.Combine(o.DataDir, "t10k-images-idx3-ubyte.gz"), Path.Combine(o.DataDir, "t10k-labels-idx1-ubyte.gz"));
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot read Fashion-MNIST from {o.DataDir}: {e.Message}");
    return 1;
}
if (o.Train > 0 && o.Train < train.Count) train = train.Slice(0, o.Train);

Console.WriteLine(FashionVggRelaxed.SummaryText);
using var standard = new FashionVgg(maxBatch: o.Batch, seed: o.Seed);
using var relaxed = new FashionVggRelaxed(maxBatch: o.Batch, seed: o.Seed);
Console.WriteLine("convolution algorithms, Precision.Standard:");
Console.WriteLine(Indent(KernelPlan.Describe(standard)));
Console.WriteLine("convolution algorithms, Precision.Relaxed:");
Console.WriteLine(Indent(KernelPlan.Describe(relaxed)));
Console.WriteLine($"data: {o.DataDir} ({train.Count:N0} train, {test.Count:N0} test images); {o.Epochs} epochs, batch {o.Batch}, {o.Threads} thread(s)");

var report = RelaxedPrecisionRun.Run(standard, relaxed, train, test, o.Epochs, o.Batch, o.Threads, o.LearningRate, o.Seed, Console.WriteLine);

Console.WriteLine();
Console.WriteLine("| trained at | evaluated at | test accuracy | agrees with the standard evaluation |");
Console.WriteLine("|---|---|---|---|");
foreach (var row in report.Rows)
    Console.WriteLine($"| {row.TrainedAt} | {row.EvaluatedAt} | {row.Accuracy * 100:F2} % | {row.Agreement * 100:F2} % of {test.Count:N0} images, max |Δlogit| {row.MaxLogitDifference:E2} |");
Console.WriteLine($"training time: {report.StandardTrainingSeconds:F1} s standard, {report.RelaxedTrainingSeconds:F1} s relaxed");
Console.WriteLine($"inference latency (batch 1, 1 thread, median): {report.StandardLatencyMicroseconds:F1} µs standard, {report.RelaxedLatencyMicroseconds:F1} µs relaxed ({report.StandardLatencyMicroseconds / report.RelaxedLatencyMicroseconds:F2}×)");
return 0;

static string Indent(string lines) => string.Join(Environment.NewLine, lines.Split(Environment.NewLine).Select(l => "  " + l));

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options(string DataDir, int Epochs, int Batch, int Threads, float LearningRate, ulong Seed, int Train)
{
    public const string Usage = "usage: RelaxedPrecision [--data DIR] [--subset] [--epochs N] [--batch N] [--threads N] [--lr X] [--seed N] [--train N]";
    public const string FullDataDirectory = "/usr/share/datasets/fashion-mnist";

    public static Options Parse(string[] args)
    {
        string? data = null;
        bool subset = false;
        var o = new Options("", 3, 64, Environment.ProcessorCount, 0.05f, 1, 0);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(string name, int min) => int.TryParse(Next(), out int v) && v >= min ? v : throw new ArgumentException($"{name} needs a whole number ≥ {min}.");
            switch (args[i])
            {
                case "--data": data = Next(); break;
                case "--subset": subset = true; break;
                case "--epochs": o = o with { Epochs = Int("--epochs", 1) }; break;
                case "--batch": o = o with { Batch = Int("--batch", 1) }; break;
                case "--threads": o = o with { Threads = Int("--threads", 1) }; break;
                case "--lr": o = o with { LearningRate = float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) && lr > 0 ? lr : throw new ArgumentException("--lr needs a positive number.") }; break;
                case "--seed": o = o with { Seed = ulong.TryParse(Next(), out ulong s) ? s : throw new ArgumentException("--seed needs a whole number.") }; break;
                case "--train": o = o with { Train = Int("--train", 1) }; break;
                case "--help" or "-h": throw new ArgumentException("Trains one network at Precision.Standard and Precision.Relaxed on Fashion-MNIST and compares them.");
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        string dir = data ?? (!subset && File.Exists(Path.Combine(FullDataDirectory, "train-images-idx3-ubyte.gz"))
            ? FullDataDirectory : Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist"));
        return o with { DataDir = dir };
    }
}
