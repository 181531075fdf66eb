namespace StaticCnn;

/// <summary>
/// The dataflow graph of a generated network as plain values: its named inputs, one node per layer (in execution
/// order, the same order as <see cref="INetwork.Layers"/>) with the sources it reads and every attribute value, and its
/// named outputs. Written by the generator from the attributes; exporters (<see cref="Interop.Onnx"/>) walk it.
/// </summary>
/// <remarks>
/// Immutable after construction and safe to read from any thread. Shapes are per sample (no batch dimension) and of any
/// rank, so that networks with several inputs and outputs and tensors of other ranks fit the same description; today
/// every network has one input named <c>input</c>, one output named <c>output</c> and C×H×W shapes.
/// </remarks>
public sealed class NetworkGraph
{
    /// <summary>Creates a graph; the arrays are kept, not copied.</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">A source names an input or node that does not exist (or a later node).</exception>
    public NetworkGraph(GraphInput[] inputs, GraphNode[] nodes, GraphOutput[] outputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentNullException.ThrowIfNull(outputs);
        for (int i = 0; i < nodes.Length; i++)
            foreach (GraphSource s in nodes[i].Inputs) Check(s, inputs.Length, i, nodes[i].Name);
        foreach (GraphOutput o in outputs) Check(o.Source, inputs.Length, nodes.Length, o.Name);
        Inputs = inputs;
        Nodes = nodes;
        Outputs = outputs;
    }

    private static void Check(GraphSource s, int inputs, int before, string who)
    {
        bool ok = s.Kind == GraphSourceKind.Input ? (uint)s.Index < (uint)inputs : (uint)s.Index < (uint)before;
        if (!ok) throw new ArgumentException($"'{who}' reads {s}, which does not exist (or does not come before it).");
    }

    /// <summary>The network's inputs, in order.</summary>
    public IReadOnlyList<GraphInput> Inputs { get; }
    /// <summary>One node per layer, in execution order (index i is <c>INetwork.Layers[i]</c>).</summary>
    public IReadOnlyList<GraphNode> Nodes { get; }
    /// <summary>The network's outputs, in order.</summary>
    public IReadOnlyList<GraphOutput> Outputs { get; }
}

/// <summary>A network input: its name and per-sample shape (C, H, W today).</summary>
public sealed record GraphInput(string Name, int[] Shape);

/// <summary>A network output: its name and the node (or input) that produces it.</summary>
public sealed record GraphOutput(string Name, GraphSource Source);

/// <summary>What a <see cref="GraphSource"/> points at.</summary>
public enum GraphSourceKind
{
    /// <summary>A network input, by its index in <see cref="NetworkGraph.Inputs"/>.</summary>
    Input,
    /// <summary>A layer's output, by its index in <see cref="NetworkGraph.Nodes"/>.</summary>
    Layer,
}

/// <summary>A tensor a node reads: a network input or the output of an earlier layer.</summary>
public readonly record struct GraphSource(GraphSourceKind Kind, int Index)
{
    /// <summary>Network input <paramref name="index"/>.</summary>
    public static GraphSource Input(int index) => new(GraphSourceKind.Input, index);
    /// <summary>The output of layer <paramref name="index"/>.</summary>
    public static GraphSource Layer(int index) => new(GraphSourceKind.Layer, index);
    /// <inheritdoc/>
    public override string ToString() => Kind == GraphSourceKind.Input ? "input #" + Index : "layer #" + Index;
}

/// <summary>One layer in the graph.</summary>
/// <param name="Name">The member name, e.g. <c>Conv1</c> (as <see cref="LayerInfo.Name"/>).</param>
/// <param name="Kind">The layer kind, e.g. <c>Conv2D</c> (as <see cref="LayerInfo.Kind"/>).</param>
/// <param name="Inputs">The tensors it reads, in order (Add and Concat read several).</param>
/// <param name="OutputShape">Per-sample output shape (C, H, W today).</param>
/// <param name="Attributes">Every attribute value the layer's computation depends on.</param>
public sealed record GraphNode(string Name, string Kind, GraphSource[] Inputs, int[] OutputShape, LayerAttributes Attributes);

