using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace StaticCnn.Kernels;

/// <summary>
/// A small persistent worker pool for the kernels: <c>Run(parts, fn, ctx)</c> calls <c>fn(ctx, t, parts)</c> for every
/// t, part 0 on the calling thread. No allocation per call (threads are created once, when a larger part count is
/// first asked for). With one part the pool is not touched at all. If another caller holds the pool (another thread,
/// or a nested call from inside a part), the parts run one after another on the calling thread: the kernels' results
/// never depend on the partition, so this changes timing only.
/// <para>
/// Wake-ups: a training step makes dozens of dispatches a few hundred microseconds apart, and a worker parked in the
/// kernel needs tens of microseconds to wake, all of it on the critical path. So after a part a worker watches its
/// ticket for <see cref="SpinMicroseconds"/> before it parks on its semaphore (a few pause loops, then
/// <c>Thread.Yield</c>, so that a thread that needs the CPU gets it); a dispatch that finds the worker still watching
/// costs no wake-up. An idle pool parks after that bounded spin and burns no core.
/// </para>
/// </summary>
internal static unsafe class GemmWorkers
{
    /// <summary>How long a worker keeps watching for the next dispatch before it parks.</summary>
    internal const int SpinMicroseconds = 50;

    private sealed class Worker
    {
        public readonly SemaphoreSlim Go = new(0);
        public int Part;
        public long Ticket;     // incremented by the dispatcher once per dispatch this worker takes part in
        /// <summary>
        /// The ticket a parked worker waits for (0: not parked). The dispatcher that moves the ticket to exactly this
        /// value takes the announcement and releases Go; a dispatcher delayed between moving the ticket and looking
        /// here finds a later ticket (the worker saw this one while spinning, ran it, and parked for the next), and
        /// leaves it alone. A plain "parked" flag let such a late dispatcher release a worker that had nothing to
        /// run: it ran a stale part and counted down the pending parts of another dispatch.
        /// </summary>
        public long Parked;
    }

    private static int _busy;   // 1 while a caller owns the pool (not re-entrant: a nested call runs inline)
    private static Worker[] _workers = Array.Empty<Worker>();
    private static delegate*<void*, int, int, void> _fn;
    private static void* _ctx;
    private static int _parts;
    private static int _pending;
    private static long _dispatches;
    private static Exception? _error;
    /// <summary>
    /// The spin window in Stopwatch ticks (<see cref="SpinSetting"/>). Tests set it to 0 for a while (workers park
    /// after every part, which widens every hand-off race); it changes timing only.
    /// </summary>
    internal static long SpinTicks = Stopwatch.Frequency * SpinSetting() / 1_000_000;

    /// <summary>
    /// <see cref="SpinMicroseconds"/>, or the environment variable <c>STATICCNN_WORKER_SPIN_US</c> (0–100000; 0 parks
    /// at once), as OpenMP's <c>KMP_BLOCKTIME</c>: read once, when the pool is first used.
    /// </summary>
    private static long SpinSetting()
        => int.TryParse(Environment.GetEnvironmentVariable("STATICCNN_WORKER_SPIN_US"), out int us) ? Math.Clamp(us, 0, 100_000) : SpinMicroseconds;

    /// <summary>Pooled dispatches so far, and how many of the worker hand-offs found the worker parked (for tests).</summary>
    internal static long Dispatches => Volatile.Read(ref _dispatches);
    internal static long ParkedWakeups => Volatile.Read(ref _parkedWakeups);
    private static long _parkedWakeups;

    /// <summary>
    /// Dispatches that found the pool owned by another caller and ran their parts inline (for tests): several networks
    /// or inference contexts dispatching at once. Safe by construction: the pool's shared state (function, context,
    /// part count, pending count, error) is written only by the caller that owns <c>_busy</c>, and the owner waits for
    /// all its parts before releasing it.
    /// </summary>
    internal static long InlineWhileBusy => Volatile.Read(ref _inlineWhileBusy);
    private static long _inlineWhileBusy;

    // ---- per-part timings (a debug switch: STATICCNN_WORKER_TRACE=1, read once) --------------------------------------

    /// <summary>One part of one dispatch: Stopwatch ticks of the dispatch's start, and of this part's start and end.</summary>
    internal struct TraceEntry
    {
        public long Dispatch, Issued, Start, End;
        /// <summary>The thread's CPU time spent in the part, in nanoseconds (Linux; 0 elsewhere).</summary>
        public long CpuNs;
        public int Part, Parts;
        public nint Fn;
    }

    /// <summary>
    /// True when the environment variable <c>STATICCNN_WORKER_TRACE</c> is 1: every part of every dispatch (pooled,
    /// inline or single) is timed into a ring of <see cref="TraceCapacity"/> entries (<see cref="TakeTrace"/>). For
    /// finding out where a second thread's time goes (wake-up delay, imbalance, slower parts); off, it costs one
    /// predictable branch per dispatch.
    /// </summary>
    internal static readonly bool TraceEnabled = Environment.GetEnvironmentVariable("STATICCNN_WORKER_TRACE") == "1";
    internal const int TraceCapacity = 1 << 16;
    private static readonly TraceEntry[] Trace = TraceEnabled ? new TraceEntry[TraceCapacity] : [];
    private static int _traceCount;
    private static long _traceDispatch, _traceIssued;

