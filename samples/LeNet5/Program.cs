// Trains LeNet-5 on Fashion-MNIST, reports test accuracy, per-image inference latency and training throughput,
// and saves a safetensors checkpoint that PyTorch loads (tools/check_checkpoint.py), with its history plot, into an
// output folder (default out/ under the current directory, which .gitignore ignores at the repository root).
//
//   dotnet run -c Release --project samples/LeNet5 [-- --data DIR] [--epochs N] [--batch N] [--threads N]
//                                                  [--lr X] [--seed N] [--out DIR] [--subset]
//   dotnet run -c Release --project samples/LeNet5 -- --predict IMAGE.png|.pgm [--predict ...] [--checkpoint FILE]
//
// Data: --data DIR if given; else the full data set in /usr/share/datasets/fashion-mnist (Debian's
// dataset-fashion-mnist) when present; else the 10k/2k subset bundled in samples/data/fashion-mnist.
// --predict classifies 28×28 images (gray or colour PNG, PGM; light garment on black, as the training data) with the
// checkpoint of an earlier run (default OUT/lenet5.safetensors) and prints the class and the probabilities.
using System.Diagnostics;
using System.Globalization;
using StaticCnn;
using StaticCnn.Checkpoints;
using StaticCnn.Data;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;
using StaticCnn.Samples.LeNet5;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
Options o;
try { o = Options.Parse(args); }
catch (ArgumentException e) { Console.Error.WriteLine(e.Message); Console.Error.WriteLine(Options.Usage); return 2; }

if (o.Predict.Count > 0) return Predict(o);

string dataDir = o.Data ?? Options.DefaultDataDirectory(o.Subset);
InMemoryDataset train, test;
try
{
    train = Idx.LoadDataset(Path.Combine(dataDir, "train-images-idx3-ubyte.gz"), Path.Combine(dataDir, "train-labels-idx1-ubyte.gz"));
    test = Idx.LoadDataset(Path.Combine(dataDir, "t10k-images-idx3-ubyte.gz"), Path.Combine(dataDir, "t10k-labels-idx1-ubyte.gz"));
}
catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"Cannot read Fashion-MNIST from {dataDir}: {e.Message}");
    return 1;
}

Console.WriteLine(LeNet5.SummaryText);
Console.WriteLine($"data: {dataDir} ({train.Count:N0} train, {test.Count:N0} test images)");
Console.WriteLine($"training: {o.Epochs} epochs, batch {o.Batch}, SGD momentum 0.9 lr {o.LearningRate} with cosine decay, {o.Threads} thread(s)");

using var net = new LeNet5(maxBatch: o.Batch, seed: o.Seed);
var optimizer = new Sgd(o.LearningRate, momentum: 0.9f, weightDecay: 5e-4f, nesterov: true);
int stepsPerEpoch = (train.Count + o.Batch - 1) / o.Batch;
var history = Trainer.Fit(net, train, new TrainingOptions
{
    Epochs = o.Epochs,
    BatchSize = o.Batch,
    Seed = o.Seed,
    Optimizer = optimizer,
    Schedule = new CosineAnnealingLR(o.LearningRate, tMax: o.Epochs * stepsPerEpoch, perBatch: true),
    Validation = test,
    Threads = o.Threads,
});

var result = Trainer.Evaluate(net, test, batchSize: o.Batch);
Console.WriteLine($"test: loss {result.Loss:F4} ({result.LossName}), accuracy {result.Accuracy * 100:F2} %, top-{result.TopK} {result.TopKAccuracy * 100:F2} % ({result.Count:N0} images)");

// Throughput: seconds per training epoch from the history (forward + backward + optimizer, batch o.Batch).
double trainSeconds = history.Epochs.Sum(e => e.Seconds);
Console.WriteLine($"training throughput: {train.Count * (double)history.Epochs.Count / trainSeconds:N0} images/s (batch {o.Batch}, {o.Threads} thread(s), incl. validation)");

