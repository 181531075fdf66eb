using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace StaticCnn.Interop;

/// <summary>
/// ONNX export: writes a generated network's graph (<see cref="INetwork.Graph"/>) and its current weights as one ONNX
/// model (opset <see cref="Opset"/>, IR version <see cref="IrVersion"/>) that ONNX Runtime runs with the same outputs as
/// <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> (inference semantics: BatchNorm running statistics, no dropout).
/// PyTorch: <c>torch.onnx.export(model.eval(), x, "model.onnx", opset_version=17, input_names=["input"],
/// output_names=["output"], dynamic_axes={"input": {0: "N"}, "output": {0: "N"}})</c>.
/// </summary>
/// <remarks>
/// <para>Names: the input is <c>input</c> (N×C×H×W float32, N a dynamic dimension named <c>N</c>), the output
/// <c>output</c>; initializers carry the PyTorch <c>state_dict</c> names of <see cref="INetwork.Tensors"/>
/// (<c>conv1.weight</c>, <c>bn1.running_mean</c>); each layer's output value carries the layer's name. The layer → operator
/// mapping is in docs/INTEROP.md. A value that is flat per sample (after Dense or Flatten) is N×F in the file, so a
/// classifier's output is N×classes.</para>
/// <para>Every check runs before the first byte is written: an unsupported network throws
/// <see cref="NotSupportedException"/> naming the layer, its kind and the attribute, and <see cref="Save"/> leaves no
/// file behind. The writer is a small hand-written protobuf encoder (no dependency). The weights are streamed from the
/// arenas, so a 138M-parameter VGG-16 needs no second copy in memory beyond the stream's own.</para>
/// <para>Thread safety: reads the network's <see cref="INetwork.Parameters"/> and <see cref="INetwork.Buffers"/>; do not
/// train or load weights into the same network while exporting it. Several exports may run at once.</para>
/// </remarks>
public static class Onnx
{
    /// <summary>The ONNX operator set the files use (default domain). Opset 17 is what ONNX 1.12's checker (Debian's python3-onnx) validates.</summary>
    public const int Opset = 17;
    /// <summary>The ONNX IR version of the files (8 goes with opset 17).</summary>
    public const int IrVersion = 8;

