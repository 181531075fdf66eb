// Learns a same/different decision on pairs of Fashion-MNIST images with a siamese CNN (one set of weights applied to
// both images) and a contrastive loss on the distance of the two embeddings, as in signature verification. Reports
// pair accuracy and ROC AUC on held-out pairs of test images, with a small confusion summary, and saves a checkpoint
// and the history plot into an output folder (default out/).
//
//   dotnet run -c Release --project samples/Siamese [-- --epochs N] [--pairs N] [--batch N] [--lr X] [--margin X]
//                                                   [--seed N] [--threads N] [--data DIR] [--out DIR]
//
// Data: the 10k/2k Fashion-MNIST subset bundled in samples/data/fashion-mnist (or --data DIR with the same four files).
// Training pairs come from training images 0..8999, validation pairs (threshold choice, per-epoch metrics) from
// training images 9000..9999, test pairs from the test images: no image is in two of the sets.
using System.Diagnostics;
using System.Globalization;
using StaticCnn;
using StaticCnn.Checkpoints;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Samples.Siamese;
using StaticCnn.Schedules;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); Console.Error.WriteLine(Options.Usage); return 2; }

float[] trainImages, testImages;
int[] trainLabels, testLabels;
try
{
    trainImages = Idx.ReadImages(Path.Combine(o.Data, "train-images-idx3-ubyte.gz"), out _, out _, out _);
    trainLabels = Idx.ReadLabels(Path.Combine(o.Data, "train-labels-idx1-ubyte.gz"));
    testImages = Idx.ReadImages(Path.Combine(o.Data, "t10k-images-idx3-ubyte.gz"), out _, out _, out _);
    testLabels = Idx.ReadLabels(Path.Combine(o.Data, "t10k-labels-idx1-ubyte.gz"));
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot read Fashion-MNIST from {o.Data}: {e.Message}");
    return 1;
}

// Pairs: training images 0..N−1001 for training, the last 1000 for validation, the test images for the held-out test.
var shape = new TensorShape(1, 28, 28);
int validationImages = Math.Min(1000, trainLabels.Length / 10);
int trainImageCount = trainLabels.Length - validationImages;
SiamesePairs trainPairs = SiamesePairs.Make(trainLabels, o.Pairs, o.Seed, 0, trainImageCount);
SiamesePairs valPairs = SiamesePairs.Make(trainLabels, 2000, o.Seed + 1, trainImageCount, validationImages);
SiamesePairs testPairs = SiamesePairs.Make(testLabels, 4000, o.Seed + 2);
TensorDataset train = trainPairs.ToDataset(trainImages, shape);
TensorDataset val = valPairs.ToDataset(trainImages, shape);
TensorDataset test = testPairs.ToDataset(testImages, shape);

Console.WriteLine(SiameseCnn.SummaryText);
Console.WriteLine($"data: {o.Data}; pairs: {train.Count:N0} training (images 0..{trainImageCount - 1}), {val.Count:N0} validation (images {trainImageCount}..{trainLabels.Length - 1}), {test.Count:N0} test (test images); half of each are same-class pairs");
Console.WriteLine($"training: {o.Epochs} epochs, batch {o.Batch}, Adam lr {o.LearningRate} with cosine decay, contrastive loss margin {o.Margin}, {o.Threads} thread(s)");

using var net = new SiameseCnn(maxBatch: o.Batch, seed: o.Seed) { Threads = o.Threads };
LossTerm[] losses = [new LossTerm(nameof(SiameseCnn.Distance), new ContrastiveLoss(o.Margin), SiamesePairs.SameName)];
// Distance: lower means "same", so the AUC ranks negated distances; the fixed decision threshold is half the margin.
MetricTerm[] metrics =
[
    new MetricTerm(nameof(SiameseCnn.Distance), new PairAccuracy(o.Margin / 2), SiamesePairs.SameName),
    new MetricTerm(nameof(SiameseCnn.Distance), new RocAuc(higherMeansPositive: false), SiamesePairs.SameName),
];
int stepsPerEpoch = (train.Count + o.Batch - 1) / o.Batch;
var clock = Stopwatch.StartNew();
var history = Trainer.Fit(net, train, new TrainingOptions
{
    Epochs = o.Epochs,
    BatchSize = o.Batch,
    Seed = o.Seed,
    Optimizer = new Adam(o.LearningRate),
    Schedule = new CosineAnnealingLR(o.LearningRate, tMax: o.Epochs * stepsPerEpoch, perBatch: true),
    Losses = losses,
    Metrics = metrics,
    ValidationData = val,
    Monitor = "AUC",
    Threads = o.Threads,
});
double seconds = clock.Elapsed.TotalSeconds;

