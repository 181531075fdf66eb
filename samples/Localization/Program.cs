// Single-object classification and localization on generated shapes (ShapeData.cs) with a two-output network
// (ShapeLocalizer.cs): cross-entropy on the class logits + 2 × smooth L1 on the box, trained by Trainer.Fit on a
// TensorDataset; reports class accuracy and mean box IoU per epoch and on a held-out generated set, and writes the
// history (CSV, SVG) and a picture of test predictions into out/.
//
//   dotnet run -c Release --project samples/Localization [-- --train N] [--test N] [--epochs N] [--batch N]
//                                                          [--lr X] [--beta X] [--threads N] [--seed N] [--out DIR]
using System.Diagnostics;
using System.Globalization;
using StaticCnn.Samples.Localization;
using StaticCnn.Training;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
int trainCount = 6000, testCount = 1000, epochs = 15, batch = 32, threads = 1;
float lr = 2e-3f, beta = LocalizationTraining.Beta;
ulong seed = 1;
string outDir = "out";
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
    switch (args[i])
    {
        case "--train": trainCount = int.Parse(Next()); break;
        case "--test": testCount = int.Parse(Next()); break;
        case "--epochs": epochs = int.Parse(Next()); break;
        case "--batch": batch = int.Parse(Next()); break;
        case "--lr": lr = float.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--beta": beta = float.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--threads": threads = int.Parse(Next()); break;
        case "--seed": seed = ulong.Parse(Next()); break;
        case "--out": outDir = Next(); break;
        default:
            Console.Error.WriteLine($"Unknown option {args[i]}. Options: --train N --test N --epochs N --batch N --lr X --beta X --threads N --seed N --out DIR");
            return 2;
    }
}

Console.WriteLine(ShapeLocalizer.SummaryText);
var train = ShapeData.Generate(trainCount, seed).ToTensorDataset();
var test = ShapeData.Generate(testCount, seed + 1000);
Console.WriteLine($"data: {trainCount:N0} training and {testCount:N0} held-out generated images, 1×32×32, classes {string.Join(", ", ShapeData.ClassNames)}");
Console.WriteLine($"training: {epochs} epochs, batch {batch}, CE + 2 × smooth L1 (beta {beta}), Adam lr {lr} with cosine decay, {threads} thread(s)");

using var net = new ShapeLocalizer(maxBatch: batch, seed: seed);
var clock = Stopwatch.StartNew();
var history = LocalizationTraining.Fit(net, train, test.ToTensorDataset(), epochs, batch, lr, seed, threads, beta);
double seconds = clock.Elapsed.TotalSeconds;

var result = Trainer.Evaluate(net, test.ToTensorDataset(), LocalizationTraining.Losses(beta), LocalizationTraining.Metrics(), batch);
Console.WriteLine($"held-out ({result.Count:N0} images): class accuracy {result.Metric("acc") * 100:F1} %, mean box IoU {result.Metric("BoxIoU"):F3}, "
    + $"loss {result.Loss:F4} (CE {result.Losses[0].Value:F4}, smooth L1 {result.Losses[1].Value:F5}); trained in {seconds:F1} s");

Directory.CreateDirectory(outDir);
string csv = Path.Combine(outDir, "localization.history.csv"), svg = Path.Combine(outDir, "localization.history.svg");
File.WriteAllText(csv, history.ToCsv());
history.SaveSvg(svg, "Shape localization");
string pgm = Path.Combine(outDir, "localization.predictions.pgm");
LocalizationTraining.WritePredictions(net, test, 16, pgm);
Console.WriteLine($"wrote {csv}, {svg} and {pgm} (16 held-out images: target box grey, predicted box white)");
return 0;
