using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace StaticCnn.Formats;

/// <summary>One tensor of a validated safetensors header.</summary>
/// <param name="Name">The tensor's name (a PyTorch <c>state_dict</c> key).</param>
/// <param name="DType">The safetensors dtype, e.g. <c>F32</c>.</param>
/// <param name="Shape">The dimensions (each at most <see cref="int.MaxValue"/>).</param>
/// <param name="Begin">First byte, relative to the start of the data section.</param>
/// <param name="End">One past the last byte, relative to the start of the data section.</param>
/// <param name="ElementCount">The product of <paramref name="Shape"/> (1 for a scalar).</param>
internal sealed record SafetensorsTensor(string Name, string DType, int[] Shape, long Begin, long End, long ElementCount);

/// <summary>A validated safetensors header: the tensors in file order and the <c>__metadata__</c> strings.</summary>
/// <param name="HeaderLength">The header length N of the first 8 bytes; the data section starts at 8 + N.</param>
/// <param name="DataLength">The length of the data section, which the tensors cover exactly.</param>
/// <param name="Tensors">The tensors in file order.</param>
/// <param name="Metadata">The <c>__metadata__</c> entries in file order.</param>
internal sealed record SafetensorsHeader(long HeaderLength, long DataLength, List<SafetensorsTensor> Tensors, List<KeyValuePair<string, string>> Metadata)
{
    /// <summary>Absolute offset of the data section in the file.</summary>
    public long DataStart => 8 + HeaderLength;
}

/// <summary>
/// The one reader of the safetensors format (https://github.com/huggingface/safetensors), used by the runtime's
/// checkpoint loader, the build-time weights pipeline and the test fixtures. Compiled into the runtime and linked as
/// source into the generator (netstandard2.0, no JSON library). The rules, each a distinct message:
/// <list type="bullet">
/// <item>8-byte little-endian header length N, at most <see cref="MaxHeaderBytes"/>, and the file holds the N bytes;</item>
/// <item>the header is valid UTF-8, one JSON object starting at its first byte, nested at most <see cref="MaxDepth"/>
/// levels, followed only by padding spaces (0x20);</item>
/// <item>every key other than <c>__metadata__</c> is a tensor: an object with a known <c>dtype</c>, a <c>shape</c> of
/// non-negative integers (each ≤ 2³¹−1) and <c>data_offsets</c> [begin, end] of two non-negative integers; other keys of
/// the entry are ignored, as the reference reader ignores them; <c>__metadata__</c> is an object of strings;</item>
/// <item>no name or key appears twice;</item>
/// <item>end − begin equals the element count × the dtype's size (checked 64-bit arithmetic: an overflowing shape is an
/// error, not a wrap-around);</item>
/// <item>sorted by offset, the tensors cover the data section exactly: the first begins at 0, each begins where the
/// previous ends (no gap, no overlap), and the last ends at the end of the file (no trailing bytes).</item>
/// </list>
/// Every failure is returned as a message (which rule, which tensor, which bytes), never thrown. Thread-safe (no state).
/// </summary>
internal static class SafetensorsFormat
{
    /// <summary>Largest header accepted, the reference implementation's limit.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Deepest JSON nesting accepted (a valid header needs 3: the object, a tensor entry, its shape).</summary>
    public const int MaxDepth = 64;

    /// <summary>Bytes per element of a safetensors dtype, 0 when unknown.</summary>
    public static int DTypeSize(string dtype)
    {
        switch (dtype)
        {
            case "F64": case "I64": case "U64": return 8;
            case "F32": case "I32": case "U32": return 4;
            case "F16": case "BF16": case "I16": case "U16": return 2;
            case "I8": case "U8": case "BOOL": case "F8_E4M3": case "F8_E5M2": return 1;
            default: return 0;
        }
    }

    /// <summary>
    /// Reads the header length from the first bytes of a file of <paramref name="fileLength"/> bytes; null when it is
    /// valid, else the problem.
    /// </summary>
    public static string? ReadHeaderLength(byte[] first8, long fileLength, out long headerLength)
    {
        headerLength = 0;
        if (fileLength < 8 || first8.Length < 8)
            return "the file is " + fileLength.ToString(CultureInfo.InvariantCulture) + " bytes long, fewer than the 8-byte header length";
        ulong n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | first8[i];
        if (n > (ulong)MaxHeaderBytes)
            return "the header length " + n.ToString(CultureInfo.InvariantCulture) + " exceeds the " + MaxHeaderBytes.ToString(CultureInfo.InvariantCulture)
                + "-byte limit (a corrupt file, or not a safetensors file)";
        if ((long)n > fileLength - 8)
            return "the file is truncated: the header length says " + n.ToString(CultureInfo.InvariantCulture) + " bytes, but only "
                + (fileLength - 8).ToString(CultureInfo.InvariantCulture) + " follow the 8-byte length";
        headerLength = (long)n;
        return null;
    }

