using System.Globalization;
using System.Text;

namespace StaticCnn.Tool;

/// <summary>Options of <c>OnnxImporter.Import</c>.</summary>
public sealed record ImportOptions
{
    /// <summary>The C# class name; default: from the file name (lenet5.onnx → Lenet5).</summary>
    public string? ClassName { get; init; }

    /// <summary>The namespace of the generated class; null or empty for none.</summary>
    public string? Namespace { get; init; }

    /// <summary>The name of the ONNX file, quoted in the generated doc comment.</summary>
    public string SourceName { get; init; } = "model.onnx";
}

/// <summary>One layer of the imported spec.</summary>
/// <param name="Member">C# member name (unique).</param>
/// <param name="Attribute">Attribute text without brackets, e.g. <c>Conv2D(6, Kernel = 5, Name = "conv1")</c>.</param>
/// <param name="Node">The ONNX node(s) it came from, for the comment.</param>
public sealed record ImportedLayer(string Member, string Attribute, string Node);

/// <summary>What an import produces: the C# source of the spec and the tensors of its safetensors file, in state_dict order.</summary>
public sealed record ImportResult(string ClassName, string Source, IReadOnlyList<StaticCnn.Checkpoints.SafeTensor> Tensors,
    IReadOnlyList<ImportedLayer> Layers);

/// <summary>
/// Turns an ONNX graph, as PyTorch exports it, into a StaticCnn <c>[Network]</c> spec and its weights. Folds the export
/// patterns back into layers: Conv (+Relu/Sigmoid/Tanh) → Conv2D with Activation; Flatten/Reshape + Gemm (or MatMul + Add)
/// → Dense; BatchNormalization → BatchNorm2D; MaxPool, AveragePool, GlobalAveragePool; Add (+Relu); Concat on channels;
/// ConvTranspose; Resize/Upsample by an integer factor (nearest or bilinear); Relu, LeakyRelu, Sigmoid, Tanh, HardSwish, Softmax as
/// layers; Identity and Dropout are dropped. Tensor names are the initializer names (the state_dict names of a PyTorch
/// export with do_constant_folding=False); the batch is the only dynamic dimension. Anything else throws
/// <see cref="OnnxImportException"/> naming the node, the op and the attribute. Stateless and thread-safe.
/// </summary>
public static class OnnxImporter
{
    private sealed class Value
    {
        public int Layer = -1;     // producing layer index, −1 = the network input
        public bool Flat;          // (N, features) after Flatten/Reshape, not yet consumed
        public int FlatNodeIndex = -1;
        public int[]? Pads;        // zero padding (top, left, bottom, right) of a Pad node, for the AveragePool or Conv after it
        public int PadNodeIndex = -1;
    }

