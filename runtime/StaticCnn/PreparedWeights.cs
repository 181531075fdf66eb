using System.ComponentModel;

namespace StaticCnn;

/// <summary>
/// A network's weights prepared once for inference: one slot per convolution, holding that layer's weights in the layout
/// its forward algorithm reads (<see cref="Kernels.Conv2D.PrepareWeights"/>; empty where the algorithm reads the weights
/// as they are). Made by the generated <c>PrepareWeights</c> for an inference context created with
/// <c>prepareWeights: true</c>; the generated inference body passes slot k to convolution k. Thread safety: filled
/// once by one thread, then only read (any number of threads may read it at once); disposing it while a call reads
/// it is the owner's error (the owning context disposes it only under its single-call guard).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class PreparedWeights : IDisposable
{
    private readonly AlignedBuffer<float> _data;
    private readonly long[] _offsets;   // slot k starts at _offsets[k] (a multiple of 16 floats) and holds _lengths[k]
    private readonly long[] _lengths;

    /// <summary>Slots of the given lengths in floats, each starting on a cache line.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A length is negative, or they add up to more than one buffer holds.</exception>
    public PreparedWeights(ReadOnlySpan<long> slotFloats)
    {
        _offsets = new long[slotFloats.Length + 1];
        _lengths = slotFloats.ToArray();
        for (int k = 0; k < slotFloats.Length; k++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(slotFloats[k], nameof(slotFloats));
            _offsets[k + 1] = _offsets[k] + ((slotFloats[k] + 15) & ~15L);
        }
        long total = _offsets[^1];
        if (total > int.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(slotFloats), total, $"The prepared weights need {total} floats, more than one buffer of {int.MaxValue}.");
        _data = new AlignedBuffer<float>((int)total);
    }

    /// <summary>Number of slots.</summary>
    public int Slots => _lengths.Length;

    /// <summary>Floats in all slots.</summary>
    public long Floats => _data.Length;

    /// <summary>Slot <paramref name="k"/>, to fill.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in 0..<see cref="Slots"/> − 1.</exception>
    /// <exception cref="ObjectDisposedException">The memory was freed.</exception>
    public Span<float> Slot(int k)
    {
        if ((uint)k >= (uint)_lengths.Length)
            throw new ArgumentOutOfRangeException(nameof(k), k, $"There are {_lengths.Length} prepared-weight slots.");
        return _data.Span.Slice((int)_offsets[k], (int)_lengths[k]);
    }

    /// <summary>Slot <paramref name="k"/> of <paramref name="prepared"/>, or empty when there are none (the kernels then prepare per call).</summary>
    public static ReadOnlySpan<float> Of(PreparedWeights? prepared, int k) => prepared is null ? default : prepared.Slot(k);

    /// <summary>Frees the memory.</summary>
    public void Dispose() => _data.Dispose();
}
