using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using StaticCnn.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// The thread-safety contract (runtime/StaticCnn/INetwork.cs, docs/ARCHITECTURE.md "Thread safety"): per-thread
/// inference contexts on one network give the sequential results bit for bit; one instance (or one context) used from
/// two threads at once throws <see cref="InvalidOperationException"/> and never corrupts memory; contexts keep the
/// weights alive after the network is disposed; sizes that do not fit and calls after Dispose get clear exceptions.
/// Before the guard, the misuse tests killed the test host (AccessViolationException in ConvDirect).
/// Not Category=Numeric: every result is compared bit for bit with the same process's sequential result, which does not
/// depend on the instruction set, and the portable path is far too slow for 40,000 inferences.
/// </summary>
[Collection(nameof(ConcurrencyTests))]
public sealed class ConcurrencyTests
{
    private readonly ITestOutputHelper _out;
    public ConcurrencyTests(ITestOutputHelper output) => _out = output;

    private static INetwork Make(string name, int maxBatch) => name switch
    {
        "LeNet5" => new LeNet5(maxBatch, seed: 7),
        "Cifar10Net" => new Cifar10Net(maxBatch, seed: 7),
        "MixedNet" => new MixedNet(maxBatch, seed: 7),
        _ => throw new ArgumentException(name),
    };

    /// <summary>
    /// A network ready for inference: MixedNet (BatchNorm) first runs a few ForwardTrain steps so that its running
    /// statistics are not the initial 0/1 and the contexts must read the buffer arena too.
    /// </summary>
    private static INetwork Prepared(string name, int maxBatch)
    {
        INetwork net = Make(name, maxBatch);
        if (net.Buffers.Length > 0)
        {
            var y = new float[maxBatch * net.OutputSize];
            for (int i = 0; i < 3; i++) net.ForwardTrain(Parity.RandomNormal(maxBatch * net.InputSize, 50 + i), y, maxBatch);
        }
        return net;
    }

    /// <summary>A few different inputs: input k holds k+1 samples (batch 1 … count), each with its sequential output.</summary>
    private static (float[] X, int Batch, float[] Y)[] Cases(INetwork net, int count)
    {
        var cases = new (float[], int, float[])[count];
        for (int k = 0; k < count; k++)
        {
            int batch = k % net.MaxBatch + 1;
            float[] x = Parity.RandomNormal(batch * net.InputSize, 100 + k);
            var y = new float[batch * net.OutputSize];
            net.Forward(x, y, batch);
            cases[k] = (x, batch, y);
        }
        return cases;
    }