    private sealed class Builder
    {
        public readonly List<(string Member, string Attr, string Node, string? PyName)> Layers = new();
        public readonly List<StaticCnn.Checkpoints.SafeTensor> Tensors = new();
        public readonly HashSet<string> Members = new(StringComparer.Ordinal);
        public readonly HashSet<string> PyNames = new(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>Imports the ONNX file at <paramref name="path"/>.</summary>
    public static ImportResult Import(string path, ImportOptions? options = null)
    {
        options ??= new ImportOptions();
        options = options with { SourceName = Path.GetFileName(path), ClassName = options.ClassName ?? ClassNameFromFile(path) };
        return Import(OnnxReader.Read(path), options);
    }

    /// <summary>The default class name for a file: lenet5.onnx → Lenet5, my-unet.onnx → MyUnet.</summary>
    public static string ClassNameFromFile(string path)
    {
        string stem = Path.GetFileNameWithoutExtension(path);
        string id = Pascal(stem);
        return id.Length == 0 ? "ImportedNetwork" : char.IsDigit(id[0]) ? "Net" + id : id;
    }

    /// <summary>Imports a parsed model.</summary>
    public static ImportResult Import(OnnxModel model, ImportOptions options)
    {
        try { return ImportGraph(model, options); }
        catch (Exception ex) when (ex is not OnnxImportException and (IndexOutOfRangeException or ArgumentException or InvalidCastException or OverflowException or KeyNotFoundException or NullReferenceException))
        {
            // A graph that is well-formed protobuf but not a well-formed ONNX graph (a node without its inputs, a tensor
            // without data): still an error message, never a crash.
            throw new OnnxImportException($"the graph is malformed ({ex.GetType().Name}: {ex.Message})", ex);
        }
    }

    private static ImportResult ImportGraph(OnnxModel model, ImportOptions options)
    {
        OnnxGraph g = model.Graph;
        string className = options.ClassName ?? "ImportedNetwork";
        if (!IsIdentifier(className)) throw new OnnxImportException($"'{className}' is not a valid C# class name (--name)");
        if (!string.IsNullOrEmpty(options.Namespace) && !options.Namespace!.Split('.').All(IsIdentifier))
            throw new OnnxImportException($"'{options.Namespace}' is not a valid C# namespace (--namespace)");

        // ---- the one real input: (N, C, H, W) ----
        var realInputs = g.Inputs.Where(i => !g.Initializers.ContainsKey(i.Name)).ToList();
        if (realInputs.Count != 1)
            throw new OnnxImportException($"the graph has {realInputs.Count} inputs ({string.Join(", ", realInputs.Select(i => i.Name))}); a StaticCnn network has exactly one");
        OnnxValueInfo input = realInputs[0];
        if (input.Dims is not { Length: 4 } d || d[1] <= 0 || d[2] <= 0 || d[3] <= 0)
            throw new OnnxImportException($"input '{input.Name}' has shape [{(input.Dims == null ? "unknown" : string.Join(", ", input.Dims.Select(x => x < 0 ? "?" : x.ToString(CultureInfo.InvariantCulture))))}]; the importer needs (N, C, H, W) with C, H and W fixed (the batch may be dynamic)");
        if (g.Outputs.Count != 1)
            throw new OnnxImportException($"the graph has {g.Outputs.Count} outputs; a StaticCnn network has exactly one");

        // ---- constants, consumers ----
        var constants = new Dictionary<string, OnnxTensor>(g.Initializers, StringComparer.Ordinal);
        var consumers = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        for (int n = 0; n < g.Nodes.Count; n++)
            foreach (string i in g.Nodes[n].Inputs)
                if (i.Length > 0) (consumers.TryGetValue(i, out var l) ? l : consumers[i] = new List<int>()).Add(n);
        int Uses(string value) => (consumers.TryGetValue(value, out var l) ? l.Count : 0) + (g.Outputs.Any(o => o.Name == value) ? 1 : 0);

        var b = new Builder();
        var values = new Dictionary<string, Value>(StringComparer.Ordinal) { [input.Name] = new Value { Layer = -1 } };
        var absorbed = new HashSet<int>();

        for (int n = 0; n < g.Nodes.Count; n++)
        {
            if (absorbed.Contains(n)) continue;
            OnnxNode node = g.Nodes[n];
            if (node.Outputs.Length == 0 || node.Outputs[0].Length == 0) throw Unsupported(node, null, "the node has no output");
            if (node.Domain is not ("" or "ai.onnx"))
                throw Unsupported(node, null, $"the operator domain '{node.Domain}' is not the default ONNX domain");
            string op = node.OpType;

            // ---- constant folding of the few shape computations PyTorch emits ----
            if (op == "Constant")
            {
                OnnxAttribute? v = node.Attr("value");
                if (v?.T == null) throw Unsupported(node, node.Attributes.FirstOrDefault()?.Name ?? "value", "only a 'value' tensor constant is supported");
                constants[node.Outputs[0]] = v.T with { Name = node.Outputs[0] };
                continue;
            }
            if (node.Inputs.Where(i => i.Length > 0).All(constants.ContainsKey) && node.Inputs.Length > 0 && op is "Concat" or "Cast" or "Identity")
            {
                constants[node.Outputs[0]] = FoldConstant(node, constants);
                continue;
            }

            Value In(int k)
            {
                string name = node.Inputs.Length > k ? node.Inputs[k] : "";
                if (values.TryGetValue(name, out Value? v)) return v;
                if (constants.ContainsKey(name))
                    throw Unsupported(node, null, $"input {k} ('{name}') is a constant where the importer expects the output of a layer");
                throw Unsupported(node, null, $"input {k} ('{name}') is produced by no node the importer has seen");
            }
            OnnxTensor Const(int k, string what)
            {
                string name = node.Inputs.Length > k ? node.Inputs[k] : "";
                if (constants.TryGetValue(name, out OnnxTensor? t) && t.Floats != null) return t;
                throw Unsupported(node, null, $"the {what} (input {k}, '{name}') must be a float initializer");
            }
            void Alias(Value v) => values[node.Outputs[0]] = v;

            switch (op)
            {
                case "Identity":
                    Alias(In(0));
                    break;
                case "Dropout":
                    if (node.Outputs.Length > 1 && node.Outputs[1].Length > 0 && Uses(node.Outputs[1]) > 0)
                        throw Unsupported(node, null, "the dropout mask output is used");
                    Alias(In(0));
                    break;
                case "Flatten":
                {
                    long axis = node.Attr("axis")?.I ?? 1;
                    if (axis != 1) throw Unsupported(node, "axis", $"axis = {axis}; only 1 (keep the batch, flatten C×H×W) is supported");
                    Alias(new Value { Layer = In(0).Layer, Flat = true, FlatNodeIndex = n });
                    break;
                }
                case "Reshape":
                {
                    Value x = In(0);
                    if (node.Inputs.Length < 2 || !constants.TryGetValue(node.Inputs[1], out OnnxTensor? shape) || shape.Ints == null)
                        throw Unsupported(node, null, "the target shape is computed at run time; only a constant (batch, features) shape, as x.view(-1, n) or torch.flatten exports, is supported");
                    long[] s = shape.Ints;
                    bool flat = s.Length == 2 && (s[0] is -1 or 0 || s[1] == -1);
                    if (!flat) throw Unsupported(node, null, $"the target shape [{string.Join(", ", s)}] is not (batch, features)");
                    Alias(new Value { Layer = x.Layer, Flat = true, FlatNodeIndex = n });
                    break;
                }
                case "Pad":
                {
                    // PyTorch exports F.avg_pool2d(padding=p) as Pad + AveragePool (and F.pad + conv as Pad + Conv):
                    // zero padding of H and W folds into the next layer's padding.
                    Value x = In(0);
                    string mode = node.Attr("mode")?.S ?? "constant";
                    if (mode != "constant") throw Unsupported(node, "mode", $"mode = {mode}; only constant (zero) padding is supported");
                    long[]? pads = node.Attr("pads")?.Ints;
                    if (node.Inputs.Length > 1 && node.Inputs[1].Length > 0)
                        pads = constants.TryGetValue(node.Inputs[1], out OnnxTensor? pt) ? pt.Ints : throw Unsupported(node, null, "the pads are computed at run time");
                    if (node.Inputs.Length > 2 && node.Inputs[2].Length > 0
                        && (!constants.TryGetValue(node.Inputs[2], out OnnxTensor? cv) || (cv.Floats ?? cv.Ints?.Select(v => (float)v).ToArray())?.Any(v => v != 0) != false))
                        throw Unsupported(node, null, "the padding value is not 0");
                    if (pads is not { Length: 8 } || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0 || pads.Any(v => v < 0))
                        throw Unsupported(node, "pads", $"pads [{string.Join(", ", pads ?? Array.Empty<long>())}]; only non-negative padding of H and W of a 4-D tensor is supported");
                    bool next = consumers.TryGetValue(node.Outputs[0], out var pc) && pc.Count == 1 && Uses(node.Outputs[0]) == 1
                        && g.Nodes[pc[0]].OpType is "AveragePool" or "Conv";
                    if (!next) throw Unsupported(node, null, "zero padding is supported only as the only input of an AveragePool or Conv, whose padding it becomes");
                    if (x.Flat || x.Pads != null) throw Unsupported(node, null, "the input is already flattened or padded");
                    Alias(new Value { Layer = x.Layer, Pads = new[] { (int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7] }, PadNodeIndex = n });
                    break;
                }
                case "Conv":
                    ImportConv(node, In(0), Const(1, "weight"), node.Inputs.Length > 2 && node.Inputs[2].Length > 0 ? Const(2, "bias") : null);
                    break;
                case "ConvTranspose":
                    ImportConvTranspose(node, In(0), Const(1, "weight"), node.Inputs.Length > 2 && node.Inputs[2].Length > 0 ? Const(2, "bias") : null);
                    break;
                case "Gemm":
                {
                    Check(node, "alpha", 1f); Check(node, "beta", 1f);
                    CheckInt(node, "transA", 0);
                    long transB = node.Attr("transB")?.I ?? 0;
                    OnnxTensor w = Const(1, "weight");
                    OnnxTensor? bias = node.Inputs.Length > 2 && node.Inputs[2].Length > 0 ? Const(2, "bias") : null;
                    ImportDense(node, In(0), w, transposed: transB == 0, bias, node.Display);
                    break;
                }
                case "MatMul":
                {
                    OnnxTensor w = Const(1, "weight");
                    // MatMul(x, W) + Add(b): PyTorch's Linear on inputs of rank > 2, or a hand-written x @ W + b.
                    OnnxTensor? bias = null;
                    string nodes = node.Display;
                    if (Uses(node.Outputs[0]) == 1 && consumers.TryGetValue(node.Outputs[0], out var cs) && cs.Count == 1 && g.Nodes[cs[0]].OpType == "Add")
                    {
                        OnnxNode add = g.Nodes[cs[0]];
                        string other = add.Inputs[0] == node.Outputs[0] ? add.Inputs[1] : add.Inputs[0];
                        if (constants.TryGetValue(other, out OnnxTensor? bt) && bt.Floats != null)
                        {
                            bias = bt; absorbed.Add(cs[0]); nodes += " + " + add.Display;
                            node = node with { Outputs = add.Outputs };
                        }
                    }
                    ImportDense(node, In(0), w, transposed: true, bias, nodes);
                    break;
                }
                case "BatchNormalization":
                    ImportBatchNorm(node, In(0), Const(1, "scale"), Const(2, "bias"), Const(3, "running mean"), Const(4, "running variance"));
                    break;
                case "MaxPool":
                case "AveragePool":
                    ImportPool(node, In(0));
                    break;
                case "GlobalAveragePool":
                    Add(node, In(0), "GlobalAvgPool", "", null, node.Display);
                    break;
                case "Add":
                case "Sum":
                {
                    if (node.Inputs.Length < 2) throw Unsupported(node, null, "fewer than two inputs");
                    var ins = Enumerable.Range(0, node.Inputs.Length).Select(In).ToList();
                    var (act, outNode, names) = FuseActivation(node);
                    string args = string.Join(", ", ins.Select(v => Ref(MemberOf(v))));
                    AddLayer(outNode, NameFor(node, "Add"), "Add(" + args + (act != null ? ", Activation = Activation." + act : "") + ")", null, names);
                    break;
                }
                case "Concat":
                {
                    long axis = node.Attr("axis")?.I ?? 0;
                    if (axis is not (1 or -3)) throw Unsupported(node, "axis", $"axis = {axis}; only the channel axis (1) is supported");
                    var ins = Enumerable.Range(0, node.Inputs.Length).Select(In).ToList();
                    AddLayer(node, NameFor(node, "Concat"), "Concat(" + string.Join(", ", ins.Select(v => Ref(MemberOf(v)))) + ")", null, node.Display);
                    break;
                }
                case "Resize":
                case "Upsample":
                    ImportResize(node, In(0));
                    break;
                case "Relu": Add(node, In(0), "ReLU", "", null, node.Display); break;
                case "Sigmoid": Add(node, In(0), "Sigmoid", "", null, node.Display); break;
                case "Tanh": Add(node, In(0), "Tanh", "", null, node.Display); break;
                case "HardSwish": Add(node, In(0), "Hardswish", "", null, node.Display); break;
                case "LeakyRelu":
                {
                    float alpha = node.Attr("alpha")?.F ?? 0.01f;
                    Add(node, In(0), "LeakyReLU", alpha == 0.01f ? "" : "Slope = " + F(alpha) + "f", null, node.Display);
                    break;
                }
                case "Softmax":
                {
                    Value x = In(0);
                    long axis = node.Attr("axis")?.I ?? (model.OpsetVersion >= 13 ? -1 : 1);
                    // StaticCnn's Softmax is over channels: axis 1 of (N,C,H,W), or the features of a flat (N, F) tensor.
                    bool ok = axis == 1 || (axis == -1 && (x.Flat || IsFlatLayer(x)));
                    if (!ok) throw Unsupported(node, "axis", $"axis = {axis}; only the channel axis (1) is supported");
                    Add(node, x, "Softmax", "", null, node.Display);
                    break;
                }
                default:
                    throw Unsupported(node, null, "no StaticCnn layer computes it (supported: Conv, ConvTranspose, Gemm, MatMul+Add, BatchNormalization, MaxPool, AveragePool, Pad before AveragePool/Conv, GlobalAveragePool, Add, Sum, Concat, Resize, Upsample, Relu, LeakyRelu, Sigmoid, Tanh, HardSwish, Softmax, Flatten, Reshape, Identity, Dropout, Constant)");
            }
        }

        // ---- the output must be the last layer ----
        string outName = g.Outputs[0].Name;
        if (!values.TryGetValue(outName, out Value? last) || last.Layer < 0)
            throw new OnnxImportException($"the graph output '{outName}' is not computed by a layer the importer made");
        if (last.Layer != b.Layers.Count - 1)
            throw new OnnxImportException($"the graph output '{outName}' comes from layer '{b.Layers[last.Layer].Member}', which is not the last layer; a StaticCnn network's output is its last layer");

        return new ImportResult(className, Source(), b.Tensors, b.Layers.Select(l => new ImportedLayer(l.Member, l.Attr, l.Node)).ToList());

        // ================================================================ helpers (closures over the graph state)

        bool IsFlatLayer(Value v) => v.Layer >= 0 && b.Layers[v.Layer].Attr.StartsWith("Dense(", StringComparison.Ordinal);

        string MemberOf(Value v)
        {
            if (v.Flat && !IsFlatLayer(v)) throw new OnnxImportException($"the output of node '{g.Nodes[v.FlatNodeIndex].Display}' (op {g.Nodes[v.FlatNodeIndex].OpType}) is flattened and then used by a layer other than Gemm/MatMul; StaticCnn flattens only inside Dense");
            if (v.Pads != null) throw new OnnxImportException($"the padded output of node '{g.Nodes[v.PadNodeIndex].Display}' (op Pad) is used by a layer that cannot take its padding");
            return v.Layer < 0 ? "Input" : b.Layers[v.Layer].Member;
        }

        // Adds a layer whose single input is x; From is written when x is not the previous layer.
        void Add(OnnxNode node, Value x, string kind, string args, string? pyName, string nodes, OnnxNode? outNode = null)
        {
            // An element-wise activation commutes with flattening, so it may sit between Flatten and Gemm (and Dense
            // flattens its input anyway); any other layer on a flattened C×H×W tensor has no StaticCnn equivalent.
            if (x.Flat && !IsFlatLayer(x) && kind is not ("Dense" or "ReLU" or "Sigmoid" or "Tanh" or "LeakyReLU" or "Hardswish"))
                throw new OnnxImportException($"node '{node.Display}' (op {node.OpType}) consumes the flattened output of node '{g.Nodes[x.FlatNodeIndex].Display}'; StaticCnn flattens only inside Dense (Flatten/Reshape must feed Gemm or MatMul)");
            if (x.Pads != null && kind is not ("Conv2D" or "AvgPool2D"))
                throw new OnnxImportException($"node '{node.Display}' (op {node.OpType}) consumes the padded output of node '{g.Nodes[x.PadNodeIndex].Display}'");
            string from = x.Layer == b.Layers.Count - 1 ? "" : "From = " + Ref(x.Layer < 0 ? "Input" : b.Layers[x.Layer].Member);
            string all = string.Join(", ", new[] { args, from, pyName != null ? "Name = " + Str(pyName) : "" }.Where(s => s.Length > 0));
            string attr = kind + (all.Length > 0 ? "(" + all + ")" : "");
            AddLayer(outNode ?? node, NameFor(node, pyName ?? kind), attr, pyName, nodes);
        }

        void AddLayer(OnnxNode outNode, string member, string attr, string? pyName, string nodes)
        {
            b.Layers.Add((member, attr, nodes, pyName));
            b.Members.Add(member);
            if (pyName != null) b.PyNames.Add(pyName);
            values[outNode.Outputs[0]] = new Value { Layer = b.Layers.Count - 1 };
        }

        // The member name: from the tensor prefix (layer1.0.conv1 → Layer1_0Conv1) or from the node's module path
        // (/layer1/layer1.0/Add → Layer1_0Add; /MaxPool_1 → MaxPool1).
        string NameFor(OnnxNode node, string pyNameOrKind)
        {
            string baseName;
            if (pyNameOrKind.Contains('.') || pyNameOrKind.Length > 0 && char.IsLower(pyNameOrKind[0]))
                baseName = Pascal(pyNameOrKind);
            else
            {
                string module = ModulePath(node);
                string[] parts = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
                baseName = Pascal(module.Length > 0 ? module : parts.Length > 0 ? parts[parts.Length - 1] : pyNameOrKind);
                if (baseName.Length == 0) baseName = pyNameOrKind;
            }
            if (baseName.Length == 0 || !char.IsLetter(baseName[0]) && baseName[0] != '_') baseName = "L" + baseName;
            if (baseName is "Input") baseName = "InputLayer";
            string m = baseName;
            for (int k = 2; b.Members.Contains(m) || ReservedMembers.Contains(m) || m == className || b.PyNames.Contains(Snake(m)); k++)
                m = baseName + "_" + k.ToString(CultureInfo.InvariantCulture);
            return m;
        }

        // Fuses a following Relu/Sigmoid/Tanh (LeakyRelu with slope 0.01) when it is the output's only consumer.
        (string? Act, OnnxNode OutNode, string Nodes) FuseActivation(OnnxNode node)
        {
            string o = node.Outputs[0];
            if (Uses(o) != 1 || !consumers.TryGetValue(o, out var cs) || cs.Count != 1) return (null, node, node.Display);
            OnnxNode next = g.Nodes[cs[0]];
            string? act = next.OpType switch
            {
                "Relu" => "ReLU",
                "Sigmoid" => "Sigmoid",
                "Tanh" => "Tanh",
                "LeakyRelu" when (next.Attr("alpha")?.F ?? 0.01f) == 0.01f => "LeakyReLU",
                _ => null,
            };
            if (act == null) return (null, node, node.Display);
            absorbed.Add(cs[0]);
            return (act, next, node.Display + " + " + next.Display);
        }

        string PrefixOf(OnnxNode node, OnnxTensor weight, string suffix, string kindForName)
        {
            string n = weight.Name;
            string? prefix = n.EndsWith("." + suffix, StringComparison.Ordinal) ? n.Substring(0, n.Length - suffix.Length - 1) : null;
            if (prefix == null || !IsModulePath(prefix) || b.PyNames.Contains(prefix))
            {
                // An initializer without a state_dict name (e.g. onnx::Conv_12): name the layer after the node.
                string module = ModulePath(node);
                prefix = IsModulePath(module) && !b.PyNames.Contains(module) ? module : Snake(kindForName) + (b.Layers.Count + 1).ToString(CultureInfo.InvariantCulture);
            }
            return prefix;
        }

        void Tensor(string name, long[] dims, float[] data)
            => b.Tensors.Add(new StaticCnn.Checkpoints.SafeTensor(name, dims.Select(x => (int)x).ToArray(), data));

        void ImportConv(OnnxNode node, Value x, OnnxTensor w, OnnxTensor? bias)
        {
            if (w.Dims.Length != 4) throw Unsupported(node, null, $"the weight '{w.Name}' has {w.Dims.Length} dimensions; only 2-D convolution (4-D weight) is supported");
            int kh = (int)w.Dims[2], kw = (int)w.Dims[3];
            int[] k = Ints(node, "kernel_shape", 2, new[] { kh, kw });
            if (k[0] != kh || k[1] != kw) throw Unsupported(node, "kernel_shape", $"kernel_shape [{k[0]}, {k[1]}] differs from the weight's {kh}×{kw}");
            int[] s = Ints(node, "strides", 2, new[] { 1, 1 });
            int[] dl = Ints(node, "dilations", 2, new[] { 1, 1 });
            if (dl[0] != dl[1]) throw Unsupported(node, "dilations", $"dilations [{dl[0]}, {dl[1]}] differ; StaticCnn's Conv2D has one dilation");
            int groups = (int)(node.Attr("group")?.I ?? 1);
            string pad = ConvPads(node, kh, kw, s, dl[0], x.Pads);
            var (act, outNode, nodes) = FuseActivation(node);
            string pyName = PrefixOf(node, w, "weight", "Conv");
            var args = new List<string> { ((int)w.Dims[0]).ToString(CultureInfo.InvariantCulture) };
            args.Add(kh == kw ? "Kernel = " + kh : "KernelH = " + kh + ", KernelW = " + kw);
            if (s[0] != 1 || s[1] != 1) args.Add(s[0] == s[1] ? "Stride = " + s[0] : "StrideH = " + s[0] + ", StrideW = " + s[1]);
            if (pad.Length > 0) args.Add(pad);
            if (dl[0] != 1) args.Add("Dilation = " + dl[0]);
            if (groups != 1) args.Add("Groups = " + groups);
            if (bias == null) args.Add("Bias = false");
            if (act != null) args.Add("Activation = Activation." + act);
            Add(node, x, "Conv2D", string.Join(", ", args), pyName, x.Pads != null ? g.Nodes[x.PadNodeIndex].Display + " + " + nodes : nodes, outNode);
            Tensor(pyName + ".weight", w.Dims, w.Floats!);
            if (bias != null) Tensor(pyName + ".bias", bias.Dims, CheckLength(node, bias, w.Dims[0], "bias"));
        }

        void ImportConvTranspose(OnnxNode node, Value x, OnnxTensor w, OnnxTensor? bias)
        {
            if (w.Dims.Length != 4) throw Unsupported(node, null, $"the weight '{w.Name}' has {w.Dims.Length} dimensions; only 2-D transposed convolution is supported");
            int kh = (int)w.Dims[2], kw = (int)w.Dims[3];
            int groups = (int)(node.Attr("group")?.I ?? 1);
            if (node.Attr("output_shape") != null) throw Unsupported(node, "output_shape", "an explicit output_shape is not supported; use pads and output_padding");
            string autoPad = node.Attr("auto_pad")?.S ?? "NOTSET";
            if (autoPad is not ("NOTSET" or "VALID")) throw Unsupported(node, "auto_pad", $"auto_pad = {autoPad}; only NOTSET and VALID are supported");
            int[] s = Ints(node, "strides", 2, new[] { 1, 1 });
            if (s[0] != s[1]) throw Unsupported(node, "strides", $"strides [{s[0]}, {s[1]}] differ; StaticCnn's ConvTranspose2D has one stride");
            int[] dl = Ints(node, "dilations", 2, new[] { 1, 1 });
            if (dl[0] != dl[1]) throw Unsupported(node, "dilations", $"dilations [{dl[0]}, {dl[1]}] differ");
            int[] p = Ints(node, "pads", 4, new[] { 0, 0, 0, 0 });
            if (p.Distinct().Count() != 1) throw Unsupported(node, "pads", $"pads [{string.Join(", ", p)}] are not all equal; StaticCnn's ConvTranspose2D pads symmetrically with one value");
            int[] op = Ints(node, "output_padding", 2, new[] { 0, 0 });
            if (op[0] != op[1]) throw Unsupported(node, "output_padding", $"output_padding [{op[0]}, {op[1]}] differ");
            var (act, outNode, nodes) = FuseActivation(node);
            string pyName = PrefixOf(node, w, "weight", "Up");
            int filters = (int)w.Dims[1] * groups;
            var args = new List<string> { filters.ToString(CultureInfo.InvariantCulture), kh == kw ? "Kernel = " + kh : "KernelH = " + kh + ", KernelW = " + kw };
            if (s[0] != 1) args.Add("Stride = " + s[0]);
            if (p[0] != 0) args.Add("Padding = " + p[0]);
            if (op[0] != 0) args.Add("OutputPadding = " + op[0]);
            if (dl[0] != 1) args.Add("Dilation = " + dl[0]);
            if (groups != 1) args.Add("Groups = " + groups);
            if (bias == null) args.Add("Bias = false");
            if (act != null) args.Add("Activation = Activation." + act);
            Add(node, x, "ConvTranspose2D", string.Join(", ", args), pyName, nodes, outNode);
            Tensor(pyName + ".weight", w.Dims, w.Floats!);
            if (bias != null) Tensor(pyName + ".bias", bias.Dims, CheckLength(node, bias, filters, "bias"));
        }

        void ImportDense(OnnxNode node, Value x, OnnxTensor w, bool transposed, OnnxTensor? bias, string nodes)
        {
            if (w.Dims.Length != 2) throw Unsupported(node, null, $"the weight '{w.Name}' has {w.Dims.Length} dimensions; Dense needs a matrix");
            long outF = transposed ? w.Dims[1] : w.Dims[0], inF = transposed ? w.Dims[0] : w.Dims[1];
            float[] data = w.Floats!;
            if (transposed)
            {
                data = new float[w.Length];
                for (long i = 0; i < inF; i++) for (long o = 0; o < outF; o++) data[o * inF + i] = w.Floats![i * outF + o];
            }
            var (act, outNode, more) = FuseActivation(node);
            string pyName = PrefixOf(node, w, "weight", "Fc");
            var args = new List<string> { outF.ToString(CultureInfo.InvariantCulture) };
            if (bias == null) args.Add("Bias = false");
            if (act != null) args.Add("Activation = Activation." + act);
            Add(node, x, "Dense", string.Join(", ", args), pyName, more == node.Display ? nodes : nodes + more.Substring(node.Display.Length), outNode);
            Tensor(pyName + ".weight", new[] { outF, inF }, data);
            if (bias != null) Tensor(pyName + ".bias", new[] { outF }, CheckLength(node, bias, outF, "bias"));
        }

        void ImportBatchNorm(OnnxNode node, Value x, OnnxTensor scale, OnnxTensor shift, OnnxTensor mean, OnnxTensor var)
        {
            if (node.Attr("training_mode") is { I: not 0 }) throw Unsupported(node, "training_mode", "training_mode = 1; export the model in eval mode");
            if (node.Outputs.Skip(1).Any(o => o.Length > 0 && Uses(o) > 0)) throw Unsupported(node, null, "the running-statistics outputs are used (a training-mode export)");
            float eps = node.Attr("epsilon")?.F ?? 1e-5f;
            float onnxMomentum = node.Attr("momentum")?.F ?? 0.9f;
            float momentum = 1f - onnxMomentum; // ONNX: running = running·m + batch·(1 − m); PyTorch's momentum is 1 − m
            long c = scale.Length;
            string pyName = PrefixOf(node, scale, "weight", "Bn");
            var args = new List<string>();
            if (eps != 1e-5f) args.Add("Epsilon = " + F(eps) + "f");
            if (Math.Abs(momentum - 0.1f) > 1e-6f) args.Add("Momentum = " + F(momentum) + "f");
            Add(node, x, "BatchNorm2D", string.Join(", ", args), pyName, node.Display);
            Tensor(pyName + ".weight", new[] { c }, scale.Floats!);
            Tensor(pyName + ".bias", new[] { c }, CheckLength(node, shift, c, "bias"));
            Tensor(pyName + ".running_mean", new[] { c }, CheckLength(node, mean, c, "running mean"));
            Tensor(pyName + ".running_var", new[] { c }, CheckLength(node, var, c, "running variance"));
        }

        void ImportPool(OnnxNode node, Value x)
        {
            bool max = node.OpType == "MaxPool";
            if (node.Outputs.Length > 1 && node.Outputs[1].Length > 0 && Uses(node.Outputs[1]) > 0)
                throw Unsupported(node, null, "the indices output is used (MaxUnpool is not imported)");
            CheckInt(node, "ceil_mode", 0, "StaticCnn pools round the output size down (ceil_mode = 0)");
            string autoPad = node.Attr("auto_pad")?.S ?? "NOTSET";
            if (autoPad is not ("NOTSET" or "VALID")) throw Unsupported(node, "auto_pad", $"auto_pad = {autoPad}; only NOTSET and VALID are supported");
            if (max) { CheckInt(node, "storage_order", 0); int[] dl = Ints(node, "dilations", 2, new[] { 1, 1 }); if (dl[0] != 1 || dl[1] != 1) throw Unsupported(node, "dilations", $"dilations [{dl[0]}, {dl[1]}]; StaticCnn pools are not dilated"); }
            int[] k = Ints(node, "kernel_shape", 2, null);
            if (k[0] != k[1]) throw Unsupported(node, "kernel_shape", $"kernel_shape [{k[0]}, {k[1]}] is not square");
            int[] s = Ints(node, "strides", 2, new[] { 1, 1 });
            if (s[0] != s[1]) throw Unsupported(node, "strides", $"strides [{s[0]}, {s[1]}] differ");
            int[] p = Ints(node, "pads", 4, new[] { 0, 0, 0, 0 });
            if (x.Pads != null)
            {
                // Zeros padded by a Pad node are averaged like any input: count_include_pad = 1 semantics.
                if (p.Any(v => v != 0)) throw Unsupported(node, "pads", "pads on top of a Pad node");
                p = x.Pads;
                if (p.Distinct().Count() != 1) throw Unsupported(g.Nodes[x.PadNodeIndex], "pads", $"the padding [{string.Join(", ", p)}] of H and W is not the same on every side");
            }
            else if (p.Distinct().Count() != 1) throw Unsupported(node, "pads", $"pads [{string.Join(", ", p)}] are not all equal");
            if (!max && x.Pads == null && p[0] != 0 && (node.Attr("count_include_pad")?.I ?? 0) == 0)
                throw Unsupported(node, "count_include_pad", "count_include_pad = 0 with padding; StaticCnn's AvgPool2D counts the padding (PyTorch's default)");
            var args = new List<string> { k[0].ToString(CultureInfo.InvariantCulture) };
            if (s[0] != k[0]) args.Add("Stride = " + s[0]);
            if (p[0] != 0) args.Add("Padding = " + p[0]);
            Add(node, x, max ? "MaxPool2D" : "AvgPool2D", string.Join(", ", args), null, x.Pads != null ? g.Nodes[x.PadNodeIndex].Display + " + " + node.Display : node.Display);
        }

        void ImportResize(OnnxNode node, Value x)
        {
            string mode = node.Attr("mode")?.S ?? "nearest";
            OnnxTensor? scales = null;
            if (node.OpType == "Upsample") scales = node.Inputs.Length > 1 && constants.TryGetValue(node.Inputs[1], out var t1) ? t1 : null;
            else
            {
                if (node.Inputs.Length > 3 && node.Inputs[3].Length > 0)
                    throw Unsupported(node, null, "the output size is given by 'sizes'; only constant integer 'scales' are supported (nn.Upsample(scale_factor=…))");
                scales = node.Inputs.Length > 2 && constants.TryGetValue(node.Inputs[2], out var t2) ? t2 : null;
            }
            if (scales?.Floats is not { Length: 4 } f) throw Unsupported(node, null, "the scales are not a constant of 4 values");
            if (f[0] != 1 || f[1] != 1 || f[2] != f[3] || f[2] < 1 || f[2] != MathF.Round(f[2]))
                throw Unsupported(node, null, $"scales [{string.Join(", ", f.Select(F))}]; only the same integer factor on H and W is supported");
            string? upMode;
            if (mode == "nearest")
            {
                string ct = node.Attr("coordinate_transformation_mode")?.S ?? "half_pixel";
                string nm = node.Attr("nearest_mode")?.S ?? "round_prefer_floor";
                // With an integer factor, every mode PyTorch emits for nearest maps output pixel o to input floor(o / s).
                if (node.OpType == "Resize" && !(ct == "asymmetric" && nm == "floor"))
                    throw Unsupported(node, "coordinate_transformation_mode", $"nearest with coordinate_transformation_mode = {ct}, nearest_mode = {nm}; only asymmetric + floor (PyTorch's nn.Upsample(mode='nearest')) is supported");
                upMode = null;
            }
            else if (mode is "linear" or "bilinear")
            {
                string ct = node.Attr("coordinate_transformation_mode")?.S ?? "half_pixel";
                if (node.OpType == "Resize" && ct is not ("half_pixel" or "pytorch_half_pixel"))
                    throw Unsupported(node, "coordinate_transformation_mode", $"linear with coordinate_transformation_mode = {ct}; only half_pixel (align_corners=False) is supported");
                if (node.OpType == "Upsample") throw Unsupported(node, "mode", "linear Upsample (opset < 10) uses asymmetric coordinates; only half_pixel (Resize, opset ≥ 11) is supported");
                upMode = "Bilinear";
            }
            else throw Unsupported(node, "mode", $"mode = {mode}; only nearest and linear are supported");
            Add(node, x, "Upsample", ((int)f[2]).ToString(CultureInfo.InvariantCulture) + (upMode != null ? ", Mode = UpsampleMode." + upMode : ""), null, node.Display);
        }

        string ConvPads(OnnxNode node, int kh, int kw, int[] s, int dilation, int[]? extra)
        {
            string autoPad = node.Attr("auto_pad")?.S ?? "NOTSET";
            if (extra != null && autoPad != "NOTSET") throw Unsupported(node, "auto_pad", $"auto_pad = {autoPad} after a Pad node");
            if (autoPad == "VALID") return "";
            if (autoPad == "SAME_UPPER")
            {
                if (s[0] != 1 || s[1] != 1) throw Unsupported(node, "auto_pad", "auto_pad = SAME_UPPER with a stride other than 1");
                return "PaddingMode = PaddingMode.Same";
            }
            if (autoPad != "NOTSET") throw Unsupported(node, "auto_pad", $"auto_pad = {autoPad}; only NOTSET, VALID and SAME_UPPER are supported");
            int[] p = Ints(node, "pads", 4, new[] { 0, 0, 0, 0 });
            if (extra != null) p = new[] { p[0] + extra[0], p[1] + extra[1], p[2] + extra[2], p[3] + extra[3] };
            if (p[0] != p[2] || p[1] != p[3])
            {
                // PyTorch's padding='same' with an even kernel pads more at the end: that is StaticCnn's PaddingMode.Same.
                bool same = s[0] == 1 && s[1] == 1 && p[0] == dilation * (kh - 1) / 2 && p[2] == dilation * (kh - 1) - p[0]
                    && p[1] == dilation * (kw - 1) / 2 && p[3] == dilation * (kw - 1) - p[1];
                if (same) return "PaddingMode = PaddingMode.Same";
                throw Unsupported(node, "pads", $"pads [{string.Join(", ", p)}] are asymmetric; StaticCnn's Conv2D pads top = bottom and left = right");
            }
            if (p[0] == 0 && p[1] == 0) return "";
            return p[0] == p[1] ? "Padding = " + p[0] : "PaddingH = " + p[0] + ", PaddingW = " + p[1];
        }

        string Source()
        {
            var sb = new StringBuilder();
            sb.Append("// <auto-generated/> by `staticcnn import ").Append(options.SourceName).Append("`: edit freely, re-import to regenerate.\n");
            sb.Append("using StaticCnn;\n\n");
            bool ns = !string.IsNullOrEmpty(options.Namespace);
            if (ns) sb.Append("namespace ").Append(options.Namespace).Append(";\n\n");
            sb.Append("/// <summary>Imported from ").Append(Xml(options.SourceName));
            if (model.ProducerName.Length > 0) sb.Append(" (").Append(Xml(model.ProducerName)).Append(' ').Append(Xml(model.ProducerVersion)).Append(", opset ").Append(model.OpsetVersion).Append(')');
            sb.Append(": input (N, ").Append(d[1]).Append(", ").Append(d[2]).Append(", ").Append(d[3]).Append("), weights in the safetensors file written beside this one.</summary>\n");
            sb.Append("[Network(InputChannels = ").Append(d[1]).Append(", InputHeight = ").Append(d[2]).Append(", InputWidth = ").Append(d[3]).Append(")]\n");
            sb.Append("public partial class ").Append(className).Append('\n').Append("{\n");
            foreach (var l in b.Layers)
            {
                sb.Append("    // ").Append(Comment(l.Node)).Append('\n');
                sb.Append("    [").Append(l.Attr).Append("] public partial Layer ").Append(l.Member).Append(" { get; }\n");
            }
            sb.Append("}\n");
            return sb.ToString();
        }
    }

    // ================================================================ small helpers

    /// <summary>Member names the generator adds to every network (its reserved list), which a layer may not take.</summary>
    private static readonly HashSet<string> ReservedMembers = new(StringComparer.Ordinal)
    {
        "InputChannels", "InputHeight", "InputWidth", "InputSize", "OutputChannels", "OutputHeight", "OutputWidth", "OutputSize",
        "ParameterCount", "BufferCount", "LayerCount", "SummaryText", "LayerInfos", "TensorInfos", "Name", "InputShape", "OutputShape",
        "MaxBatch", "Parameters", "Gradients", "Buffers", "Tensors", "Layers", "Summary", "UseReferenceKernels", "Threads", "Seed",
        "Forward", "ForwardTrain", "Backward", "ZeroGradients", "GetActivation", "Dispose", "Infer", "CHeader", "PyTorchSource",
        "GradStart", "Mix", "LayerSeed", "CheckBatch", "CheckLength", "ScratchFloats",
    };

    private static OnnxImportException Unsupported(OnnxNode node, string? attribute, string why)
        => new($"node '{node.Display}' (op {node.OpType}" + (attribute != null ? ", attribute " + attribute : "") + "): " + why);

    private static void Check(OnnxNode node, string attr, float expected)
    {
        OnnxAttribute? a = node.Attr(attr);
        if (a != null && a.F != expected) throw Unsupported(node, attr, $"{attr} = {F(a.F)}; only {F(expected)} is supported");
    }

    private static void CheckInt(OnnxNode node, string attr, long expected, string? why = null)
    {
        OnnxAttribute? a = node.Attr(attr);
        if (a != null && a.I != expected) throw Unsupported(node, attr, $"{attr} = {a.I}; only {expected} is supported" + (why != null ? " (" + why + ")" : ""));
    }

    private static int[] Ints(OnnxNode node, string attr, int count, int[]? fallback)
    {
        OnnxAttribute? a = node.Attr(attr);
        if (a == null || a.Ints.Length == 0)
            return fallback ?? throw Unsupported(node, attr, $"the attribute {attr} is missing");
        if (a.Ints.Length != count) throw Unsupported(node, attr, $"{attr} has {a.Ints.Length} values [{string.Join(", ", a.Ints)}]; a 2-D layer needs {count}");
        return a.Ints.Select(v => (int)v).ToArray();
    }

    private static float[] CheckLength(OnnxNode node, OnnxTensor t, long expected, string what)
    {
        if (t.Length != expected) throw Unsupported(node, null, $"the {what} '{t.Name}' has {t.Length} values; expected {expected}");
        return t.Floats!;
    }

    private static OnnxTensor FoldConstant(OnnxNode node, Dictionary<string, OnnxTensor> constants)
    {
        var ins = node.Inputs.Where(i => i.Length > 0).Select(i => constants[i]).ToList();
        switch (node.OpType)
        {
            case "Identity":
            case "Cast":
                if (node.OpType == "Cast")
                {
                    long to = node.Attr("to")?.I ?? 1;
                    OnnxTensor x = ins[0];
                    if (to is 1 or 11) return new OnnxTensor(node.Outputs[0], x.Dims, 1, x.Floats ?? x.Ints!.Select(v => (float)v).ToArray(), null);
                    if (to is 6 or 7) return new OnnxTensor(node.Outputs[0], x.Dims, 7, null, x.Ints ?? x.Floats!.Select(v => (long)v).ToArray());
                    throw Unsupported(node, "to", $"a cast to ONNX type {to}");
                }
                return ins[0] with { Name = node.Outputs[0] };
            default: // Concat of 1-D constants
                if (ins.Any(t => t.Dims.Length != 1)) throw Unsupported(node, null, "a Concat of constants that are not 1-D");
                if (ins.All(t => t.Floats != null))
                    return new OnnxTensor(node.Outputs[0], new[] { (long)ins.Sum(t => t.Floats!.Length) }, 1, ins.SelectMany(t => t.Floats!).ToArray(), null);
                if (ins.All(t => t.Ints != null))
                    return new OnnxTensor(node.Outputs[0], new[] { (long)ins.Sum(t => t.Ints!.Length) }, 7, null, ins.SelectMany(t => t.Ints!).ToArray());
                throw Unsupported(node, null, "a Concat of constants of different types");
        }
    }

    /// <summary>
    /// The module path of a node named as PyTorch names them (/layer1/layer1.0/relu/Relu → layer1.0.relu, /up1/Resize → up1,
    /// /MaxPool_1 → empty): from the last segment that is a full dotted path, the local names after it, without the op.
    /// </summary>
    private static string ModulePath(OnnxNode node)
    {
        string[] parts = node.Name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2) return "";
        int start = 0;
        for (int j = 0; j < parts.Length - 1; j++) if (parts[j].Contains('.')) start = j;
        return string.Join(".", parts.Skip(start).Take(parts.Length - 1 - start));
    }