    /// <summary>Writes <paramref name="network"/> as an ONNX model file at <paramref name="path"/> (replaced if it exists).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The network has no graph description, or a layer cannot be expressed exactly in ONNX; no file is written.</exception>
    public static void Save(INetwork network, string path)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = new Exporter(network).Build();
        string tmp = path + ".tmp";
        try
        {
            using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
                model.WriteTo(stream);
            File.Move(tmp, path, overwrite: true);
        }
        catch
        {
            try { File.Delete(tmp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Writes <paramref name="network"/> as an ONNX model to <paramref name="stream"/> (not closed).</summary>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="NotSupportedException">The network has no graph description, or a layer cannot be expressed exactly in ONNX; nothing is written.</exception>
    public static void Write(INetwork network, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(stream);
        new Exporter(network).Build().WriteTo(stream);
    }

    /// <summary>The ONNX model as bytes (for <c>new InferenceSession(bytes)</c>).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    /// <exception cref="NotSupportedException">As <see cref="Write"/>; also when the model exceeds 2 GiB (a byte array's limit).</exception>
    public static byte[] ToBytes(INetwork network)
    {
        ArgumentNullException.ThrowIfNull(network);
        Model model = new Exporter(network).Build();
        if (model.Size > Array.MaxLength)
            throw new NotSupportedException($"{network.Name}: the ONNX model takes {model.Size} bytes, more than a byte array holds; use Save or Write.");
        var ms = new MemoryStream((int)model.Size);
        model.WriteTo(ms);
        return ms.GetBuffer().Length == ms.Length ? ms.GetBuffer() : ms.ToArray();
    }

    // ---------------------------------------------------------------- the model, minus the weights' bytes

    private const int FloatType = 1, Int64Type = 7;

    /// <summary>An initializer: its TensorProto fields but the data, and where the data comes from.</summary>
    private sealed record Initializer(ProtoWriter Header, long DataBytes, TensorRole Role, int Offset, int Length, byte[]? Inline);

    /// <summary>Everything but the weight data, with the sizes needed to stream the rest.</summary>
    private sealed class Model
    {
        public required INetwork Network;
        public required ProtoWriter Head;        // ModelProto fields before the graph, and the graph's tag and length
        public required ProtoWriter GraphPre;    // nodes, name
        public required List<Initializer> Inits; // field 5 each
        public required ProtoWriter GraphPost;   // inputs, outputs
        public required long Size;

        public void WriteTo(Stream s)
        {
            s.Write(Head.Written);
            s.Write(GraphPre.Written);
            foreach (Initializer init in Inits)
            {
                var h = new ProtoWriter();
                h.Header(5, init.Header.Length + ProtoWriter.FieldSize(9, init.DataBytes));
                s.Write(h.Written);
                s.Write(init.Header.Written);
                h = new ProtoWriter();
                h.Header(9, init.DataBytes);
                s.Write(h.Written);
                if (init.Inline != null) { s.Write(init.Inline); continue; }
                ReadOnlySpan<float> data = (init.Role == TensorRole.Parameter ? Network.Parameters : Network.Buffers).Slice(init.Offset, init.Length);
                WriteFloats(s, data);
            }
            s.Write(GraphPost.Written);
        }

        private static void WriteFloats(Stream s, ReadOnlySpan<float> data)
        {
            if (BitConverter.IsLittleEndian) { s.Write(MemoryMarshal.AsBytes(data)); return; }
            Span<byte> chunk = stackalloc byte[4096];
            while (!data.IsEmpty)
            {
                int n = Math.Min(data.Length, chunk.Length / 4);
                for (int i = 0; i < n; i++) BinaryPrimitives.WriteSingleLittleEndian(chunk.Slice(4 * i), data[i]);
                s.Write(chunk.Slice(0, 4 * n));
                data = data.Slice(n);
            }
        }
    }

    // ---------------------------------------------------------------- the mapping

    private sealed class Exporter
    {
        private readonly INetwork _net;
        private readonly NetworkGraph _g;
        private readonly List<ProtoWriter> _nodes = new();
        private readonly List<Initializer> _inits = new();
        private readonly Dictionary<string, string> _initByKey = new(StringComparer.Ordinal);
        private readonly HashSet<string> _names = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _rank = new(StringComparer.Ordinal);
        private readonly string[] _inputNames;
        private readonly string[] _layerValue;
        private readonly string?[] _indices; // MaxPool2D layers read by a MaxUnpool2D: the Indices output

        public Exporter(INetwork net)
        {
            _net = net;
            _g = net.Graph ?? throw new NotSupportedException(
                $"{net.Name}: the network has no graph description (INetwork.Graph is null); ONNX export needs a network generated by StaticCnn.");
            if (_g.Nodes.Count != net.Layers.Count)
                throw new NotSupportedException($"{net.Name}: the graph has {_g.Nodes.Count} nodes but the network {net.Layers.Count} layers.");
            for (int i = 0; i < _g.Nodes.Count; i++)
                if (_g.Nodes[i].Name != net.Layers[i].Name)
                    throw new NotSupportedException($"{net.Name}: graph node {i} is '{_g.Nodes[i].Name}' but layer {i} is '{net.Layers[i].Name}'.");
            if (_g.Inputs.Count == 0 || _g.Outputs.Count == 0)
                throw new NotSupportedException($"{net.Name}: the graph has {_g.Inputs.Count} inputs and {_g.Outputs.Count} outputs; ONNX needs at least one of each.");

            _inputNames = new string[_g.Inputs.Count];
            for (int k = 0; k < _inputNames.Length; k++)
            {
                _inputNames[k] = Claim(_g.Inputs[k].Name, "input");
                _rank[_inputNames[k]] = 1 + _g.Inputs[k].Shape.Length;
            }
            // A layer producing an output gets the output's name (the first such output); other outputs become Identity nodes.
            _layerValue = new string[_g.Nodes.Count];
            foreach (GraphOutput o in _g.Outputs)
            {
                string name = Claim(o.Name, "output");
                if (o.Source.Kind == GraphSourceKind.Layer && _layerValue[o.Source.Index] == null) _layerValue[o.Source.Index] = name;
            }
            for (int i = 0; i < _layerValue.Length; i++) _layerValue[i] ??= Unique(_g.Nodes[i].Name);
            _indices = new string?[_g.Nodes.Count];
        }

        private string Claim(string name, string what)
        {
            if (string.IsNullOrEmpty(name) || !_names.Add(name))
                throw new NotSupportedException($"{_net.Name}: the {what} name '{name}' is empty or used twice.");
            return name;
        }

        private string Unique(string name)
        {
            string n = name;
            for (int k = 1; !_names.Add(n); k++) n = name + "_" + k;
            return n;
        }

        public Model Build()
        {
            for (int i = 0; i < _g.Nodes.Count; i++)
            {
                LayerAttributes a = _g.Nodes[i].Attributes;
                if (a.PoolLayer >= 0)
                {
                    if (a.PoolLayer >= i || _g.Nodes[a.PoolLayer].Kind != "MaxPool2D")
                        throw Unsupported(i, "PoolLayer", $"it names node {a.PoolLayer}, which is not an earlier MaxPool2D");
                    _indices[a.PoolLayer] ??= Unique(_g.Nodes[a.PoolLayer].Name + "/indices");
                }
            }
            for (int i = 0; i < _g.Nodes.Count; i++) Layer(i);
            foreach (GraphOutput o in _g.Outputs)
            {
                string src = Value(o.Source);
                if (src != o.Name) Node("Identity", o.Name, new[] { src }, new[] { o.Name });
            }

            var pre = new ProtoWriter();
            foreach (ProtoWriter n in _nodes) pre.Message(1, n);
            pre.String(2, _net.Name);
            var post = new ProtoWriter();
            for (int k = 0; k < _g.Inputs.Count; k++)
                post.Message(11, ValueInfo(_inputNames[k], _g.Inputs[k].Shape, _rank[_inputNames[k]]));
            foreach (GraphOutput o in _g.Outputs)
            {
                int[] shape = o.Source.Kind == GraphSourceKind.Input ? _g.Inputs[o.Source.Index].Shape : _g.Nodes[o.Source.Index].OutputShape;
                post.Message(12, ValueInfo(o.Name, shape, _rank[Value(o.Source)]));
            }

            long graphSize = pre.Length + post.Length;
            foreach (Initializer init in _inits)
                graphSize += ProtoWriter.FieldSize(5, init.Header.Length + ProtoWriter.FieldSize(9, init.DataBytes));

            var head = new ProtoWriter();
            head.Int(1, IrVersion);
            head.String(2, "StaticCnn");
            head.String(3, typeof(Onnx).Assembly.GetName().Version?.ToString() ?? "");
            head.Message(8, new ProtoWriter().String(1, "").Int(2, Opset));
            head.Header(7, graphSize);
            long size = head.Length + graphSize;
            if (size > int.MaxValue)
                throw new NotSupportedException($"{_net.Name}: the ONNX model would take {size} bytes; protobuf (and so ONNX without external data) stops at 2 GiB.");
            return new Model { Network = _net, Head = head, GraphPre = pre, Inits = _inits, GraphPost = post, Size = size };
        }

        private NotSupportedException Unsupported(int i, string attribute, string why)
            => new($"{_net.Name}: layer '{_g.Nodes[i].Name}' ({_g.Nodes[i].Kind}), {attribute}: {why}; ONNX export cannot express it exactly.");

        private string Value(GraphSource s) => s.Kind == GraphSourceKind.Input ? _inputNames[s.Index] : _layerValue[s.Index];

        // ---- one layer

        private void Layer(int i)
        {
            GraphNode n = _g.Nodes[i];
            LayerAttributes a = n.Attributes;
            string y = _layerValue[i];
            if (n.Inputs.Length == 0) throw Unsupported(i, "Inputs", "the layer reads nothing");
            string x = Value(n.Inputs[0]);
            if (n.Kind is not ("Add" or "Concat") && n.Inputs.Length != 1)
                throw Unsupported(i, "Inputs", $"it reads {n.Inputs.Length} tensors; a {n.Kind} reads one");
            int outRank = 4;
            switch (n.Kind)
            {
                case "Conv2D":
                {
                    string pre = Linear(i, a.Activation, y);
                    Node("Conv", pre, Inputs(As4(i, x), Param(i, "weight", true), a.Bias ? Param(i, "bias", true) : null), new[] { pre },
                        Ints("kernel_shape", a.KernelH, a.KernelW), Ints("strides", a.StrideH, a.StrideW),
                        Ints("pads", a.PadTop, a.PadLeft, a.PadBottom, a.PadRight), Ints("dilations", a.DilationH, a.DilationW),
                        Int("group", a.Groups));
                    Activate(i, a.Activation, a.Slope, pre, y);
                    break;
                }
                case "ConvTranspose2D":
                {
                    if (a.PadBottom != a.PadTop || a.PadRight != a.PadLeft)
                        throw Unsupported(i, "Padding", "ConvTranspose2D pads are symmetric");
                    string pre = Linear(i, a.Activation, y);
                    Node("ConvTranspose", pre, Inputs(As4(i, x), Param(i, "weight", true), a.Bias ? Param(i, "bias", true) : null), new[] { pre },
                        Ints("kernel_shape", a.KernelH, a.KernelW), Ints("strides", a.StrideH, a.StrideW),
                        Ints("pads", a.PadTop, a.PadLeft, a.PadBottom, a.PadRight), Ints("dilations", a.DilationH, a.DilationW),
                        Int("group", a.Groups), Ints("output_padding", a.OutputPaddingH, a.OutputPaddingW));
                    Activate(i, a.Activation, a.Slope, pre, y);
                    break;
                }
                case "Dense":
                {
                    string flat = As2(i, x);
                    string pre = Linear(i, a.Activation, y);
                    Node("Gemm", pre, Inputs(flat, Param(i, "weight", true), a.Bias ? Param(i, "bias", true) : null), new[] { pre }, Int("transB", 1));
                    Activate(i, a.Activation, a.Slope, pre, y);
                    outRank = 2;
                    break;
                }
                case "Flatten":
                    Node(_rank[x] == 2 ? "Identity" : "Flatten", y, new[] { x }, new[] { y }, _rank[x] == 2 ? null : Int("axis", 1));
                    outRank = 2;
                    break;
                case "MaxPool2D":
                {
                    string? idx = _indices[i];
                    Node("MaxPool", y, new[] { As4(i, x) }, idx == null ? new[] { y } : new[] { y, idx },
                        Ints("kernel_shape", a.KernelH, a.KernelW), Ints("strides", a.StrideH, a.StrideW),
                        Ints("pads", a.PadTop, a.PadLeft, a.PadBottom, a.PadRight));
                    break;
                }
                case "AvgPool2D":
                    // count_include_pad = 1: the kernel divides by the whole window, padding included (PyTorch's default);
                    // with floor-mode output sizes no window reaches past the padding, so ONNX's divisor is the same.
                    Node("AveragePool", y, new[] { As4(i, x) }, new[] { y },
                        Ints("kernel_shape", a.KernelH, a.KernelW), Ints("strides", a.StrideH, a.StrideW),
                        Ints("pads", a.PadTop, a.PadLeft, a.PadBottom, a.PadRight), Int("count_include_pad", 1));
                    break;
                case "GlobalAvgPool":
                    Node("GlobalAveragePool", y, new[] { As4(i, x) }, new[] { y });
                    break;
                case "ReLU" or "LeakyReLU" or "Sigmoid" or "Tanh" or "ReLU6" or "Hardswish" or "SiLU":
                    if (a.Activation == Activation.None || a.Activation.ToString() != n.Kind)
                        throw Unsupported(i, "Activation", $"the node's activation is {a.Activation}");
                    Activate(i, a.Activation, a.Slope, x, y);
                    outRank = _rank[x];
                    break;
                case "Softmax":
                    Node("Softmax", y, new[] { x }, new[] { y }, Int("axis", 1)); // over the channels at each pixel
                    outRank = _rank[x];
                    break;
                case "BatchNorm2D":
                    // inference: (x − running_mean) / √(running_var + ε) · weight + bias
                    Node("BatchNormalization", y, new[] { x, Param(i, "weight", true)!, Param(i, "bias", true)!,
                        Param(i, "running_mean", true)!, Param(i, "running_var", true)! }, new[] { y }, Float("epsilon", a.Epsilon));
                    outRank = _rank[x];
                    break;
                case "Dropout":
                    Node("Identity", y, new[] { x }, new[] { y }); // inference: no dropout
                    outRank = _rank[x];
                    break;
                case "Add" or "Concat":
                {
                    string[] xs = n.Inputs.Select(Value).ToArray();
                    outRank = xs.Max(v => _rank[v]);
                    if (xs.Any(v => _rank[v] != outRank)) xs = xs.Select(v => As4(i, v)).ToArray();
                    if (n.Kind == "Concat")
                    {
                        Node("Concat", y, xs, new[] { y }, Int("axis", 1));
                        break;
                    }
                    string pre = Linear(i, a.Activation, y);
                    Node(xs.Length == 2 ? "Add" : "Sum", pre, xs, new[] { pre });
                    Activate(i, a.Activation, a.Slope, pre, y);
                    break;
                }
                case "MaxUnpool2D":
                {
                    int p = a.PoolLayer;
                    if (p < 0) throw Unsupported(i, "Pool", "no MaxPool2D is named");
                    LayerAttributes pa = _g.Nodes[p].Attributes;
                    string poolInput = Value(_g.Nodes[p].Inputs[0]);
                    // The unpooled shape is the pool's input shape, batch included: Shape(pool input).
                    string shape = Unique(n.Name + "/shape");
                    Node("Shape", shape, new[] { As4(i, poolInput) }, new[] { shape });
                    Node("MaxUnpool", y, new[] { As4(i, x), _indices[p]!, shape }, new[] { y },
                        Ints("kernel_shape", pa.KernelH, pa.KernelW), Ints("strides", pa.StrideH, pa.StrideW),
                        Ints("pads", pa.PadTop, pa.PadLeft, pa.PadBottom, pa.PadRight));
                    break;
                }
                case "Upsample":
                {
                    if (a.Scale < 1) throw Unsupported(i, "Scale", $"{a.Scale} is not a positive integer");
                    string scales = Constant(i, "scales", FloatBytes(1f, 1f, a.Scale, a.Scale));
                    ProtoWriter[] attrs = a.UpsampleMode switch
                    {
                        // PyTorch's nearest: src = ⌊dst / s⌋
                        UpsampleMode.Nearest => new[] { String("mode", "nearest"), String("coordinate_transformation_mode", "asymmetric"), String("nearest_mode", "floor") },
                        // align_corners = False: src = (dst + 0.5) / s − 0.5, clamped at 0
                        UpsampleMode.Bilinear => new[] { String("mode", "linear"), String("coordinate_transformation_mode", "pytorch_half_pixel") },
                        _ => throw Unsupported(i, "Mode", $"UpsampleMode {a.UpsampleMode} has no ONNX Resize equivalent"),
                    };
                    Node("Resize", y, new[] { As4(i, x), "", scales }, new[] { y }, attrs);
                    break;
                }
                case "Crop" or "CenterCrop":
                {
                    int h = n.OutputShape[1], w = n.OutputShape[2];
                    string starts = Constant(i, "starts", LongBytes(a.Top, a.Left));
                    string ends = Constant(i, "ends", LongBytes(a.Top + h, a.Left + w));
                    string axes = Constant(i, "axes", LongBytes(2, 3));
                    Node("Slice", y, new[] { As4(i, x), starts, ends, axes }, new[] { y });
                    break;
                }
                default:
                    throw new NotSupportedException($"{_net.Name}: layer '{n.Name}' is of kind {n.Kind}, which has no ONNX mapping.");
            }
            _rank[y] = outRank;
        }

        /// <summary>The value the affine part writes: the layer's own when there is no activation to apply after it.</summary>
        private string Linear(int i, Activation act, string y) => act == Activation.None ? y : Unique(_g.Nodes[i].Name + "/linear");

        private void Activate(int i, Activation act, float slope, string x, string y)
        {
            switch (act)
            {
                case Activation.None: break;
                case Activation.ReLU: Node("Relu", y, new[] { x }, new[] { y }); break;
                case Activation.LeakyReLU: Node("LeakyRelu", y, new[] { x }, new[] { y }, Float("alpha", slope)); break;
                case Activation.Sigmoid: Node("Sigmoid", y, new[] { x }, new[] { y }); break;
                case Activation.Tanh: Node("Tanh", y, new[] { x }, new[] { y }); break;
                case Activation.ReLU6:   // PyTorch exports nn.ReLU6 as Clip(x, 0, 6)
                    Node("Clip", y, new[] { x, ScalarConstant("clip_min_0", 0f), ScalarConstant("clip_max_6", 6f) }, new[] { y });
                    break;
                case Activation.Hardswish: Node("HardSwish", y, new[] { x }, new[] { y }); break;
                case Activation.SiLU:      // x * Sigmoid(x), as PyTorch exports nn.SiLU
                {
                    string s = Unique(_g.Nodes[i].Name + "/sigmoid");
                    Node("Sigmoid", s, new[] { x }, new[] { s });
                    Node("Mul", y, new[] { x, s }, new[] { y });
                    break;
                }
                default: throw Unsupported(i, "Activation", $"Activation value {(int)act} is not defined");
            }
        }

        /// <summary>A rank-4 view of <paramref name="x"/>: N×F becomes N×F×1×1 (what a layer after Dense or Flatten sees).</summary>
        private string As4(int i, string x)
        {
            int r = _rank[x];
            if (r == 4) return x;
            // N×F → N×F×1×1 is exact for a flat layer output (its per-sample shape is F×1×1), not for a network input
            // declared with another rank.
            if (r != 2 || Array.IndexOf(_inputNames, x) >= 0)
                throw Unsupported(i, "Inputs", $"it reads the rank-{r} tensor '{x}'; this layer needs N×C×H×W");
            string key = "as4:" + x;
            if (_initByKey.TryGetValue(key, out string? done)) return done;
            string axes = SharedConstant("axes_2_3", LongBytes(2, 3));
            string y = Unique(x + "/nchw");
            Node("Unsqueeze", y, new[] { x, axes }, new[] { y });
            _rank[y] = 4;
            return _initByKey[key] = y;
        }

        /// <summary>A rank-2 view (N×F, channel-major as nn.Flatten) for Gemm.</summary>
        private string As2(int i, string x)
        {
            int r = _rank[x];
            if (r == 2) return x;
            string key = "as2:" + x;
            if (_initByKey.TryGetValue(key, out string? done)) return done;
            string y = Unique(x + "/flat");
            Node("Flatten", y, new[] { x }, new[] { y }, Int("axis", 1));
            _rank[y] = 2;
            return _initByKey[key] = y;
        }

        // ---- initializers

        private string? Param(int i, string suffix, bool required)
        {
            LayerInfo info = _net.Layers[i];
            for (int t = info.FirstTensor; t >= 0 && t < info.FirstTensor + info.TensorCount; t++)
            {
                TensorInfo ti = _net.Tensors[t];
                if (!ti.Name.EndsWith("." + suffix, StringComparison.Ordinal)) continue;
                if (_initByKey.TryGetValue("t:" + ti.Name, out string? name)) return name;
                name = Unique(ti.Name);
                var h = new ProtoWriter();
                foreach (int d in ti.Shape) h.Int(1, d);
                h.Int(2, FloatType);
                h.String(8, name);
                _inits.Add(new Initializer(h, 4L * ti.Length, ti.Role, ti.Offset, ti.Length, null));
                return _initByKey["t:" + ti.Name] = name;
            }
            if (required) throw Unsupported(i, suffix, $"the network has no tensor '{suffix}' for this layer");
            return null;
        }

        /// <summary>A small constant tensor of layer <paramref name="i"/>, named "Layer/what".</summary>
        private string Constant(int i, string what, (int Type, byte[] Data) c)
            => AddConstant(Unique(_g.Nodes[i].Name + "/" + what), c);

        private string SharedConstant(string name, (int Type, byte[] Data) c)
            => _initByKey.TryGetValue("c:" + name, out string? n) ? n : _initByKey["c:" + name] = AddConstant(Unique(name), c);

        /// <summary>A rank-0 float constant initializer, shared by every node that uses <paramref name="name"/>.</summary>
        private string ScalarConstant(string name, float v)
        {
            if (_initByKey.TryGetValue("s:" + name, out string? n)) return n;
            n = Unique(name);
            var h = new ProtoWriter();   // no dims: a scalar
            h.Int(2, FloatType);
            h.String(8, n);
            (int _, byte[] data) = FloatBytes(v);
            _inits.Add(new Initializer(h, data.Length, TensorRole.Parameter, 0, 0, data));
            return _initByKey["s:" + name] = n;
        }

        /// <summary>A one-dimensional constant initializer.</summary>
        private string AddConstant(string name, (int Type, byte[] Data) c)
        {
            var h = new ProtoWriter();
            h.Int(1, c.Data.Length / (c.Type == Int64Type ? 8 : 4));
            h.Int(2, c.Type);
            h.String(8, name);
            _inits.Add(new Initializer(h, c.Data.Length, TensorRole.Parameter, 0, 0, c.Data));
            return name;
        }

        private static (int, byte[]) LongBytes(params long[] v)
        {
            var b = new byte[8 * v.Length];
            for (int k = 0; k < v.Length; k++) BinaryPrimitives.WriteInt64LittleEndian(b.AsSpan(8 * k), v[k]);
            return (Int64Type, b);
        }

        private static (int, byte[]) FloatBytes(params float[] v)
        {
            var b = new byte[4 * v.Length];
            for (int k = 0; k < v.Length; k++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * k), v[k]);
            return (FloatType, b);
        }

        // ---- nodes and attributes

        private static string[] Inputs(params string?[] names)
        {
            int n = names.Length;
            while (n > 0 && names[n - 1] == null) n--;
            var r = new string[n];
            for (int k = 0; k < n; k++) r[k] = names[k] ?? "";
            return r;
        }

        private void Node(string op, string name, string[] inputs, string[] outputs, params ProtoWriter?[]? attributes)
        {
            var w = new ProtoWriter();
            foreach (string s in inputs) w.String(1, s);
            foreach (string s in outputs) w.String(2, s);
            w.String(3, name);
            w.String(4, op);
            if (attributes != null)
                foreach (ProtoWriter? a in attributes)
                    if (a != null) w.Message(5, a);
            _nodes.Add(w);
        }

        private const int AttrFloat = 1, AttrInt = 2, AttrString = 3, AttrInts = 7;

        private static ProtoWriter Int(string name, long v) => new ProtoWriter().String(1, name).Int(20, AttrInt).Int(3, v);

        private static ProtoWriter Float(string name, float v) => new ProtoWriter().String(1, name).Int(20, AttrFloat).Float(2, v);

        private static ProtoWriter String(string name, string v) => new ProtoWriter().String(1, name).Int(20, AttrString).String(4, v);

        private static ProtoWriter Ints(string name, params long[] v)
        {
            var w = new ProtoWriter().String(1, name).Int(20, AttrInts);
            foreach (long x in v) w.Int(8, x);
            return w;
        }

        /// <summary>A float tensor's ValueInfoProto with a dynamic batch dimension "N"; rank 2 flattens the per-sample shape.</summary>
        private static ProtoWriter ValueInfo(string name, int[] shape, int rank)
        {
            var dims = new ProtoWriter();
            dims.Message(1, new ProtoWriter().String(2, "N"));
            if (rank == 2) dims.Message(1, new ProtoWriter().Int(1, shape.Aggregate(1L, (p, d) => p * d)));
            else foreach (int d in shape) dims.Message(1, new ProtoWriter().Int(1, d));
            var tensor = new ProtoWriter().Int(1, FloatType).Message(2, dims);
            return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
        }
    }
}
