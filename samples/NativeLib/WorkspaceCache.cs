using System.Runtime.InteropServices;

namespace NativeLib;

/// <summary>
/// One native workspace kept between calls of a network's <c>…_forward</c>: a 64-byte aligned block, taken and
/// given back with an atomic exchange, so that concurrent callers never share one (a concurrent caller allocates its
/// own, and only one block is kept).
/// </summary>
internal sealed unsafe class WorkspaceCache
{
    /// <summary>Bytes before the floats: the block's capacity in floats, padded to keep the floats 64-byte aligned.</summary>
    public const int Header = 64;
    private nint _cached;

    /// <summary>A block of at least <paramref name="floats"/> floats (after <see cref="Header"/> bytes), or null when out of memory.</summary>
    public byte* Rent(long floats)
    {
        byte* block = (byte*)Interlocked.Exchange(ref _cached, 0);
        if (block != null && *(long*)block >= floats) return block;
        if (block != null) NativeMemory.AlignedFree(block);
        block = (byte*)NativeMemory.AlignedAlloc((nuint)(Header + floats * sizeof(float)), 64);
        if (block != null) *(long*)block = floats;
        return block;
    }

    /// <summary>Keeps <paramref name="block"/> for the next call.</summary>
    public void GiveBack(byte* block)
    {
        byte* other = (byte*)Interlocked.Exchange(ref _cached, (nint)block);
        if (other != null) NativeMemory.AlignedFree(other); // another caller's block came back meanwhile: keep one
    }
}
