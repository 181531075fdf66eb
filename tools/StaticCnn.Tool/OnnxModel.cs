using System.Text;
using Google.Protobuf;

namespace StaticCnn.Tool;

/// <summary>An ONNX file that cannot be imported: the message names the node, the op and the attribute where there is one.</summary>
public sealed class OnnxImportException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public OnnxImportException(string message, Exception? inner = null) : base(message, inner) { }
}

/// <summary>A tensor of an ONNX file (an initializer or a Constant's value): dims and data as doubles or int64s.</summary>
/// <param name="Name">Its name (state_dict name for a PyTorch export with do_constant_folding=False).</param>
/// <param name="Dims">Dimensions.</param>
/// <param name="DataType">ONNX TensorProto.DataType (1 FLOAT, 6 INT32, 7 INT64, 11 DOUBLE).</param>
/// <param name="Floats">The values of a FLOAT or DOUBLE tensor, else null.</param>
/// <param name="Ints">The values of an INT32 or INT64 tensor, else null.</param>
public sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[]? Floats, long[]? Ints)
{
    /// <summary>Number of elements.</summary>
    public long Length { get { long n = 1; foreach (long d in Dims) n *= d; return n; } }
}

/// <summary>A node attribute: name, type (ONNX AttributeType: 1 FLOAT, 2 INT, 3 STRING, 4 TENSOR, 6 FLOATS, 7 INTS) and value.</summary>
public sealed record OnnxAttribute(string Name, int Type, float F, long I, string? S, OnnxTensor? T, float[] Floats, long[] Ints);

/// <summary>A node: name, op type, domain, input and output value names, attributes.</summary>
public sealed record OnnxNode(string Name, string OpType, string Domain, string[] Inputs, string[] Outputs, IReadOnlyList<OnnxAttribute> Attributes)
{
    /// <summary>The attribute called <paramref name="name"/>, or null.</summary>
    public OnnxAttribute? Attr(string name) => Attributes.FirstOrDefault(a => a.Name == name);

    /// <summary>How errors name the node: its name, or its first output where it has none.</summary>
    public string Display => Name.Length > 0 ? Name : Outputs.Length > 0 ? "(output " + Outputs[0] + ")" : "(unnamed)";
}

/// <summary>A graph input or output: name and dims (−1 for a symbolic or unknown dimension; null when no shape is given).</summary>
public sealed record OnnxValueInfo(string Name, long[]? Dims);

/// <summary>The graph: nodes in topological order, initializers, inputs and outputs.</summary>
public sealed record OnnxGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers,
    IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>A model: producer, default-domain opset and graph.</summary>
public sealed record OnnxModel(string ProducerName, string ProducerVersion, long OpsetVersion, OnnxGraph Graph);

/// <summary>
/// Reads the ONNX protobuf wire format with Google.Protobuf's <see cref="CodedInputStream"/> and the field numbers of the
/// ONNX schema (onnx/onnx.proto): only the messages and fields an importer needs, every other field skipped. Stateless and
/// thread-safe. A file that is not valid protobuf, or that keeps tensors in external data files, throws
/// <see cref="OnnxImportException"/>.
/// </summary>
public static class OnnxReader
{
    /// <summary>Reads <paramref name="path"/>.</summary>
    public static OnnxModel Read(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { throw new OnnxImportException($"cannot read {path}: {ex.Message}", ex); }
        try { return Parse(bytes); }
        catch (InvalidProtocolBufferException ex) { throw new OnnxImportException($"{path} is not a valid ONNX file: {ex.Message}", ex); }
    }

    /// <summary>Parses an ONNX ModelProto held in memory; malformed protobuf throws <see cref="OnnxImportException"/>.</summary>
    public static OnnxModel ParseChecked(byte[] bytes)
    {
        try { return Parse(bytes); }
        catch (InvalidProtocolBufferException ex) { throw new OnnxImportException($"not a valid ONNX file: {ex.Message}", ex); }
    }

