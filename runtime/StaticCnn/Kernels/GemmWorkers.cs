using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace StaticCnn.Kernels;

/// <summary>
/// A small persistent worker pool for the GEMM-based kernels: <c>Run(parts, fn, ctx)</c> calls
/// <c>fn(ctx, t, parts)</c> for every t, part 0 on the calling thread. No allocation per call (threads are created
/// once, when a larger part count is first asked for). With one part the pool is not touched at all. If another
/// caller holds the pool (another thread, or a nested call from inside a part), the parts run one after another on
/// the calling thread: the kernels' results never depend on the partition, so this changes timing only.
/// </summary>
internal static unsafe class GemmWorkers
{
    private sealed class Worker
    {
        public readonly SemaphoreSlim Go = new(0);
        public int Part;
    }

    private static int _busy;   // 1 while a caller owns the pool (not re-entrant: a nested call runs inline)
    private static Worker[] _workers = Array.Empty<Worker>();
    private static delegate*<void*, int, int, void> _fn;
    private static void* _ctx;
    private static int _parts;
    private static int _pending;
    private static Exception? _error;

    /// <summary>Runs <paramref name="fn"/>(ctx, t, parts) for t in [0, parts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int parts, delegate*<void*, int, int, void> fn, void* ctx)
    {
        if (parts <= 1)
        {
            fn(ctx, 0, 1);
            return;
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int t = 0; t < parts; t++) fn(ctx, t, parts);
            return;
        }
        try
        {
            EnsureWorkers(parts - 1);
            _fn = fn;
            _ctx = ctx;
            _parts = parts;
            _error = null;
            Volatile.Write(ref _pending, parts - 1);
            for (int i = 0; i < parts - 1; i++)
            {
                _workers[i].Part = i + 1;
                _workers[i].Go.Release();
            }
            try
            {
                fn(ctx, 0, parts);
            }
            finally
            {
                SpinWait spin = default;
                while (Volatile.Read(ref _pending) != 0) spin.SpinOnce(sleep1Threshold: -1);
            }
            if (_error is { } e)
            {
                _error = null;
                ExceptionDispatchInfo.Capture(e).Throw();
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void EnsureWorkers(int count)
    {
        if (_workers.Length >= count) return;
        var grown = new Worker[count];
        Array.Copy(_workers, grown, _workers.Length);
        for (int i = _workers.Length; i < count; i++)
        {
            var w = new Worker();
            grown[i] = w;
            var thread = new Thread(Loop) { IsBackground = true, Name = "StaticCnn kernel worker " + (i + 1) };
            thread.Start(w);
        }
        _workers = grown;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Loop(object? state)
    {
        var w = (Worker)state!;
        while (true)
        {
            w.Go.Wait();
            try
            {
                _fn(_ctx, w.Part, _parts);
            }
            catch (Exception e)
            {
                _error = e;
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>How many parts to use: at most <paramref name="threads"/>, one per ~<paramref name="grain"/> units of work.</summary>
    public static int Parts(int threads, long work, long grain)
    {
        if (threads <= 1) return 1;
        long byWork = Math.Max(1, work / Math.Max(1, grain));
        return (int)Math.Min(threads, byWork);
    }
}