/// <summary>
/// The attribute values of one layer, resolved as the generator checked them (defaults filled in, <c>Kernel</c> split
/// into <see cref="KernelH"/>/<see cref="KernelW"/>, <c>PaddingMode</c> turned into pads). A value a kind does not use
/// keeps its default.
/// </summary>
public sealed record LayerAttributes
{
    /// <summary>Window height (Conv2D, ConvTranspose2D, MaxPool2D, AvgPool2D); 0 when the kind has none.</summary>
    public int KernelH { get; init; }
    /// <summary>Window width.</summary>
    public int KernelW { get; init; }
    /// <summary>Vertical stride.</summary>
    public int StrideH { get; init; } = 1;
    /// <summary>Horizontal stride.</summary>
    public int StrideW { get; init; } = 1;
    /// <summary>Zero rows added at the top (pools: −∞ for MaxPool2D, counted for AvgPool2D as PyTorch's count_include_pad).</summary>
    public int PadTop { get; init; }
    /// <summary>Zero columns added at the left.</summary>
    public int PadLeft { get; init; }
    /// <summary>Rows added at the bottom: <see cref="PadTop"/> except for <c>PaddingMode.Same</c> with an even (dilated) kernel.</summary>
    public int PadBottom { get; init; }
    /// <summary>Columns added at the right: <see cref="PadLeft"/> except for <c>PaddingMode.Same</c> with an even (dilated) kernel.</summary>
    public int PadRight { get; init; }
    /// <summary>Vertical dilation.</summary>
    public int DilationH { get; init; } = 1;
    /// <summary>Horizontal dilation.</summary>
    public int DilationW { get; init; } = 1;
    /// <summary>Convolution groups.</summary>
    public int Groups { get; init; } = 1;
    /// <summary>Whether the layer has a <c>bias</c> tensor.</summary>
    public bool Bias { get; init; }
    /// <summary>The fused activation (Conv2D, ConvTranspose2D, Dense, Add) or the function of an activation layer.</summary>
    public Activation Activation { get; init; }
    /// <summary>Negative slope of LeakyReLU (fused activations use <see cref="Kernels.Activations.DefaultLeakySlope"/>).</summary>
    public float Slope { get; init; }
    /// <summary>BatchNorm2D's epsilon.</summary>
    public float Epsilon { get; init; }
    /// <summary>BatchNorm2D's momentum (training only).</summary>
    public float Momentum { get; init; }
    /// <summary>Dropout's rate (training only).</summary>
    public float Rate { get; init; }
    /// <summary>Upsample's integer factor.</summary>
    public int Scale { get; init; }
    /// <summary>Upsample's interpolation.</summary>
    public UpsampleMode UpsampleMode { get; init; }
    /// <summary>Conv2D and Conv1D: the network's arithmetic (<see cref="NetworkAttribute.Precision"/>); the layer computes the same function either way.</summary>
    public Precision Precision { get; init; }
    /// <summary>First row kept by Crop and CenterCrop (the kept size is the output shape).</summary>
    public int Top { get; init; }
    /// <summary>First column kept by Crop and CenterCrop.</summary>
    public int Left { get; init; }
    /// <summary>ConvTranspose2D's extra rows at the bottom of the output (PyTorch <c>output_padding</c>).</summary>
    public int OutputPaddingH { get; init; }
    /// <summary>ConvTranspose2D's extra columns at the right of the output.</summary>
    public int OutputPaddingW { get; init; }
    /// <summary>MaxUnpool2D: index of the MaxPool2D node whose argmax it scatters with; −1 otherwise.</summary>
    public int PoolLayer { get; init; } = -1;
}
