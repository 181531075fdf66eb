using StaticCnn.Kernels;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Samples.Architectures;
using StaticCnn.Samples.LeNet5;
using StaticCnn.Tests.Networks;

namespace StaticCnn.Benchmarks;

// The three conv layers of the issue, batch 1: 3×3, stride 1, pad 1, C→C at HW×HW, with bias, no activation
// (PyTorch side: nn.Conv2d(C, C, 3, padding=1) in benchmarks/pytorch/bench.py). Constant properties, as the
// generator emits them, so the JIT specializes the kernels exactly as in a generated network.

/// <summary>conv 3×3 64→64 at 56×56.</summary>
public readonly struct Conv64At56 : IConv2DShape
{
    public int InC => 64; public int InH => 56; public int InW => 56;
    public int OutC => 64; public int OutH => 56; public int OutW => 56;
    public int KH => 3; public int KW => 3; public int StrideH => 1; public int StrideW => 1;
    public int PadH => 1; public int PadW => 1; public int DilationH => 1; public int DilationW => 1;
    public int Groups => 1; public bool HasBias => true; public Activation Activation => Activation.None;
    public Precision Precision => Precision.Standard;
}

/// <summary>conv 3×3 128→128 at 28×28.</summary>
public readonly struct Conv128At28 : IConv2DShape
{
    public int InC => 128; public int InH => 28; public int InW => 28;
    public int OutC => 128; public int OutH => 28; public int OutW => 28;
    public int KH => 3; public int KW => 3; public int StrideH => 1; public int StrideW => 1;
    public int PadH => 1; public int PadW => 1; public int DilationH => 1; public int DilationW => 1;
    public int Groups => 1; public bool HasBias => true; public Activation Activation => Activation.None;
    public Precision Precision => Precision.Standard;
}

/// <summary>conv 3×3 256→256 at 14×14.</summary>
public readonly struct Conv256At14 : IConv2DShape
{
    public int InC => 256; public int InH => 14; public int InW => 14;
    public int OutC => 256; public int OutH => 14; public int OutW => 14;
    public int KH => 3; public int KW => 3; public int StrideH => 1; public int StrideW => 1;
    public int PadH => 1; public int PadW => 1; public int DilationH => 1; public int DilationW => 1;
    public int Groups => 1; public bool HasBias => true; public Activation Activation => Activation.None;
    public Precision Precision => Precision.Standard;
}

/// <summary>One timed operation: the same names and variants as benchmarks/pytorch/bench.py.</summary>
public interface IWorkload : IDisposable
{
    /// <summary>e.g. <c>conv3x3_64@56</c>, <c>lenet5_infer</c>.</summary>
    string Name { get; }
    /// <summary>e.g. <c>forward</c>, <c>batch1</c>, <c>sgd_b64</c>.</summary>
    string Variant { get; }
    /// <summary>Floating-point operations per call (2 per MAC), or 0 when GFLOP/s is not reported.</summary>
    double Flops { get; }
    /// <summary>Images processed per call (throughput), 1 for single-image latency.</summary>
    int Images { get; }
    /// <summary>Threads the kernels may use.</summary>
    int Threads { get; set; }
    /// <summary>A few calls before timing (JIT tiering, caches); heavy workloads use fewer.</summary>
    bool Heavy { get; }
    /// <summary>The convolution algorithms the workload runs (<see cref="KernelPlan"/>), one line per layer, or empty.</summary>
    string Algorithms => "";
    /// <summary>Read the live weights, transformed per call, instead of weights prepared once (where the workload prepares any).</summary>
    bool Live { get => false; set { } }
    void Run();
}

/// <summary>
/// Conv2D kernel entry points called directly with a shape struct, batch 1. The forward reads weights prepared once
/// (<see cref="Conv2D.PrepareWeights"/>; Winograd's transformed weights), as an inference context created with
/// prepareWeights and as ONNX Runtime's session, which prepacks its constant weights at creation.
/// </summary>
public sealed class ConvWorkload<TS> : IWorkload where TS : struct, IConv2DShape
{
    public enum Op { Forward, BackwardData, BackwardWeights }

    private readonly TS _s = default;
    private readonly Op _op;
    private readonly AlignedBuffer<float> _x, _w, _b, _y, _dy, _dx, _dw, _db, _scratch, _prepared;

