using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Whole-tensor copies and sums: the Add layer (forward: copy the first input, add the others; backward: add dY into each
/// input's gradient) and the identity paths (Dropout at inference). PyTorch: <c>a + b</c>.
/// </summary>
public static class Elementwise
{
    /// <summary>y = x.</summary>
    public static void Copy(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x.Length, y.Length);
        x.CopyTo(y);
    }

    /// <summary>y += x (SIMD; bit-identical to <see cref="AddIntoReference(ReadOnlySpan{float}, Span{float})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void AddInto(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x.Length, y.Length);
        ref float s = ref MemoryMarshal.GetReference(x);
        ref float d = ref MemoryMarshal.GetReference(y);
        nuint n = (nuint)x.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
            for (; i + 16 <= n; i += 16) (Vector512.LoadUnsafe(ref d, i) + Vector512.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        else if (Vector256.IsHardwareAccelerated)
            for (; i + 8 <= n; i += 8) (Vector256.LoadUnsafe(ref d, i) + Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        for (; i + 4 <= n; i += 4) (Vector128.LoadUnsafe(ref d, i) + Vector128.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
        for (; i < n; i++) System.Runtime.CompilerServices.Unsafe.Add(ref d, i) += System.Runtime.CompilerServices.Unsafe.Add(ref s, i);
    }

    /// <summary>
    /// y = x on up to <paramref name="threads"/> threads (<see cref="OpsParallel.ForElements"/>). This and the
    /// <see cref="AddInto(ReadOnlySpan{float}, Span{float}, int)"/> overload are stateless (safe from several threads on
    /// distinct outputs) and throw before writing: <see cref="ArgumentOutOfRangeException"/> for threads &lt; 1,
    /// <see cref="ArgumentException"/> for spans of different lengths.
    /// </summary>
    public static unsafe void Copy(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        Check(x.Length, y.Length);
        fixed (float* px = x, py = y)
            OpsParallel.ForElements(x.Length, threads, new CopyWork { X = px, Y = py }, 2);
    }

    /// <summary>y += x on up to <paramref name="threads"/> threads: the same bits as <see cref="AddInto(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static unsafe void AddInto(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        Check(x.Length, y.Length);
        fixed (float* px = x, py = y)
            OpsParallel.ForElements(x.Length, threads, new AddWork { X = px, Y = py }, 3);
    }

    private unsafe struct CopyWork : IElementWork
    {
        public float* X, Y;
        public void Run(int start, int count) => new ReadOnlySpan<float>(X + start, count).CopyTo(new Span<float>(Y + start, count));
    }

    private unsafe struct AddWork : IElementWork
    {
        public float* X, Y;
        public void Run(int start, int count) => AddInto(new ReadOnlySpan<float>(X + start, count), new Span<float>(Y + start, count));
    }

    /// <summary>Scalar twin of <see cref="Copy(ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void CopyReference(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        OpsCheck.Batch(0, threads);
        CopyReference(x, y);
    }

    /// <summary>Scalar twin of <see cref="AddInto(ReadOnlySpan{float}, Span{float}, int)"/> (one thread).</summary>
    public static void AddIntoReference(ReadOnlySpan<float> x, Span<float> y, int threads)
    {
        OpsCheck.Batch(0, threads);
        AddIntoReference(x, y);
    }

    /// <summary>Scalar twin of <see cref="Copy(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void CopyReference(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x.Length, y.Length);
        for (int i = 0; i < x.Length; i++) y[i] = x[i];
    }

    /// <summary>Scalar twin of <see cref="AddInto(ReadOnlySpan{float}, Span{float})"/>.</summary>
    public static void AddIntoReference(ReadOnlySpan<float> x, Span<float> y)
    {
        Check(x.Length, y.Length);
        for (int i = 0; i < x.Length; i++) y[i] += x[i];
    }

    /// <summary>
    /// y = 0 on up to <paramref name="threads"/> threads (contiguous ranges of 16 K floats; one thread below 128 K
    /// floats, where waking a worker costs more than it saves). The networks' backward clears its activation-gradient
    /// regions with this. PyTorch: <c>t.zero_()</c>.
    /// </summary>
    public static void Clear(Span<float> y, int threads)
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        int units = (y.Length + ClearBlock - 1) / ClearBlock;
        if (threads == 1 || units < 2 * ClearMinBlocks)
        {
            y.Clear();
            return;
        }
        unsafe
        {
            fixed (float* p = y)
                OpsParallel.For(units, threads, new ClearWork { Y = p, Length = y.Length }, OpsParallel.Grain / ClearMinBlocks);
        }
    }

    private const int ClearBlock = 16 * 1024, ClearMinBlocks = 4;

    private unsafe struct ClearWork : IRangeWork
    {
        public float* Y;
        public int Length;

        public void Run(int start, int end)
        {
            long a = (long)start * ClearBlock, b = Math.Min(Length, (long)end * ClearBlock);
            new Span<float>(Y + a, (int)(b - a)).Clear();
        }
    }

    private static void Check(int x, int y)
    {
        if (x != y) throw new ArgumentException($"x has {x} elements but y has {y}; they must be equal.");
    }
}
