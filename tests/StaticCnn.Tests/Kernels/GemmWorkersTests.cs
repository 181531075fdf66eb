using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

/// <summary>The kernels' worker pool: every part runs exactly once per dispatch, fast and slow, nested, failing.</summary>
public unsafe class GemmWorkersTests
{
    private struct Counters
    {
        public fixed long Count[8];
        public long Sum;
    }

    private static void CountPart(void* ctx, int t, int parts)
    {
        var c = (Counters*)ctx;
        Interlocked.Increment(ref c->Count[t]);
        Interlocked.Add(ref c->Sum, parts);
    }

    [Theory]
    [InlineData(2, 20_000)]
    [InlineData(3, 5_000)]
    public void Many_rapid_dispatches_run_every_part_exactly_once(int parts, int dispatches)
    {
        Counters c = default;
        for (int i = 0; i < dispatches; i++) GemmWorkers.Run(parts, &CountPart, &c);
        for (int t = 0; t < parts; t++) Assert.Equal(dispatches, c.Count[t]);
        for (int t = parts; t < 8; t++) Assert.Equal(0, c.Count[t]);
        Assert.Equal((long)parts * parts * dispatches, c.Sum);
    }

    [Fact]
    public void Dispatches_after_the_workers_parked_still_run_every_part()
    {
        Counters c = default;
        for (int i = 0; i < 30; i++)
        {
            GemmWorkers.Run(2, &CountPart, &c);
            // alternately past the spin window (the worker parks) and inside it (the worker is still spinning)
            if (i % 2 == 0) Thread.Sleep(2);
            else Thread.SpinWait(200);
        }
        Assert.Equal(30, c.Count[0]);
        Assert.Equal(30, c.Count[1]);
    }

    [Fact]
    public void An_idle_worker_parks_after_its_bounded_spin_and_a_busy_one_does_not()
    {
        Counters c = default;
        bool parked = false;
        for (int attempt = 0; attempt < 20 && !parked; attempt++)
        {
            GemmWorkers.Run(2, &CountPart, &c);
            Thread.Sleep(20 + GemmWorkers.SpinMicroseconds / 1000);   // far past the spin window
            long before = GemmWorkers.ParkedWakeups;
            GemmWorkers.Run(2, &CountPart, &c);
            parked = GemmWorkers.ParkedWakeups > before;
        }
        Assert.True(parked, "the worker never parked while idle");
        // back to back, the dispatches find the worker still watching (allow a few wake-ups: the tests share the CPUs)
        long wakeups = GemmWorkers.ParkedWakeups, dispatches = GemmWorkers.Dispatches;
        for (int i = 0; i < 2_000; i++) GemmWorkers.Run(2, &CountPart, &c);
        long made = GemmWorkers.Dispatches - dispatches;
        Assert.True(made == 0 || GemmWorkers.ParkedWakeups - wakeups < made * 9 / 10,
            $"{GemmWorkers.ParkedWakeups - wakeups} of {made} back-to-back dispatches had to wake a parked worker");
    }

    [Fact]
    public void Mixed_part_counts_in_a_row_run_every_part_exactly_once()
    {
        Counters c = default;
        long expected0 = 0, expected1 = 0, expected2 = 0;
        for (int i = 0; i < 3_000; i++)
        {
            int parts = 1 + i % 3;
            GemmWorkers.Run(parts, &CountPart, &c);
            expected0++;
            if (parts > 1) expected1++;
            if (parts > 2) expected2++;
        }
        Assert.Equal(expected0, c.Count[0]);
        Assert.Equal(expected1, c.Count[1]);
        Assert.Equal(expected2, c.Count[2]);
    }

    private static void NestedPart(void* ctx, int t, int parts)
    {
        // a nested call from inside a part runs its parts inline on this thread
        int id = Environment.CurrentManagedThreadId;
        int* seen = stackalloc int[2];
        GemmWorkers.Run(2, &RecordThread, seen);
        if (seen[0] != id || seen[1] != id) Interlocked.Increment(ref ((Counters*)ctx)->Sum);
        Interlocked.Increment(ref ((Counters*)ctx)->Count[t]);
    }

    private static void RecordThread(void* ctx, int t, int parts) => ((int*)ctx)[t] = Environment.CurrentManagedThreadId;

    private static void CountOnce(void* ctx, int t, int parts) => Interlocked.Increment(ref ((int*)ctx)[t]);

