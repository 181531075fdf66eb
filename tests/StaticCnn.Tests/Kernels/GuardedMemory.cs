using System.Runtime.InteropServices;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Floats placed against a page mapped PROT_NONE (Linux), so that a kernel reading a single float before their start
/// or past their end faults instead of reading a neighbour's memory: the test of "never reads outside the tensor".
/// </summary>
internal static unsafe class GuardedMemory
{
    private const int Page = 4096;   // x86-64 and the usual ARM64 kernels; a larger page only moves the guard further

    /// <summary>Whether guard pages can be mapped here (Linux).</summary>
    public static bool Supported => OperatingSystem.IsLinux();

    /// <summary>
    /// Runs <paramref name="body"/> on a copy of <paramref name="data"/> that ends at a PROT_NONE page
    /// (<paramref name="guardAfter"/>) or starts right after one.
    /// </summary>
    public static void Run(ReadOnlySpan<float> data, bool guardAfter, Action<nint> body)
    {
        int n = data.Length;
        nuint dataBytes = (nuint)((n * sizeof(float) + Page - 1) / Page * Page);
        nint map = mmap(0, dataBytes + 2 * Page, 3 /* PROT_READ | PROT_WRITE */, 0x22 /* MAP_PRIVATE | MAP_ANONYMOUS */, -1, 0);
        Assert.True(map != -1, $"mmap failed ({Marshal.GetLastPInvokeError()})");
        try
        {
            Assert.Equal(0, mprotect(map, Page, 0 /* PROT_NONE */));
            Assert.Equal(0, mprotect(map + Page + (nint)dataBytes, Page, 0));
            float* p = guardAfter ? (float*)(map + Page + (nint)dataBytes) - n : (float*)(map + Page);
            data.CopyTo(new Span<float>(p, n));
            body((nint)p);
        }
        finally { munmap(map, dataBytes + 2 * Page); }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern nint mmap(nint addr, nuint length, int prot, int flags, int fd, nint offset);

    [DllImport("libc", SetLastError = true)]
    private static extern int mprotect(nint addr, nuint length, int prot);

    [DllImport("libc", SetLastError = true)]
    private static extern int munmap(nint addr, nuint length);
}
