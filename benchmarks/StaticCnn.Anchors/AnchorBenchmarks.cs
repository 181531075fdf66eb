using BenchmarkDotNet.Attributes;
using StaticCnn.Benchmarks;
using Op = StaticCnn.Benchmarks.ConvWorkload<StaticCnn.Benchmarks.Conv64At56>.Op;

namespace StaticCnn.Anchors;

// BenchmarkDotNet classes over the table's rows: each engine is one parameter value, so BenchmarkDotNet's summary puts
// StaticCnn, ONNX Runtime and LibTorch side by side per workload and thread count. In process (Program.cs adds
// --inProcess): TorchSharp's native library loads only from this build's output, whose copy
// weaken_glibcxx.py patched (a separate BenchmarkDotNet process would copy the NuGet cache's unpatched one).
//   benchmarks/StaticCnn.Anchors/bin/Release/net10.0/StaticCnn.Anchors bdn --filter '*Inference*' --job short
// The ONNX and TorchScript files: ANCHORS_MODELS, or bin/models next to the project (run_side_by_side.sh makes them).

/// <summary>Where make_models.py wrote the ONNX and TorchScript files.</summary>
public static class AnchorModels
{
    public static string Dir
    {
        get
        {
            string? env = Environment.GetEnvironmentVariable("ANCHORS_MODELS");
            if (!string.IsNullOrEmpty(env)) return env;
            // bin/Release/net10.0/ → bin/models
            string dir = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "models"));
            if (!File.Exists(Path.Combine(dir, "lenet5.onnx")))
                throw new InvalidOperationException($"no models in {dir}: run benchmarks/StaticCnn.Anchors/make_models.py {dir}, or set ANCHORS_MODELS");
            return dir;
        }
    }
}

/// <summary>One engine of a row, set up for one thread count.</summary>
public abstract class AnchorBenchmarkBase
{
    private ITimed _timed = null!;

    /// <summary>StaticCnn, ONNX Runtime or LibTorch (each class lists the engines that implement its rows).</summary>
    public abstract string Engine { get; set; }
    [ParamsSource(nameof(ThreadValues))] public int Threads { get; set; }
    public static IEnumerable<int> ThreadValues => ThreadCounts.OneAndAll();
    public static IEnumerable<string> AllEngines => ["StaticCnn", "ONNX Runtime", "LibTorch"];
    public static IEnumerable<string> TrainingEngines => ["StaticCnn", "LibTorch"];

    protected abstract ITimed? Make(string engine, int threads, string models);

    [GlobalSetup]
    public void Setup()
    {
        if (Engine == "LibTorch") TorchTimed.DisableNnpack();
        _timed = Make(Engine, Threads, AnchorModels.Dir)
            ?? throw new NotSupportedException($"{Engine} has no implementation of this row");
        _timed.SetThreads(Threads);
    }

    [Benchmark] public void Run() => _timed.Run();

    [GlobalCleanup] public void Cleanup() => _timed.Dispose();
}

/// <summary>Whole-network inference: LeNet-5 and Cifar10Net at batch 1, the ResNets at batch 1 and 16.</summary>
[MemoryDiagnoser]
public class AnchorInferenceBenchmarks : AnchorBenchmarkBase
{
    [ParamsSource(nameof(AllEngines))] public override string Engine { get; set; } = "";
    [Params("lenet5 batch1", "cifar10net batch1", "resnet18 batch1", "resnet18 batch16", "resnet50 batch1", "resnet50 batch16",
        "mobilenetv2 batch1", "mobilenetv2 batch16")]
    public string Row { get; set; } = "";

    protected override ITimed? Make(string engine, int threads, string models)
    {
        string model = Row.Split(' ')[0], variant = Row.Split(' ')[1];
        int n = int.Parse(variant["batch".Length..]);
        long[] inShape = model switch
        {
            "lenet5" => [n, 1, 28, 28],
            "cifar10net" => [n, 3, 32, 32],
            _ => [n, 3, 224, 224],
        };
        long[] outShape = [n, model is "lenet5" or "cifar10net" ? 10 : 1000];
        string path = Path.Combine(models, model);
        return engine switch
        {
            "StaticCnn" => new StaticCnnTimed(Workloads.Find(model + "_infer", variant, threads)),
            "ONNX Runtime" => new OnnxTimed(path + ".onnx", inShape, outShape, [threads]),
            _ => new TorchInference(path + ".pt", new float[inShape.Aggregate(1L, (a, b) => a * b)], inShape),
        };
    }
}

/// <summary>The three 3×3 convolutions of the table at batch 1, forward.</summary>
[MemoryDiagnoser]
public class AnchorConvBenchmarks : AnchorBenchmarkBase
{
    [ParamsSource(nameof(AllEngines))] public override string Engine { get; set; } = "";
    [Params("conv3x3_64@56", "conv3x3_128@28", "conv3x3_256@14")] public string Layer { get; set; } = "";

    protected override ITimed? Make(string engine, int threads, string models) => MakeConv(engine, threads, models, Layer, Op.Forward);

    internal static ITimed? MakeConv(string engine, int threads, string models, string layer, Op pass)
    {
        int c = int.Parse(layer["conv3x3_".Length..layer.IndexOf('@')]), hw = int.Parse(layer[(layer.IndexOf('@') + 1)..]);
        string variant = pass switch { Op.Forward => "forward", Op.BackwardData => "backward_data", _ => "backward_weights" };
        return engine switch
        {
            "StaticCnn" => new StaticCnnTimed(Workloads.Find(layer, variant, threads)),
            "ONNX Runtime" => pass == Op.Forward ? new OnnxTimed(Path.Combine(models, layer + ".onnx"), [1, c, hw, hw], [1, c, hw, hw], [threads]) : null,
            _ => new TorchConv(c, hw, pass),
        };
    }
}

/// <summary>The convolutions' backward passes (StaticCnn and LibTorch; ONNX Runtime does no training).</summary>
[MemoryDiagnoser]
public class AnchorConvBackwardBenchmarks : AnchorBenchmarkBase
{
    [ParamsSource(nameof(TrainingEngines))] public override string Engine { get; set; } = "";
    [Params("conv3x3_64@56", "conv3x3_128@28", "conv3x3_256@14")] public string Layer { get; set; } = "";
    [Params(Op.BackwardData, Op.BackwardWeights)] public Op Pass { get; set; }

    protected override ITimed? Make(string engine, int threads, string models) => AnchorConvBenchmarks.MakeConv(engine, threads, models, Layer, Pass);
}

/// <summary>One SGD step at batch 64 (StaticCnn and LibTorch).</summary>
[MemoryDiagnoser]
public class AnchorTrainingBenchmarks : AnchorBenchmarkBase
{
    [ParamsSource(nameof(TrainingEngines))] public override string Engine { get; set; } = "";
    [Params("lenet5", "cifar10net", "cifar_resnet18")] public string Network { get; set; } = "";

    protected override ITimed? Make(string engine, int threads, string models) => engine switch
    {
        "StaticCnn" => new StaticCnnTimed(Workloads.Find(Network + "_train", "sgd_b64", threads)),
        "ONNX Runtime" => null,
        _ => new TorchTraining(Path.Combine(models, Network + ".pt"), Network == "lenet5" ? [1, 28, 28] : [3, 32, 32], 10),
    };
}
