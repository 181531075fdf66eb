using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using StaticCnn.Formats;
using StaticCnn.IO;

namespace StaticCnn.Checkpoints;

/// <summary>One tensor of a safetensors file: name, dtype, shape and byte range in the data section.</summary>
public sealed record SafeTensorEntry(string Name, string DType, int[] Shape, long Begin, long End)
{
    /// <summary>Element count (checked: a shape read from a file has been validated not to overflow).</summary>
    public long Length { get { long n = 1; foreach (int d in Shape) n = checked(n * d); return n; } }
}

/// <summary>A tensor to write: name, shape and float32 data.</summary>
public sealed record SafeTensor(string Name, int[] Shape, float[] Data);

/// <summary>
/// A parsed safetensors file (the Hugging Face format PyTorch users exchange weights in): 8-byte little-endian header
/// length, a JSON header <c>{name: {dtype, shape, data_offsets}, "__metadata__": {..}}</c>, then raw little-endian data.
/// <see cref="Read"/> validates everything before returning, with the one safetensors reader of the project
/// (<c>src/StaticCnn.Spec/Formats/SafetensorsFormat.cs</c>, shared with the build-time weights pipeline): a valid UTF-8
/// JSON header padded only with spaces, known dtypes, no name twice, and tensors whose byte ranges tile the data
/// section exactly (no gap, no overlap, no trailing byte). Every bad file throws <see cref="InvalidDataException"/>
/// whose message starts with the path and names the rule broken. No reflection: trim and NativeAOT safe.
/// A parsed file is immutable and safe to read from several threads.
/// </summary>
public sealed class SafeTensorsFile
{
    /// <summary>Largest header accepted (the reference implementation's limit).</summary>
    public const int MaxHeaderBytes = (int)SafetensorsFormat.MaxHeaderBytes;

    /// <summary>
    /// Largest file read or written: 2 GiB − 57 bytes (<see cref="Array.MaxLength"/>), because a file is read into one
    /// byte array. <see cref="Write"/> refuses a larger file before writing anything.
    /// </summary>
    public static long MaxFileBytes => DataFile.MaxBytes;

    private readonly byte[] _file;
    private readonly long _dataStart;
    private readonly Dictionary<string, SafeTensorEntry> _byName;

    private SafeTensorsFile(string path, List<SafeTensorEntry> entries, Dictionary<string, string> metadata, byte[] file, long dataStart)
    {
        Path = path;
        Entries = entries;
        Metadata = metadata;
        _file = file;
        _dataStart = dataStart;
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
    /// <exception cref="InvalidDataException">The file has no such tensor.</exception>
    public SafeTensorEntry this[string name] => _byName.TryGetValue(name, out var e) ? e : throw DataFile.Invalid(Path, $"has no tensor '{name}'");

    /// <summary>The raw bytes of a tensor.</summary>
    /// <exception cref="InvalidDataException">The file has no such tensor.</exception>
    public ReadOnlySpan<byte> Bytes(string name)
    {
        var e = this[name];
        return _file.AsSpan(checked((int)(_dataStart + e.Begin)), checked((int)(e.End - e.Begin)));
    }

    /// <summary>A tensor's values as float32 (F32 copied; F64, F16, I64 and I32 converted).</summary>
    /// <exception cref="InvalidDataException">No such tensor, or a dtype that cannot be read as float.</exception>
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
            default: throw DataFile.Invalid(Path, $"tensor '{name}' has dtype {e.DType}, which cannot be read as float");
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
        else throw DataFile.Invalid(Path, $"tensor '{name}' has dtype {e.DType}, not an integer type");
        return result;
    }