    public ConvWorkload(Op op, int maxThreads)
    {
        _op = op;
        var s = _s;
        Name = $"conv3x3_{s.OutC}@{s.OutH}";
        Variant = op switch { Op.Forward => "forward", Op.BackwardData => "backward_data", _ => "backward_weights" };
        Flops = 2.0 * s.OutC * s.InC * s.KH * s.KW * s.OutH * s.OutW;
        int xs = s.InC * s.InH * s.InW, ys = s.OutC * s.OutH * s.OutW, ws = s.OutC * s.InC * s.KH * s.KW;
        _x = Filled(xs, 1); _w = Filled(ws, 2); _b = Filled(s.OutC, 3); _y = new(ys); _dy = Filled(ys, 4);
        _dx = new(xs); _dw = new(ws); _db = new(s.OutC);
        _scratch = new(Math.Max(1, Conv2D.ScratchFloats(s, 1, Math.Max(1, maxThreads))));
        _prepared = new(Conv2D.PreparedFloats(s));
        Conv2D.PrepareWeights(s, _w.Span, _prepared.Span);
    }

    public string Name { get; }
    public string Variant { get; }
    public double Flops { get; }
    public int Images => 1;
    public int Threads { get; set; } = 1;
    public bool Heavy => false;
    public bool Live { get; set; } = Environment.GetEnvironmentVariable("STATICCNN_BENCH_LIVE_WEIGHTS") == "1";
    public string Algorithms => _op switch
    {
        Op.Forward => "forward: " + ConvAlgorithms.Name(Conv2D.AlgorithmFor(_s)),
        Op.BackwardData => Conv2D.Describe(_s).Split("; ").First(p => p.StartsWith("backward-data")),
        _ => "backward-weights: " + ConvAlgorithms.Name(Conv2D.AlgorithmFor(_s, ConvPass.BackwardWeights)),
    };

    public void Run()
    {
        switch (_op)
        {
            case Op.Forward:
                Conv2D.Forward(_s, _x.Span, _w.Span, _b.Span, _y.Span, 1, _scratch.Span, Threads, Live ? default : _prepared.Span);
                break;
            case Op.BackwardData:
                Conv2D.BackwardData(_s, _w.Span, _dy.Span, _dx.Span, 1, _scratch.Span, Threads);
                break;
            default:
                Conv2D.BackwardWeights(_s, _x.Span, _dy.Span, _dw.Span, _db.Span, 1, _scratch.Span, Threads);
                break;
        }
    }

    internal static AlignedBuffer<float> Filled(int n, int seed)
    {
        var buffer = new AlignedBuffer<float>(n);
        var rng = new Random(seed);
        var span = buffer.Span;
        for (int i = 0; i < span.Length; i++) span[i] = (float)(rng.NextDouble() * 2 - 1);
        return buffer;
    }

    public void Dispose()
    {
        _x.Dispose(); _w.Dispose(); _b.Dispose(); _y.Dispose(); _dy.Dispose();
        _dx.Dispose(); _dw.Dispose(); _db.Dispose(); _scratch.Dispose(); _prepared.Dispose();
    }
}

/// <summary>
/// Inference of a generated network at a fixed batch: variant <c>batch1</c>, <c>batch16</c> …. It runs an inference
/// context created with <c>prepareWeights: true</c> per thread count (the weights copied and prepared once, as an ONNX
/// Runtime session prepacks its constant weights); <see cref="Live"/> runs the network's own
/// <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> on its live weights instead.
/// </summary>
public sealed class InferenceWorkload : IWorkload
{
    private readonly INetwork _net;
    private readonly AlignedBuffer<float> _x, _y;
    private readonly int _batch;
    private readonly Dictionary<int, IInferenceContext> _contexts = new();
    private IInferenceContext? _context;
    private int _threads = 1;

    /// <summary>Run the network's own Forward (live weights, transformed per call) instead of a prepared context.</summary>
    public bool Live { get; set; } = Environment.GetEnvironmentVariable("STATICCNN_BENCH_LIVE_WEIGHTS") == "1";

