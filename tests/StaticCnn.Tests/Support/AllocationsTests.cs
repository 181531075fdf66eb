using Xunit;

namespace StaticCnn.Tests.Support;

/// <summary>The shared allocation measure (tests/Shared/Allocations.cs): a per-run allocation shows, a one-off does not.</summary>
public class AllocationsTests
{
    private static object? _sink;

    [Fact]
    public void PerRun_SeesAnAllocationInEveryRun()
    {
        Assert.Equal(24, Allocations.PerRun(() => _sink = new object()));
        Assert.Equal(0, Allocations.PerRun(() => _sink = null));
    }

    [Fact]
    public void PerRun_IgnoresAOneOffAllocation()
    {
        int calls = 0;
        // the third call (a measured one: the first call is the unmeasured warm-up) allocates once
        Assert.Equal(0, Allocations.PerRun(() => { if (++calls == 3) _sink = new byte[1000]; }));
        Assert.Equal(6, calls);
        Assert.Throws<ArgumentOutOfRangeException>(() => Allocations.PerRun(() => { }, 0));
    }
}
