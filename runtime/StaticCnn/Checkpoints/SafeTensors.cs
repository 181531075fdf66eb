using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace StaticCnn.Checkpoints;

/// <summary>The problem found in a checkpoint file; the message names the file and the problem.</summary>
public sealed class CheckpointException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CheckpointException(string path, string problem, Exception? inner = null)
        : base($"{path}: {problem}", inner)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>What is wrong, without the file name.</summary>
    public string Problem { get; }
}

/// <summary>One tensor of a safetensors file: name, dtype, shape and byte range in the data section.</summary>
public sealed record SafeTensorEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>Element count.</summary>
    public long Length { get { long n = 1; foreach (int d in Shape) n *= d; return n; } }
}

/// <summary>A tensor to write: name, shape and float32 data.</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// A parsed safetensors file (the Hugging Face format PyTorch users exchange weights in): 8-byte little-endian header
/// length, a JSON header <c>{name: {dtype, shape, data_offsets}, "__metadata__": {..}}</c>, then raw little-endian data.
/// <see cref="Read"/> validates everything before returning. Uses only <see cref="Utf8JsonReader"/> and
/// <see cref="Utf8JsonWriter"/> (no reflection), so it is trim and NativeAOT safe.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const int MaxHeaderBytes = 100_000_000;

    private readonly byte[] _data;
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    private SafeTensorsFile(string path, List<SafeTensorEntry> entries, Dictionary<string, string> metadata, byte[] data)
    {
        Path = path;
        Entries = entries;
        Metadata = metadata;
        _data = data;
        _byName = new Dictionary<string, SafeTensorEntry>(StringComparer.Ordinal);
        foreach (var e in entries) _byName[e.Name] = e;
    }

    /// <summary>Where it was read from.</summary>
    public string Path { get; }
    /// <summary>The tensors in file order.</summary>
    public IReadOnlyList<SafeTensorEntry> Entries { get; }
    /// <summary>The <c>__metadata__</c> strings (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Whether a tensor named <paramref name="name"/> exists.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The entry named <paramref name="name"/>.</summary>
    /// <exception cref="CheckpointException">No such tensor.</exception>
    public SafeTensorEntry this[string name] => _byName.TryGetValue(name, out var e) ? e : throw new CheckpointException(Path, $"has no tensor '{name}'.");

    /// <summary>The raw bytes of a tensor.</summary>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        var e = this[name];
        return _data.AsSpan((int)e.Begin, (int)(e.End - e.Begin));
    }

    /// <summary>A tensor's values as float32 (F32 copied; F64 and F16 converted).</summary>
    public float[] GetFloats(string name)
    {
        var e = this[name];
        ReadOnlySpan<byte> b = Bytes(name);
        var result = new float[e.Length];
        switch (e.DType)
        {
            case "F32": CopyF32(b, result); break;
            case "F64": for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(b.Slice(8 * i)); break;
            case "F16": for (int i = 0; i < result.Length; i++) result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(b.Slice(2 * i)); break;
            case "I64": for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(b.Slice(8 * i)); break;
            case "I32": for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(b.Slice(4 * i)); break;
            default: throw new CheckpointException(Path, $"tensor '{name}' has dtype {e.DType}, which cannot be read as float.");
        }
        return result;
    }

    /// <summary>A tensor's values as float64 (F64 copied; F32 widened).</summary>
    public double[] GetDoubles(string name)
    {
        var e = this[name];
        if (e.DType != "F64") return Array.ConvertAll(GetFloats(name), v => (double)v);
        ReadOnlySpan<byte> b = Bytes(name);
        var result = new double[e.Length];
        for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadDoubleLittleEndian(b.Slice(8 * i));
        return result;
    }

    /// <summary>A tensor's values as int64 (I64 or I32).</summary>
    public long[] GetInt64s(string name)
    {
        var e = this[name];
        ReadOnlySpan<byte> b = Bytes(name);
        var result = new long[e.Length];
        if (e.DType == "I64") for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt64LittleEndian(b.Slice(8 * i));
        else if (e.DType == "I32") for (int i = 0; i < result.Length; i++) result[i] = BinaryPrimitives.ReadInt32LittleEndian(b.Slice(4 * i));
        else throw new CheckpointException(Path, $"tensor '{name}' has dtype {e.DType}, not an integer type.");
        return result;
    }

    internal static void CopyF32(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
    }

    /// <summary>Reads and validates <paramref name="path"/>.</summary>
    /// <exception cref="CheckpointException">The file is truncated, its header is not valid JSON or not a valid header,
    /// a dtype is unknown, a shape does not match its byte range, or ranges overlap or leave the data section.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static SafeTensorsFile Read(string path)
    {
        byte[] file = File.ReadAllBytes(path);
        return Parse(path, file);
    }

    /// <summary>Parses and validates the bytes of a safetensors file; <paramref name="path"/> is used in messages.</summary>
    public static SafeTensorsFile Parse(string path, byte[] file)
    {
        if (file.Length < 8) throw new CheckpointException(path, $"is truncated: {file.Length} bytes, fewer than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > MaxHeaderBytes)
            throw new CheckpointException(path, $"declares a header of {headerLength} bytes, more than the {MaxHeaderBytes}-byte limit (corrupt or not a safetensors file).");
        if (headerLength > (ulong)(file.Length - 8))
            throw new CheckpointException(path, $"is truncated: the header needs {headerLength} bytes but only {file.Length - 8} follow the length.");
        int dataStart = 8 + (int)headerLength;
        var entries = new List<SafeTensorEntry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            ParseHeader(path, file.AsSpan(8, (int)headerLength), entries, metadata);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new CheckpointException(path, $"has a corrupt header: not valid JSON ({ex.Message}).", ex);
        }
        long dataLength = file.Length - dataStart;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in entries)
        {
            if (!names.Add(e.Name)) throw new CheckpointException(path, $"names tensor '{e.Name}' twice.");
            int size = DTypeSize(e.DType);
            if (size == 0) throw new CheckpointException(path, $"tensor '{e.Name}' has unknown dtype '{e.DType}'.");
            if (e.Begin < 0 || e.End < e.Begin) throw new CheckpointException(path, $"tensor '{e.Name}' has invalid data_offsets [{e.Begin}, {e.End}].");
            if (e.End > dataLength)
                throw new CheckpointException(path, $"is truncated or corrupt: tensor '{e.Name}' ends at byte {e.End} of the data section, which has {dataLength} bytes.");
            if (e.Length * size != e.End - e.Begin)
                throw new CheckpointException(path, $"tensor '{e.Name}' of shape [{string.Join(", ", e.Shape)}] and dtype {e.DType} needs {e.Length * size} bytes but data_offsets give {e.End - e.Begin}.");
        }
        var sorted = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        for (int i = 1; i < sorted.Count; i++)
            if (sorted[i].Begin < sorted[i - 1].End)
                throw new CheckpointException(path, $"tensors '{sorted[i - 1].Name}' and '{sorted[i].Name}' overlap in the data section.");
        byte[] data = file.AsSpan(dataStart).ToArray();
        return new SafeTensorsFile(path, entries, metadata, data);
    }

    /// <summary>Bytes per element of a safetensors dtype, 0 when unknown.</summary>
    public static int DTypeSize(string dtype) => dtype switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" or "F8_E4M3" or "F8_E5M2" => 1,
        _ => 0,
    };

    private static void ParseHeader(string path, ReadOnlySpan<byte> json, List<SafeTensorEntry> entries, Dictionary<string, string> metadata)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 8 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            throw new CheckpointException(path, "has a corrupt header: it is not a JSON object.");
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndObject)
            {
                if (reader.Read()) throw new CheckpointException(path, "has a corrupt header: data after the JSON object.");
                return;
            }
            string name = reader.GetString()!;
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
                throw new CheckpointException(path, $"has a corrupt header: '{name}' is not an object.");
            if (name == "__metadata__")
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
                {
                    string key = reader.GetString()!;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                        throw new CheckpointException(path, $"has a corrupt header: metadata '{key}' is not a string.");
                    metadata[key] = reader.GetString()!;
                }
                continue;
            }
            string? dtype = null;
            int[]? shape = null;
            long[]? offsets = null;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "dtype":
                        if (reader.TokenType != JsonTokenType.String) throw new CheckpointException(path, $"tensor '{name}': dtype is not a string.");
                        dtype = reader.GetString();
                        break;
                    case "shape":
                        shape = ReadIntArray(path, name, key, ref reader).Select(v => v > int.MaxValue ? throw new CheckpointException(path, $"tensor '{name}': dimension {v} is too large.") : (int)v).ToArray();
                        break;
                    case "data_offsets":
                        offsets = ReadIntArray(path, name, key, ref reader);
                        if (offsets.Length != 2) throw new CheckpointException(path, $"tensor '{name}': data_offsets has {offsets.Length} numbers, not 2.");
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }
            if (dtype is null || shape is null || offsets is null)
                throw new CheckpointException(path, $"has a corrupt header: tensor '{name}' lacks {(dtype is null ? "dtype" : shape is null ? "shape" : "data_offsets")}.");
            entries.Add(new SafeTensorEntry(name, dtype, shape, offsets[0], offsets[1]));
        }
        throw new CheckpointException(path, "has a corrupt header: the JSON object is not closed.");
    }

    private static long[] ReadIntArray(string path, string tensor, string key, ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray) throw new CheckpointException(path, $"tensor '{tensor}': {key} is not an array.");
        var values = new List<long>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out long v) || v < 0)
                throw new CheckpointException(path, $"tensor '{tensor}': {key} holds something other than a non-negative integer.");
            values.Add(v);
        }
        return values.ToArray();
    }

    /// <summary>
    /// Writes float32 tensors (in the given order) and optional metadata to <paramref name="path"/> atomically: the bytes
    /// go to a temporary file in the same folder, which then replaces <paramref name="path"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var kv in metadata) writer.WriteString(kv.Key, kv.Value);
                writer.WriteEndObject();
            }
            long offset = 0;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                if (!seen.Add(t.Name)) throw new ArgumentException($"Tensor '{t.Name}' is listed twice.", nameof(tensors));
                long n = 1;
                foreach (int d in t.Shape) n *= d;
                if (n != t.Data.Length) throw new ArgumentException($"Tensor '{t.Name}' has shape [{string.Join(", ", t.Shape)}] but {t.Data.Length} values.", nameof(tensors));
                writer.WriteStartObject(t.Name);
                writer.WriteString("dtype", "F32");
                writer.WriteStartArray("shape");
                foreach (int d in t.Shape) writer.WriteNumberValue(d);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(offset + 4 * n);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset += 4 * n;
            }
            writer.WriteEndObject();
        }
        // Pad the header with spaces to a multiple of 8 so that the data is aligned (as the reference writer does).
        while (buffer.Length % 8 != 0) buffer.WriteByte((byte)' ');
        byte[] header = buffer.ToArray();

        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(dir);
        string temp = System.IO.Path.Combine(dir, $".{System.IO.Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                fs.Write(len);
                fs.Write(header);
                foreach (var t in tensors)
                {
                    if (BitConverter.IsLittleEndian) fs.Write(MemoryMarshal.AsBytes(t.Data.AsSpan()));
                    else
                    {
                        var b = new byte[4 * t.Data.Length];
                        for (int i = 0; i < t.Data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(b.AsSpan(4 * i), t.Data[i]);
                        fs.Write(b);
                    }
                }
                fs.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { }
            throw;
        }
    }
}
