namespace StaticCnn.Data;

/// <summary>
/// Samples held in memory: float images NCHW, one after another, and an integer label per sample (PyTorch: a
/// <c>TensorDataset(images, labels)</c>). The arrays are the user's; they are not copied.
/// </summary>
public sealed class InMemoryDataset
{
    /// <summary>Wraps <paramref name="images"/> (count × shape.Size floats) and <paramref name="labels"/> (count ints).</summary>
    /// <exception cref="ArgumentException">The lengths disagree.</exception>
    public InMemoryDataset(float[] images, int[] labels, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        if (shape.Size <= 0) throw new ArgumentException($"The sample shape {shape} is empty.", nameof(shape));
        if (images.Length != (long)labels.Length * shape.Size)
            throw new ArgumentException($"{images.Length} image floats do not hold {labels.Length} samples of {shape} ({(long)labels.Length * shape.Size} floats).", nameof(images));
        Images = images;
        Labels = labels;
        Shape = shape;
    }

    /// <summary>All images, NCHW.</summary>
    public float[] Images { get; }
    /// <summary>All labels.</summary>
    public int[] Labels { get; }
    /// <summary>Shape of one sample.</summary>
    public TensorShape Shape { get; }
    /// <summary>Number of samples.</summary>
    public int Count => Labels.Length;
    /// <summary>Floats per sample.</summary>
    public int SampleSize => Shape.Size;

    /// <summary>Sample <paramref name="index"/>'s pixels.</summary>
    public ReadOnlySpan<float> Image(int index) => Images.AsSpan(index * SampleSize, SampleSize);

    /// <summary>A copy of samples [<paramref name="start"/>, start + <paramref name="count"/>).</summary>
    public InMemoryDataset Slice(int start, int count)
        => new(Images.AsSpan(start * SampleSize, count * SampleSize).ToArray(), Labels.AsSpan(start, count).ToArray(), Shape);

    /// <summary>Splits off the last <paramref name="fraction"/> of the samples (e.g. a validation set), without shuffling.</summary>
    public (InMemoryDataset Train, InMemoryDataset Validation) Split(float fraction)
    {
        int rest = (int)Math.Round(Count * fraction);
        return (Slice(0, Count - rest), Slice(Count - rest, rest));
    }
}