    internal static void CopyF32(ReadOnlySpan<byte> bytes, Span<float> destination)
    {
        if (BitConverter.IsLittleEndian) MemoryMarshal.Cast<byte, float>(bytes).CopyTo(destination);
        else for (int i = 0; i < destination.Length; i++) destination[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i));
    }

    /// <summary>Reads and validates <paramref name="path"/>. Thread-safe.</summary>
    /// <exception cref="InvalidDataException">Anything is wrong with the file (the message starts with the path and names
    /// the rule broken): it is a directory, unreadable, 2 GiB or larger, truncated or changed while read, or it breaks a
    /// rule of the format (see the class summary).</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder of the path does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is null or empty.</exception>
    public static SafeTensorsFile Read(string path) => Parse(path, DataFile.ReadAllBytes(path));

    /// <summary>
    /// Parses and validates the bytes of a safetensors file; <paramref name="path"/> is used in messages. The returned
    /// object keeps <paramref name="file"/> (no copy): do not modify it afterwards. Thread-safe.
    /// </summary>
    /// <exception cref="InvalidDataException">The bytes break a rule of the format (see the class summary).</exception>
    public static SafeTensorsFile Parse(string path, byte[] file)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(file);
        string? problem = SafetensorsFormat.Parse(file, out SafetensorsHeader? header);
        if (problem != null) throw DataFile.Invalid(path, problem);
        var entries = new List<SafeTensorEntry>(header!.Tensors.Count);
        foreach (SafetensorsTensor t in header.Tensors) entries.Add(new SafeTensorEntry(t.Name, t.DType, t.Shape, t.Begin, t.End));
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var kv in header.Metadata) metadata[kv.Key] = kv.Value;
        return new SafeTensorsFile(path, entries, metadata, file, header.DataStart);
    }

    /// <summary>Bytes per element of a safetensors dtype, 0 when unknown.</summary>
    public static int DTypeSize(string dtype) => SafetensorsFormat.DTypeSize(dtype);

    /// <summary>
    /// Writes float32 tensors (in the given order) and optional metadata to <paramref name="path"/> atomically: the bytes
    /// go to a hidden temporary file in the same folder (<c>.name.pid.guid.tmp</c>), which then replaces
    /// <paramref name="path"/>; a reader sees the old file or the new one, never a mix. Temporary files of the same
    /// target left by a save that was killed are deleted first (those whose writer no longer runs and that no one holds
    /// open). The header is padded with spaces to a multiple of 8 bytes, as the reference writer does.
    /// PyTorch: <c>safetensors.torch.save_file(tensors, path, metadata)</c>. Thread-safe for distinct paths; concurrent
    /// writes of one path leave one complete file.
    /// </summary>
    /// <exception cref="ArgumentException">A name is listed twice, or a shape does not match its data.</exception>
    /// <exception cref="NotSupportedException">The file would be larger than <see cref="MaxFileBytes"/>.</exception>
    /// <exception cref="IOException">The file cannot be written (nothing is left behind).</exception>
    public static void Write(string path, IReadOnlyList<SafeTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var buffer = new MemoryStream();
        long offset = 0;
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                writer.WriteStartObject("__metadata__");
                foreach (var kv in metadata) writer.WriteString(kv.Key, kv.Value);
                writer.WriteEndObject();
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var t in tensors)
            {
                if (!seen.Add(t.Name)) throw new ArgumentException($"Tensor '{t.Name}' is listed twice.", nameof(tensors));
                long n = 1;
                foreach (int d in t.Shape)
                {
                    if (d < 0) throw new ArgumentException($"Tensor '{t.Name}' has a negative dimension in shape [{string.Join(", ", t.Shape)}].", nameof(tensors));
                    n = checked(n * d);
                }
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
        long total = 8 + header.LongLength + offset;
        if (total > MaxFileBytes)
            throw new NotSupportedException($"{path}: the checkpoint would be {total:N0} bytes; files are limited to {MaxFileBytes:N0} bytes (2 GiB) because they are read into memory.");

        string full = System.IO.Path.GetFullPath(path);
        string dir = System.IO.Path.GetDirectoryName(full)!;
        string name = System.IO.Path.GetFileName(full);
        Directory.CreateDirectory(dir);
        RemoveStaleTemporaryFiles(dir, name);
        string temp = System.IO.Path.Combine(dir, $".{name}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            // FileShare.Delete: the file can be renamed while open (Windows), and on Unix the handle holds a shared lock,
            // which tells RemoveStaleTemporaryFiles of another save that this temporary file is in use.
            using var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.Delete, 1 << 16);
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
            File.Move(temp, full, overwrite: true); // still open: no other save can take the file for stale meanwhile
        }
        catch
        {
            try { File.Delete(temp); } catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>
    /// Deletes <c>.name.pid.guid.tmp</c> files of <paramref name="name"/> in <paramref name="dir"/> left by a save that
    /// was killed: the writing process no longer runs and no one holds the file open (an exclusive lock succeeds).
    /// A file that does not match the pattern exactly is never touched. Best effort: failures are ignored.
    /// </summary>
    internal static int RemoveStaleTemporaryFiles(string dir, string name)
    {
        int removed = 0;
        string prefix = "." + name + ".";
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, "." + name + ".*.tmp").ToArray(); }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { return 0; }
        foreach (string file in candidates)
        {
            string fileName = System.IO.Path.GetFileName(file);
            if (!fileName.StartsWith(prefix, StringComparison.Ordinal) || !fileName.EndsWith(".tmp", StringComparison.Ordinal)) continue;
            string[] middle = fileName[prefix.Length..^4].Split('.');
            if (middle.Length != 2 || !int.TryParse(middle[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int pid)
                || middle[1].Length != 32 || !Guid.TryParseExact(middle[1], "N", out _))
                continue;
            if (IsRunning(pid)) continue;
            try
            {
                // Exclusive + DeleteOnClose: fails while a writer holds the file, deletes it otherwise.
                using (new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
                removed++;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool IsRunning(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var p = System.Diagnostics.Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }         // no such process
        catch (InvalidOperationException) { return false; }
        catch (Exception ex) when (ex is PlatformNotSupportedException or System.ComponentModel.Win32Exception) { return true; } // cannot tell: keep the file
    }
}
