using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;
using StaticCnn.Training;

namespace StaticCnn.Samples.Localization;

/// <summary>The sample's objective, metrics and training recipe (shared by Program.cs and the sample's test).</summary>
public static class LocalizationTraining
{
    /// <summary>The default smooth-L1 beta, one pixel (1/32): box errors below a pixel are squared, larger ones linear.</summary>
    public const float Beta = 1f / ShapeData.Size;

    /// <summary>CE on the logits against <c>label</c> + 2 × smooth L1 (<paramref name="beta"/>) on the box against <c>box</c>.
    /// PyTorch: <c>F.cross_entropy(logits, y) + 2 * F.smooth_l1_loss(box, box_target, beta=beta)</c>.</summary>
    public static LossTerm[] Losses(float beta = Beta) => new LossTerm[]
    {
        new("Logits", new CrossEntropyLoss(), "label"),
        new("Box", new SmoothL1Loss(beta), "box", Weight: 2f),
    };

    /// <summary>Fresh metrics: class accuracy (<c>acc</c>) and mean box IoU (<c>BoxIoU</c>, corners).</summary>
    public static MetricTerm[] Metrics() => new MetricTerm[]
    {
        new("Logits", new Accuracy(), "label"),
        new("Box", new BoxIoU(BoxFormat.Corners), "box"),
    };

    /// <summary>Adam with a per-batch cosine decay from <paramref name="lr"/>, <paramref name="epochs"/> epochs.</summary>
    public static TrainingHistory Fit(ShapeLocalizer net, TensorDataset train, TensorDataset? validation, int epochs, int batch, float lr,
        ulong seed, int threads = 1, float beta = Beta, ProgressMode progress = ProgressMode.Auto)
    {
        int steps = epochs * ((train.Count + batch - 1) / batch);
        return Trainer.Fit(net, train, new TrainingOptions
        {
            Epochs = epochs,
            BatchSize = batch,
            Seed = seed,
            Optimizer = new Adam(lr),
            Schedule = new CosineAnnealingLR(lr, tMax: steps, perBatch: true),
            Losses = Losses(beta),
            Metrics = Metrics(),
            ValidationData = validation,
            Monitor = "BoxIoU",
            Threads = threads,
            Progress = progress,
        });
    }

    /// <summary>
    /// Writes the first <paramref name="count"/> images of <paramref name="set"/> side by side as a binary PGM, each with
    /// its target box (grey) and the predicted box (white) drawn on it, scaled ×4.
    /// </summary>
    public static void WritePredictions(ShapeLocalizer net, ShapeData.Set set, int count, string path)
    {
        const int n = ShapeData.Size, scale = 4, cell = n * scale + 4;
        count = Math.Min(count, set.Count);
        int width = cell * count, height = cell;
        var pixels = new byte[width * height];
        var logits = new float[ShapeLocalizer.LogitsSize];
        var box = new float[ShapeLocalizer.BoxSize];
        for (int i = 0; i < count; i++)
        {
            ReadOnlyMemory<float> image = set.Images.AsMemory(i * n * n, n * n);
            net.Forward(image.Span, logits, box, 1);
            int ox = i * cell + 2;
            for (int y = 0; y < n * scale; y++)
                for (int x = 0; x < n * scale; x++)
                    pixels[(y + 2) * width + ox + x] = (byte)Math.Clamp(image.Span[y / scale * n + x / scale] * 200f, 0f, 200f);
            Rectangle(set.Boxes.AsSpan(4 * i, 4), 128);
            Rectangle(box, 255);

            void Rectangle(ReadOnlySpan<float> b, byte value)
            {
                int Px(float v) => Math.Clamp((int)MathF.Round(v * n * scale), 0, n * scale - 1);
                int x1 = Px(b[0]), y1 = Px(b[1]), x2 = Px(b[2]), y2 = Px(b[3]);
                for (int x = Math.Min(x1, x2); x <= Math.Max(x1, x2); x++) { pixels[(y1 + 2) * width + ox + x] = value; pixels[(y2 + 2) * width + ox + x] = value; }
                for (int y = Math.Min(y1, y2); y <= Math.Max(y1, y2); y++) { pixels[(y + 2) * width + ox + x1] = value; pixels[(y + 2) * width + ox + x2] = value; }
            }
        }
        File.WriteAllBytes(path, [.. System.Text.Encoding.ASCII.GetBytes($"P5\n{width} {height}\n255\n"), .. pixels]);
    }
}