// Latency: one image at a time, one thread, median of many runs.
net.Threads = 1;
var input = new float[LeNet5.InputSize];
var logits = new float[LeNet5.OutputSize];
var times = new double[2000];
for (int i = 0; i < 200; i++) net.Forward(test.Image(i % test.Count), logits, 1);
for (int i = 0; i < times.Length; i++)
{
    test.Image(i % test.Count).CopyTo(input);
    long t0 = Stopwatch.GetTimestamp();
    net.Forward(input, logits, 1);
    times[i] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds;
}
Array.Sort(times);
Console.WriteLine($"inference latency (batch 1, 1 thread): median {times[times.Length / 2]:F1} µs, p90 {times[times.Length * 9 / 10]:F1} µs");

// Serving from another thread: an inference context with its own workspace; prepareWeights copies the weights and
// prepares them once in the layout the kernels read (as an ONNX Runtime session does). Bit for bit net.Forward.
using (var server = net.CreateInferenceContext(maxBatch: 1, threads: 1, prepareWeights: true))
{
    var served = new float[LeNet5.OutputSize];
    int same = 0, checkedImages = Math.Min(1000, test.Count);
    for (int i = 0; i < checkedImages; i++)
    {
        net.Forward(test.Image(i), logits, 1);
        server.Forward(test.Image(i), served, 1);
        if (logits.AsSpan().SequenceEqual(served)) same++;
    }
    Console.WriteLine($"inference context (prepared weights): {same} of {checkedImages} outputs bit-identical to net.Forward");
}

Directory.CreateDirectory(o.OutDir);
string checkpoint = Path.Combine(o.OutDir, "lenet5.safetensors");
Checkpoint.Save(net, checkpoint, new Dictionary<string, string>
{
    ["network"] = "LeNet5",
    ["test_accuracy"] = result.Accuracy.ToString("R", CultureInfo.InvariantCulture),
    ["epochs"] = o.Epochs.ToString(CultureInfo.InvariantCulture),
});
string svg = Path.Combine(o.OutDir, "lenet5.history.svg");
history.SaveSvg(svg, "LeNet-5 on Fashion-MNIST");

// The first 32 test images with their logits, so that PyTorch can check the checkpoint logit by logit:
//   /usr/bin/python3 tools/check_checkpoint.py out/lenet5.safetensors --predictions out/lenet5.predictions.safetensors
const int checkCount = 32;
var checkInput = test.Images.AsSpan(0, checkCount * LeNet5.InputSize).ToArray();
var checkLogits = new float[checkCount * LeNet5.OutputSize];
for (int i = 0; i < checkCount; i++)
    net.Forward(checkInput.AsSpan(i * LeNet5.InputSize, LeNet5.InputSize), checkLogits.AsSpan(i * LeNet5.OutputSize, LeNet5.OutputSize), 1);
string predictions = Path.Combine(o.OutDir, "lenet5.predictions.safetensors");
SafeTensorsFile.Write(predictions, new[]
{
    new SafeTensor("input", new[] { checkCount, 1, 28, 28 }, checkInput),
    new SafeTensor("logits", new[] { checkCount, LeNet5.OutputSize }, checkLogits),
}, new Dictionary<string, string> { ["made_by"] = "samples/LeNet5" });
// The first test image as a PGM, to try --predict on.
string pgm = Path.Combine(o.OutDir, "test-image-0.pgm");
byte[] pixels = new byte[LeNet5.InputSize];
for (int i = 0; i < pixels.Length; i++) pixels[i] = (byte)Math.Round(test.Images[i] * 255f);
File.WriteAllBytes(pgm, [.. System.Text.Encoding.ASCII.GetBytes("P5\n28 28\n255\n"), .. pixels]);

Console.WriteLine($"wrote into {Path.GetFullPath(o.OutDir)}:");
Console.WriteLine($"  {checkpoint}  (checkpoint; PyTorch: tools/check_checkpoint.py {checkpoint} --predictions {predictions})");
Console.WriteLine($"  {predictions}  (32 test images and their logits)");
Console.WriteLine($"  {svg}  (loss and accuracy per epoch)");
Console.WriteLine($"  {pgm}  (test image 0, label {FashionMnist.ClassNames[test.Labels[0]]}: try --predict {pgm})");
return 0;

