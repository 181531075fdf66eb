using StaticCnn.Data;

namespace StaticCnn.Samples.Segmentation;

/// <summary>
/// A generated segmentation data set: 1×32×32 grey images on a random background level with Gaussian noise, holding
/// one to three non-touching shapes (square, disc, upright triangle) of random size and brightness; the label of a
/// pixel is the class of the shape covering it (0 = background), and a 1-pixel ring at every shape's edge (the shape's
/// pixels with a 4-neighbour outside the shape) is labelled <see cref="IgnoreIndex"/>: "don't care", as the boundary
/// pixels of PASCAL VOC. Deterministic for a seed.
/// </summary>
/// <remarks>
/// PyTorch: the equivalent set would be <c>TensorDataset(images, labels)</c> with images N×1×32×32 float and labels
/// N×32×32 long, trained with <c>nn.CrossEntropyLoss(ignore_index=-100)</c>.
/// </remarks>
public static class ShapesData
{
    /// <summary>Image height and width.</summary>
    public const int Size = 32;
    /// <summary>Pixels per image.</summary>
    public const int Pixels = Size * Size;
    /// <summary>Classes including the background: background, square, disc, triangle.</summary>
    public const int Classes = 4;
    /// <summary>Label of the border ring: PyTorch's default <c>ignore_index</c>.</summary>
    public const int IgnoreIndex = -100;
    /// <summary>Smallest and largest shape radius (half side of a square), in pixels.</summary>
    public const float MinRadius = 4f, MaxRadius = 8f;
    /// <summary>Standard deviation of the Gaussian pixel noise.</summary>
    public const float Noise = 0.2f;
    /// <summary>The input tensor's name (the network's one input) and the label map's name in the data set.</summary>
    public const string InputName = "Input", LabelName = "mask";

    /// <summary>The class names, by id.</summary>
    public static readonly string[] ClassNames = { "background", "square", "disc", "triangle" };

    /// <summary>
    /// <paramref name="count"/> samples: float tensor <see cref="InputName"/> (1×32×32) and int tensor
    /// <see cref="LabelName"/> (32×32 class ids, <see cref="IgnoreIndex"/> on the border rings).
    /// </summary>
    public static TensorDataset Generate(int count, ulong seed)
    {
        var images = new float[count * Pixels];
        var labels = new int[count * Pixels];
        var classes = new int[Pixels];
        var instances = new int[Pixels];
        var rng = new SeededRandom(seed);
        for (int i = 0; i < count; i++)
        {
            Render(ref rng, images.AsSpan(i * Pixels, Pixels), classes, instances);
            MarkBorders(classes, instances, labels.AsSpan(i * Pixels, Pixels));
        }
        return new TensorDataset(count)
            .Add(InputName, images, new TensorShape(1, Size, Size))
            .Add(LabelName, labels, new TensorShape(Size, Size));
    }

    /// <summary>
    /// Draws one sample: the noisy <paramref name="image"/>, the clean class map <paramref name="classes"/> (0..3, no
    /// ignored pixels) and <paramref name="instances"/> (0 = background, k = the k-th shape drawn).
    /// </summary>
    /// <returns>The number of shapes drawn (1 to 3).</returns>
    public static int Render(ref SeededRandom rng, Span<float> image, Span<int> classes, Span<int> instances)
    {
        classes.Clear();
        instances.Clear();
        Span<float> cx = stackalloc float[3], cy = stackalloc float[3], radius = stackalloc float[3];
        int wanted = 1 + rng.NextInt(3), placed = 0;
        for (int attempt = 0; attempt < 100 && placed < wanted; attempt++)
        {
            float r = MinRadius + (MaxRadius - MinRadius) * rng.NextFloat();
            // Centre such that the whole shape and one pixel around it lie in the image.
            float x = r + 1 + (Size - 2 * r - 2) * rng.NextFloat(), y = r + 1 + (Size - 2 * r - 2) * rng.NextFloat();
            bool apart = true;
            for (int k = 0; k < placed; k++)
            {
                float dx = x - cx[k], dy = y - cy[k];
                // Bounding circles (radius r√2 for the square's corners) at least 2 pixels apart: shapes never touch.
                if (MathF.Sqrt(dx * dx + dy * dy) < 1.42f * (r + radius[k]) + 2) { apart = false; break; }
            }
            if (!apart) continue;
            cx[placed] = x; cy[placed] = y; radius[placed] = r;
            placed++;
            int kind = 1 + rng.NextInt(Classes - 1);
            for (int py = 0; py < Size; py++)
                for (int px = 0; px < Size; px++)
                    if (Inside(kind, px + 0.5f - x, py + 0.5f - y, r))
                    {
                        classes[py * Size + px] = kind;
                        instances[py * Size + px] = placed;
                    }
        }

        // Brightness: a dark background level and a brighter level per shape, then noise on every pixel.
        float background = 0.4f * rng.NextFloat();
        Span<float> level = stackalloc float[4];
        level[0] = background;
        for (int k = 1; k <= placed; k++) level[k] = background + 0.3f + 0.4f * rng.NextFloat();
        for (int p = 0; p < Pixels; p++)
            image[p] = level[instances[p]] + Noise * (float)rng.NextGaussian();
        return placed;
    }

    /// <summary>Whether the offset (<paramref name="dx"/>, <paramref name="dy"/>) from the centre lies in a shape of <paramref name="kind"/> and radius <paramref name="r"/>.</summary>
    public static bool Inside(int kind, float dx, float dy, float r) => kind switch
    {
        1 => MathF.Abs(dx) <= 0.85f * r && MathF.Abs(dy) <= 0.85f * r,            // square of side 1.7 r
        2 => dx * dx + dy * dy <= r * r,                                           // disc of radius r
        3 => dy >= -r && dy <= r && MathF.Abs(dx) <= (dy + r) * 0.5f,              // apex up, base 2r wide
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The shape kinds are 1 (square), 2 (disc) and 3 (triangle)."),
    };

    /// <summary>
    /// The training labels: <paramref name="classes"/>, except that a shape pixel with a 4-neighbour of another
    /// instance (the background, in practice) becomes <see cref="IgnoreIndex"/>.
    /// </summary>
    public static void MarkBorders(ReadOnlySpan<int> classes, ReadOnlySpan<int> instances, Span<int> labels)
    {
        for (int y = 0; y < Size; y++)
            for (int x = 0; x < Size; x++)
            {
                int p = y * Size + x, k = instances[p];
                bool edge = k != 0 && (
                    (x > 0 && instances[p - 1] != k) || (x < Size - 1 && instances[p + 1] != k) ||
                    (y > 0 && instances[p - Size] != k) || (y < Size - 1 && instances[p + Size] != k));
                labels[p] = edge ? IgnoreIndex : classes[p];
            }
    }
}