// Held-out test pairs: the metrics at margin/2, then at the threshold that is best on the validation pairs.
TensorEvaluationResult r = Trainer.Evaluate(net, test, losses, metrics, o.Batch);
float[] valDistances = PairScores.Distances(net, val, o.Batch);
float[] testDistances = PairScores.Distances(net, test, o.Batch);
var (threshold, valAccuracy) = PairScores.BestThreshold(valDistances, val.Floats(SiamesePairs.SameName));
var c = PairScores.Confusion(testDistances, testPairs.Same, threshold);
double testAccuracy = (double)(c.TrueSame + c.TrueDifferent) / test.Count;
Console.WriteLine($"trained {history.Epochs.Count} epochs in {seconds:F1} s ({2.0 * train.Count * history.Epochs.Count / seconds:N0} images/s incl. validation)");
Console.WriteLine($"test pairs: loss {r.Loss:F4}, ROC AUC {r.Metric("AUC"):F4}, pair accuracy {r.Metric("PairAcc") * 100:F2} % at threshold {o.Margin / 2:0.###} (margin/2)");
Console.WriteLine($"best threshold on the validation pairs: {threshold:F3} (validation accuracy {valAccuracy * 100:F2} %); test pair accuracy there {testAccuracy * 100:F2} %");
Console.WriteLine($"test confusion at {threshold:F3}:      called same  called different");
Console.WriteLine($"  same pairs      ({c.TrueSame + c.FalseDifferent,4})      {c.TrueSame,5}        {c.FalseDifferent,5}");
Console.WriteLine($"  different pairs ({c.FalseSame + c.TrueDifferent,4})      {c.FalseSame,5}        {c.TrueDifferent,5}");
// The class pairs most often taken for the same class.
var mistaken = Enumerable.Range(0, test.Count)
    .Where(k => testPairs.Same[k] == 0f && testDistances[k] < threshold)
    .GroupBy(k => (Math.Min(testPairs.LeftClass[k], testPairs.RightClass[k]), Math.Max(testPairs.LeftClass[k], testPairs.RightClass[k])))
    .Select(g => (Classes: g.Key, Count: g.Count(), Of: Enumerable.Range(0, test.Count).Count(k => testPairs.Same[k] == 0f
        && Math.Min(testPairs.LeftClass[k], testPairs.RightClass[k]) == g.Key.Item1 && Math.Max(testPairs.LeftClass[k], testPairs.RightClass[k]) == g.Key.Item2)))
    .OrderByDescending(m => m.Count).Take(3);
Console.WriteLine("  most often called same: " + string.Join(", ", mistaken.Select(m => $"{FashionMnist.ClassNames[m.Classes.Item1]}/{FashionMnist.ClassNames[m.Classes.Item2]} {m.Count} of {m.Of}")));

Directory.CreateDirectory(o.OutDir);
string checkpoint = Path.Combine(o.OutDir, "siamese.safetensors");
Checkpoint.Save(net, checkpoint, new Dictionary<string, string>
{
    ["network"] = "SiameseCnn",
    ["test_auc"] = r.Metric("AUC").ToString("R", CultureInfo.InvariantCulture),
    ["threshold"] = threshold.ToString("R", CultureInfo.InvariantCulture),
});
string svg = Path.Combine(o.OutDir, "siamese.history.svg");
history.SaveSvg(svg, "Siamese CNN on Fashion-MNIST pairs");
// The first 32 test pairs with their distances, so that PyTorch can check the checkpoint pair by pair:
//   /usr/bin/python3 samples/Siamese/check_pytorch.py out/siamese.safetensors out/siamese.pairs.safetensors
const int checkCount = 32;
string pairsFile = Path.Combine(o.OutDir, "siamese.pairs.safetensors");
SafeTensorsFile.Write(pairsFile, new[]
{
    new SafeTensor("left", new[] { checkCount, 1, 28, 28 }, test.Floats(SiamesePairs.LeftName).AsSpan(0, checkCount * SiameseCnn.LeftSize).ToArray()),
    new SafeTensor("right", new[] { checkCount, 1, 28, 28 }, test.Floats(SiamesePairs.RightName).AsSpan(0, checkCount * SiameseCnn.RightSize).ToArray()),
    new SafeTensor("distance", new[] { checkCount }, testDistances.AsSpan(0, checkCount).ToArray()),
    new SafeTensor("same", new[] { checkCount }, testPairs.Same.AsSpan(0, checkCount).ToArray()),
}, new Dictionary<string, string> { ["made_by"] = "samples/Siamese" });
Console.WriteLine($"wrote into {Path.GetFullPath(o.OutDir)}:");
Console.WriteLine($"  {checkpoint}  (checkpoint: one branch's tensors, state_dict names)");
Console.WriteLine($"  {pairsFile}  (32 test pairs and their distances; PyTorch: samples/Siamese/check_pytorch.py {checkpoint} {pairsFile})");
Console.WriteLine($"  {svg}  (loss, pair accuracy and AUC per epoch)");
return 0;

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options(string Data, int Epochs, int Pairs, int Batch, int Threads, float LearningRate, float Margin, ulong Seed, string OutDir)
{
    public const string Usage = "usage: Siamese [--epochs N] [--pairs N] [--batch N] [--lr X] [--margin X] [--seed N] [--threads N] [--data DIR] [--out DIR]";

    public static Options Parse(string[] args)
    {
        var o = new Options(Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist"), 8, 16000, 64, 1, 2e-3f, 1f, 1, "out");
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(string name, int min) => int.TryParse(Next(), out int v) && v >= min ? v : throw new ArgumentException($"{name} needs a whole number ≥ {min}.");
            float Positive(string name) => float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && v > 0 && float.IsFinite(v) ? v : throw new ArgumentException($"{name} needs a positive number.");
            o = args[i] switch
            {
                "--data" => o with { Data = Next() },
                "--epochs" => o with { Epochs = Int("--epochs", 1) },
                "--pairs" => o with { Pairs = Int("--pairs", 2) },
                "--batch" => o with { Batch = Int("--batch", 1) },
                "--threads" => o with { Threads = Int("--threads", 1) },
                "--lr" => o with { LearningRate = Positive("--lr") },
                "--margin" => o with { Margin = Positive("--margin") },
                "--seed" => o with { Seed = ulong.TryParse(Next(), out ulong s) ? s : throw new ArgumentException("--seed needs a whole number.") },
                "--out" => o with { OutDir = Next() },
                "--help" or "-h" => throw new ArgumentException("Trains a siamese CNN on Fashion-MNIST pairs."),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        return o;
    }
}

/// <summary>Fashion-MNIST's labels (https://github.com/zalandoresearch/fashion-mnist#labels).</summary>
internal static class FashionMnist
{
    public static readonly string[] ClassNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
}
