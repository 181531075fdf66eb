using StaticCnn.Data;

namespace StaticCnn.Samples.Localization;

/// <summary>
/// Generated single-object images: 1×32×32, a noisy background with a few faint line segments of clutter, and one
/// filled shape (square, circle, triangle or cross) of side 8–20 pixels at a random position. Targets: the class, and
/// the tight box around the shape's pixels as normalised corners (x1, y1, x2, y2) = (left, top, right + 1,
/// bottom + 1) / 32, in [0, 1] (<see cref="StaticCnn.Training.BoxFormat.Corners"/>). Sample i has class i mod 4, so
/// the classes are balanced exactly. Deterministic for a seed.
/// </summary>
public static class ShapeData
{
    /// <summary>Number of classes.</summary>
    public const int Classes = 4;
    /// <summary>Image side in pixels.</summary>
    public const int Size = 32;
    /// <summary>Smallest and largest shape side in pixels.</summary>
    public const int MinSide = 8, MaxSide = 20;
    /// <summary>The class names, by label.</summary>
    public static readonly string[] ClassNames = { "square", "circle", "triangle", "cross" };

    /// <summary>A generated set: images (count × 32 × 32), labels, boxes (count × 4) and which pixels are the object.</summary>
    public sealed record Set(int Count, float[] Images, int[] Labels, float[] Boxes, bool[] ObjectPixels)
    {
        /// <summary>The set as named tensors: <c>Image</c> (1×32×32), <c>label</c> (int), <c>box</c> (4 floats).</summary>
        public TensorDataset ToTensorDataset() => new TensorDataset(Count)
            .Add("Image", Images, new TensorShape(1, Size, Size))
            .Add("label", Labels)
            .Add("box", Boxes, new TensorShape(4));
    }

    /// <summary>Generates <paramref name="count"/> samples from <paramref name="seed"/>.</summary>
    public static Set Generate(int count, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        const int pixels = Size * Size;
        var images = new float[count * pixels];
        var labels = new int[count];
        var boxes = new float[count * 4];
        var objects = new bool[count * pixels];
        var rng = new SeededRandom(seed);
        for (int i = 0; i < count; i++)
        {
            int label = i % Classes;
            labels[i] = label;
            Span<float> image = images.AsSpan(i * pixels, pixels);
            Span<bool> mask = objects.AsSpan(i * pixels, pixels);

            // Background level and clutter: 3 faint 1-pixel line segments (horizontal, vertical or diagonal).
            float background = 0.2f * rng.NextFloat();
            image.Fill(background);
            for (int k = 0; k < 3; k++)
            {
                int x = rng.NextInt(Size), y = rng.NextInt(Size), length = 4 + rng.NextInt(9);
                int dir = rng.NextInt(4);
                (int dx, int dy) = dir switch { 0 => (1, 0), 1 => (0, 1), 2 => (1, 1), _ => (1, -1) };
                float level = 0.3f + 0.3f * rng.NextFloat();
                for (int s = 0; s < length; s++, x += dx, y += dy)
                    if ((uint)x < Size && (uint)y < Size) image[y * Size + x] = level;
            }

            // The object: its side, its top-left corner, its brightness.
            int side = MinSide + rng.NextInt(MaxSide - MinSide + 1);
            int x0 = rng.NextInt(Size - side + 1), y0 = rng.NextInt(Size - side + 1);
            float bright = 0.65f + 0.35f * rng.NextFloat();
            Draw(label, x0, y0, side, mask);
            int left = Size, top = Size, right = -1, bottom = -1;
            for (int y = 0; y < Size; y++)
                for (int x = 0; x < Size; x++)
                {
                    if (!mask[y * Size + x]) continue;
                    image[y * Size + x] = bright;
                    left = Math.Min(left, x); right = Math.Max(right, x);
                    top = Math.Min(top, y); bottom = Math.Max(bottom, y);
                }
            boxes[4 * i] = left / (float)Size;
            boxes[4 * i + 1] = top / (float)Size;
            boxes[4 * i + 2] = (right + 1) / (float)Size;
            boxes[4 * i + 3] = (bottom + 1) / (float)Size;

            // Pixel noise everywhere, N(0, 0.1²).
            for (int p = 0; p < pixels; p++) image[p] += (float)(0.1 * rng.NextGaussian());
        }
        return new Set(count, images, labels, boxes, objects);
    }

    /// <summary>
    /// Marks the pixels of shape <paramref name="label"/> whose side-<paramref name="side"/> square starts at
    /// (<paramref name="x0"/>, <paramref name="y0"/>); a pixel belongs to it when its centre does.
    /// </summary>
    public static void Draw(int label, int x0, int y0, int side, Span<bool> mask)
    {
        double cx = x0 + side / 2.0, cy = y0 + side / 2.0, r = side / 2.0, arm = Math.Max(2, side / 3) / 2.0;
        for (int y = y0; y < y0 + side; y++)
            for (int x = x0; x < x0 + side; x++)
            {
                double px = x + 0.5 - cx, py = y + 0.5 - cy;
                bool inside = label switch
                {
                    0 => true,                                                        // square
                    1 => px * px + py * py <= r * r,                                  // circle
                    2 => Math.Abs(px) <= (y + 0.5 - y0) / side * r,                   // triangle, apex up
                    _ => Math.Abs(px) <= arm || Math.Abs(py) <= arm,                  // cross
                };
                if (inside) mask[y * Size + x] = true;
            }
    }
}
