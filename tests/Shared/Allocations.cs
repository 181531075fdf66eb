namespace StaticCnn.Tests.Support;

/// <summary>
/// The one allocation measure of the test projects (tests/Shared): the managed bytes one run of a piece of work
/// allocates on the calling thread, in steady state.
/// <para>
/// The runtime allocates on the calling thread now and then for reasons of its own: starting its tiered-compilation
/// worker when a method reaches its call count, or a class initialised on first use. A single measured run can take one
/// of those (CI saw a Winograd call "allocate" once in thousands of runs). So <see cref="PerRun"/> measures several runs
/// and returns the least: an allocation of ours happens in every run and still shows, a one-off of the runtime's does
/// not. <see cref="AllocationsTests"/> proves that a per-run allocation of 24 bytes is seen.
/// </para>
/// </summary>
public static class Allocations
{
    /// <summary>
    /// The fewest bytes one call of <paramref name="run"/> allocated on this thread, over <paramref name="attempts"/>
    /// calls (after one unmeasured call for the JIT). Pass a lambda that captures its data once; invoking it allocates nothing.
    /// </summary>
    public static long PerRun(Action run, int attempts = 5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        run();
        long least = long.MaxValue;
        for (int i = 0; i < attempts; i++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            run();
            least = Math.Min(least, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return least;
    }
}
