using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// The generated API's contract (docs/GENERATOR.md, runtime/StaticCnn/INetwork.cs) on LeNet5 and Cifar10Net:
/// argument checks with expected and actual sizes, Backward only after ForwardTrain, no allocation per call,
/// bit-identical results across repeats and thread counts, the Layer accessors, and which SIMD path is running.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class ContractTests
{
    private readonly ITestOutputHelper _out;
    public ContractTests(ITestOutputHelper output) => _out = output;

    private static float[] Input(INetwork net, int batch, int seed) => Parity.RandomNormal(batch * net.InputSize, seed);

    [Fact]
    public void WrongLengthsAndBatchesThrowWithExpectedAndActualSizes()
    {
        using var net = new LeNet5(maxBatch: 4);
        var x = new float[4 * LeNet5.InputSize];
        var y = new float[4 * LeNet5.OutputSize];

        void Throws(Action a, params string[] mustContain)
        {
            var e = Assert.ThrowsAny<ArgumentException>(a);
            foreach (string s in mustContain) Assert.Contains(s, e.Message);
            _out.WriteLine(e.Message);
        }

        // input one float short / output one float long, for Forward and ForwardTrain
        Throws(() => net.Forward(x.AsSpan(0, 3 * 784 - 1), y.AsSpan(0, 30), 3), "2352", "2351");
        Throws(() => net.ForwardTrain(x.AsSpan(0, 3 * 784 - 1), y.AsSpan(0, 30), 3), "2352", "2351");
        Throws(() => net.Forward(x.AsSpan(0, 3 * 784), y.AsSpan(0, 31), 3), "30", "31");
        Throws(() => net.ForwardTrain(x.AsSpan(0, 3 * 784), y.AsSpan(0, 31), 3), "30", "31");
        // batch above MaxBatch (spans sized for it), and below 1
        var x5 = new float[5 * 784];
        var y5 = new float[50];
        Throws(() => net.Forward(x5, y5, 5), "4", "5");
        Throws(() => net.ForwardTrain(x5, y5, 5), "4", "5");
        Throws(() => net.Forward(default, default, 0), "0");

        // Backward: dOutput and dInput sized for the last ForwardTrain's batch
        net.ForwardTrain(x.AsSpan(0, 2 * 784), y.AsSpan(0, 20), 2);
        Throws(() => net.Backward(new float[21], default), "20", "21");
        Throws(() => net.Backward(new float[20], new float[2 * 784 + 1]), "1568", "1569");
        net.Backward(new float[20], default); // empty dInput: fine
    }

    [Fact]
    public void BackwardNeedsForwardTrain()
    {
        using var net = new LeNet5(maxBatch: 2);
        var x = Input(net, 2, 1);
        var y = new float[20];
        Assert.Throws<InvalidOperationException>(() => net.Backward(new float[20], default));
        net.Forward(x, y, 2);
        Assert.Throws<InvalidOperationException>(() => net.Backward(new float[20], default)); // Forward keeps nothing for Backward
        net.ForwardTrain(x, y, 2);
        net.Backward(new float[20], default);
    }

    /// <summary>Allocated bytes on this thread of Forward, ForwardTrain and Backward (two calls: with and without dInput), after a warm-up.</summary>
    private (long Forward, long ForwardTrain, long Backward) Allocations(INetwork net, int threads)
    {
        net.Threads = threads;
        int batch = net.MaxBatch;
        var x = Input(net, batch, 2);
        var y = new float[batch * net.OutputSize];
        var dy = Parity.RandomNormal(y.Length, 3);
        var dx = new float[x.Length];
        for (int i = 0; i < 3; i++) // warm-up: first calls, lazy pools
        {
            net.Forward(x, y, batch); net.ForwardTrain(x, y, batch); net.ZeroGradients(); net.Backward(dy, dx);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        net.Forward(x, y, batch);
        long afterForward = GC.GetAllocatedBytesForCurrentThread();
        net.ForwardTrain(x, y, batch);
        long afterTrain = GC.GetAllocatedBytesForCurrentThread();
        net.Backward(dy, dx);
        net.Backward(dy, default);
        long afterBackward = GC.GetAllocatedBytesForCurrentThread();
        _out.WriteLine($"{net.Name} threads={threads}: Forward {afterForward - before} B, ForwardTrain {afterTrain - afterForward} B, Backward×2 {afterBackward - afterTrain} B");
        return (afterForward - before, afterTrain - afterForward, afterBackward - afterTrain);
    }

    private static INetwork[] AllocationNetworks() => new INetwork[] { new LeNet5(maxBatch: 8), new Cifar10Net(maxBatch: 4), new MixedNet(maxBatch: 3) };

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ForwardAllocatesNothing(int threads)
    {
        foreach (INetwork net in AllocationNetworks())
            using (net) Assert.Equal(0, Allocations(net, threads).Forward);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void TrainingCallsAllocateNothing(int threads)
    {
        foreach (INetwork net in AllocationNetworks())
            using (net)
            {
                var (_, train, backward) = Allocations(net, threads);
                Assert.Equal(0, train);
                Assert.Equal(0, backward);
            }
    }

    /// <summary>Runs ForwardTrain + Backward and returns (output, dInput, gradients, buffers).</summary>
    private static (float[] Y, float[] DX, float[] G, float[] B) Run(INetwork net, float[] x, float[] dy, int batch)
    {
        var y = new float[batch * net.OutputSize];
        var dx = new float[x.Length];
        net.ZeroGradients();
        net.ForwardTrain(x, y, batch);
        net.Backward(dy, dx);
        return (y, dx, net.Gradients.ToArray(), net.Buffers.ToArray());
    }

    /// <summary>CifarResNet18's ReLU and Add layers at batch 5 (327,680 floats a tensor) run their element-wise passes on
    /// the pool (<c>OpsParallel.ForElements</c>); the others' tensors are under two blocks.</summary>
    public static IEnumerable<object[]> Networks() => new[]
        { new object[] { "LeNet5" }, new object[] { "Cifar10Net" }, new object[] { "MixedNet" }, new object[] { "CifarResNet18" } };

    private static INetwork Make(string name, int maxBatch) => name switch
    {
        "LeNet5" => new LeNet5(maxBatch, seed: 7), "Cifar10Net" => new Cifar10Net(maxBatch, seed: 7),
        "CifarResNet18" => new StaticCnn.Samples.Architectures.CifarResNet18(maxBatch, seed: 7), _ => new MixedNet(maxBatch, seed: 7),
    };

    [Theory]
    [MemberData(nameof(Networks))]
    public void DeterministicAcrossRepeatsAndThreadCounts(string name)
    {
        const int batch = 5;
        using INetwork a = Make(name, batch), b = Make(name, batch);
        NumericAssert.Identical("same seed, same initial parameters", a.Parameters, b.Parameters);
        var x = Input(a, batch, 11);
        var dy = Parity.RandomNormal(batch * a.OutputSize, 12);
        float[] initialBuffers = a.Buffers.ToArray();
        var first = Run(a, x, dy, batch);
        initialBuffers.CopyTo(a.Buffers); // BatchNorm running statistics move at each ForwardTrain: restart from the same state
        var second = Run(a, x, dy, batch);
        NumericAssert.Identical("buffers, repeated", first.B, second.B);
        NumericAssert.Identical("output, repeated", first.Y, second.Y);
        NumericAssert.Identical("dInput, repeated", first.DX, second.DX);
        NumericAssert.Identical("gradients, repeated", first.G, second.G);

        b.Threads = 2;
        var two = Run(b, x, dy, batch);
        NumericAssert.Identical("output, Threads 1 vs 2", first.Y, two.Y);
        NumericAssert.Identical("dInput, Threads 1 vs 2", first.DX, two.DX);
        NumericAssert.Identical("gradients, Threads 1 vs 2", first.G, two.G);
        NumericAssert.Identical("buffers, Threads 1 vs 2", first.B, two.B);

        var ya = new float[batch * a.OutputSize];
        var yb = new float[ya.Length];
        a.Forward(x, ya, batch);
        b.Forward(x, yb, batch);
        NumericAssert.Identical("Forward, Threads 1 vs 2", ya, yb);
    }

    [Fact]
    public void LayerAccessors()
    {
        using var net = new LeNet5(maxBatch: 2);
        Assert.Equal(150, net.Conv1.Weight.Length);
        Assert.Equal(6, net.Conv1.Bias.Length);
        Assert.Equal(new[] { 6, 1, 5, 5 }, net.Tensors.Single(t => t.Name == "conv1.weight").Shape);
        Assert.Equal(new[] { 120, 400 }, net.Tensors.Single(t => t.Name == "fc1.weight").Shape);
        Assert.Equal(48000, net.Fc1.Weight.Length);
        Assert.Equal(net.Conv1.Weight.Length, net.Conv1.WeightGradient.Length);
        Assert.Equal(0, net.Pool1.Weight.Length);
        Assert.Equal("Conv1", net.Conv1.Name);
        Assert.Equal("Conv2D", net.Conv1.Info.Kind);
        Assert.Equal(new TensorShape(6, 28, 28), net.Conv1.OutputShape);
        Assert.Equal(new TensorShape(16, 5, 5), net.Pool2.OutputShape);
        Assert.Equal(61706, net.Parameters.Length);
        Assert.Equal(LeNet5.ParameterCount, net.Layers.Sum(l => l.ParameterCount));

        // Weight is a view of the parameter arena: writing through it changes Parameters at conv1.weight's offset.
        net.Conv1.Weight[3] = 0.125f;
        Assert.Equal(0.125f, net.Parameters[net.Tensors.Single(t => t.Name == "conv1.weight").Offset + 3]);

        var x = Input(net, 2, 5);
        var y = new float[20];
        net.ForwardTrain(x, y, 2);
        Assert.Equal(2 * 6 * 28 * 28, net.Conv1.Activation.Length);
        Assert.True(net.Conv1.Activation.SequenceEqual(net.GetActivation(0)));
        Assert.True(net.Fc3.Activation.SequenceEqual(y));
        foreach (float v in net.Conv1.Activation) Assert.True(v >= 0, "Conv1 has a fused ReLU");
        net.ZeroGradients();
        net.Backward(Parity.RandomNormal(20, 6), default);
        Assert.Contains(net.Conv1.WeightGradient.ToArray(), g => g != 0);
        Assert.True(net.Conv1.WeightGradient.SequenceEqual(net.Gradients.Slice(net.Tensors.Single(t => t.Name == "conv1.weight").Offset, 150)));
        net.ZeroGradients();
        Assert.DoesNotContain(net.Conv1.WeightGradient.ToArray(), g => g != 0);
    }

    [Fact]
    public void ReportsAndChecksTheActiveSimdPath()
    {
        string? avx512 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX512");
        string? avx2 = Environment.GetEnvironmentVariable("DOTNET_EnableAVX2");
        _out.WriteLine($"DOTNET_EnableAVX512={avx512 ?? "(unset)"} DOTNET_EnableAVX2={avx2 ?? "(unset)"}");
        _out.WriteLine($"Vector512.IsHardwareAccelerated={Vector512.IsHardwareAccelerated} Vector256.IsHardwareAccelerated={Vector256.IsHardwareAccelerated} "
            + $"Vector128.IsHardwareAccelerated={Vector128.IsHardwareAccelerated} Avx512F.IsSupported={Avx512F.IsSupported} Avx2.IsSupported={Avx2.IsSupported} Fma.IsSupported={Fma.IsSupported}");
        string path = Vector512.IsHardwareAccelerated ? "AVX-512" : Vector256.IsHardwareAccelerated ? "AVX2 (Vector256)" : "portable (Vector128)";
        _out.WriteLine("active path: " + path);
        if (avx512 == "0") { Assert.False(Vector512.IsHardwareAccelerated); Assert.False(Avx512F.IsSupported); }
        if (avx2 == "0") { Assert.False(Vector256.IsHardwareAccelerated); Assert.False(Vector512.IsHardwareAccelerated); Assert.False(Avx2.IsSupported); }
        if (avx512 is null && avx2 is null && X86Base.IsSupported)
            Assert.Equal(Avx2.IsSupported, Vector256.IsHardwareAccelerated);
        if (avx2 is null && Avx2.IsSupported) Assert.True(Vector256.IsHardwareAccelerated);
    }
}
