using BenchmarkDotNet.Attributes;

namespace StaticCnn.Benchmarks;

// BenchmarkDotNet classes over the same workloads as the table mode, for per-benchmark detail (distribution,
// allocations). Full run: default job; quick run: `--job short`. Example:
//   dotnet run -c Release --project benchmarks/StaticCnn.Benchmarks -- --filter '*ConvBenchmarks*' --job short --exporters json

/// <summary>Thread counts of every class: 1 and all.</summary>
public static class ThreadCounts
{
    public static IEnumerable<int> OneAndAll() => Environment.ProcessorCount > 1 ? [1, Environment.ProcessorCount] : [1];
}

/// <summary>Conv2D kernel entry points, 3×3 C→C, batch 1: forward, backward-data, backward-weights.</summary>
[MemoryDiagnoser]
public class ConvBenchmarks
{
    private IWorkload _fwd = null!, _bwdData = null!, _bwdWeights = null!;

    [Params("conv3x3_64@56", "conv3x3_128@28", "conv3x3_256@14")] public string Layer { get; set; } = "";
    [ParamsSource(nameof(ThreadValues))] public int Threads { get; set; }
    public static IEnumerable<int> ThreadValues => ThreadCounts.OneAndAll();

    [GlobalSetup]
    public void Setup()
    {
        _fwd = Workloads.Find(Layer, "forward", Threads);
        _bwdData = Workloads.Find(Layer, "backward_data", Threads);
        _bwdWeights = Workloads.Find(Layer, "backward_weights", Threads);
        _fwd.Threads = _bwdData.Threads = _bwdWeights.Threads = Threads;
    }

    [Benchmark] public void Forward() => _fwd.Run();
    [Benchmark] public void BackwardData() => _bwdData.Run();
    [Benchmark] public void BackwardWeights() => _bwdWeights.Run();

    [GlobalCleanup] public void Cleanup() { _fwd.Dispose(); _bwdData.Dispose(); _bwdWeights.Dispose(); }
}

/// <summary>Whole-network batch-1 inference latency: LeNet-5, Cifar10Net, VGG-16 at 224².</summary>
[MemoryDiagnoser]
public class InferenceBenchmarks
{
    private IWorkload _w = null!;

    [Params("lenet5_infer", "cifar10net_infer", "vgg16_infer")] public string Network { get; set; } = "";
    [ParamsSource(nameof(ThreadValues))] public int Threads { get; set; }
    public static IEnumerable<int> ThreadValues => ThreadCounts.OneAndAll();

    [GlobalSetup] public void Setup() { _w = Workloads.Find(Network, "batch1", Threads); _w.Threads = Threads; }
    [Benchmark] public void Forward() => _w.Run();
    [GlobalCleanup] public void Cleanup() => _w.Dispose();
}

/// <summary>Batch-64 training step: ZeroGradients, ForwardTrain, cross-entropy gradient, Backward, SGD step.</summary>
[MemoryDiagnoser]
public class TrainingStepBenchmarks
{
    private IWorkload _w = null!;

    [Params("lenet5_train", "cifar10net_train")] public string Network { get; set; } = "";
    [ParamsSource(nameof(ThreadValues))] public int Threads { get; set; }
    public static IEnumerable<int> ThreadValues => ThreadCounts.OneAndAll();

    [GlobalSetup] public void Setup() { _w = Workloads.Find(Network, "sgd_b64", Threads); _w.Threads = Threads; }
    [Benchmark(OperationsPerInvoke = 1)] public void Step() => _w.Run();
    [GlobalCleanup] public void Cleanup() => _w.Dispose();
}
