using Microsoft.ML.OnnxRuntime;
using StaticCnn.Benchmarks;
using TorchSharp;
using static TorchSharp.torch;

namespace StaticCnn.Anchors;

/// <summary>One engine's implementation of one table row: set its thread count, then call <see cref="Run"/>.</summary>
public interface ITimed : IDisposable
{
    /// <summary>StaticCnn, ONNX Runtime 1.32 or LibTorch 2.10.</summary>
    string Engine { get; }
    /// <summary>Threads for the following calls.</summary>
    void SetThreads(int threads);
    /// <summary>One call of the workload (allocation-free where the engine allows it).</summary>
    void Run();
}

/// <summary>A StaticCnn workload of the table mode (benchmarks/StaticCnn.Benchmarks/Workloads.cs), unchanged.</summary>
public sealed class StaticCnnTimed(IWorkload workload) : ITimed
{
    public string Engine => "StaticCnn";
    public void SetThreads(int threads) => workload.Threads = threads;
    public void Run() => workload.Run();
    public void Dispose() => workload.Dispose();
}

/// <summary>
/// ONNX Runtime 1.32 (CPU execution provider, MLAS): one session per thread count, IntraOpNumThreads = threads,
/// InterOpNumThreads = 1, sequential execution, all graph optimisations (the defaults otherwise, spinning workers
/// included). Input and output are pre-bound OrtValues over pinned arrays: Run allocates no tensor.
/// </summary>
public sealed class OnnxTimed : ITimed
{
    private readonly Dictionary<int, InferenceSession> _sessions = [];
    private readonly string _path;
    private readonly OrtValue _x, _y;
    private readonly string[] _inNames = ["x"], _outNames = ["y"];
    private readonly OrtValue[] _ins, _outs;
    private readonly RunOptions _runOptions = new();
    private InferenceSession? _session;

    public OnnxTimed(string path, long[] inShape, long[] outShape, IEnumerable<int> threadCounts)
    {
        _path = path;
        foreach (int t in threadCounts)
        {
            using var options = new SessionOptions
            {
                IntraOpNumThreads = t,
                InterOpNumThreads = 1,
                ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            _sessions[t] = new InferenceSession(path, options);
        }
        X = new float[inShape.Aggregate(1L, (a, b) => a * b)];
        Y = new float[outShape.Aggregate(1L, (a, b) => a * b)];
        var rng = new Random(5);
        for (int i = 0; i < X.Length; i++) X[i] = (float)rng.NextDouble();
        _x = OrtValue.CreateTensorValueFromMemory(X, inShape);
        _y = OrtValue.CreateTensorValueFromMemory(Y, outShape);
        _ins = [_x];
        _outs = [_y];
    }

    /// <summary>The input (uniform [0, 1), seed 5) and the output of the last call.</summary>
    public float[] X { get; }
    public float[] Y { get; }
    public string Engine => "ONNX Runtime";
    public void SetThreads(int threads) => _session = _sessions[threads];
    public void Run() => _session!.Run(_runOptions, _inNames, _ins, _outNames, _outs);

    public void Dispose()
    {
        foreach (var s in _sessions.Values) s.Dispose();
        _x.Dispose(); _y.Dispose(); _runOptions.Dispose();
    }
}

/// <summary>
/// LibTorch 2.10 through TorchSharp-cpu 0.107: <c>torch.set_num_threads</c> per thread count (OpenMP), eager ATen
/// calls on the TorchScript module that make_models.py wrote. Each call runs in a dispose scope, so its tensors are
/// freed at once (as Python's reference counting would).
/// </summary>
public abstract class TorchTimed : ITimed
{
    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    private static extern IntPtr GlobalContext();

    [System.Runtime.InteropServices.DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledNNPACKEb")]
    private static extern void SetUserEnabledNnpack(IntPtr context, [System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.U1)] bool enabled);

    /// <summary>
    /// <c>torch.backends.nnpack.set_flags(False)</c>, which TorchSharp does not expose: NNPACK does not support this
    /// CPU, and LibTorch would otherwise try to initialise it and log a warning at every 3×3 convolution (the same
    /// kernels run either way). Called once, before any timing.
    /// </summary>
    public static void DisableNnpack()
    {
        torch.set_num_threads(1);   // loads the native libraries
        SetUserEnabledNnpack(GlobalContext(), false);
    }

