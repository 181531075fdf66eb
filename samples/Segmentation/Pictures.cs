using StaticCnn.Data;

namespace StaticCnn.Samples.Segmentation;

/// <summary>Writes test images beside their labels and the network's predictions as one binary PPM picture.</summary>
internal static class Pictures
{
    private const int Zoom = 4;
    private static readonly byte[][] Colours = { new byte[] { 0, 0, 0 }, new byte[] { 230, 60, 60 }, new byte[] { 60, 200, 80 }, new byte[] { 70, 110, 240 } };
    private static readonly byte[] Ignored = { 128, 128, 128 };

    /// <summary>
    /// The first <paramref name="count"/> samples of <paramref name="data"/>, one row each: the image, its labels and
    /// the argmax of <paramref name="net"/>'s logits, each zoomed 4×.
    /// </summary>
    public static void SaveExamples(ShapesUNet net, TensorDataset data, int count, string path)
    {
        count = Math.Min(count, data.Count);
        const int s = ShapesData.Size, tile = s * Zoom, gap = 4;
        int width = 3 * tile + 2 * gap, height = count * tile + (count - 1) * gap;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        var logits = new float[ShapesUNet.OutputSize];
        var prediction = new int[ShapesData.Pixels];
        float[] images = data.Floats(ShapesData.InputName);
        int[] labels = data.Ints(ShapesData.LabelName);
        for (int i = 0; i < count; i++)
        {
            var image = images.AsSpan(i * ShapesData.Pixels, ShapesData.Pixels);
            net.Forward(image, logits, 1);
            for (int p = 0; p < ShapesData.Pixels; p++)
            {
                int best = 0;
                for (int c = 1; c < ShapesData.Classes; c++)
                    if (logits[c * ShapesData.Pixels + p] > logits[best * ShapesData.Pixels + p]) best = c;
                prediction[p] = best;
            }
            for (int y = 0; y < s; y++)
                for (int x = 0; x < s; x++)
                {
                    int p = y * s + x, label = labels[i * ShapesData.Pixels + p];
                    byte grey = (byte)Math.Clamp((int)MathF.Round(image[p] * 255f), 0, 255);
                    Fill(rgb, width, i * (tile + gap) + y * Zoom, x * Zoom, new[] { grey, grey, grey });
                    Fill(rgb, width, i * (tile + gap) + y * Zoom, tile + gap + x * Zoom, label == ShapesData.IgnoreIndex ? Ignored : Colours[label]);
                    Fill(rgb, width, i * (tile + gap) + y * Zoom, 2 * (tile + gap) + x * Zoom, Colours[prediction[p]]);
                }
        }
        using var file = File.Create(path);
        file.Write(System.Text.Encoding.ASCII.GetBytes($"P6\n{width} {height}\n255\n"));
        file.Write(rgb);
    }

    private static void Fill(byte[] rgb, int width, int top, int left, byte[] colour)
    {
        for (int dy = 0; dy < Zoom; dy++)
            for (int dx = 0; dx < Zoom; dx++)
                colour.CopyTo(rgb, ((top + dy) * width + left + dx) * 3);
    }
}
