namespace StaticCnn.Data;

/// <summary>
/// Mini-batches over an <see cref="InMemoryDataset"/>: seeded shuffling (Fisher–Yates with <see cref="SeededRandom"/>,
/// a fresh permutation per epoch derived from the seed and the epoch number), optional augmentation, and batch buffers
/// allocated once (64-byte aligned), so that iterating allocates nothing. PyTorch: <c>DataLoader(ds, batch_size,
/// shuffle, drop_last, generator=torch.Generator().manual_seed(seed))</c> (the orders differ; each is reproducible).
/// </summary>
public sealed class BatchIterator : IDisposable
{
    private readonly InMemoryDataset _data;
    private readonly int[] _order;
    private readonly AlignedBuffer<float> _images;
    private readonly int[] _labels;
    private int _position;
    private SeededRandom _augmentRng;

    /// <summary>Creates the iterator; call <see cref="StartEpoch"/> before each epoch.</summary>
    public BatchIterator(InMemoryDataset data, int batchSize, bool shuffle = true, ulong seed = 0, bool dropLast = false, Augmentation? augmentation = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        _data = data;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Augmentation = augmentation;
        _order = new int[data.Count];
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        _images = new AlignedBuffer<float>(batchSize * data.SampleSize);
        _labels = new int[batchSize];
        _position = data.Count;
    }

    /// <summary>Samples per batch (the last batch may be smaller unless <see cref="DropLast"/>).</summary>
    public int BatchSize { get; }
    /// <summary>Whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }
    /// <summary>Seed of the shuffles and the augmentation.</summary>
    public ulong Seed { get; }
    /// <summary>Whether an incomplete last batch is skipped.</summary>
    public bool DropLast { get; }
    /// <summary>Per-sample augmentation, or null.</summary>
    public Augmentation? Augmentation { get; }
    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => DropLast ? _data.Count / BatchSize : (_data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Rewinds to the start of epoch <paramref name="epoch"/> and reshuffles (the order depends only on seed and epoch).</summary>
    public void StartEpoch(int epoch)
    {
        for (int i = 0; i < _order.Length; i++) _order[i] = i;
        if (Shuffle)
        {
            var rng = new SeededRandom(SeededRandom.Derive(Seed, (ulong)epoch * 2 + 1));
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = rng.NextInt(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }
        _augmentRng = new SeededRandom(SeededRandom.Derive(Seed, (ulong)epoch * 2 + 2));
        _position = 0;
    }

    /// <summary>Copies the next batch into the internal buffers; false at the end of the epoch.</summary>
    /// <param name="images">batch × sample floats, valid until the next call.</param>
    /// <param name="labels">batch labels, valid until the next call.</param>
    /// <param name="batch">Samples in this batch.</param>
    public bool Next(out Span<float> images, out ReadOnlySpan<int> labels, out int batch)
    {
        int remaining = _order.Length - _position;
        if (remaining <= 0 || (DropLast && remaining < BatchSize))
        {
            images = default;
            labels = default;
            batch = 0;
            return false;
        }
        batch = Math.Min(BatchSize, remaining);
        int size = _data.SampleSize;
        Span<float> dst = _images.Span;
        for (int b = 0; b < batch; b++)
        {
            int index = _order[_position + b];
            Span<float> sample = dst.Slice(b * size, size);
            _data.Image(index).CopyTo(sample);
            _labels[b] = _data.Labels[index];
            Augmentation?.Apply(sample, _data.Shape, ref _augmentRng);
        }
        _position += batch;
        images = dst.Slice(0, batch * size);
        labels = _labels.AsSpan(0, batch);
        return true;
    }

    /// <summary>Frees the batch buffer.</summary>
    public void Dispose() => _images.Dispose();
}
