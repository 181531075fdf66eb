using System.Buffers.Binary;
using System.Text;
using StaticCnn.Checkpoints;
using Xunit;

namespace StaticCnn.Tests.Runtime;

public class CheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scnn-ckpt-" + Guid.NewGuid().ToString("N"));
    public CheckpointTests() => Directory.CreateDirectory(_dir);
    public void Dispose() => Directory.Delete(_dir, true);

    private static TensorOnlyNetwork MakeNet() => new(
        ("conv1", "Conv2D", new[] { ("weight", TensorRole.Parameter, new[] { 4, 1, 3, 3 }), ("bias", TensorRole.Parameter, new[] { 4 }) }),
        ("bn1", "BatchNorm2D", new[] { ("weight", TensorRole.Parameter, new[] { 4 }), ("bias", TensorRole.Parameter, new[] { 4 }),
                                       ("running_mean", TensorRole.Buffer, new[] { 4 }), ("running_var", TensorRole.Buffer, new[] { 4 }) }),
        ("fc", "Dense", new[] { ("weight", TensorRole.Parameter, new[] { 3, 16 }), ("bias", TensorRole.Parameter, new[] { 3 }) }));

    private string Saved(out TensorOnlyNetwork net)
    {
        net = MakeNet();
        Initializers.ResetParameters(net, 9);
        net.Buffers.Fill(0.5f);
        string path = Path.Combine(_dir, "model.safetensors");
        Checkpoint.Save(net, path, new Dictionary<string, string> { ["epoch"] = "3" });
        return path;
    }

    [Fact]
    public void RoundTrip()
    {
        string path = Saved(out var a);
        using var _ = a;
        using var b = MakeNet();
        var meta = Checkpoint.Load(b, path);
        Assert.True(a.Parameters.SequenceEqual(b.Parameters));
        Assert.True(a.Buffers.SequenceEqual(b.Buffers));
        Assert.Equal("3", meta["epoch"]);
        var file = SafeTensorsFile.Read(path);
        Assert.Equal(new[] { 4, 1, 3, 3 }, file["conv1.weight"].Shape);
        Assert.Equal(0UL, (8 + BinaryPrimitives.ReadUInt64LittleEndian(File.ReadAllBytes(path))) % 8); // aligned data
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp")); // atomic write leaves no temp file
    }

    [Fact]
    public void LoadsAPyTorchStateDict()
    {
        // tools/make_runtime_fixtures.py: torch Linear(18, 8) -> ReLU -> Linear(8, 4) state_dict, an input and its output.
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8, maxBatch: 5);
        Checkpoint.Load(net, Path.Combine(AppContext.BaseDirectory, "Fixtures", "runtime", "mlp_state_dict.safetensors"));
        var io = Fixture.Open("mlp_io.safetensors");
        var y = new float[20];
        net.Forward(io.GetFloats("input"), y, 5);
        Fixture.AssertClose(io.GetFloats("output"), y, 1e-5, 1e-6, "output");
    }

    /// <summary>Each corruption throws a CheckpointException with a telling message and leaves the network unchanged.</summary>
    [Theory]
    [InlineData("truncated-length", "fewer than the 8-byte header length")]
    [InlineData("truncated-header", "is truncated: the header needs")]
    [InlineData("truncated-data", "is truncated or corrupt")]
    [InlineData("oversized-header", "limit")]
    [InlineData("bad-json", "corrupt header")]
    [InlineData("not-object", "not a JSON object")]
    [InlineData("missing", "missing tensor 'fc.bias'")]
    [InlineData("unexpected", "unexpected tensor 'extra.weight'")]
    [InlineData("shape", "tensor 'fc.weight' has shape [16, 3] but TensorOnly expects [3, 16]")]
    [InlineData("dtype", "has dtype F64; only F32 is supported")]
    [InlineData("overlap", "overlap")]
    [InlineData("out-of-range", "ends at byte")]
    [InlineData("size-mismatch", "needs 12 bytes but data_offsets give 8")]
    [InlineData("unknown-dtype", "unknown dtype 'Q7'")]
    [InlineData("duplicate", "twice")]
    public void CorruptFilesAreRejectedAndTheModelIsUnchanged(string corruption, string expected)
    {
        string good = Saved(out var source);
        source.Dispose();
        string path = Path.Combine(_dir, corruption + ".safetensors");
        byte[] bytes = File.ReadAllBytes(good);
        switch (corruption)
        {
            case "truncated-length": bytes = bytes[..5]; break;
            case "truncated-header": bytes = bytes[..40]; break;
            case "truncated-data": bytes = bytes[..^10]; break;
            case "oversized-header": BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 40); break;
            case "bad-json": bytes[12] = (byte)'{'; bytes[13] = (byte)'{'; break;
            case "not-object": bytes = Build("[1, 2]", 0); break;
            default: bytes = Build(HeaderFor(corruption), 448); break;
        }
        File.WriteAllBytes(path, bytes);
        using var net = MakeNet();
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray(), beforeBuf = net.Buffers.ToArray();
        var ex = Assert.Throws<CheckpointException>(() => Checkpoint.Load(net, path));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith(path, ex.Message);
        Assert.True(net.Parameters.SequenceEqual(before));
        Assert.True(net.Buffers.SequenceEqual(beforeBuf));
    }

    private static string HeaderFor(string corruption)
    {
        // A valid header for MakeNet(), then one change.
        var t = new List<(string Name, string DType, int[] Shape)>
        {
            ("conv1.weight", "F32", new[] { 4, 1, 3, 3 }), ("conv1.bias", "F32", new[] { 4 }), ("bn1.weight", "F32", new[] { 4 }), ("bn1.bias", "F32", new[] { 4 }),
            ("bn1.running_mean", "F32", new[] { 4 }), ("bn1.running_var", "F32", new[] { 4 }), ("fc.weight", "F32", new[] { 3, 16 }), ("fc.bias", "F32", new[] { 3 }),
        };
        switch (corruption)
        {
            case "missing": t.RemoveAt(7); break;
            case "unexpected": t.Add(("extra.weight", "F32", new[] { 2 })); break;
            case "shape": t[6] = ("fc.weight", "F32", new[] { 16, 3 }); break;
            case "dtype": t[7] = ("fc.bias", "F64", new[] { 3 }); break;
            case "unknown-dtype": t[7] = ("fc.bias", "Q7", new[] { 3 }); break;
        }
        var sb = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long offset = 0;
        for (int i = 0; i < t.Count; i++)
        {
            var (name, dtype, shape) = t[i];
            long bytes = shape.Aggregate(1L, (a, d) => a * d) * (dtype == "F64" ? 8 : 4);
            long begin = offset, end = offset + bytes;
            if (corruption == "overlap" && i == 1) { begin -= 8; end -= 8; }
            if (corruption == "out-of-range" && i == t.Count - 1) { begin = 100000; end = 100012; }
            if (corruption == "size-mismatch" && i == t.Count - 1) end -= 4;
            string n = corruption == "duplicate" && i == 1 ? t[0].Name : name;
            sb.Append($",\"{n}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{begin},{end}]}}");
            offset = end;
        }
        return sb.Append('}').ToString();
    }

    private static byte[] Build(string header, int dataBytes)
    {
        byte[] h = Encoding.UTF8.GetBytes(header);
        var result = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        return result;
    }
}
