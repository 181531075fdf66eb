using System.ComponentModel;
using System.Runtime.CompilerServices;
using StaticCnn.Kernels;

namespace StaticCnn;

/// <summary>
/// Inference one sample at a time, on up to <c>threads</c> streams side by side: the batched inference of the
/// networks whose generator plan says so (a large network with one input and one output, see docs/ARCHITECTURE.md,
/// "Samples one at a time"). Each sample runs the network's batch-1 body on one stream; with several streams each
/// stream runs its kernels on one thread and takes the next sample when it finishes one. A sample's arithmetic is its
/// batch-1 arithmetic whatever the batch, the thread count or the stream that takes it, so results are bit-identical
/// for any thread count, and equal to <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> of that
/// sample alone.
/// </summary>
/// <remarks>
/// <para>Why: a large network's batch on two threads splits every layer's work in two and waits at the end of each
/// layer; on MobileNetV2 (dozens of small layers) that lost a fifth of the second core. Two streams of whole samples
/// share nothing but the weights and meet once per call.</para>
/// <para>Thread safety: calls on different memory may run at once; a call that finds the kernels' worker pool busy
/// (another call's streams or kernels) runs its streams one after another on the calling thread, with the same bits.
/// The arguments are the generated code's, already checked against the network's sizes; a scratch or workspace too
/// small for the streams throws <see cref="ArgumentException"/>, and spans too short for the batch throw
/// <see cref="ArgumentOutOfRangeException"/> from their slicing, before anything is written out of bounds.</para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class SampleStreams
{
    /// <summary>
    /// A network's inference body for <paramref name="batch"/> samples from sample <paramref name="s0"/> of a workspace
    /// laid out for <paramref name="mb"/> samples (the generated <c>ForwardInference</c>).
    /// </summary>
    public delegate void Body(ReadOnlySpan<float> input, Span<float> output, int batch, Span<float> ws, Span<int> iws,
        ReadOnlySpan<float> prm, ReadOnlySpan<float> buf, Span<float> scratch, int mb, int s0, int threads, bool reference,
        PreparedWeights? prepared);

    /// <summary>How many streams a call of <paramref name="batch"/> samples on <paramref name="threads"/> threads runs.</summary>
    public static int Streams(int batch, int threads) => Math.Max(1, Math.Min(batch, threads));

    /// <summary>
    /// Floats of scratch for <paramref name="streams"/> streams of <paramref name="perStream"/> floats each, every
    /// stream's share starting 64-byte aligned relative to the first.
    /// </summary>
    public static long ScratchFloats(int streams, long perStream) => streams * StreamStride(perStream);

    private static long StreamStride(long perStream) => (perStream + 15) & ~15L;

    /// <summary>
    /// Runs <paramref name="body"/> on every sample of the batch. <paramref name="wsPerStream"/> (and
    /// <paramref name="iwsPerStream"/>): 0 when every sample has its own place in <paramref name="ws"/> (a layout of
    /// <paramref name="mb"/> samples: sample i at s0 = i), else the floats (ints) of one stream's own batch-1 workspace,
    /// stream k's from k × that. <paramref name="scratchPerStream"/>: the batch-1, one-thread scratch.
    /// </summary>
    public static void Run(Body body, ReadOnlySpan<float> input, int inputSize, Span<float> output, int outputSize, int batch,
        Span<float> ws, int wsPerStream, Span<int> iws, int iwsPerStream, ReadOnlySpan<float> prm, ReadOnlySpan<float> buf,
        Span<float> scratch, long scratchPerStream, int mb, int threads, bool reference, PreparedWeights? prepared)
    {
        int streams = Streams(batch, threads);
        // one stream runs its kernels on every thread and takes all of the scratch; several take one thread and a share each
        long stride = streams > 1 ? StreamStride(scratchPerStream) : scratch.Length;
        if ((long)streams * stride > scratch.Length || (long)streams * wsPerStream > ws.Length || (long)streams * iwsPerStream > iws.Length)
            throw new ArgumentException($"The scratch or workspace is too small for {streams} streams.", nameof(scratch));
        fixed (float* pin = input, pout = output, pws = ws, pprm = prm, pbuf = buf, pscr = scratch)
        fixed (int* piws = iws)
        {
            var c = new Ctx
            {
                Body = body, Prepared = prepared, Input = pin, InputSize = inputSize, InputLength = input.Length,
                Output = pout, OutputSize = outputSize, OutputLength = output.Length, Batch = batch,
                Ws = pws, WsLength = ws.Length, WsPerStream = wsPerStream, Iws = piws, IwsLength = iws.Length,
                IwsPerStream = iwsPerStream, Prm = pprm, PrmLength = prm.Length, Buf = pbuf, BufLength = buf.Length,
                Scratch = pscr, ScratchStride = stride, Mb = mb, Reference = reference,
                Threads = streams > 1 ? 1 : threads,
            };
            GemmWorkers.Run(streams, &Stream, Unsafe.AsPointer(ref c));   // one part runs inline on this thread
        }
    }

    private struct Ctx
    {
        public Body Body;
        public PreparedWeights? Prepared;
        public float* Input, Output, Ws, Prm, Buf, Scratch;
        public int* Iws;
        public int InputSize, InputLength, OutputSize, OutputLength, Batch, WsLength, WsPerStream, IwsLength, IwsPerStream;
        public int PrmLength, BufLength, Mb, Threads;
        public long ScratchStride;
        public bool Reference;
        public int Next;   // the next sample to take
    }

    private static void Stream(void* ctx, int k, int parts)
    {
        ref Ctx c = ref Unsafe.AsRef<Ctx>(ctx);
        bool own = c.WsPerStream > 0;   // a workspace of the stream's own is a batch-1 layout (mb 1, s0 0); the shared one keeps sample i at s0 = i
        var ws = own ? new Span<float>(c.Ws + (nint)k * c.WsPerStream, c.WsPerStream) : new Span<float>(c.Ws, c.WsLength);
        var iws = own ? new Span<int>(c.Iws + (nint)k * c.IwsPerStream, c.IwsPerStream) : new Span<int>(c.Iws, c.IwsLength);
        var scratch = new Span<float>(c.Scratch + k * c.ScratchStride, (int)c.ScratchStride);
        var input = new ReadOnlySpan<float>(c.Input, c.InputLength);
        var output = new Span<float>(c.Output, c.OutputLength);
        var prm = new ReadOnlySpan<float>(c.Prm, c.PrmLength);
        var buf = new ReadOnlySpan<float>(c.Buf, c.BufLength);
        // samples are taken in turn as the streams finish them: which stream runs a sample changes no bit of it
        for (int i = Interlocked.Increment(ref c.Next) - 1; i < c.Batch; i = Interlocked.Increment(ref c.Next) - 1)
            c.Body(input.Slice(i * c.InputSize, c.InputSize), output.Slice(i * c.OutputSize, c.OutputSize), 1,
                ws, iws, prm, buf, scratch, own ? 1 : c.Mb, own ? 0 : i, c.Threads, c.Reference, c.Prepared);
    }
}
