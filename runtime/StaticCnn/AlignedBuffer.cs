using System.Runtime.InteropServices;

namespace StaticCnn;

/// <summary>
/// A 64-byte aligned, zero-initialised block of native memory holding <typeparamref name="T"/> values.
/// Used for the parameter and gradient arenas and the workspace. Disposal frees it deterministically;
/// access after disposal throws <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class AlignedBuffer<T> : IDisposable where T : unmanaged
{
    /// <summary>The alignment in bytes of every buffer: one cache line, one AVX-512 vector.</summary>
    public const int Alignment = 64;

    private T* _pointer;

    /// <summary>Allocates <paramref name="length"/> zeroed elements.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Length is negative.</exception>
    public AlignedBuffer(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Length = length;
        nuint bytes = (nuint)Math.Max(1, length) * (nuint)sizeof(T);
        _pointer = (T*)NativeMemory.AlignedAlloc(bytes, Alignment);
        NativeMemory.Clear(_pointer, bytes);
    }

    /// <summary>Number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements.</summary>
    public Span<T> Span
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return new Span<T>(_pointer, Length);
        }
    }

    /// <summary>The aligned start address; valid until disposal.</summary>
    public T* Pointer
    {
        get
        {
            ObjectDisposedException.ThrowIf(_pointer == null, this);
            return _pointer;
        }
    }

    /// <summary>Frees the memory.</summary>
    public void Dispose()
    {
        if (_pointer != null)
        {
            NativeMemory.AlignedFree(_pointer);
            _pointer = null;
        }
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the memory if <see cref="Dispose"/> was not called.</summary>
    ~AlignedBuffer()
    {
        if (_pointer != null) NativeMemory.AlignedFree(_pointer);
    }
}
