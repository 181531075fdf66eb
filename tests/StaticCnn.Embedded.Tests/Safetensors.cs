using System.Buffers.Binary;
using System.Text;

namespace StaticCnn.Embedded.Tests;

/// <summary>
/// Test-side safetensors writer and splicer for crafted weights files (F32, plus raw entries of other dtypes for mismatch
/// cases). Reading is the shared fixture reader's job (tests/Shared/Fixture.cs, over the project's one safetensors reader).
/// </summary>
internal static class Safetensors
{
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