    private static bool BitIdentical(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        => MemoryMarshal.Cast<float, int>(a).SequenceEqual(MemoryMarshal.Cast<float, int>(b));

    /// <summary>
    /// Runs <paramref name="threads"/> contexts of <paramref name="net"/> (each with <paramref name="kernelThreads"/>
    /// kernel threads, each created on its own thread) for <paramref name="calls"/> calls each, all starting together,
    /// while one more thread keeps calling the network's own Forward; returns the mismatches of both.
    /// </summary>
    private long RunContexts(INetwork net, int threads, int calls, int kernelThreads, (float[] X, int Batch, float[] Y)[] cases)
    {
        long mismatches = 0, done = 0, networkCalls = 0;
        bool finished = false;
        using var start = new Barrier(threads + 1);
        var own = new Thread(() =>
        {
            var y = new float[cases[0].Y.Length];
            start.SignalAndWait();
            while (!Volatile.Read(ref finished))
            {
                net.Forward(cases[0].X, y, cases[0].Batch);
                if (!BitIdentical(cases[0].Y, y)) Interlocked.Increment(ref mismatches);
                networkCalls++;
            }
        });
        own.Start();
        var sw = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            using IInferenceContext ctx = net.CreateInferenceContext(net.MaxBatch, kernelThreads);
            var outputs = cases.Select(c => new float[c.Y.Length]).ToArray();
            start.SignalAndWait();
            for (int i = 0; i < calls; i++)
            {
                int k = (i + t) % cases.Length;
                ctx.Forward(cases[k].X, outputs[k], cases[k].Batch);
                if (!BitIdentical(cases[k].Y, outputs[k])) Interlocked.Increment(ref mismatches);
                outputs[k].AsSpan().Fill(float.NaN);
            }
            Interlocked.Add(ref done, calls);
        })).ToArray();
        foreach (var w in workers) w.Start();
        foreach (var w in workers) w.Join();
        Volatile.Write(ref finished, true);
        own.Join();
        _out.WriteLine($"{net.Name}: {threads} threads × {calls} context calls (kernel threads {kernelThreads}, {cases.Length} inputs) beside "
            + $"{networkCalls} calls of the network's own Forward: {mismatches} mismatches, {sw.ElapsedMilliseconds} ms");
        Assert.Equal((long)threads * calls, done);
        return mismatches;
    }

    [Fact]
    public void FourThreadsTimesTenThousandInferences_ThroughContexts_AreBitIdenticalToSequential()
    {
        using INetwork net = Prepared("LeNet5", 4);
        var cases = Cases(net, 4);
        Assert.Equal(0, RunContexts(net, threads: 4, calls: 10_000, kernelThreads: 1, cases));
        // the network itself still gives the same results afterwards (the contexts never wrote its memory)
        foreach (var (x, batch, y) in cases)
        {
            var again = new float[y.Length];
            net.Forward(x, again, batch);
            NumericAssert.Identical("network Forward after the contexts", y, again);
        }
    }

    [Theory]
    [InlineData("MixedNet")]
    [InlineData("Cifar10Net")]
    public void ContextsOnOtherNetworks_AreBitIdenticalToSequential(string name)
    {
        using INetwork net = Prepared(name, 3);
        Assert.Equal(0, RunContexts(net, threads: 4, calls: 1_000, kernelThreads: 1, Cases(net, 3)));
    }

    /// <summary>
    /// Several contexts with Threads = 2 dispatch to the one kernel worker pool at the same time: the pool has one owner
    /// at a time, the others run their parts inline (GemmWorkers.InlineWhileBusy counts them). Results stay bit-identical.
    /// </summary>
    [Fact]
    public void ContextsWithTwoKernelThreads_DispatchConcurrently_AndStayBitIdentical()
    {
        using INetwork net = Prepared("Cifar10Net", 4);
        var cases = Cases(net, 4);
        long dispatches = GemmWorkers.Dispatches, inline = GemmWorkers.InlineWhileBusy;
        Assert.Equal(0, RunContexts(net, threads: 4, calls: 400, kernelThreads: 2, cases));
        long pooled = GemmWorkers.Dispatches - dispatches, contended = GemmWorkers.InlineWhileBusy - inline;
        _out.WriteLine($"pool dispatches {pooled}, dispatches that found the pool busy and ran inline {contended}");
        Assert.True(pooled > 0, "the contexts never used the worker pool");
        Assert.True(contended > 0, "no two contexts dispatched at the same time");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ContextForward_AllocatesNothing(int threads)
    {
        foreach (INetwork net in new[] { Prepared("LeNet5", 8), Prepared("Cifar10Net", 4), Prepared("MixedNet", 3) })
            using (net)
            using (IInferenceContext ctx = net.CreateInferenceContext(net.MaxBatch, threads))
            {
                var x = Parity.RandomNormal(net.MaxBatch * net.InputSize, 2);
                var y = new float[net.MaxBatch * net.OutputSize];
                for (int i = 0; i < 3; i++) ctx.Forward(x, y, net.MaxBatch);
                long before = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 0; i < 10; i++) ctx.Forward(x, y, net.MaxBatch);
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
    }

    // ------------------------------------------------------------------ misuse: one instance, two threads

    public static IEnumerable<object[]> MisuseCases() =>
        from n in new[] { "LeNet5", "MixedNet", "Cifar10Net" }
        from s in new[] { "Forward/Forward", "ForwardTrain/Backward", "Threads/Forward", "GetActivation+ZeroGradients/Forward" }
        select new object[] { n, s };

    /// <summary>
    /// Two threads call one instance until 20 overlaps were caught (at most 10 s). Every overlap must be an
    /// InvalidOperationException naming the fix; no other exception; every Forward that ran gives the sequential result.
    /// </summary>
    [Theory]
    [MemberData(nameof(MisuseCases))]
    public void OneInstanceFromTwoThreads_Throws_AndNeverCorrupts(string name, string scenario)
    {
        using INetwork net = Prepared(name, 4);
        int batch = net.MaxBatch;
        float[] x = Parity.RandomNormal(batch * net.InputSize, 5), dy = Parity.RandomNormal(batch * net.OutputSize, 6);
        var expected = new float[batch * net.OutputSize];
        net.Forward(x, expected, batch);
        if (scenario == "ForwardTrain/Backward") net.ForwardTrain(x, new float[expected.Length], batch); // Backward has something to work on from the start

        long caught = 0, ok = 0, wrong = 0;
        Exception? unexpected = null;
        var sw = Stopwatch.StartNew();
        bool Running() => Interlocked.Read(ref caught) < 20 && sw.ElapsedMilliseconds < 10_000 && Volatile.Read(ref unexpected) == null;
        void Loop(Action call)
        {
            while (Running())
            {
                try
                {
                    call();
                    Interlocked.Increment(ref ok);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("already in use by another thread") && e.Message.Contains("CreateInferenceContext"))
                {
                    Interlocked.Increment(ref caught);
                }
                catch (Exception e)
                {
                    Interlocked.CompareExchange(ref unexpected, e, null);
                }
            }
        }
        Action forward = () =>
        {
            var y = new float[expected.Length];
            net.Forward(x, y, batch);
            if (!BitIdentical(expected, y)) Interlocked.Increment(ref wrong);
        };
        Action other = scenario switch
        {
            "Forward/Forward" => forward,
            "ForwardTrain/Backward" => () => { net.ForwardTrain(x, new float[expected.Length], batch); net.Backward(dy, default); },
            "Threads/Forward" => () => net.Threads = net.Threads == 1 ? 2 : 1,
            _ => () => { _ = net.GetActivation(0).Length; net.ZeroGradients(); },
        };
        Action first = scenario == "ForwardTrain/Backward" ? () => net.Backward(dy, new float[x.Length]) : forward;
        Parallel.Invoke(() => Loop(first), () => Loop(other));

        _out.WriteLine($"{name} {scenario}: {ok} calls ran, {caught} overlaps caught, {wrong} wrong results, {sw.ElapsedMilliseconds} ms");
        Assert.Null(unexpected);
        Assert.Equal(0, wrong);
        Assert.True(caught > 0, "no overlap in 10 s");
        // the instance is intact: when the weights and statistics did not move, Forward still gives the first result
        if (scenario != "ForwardTrain/Backward" || net.Buffers.Length == 0)
        {
            var after = new float[expected.Length];
            net.Forward(x, after, batch);
            NumericAssert.Identical("Forward after the race", expected, after);
        }
    }

    [Fact]
    public void OneContextFromTwoThreads_Throws_AndNeverCorrupts()
    {
        using INetwork net = Prepared("Cifar10Net", 2);
        var (x, batch, expected) = Cases(net, 2)[1];
        using IInferenceContext ctx = net.CreateInferenceContext(2);
        long caught = 0, wrong = 0;
        Exception? unexpected = null;
        var sw = Stopwatch.StartNew();
        void Loop()
        {
            var y = new float[expected.Length];
            while (Interlocked.Read(ref caught) < 20 && sw.ElapsedMilliseconds < 10_000 && Volatile.Read(ref unexpected) == null)
            {
                try
                {
                    ctx.Forward(x, y, batch);
                    if (!BitIdentical(expected, y)) Interlocked.Increment(ref wrong);
                }
                catch (InvalidOperationException e) when (e.Message.Contains("one context per thread")) { Interlocked.Increment(ref caught); }
                catch (Exception e) { Interlocked.CompareExchange(ref unexpected, e, null); }
            }
        }
        Parallel.Invoke(Loop, Loop);
        _out.WriteLine($"one context, two threads: {caught} overlaps caught, {wrong} wrong results, {sw.ElapsedMilliseconds} ms");
        Assert.Null(unexpected);
        Assert.Equal(0, wrong);
        Assert.True(caught > 0, "no overlap in 10 s");
    }

    /// <summary>Dispose racing a Forward on another thread: Dispose throws while the call runs, then succeeds; Forward then gets ObjectDisposedException.</summary>
    [Fact]
    public void DisposeWhileAnotherThreadRunsForward_ThrowsOrWaitsItsTurn_NeverFreesUnderTheCall()
    {
        long refusedInAll = 0;
        for (int round = 0; round < 10; round++)
        {
            INetwork net = Prepared("LeNet5", 4);
            var (x, batch, expected) = Cases(net, 4)[3];
            long wrong = 0, disposeRefused = 0;
            Exception? unexpected = null;
            bool disposed = false;
            using var started = new ManualResetEventSlim();
            var user = new Thread(() =>
            {
                var y = new float[expected.Length];
                while (true)
                {
                    try
                    {
                        net.Forward(x, y, batch);
                        if (!BitIdentical(expected, y)) Interlocked.Increment(ref wrong);
                        started.Set();
                        Thread.SpinWait(20); // a short window between calls, as a real caller has
                    }
                    catch (ObjectDisposedException) { return; }
                    catch (InvalidOperationException e) when (e.Message.Contains("already in use")) { } // Dispose held the flag
                    catch (Exception e) { unexpected = e; return; }
                }
            });
            user.Start();
            started.Wait();
            while (!disposed)
            {
                try { net.Dispose(); disposed = true; }
                catch (InvalidOperationException) { disposeRefused++; Thread.Yield(); }
            }
            user.Join();
            Assert.Null(unexpected);
            Assert.Equal(0, wrong);
            refusedInAll += disposeRefused;
        }
        _out.WriteLine($"10 rounds: Dispose refused {refusedInAll} times in all while a Forward ran, then succeeded; the Forward thread then got ObjectDisposedException");
    }

    // ------------------------------------------------------------------ lifetime

    private static SharedArenas Arenas(INetwork net)
        => (SharedArenas)net.GetType().GetField("_arenas", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(net)!;

    [Fact]
    public void ContextsKeepTheWeightsAlive_AfterTheNetworkIsDisposed()
    {
        INetwork net = Prepared("MixedNet", 2);
        var cases = Cases(net, 2);
        var (x, batch, expected) = cases[1];
        SharedArenas arenas = Arenas(net);
        IInferenceContext a = net.CreateInferenceContext(2), b = net.CreateInferenceContext(1);
        Assert.Equal(3, arenas.Owners);

        net.Dispose();
        Assert.Equal(2, arenas.Owners);
        Assert.Throws<ObjectDisposedException>(() => net.Parameters.Length);
        Assert.Throws<ObjectDisposedException>(() => net.CreateInferenceContext(1));
        var y = new float[expected.Length];
        a.Forward(x, y, batch);
        NumericAssert.Identical("context after the network's Dispose", expected, y);

        a.Dispose();
        a.Dispose(); // a second Dispose does nothing
        Assert.Equal(1, arenas.Owners);
        Assert.Throws<ObjectDisposedException>(() => a.Forward(x, y, batch));
        var y1 = new float[net.OutputSize];
        b.Forward(cases[0].X, y1, 1);
        NumericAssert.Identical("last context", cases[0].Y, y1);

        b.Dispose();
        Assert.Equal(0, arenas.Owners);
        Assert.Throws<ObjectDisposedException>(() => arenas.Parameters.Span.Length); // freed with the last owner
        Assert.Throws<ObjectDisposedException>(() => arenas.AddOwner());
    }

    [Fact]
    public void ContextsDisposedFirst_TheNetworkFreesTheWeights()
    {
        INetwork net = Prepared("LeNet5", 1);
        SharedArenas arenas = Arenas(net);
        net.CreateInferenceContext().Dispose();
        Assert.Equal(1, arenas.Owners);
        net.Dispose();
        Assert.Equal(0, arenas.Owners);
        Assert.Throws<ObjectDisposedException>(() => arenas.Buffers.Span.Length);
    }

    /// <summary>Three threads serve through contexts while the main thread disposes the network under them: every result stays exact.</summary>
    [Fact]
    public void DisposingTheNetworkWhileContextsRun_NeitherCrashesNorChangesTheirResults()
    {
        INetwork net = Prepared("Cifar10Net", 2);
        var cases = Cases(net, 2);
        SharedArenas arenas = Arenas(net);
        long calls = 0, wrong = 0;
        bool stop = false;
        Exception? unexpected = null;
        var contexts = Enumerable.Range(0, 3).Select(_ => net.CreateInferenceContext(2)).ToArray();
        var workers = contexts.Select((ctx, t) => new Thread(() =>
        {
            try
            {
                var y = new float[cases[1].Y.Length];
                for (int i = 0; !Volatile.Read(ref stop); i++)
                {
                    var (x, batch, expected) = cases[(i + t) % 2];
                    ctx.Forward(x, y.AsSpan(0, expected.Length), batch);
                    if (!BitIdentical(expected, y.AsSpan(0, expected.Length))) Interlocked.Increment(ref wrong);
                    Interlocked.Increment(ref calls);
                }
            }
            catch (Exception e) { unexpected = e; }
        })).ToArray();
        foreach (var w in workers) w.Start();
        while (Interlocked.Read(ref calls) < 200) Thread.Sleep(1);
        net.Dispose();
        long atDispose = Interlocked.Read(ref calls);
        while (Interlocked.Read(ref calls) < atDispose + 200 && unexpected == null) Thread.Sleep(1);
        Volatile.Write(ref stop, true);
        foreach (var w in workers) w.Join();
        foreach (var c in contexts) c.Dispose();
        _out.WriteLine($"{calls} context calls, {calls - atDispose} of them after the network's Dispose, {wrong} wrong");
        Assert.Null(unexpected);
        Assert.Equal(0, wrong);
        Assert.Equal(0, arenas.Owners);
    }

    // ------------------------------------------------------------------ bad sizes, use after Dispose, TensorShape

    [Fact]
    public void HugeMaxBatch_IsArgumentOutOfRange_NotOverflow()
    {
        foreach (int maxBatch in new[] { 1 << 30, int.MaxValue, 1 << 24 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => new LeNet5(maxBatch));
            Assert.Equal("maxBatch", e.ParamName);
            _out.WriteLine(e.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => new Cifar10Net(maxBatch));
            Assert.Throws<ArgumentOutOfRangeException>(() => new MixedNet(maxBatch));
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => new LeNet5(0));
    }

    [Fact]
    public void HugeThreads_IsArgumentOutOfRange_AndLeavesTheNetworkAsItWas()
    {
        using var net = new LeNet5(maxBatch: 2);
        net.Threads = 2;
        foreach (int threads in new[] { 1 << 20, ThreadSafety.MaxThreads + 1, int.MaxValue, 0, -1 })
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => net.Threads = threads);
            Assert.Equal("Threads", e.ParamName);
        }
        Assert.Equal(2, net.Threads);
        net.Forward(new float[784], new float[10], 1);
    }

    [Fact]
    public void CreateInferenceContext_ChecksItsArguments()
    {
        using var net = new LeNet5(maxBatch: 1);
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => net.CreateInferenceContext(0)).ParamName);
        Assert.Equal("maxBatch", Assert.Throws<ArgumentOutOfRangeException>(() => net.CreateInferenceContext(1 << 30)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => net.CreateInferenceContext(1, 0)).ParamName);
        Assert.Equal("threads", Assert.Throws<ArgumentOutOfRangeException>(() => net.CreateInferenceContext(1, 1 << 20)).ParamName);
        Assert.Equal(1, Arenas(net).Owners); // nothing leaked a reference

        using IInferenceContext ctx = net.CreateInferenceContext(maxBatch: 3, threads: 2);
        Assert.Equal(("LeNet5", 784, 10, 3, 2), (ctx.Name, ctx.InputSize, ctx.OutputSize, ctx.MaxBatch, ctx.Threads));
        var x = new float[4 * 784];
        var e = Assert.Throws<ArgumentException>(() => ctx.Forward(x, new float[40], 4));
        Assert.Contains("1..3", e.Message);
        Assert.Contains("2352", Assert.Throws<ArgumentException>(() => ctx.Forward(x.AsSpan(0, 2351), new float[30], 3)).Message);
        Assert.Contains("31", Assert.Throws<ArgumentException>(() => ctx.Forward(x.AsSpan(0, 2352), new float[31], 3)).Message);
    }

    [Fact]
    public void EveryMemberThatTouchesMemory_ThrowsObjectDisposedAfterDispose()
    {
        var net = new LeNet5(maxBatch: 2);
        var x = new float[784];
        var y = new float[10];
        net.ForwardTrain(x, y, 1);
        net.Dispose();
        net.Dispose(); // a second Dispose does nothing

        Assert.Throws<ObjectDisposedException>(() => net.Threads = 2); // allocated a new scratch before
        Assert.Throws<ObjectDisposedException>(() => net.Seed = 3);
        Assert.Throws<ObjectDisposedException>(() => net.Forward(x, y, 1));
        Assert.Throws<ObjectDisposedException>(() => net.ForwardTrain(x, y, 1));
        Assert.Throws<ObjectDisposedException>(() => net.Backward(y, default));
        Assert.Throws<ObjectDisposedException>(() => net.ZeroGradients());
        Assert.Throws<ObjectDisposedException>(() => net.GetActivation(0).Length);
        Assert.Throws<ObjectDisposedException>(() => net.Parameters.Length);
        Assert.Throws<ObjectDisposedException>(() => net.Gradients.Length);
        Assert.Throws<ObjectDisposedException>(() => net.Buffers.Length);
        Assert.Throws<ObjectDisposedException>(() => net.Conv1.Weight.Length);
        Assert.Throws<ObjectDisposedException>(() => net.CreateInferenceContext());
        Assert.Equal(1, net.Threads); // plain values stay readable
        Assert.Equal("LeNet5", net.Name);
    }

    [Theory]
    [InlineData(-1, -12, 12)]
    [InlineData(0, 1, 1)]
    [InlineData(1, 0, 1)]
    [InlineData(1, 1, 0)]
    [InlineData(1, 1, int.MinValue)]
    [InlineData(65536, 65536, 1)]
    [InlineData(2, 1 << 15, 1 << 15)]
    public void TensorShape_RejectsNonPositiveAndOversizedShapes(int c, int h, int w)
        => Assert.Throws<ArgumentOutOfRangeException>(() => new TensorShape(c, h, w));

    [Fact]
    public void TensorShape_KeepsItsValueSemantics()
    {
        var s = new TensorShape(1, 28, 28);
        Assert.Equal(784, s.Size);
        Assert.Equal(new TensorShape(1, 28, 28), s);
        Assert.NotEqual(new TensorShape(28, 28, 1), s);
        Assert.Equal("1×28×28", s.ToString());
        var (c, h, w) = new TensorShape(3, 4, 5);
        Assert.Equal((3, 4, 5), (c, h, w));
        Assert.Equal(int.MaxValue, new TensorShape(int.MaxValue, 1, 1).Size);
    }

    [Fact]
    public void SharedArenas_FreesWithTheLastOwner_AndRejectsAnExtraRelease()
    {
        var arenas = new SharedArenas(10, 2);
        arenas.AddOwner();
        arenas.Release();
        Assert.Equal(10, arenas.Parameters.Span.Length);
        arenas.Release();
        Assert.Throws<ObjectDisposedException>(() => arenas.Parameters.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => arenas.AddOwner());
        Assert.Throws<InvalidOperationException>(() => arenas.Release());
    }
}

/// <summary>
/// ConcurrencyTests run alone, not beside other test classes: they start their own threads, and the worker-pool counters
/// they read (GemmWorkers.Dispatches, InlineWhileBusy) are process-wide.
/// </summary>
[CollectionDefinition(nameof(ConcurrencyTests), DisableParallelization = true)]
public sealed class ConcurrencyCollection { }