    /// <summary>Parses an ONNX ModelProto (throws Google.Protobuf's InvalidProtocolBufferException on malformed protobuf).</summary>
    public static OnnxModel Parse(byte[] bytes)
    {
        // ModelProto: producer_name 2, producer_version 3, graph 7, opset_import 8 (OperatorSetIdProto: domain 1, version 2).
        string producer = "", version = "";
        long opset = 0;
        OnnxGraph? graph = null;
        var s = new CodedInputStream(bytes);
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 2: producer = s.ReadString(); break;
                case 3: version = s.ReadString(); break;
                case 7: graph = ReadGraph(Sub(s)); break;
                case 8:
                {
                    string domain = ""; long v = 0;
                    var o = Sub(s);
                    uint t;
                    while ((t = o.ReadTag()) != 0)
                    {
                        switch (WireFormat.GetTagFieldNumber(t))
                        {
                            case 1: domain = o.ReadString(); break;
                            case 2: v = o.ReadInt64(); break;
                            default: o.SkipLastField(); break;
                        }
                    }
                    if (domain is "" or "ai.onnx") opset = v;
                    break;
                }
                default: s.SkipLastField(); break;
            }
        }
        if (graph == null) throw new OnnxImportException("the file has no graph (is it an ONNX model?)");
        return new OnnxModel(producer, version, opset, graph);
    }

    private static CodedInputStream Sub(CodedInputStream s) => new(s.ReadBytes().ToByteArray());

    private static OnnxGraph ReadGraph(CodedInputStream s)
    {
        // GraphProto: node 1, initializer 5, input 11, output 12, sparse_initializer 15.
        var nodes = new List<OnnxNode>();
        var inits = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        var outputs = new List<OnnxValueInfo>();
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: nodes.Add(ReadNode(Sub(s))); break;
                case 5: { OnnxTensor t = ReadTensor(Sub(s)); inits[t.Name] = t; break; }
                case 11: inputs.Add(ReadValueInfo(Sub(s))); break;
                case 12: outputs.Add(ReadValueInfo(Sub(s))); break;
                case 15: throw new OnnxImportException("the graph has sparse initializers, which the importer does not read");
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxGraph(nodes, inits, inputs, outputs);
    }

    private static OnnxNode ReadNode(CodedInputStream s)
    {
        // NodeProto: input 1, output 2, name 3, op_type 4, attribute 5, domain 7.
        var inputs = new List<string>(); var outputs = new List<string>(); var attrs = new List<OnnxAttribute>();
        string name = "", op = "", domain = "";
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: inputs.Add(s.ReadString()); break;
                case 2: outputs.Add(s.ReadString()); break;
                case 3: name = s.ReadString(); break;
                case 4: op = s.ReadString(); break;
                case 5: attrs.Add(ReadAttribute(Sub(s))); break;
                case 7: domain = s.ReadString(); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxNode(name, op, domain, inputs.ToArray(), outputs.ToArray(), attrs);
    }

    private static OnnxAttribute ReadAttribute(CodedInputStream s)
    {
        // AttributeProto: name 1, f 2, i 3, s 4, t 5, floats 7, ints 8, type 20.
        string name = ""; int type = 0; float f = 0; long i = 0; string? str = null; OnnxTensor? t = null;
        var floats = new List<float>(); var ints = new List<long>();
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = s.ReadString(); break;
                case 2: f = s.ReadFloat(); break;
                case 3: i = s.ReadInt64(); break;
                case 4: str = Encoding.UTF8.GetString(s.ReadBytes().ToByteArray()); break;
                case 5: t = ReadTensor(Sub(s)); break;
                case 7: ReadFloats(s, tag, floats); break;
                case 8: ReadInt64s(s, tag, ints); break;
                case 20: type = s.ReadInt32(); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxAttribute(name, type, f, i, str, t, floats.ToArray(), ints.ToArray());
    }

    private static OnnxTensor ReadTensor(CodedInputStream s)
    {
        // TensorProto: dims 1, data_type 2, float_data 4, int32_data 5, int64_data 7, name 8, raw_data 9, double_data 10,
        // data_location 14 (1 = EXTERNAL).
        var dims = new List<long>(); int type = 0; string name = "";
        var floats = new List<float>(); var ints = new List<long>(); var doubles = new List<double>();
        byte[]? raw = null; long location = 0;
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: ReadInt64s(s, tag, dims); break;
                case 2: type = s.ReadInt32(); break;
                case 4: ReadFloats(s, tag, floats); break;
                case 5: case 7: ReadInt64s(s, tag, ints); break;
                case 8: name = s.ReadString(); break;
                case 9: raw = s.ReadBytes().ToByteArray(); break;
                case 10: ReadDoubles(s, tag, doubles); break;
                case 14: location = s.ReadInt64(); break;
                default: s.SkipLastField(); break;
            }
        }
        if (location == 1) throw new OnnxImportException($"tensor '{name}' is stored in an external data file, which the importer does not read; re-export with the weights inside the .onnx file");
        long n = 1;
        foreach (long d in dims)
        {
            if (d < 0) throw new OnnxImportException($"tensor '{name}' has a negative dimension {d}");
            n *= d;
        }
        float[]? f = null; long[]? l = null;
        switch (type)
        {
            case 1: // FLOAT
                f = raw != null ? RawFloats(raw, name, n) : floats.ToArray();
                break;
            case 11: // DOUBLE
                if (raw != null) { if (raw.Length != n * 8) throw Bad(name, raw.Length, n * 8); f = new float[n]; for (int k = 0; k < n; k++) f[k] = (float)BitConverter.ToDouble(raw, 8 * k); }
                else f = doubles.Select(d => (float)d).ToArray();
                break;
            case 7: // INT64
                if (raw != null) { if (raw.Length != n * 8) throw Bad(name, raw.Length, n * 8); l = new long[n]; for (int k = 0; k < n; k++) l[k] = BitConverter.ToInt64(raw, 8 * k); }
                else l = ints.ToArray();
                break;
            case 6: // INT32
                if (raw != null) { if (raw.Length != n * 4) throw Bad(name, raw.Length, n * 4); l = new long[n]; for (int k = 0; k < n; k++) l[k] = BitConverter.ToInt32(raw, 4 * k); }
                else l = ints.ToArray();
                break;
        }
        if (f != null && f.Length != n) throw new OnnxImportException($"tensor '{name}' has {f.Length} values for dims [{string.Join(", ", dims)}]");
        if (l != null && l.Length != n) throw new OnnxImportException($"tensor '{name}' has {l.Length} values for dims [{string.Join(", ", dims)}]");
        return new OnnxTensor(name, dims.ToArray(), type, f, l);
    }

    private static OnnxImportException Bad(string name, long bytes, long expected)
        => new($"tensor '{name}' has {bytes} bytes of raw data; its dims need {expected}");

    private static float[] RawFloats(byte[] raw, string name, long n)
    {
        if (raw.Length != n * 4) throw Bad(name, raw.Length, n * 4);
        var f = new float[n];
        Buffer.BlockCopy(raw, 0, f, 0, raw.Length); // ONNX raw data is little-endian, as every .NET target here
        return f;
    }

    private static OnnxValueInfo ReadValueInfo(CodedInputStream s)
    {
        // ValueInfoProto: name 1, type 2 (TypeProto: tensor_type 1 (elem_type 1, shape 2 (dim 1 (dim_value 1, dim_param 2)))).
        string name = ""; long[]? dims = null;
        uint tag;
        while ((tag = s.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: name = s.ReadString(); break;
                case 2: dims = ReadTypeDims(Sub(s)); break;
                default: s.SkipLastField(); break;
            }
        }
        return new OnnxValueInfo(name, dims);
    }

    private static long[]? ReadTypeDims(CodedInputStream type)
    {
        long[]? dims = null;
        uint tag;
        while ((tag = type.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != 1) { type.SkipLastField(); continue; }
            var tensor = Sub(type);
            uint t;
            while ((t = tensor.ReadTag()) != 0)
            {
                if (WireFormat.GetTagFieldNumber(t) != 2) { tensor.SkipLastField(); continue; }
                var shape = Sub(tensor);
                var list = new List<long>();
                uint u;
                while ((u = shape.ReadTag()) != 0)
                {
                    if (WireFormat.GetTagFieldNumber(u) != 1) { shape.SkipLastField(); continue; }
                    var dim = Sub(shape);
                    long value = -1;
                    uint v;
                    while ((v = dim.ReadTag()) != 0)
                    {
                        if (WireFormat.GetTagFieldNumber(v) == 1) value = dim.ReadInt64();
                        else dim.SkipLastField();
                    }
                    list.Add(value);
                }
                dims = list.ToArray();
            }
        }
        return dims;
    }

    // Repeated scalars: proto2 writes them unpacked (one tag per value), but packed (length-delimited) is also legal.
    private static void ReadInt64s(CodedInputStream s, uint tag, List<long> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(s.ReadInt64()); return; }
        var p = Sub(s);
        while (!p.IsAtEnd) into.Add(p.ReadInt64());
    }

    private static void ReadFloats(CodedInputStream s, uint tag, List<float> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(s.ReadFloat()); return; }
        var p = Sub(s);
        while (!p.IsAtEnd) into.Add(p.ReadFloat());
    }

    private static void ReadDoubles(CodedInputStream s, uint tag, List<double> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited) { into.Add(s.ReadDouble()); return; }
        var p = Sub(s);
        while (!p.IsAtEnd) into.Add(p.ReadDouble());
    }
}
