using System.Buffers.Binary;
using System.Text.Json;
using StaticCnn.Checkpoints;

namespace StaticCnn.Tests.Support;

/// <summary>
/// The one fixture reader of the test projects (tests/Shared, linked into each that reads fixtures). A PyTorch
/// reference fixture: the tensors and the string metadata of one safetensors file under <c>tests/Fixtures</c>, made
/// by <c>tools/make_fixtures.py</c> or <c>tools/make_runtime_fixtures.py</c> (schema: <c>tests/Fixtures/README.md</c>).
/// The file is read and validated by the project's one safetensors reader (<see cref="SafeTensorsFile"/>, over
/// <c>src/StaticCnn.Spec/Formats/SafetensorsFormat.cs</c>), so every fixture PyTorch wrote is also a check of that
/// reader. F32 tensors load as <c>float[]</c>, F64 as <c>double[]</c>, I64 as <c>long[]</c>, I32 as <c>int[]</c>.
/// </summary>
public sealed class Fixture
{
    /// <summary>The folder the fixtures are copied to: <c>AppContext.BaseDirectory/Fixtures</c>.</summary>
    public static string Root => Path.Combine(AppContext.BaseDirectory, "Fixtures");

    private readonly Dictionary<string, FixtureTensor> _tensors;

    private Fixture(string path, Dictionary<string, FixtureTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _tensors = tensors;
        Metadata = metadata;
    }

    /// <summary>Full path of the file read.</summary>
    public string FilePath { get; }

    /// <summary>The <c>__metadata__</c> map (string to string; JSON-valued entries are JSON text).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Tensor names in file order.</summary>
    public IEnumerable<string> Names => _tensors.Keys;

    /// <summary>All tensors by name.</summary>
    public IReadOnlyDictionary<string, FixtureTensor> Tensors => _tensors;

    /// <summary>Loads <paramref name="relativePath"/> (e.g. <c>"layers/conv_stride2.safetensors"</c>) from <see cref="Root"/>.</summary>
    public static Fixture Load(string relativePath) => LoadFile(Path.Combine(Root, relativePath));

    /// <summary>All fixture files below <see cref="Root"/>/<paramref name="folder"/>, as paths relative to <see cref="Root"/>.</summary>
    public static IEnumerable<string> List(string folder) =>
        Directory.Exists(Path.Combine(Root, folder))
            ? Directory.EnumerateFiles(Path.Combine(Root, folder), "*.safetensors", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(Root, p).Replace('\\', '/')).OrderBy(p => p, StringComparer.Ordinal)
            : Enumerable.Empty<string>();

    /// <summary>Loads a safetensors file from an absolute or working-directory-relative path.</summary>
    /// <exception cref="InvalidDataException">The file is not valid safetensors, or holds a dtype other than F32, F64, I32, I64.</exception>
    public static Fixture LoadFile(string path)
    {
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        var tensors = new Dictionary<string, FixtureTensor>(StringComparer.Ordinal);
        foreach (SafeTensorEntry entry in file.Entries)
        {
            ReadOnlySpan<byte> raw = file.Bytes(entry.Name);
            long count = entry.Length;
            Array data = entry.DType switch
            {
                "F32" => Read(raw, count, 4, s => BinaryPrimitives.ReadSingleLittleEndian(s)),
                "F64" => Read(raw, count, 8, s => BinaryPrimitives.ReadDoubleLittleEndian(s)),
                "I32" => Read(raw, count, 4, s => BinaryPrimitives.ReadInt32LittleEndian(s)),
                "I64" => Read(raw, count, 8, s => BinaryPrimitives.ReadInt64LittleEndian(s)),
                _ => throw new InvalidDataException($"{path}: {entry.Name} has unsupported dtype {entry.DType}"),
            };
            tensors[entry.Name] = new FixtureTensor(entry.Name, entry.DType, entry.Shape, data);
        }
        return new Fixture(path, tensors, new Dictionary<string, string>(file.Metadata, StringComparer.Ordinal));
    }

