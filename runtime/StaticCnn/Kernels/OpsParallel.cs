using System.Runtime.CompilerServices;

namespace StaticCnn.Kernels;

/// <summary>A kernel's work over a contiguous range of independent output units (planes, channels or samples).</summary>
internal interface IRangeWork
{
    /// <summary>Computes units [start, end).</summary>
    void Run(int start, int end);
}

/// <summary>An element-wise pass's work on elements [start, start + count) (<see cref="OpsParallel.ForElements"/>).</summary>
internal interface IElementWork
{
    void Run(int start, int count);
}

/// <summary>
/// Splits <c>units</c> independent output units into at most <c>threads</c> contiguous ranges (range t of P is
/// [t·units/P, (t+1)·units/P)) and runs them on <see cref="GemmWorkers"/>, the runtime's persistent pool. Each unit is
/// computed by one thread in a fixed order, so results are bit-identical for any thread count and any part count.
/// A call allocates nothing: the work struct lives on the caller's stack and travels to the workers as a pointer, with a
/// function pointer to a generic static method instantiated per work type. With one part (threads = 1, or too little
/// work to pay for waking a worker) the work runs inline and the pool is not touched.
/// </summary>
internal static unsafe class OpsParallel
{
    /// <summary>Elements touched per part below which another part costs more (a worker wake-up) than it saves.</summary>
    internal const long Grain = 16 * 1024;

    /// <summary>Calls that went through the pool (more than one part): for tests.</summary>
    internal static long PooledCalls;

    /// <summary>
    /// Runs <paramref name="work"/> over [0, <paramref name="units"/>), every part a whole number of units, in at most
    /// <paramref name="threads"/> parts and at most one part per <see cref="Grain"/> elements when
    /// <paramref name="unitCost"/> (elements read and written per unit) is given; 0 always splits into threads parts.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void For<TW>(int units, int threads, in TW work, long unitCost = 0) where TW : struct, IRangeWork
    {
        if (threads <= 1 || units <= 1)
        {
            if (threads < 1) ThrowThreads(threads);
            if (units > 0) work.Run(0, units);
            return;
        }
        int parts = Math.Min(threads, units);
        if (unitCost > 0) parts = (int)Math.Min(parts, Math.Max(1, unitCost * units / Grain));
        if (parts <= 1)
        {
            work.Run(0, units);
            return;
        }
        Pooled(units, parts, work);
    }

    /// <summary>Floats per unit of <see cref="ForElements"/>: a multiple of 64.</summary>
    internal const int ElementBlock = 16 * 1024;

    /// <summary>
    /// An element-wise pass over <paramref name="length"/> floats on up to <paramref name="threads"/> threads, in
    /// contiguous blocks of <see cref="ElementBlock"/> floats (<paramref name="streams"/>: the arrays the pass reads and
    /// writes, for the part count); one thread below two blocks. Every element takes the SIMD path it takes in one call
    /// over the whole length (every block but the last is a whole number of vectors of every width, and the last ends
    /// where the whole length does), so an element-wise operation gives the same bits for any thread count.
    /// </summary>
    public static void ForElements<TW>(int length, int threads, in TW work, int streams) where TW : struct, IElementWork
    {
        if (threads < 1) ThrowThreads(threads);
        if (threads == 1 || length < 2 * ElementBlock)
        {
            if (length > 0) work.Run(0, length);
            return;
        }
        For((length + ElementBlock - 1) / ElementBlock, threads, new ElementBlocks<TW> { Work = work, Length = length },
            (long)streams * ElementBlock);
    }

    private struct ElementBlocks<TW> : IRangeWork where TW : struct, IElementWork
    {
        public TW Work;
        public int Length;

        public void Run(int start, int end)
        {
            long a = (long)start * ElementBlock, b = Math.Min(Length, (long)end * ElementBlock);
            Work.Run((int)a, (int)(b - a));
        }
    }

    private static void Pooled<TW>(int units, int parts, in TW work) where TW : struct, IRangeWork
    {
        Interlocked.Increment(ref PooledCalls);
        Context<TW> ctx;
        ctx.Work = work;
        ctx.Units = units;
        GemmWorkers.Run(parts, &Part<TW>, Unsafe.AsPointer(ref ctx));
    }

    private struct Context<TW> where TW : struct, IRangeWork
    {
        public TW Work;
        public int Units;
    }

    private static void Part<TW>(void* ctx, int t, int parts) where TW : struct, IRangeWork
    {
        ref Context<TW> c = ref Unsafe.AsRef<Context<TW>>(ctx);
        long u = c.Units;
        c.Work.Run((int)(t * u / parts), (int)((t + 1) * u / parts));
    }

    private static void ThrowThreads(int threads) =>
        throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
}

/// <summary>Entry-point argument checks shared by the layer kernels (run once per call, never in inner loops).</summary>
internal static class OpsCheck
{
    /// <summary>The argument checks of a two-input, one-value-per-sample kernel (PairwiseDistance, CosineSimilarity).</summary>
    public static void Pair(string kind, int d, int x1Len, int x2Len, int yLen, int batch, int threads, string yName)
    {
        Batch(batch, threads);
        if (d < 1) throw new ArgumentException($"Invalid {kind} shape: D = {d}.");
        Length(x1Len, (long)batch * d, "x1");
        Length(x2Len, (long)batch * d, "x2");
        Length(yLen, batch, yName);
    }

    /// <summary>The gradient checks of a two-input kernel: an empty gradient means "not needed".</summary>
    public static void PairGrads(int d, int dx1Len, int dx2Len, int batch)
    {
        if (dx1Len != 0) Length(dx1Len, (long)batch * d, "dx1");
        if (dx2Len != 0) Length(dx2Len, (long)batch * d, "dx2");
    }

    public static void Length(int actual, long expected, string name)
    {
        if (actual != expected)
            throw new ArgumentException($"{name} has {actual} elements but the shape and batch need {expected}.", name);
    }

    public static void Batch(int batch, int threads)
    {
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must not be negative.");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
    }
}
