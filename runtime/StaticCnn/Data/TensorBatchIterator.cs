using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace StaticCnn.Data;

/// <summary>Where one tensor of the current batch lies: in <see cref="Floats"/> or <see cref="Ints"/> from <see cref="Offset"/> on.</summary>
internal struct BatchSource
{
    public float[]? Floats;
    public int[]? Ints;
    public int Offset;
}

/// <summary>
/// Mini-batches over chosen tensors of a <see cref="TensorDataset"/>, in the same order as <see cref="BatchIterator"/>
/// (the same seeded Fisher–Yates per epoch), copied into buffers allocated once: float buffers are pinned and 64-byte
/// aligned, so that <see cref="Memory{T}"/> views of them can be handed to a network. Iterating allocates nothing.
/// </summary>
internal sealed class TensorBatchIterator
{
    private readonly DatasetTensor[] _tensors;
    private readonly int[] _order;
    private int _position;

    /// <summary>The current batch of each tensor, in the order of the constructor's list.</summary>
    public readonly BatchSource[] Sources;

    public TensorBatchIterator(IReadOnlyList<DatasetTensor> tensors, int count, int batchSize, bool shuffle, ulong seed, bool dropLast)
    {
        _tensors = tensors.ToArray();
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        _order = new int[count];
        for (int i = 0; i < count; i++) _order[i] = i;
        _position = count;
        Sources = new BatchSource[_tensors.Length];
        for (int k = 0; k < _tensors.Length; k++)
        {
            int n = batchSize * _tensors[k].SampleSize;
            if (_tensors[k].IsInt) Sources[k].Ints = new int[n];
            else (Sources[k].Floats, Sources[k].Offset) = AlignedArray(n);
        }
    }

    public int BatchSize { get; }
    public bool Shuffle { get; }
    public ulong Seed { get; }
    public bool DropLast { get; }
    public int BatchesPerEpoch => DropLast ? _order.Length / BatchSize : (_order.Length + BatchSize - 1) / BatchSize;

    /// <summary>A pinned array holding <paramref name="length"/> floats from a 64-byte aligned offset.</summary>
    public static unsafe (float[] Array, int Offset) AlignedArray(int length)
    {
        const int pad = AlignedBuffer<float>.Alignment / sizeof(float);
        float[] a = GC.AllocateArray<float>(length + pad, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(a));
        int offset = (int)((AlignedBuffer<float>.Alignment - address % AlignedBuffer<float>.Alignment) % AlignedBuffer<float>.Alignment) / sizeof(float);
        return (a, offset);
    }

    /// <summary>Rewinds to the start of epoch <paramref name="epoch"/> (0-based) and reshuffles as <see cref="BatchIterator.StartEpoch"/> does.</summary>
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
        _position = 0;
    }

    /// <summary>Gathers the next batch into <see cref="Sources"/>; false at the end of the epoch.</summary>
    public bool Next(out int batch)
    {
        int remaining = _order.Length - _position;
        if (remaining <= 0 || (DropLast && remaining < BatchSize))
        {
            batch = 0;
            return false;
        }
        batch = Math.Min(BatchSize, remaining);
        for (int k = 0; k < _tensors.Length; k++)
        {
            DatasetTensor t = _tensors[k];
            int n = t.SampleSize;
            ref BatchSource s = ref Sources[k];
            if (t.Ints is { } ints)
                for (int b = 0; b < batch; b++) ints.AsSpan(_order[_position + b] * n, n).CopyTo(s.Ints.AsSpan(b * n, n));
            else
            {
                float[] src = t.Floats!;
                for (int b = 0; b < batch; b++) src.AsSpan(_order[_position + b] * n, n).CopyTo(s.Floats.AsSpan(s.Offset + b * n, n));
            }
        }
        _position += batch;
        return true;
    }
}