    /// <summary>The entries recorded since the last call (at most <see cref="TraceCapacity"/>), in completion order.</summary>
    internal static TraceEntry[] TakeTrace()
    {
        int n = Math.Min(Interlocked.Exchange(ref _traceCount, 0), TraceCapacity);
        return Trace.AsSpan(0, n).ToArray();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, long* timespec);

    /// <summary>CLOCK_THREAD_CPUTIME_ID of the calling thread in nanoseconds (Linux), else 0.</summary>
    private static long ThreadCpuNs()
    {
        if (!OperatingSystem.IsLinux()) return 0;
        long* ts = stackalloc long[2];
        return ClockGetTime(3, ts) == 0 ? ts[0] * 1_000_000_000 + ts[1] : 0;
    }

    private static void TracedPart(delegate*<void*, int, int, void> fn, void* ctx, int t, int parts, long dispatch, long issued)
    {
        long cpu0 = ThreadCpuNs();
        long start = Stopwatch.GetTimestamp();
        try
        {
            fn(ctx, t, parts);
        }
        finally
        {
            long end = Stopwatch.GetTimestamp();
            long cpu = ThreadCpuNs() - cpu0;
            int i = Interlocked.Increment(ref _traceCount) - 1;
            if (i < TraceCapacity)
                Trace[i] = new TraceEntry { Dispatch = dispatch, Issued = issued, Start = start, End = end, CpuNs = cpu, Part = t, Parts = parts, Fn = (nint)fn };
        }
    }

    /// <summary>Runs <paramref name="fn"/>(ctx, t, parts) for t in [0, parts).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int parts, delegate*<void*, int, int, void> fn, void* ctx)
    {
        if (TraceEnabled && (parts <= 1 || Volatile.Read(ref _busy) != 0))
        {
            long d = Interlocked.Increment(ref _traceDispatch), issued = Stopwatch.GetTimestamp();
            for (int t = 0; t < Math.Max(1, parts); t++) TracedPart(fn, ctx, t, Math.Max(1, parts), d, issued);
            return;
        }
        if (parts <= 1)
        {
            fn(ctx, 0, 1);
            return;
        }
        if (Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            Interlocked.Increment(ref _inlineWhileBusy);
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
            var workers = _workers;
            Volatile.Write(ref _pending, parts - 1);
            _dispatches++;
            if (TraceEnabled)
            {
                _traceDispatch++;
                _traceIssued = Stopwatch.GetTimestamp();
            }
            for (int i = 0; i < parts - 1; i++)
            {
                var w = workers[i];
                w.Part = i + 1;
                long ticket = Interlocked.Increment(ref w.Ticket);   // full fence: fn, ctx, parts and Part are visible before the ticket
                if (Interlocked.CompareExchange(ref w.Parked, 0, ticket) == ticket)
                {
                    _parkedWakeups++;
                    w.Go.Release();
                }
            }
            try
            {
                if (TraceEnabled) TracedPart(fn, ctx, 0, parts, _traceDispatch, _traceIssued);
                else fn(ctx, 0, parts);
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
        long seen = 0;
        while (true)
        {
            WaitForTicket(w, seen);
            seen++;   // exactly one ticket per dispatch: the next one waits for this part to finish
            try
            {
                if (TraceEnabled) TracedPart(_fn, _ctx, w.Part, _parts, _traceDispatch, _traceIssued);
                else _fn(_ctx, w.Part, _parts);
            }
            catch (Exception e)
            {
                _error = e;
            }
            Interlocked.Decrement(ref _pending);
        }
    }

    /// <summary>Returns once <c>w.Ticket</c> moved past <paramref name="seen"/>: spins for a bounded time, then parks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WaitForTicket(Worker w, long seen)
    {
        long start = Stopwatch.GetTimestamp();
        int i = 0;
        while (Volatile.Read(ref w.Ticket) == seen)
        {
            // a few pause loops, then yield: a runnable thread that needs this CPU (another process, or the caller
            // itself when the CPUs are shared) gets it at once, and the worker still sees the next dispatch quickly
            if (i < 32) Thread.SpinWait(8);
            else Thread.Yield();
            if ((++i & 3) == 0 && Stopwatch.GetTimestamp() - start > Volatile.Read(ref SpinTicks))
            {
                // Park: announce the ticket it waits for, then look once more (the dispatcher moves the ticket before
                // it reads Parked; both sides use full fences, so one of them sees the other).
                long want = seen + 1;
                Interlocked.Exchange(ref w.Parked, want);
                if (Volatile.Read(ref w.Ticket) != seen && Interlocked.CompareExchange(ref w.Parked, 0, want) == want)
                    return;           // took the announcement back before the dispatcher saw it: no release is coming
                w.Go.Wait();          // the dispatcher took the announcement (now or later): its release wakes us
                return;
            }
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
