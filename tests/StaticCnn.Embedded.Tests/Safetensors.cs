using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace StaticCnn.Embedded.Tests;

/// <summary>Test-side safetensors reader and writer (F32 only, plus raw entries of other dtypes for mismatch cases).</summary>
internal static class Safetensors
{
    public sealed record Entry(int[] Shape, float[] Data);

    public static Dictionary<string, Entry> Read(byte[] bytes)
    {
        long n = BinaryPrimitives.ReadInt64LittleEndian(bytes);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        var result = new Dictionary<string, Entry>();
        foreach (JsonProperty p in doc.RootElement.EnumerateObject())
        {
            if (p.Name == "__metadata__" || p.Value.GetProperty("dtype").GetString() != "F32") continue;
            int[] shape = p.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            long b = p.Value.GetProperty("data_offsets")[0].GetInt64(), e = p.Value.GetProperty("data_offsets")[1].GetInt64();
            var data = new float[(e - b) / 4];
            Buffer.BlockCopy(bytes, (int)(8 + n + b), data, 0, data.Length * 4);
            result[p.Name] = new Entry(shape, data);
        }
        return result;
    }

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