    /// <summary>
    /// Four callers contend for the pool (one owns it, the others run inline) while the workers park after every
    /// part (spin window 0), with pauses that let them park between dispatches: every call runs each of its parts
    /// exactly once, and no call hangs. Before the park announcement named its ticket, an owner delayed between
    /// moving a worker's ticket and taking its announcement released a worker that had already run that ticket and
    /// parked for the next: it ran a stale part, the pending count went wrong, and within a few thousand dispatches
    /// a caller spun forever (as one CI run and a full test run did).
    /// </summary>
    [Fact]
    public void Contending_callers_with_workers_that_park_at_once_run_every_part_exactly_once()
    {
        long spin = GemmWorkers.SpinTicks;
        GemmWorkers.SpinTicks = 0;
        long calls = 0, wrong = 0, dispatches = GemmWorkers.Dispatches;
        string? first = null;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var callers = new Thread[4];
            for (int k = 0; k < callers.Length; k++)
            {
                int seed = k;
                callers[k] = new Thread(() =>
                {
                    var rng = new Random(seed);
                    int* count = stackalloc int[4];
                    while (clock.Elapsed.TotalSeconds < 3 && Interlocked.Read(ref wrong) == 0)
                    {
                        int parts = 2 + rng.Next(2);
                        for (int t = 0; t < 4; t++) count[t] = 0;
                        GemmWorkers.Run(parts, &CountOnce, count);
                        for (int t = 0; t < 4; t++)
                            if (count[t] != (t < parts ? 1 : 0) && Interlocked.Increment(ref wrong) == 1)
                                first = $"part {t} of {parts} ran {count[t]} times";
                        Interlocked.Increment(ref calls);
                        int r = rng.Next(100);
                        if (r < 2) Thread.Sleep(1);
                        else if (r < 10) Thread.SpinWait(rng.Next(2000));
                    }
                }) { IsBackground = true };
                callers[k].Start();
            }
            foreach (var caller in callers)
                Assert.True(caller.Join(TimeSpan.FromSeconds(60)), $"a caller hung after {Interlocked.Read(ref calls)} calls");
        }
        finally
        {
            GemmWorkers.SpinTicks = spin;
        }
        Assert.True(wrong == 0, $"{wrong} calls ran a part other than once, first: {first}");
        Assert.True(GemmWorkers.Dispatches - dispatches > 1000, $"only {GemmWorkers.Dispatches - dispatches} pooled dispatches in {calls} calls");
    }

    [Fact]
    public void Nested_calls_run_inline()
    {
        Counters c = default;
        for (int i = 0; i < 200; i++) GemmWorkers.Run(2, &NestedPart, &c);
        Assert.Equal(200, c.Count[0]);
        Assert.Equal(200, c.Count[1]);
        Assert.Equal(0, c.Sum);
    }

    private static void ThrowOnWorker(void* ctx, int t, int parts)
    {
        if (t == 1) throw new InvalidOperationException("part 1 failed");
    }

    [Fact]
    public void An_exception_in_a_worker_part_reaches_the_caller_and_the_pool_keeps_working()
    {
        var e = Assert.Throws<InvalidOperationException>(() => GemmWorkers.Run(2, &ThrowOnWorker, null));
        Assert.Equal("part 1 failed", e.Message);
        Many_rapid_dispatches_run_every_part_exactly_once(2, 100);
    }

    [Fact]
    public void Dispatching_allocates_nothing()
    {
        Counters c = default;
        Counters* pc = &c;
        for (int i = 0; i < 100; i++) GemmWorkers.Run(2, &CountPart, pc);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 2_000; i++) GemmWorkers.Run(2, &CountPart, pc);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}

[Trait("Category", "Numeric")]
public class ElementwiseClearTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(1000)]
    [InlineData(131_072)]
    [InlineData(1_000_003)]
    public void Clear_zeroes_exactly_the_span_on_any_thread_count(int n)
    {
        var rng = new Random(n);
        foreach (int threads in new[] { 1, 2, 3 })
        {
            float[] a = Rand(rng, n + 2, 0.5f, 1f);
            Elementwise.Clear(a.AsSpan(1, n), threads);
            Assert.Equal(0f, a[1..^1].Max());
            Assert.Equal(0f, a[1..^1].Min());
            Assert.True(a[0] >= 0.5f && a[^1] >= 0.5f, "Clear wrote outside the span");
        }
    }

    [Fact]
    public void Clear_allocates_nothing_and_uses_the_pool_when_large()
    {
        float[] a = new float[2_000_000];
        NoAllocation(() => Elementwise.Clear(a, 2));
    }
}