    public InferenceWorkload(string name, INetwork net, double macs, bool heavy = false, int batch = 1)
    {
        _net = net;
        _batch = batch;
        Name = name;
        Variant = $"batch{batch}";
        Flops = 2 * macs * batch;
        Heavy = heavy;
        _x = ConvWorkload<Conv64At56>.Filled(net.InputSize * batch, 5);
        for (int i = 0; i < _x.Length; i++) _x.Span[i] = _x.Span[i] * 0.5f + 0.5f; // like torch.rand
        _y = new AlignedBuffer<float>(net.OutputSize * batch);
        Threads = 1;
    }

    public string Name { get; }
    public string Variant { get; }
    public double Flops { get; }
    public int Images => _batch;
    public bool Heavy { get; }
    public string Algorithms => KernelPlan.Describe(_net);
    public int Threads
    {
        get => _threads;
        set
        {
            _threads = value;
            _net.Threads = value;
            if (!_contexts.TryGetValue(value, out _context))
                _contexts[value] = _context = _net.CreateInferenceContext(_batch, value, prepareWeights: true);
        }
    }

    public void Run()
    {
        if (Live || _context is null) _net.Forward(_x.Span, _y.Span, _batch);
        else _context.Forward(_x.Span, _y.Span, _batch);
    }

    public void Dispose()
    {
        foreach (var c in _contexts.Values) c.Dispose();
        _net.Dispose(); _x.Dispose(); _y.Dispose();
    }
}

/// <summary>
/// One SGD training step at batch 64, as bench.py's PyTorch step: ZeroGradients, ForwardTrain, cross-entropy and its
/// gradient, Backward (no input gradient), SGD (lr 0.01, momentum 0.9) step.
/// </summary>
public sealed class TrainingWorkload : IWorkload
{
    public const int Batch = 64;
    private readonly INetwork _net;
    private readonly AlignedBuffer<float> _x, _y, _dy;
    private readonly int[] _labels = new int[Batch];
    private readonly CrossEntropyLoss _loss = new();
    private readonly Sgd _sgd = new(0.01f, momentum: 0.9f);

    public TrainingWorkload(string name, INetwork net, double macsPerImage)
    {
        _net = net;
        Name = name;
        Flops = 3 * 2 * macsPerImage * Batch; // forward + backward-data + backward-weights
        _x = ConvWorkload<Conv64At56>.Filled(net.InputSize * Batch, 6);
        _y = new AlignedBuffer<float>(net.OutputSize * Batch);
        _dy = new AlignedBuffer<float>(net.OutputSize * Batch);
        var rng = new Random(7);
        for (int i = 0; i < Batch; i++) _labels[i] = rng.Next(net.OutputSize);
    }

    public string Name { get; }
    public string Variant => "sgd_b64";
    public double Flops { get; }
    public int Images => Batch;
    public bool Heavy => false;
    public string Algorithms => KernelPlan.Describe(_net);
    public int Threads { get => _net.Threads; set => _net.Threads = value; }

    public void Run()
    {
        _net.ZeroGradients();
        _net.ForwardTrain(_x.Span, _y.Span, Batch);
        _loss.Compute(_y.Span, LossTargets.FromLabels(_labels), _dy.Span, Batch);
        _net.Backward(_dy.Span, Span<float>.Empty);
        _sgd.Step(_net.Parameters, _net.Gradients);
    }

    public void Dispose() { _net.Dispose(); _x.Dispose(); _y.Dispose(); _dy.Dispose(); _sgd.Dispose(); }
}

/// <summary>Every workload of the side-by-side table, by name (the prefixes bench.py's <c>--only</c> takes).</summary>
public static class Workloads
{
    public const double LeNet5Macs = 416_520;       // conv1 117,600 + conv2 240,000 + fc 58,920
    public const double Cifar10NetMacs = 1_982_080; // convs 1,978,880 + fc 3,200
    public const double Vgg16Macs = 15_470_264_320;
    public const double ResNet18Macs = 1_814_073_344; // tools/architecture_params.py (multiply-adds per 224² image)
    public const double ResNet50Macs = 4_089_184_256;
    public const double MobileNetV2Macs = 300_774_272;
    public const double CifarResNet18Macs = 555_422_720; // per 32² image
    /// <summary>The batch of the throughput rows of the ImageNet networks.</summary>
    public const int LargeBatch = 16;