    public string Engine => "LibTorch";
    public void SetThreads(int threads) => torch.set_num_threads(threads);
    public void Run()
    {
        using var scope = torch.NewDisposeScope();
        Step();
    }
    protected abstract void Step();
    public abstract void Dispose();
}

/// <summary>Batch-1 inference of a TorchScript module under <c>torch.no_grad()</c>, in eval mode.</summary>
public sealed class TorchInference : TorchTimed
{
    private readonly jit.ScriptModule<Tensor, Tensor> _module;
    private readonly Tensor _x;

    public TorchInference(string path, float[] x, long[] inShape)
    {
        _module = torch.jit.load<Tensor, Tensor>(path);
        _module.eval();
        _x = torch.tensor(x, inShape);
    }

    protected override void Step()
    {
        using var _ = torch.no_grad();
        _module.call(_x);
    }

    /// <summary>The output for the input given to the constructor (to check the model against ONNX Runtime's).</summary>
    public float[] Output()
    {
        using var _ = torch.no_grad();
        using var y = _module.call(_x);
        return y.data<float>().ToArray();
    }

    public override void Dispose() { _module.Dispose(); _x.Dispose(); }
}

/// <summary>
/// One SGD step at batch 64 on the TorchScript module in train mode, as benchmarks/pytorch/bench.py: zero_grad,
/// forward, cross-entropy, backward, SGD (lr 0.01, momentum 0.9) step.
/// </summary>
public sealed class TorchTraining : TorchTimed
{
    private readonly jit.ScriptModule<Tensor, Tensor> _module;
    private readonly optim.Optimizer _sgd;
    private readonly Tensor _x, _labels;

    public TorchTraining(string path, long[] imageShape, int classes)
    {
        _module = torch.jit.load<Tensor, Tensor>(path);
        _module.train();
        _sgd = torch.optim.SGD(_module.parameters(), 0.01, momentum: 0.9);
        _x = torch.rand([64, .. imageShape]);
        _labels = torch.randint(0, classes, [64], dtype: ScalarType.Int64);
    }

    protected override void Step()
    {
        _sgd.zero_grad();
        var loss = torch.nn.functional.cross_entropy(_module.call(_x), _labels);
        loss.backward();
        _sgd.step();
    }

    public override void Dispose() { _module.Dispose(); _x.Dispose(); _labels.Dispose(); }
}

/// <summary>
/// conv 3×3 C→C, pad 1, batch 1, as benchmarks/pytorch/bench.py: forward under no_grad; backward-data is
/// <c>torch.autograd.grad(y, x, dy, retain_graph)</c> with frozen weights (only dX is computed), the forward outside
/// the timed call; backward-weights the same with a frozen input (dW and dB only).
/// </summary>
public sealed class TorchConv : TorchTimed
{
    private readonly ConvWorkload<Conv64At56>.Op _op;
    private readonly Tensor _x, _w, _b, _dy, _y;

    public TorchConv(int c, int hw, ConvWorkload<Conv64At56>.Op op)
    {
        _op = op;
        _w = torch.randn(c, c, 3, 3) * 0.05;
        _b = torch.randn(c);
        _x = torch.randn(1, c, hw, hw);
        _dy = torch.randn(1, c, hw, hw);
        if (op == ConvWorkload<Conv64At56>.Op.BackwardData) _x.requires_grad_(true);
        if (op == ConvWorkload<Conv64At56>.Op.BackwardWeights) { _w.requires_grad_(true); _b.requires_grad_(true); }
        _y = op == ConvWorkload<Conv64At56>.Op.Forward ? torch.empty(0) : Conv();
    }

    private Tensor Conv() => torch.nn.functional.conv2d(_x, _w, _b, padding: [1, 1]);

    protected override void Step()
    {
        switch (_op)
        {
            case ConvWorkload<Conv64At56>.Op.Forward:
                using (torch.no_grad()) Conv();
                break;
            case ConvWorkload<Conv64At56>.Op.BackwardData:
                torch.autograd.grad([_y], [_x], [_dy], retain_graph: true);
                break;
            default:
                torch.autograd.grad([_y], [_w, _b], [_dy], retain_graph: true);
                break;
        }
    }

    public override void Dispose() { _x.Dispose(); _w.Dispose(); _b.Dispose(); _dy.Dispose(); _y.Dispose(); }
}
