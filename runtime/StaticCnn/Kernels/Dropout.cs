using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Inverted dropout. Element i is kept iff the top 24 bits of a counter-based hash of (seed, i) are ≥ ⌈rate·2²⁴⌉, so the
/// mask depends only on (seed, i): deterministic, and independent of threads, vector width and call partitioning.
/// mask[i] ∈ {0, 1/(1 − rate)}; y = x·mask. At inference the layer is the identity (<see cref="Elementwise.Copy(ReadOnlySpan{float}, Span{float})"/>).
/// PyTorch: <c>nn.Dropout(p)</c> (same distribution, not the same random stream).
/// </summary>
public static class Dropout
{
    /// <summary>mask[i] = keep(seed, i) ? 1/(1 − rate) : 0; y = x·mask.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ForwardTrain(float rate, ulong seed, ReadOnlySpan<float> x, Span<float> y, Span<float> mask)
    {
        Check(rate, x.Length, y.Length, mask.Length);
        Keys(rate, seed, out uint k0, out uint k1, out int threshold, out float scale);
        ref float px = ref MemoryMarshal.GetReference(x);
        ref float py = ref MemoryMarshal.GetReference(y);
        ref float pm = ref MemoryMarshal.GetReference(mask);
        int n = x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            Vector512<uint> idx = Vector512.Create(0u, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
            for (; i + 16 <= n; i += 16)
            {
                Vector512<int> h = Hash(Vector512.Create((uint)i) + idx, k0, k1).AsInt32();
                Vector512<float> m = Vector512.ConditionalSelect(Vector512.GreaterThanOrEqual(h, Vector512.Create(threshold)).AsSingle(),
                    Vector512.Create(scale), Vector512<float>.Zero);
                m.StoreUnsafe(ref pm, (nuint)i);
                (Vector512.LoadUnsafe(ref px, (nuint)i) * m).StoreUnsafe(ref py, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            Vector256<uint> idx = Vector256.Create(0u, 1, 2, 3, 4, 5, 6, 7);
            for (; i + 8 <= n; i += 8)
            {
                Vector256<int> h = Hash(Vector256.Create((uint)i) + idx, k0, k1).AsInt32();
                Vector256<float> m = Vector256.ConditionalSelect(Vector256.GreaterThanOrEqual(h, Vector256.Create(threshold)).AsSingle(),
                    Vector256.Create(scale), Vector256<float>.Zero);
                m.StoreUnsafe(ref pm, (nuint)i);
                (Vector256.LoadUnsafe(ref px, (nuint)i) * m).StoreUnsafe(ref py, (nuint)i);
            }
        }
        {
            Vector128<uint> idx = Vector128.Create(0u, 1, 2, 3);
            for (; i + 4 <= n; i += 4)
            {
                Vector128<int> h = Hash(Vector128.Create((uint)i) + idx, k0, k1).AsInt32();
                Vector128<float> m = Vector128.ConditionalSelect(Vector128.GreaterThanOrEqual(h, Vector128.Create(threshold)).AsSingle(),
                    Vector128.Create(scale), Vector128<float>.Zero);
                m.StoreUnsafe(ref pm, (nuint)i);
                (Vector128.LoadUnsafe(ref px, (nuint)i) * m).StoreUnsafe(ref py, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float m = (int)Hash((uint)i, k0, k1) >= threshold ? scale : 0f;
            Unsafe.Add(ref pm, i) = m;
            Unsafe.Add(ref py, i) = Unsafe.Add(ref px, i) * m;
        }
    }

    /// <summary>dx += dy·mask (dx skipped when empty).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBackward(mask.Length, dy.Length, dx.Length);
        if (dx.IsEmpty) return;
        ref float pm = ref MemoryMarshal.GetReference(mask);
        ref float pg = ref MemoryMarshal.GetReference(dy);
        ref float pd = ref MemoryMarshal.GetReference(dx);
        nuint n = (nuint)mask.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) (Vector512.LoadUnsafe(ref pd, i) + Vector512.LoadUnsafe(ref pg, i) * Vector512.LoadUnsafe(ref pm, i)).StoreUnsafe(ref pd, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) (Vector256.LoadUnsafe(ref pd, i) + Vector256.LoadUnsafe(ref pg, i) * Vector256.LoadUnsafe(ref pm, i)).StoreUnsafe(ref pd, i);
        for (; i + 4 <= n; i += 4) (Vector128.LoadUnsafe(ref pd, i) + Vector128.LoadUnsafe(ref pg, i) * Vector128.LoadUnsafe(ref pm, i)).StoreUnsafe(ref pd, i);
        for (; i < n; i++) Unsafe.Add(ref pd, i) += Unsafe.Add(ref pg, i) * Unsafe.Add(ref pm, i);
    }

    /// <summary>Scalar twin of <see cref="ForwardTrain"/>.</summary>
    public static void ForwardTrainReference(float rate, ulong seed, ReadOnlySpan<float> x, Span<float> y, Span<float> mask)
    {
        Check(rate, x.Length, y.Length, mask.Length);
        Keys(rate, seed, out uint k0, out uint k1, out int threshold, out float scale);
        for (int i = 0; i < x.Length; i++)
        {
            mask[i] = (int)Hash((uint)i, k0, k1) >= threshold ? scale : 0f;
            y[i] = x[i] * mask[i];
        }
    }

    /// <summary>Scalar twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(ReadOnlySpan<float> mask, ReadOnlySpan<float> dy, Span<float> dx)
    {
        CheckBackward(mask.Length, dy.Length, dx.Length);
        if (dx.IsEmpty) return;
        for (int i = 0; i < mask.Length; i++) dx[i] += dy[i] * mask[i];
    }

    // ---- the hash: two rounds of the "lowbias32" integer finalizer keyed by the two halves of the seed; result >> 8 ----

    private static void Keys(float rate, ulong seed, out uint k0, out uint k1, out int threshold, out float scale)
    {
        k0 = (uint)seed;
        k1 = (uint)(seed >> 32) * 0x85EBCA77u + 0x7F4A7C15u;
        threshold = (int)Math.Ceiling(rate * 16777216.0);
        scale = 1f / (1f - rate);
    }

    private static uint Mix(uint h)
    {
        h ^= h >> 16; h *= 0x7FEB352Du; h ^= h >> 15; h *= 0x846CA68Bu; h ^= h >> 16;
        return h;
    }

    private static uint Hash(uint i, uint k0, uint k1) => Mix(Mix(i * 0x9E3779B9u + k0) ^ k1) >> 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mix(Vector512<uint> h)
    {
        h ^= Vector512.ShiftRightLogical(h, 16); h *= Vector512.Create(0x7FEB352Du);
        h ^= Vector512.ShiftRightLogical(h, 15); h *= Vector512.Create(0x846CA68Bu);
        return h ^ Vector512.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Hash(Vector512<uint> i, uint k0, uint k1) =>
        Vector512.ShiftRightLogical(Mix(Mix(i * Vector512.Create(0x9E3779B9u) + Vector512.Create(k0)) ^ Vector512.Create(k1)), 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Mix(Vector256<uint> h)
    {
        h ^= Vector256.ShiftRightLogical(h, 16); h *= Vector256.Create(0x7FEB352Du);
        h ^= Vector256.ShiftRightLogical(h, 15); h *= Vector256.Create(0x846CA68Bu);
        return h ^ Vector256.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> Hash(Vector256<uint> i, uint k0, uint k1) =>
        Vector256.ShiftRightLogical(Mix(Mix(i * Vector256.Create(0x9E3779B9u) + Vector256.Create(k0)) ^ Vector256.Create(k1)), 8);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Mix(Vector128<uint> h)
    {
        h ^= Vector128.ShiftRightLogical(h, 16); h *= Vector128.Create(0x7FEB352Du);
        h ^= Vector128.ShiftRightLogical(h, 15); h *= Vector128.Create(0x846CA68Bu);
        return h ^ Vector128.ShiftRightLogical(h, 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<uint> Hash(Vector128<uint> i, uint k0, uint k1) =>
        Vector128.ShiftRightLogical(Mix(Mix(i * Vector128.Create(0x9E3779B9u) + Vector128.Create(k0)) ^ Vector128.Create(k1)), 8);

    private static void Check(float rate, int x, int y, int mask)
    {
        if (!(rate >= 0f && rate < 1f)) throw new ArgumentOutOfRangeException(nameof(rate), rate, "rate must be in [0, 1).");
        if (y != x) throw new ArgumentException($"y has {y} elements but x has {x}; they must be equal.", nameof(y));
        if (mask != x) throw new ArgumentException($"mask has {mask} elements but x has {x}; they must be equal.", nameof(mask));
    }

    private static void CheckBackward(int mask, int dy, int dx)
    {
        if (dy != mask) throw new ArgumentException($"dy has {dy} elements but mask has {mask}; they must be equal.", nameof(dy));
        if (dx != 0 && dx != mask) throw new ArgumentException($"dx has {dx} elements but mask has {mask}; they must be equal.", nameof(dx));
    }
}
