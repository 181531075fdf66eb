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
        Checkpoint.Load(net, Path.Combine(Fixture.Root, "runtime", "mlp_state_dict.safetensors"));
        var io = Fixture.Load("runtime/mlp_io.safetensors");
        var y = new float[20];
        net.Forward(io.Floats("input"), y, 5);
        NumericAssert.Close("output", io.Floats("output"), y, 1e-5, 1e-6);
    }

    /// <summary>
    /// Each corruption throws InvalidDataException naming the file and the rule broken, and leaves the network unchanged.
    /// The format rules are those of src/StaticCnn.Spec/Formats/SafetensorsFormat.cs (the one reader).
    /// </summary>
    [Theory]
    [InlineData("truncated-length", "fewer than the 8-byte header length")]
    [InlineData("truncated-header", "the file is truncated: the header length says")]
    [InlineData("truncated-data", "the file is truncated or its data_offsets are corrupt")]
    [InlineData("oversized-header", "exceeds the 100000000-byte limit")]
    [InlineData("bad-json", "the header is not valid JSON: unexpected character '}' at header byte 17")]
    [InlineData("not-object", "the header does not start with '{'")]
    [InlineData("missing", "missing tensor 'fc.bias'")]
    [InlineData("unexpected", "unexpected tensor 'extra.weight'")]
    [InlineData("shape", "tensor 'fc.weight' has shape [16, 3] but TensorOnly expects [3, 16]")]
    [InlineData("dtype", "has dtype F64; only F32 is supported")]
    [InlineData("overlap", "tensors 'conv1.weight' [0, 144) and 'conv1.bias' [136, 152) overlap in the data section")]
    [InlineData("out-of-range", "tensor 'fc.bias' ends at byte 100012 of the data section, which has 428 bytes")]
    [InlineData("size-mismatch", "tensor 'fc.bias' of dtype F32 and shape [3] needs 12 bytes, but data_offsets [416, 424] give 8")]
    [InlineData("unknown-dtype", "unknown dtype 'Q7'")]
    // D12: duplicate names and non-integer offsets are rejected, not resolved by "last one wins" or truncation.
    [InlineData("duplicate", "the header names 'conv1.weight' twice")]
    [InlineData("fractional-offset", "tensor 'fc.bias': data_offsets holds 416.5, not a non-negative integer")]
    [InlineData("exponent-offset", "tensor 'fc.bias': data_offsets holds 4.16e2, not a non-negative integer")]
    [InlineData("negative-offset", "tensor 'fc.bias': data_offsets holds -12, not a non-negative integer")]
    [InlineData("huge-offset", "tensor 'fc.bias': data_offsets holds 99999999999999999999 (too large), not a non-negative integer")]
    [InlineData("duplicate-field", "the header has key 'dtype' twice in one object")]
    // D4: the header length and the data ranges must frame the file exactly.
    [InlineData("length-minus-one", "the file has 1 trailing bytes: the tensors end at byte 428 of the data section, which has 429 bytes")]
    [InlineData("length-plus-one", "only spaces (0x20) may pad the header")]
    [InlineData("trailing-garbage", "the file has 4 trailing bytes")]
    [InlineData("gap", "the data section has a gap: bytes [144, 148) belong to no tensor (between 'conv1.weight' and 'conv1.bias')")]
    [InlineData("gap-at-start", "the data section has a gap: bytes [0, 4) belong to no tensor (before 'conv1.weight')")]
    [InlineData("non-utf8", "the header is not valid UTF-8 (byte 0xFF at header byte 19)")]
    [InlineData("non-space-padding", "is followed by 0x00")]
    [InlineData("metadata-not-string", "the __metadata__ value of 'format' is not a string")]
    // D8: sizes from the file use checked 64-bit arithmetic.
    [InlineData("overflowing-shape", "tensor 'big': shape [65536, 65536, 65536, 16384] of F32 needs more bytes than a 64-bit size holds")]
    [InlineData("overflowing-elements", "tensor 'big': shape [2147483647, 2147483647, 2147483647] has more elements than a 64-bit count holds")]
    [InlineData("huge-dimension", "tensor 'big': dimension 3000000000 exceeds 2147483647")]
    // D2: deep nesting is an error message, not a stack overflow.
    [InlineData("nested-json", "the header nests JSON deeper than 64 levels")]
    [InlineData("nested-array-root", "the header does not start with '{'")]
    public void CorruptFilesAreRejectedAndTheModelIsUnchanged(string corruption, string expected)
    {
        string good = Saved(out var source);
        source.Dispose();
        string path = Path.Combine(_dir, corruption + ".safetensors");
        byte[] bytes = File.ReadAllBytes(good);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        switch (corruption)
        {
            case "truncated-length": bytes = bytes[..5]; break;
            case "truncated-header": bytes = bytes[..40]; break;
            case "truncated-data": bytes = bytes[..^10]; break;
            case "oversized-header": BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1UL << 40); break;
            case "bad-json": bytes = Build("{\"conv1.weight\": }", 0); break;
            case "not-object": bytes = Build("[1, 2]", 0); break;
            case "length-minus-one": BinaryPrimitives.WriteUInt64LittleEndian(bytes, n - 1); break;
            case "length-plus-one":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes, n + 1);
                bytes[8 + (int)n] = 0x42; // the first data byte, now read as header padding (any non-space byte)
                break;
            case "trailing-garbage": bytes = bytes.Concat(new byte[] { 1, 2, 3, 4 }).ToArray(); break;
            case "non-utf8": bytes = Build("{\"__metadata__\":{\"a\xFF\":\"x\"}}", 0, latin1: true); break;
            case "non-space-padding": bytes = Build(HeaderFor("none", out long d0) + "\0\0\0", d0); break;
            case "metadata-not-string": bytes = Build("{\"__metadata__\":{\"format\":1}}", 0); break;
            case "overflowing-shape": bytes = Build("{\"big\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,16384],\"data_offsets\":[0,0]}}", 0); break;
            case "overflowing-elements": bytes = Build("{\"big\":{\"dtype\":\"F32\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,0]}}", 0); break;
            case "huge-dimension": bytes = Build("{\"big\":{\"dtype\":\"F32\",\"shape\":[3000000000],\"data_offsets\":[0,0]}}", 0); break;
            case "nested-json": bytes = Build("{\"a\":" + new string('[', 100_000), 0); break;
            case "nested-array-root": bytes = Build(new string('[', 100_000), 0); break;
            default: bytes = Build(HeaderFor(corruption, out long dataBytes), dataBytes); break;
        }
        File.WriteAllBytes(path, bytes);
        using var net = MakeNet();
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray(), beforeBuf = net.Buffers.ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(net, path));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith(path + ": ", ex.Message);
        Assert.True(net.Parameters.SequenceEqual(before));
        Assert.True(net.Buffers.SequenceEqual(beforeBuf));
        // The same rule, the same message, without a network: SafeTensorsFile is the reader behind Checkpoint.
        if (corruption is not ("missing" or "unexpected" or "shape" or "dtype"))
            Assert.Contains(expected, Assert.Throws<InvalidDataException>(() => SafeTensorsFile.Read(path)).Message);
    }

    [Fact]
    public void WellFormedVariants_Load()
    {
        // Header padded with spaces, JSON whitespace, reordered data ranges, a zero-size tensor: all valid.
        string header = HeaderFor("none", out long dataBytes);
        using var net = MakeNet();
        File.WriteAllBytes(Path.Combine(_dir, "spaces.safetensors"), Build(header.Replace(",", " ,\n\t ") + "        ", dataBytes));
        Checkpoint.Load(net, Path.Combine(_dir, "spaces.safetensors"));
        string reordered = "{\"extra\":{\"dtype\":\"F32\",\"shape\":[0, 5],\"data_offsets\":[428,428]}," + header[1..];
        File.WriteAllBytes(Path.Combine(_dir, "zero.safetensors"), Build(reordered, dataBytes));
        Checkpoint.Load(net, Path.Combine(_dir, "zero.safetensors"), strict: false);
        Assert.Equal(new[] { 0, 5 }, SafeTensorsFile.Read(Path.Combine(_dir, "zero.safetensors"))["extra"].Shape);
    }

    [Fact]
    public void ADirectoryOrAMissingFile_ThrowsTheDocumentedExceptions()
    {
        using var net = MakeNet();
        var dir = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(net, _dir));
        Assert.Equal($"{_dir}: is a directory, not a file.", dir.Message);
        Assert.Throws<FileNotFoundException>(() => Checkpoint.Load(net, Path.Combine(_dir, "none.safetensors")));
        Assert.Throws<InvalidDataException>(() => StaticCnn.Data.Idx.Read(_dir));
        Assert.Throws<ArgumentOutOfRangeException>(() => Checkpoint.LoadOptimizer(new StaticCnn.Optimizers.Sgd(0.1f), Path.Combine(_dir, "x"), -1));
    }

    /// <summary>A stream whose length says more than it delivers (a file truncated while it is read).</summary>
    private sealed class ShrinkingStream(byte[] data, long claimed) : MemoryStream(data)
    {
        public override long Length => claimed;
    }

    [Fact]
    public void AFileTruncatedOrGrownWhileRead_ThrowsInvalidDataException()
    {
        var ex = Assert.Throws<InvalidDataException>(() => StaticCnn.IO.DataFile.ReadAll("f.safetensors", new ShrinkingStream(new byte[100], 150)));
        Assert.Equal("f.safetensors: was truncated while it was read: it had 150 bytes when opened, but only 100 could be read.", ex.Message);
        ex = Assert.Throws<InvalidDataException>(() => StaticCnn.IO.DataFile.ReadAll("f.safetensors", new ShrinkingStream(new byte[100], 60)));
        Assert.Contains("grew while it was read", ex.Message);
    }

    [Theory]
    [InlineData("nan", "tensor 'conv1.weight' holds 1 non-finite value (first: NaN at index 1)")]
    [InlineData("inf", "tensor 'fc.bias' holds 2 non-finite values (first: ∞ at index 0)")]
    [InlineData("negative-var", "tensor 'bn1.running_var' holds 1 negative variance (first: -0.5 at index 2)")]
    public void InvalidValues_AreRejectedUnlessAllowed(string kind, string expected)
    {
        using var net = MakeNet();
        Initializers.ResetParameters(net, 3);
        net.Buffers.Fill(1f);
        TensorInfo T(string name) => net.Tensors.Single(t => t.Name == name);
        Span<float> Of(string name) => (T(name).Role == TensorRole.Parameter ? net.Parameters : net.Buffers).Slice(T(name).Offset, T(name).Length);
        switch (kind)
        {
            case "nan": Of("conv1.weight")[1] = float.NaN; break;
            case "inf": Of("fc.bias")[0] = float.PositiveInfinity; Of("fc.bias")[2] = float.NegativeInfinity; break;
            default: Of("bn1.running_var")[2] = -0.5f; break;
        }
        string path = Path.Combine(_dir, kind + ".safetensors");
        Checkpoint.Save(net, path);
        using var target = MakeNet();
        float[] before = target.Parameters.ToArray();
        var ex = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(target, path));
        Assert.Contains(expected.Replace("∞", float.PositiveInfinity.ToString("R", System.Globalization.CultureInfo.InvariantCulture)), ex.Message);
        Assert.Contains("CheckpointLoadOptions.AllowInvalidValues", ex.Message);
        Assert.True(target.Parameters.SequenceEqual(before));
        // Near miss: the opt-out loads the values bit for bit.
        Checkpoint.Load(target, path, new CheckpointLoadOptions { AllowInvalidValues = true });
        Assert.True(target.Parameters.SequenceEqual(net.Parameters));
        Assert.True(target.Buffers.SequenceEqual(net.Buffers));
        // A negative running_mean or weight is fine: only variances must not be negative.
        Of("bn1.running_mean")[0] = -3f;
        Of("conv1.weight")[1] = -1f;
        Of("fc.bias")[0] = 0; Of("fc.bias")[2] = 0;
        Of("bn1.running_var")[2] = 0f;
        Checkpoint.Save(net, path);
        Checkpoint.Load(target, path);
        Assert.True(target.Buffers.SequenceEqual(net.Buffers));
    }

    [Fact]
    public void Save_RemovesStaleTemporaryFilesOfTheSameTarget_AndNothingElse()
    {
        string target = Path.Combine(_dir, "model.safetensors");
        int[] dead = DeadPids(2);
        int deadPid = dead[0];
        string Temp(int pid, string name = "model.safetensors") => Path.Combine(_dir, $".{name}.{pid}.{Guid.NewGuid():N}.tmp");
        string stale1 = Temp(dead[0]), stale2 = Temp(dead[1]);
        string otherTarget = Temp(deadPid, "other.safetensors");
        string notOurs = Path.Combine(_dir, ".model.safetensors.backup.tmp");
        string live = Temp(deadPid);
        foreach (string f in new[] { stale1, stale2, otherTarget, notOurs, live }) File.WriteAllBytes(f, new byte[248 * 1024]);
        // A temporary file still being written (held open as Write holds it) is left alone even if its pid looks dead.
        using (new FileStream(live, FileMode.Open, FileAccess.Write, FileShare.Delete))
        {
            using var net = MakeNet();
            Checkpoint.Save(net, target);
            Assert.False(File.Exists(stale1));
            Assert.False(File.Exists(stale2));
            Assert.True(File.Exists(live));
        }
        Assert.True(File.Exists(otherTarget));
        Assert.True(File.Exists(notOurs));
        // Temporary files of this process are never taken for stale.
        string mine = Temp(Environment.ProcessId);
        File.WriteAllBytes(mine, new byte[8]);
        using (var net = MakeNet()) Checkpoint.Save(net, target);
        Assert.True(File.Exists(mine));
        Assert.False(File.Exists(live)); // no longer held: removed by this save
    }

    [Fact]
    public void Save_LeftoversOfKilledSaves_AreRemovedByTheNextSave()
    {
        // The leftovers of 20 killed saves (dead writer pids, half-written files up to 248 KB), as the issue observed.
        string target = Path.Combine(_dir, "killed.safetensors");
        foreach (int pid in DeadPids(20))
            File.WriteAllBytes(Path.Combine(_dir, $".killed.safetensors.{pid}.{Guid.NewGuid():N}.tmp"), new byte[12_400 * (pid % 20 + 1)]);
        using var net = MakeNet();
        Checkpoint.Save(net, target);
        Assert.Empty(Directory.GetFiles(_dir, ".killed.safetensors.*"));
        Assert.True(File.Exists(target));
    }

    private static int[] DeadPids(int count) => Enumerable.Range(3_000_000, 100_000).Where(p =>
    {
        try { System.Diagnostics.Process.GetProcessById(p).Dispose(); return false; }
        catch (ArgumentException) { return true; }
    }).Take(count).ToArray();

    private static string HeaderFor(string corruption) => HeaderFor(corruption, out _);

    private static string HeaderFor(string corruption, out long dataBytes)
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
        dataBytes = 0;
        for (int i = 0; i < t.Count; i++)
        {
            var (name, dtype, shape) = t[i];
            long bytes = shape.Aggregate(1L, (a, d) => a * d) * (dtype == "F64" ? 8 : 4);
            long begin = offset, end = offset + bytes;
            if (corruption == "overlap" && i == 1) { begin -= 8; end -= 8; }
            if (corruption == "gap" && i == 1) { begin += 4; end += 4; }
            if (corruption == "gap-at-start" && i == 0) { begin += 4; end += 4; }
            if (corruption == "out-of-range" && i == t.Count - 1) { begin = 100000; end = 100012; }
            if (corruption == "size-mismatch" && i == t.Count - 1) end -= 4;
            string n = corruption == "duplicate" && i == 1 ? t[0].Name : name;
            string b = begin.ToString(), e = end.ToString();
            if (i == t.Count - 1)
                switch (corruption)
                {
                    case "fractional-offset": b = begin + ".5"; break;
                    case "exponent-offset": b = "4.16e2"; break;
                    case "negative-offset": b = "-12"; break;
                    case "huge-offset": b = "99999999999999999999"; break;
                }
            string extra = corruption == "duplicate-field" && i == 2 ? "\"dtype\":\"F32\"," : "";
            sb.Append($",\"{n}\":{{{extra}\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{b},{e}]}}");
            offset = end;
            dataBytes = Math.Max(dataBytes, end);
        }
        if (corruption == "out-of-range") dataBytes = 428;
        return sb.Append('}').ToString();
    }

    private static byte[] Build(string header, long dataBytes, bool latin1 = false)
    {
        byte[] h = latin1 ? Encoding.Latin1.GetBytes(header) : Encoding.UTF8.GetBytes(header);
        var result = new byte[8 + h.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(result, (ulong)h.Length);
        h.CopyTo(result, 8);
        return result;
    }
}