    /// <summary>
    /// Creates the workloads whose name starts with one of <paramref name="only"/> (all when empty); with
    /// <paramref name="variant"/>, groups of several batch sizes make only that one (a ResNet at batch 16 takes
    /// seconds to set up).
    /// </summary>
    public static IEnumerable<Func<IWorkload>> Create(IReadOnlyList<string> only, int maxThreads, string? variant = null)
    {
        bool Batch(int n) => variant == null || variant == $"batch{n}";
        // A group is wanted when a filter names it or names one of its workloads ("conv3x3_64@56" wants "conv");
        // callers drop the workloads of a group that their filter does not match (see Matches).
        bool Want(string group) => only.Count == 0 || only.Any(o => group.StartsWith(o) || o.StartsWith(group));
        if (Want("lenet5"))
        {
            yield return () => new InferenceWorkload("lenet5_infer", new LeNet5(maxBatch: 1), LeNet5Macs);
            yield return () => new TrainingWorkload("lenet5_train", new LeNet5(maxBatch: TrainingWorkload.Batch), LeNet5Macs);
        }
        if (Want("cifar10net"))
        {
            yield return () => new InferenceWorkload("cifar10net_infer", new Cifar10Net(maxBatch: 1), Cifar10NetMacs);
            yield return () => new TrainingWorkload("cifar10net_train", new Cifar10Net(maxBatch: TrainingWorkload.Batch), Cifar10NetMacs);
        }
        if (Want("conv"))
        {
            foreach (var op in new[] { ConvWorkload<Conv64At56>.Op.Forward, ConvWorkload<Conv64At56>.Op.BackwardData, ConvWorkload<Conv64At56>.Op.BackwardWeights })
            {
                var o = (int)op;
                yield return () => new ConvWorkload<Conv64At56>((ConvWorkload<Conv64At56>.Op)o, maxThreads);
                yield return () => new ConvWorkload<Conv128At28>((ConvWorkload<Conv128At28>.Op)o, maxThreads);
                yield return () => new ConvWorkload<Conv256At14>((ConvWorkload<Conv256At14>.Op)o, maxThreads);
            }
        }
        if (Want("vgg16"))
            yield return () => new InferenceWorkload("vgg16_infer", new Vgg16(maxBatch: 1), Vgg16Macs, heavy: true);
        if (Want("resnet18"))
        {
            if (Batch(1)) yield return () => new InferenceWorkload("resnet18_infer", new ResNet18(maxBatch: 1), ResNet18Macs, heavy: true);
            if (Batch(LargeBatch)) yield return () => new InferenceWorkload("resnet18_infer", new ResNet18(maxBatch: LargeBatch), ResNet18Macs, heavy: true, batch: LargeBatch);
        }
        if (Want("mobilenetv2"))
        {
            if (Batch(1)) yield return () => new InferenceWorkload("mobilenetv2_infer", new MobileNetV2(maxBatch: 1), MobileNetV2Macs, heavy: true);
            if (Batch(LargeBatch)) yield return () => new InferenceWorkload("mobilenetv2_infer", new MobileNetV2(maxBatch: LargeBatch), MobileNetV2Macs, heavy: true, batch: LargeBatch);
        }
        if (Want("cifar_resnet18"))
            yield return () => new TrainingWorkload("cifar_resnet18_train", new CifarResNet18(maxBatch: TrainingWorkload.Batch), CifarResNet18Macs);
        if (Want("resnet50"))
        {
            if (Batch(1)) yield return () => new InferenceWorkload("resnet50_infer", new ResNet50(maxBatch: 1), ResNet50Macs, heavy: true);
            if (Batch(LargeBatch)) yield return () => new InferenceWorkload("resnet50_infer", new ResNet50(maxBatch: LargeBatch), ResNet50Macs, heavy: true, batch: LargeBatch);
        }
    }

    /// <summary>Whether a workload's name starts with one of the filters (all when there are none).</summary>
    public static bool Matches(string name, IReadOnlyList<string> only) => only.Count == 0 || only.Any(name.StartsWith);

    /// <summary>The one workload with this name and variant (e.g. <c>conv3x3_64@56</c>, <c>forward</c>).</summary>
    public static IWorkload Find(string name, string variant, int maxThreads)
    {
        foreach (var make in Create([name], maxThreads, variant))
        {
            var w = make();
            if (w.Name == name && w.Variant == variant) return w;
            w.Dispose();
        }
        throw new ArgumentException($"no workload {name} {variant}");
    }
}
