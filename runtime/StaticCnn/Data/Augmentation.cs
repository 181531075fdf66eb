namespace StaticCnn.Data;

/// <summary>
/// Seeded per-sample augmentation applied to NCHW float images in place: horizontal flip, random crop after zero
/// padding (torchvision's <c>RandomCrop(size, padding)</c> with the output size equal to the input size), and
/// brightness / contrast jitter (x + b, then (x − mean)·c + mean, as torchvision's <c>ColorJitter</c> in additive form).
/// Allocates nothing per call beyond a scratch buffer sized once.
/// </summary>
public sealed class Augmentation
{
    private float[] _scratch = Array.Empty<float>();

    /// <summary>Probability of a horizontal flip (torchvision <c>RandomHorizontalFlip(p)</c>); 0 disables.</summary>
    public float FlipProbability { get; init; }
    /// <summary>Zero padding on each side before a random crop back to the original size; 0 disables.</summary>
    public int CropPadding { get; init; }
    /// <summary>Brightness shift drawn from U(−b, b); 0 disables.</summary>
    public float Brightness { get; init; }
    /// <summary>Contrast factor drawn from U(1 − c, 1 + c), about the per-channel mean; 0 disables.</summary>
    public float Contrast { get; init; }

    /// <summary>Whether any transform is enabled.</summary>
    public bool IsEnabled => FlipProbability > 0 || CropPadding > 0 || Brightness > 0 || Contrast > 0;

    /// <summary>Transforms one sample (<paramref name="shape"/>) in place with draws from <paramref name="rng"/>.</summary>
    public void Apply(Span<float> sample, TensorShape shape, ref SeededRandom rng)
    {
        int c = shape.Channels, h = shape.Height, w = shape.Width, plane = h * w;
        if (FlipProbability > 0 && rng.NextFloat() < FlipProbability)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    sample.Slice(ch * plane + y * w, w).Reverse();
        if (CropPadding > 0)
        {
            int p = CropPadding;
            int dy = rng.NextInt(2 * p + 1) - p, dx = rng.NextInt(2 * p + 1) - p; // offset of the crop window
            if (dy != 0 || dx != 0)
            {
                if (_scratch.Length < sample.Length) _scratch = new float[sample.Length];
                Span<float> src = _scratch.AsSpan(0, sample.Length);
                sample.CopyTo(src);
                for (int ch = 0; ch < c; ch++)
                    for (int y = 0; y < h; y++)
                    {
                        int sy = y + dy;
                        Span<float> row = sample.Slice(ch * plane + y * w, w);
                        if ((uint)sy >= (uint)h) { row.Clear(); continue; }
                        for (int x = 0; x < w; x++)
                        {
                            int sx = x + dx;
                            row[x] = (uint)sx < (uint)w ? src[ch * plane + sy * w + sx] : 0f;
                        }
                    }
            }
        }
        if (Brightness > 0)
        {
            float b = (rng.NextFloat() * 2 - 1) * Brightness;
            for (int i = 0; i < sample.Length; i++) sample[i] += b;
        }
        if (Contrast > 0)
        {
            float k = 1 + (rng.NextFloat() * 2 - 1) * Contrast;
            for (int ch = 0; ch < c; ch++)
            {
                Span<float> pl = sample.Slice(ch * plane, plane);
                double mean = 0;
                foreach (float v in pl) mean += v;
                float m = (float)(mean / plane);
                for (int i = 0; i < pl.Length; i++) pl[i] = (pl[i] - m) * k + m;
            }
        }
    }
}
