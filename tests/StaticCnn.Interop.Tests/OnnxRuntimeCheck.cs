using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)] // the zoo tests are large: one at a time

namespace StaticCnn.Interop.Tests;

/// <summary>Exports a network with <see cref="Onnx"/>, runs the bytes in ONNX Runtime and compares with <see cref="INetwork.Forward"/>.</summary>
internal static class OnnxRuntimeCheck
{
    /// <summary>The bound on <see cref="Error"/>.</summary>
    public const double Tolerance = 1e-5;

    /// <summary>What one comparison found.</summary>
    public sealed record Result(double Error, double ElementError, int[] OrtShape, TimeSpan Export, TimeSpan Ours, TimeSpan Ort, long Bytes);

    /// <summary>
    /// The relative error: max |ort − ours| / max |ours| (max-norm of the difference over max-norm of StaticCnn's output,
    /// over every element of the batch). <see cref="ElementError"/> is the element-wise figure reported beside it:
    /// max over elements of |ort − ours| / max(|ours|, 1e-3 · max |ours|).
    /// </summary>
    public static double Error(ReadOnlySpan<float> ours, ReadOnlySpan<float> ort)
    {
        double maxDiff = 0, maxAbs = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((double)ort[i] - ours[i]));
            maxAbs = Math.Max(maxAbs, Math.Abs((double)ours[i]));
            if (double.IsNaN(ort[i]) != double.IsNaN(ours[i])) return double.PositiveInfinity;
        }
        return maxAbs == 0 ? maxDiff : maxDiff / maxAbs;
    }

    /// <summary>See <see cref="Error"/>.</summary>
    public static double ElementError(ReadOnlySpan<float> ours, ReadOnlySpan<float> ort)
    {
        double maxAbs = 0;
        foreach (float v in ours) maxAbs = Math.Max(maxAbs, Math.Abs(v));
        double floor = Math.Max(1e-3 * maxAbs, double.Epsilon), worst = 0;
        for (int i = 0; i < ours.Length; i++)
            worst = Math.Max(worst, Math.Abs((double)ort[i] - ours[i]) / Math.Max(Math.Abs((double)ours[i]), floor));
        return worst;
    }

    /// <summary>
    /// Gives the network non-trivial BatchNorm state (weight U(0.5, 1.5), bias N(0, 0.2), running_mean N(0, 0.2),
    /// running_var U(0.5, 2)) on top of the PyTorch-default initialisation the constructor did with its seed.
    /// </summary>
    public static void RandomizeBatchNorm(INetwork net, int seed)
    {
        var rng = new Random(seed);
        foreach (TensorInfo t in net.Tensors)
        {
            if (net.Layers[t.Layer].Kind != "BatchNorm2D") continue;
            Span<float> s = (t.Role == TensorRole.Parameter ? net.Parameters : net.Buffers).Slice(t.Offset, t.Length);
            string suffix = t.Name[(t.Name.LastIndexOf('.') + 1)..];
            for (int i = 0; i < s.Length; i++)
                s[i] = suffix switch
                {
                    "weight" => 0.5f + (float)rng.NextDouble(),
                    "running_var" => 0.5f + 1.5f * (float)rng.NextDouble(),
                    _ => (float)(0.2 * Normal(rng)),
                };
        }
    }

    public static float[] RandomInput(int count, int seed)
    {
        var rng = new Random(seed);
        var x = new float[count];
        for (int i = 0; i < count; i++) x[i] = (float)Normal(rng);
        return x;
    }

    private static double Normal(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    /// <summary>An ONNX Runtime session on one thread, sequential, as every comparison here runs it.</summary>
    private static InferenceSession OneThreadSession(byte[] model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1, ExecutionMode = ExecutionMode.ORT_SEQUENTIAL };
        return new InferenceSession(model, options);
    }

    /// <summary>
    /// Exports <paramref name="net"/> and compares ORT with Forward on random input, batch by batch. A network with
    /// several outputs is compared output by output (each ORT output found by its graph name); the errors are the
    /// largest over the outputs, and <see cref="Result.OrtShape"/> is the first output's.
    /// </summary>
    public static IReadOnlyList<Result> Compare(INetwork net, params int[] batches)
    {
        var sw = Stopwatch.StartNew();
        byte[] model = Onnx.ToBytes(net);
        TimeSpan export = sw.Elapsed;
        using var session = OneThreadSession(model);
        NetworkGraph graph = net.Graph!;
        var results = new List<Result>();
        foreach (int batch in batches)
        {
            TensorShape s = net.InputShape;
            float[] input = RandomInput(batch * net.InputSize, 1000 + batch);
            float[][] ours = net.Outputs.Select(o => new float[batch * o.Shape.Size]).ToArray();
            sw.Restart();
            net.Forward([input], ours.Select(y => (Memory<float>)y).ToArray(), batch);
            TimeSpan oursTime = sw.Elapsed;

            var tensor = new DenseTensor<float>(input, new[] { batch, s.Channels, s.Height, s.Width });
            sw.Restart();
            using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor(graph.Inputs[0].Name, tensor) });
            TimeSpan ortTime = sw.Elapsed;
            double error = 0, elementError = 0;
            int[]? firstShape = null;
            for (int k = 0; k < ours.Length; k++)
            {
                var y = outputs.Single(o => o.Name == graph.Outputs[k].Name).AsTensor<float>();
                float[] ort = y.ToArray();
                if (ort.Length != ours[k].Length)
                    throw new Xunit.Sdk.XunitException($"{net.Name} batch {batch} output {graph.Outputs[k].Name}: ORT gave {ort.Length} floats ({string.Join("×", y.Dimensions.ToArray())}), Forward {ours[k].Length}.");
                error = Math.Max(error, Error(ours[k], ort));
                elementError = Math.Max(elementError, ElementError(ours[k], ort));
                firstShape ??= y.Dimensions.ToArray();
            }
            results.Add(new Result(error, elementError, firstShape!, export, oursTime, ortTime, model.LongLength));
        }
        return results;
    }

    /// <summary>What <see cref="CompareLayers"/> found for one layer at one batch size.</summary>
    public sealed record LayerResult(string Layer, int Batch, double Error, long Mismatches, long Elements);

    /// <summary>
    /// Exports <paramref name="net"/> with the outputs of <paramref name="layers"/> as extra graph outputs (named after
    /// the layers) and compares each with <see cref="INetwork.GetActivation"/> after Forward: the max-norm relative error
    /// and how many elements differ by more than <see cref="Tolerance"/> × max |ours|.
    /// </summary>
    /// <param name="inspect">Called per batch after both runs, while <see cref="INetwork.GetActivation"/> holds that
    /// batch, with ORT's output of each layer by name.</param>
    public static IReadOnlyList<LayerResult> CompareLayers(INetwork net, int[] layers, int[] batches,
        Action<int, IReadOnlyDictionary<string, float[]>>? inspect = null)
    {
        using var rewired = new Rewired(net, g => new NetworkGraph(g.Inputs.ToArray(), g.Nodes.ToArray(),
            g.Outputs.Concat(layers.Select(i => new GraphOutput(g.Nodes[i].Name, GraphSource.Layer(i)))).ToArray()), disposeInner: false);
        byte[] model = Onnx.ToBytes(rewired);
        using var session = OneThreadSession(model);
        var results = new List<LayerResult>();
        foreach (int batch in batches)
        {
            TensorShape s = net.InputShape;
            float[] input = RandomInput(batch * net.InputSize, 1000 + batch);
            var ours = new float[batch * net.OutputSize];
            net.Forward(input, ours, batch);
            using var outputs = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(input, new[] { batch, s.Channels, s.Height, s.Width })) });
            var byName = new Dictionary<string, float[]>();
            foreach (int i in layers.Append(net.Layers.Count - 1))
            {
                string name = i == net.Layers.Count - 1 ? "output" : net.Layers[i].Name;
                float[] ort = outputs.Single(o => o.Name == name).AsTensor<float>().ToArray();
                byName[net.Layers[i].Name] = ort;
                ReadOnlySpan<float> mine = net.GetActivation(i);
                if (ort.Length != mine.Length) throw new Xunit.Sdk.XunitException($"{name}: ORT {ort.Length} floats, ours {mine.Length}");
                double maxAbs = 0;
                foreach (float v in mine) maxAbs = Math.Max(maxAbs, Math.Abs(v));
                long mismatches = 0;
                for (int k = 0; k < ort.Length; k++)
                    if (Math.Abs((double)ort[k] - mine[k]) > Tolerance * maxAbs) mismatches++;
                results.Add(new LayerResult(net.Layers[i].Name, batch, Error(mine, ort), mismatches, ort.Length));
            }
            inspect?.Invoke(batch, byName);
        }
        return results;
    }
}