    /// <summary>A reference to a layer in an attribute: <c>nameof(Conv1)</c>, or the string "Input" for the network input.</summary>
    private static string Ref(string member) => member == "Input" ? "\"Input\"" : "nameof(" + member + ")";

    private static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Str(string s) => "\"" + s.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    private static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");

    private static string Comment(string s) => new(s.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    private static bool IsIdentifier(string s)
        => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');

    private static bool IsModulePath(string s)
        => s.Length > 0 && s.Split('.').All(seg => seg.Length > 0 && seg.All(c => char.IsLetterOrDigit(c) || c == '_'));

    /// <summary>PascalCase of a module path or file stem: layer1.0.conv1 → Layer1_0Conv1, max_pool → MaxPool, MaxPool_1 → MaxPool1.</summary>
    internal static string Pascal(string s)
    {
        var sb = new StringBuilder();
        bool up = true;
        foreach (char c in s)
        {
            if (!char.IsLetterOrDigit(c)) { up = true; continue; }
            if (up && char.IsDigit(c) && sb.Length > 0 && char.IsDigit(sb[sb.Length - 1])) sb.Append('_');
            sb.Append(up ? char.ToUpperInvariant(c) : c);
            up = false;
        }
        return sb.ToString();
    }

    /// <summary>The generator's default state_dict prefix of a member (Conv1 → conv1, ConvBlock2 → conv_block2).</summary>
    private static string Snake(string name) => StaticCnn.Shapes.TensorNames.DefaultPrefix(name);
}
