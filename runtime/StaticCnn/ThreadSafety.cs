namespace StaticCnn;

/// <summary>
/// The thread-safety contract of networks and inference contexts (docs/ARCHITECTURE.md, "Thread safety"), and the
/// small helpers generated networks call to keep it.
/// </summary>
/// <remarks>
/// A network instance (and an <see cref="IInferenceContext"/>) serves one thread at a time: its calls share one
/// workspace and one kernel scratch. Each call that touches them takes a flag with one interlocked compare-exchange on
/// entry and releases it on exit; a call that finds the flag taken throws <see cref="ConcurrentUse"/> instead of
/// corrupting memory. Handing an instance from one thread to another between calls is fine. To serve several threads
/// from one set of weights, create one <see cref="IInferenceContext"/> per thread with
/// <see cref="INetwork.CreateInferenceContext"/>.
/// </remarks>
public static class ThreadSafety
{
    /// <summary>The largest kernel thread count a network or context accepts (<see cref="INetwork.Threads"/>).</summary>
    public const int MaxThreads = 1024;

    /// <summary>The exception of a call that overlaps another call on the same network instance.</summary>
    /// <param name="network">The network's name.</param>
    public static InvalidOperationException ConcurrentUse(string network) => new(
        $"{network} is already in use by another thread: one network instance serves one thread at a time (its calls share one workspace). "
        + "Use one instance per thread, or for inference one context per thread: CreateInferenceContext(maxBatch, threads) runs this "
        + "instance's weights with its own workspace.");

    /// <summary>The exception of a call that overlaps another call on the same inference context.</summary>
    /// <param name="network">The network's name.</param>
    public static InvalidOperationException ConcurrentContextUse(string network) => new(
        $"This inference context of {network} is already in use by another thread: a context serves one thread at a time. "
        + "Create one context per thread with CreateInferenceContext(maxBatch, threads).");

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> unless <paramref name="threads"/> is in 1..<see cref="MaxThreads"/>.</summary>
    /// <param name="threads">The thread count to check.</param>
    /// <param name="parameterName">The argument's name, for the exception.</param>
    public static void CheckThreads(int threads, string parameterName)
    {
        if (threads < 1 || threads > MaxThreads)
            throw new ArgumentOutOfRangeException(parameterName, threads, $"threads must be in 1..{MaxThreads}.");
    }

    /// <summary>The exception of a batch capacity or thread count whose kernel scratch would not fit in an int-indexed buffer.</summary>
    /// <param name="parameterName">The argument at fault.</param>
    /// <param name="value">Its value.</param>
    /// <param name="batch">The batch capacity asked for.</param>
    /// <param name="threads">The thread count asked for.</param>
    public static ArgumentOutOfRangeException ScratchTooLarge(string parameterName, int value, int batch, int threads) => new(parameterName, value,
        $"The kernels' scratch for {batch} samples on {threads} threads needs more than {int.MaxValue} floats; use a smaller {parameterName}.");
}

/// <summary>
/// The parameter and buffer arenas of a network, shared by the network and its inference contexts: a reference count
/// of owners (the network until it is disposed, and every live context) frees them when the last owner releases them,
/// so that a context never reads freed memory. Generated networks create it; user code does not need it.
/// </summary>
/// <remarks>Thread-safe: owners may be added and released from any thread.</remarks>
public sealed class SharedArenas
{
    private int _owners = 1;

    /// <summary>Allocates both arenas (zeroed, 64-byte aligned), owned by the caller.</summary>
    /// <param name="parameterCount">Floats of the parameter arena.</param>
    /// <param name="bufferCount">Floats of the buffer arena (BatchNorm running statistics).</param>
    public SharedArenas(int parameterCount, int bufferCount)
    {
        Parameters = new AlignedBuffer<float>(parameterCount);
        Buffers = new AlignedBuffer<float>(bufferCount);
    }

    /// <summary>The parameter arena (<see cref="INetwork.Parameters"/>).</summary>
    public AlignedBuffer<float> Parameters { get; }
    /// <summary>The buffer arena (<see cref="INetwork.Buffers"/>).</summary>
    public AlignedBuffer<float> Buffers { get; }
    /// <summary>Current owners; 0 once the arenas are freed.</summary>
    public int Owners => Volatile.Read(ref _owners);

    /// <summary>Adds an owner, who must call <see cref="Release"/> once.</summary>
    /// <exception cref="ObjectDisposedException">Every owner has released the arenas: they are freed.</exception>
    public void AddOwner()
    {
        int n;
        do
        {
            n = Volatile.Read(ref _owners);
            if (n == 0) throw new ObjectDisposedException(nameof(SharedArenas), "The arenas were freed when their last owner released them.");
        }
        while (Interlocked.CompareExchange(ref _owners, n + 1, n) != n);
    }

    /// <summary>Releases one owner's hold; the last one frees both arenas.</summary>
    /// <exception cref="InvalidOperationException">Called more often than there were owners.</exception>
    public void Release()
    {
        int n = Interlocked.Decrement(ref _owners);
        if (n == 0)
        {
            Parameters.Dispose();
            Buffers.Dispose();
        }
        else if (n < 0)
        {
            Interlocked.Exchange(ref _owners, 0);
            throw new InvalidOperationException("SharedArenas.Release was called more often than AddOwner.");
        }
    }
}
