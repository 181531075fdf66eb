using System.Buffers.Binary;
using System.Text;

namespace StaticCnn.Embedded.Tests;

/// <summary>Test-side safetensors reader and writer (F32 only, plus raw entries of other dtypes for mismatch cases).</summary>
internal static class Safetensors
{
    public sealed record Entry(int[] Shape, float[] Data);

    /// <summary>The F32 tensors of a file, read by the project's one safetensors reader.</summary>
    public static Dictionary<string, Entry> Read(byte[] bytes)
    {
        var file = StaticCnn.Checkpoints.SafeTensorsFile.Parse("weights.safetensors", bytes);
        return file.Entries.Where(e => e.DType == "F32").ToDictionary(e => e.Name, e => new Entry(e.Shape, file.GetFloats(e.Name)));
    }

    /// <summary>The header JSON of a file and its data section.</summary>
    public static (string Header, byte[] Data) Split(byte[] file)
    {
        int n = (int)BinaryPrimitives.ReadInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, n), file[(8 + n)..]);
    }

    /// <summary>A file of the given header bytes and data, the length field saying <paramref name="header"/>.Length.</summary>
    public static byte[] Join(byte[] header, byte[] data)
    {
        var result = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(result, header.Length);
        header.CopyTo(result, 8);
        data.CopyTo(result, 8 + header.Length);
        return result;
    }

    public static byte[] Join(string header, byte[] data) => Join(Encoding.UTF8.GetBytes(header), data);

    /// <summary>Writes tensors (name, dtype, shape, raw bytes) as a safetensors file.</summary>
    public static byte[] Write(IEnumerable<(string Name, string Dtype, int[] Shape, byte[] Data)> tensors)
    {
        var header = new StringBuilder("{");
        var data = new MemoryStream();
        foreach (var t in tensors)
        {
            if (header.Length > 1) header.Append(',');
            header.Append($"\"{t.Name}\":{{\"dtype\":\"{t.Dtype}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{data.Length},{data.Length + t.Data.Length}]}}");
            data.Write(t.Data);
        }
        header.Append('}');
        byte[] h = Encoding.UTF8.GetBytes(header.ToString());
        var result = new byte[8 + h.Length + data.Length];
        BinaryPrimitives.WriteInt64LittleEndian(result, h.Length);
        h.CopyTo(result, 8);
        data.ToArray().CopyTo(result, 8 + h.Length);
        return result;
    }

    public static byte[] Zeros(int[] shape, int elementSize = 4) => new byte[shape.Aggregate(1, (a, b) => a * b) * elementSize];
}