static int Predict(Options o)
{
    string checkpoint = o.Checkpoint ?? Path.Combine(o.OutDir, "lenet5.safetensors");
    if (!File.Exists(checkpoint))
    {
        Console.Error.WriteLine($"No checkpoint at {checkpoint}: train first (dotnet run -c Release --project samples/LeNet5) or name one with --checkpoint FILE.");
        return 1;
    }
    using var net = new LeNet5(maxBatch: 1);
    try { Checkpoint.Load(net, checkpoint); }
    catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine($"Cannot load {checkpoint}: {e.Message}");
        return 1;
    }
    Console.WriteLine($"checkpoint: {checkpoint}");
    int status = 0;
    Span<float> probabilities = stackalloc float[LeNet5.OutputSize];
    foreach (string file in o.Predict)
    {
        float[] input;
        try { input = ImageFile.Load(file, net.InputShape); }
        catch (Exception e) when (e is InvalidDataException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine(e.Message);
            status = 1;
            continue;
        }
        int k = net.Predict(input, probabilities);
        Console.WriteLine($"{file}: {FashionMnist.ClassNames[k]} ({probabilities[k] * 100:F1} %)");
        for (int c = 0; c < probabilities.Length; c++)
            Console.WriteLine($"  {c} {FashionMnist.ClassNames[c],-12} {probabilities[c] * 100,6:F2} %");
    }
    return status;
}

/// <summary>Command-line options of the sample.</summary>
internal sealed record Options(string? Data, bool Subset, int Epochs, int Batch, int Threads, float LearningRate, ulong Seed, string OutDir,
    IReadOnlyList<string> Predict, string? Checkpoint)
{
    public const string Usage = "usage: LeNet5 [--data DIR] [--subset] [--epochs N] [--batch N] [--threads N] [--lr X] [--seed N] [--out DIR]\n"
        + "       LeNet5 --predict IMAGE [--predict IMAGE ...] [--checkpoint FILE | --out DIR]   (28×28 PNG or PGM)";

    public static Options Parse(string[] args)
    {
        var o = new Options(null, false, 0, 64, Environment.ProcessorCount, 0.05f, 1, "out", Array.Empty<string>(), null);
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Int(string name, int min) => int.TryParse(Next(), out int v) && v >= min ? v : throw new ArgumentException($"{name} needs a whole number ≥ {min}.");
            o = args[i] switch
            {
                "--data" => o with { Data = Next() },
                "--subset" => o with { Subset = true },
                "--epochs" => o with { Epochs = Int("--epochs", 1) },
                "--batch" => o with { Batch = Int("--batch", 1) },
                "--threads" => o with { Threads = Int("--threads", 1) },
                "--lr" => o with { LearningRate = float.TryParse(Next(), NumberStyles.Float, CultureInfo.InvariantCulture, out float lr) && lr > 0 ? lr : throw new ArgumentException("--lr needs a positive number.") },
                "--seed" => o with { Seed = ulong.TryParse(Next(), out ulong s) ? s : throw new ArgumentException("--seed needs a whole number.") },
                "--out" => o with { OutDir = Next() },
                "--predict" => o with { Predict = [.. o.Predict, Next()] },
                "--checkpoint" => o with { Checkpoint = Next() },
                "--help" or "-h" => throw new ArgumentException("Trains LeNet-5 on Fashion-MNIST."),
                _ => throw new ArgumentException($"Unknown option {args[i]}."),
            };
        }
        // Full data: 10 epochs reach ~90 %; the bundled 10k subset gets more epochs for a sensible accuracy in little time.
        if (o.Epochs == 0) o = o with { Epochs = (o.Data ?? DefaultDataDirectory(o.Subset)) == FullDataDirectory ? 10 : 12 };
        return o;
    }

    public const string FullDataDirectory = "/usr/share/datasets/fashion-mnist";

    public static string DefaultDataDirectory(bool subset) =>
        !subset && File.Exists(Path.Combine(FullDataDirectory, "train-images-idx3-ubyte.gz")) ? FullDataDirectory : Path.Combine(AppContext.BaseDirectory, "data", "fashion-mnist");
}

/// <summary>Fashion-MNIST's labels (https://github.com/zalandoresearch/fashion-mnist#labels).</summary>
internal static class FashionMnist
{
    public static readonly string[] ClassNames = { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" };
}