    private delegate T SpanReader<T>(ReadOnlySpan<byte> s);

    private static T[] Read<T>(ReadOnlySpan<byte> raw, long count, int size, SpanReader<T> read)
    {
        var a = new T[count];
        for (int i = 0; i < a.Length; i++) a[i] = read(raw.Slice(i * size, size));
        return a;
    }

    /// <summary>Whether the file holds a tensor named <paramref name="name"/>.</summary>
    public bool Has(string name) => _tensors.ContainsKey(name);

    /// <summary>The tensor named <paramref name="name"/>; throws naming the file and the available tensors if absent.</summary>
    public FixtureTensor this[string name] => _tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"{System.IO.Path.GetFileName(FilePath)} has no tensor '{name}'; it has: {string.Join(", ", _tensors.Keys)}");

    /// <summary>An F32 tensor's values, a fresh copy (tests may modify it, as a reader of the file would get).</summary>
    public float[] Floats(string name) => (float[])this[name].Floats.Clone();

    /// <summary>An F64 tensor's values, a fresh copy.</summary>
    public double[] Doubles(string name) => (double[])this[name].Doubles.Clone();

    /// <summary>An I64 tensor's values, a fresh copy.</summary>
    public long[] Longs(string name) => (long[])this[name].Longs.Clone();

    /// <summary>An I64 or I32 tensor's values narrowed to int (e.g. max-pool indices for the kernels' argmax), a fresh copy.</summary>
    public int[] Ints(string name) => (int[])this[name].Ints.Clone();

    /// <summary>A tensor's shape.</summary>
    public int[] Shape(string name) => this[name].Shape;

    /// <summary>A metadata entry, or throws naming the available keys.</summary>
    public string Meta(string key) => Metadata.TryGetValue(key, out var v) ? v
        : throw new KeyNotFoundException($"{System.IO.Path.GetFileName(FilePath)} has no metadata '{key}'; it has: {string.Join(", ", Metadata.Keys)}");

    /// <summary>A JSON-valued metadata entry (<c>spec</c>, <c>shape</c>, <c>input_shape</c>, …) parsed.</summary>
    public JsonElement MetaJson(string key)
    {
        using var doc = JsonDocument.Parse(Meta(key));
        return doc.RootElement.Clone();
    }

    /// <summary>An int member of a JSON-valued metadata entry, e.g. <c>MetaInt("shape", "OutH")</c>.</summary>
    public int MetaInt(string key, string member) => MetaJson(key).GetProperty(member).GetInt32();

    /// <summary>The file name without extension, e.g. <c>conv_stride2</c>.</summary>
    public override string ToString() => System.IO.Path.GetFileNameWithoutExtension(FilePath);
}

/// <summary>One tensor of a <see cref="Fixture"/>: its dtype (F32, F64, I64, I32), shape and values (row-major).</summary>
public sealed record FixtureTensor(string Name, string DType, int[] Shape, Array Data)
{
    /// <summary>Number of elements (1 for a scalar of shape []).</summary>
    public long Count => Data.LongLength;

    /// <summary>The values of an F32 tensor.</summary>
    public float[] Floats => Data as float[] ?? throw new InvalidCastException($"{Name} is {DType}, not F32");

    /// <summary>The values of an F64 tensor.</summary>
    public double[] Doubles => Data as double[] ?? throw new InvalidCastException($"{Name} is {DType}, not F64");

    /// <summary>The values of an I64 tensor.</summary>
    public long[] Longs => Data as long[] ?? throw new InvalidCastException($"{Name} is {DType}, not I64");

    /// <summary>The values of an I64 or I32 tensor as int (checked).</summary>
    public int[] Ints => Data switch
    {
        int[] i => i,
        long[] l => Array.ConvertAll(l, v => checked((int)v)),
        _ => throw new InvalidCastException($"{Name} is {DType}, not an integer tensor"),
    };
}
