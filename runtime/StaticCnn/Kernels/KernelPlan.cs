namespace StaticCnn.Kernels;

/// <summary>The algorithms one Conv2D or Conv1D layer runs (<see cref="KernelPlan.For"/>).</summary>
/// <param name="Layer">The layer's member name.</param>
/// <param name="Kind">"Conv2D" or "Conv1D".</param>
/// <param name="Forward">The forward algorithm (a fused Conv2D → MaxPool2D at inference runs the same one).</param>
/// <param name="Backward">The training backward: fused, or the two lists below.</param>
/// <param name="BackwardData">The backward-data algorithm (used when <paramref name="Backward"/> is not fused).</param>
/// <param name="BackwardWeights">The backward-weights algorithm (used when <paramref name="Backward"/> is not fused).</param>
/// <param name="Description">One line naming all of them (<see cref="Conv2D.Describe"/>).</param>
public sealed record ConvLayerPlan(string Layer, string Kind, ConvAlgorithm Forward, ConvAlgorithm Backward,
    ConvAlgorithm BackwardData, ConvAlgorithm BackwardWeights, string Description);

/// <summary>
/// The convolution algorithm of every Conv2D and Conv1D layer of a network, read from its <see cref="NetworkGraph"/>
/// (<see cref="INetwork.Graph"/>), for benchmark output and diagnostics. The choice depends on the layer shape and the
/// instruction set of this process only, not on batch or thread count, so one plan holds for every batch and thread
/// count; forcing (<see cref="ConvAlgorithms.Force"/>) on the calling thread is reflected. PyTorch: none (oneDNN's
/// <c>ONEDNN_VERBOSE</c> prints its choice per call).
/// </summary>
public static class KernelPlan
{
    /// <summary>One entry per Conv2D or Conv1D layer of <paramref name="graph"/>, in layer order.</summary>
    public static IReadOnlyList<ConvLayerPlan> For(NetworkGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var plans = new List<ConvLayerPlan>();
        foreach (var node in graph.Nodes)
        {
            if (node.Kind is not ("Conv2D" or "Conv1D") || node.Inputs.Length != 1) continue;
            GraphSource src = node.Inputs[0];
            int[] input = src.Kind == GraphSourceKind.Input ? graph.Inputs[src.Index].Shape : graph.Nodes[src.Index].OutputShape;
            var (c, h, w) = Chw(input);
            var (oc, oh, ow) = Chw(node.OutputShape);
            LayerAttributes a = node.Attributes;
            var g = new ConvGeom
            {
                Cin = c, H = h, W = w, Cout = oc, OH = oh, OW = ow, KH = a.KernelH, KW = a.KernelW,
                SH = a.StrideH, SW = a.StrideW, PH = a.PadTop, PW = a.PadLeft, DH = a.DilationH, DW = a.DilationW, G = a.Groups,
                Relaxed = a.Precision == Precision.Relaxed,
            };
            Conv2D.Validate(g);
            plans.Add(new ConvLayerPlan(node.Name, node.Kind, ConvAlgorithms.ChooseForward(g, false), ConvAlgorithms.ChooseBackward(g),
                ConvAlgorithms.ChooseData(g), ConvAlgorithms.ChooseWeights(g), ConvAlgorithms.Describe(g)));
        }
        return plans;
    }

    /// <summary>One line per convolution layer: "Conv1 (Conv2D): forward: …; backward: …".</summary>
    public static string Describe(NetworkGraph graph)
        => string.Join(Environment.NewLine, For(graph).Select(p => $"{p.Layer} ({p.Kind}): {p.Description}"));

    /// <summary><see cref="Describe(NetworkGraph)"/> of <paramref name="network"/>'s graph; empty when it has none.</summary>
    public static string Describe(INetwork network)
        => network.Graph is { } graph ? Describe(graph) : "";

    /// <summary>A tensor shape viewed as C×H×W: (C, L) is C×1×L.</summary>
    private static (int C, int H, int W) Chw(int[] shape) => shape.Length switch
    {
        3 => (shape[0], shape[1], shape[2]),
        2 => (shape[0], 1, shape[1]),
        _ => throw new ArgumentException($"A convolution's tensor must be C×H×W or C×L, not rank {shape.Length}."),
    };
}