    /// <summary>Parses and validates a whole file held in memory; null when it is valid, else the problem.</summary>
    public static string? Parse(byte[] file, out SafetensorsHeader? header)
    {
        header = null;
        string? error = ReadHeaderLength(file, file.LongLength, out long n);
        if (error != null) return error;
        return ParseHeader(file, 8, (int)n, file.LongLength - 8 - n, out header);
    }

    /// <summary>
    /// Parses and validates the <paramref name="count"/> header bytes at <paramref name="offset"/> of
    /// <paramref name="bytes"/>, for a data section of <paramref name="dataLength"/> bytes; null when valid, else the problem.
    /// </summary>
    public static string? ParseHeader(byte[] bytes, int offset, int count, long dataLength, out SafetensorsHeader? header)
    {
        header = null;
        int bad = FirstInvalidUtf8(bytes, offset, count);
        if (bad >= 0)
            return "the header is not valid UTF-8 (byte 0x" + bytes[offset + bad].ToString("X2", CultureInfo.InvariantCulture) + " at header byte " + At(bad) + ")";
        if (count == 0 || bytes[offset] != (byte)'{')
            return "the header does not start with '{' (a safetensors header is one JSON object)";
        var json = new JsonReader(bytes, offset, count);
        Node root;
        try
        {
            root = json.ReadValue(1);
        }
        catch (FormatException ex)
        {
            return ex.Message;
        }
        for (int i = json.Position; i < count; i++)
            if (bytes[offset + i] != (byte)' ')
                return "the header's JSON object ends at header byte " + At(json.Position) + " but is followed by 0x"
                    + bytes[offset + i].ToString("X2", CultureInfo.InvariantCulture) + " at header byte " + At(i) + "; only spaces (0x20) may pad the header";

        var tensors = new List<SafetensorsTensor>();
        var metadata = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, Node> kv in root.Members!)
        {
            string name = kv.Key;
            Node v = kv.Value;
            if (name == "__metadata__")
            {
                if (v.Kind != NodeKind.Object) return "the __metadata__ entry is not a JSON object";
                foreach (KeyValuePair<string, Node> m in v.Members!)
                {
                    if (m.Value.Kind != NodeKind.String) return "the __metadata__ value of '" + m.Key + "' is not a string";
                    metadata.Add(new KeyValuePair<string, string>(m.Key, m.Value.Text!));
                }
                continue;
            }
            if (v.Kind != NodeKind.Object) return "the entry of tensor '" + name + "' is not a JSON object";
            Node? dtypeNode = null, shapeNode = null, offsetsNode = null;
            foreach (KeyValuePair<string, Node> f in v.Members!)
            {
                if (f.Key == "dtype") dtypeNode = f.Value;
                else if (f.Key == "shape") shapeNode = f.Value;
                else if (f.Key == "data_offsets") offsetsNode = f.Value;
            }
            if (dtypeNode == null || shapeNode == null || offsetsNode == null)
                return "tensor '" + name + "' lacks " + (dtypeNode == null ? "'dtype'" : shapeNode == null ? "'shape'" : "'data_offsets'");
            if (dtypeNode.Kind != NodeKind.String) return "tensor '" + name + "': dtype is not a string";
            string dtype = dtypeNode.Text!;
            int size = DTypeSize(dtype);
            if (size == 0) return "tensor '" + name + "' has unknown dtype '" + dtype + "'";
            if (shapeNode.Kind != NodeKind.Array) return "tensor '" + name + "': shape is not an array";
            var shape = new int[shapeNode.Items!.Count];
            long elements = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                Node d = shapeNode.Items[i];
                if (!d.IsNonNegativeInteger)
                    return "tensor '" + name + "': shape holds " + d.Describe() + ", not a non-negative integer";
                if (d.Integer > int.MaxValue)
                    return "tensor '" + name + "': dimension " + d.Integer.ToString(CultureInfo.InvariantCulture) + " exceeds " + int.MaxValue.ToString(CultureInfo.InvariantCulture);
                shape[i] = (int)d.Integer;
                try { elements = checked(elements * d.Integer); }
                catch (OverflowException) { return "tensor '" + name + "': shape " + Dims(shape, i + 1) + " has more elements than a 64-bit count holds"; }
            }
            if (offsetsNode.Kind != NodeKind.Array || offsetsNode.Items!.Count != 2)
                return "tensor '" + name + "': data_offsets is not an array of two numbers [begin, end]";
            Node b = offsetsNode.Items[0], e = offsetsNode.Items[1];
            if (!b.IsNonNegativeInteger) return "tensor '" + name + "': data_offsets holds " + b.Describe() + ", not a non-negative integer";
            if (!e.IsNonNegativeInteger) return "tensor '" + name + "': data_offsets holds " + e.Describe() + ", not a non-negative integer";
            long begin = b.Integer, end = e.Integer;
            if (end < begin)
                return "tensor '" + name + "' has data_offsets [" + N(begin) + ", " + N(end) + "]: the end is before the begin";
            long needed;
            try { needed = checked(elements * size); }
            catch (OverflowException) { return "tensor '" + name + "': shape " + Dims(shape, shape.Length) + " of " + dtype + " needs more bytes than a 64-bit size holds"; }
            if (needed != end - begin)
                return "tensor '" + name + "' of dtype " + dtype + " and shape " + Dims(shape, shape.Length) + " needs " + N(needed)
                    + " bytes, but data_offsets [" + N(begin) + ", " + N(end) + "] give " + N(end - begin);
            if (end > dataLength)
                return "tensor '" + name + "' ends at byte " + N(end) + " of the data section, which has " + N(dataLength)
                    + " bytes (the file is truncated or its data_offsets are corrupt)";
            tensors.Add(new SafetensorsTensor(name, dtype, shape, begin, end, elements));
        }

        // The tensors must tile the data section: sorted by offset, no gap, no overlap, nothing after the last one.
        var sorted = new List<SafetensorsTensor>(tensors);
        sorted.Sort((x, y) => x.Begin != y.Begin ? x.Begin.CompareTo(y.Begin) : x.End.CompareTo(y.End));
        long covered = 0;
        SafetensorsTensor? previous = null;
        foreach (SafetensorsTensor t in sorted)
        {
            if (t.Begin > covered)
                return "the data section has a gap: bytes [" + N(covered) + ", " + N(t.Begin) + ") belong to no tensor ("
                    + (previous == null ? "before '" + t.Name + "'" : "between '" + previous.Name + "' and '" + t.Name + "'") + ")";
            if (t.Begin < covered)
                return "tensors '" + previous!.Name + "' [" + N(previous.Begin) + ", " + N(previous.End) + ") and '" + t.Name + "' ["
                    + N(t.Begin) + ", " + N(t.End) + ") overlap in the data section";
            covered = t.End;
            previous = t;
        }
        if (covered != dataLength)
            return "the file has " + N(dataLength - covered) + " trailing bytes: the tensors end at byte " + N(covered)
                + " of the data section, which has " + N(dataLength) + " bytes";
        header = new SafetensorsHeader(count, dataLength, tensors, metadata);
        return null;
    }

    /// <summary>
    /// The value rule shared by the runtime loader and the build-time pipeline: every value finite, and a BatchNorm
    /// <c>running_var</c> not negative. Null when the values are valid, else what is wrong (count and first offender).
    /// </summary>
    public static string? DescribeInvalidValues(string name, ReadOnlySpan<float> values)
    {
        bool variance = name.EndsWith("running_var", StringComparison.Ordinal);
        int nonFinite = 0, negative = 0, first = -1;
        for (int i = 0; i < values.Length; i++)
        {
            float v = values[i];
            if (float.IsNaN(v) || float.IsInfinity(v)) { nonFinite++; if (first < 0) first = i; }
            else if (variance && v < 0) { negative++; if (first < 0) first = i; }
        }
        if (first < 0) return null;
        string what = nonFinite > 0 && negative > 0 ? nonFinite + " non-finite and " + negative + " negative values"
            : nonFinite > 0 ? nonFinite + (nonFinite == 1 ? " non-finite value" : " non-finite values")
            : negative + (negative == 1 ? " negative variance" : " negative variances");
        return "tensor '" + name + "' holds " + what + " (first: " + values[first].ToString("R", CultureInfo.InvariantCulture) + " at index " + first + ")";
    }

    private static string N(long v) => v.ToString(CultureInfo.InvariantCulture);
    private static string At(int v) => v.ToString(CultureInfo.InvariantCulture);

    private static string Dims(int[] shape, int count)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < count; i++) sb.Append(i == 0 ? "" : ", ").Append(shape[i].ToString(CultureInfo.InvariantCulture));
        return sb.Append(']').ToString();
    }

    /// <summary>Index of the first byte that starts an invalid UTF-8 sequence (RFC 3629: no overlongs, no surrogates, ≤ U+10FFFF), or −1.</summary>
    internal static int FirstInvalidUtf8(byte[] b, int offset, int count)
    {
        int i = 0;
        while (i < count)
        {
            int c = b[offset + i];
            if (c < 0x80) { i++; continue; }
            int need, min;
            if (c >= 0xC2 && c <= 0xDF) { need = 1; min = 0x80; }
            else if (c >= 0xE0 && c <= 0xEF) { need = 2; min = 0x800; }
            else if (c >= 0xF0 && c <= 0xF4) { need = 3; min = 0x10000; }
            else return i;
            if (i + need >= count) return i; // the sequence runs past the end
            int cp = c & (0x3F >> need);
            for (int k = 1; k <= need; k++)
            {
                int cc = b[offset + i + k];
                if ((cc & 0xC0) != 0x80) return i;
                cp = (cp << 6) | (cc & 0x3F);
            }
            if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
            i += need + 1;
        }
        return -1;
    }

    private enum NodeKind { Object, Array, String, Number, Literal }

    /// <summary>A parsed JSON value; objects keep their members in order.</summary>
    private sealed class Node
    {
        public NodeKind Kind;
        public List<KeyValuePair<string, Node>>? Members;
        public List<Node>? Items;
        public string? Text;          // string value, or the number / literal as written
        public bool IsNonNegativeInteger; // a number of digits only that fits a long
        public long Integer;

        public string Describe()
        {
            switch (Kind)
            {
                case NodeKind.Number:
                    bool digitsOnly = Text!.IndexOfAny(new[] { '-', '.', 'e', 'E' }) < 0;
                    return digitsOnly && !IsNonNegativeInteger ? Text + " (too large)" : Text;
                case NodeKind.String: return "a string";
                case NodeKind.Object: return "an object";
                case NodeKind.Array: return "an array";
                default: return Text!;
            }
        }
    }

    /// <summary>A strict JSON reader over UTF-8 bytes (RFC 8259) with a nesting limit; errors are FormatExceptions whose message is the problem.</summary>
    private sealed class JsonReader
    {
        private readonly byte[] _b;
        private readonly int _start, _count;
        private int _i;

        public JsonReader(byte[] bytes, int offset, int count) { _b = bytes; _start = offset; _count = count; }

        /// <summary>Header-relative position after the last value read.</summary>
        public int Position => _i;

        private FormatException Error(string what) =>
            new FormatException("the header is not valid JSON: " + what + " at header byte " + _i.ToString(CultureInfo.InvariantCulture));

        private int Peek() => _i < _count ? _b[_start + _i] : -1;

        private void SkipWhitespace()
        {
            while (_i < _count)
            {
                byte c = _b[_start + _i];
                if (c == ' ' || c == '\t' || c == '\n' || c == '\r') _i++;
                else break;
            }
        }

        public Node ReadValue(int depth)
        {
            SkipWhitespace();
            int c = Peek();
            switch (c)
            {
                case -1: throw Error("unexpected end");
                case '{': return ReadObject(depth);
                case '[': return ReadArray(depth);
                case '"': return new Node { Kind = NodeKind.String, Text = ReadString() };
                case 't': return Literal("true");
                case 'f': return Literal("false");
                case 'n': return Literal("null");
                default:
                    if (c == '-' || (c >= '0' && c <= '9')) return ReadNumber();
                    throw Error("unexpected character '" + Printable(c) + "'");
            }
        }

        private void CheckDepth(int depth)
        {
            if (depth > MaxDepth)
                throw new FormatException("the header nests JSON deeper than " + MaxDepth.ToString(CultureInfo.InvariantCulture)
                    + " levels (header byte " + _i.ToString(CultureInfo.InvariantCulture) + ")");
        }

        private Node ReadObject(int depth)
        {
            CheckDepth(depth);
            _i++; // '{'
            var members = new List<KeyValuePair<string, Node>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            SkipWhitespace();
            if (Peek() == '}') { _i++; return new Node { Kind = NodeKind.Object, Members = members }; }
            while (true)
            {
                SkipWhitespace();
                if (Peek() != '"') throw Error("expected a string key");
                int keyAt = _i;
                string key = ReadString();
                if (!seen.Add(key))
                    throw new FormatException(depth == 1
                        ? "the header names '" + key + "' twice (header byte " + keyAt.ToString(CultureInfo.InvariantCulture) + ")"
                        : "the header has key '" + key + "' twice in one object (header byte " + keyAt.ToString(CultureInfo.InvariantCulture) + ")");
                SkipWhitespace();
                if (Peek() != ':') throw Error("expected ':'");
                _i++;
                members.Add(new KeyValuePair<string, Node>(key, ReadValue(depth + 1)));
                SkipWhitespace();
                int d = Peek();
                if (d == '}') { _i++; return new Node { Kind = NodeKind.Object, Members = members }; }
                if (d != ',') throw Error("expected ',' or '}'");
                _i++;
            }
        }

        private Node ReadArray(int depth)
        {
            CheckDepth(depth);
            _i++; // '['
            var items = new List<Node>();
            SkipWhitespace();
            if (Peek() == ']') { _i++; return new Node { Kind = NodeKind.Array, Items = items }; }
            while (true)
            {
                items.Add(ReadValue(depth + 1));
                SkipWhitespace();
                int d = Peek();
                if (d == ']') { _i++; return new Node { Kind = NodeKind.Array, Items = items }; }
                if (d != ',') throw Error("expected ',' or ']'");
                _i++;
            }
        }

        private Node Literal(string word)
        {
            for (int k = 0; k < word.Length; k++)
                if (_i + k >= _count || _b[_start + _i + k] != word[k]) throw Error("unexpected character '" + Printable(Peek()) + "'");
            _i += word.Length;
            return new Node { Kind = NodeKind.Literal, Text = word };
        }

        private Node ReadNumber()
        {
            int from = _i;
            bool negative = false, integer = true;
            if (Peek() == '-') { negative = true; _i++; }
            int c = Peek();
            if (c == '0') _i++;
            else if (c >= '1' && c <= '9') while (Peek() >= '0' && Peek() <= '9') _i++;
            else throw Error("a number needs a digit");
            if (Peek() == '.')
            {
                integer = false;
                _i++;
                if (!(Peek() >= '0' && Peek() <= '9')) throw Error("a number needs a digit after '.'");
                while (Peek() >= '0' && Peek() <= '9') _i++;
            }
            if (Peek() == 'e' || Peek() == 'E')
            {
                integer = false;
                _i++;
                if (Peek() == '+' || Peek() == '-') _i++;
                if (!(Peek() >= '0' && Peek() <= '9')) throw Error("a number needs a digit in its exponent");
                while (Peek() >= '0' && Peek() <= '9') _i++;
            }
            string text = Encoding.ASCII.GetString(_b, _start + from, _i - from);
            var node = new Node { Kind = NodeKind.Number, Text = text };
            if (integer && !negative && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
            {
                node.IsNonNegativeInteger = true;
                node.Integer = v;
            }
            return node;
        }

        private string ReadString()
        {
            _i++; // '"'
            var sb = new StringBuilder();
            int run = _i;
            while (true)
            {
                if (_i >= _count) throw Error("unterminated string");
                byte c = _b[_start + _i];
                if (c == '"')
                {
                    sb.Append(Encoding.UTF8.GetString(_b, _start + run, _i - run));
                    _i++;
                    return sb.ToString();
                }
                if (c < 0x20) throw Error("control character 0x" + c.ToString("X2", CultureInfo.InvariantCulture) + " in a string");
                if (c != '\\') { _i++; continue; }
                sb.Append(Encoding.UTF8.GetString(_b, _start + run, _i - run));
                _i++;
                if (_i >= _count) throw Error("unterminated string");
                byte e = _b[_start + _i++];
                switch (e)
                {
                    case (byte)'"': sb.Append('"'); break;
                    case (byte)'\\': sb.Append('\\'); break;
                    case (byte)'/': sb.Append('/'); break;
                    case (byte)'b': sb.Append('\b'); break;
                    case (byte)'f': sb.Append('\f'); break;
                    case (byte)'n': sb.Append('\n'); break;
                    case (byte)'r': sb.Append('\r'); break;
                    case (byte)'t': sb.Append('\t'); break;
                    case (byte)'u':
                        int u = 0;
                        for (int k = 0; k < 4; k++)
                        {
                            int h = _i < _count ? HexValue(_b[_start + _i]) : -1;
                            if (h < 0) throw Error("bad \\u escape");
                            u = (u << 4) | h;
                            _i++;
                        }
                        sb.Append((char)u);
                        break;
                    default:
                        _i--;
                        throw Error("bad escape '\\" + Printable(e) + "'");
                }
                run = _i;
            }
        }

        private static int HexValue(byte c) =>
            c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

        private static string Printable(int c) =>
            c >= 0x20 && c < 0x7F ? ((char)c).ToString() : "0x" + c.ToString("X2", CultureInfo.InvariantCulture);
    }
}
