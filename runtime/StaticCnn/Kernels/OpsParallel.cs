namespace StaticCnn.Kernels;

/// <summary>A kernel's work over a contiguous range of independent output units (planes, channels or samples).</summary>
internal interface IRangeWork
{
    /// <summary>Computes units [start, end).</summary>
    void Run(int start, int end);
}

/// <summary>
/// Splits <c>units</c> independent output units into <c>threads</c> contiguous ranges. Each unit is computed by one thread
/// in a fixed order, so results are bit-identical for any thread count. The work struct travels through a static slot per
/// work type and a cached delegate, so a call allocates nothing of its own (Parallel.For's own bookkeeping aside).
/// </summary>
internal static class OpsParallel
{
    public static void For<TW>(int units, int threads, in TW work) where TW : struct, IRangeWork
    {
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        int parts = Math.Min(threads, units);
        if (parts <= 1)
        {
            if (units > 0) work.Run(0, units);
            return;
        }
        lock (Slot<TW>.Gate)
        {
            Slot<TW>.Work = work;
            Slot<TW>.Units = units;
            Slot<TW>.Parts = parts;
            try { Parallel.For(0, parts, Slot<TW>.Body); }
            finally { Slot<TW>.Work = default; }
        }
    }

    private static class Slot<TW> where TW : struct, IRangeWork
    {
        public static readonly object Gate = new();
        public static TW Work;
        public static int Units, Parts;
        public static readonly Action<int> Body = static p =>
        {
            long u = Units, n = Parts;
            Work.Run((int)(p * u / n), (int)((p + 1) * u / n));
        };
    }
}

/// <summary>Entry-point argument checks shared by the layer kernels (run once per call, never in inner loops).</summary>
internal static class OpsCheck
{
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
