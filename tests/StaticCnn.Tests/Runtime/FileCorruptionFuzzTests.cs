using System.Buffers.Binary;
using System.IO.Compression;
using StaticCnn.Checkpoints;
using StaticCnn.Data;
using StaticCnn.Tests.Networks;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Runtime;

/// <summary>
/// Corruption fuzz of the two file readers: random bit flips, byte edits, header-length edits, insertions, deletions,
/// truncations and appended bytes, applied to a real LeNet-5 checkpoint and to an IDX file (raw and gzip).
/// Every load must either succeed with exactly the values the file's bytes hold at their declared place, or throw
/// <see cref="InvalidDataException"/> and leave the network unchanged. Anything else is a failure, printed with its case.
/// Default size keeps the normal test run short; a bigger run:
/// <c>SCNN_FUZZ_CASES=100000 SCNN_FUZZ_SEED=7 dotnet test tests/StaticCnn.Tests -c Release --filter FullyQualifiedName~FileCorruptionFuzz</c>.
/// </summary>
public class FileCorruptionFuzzTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scnn-fuzz-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _out;
    public FileCorruptionFuzzTests(ITestOutputHelper output) { _out = output; Directory.CreateDirectory(_dir); }
    public void Dispose() => Directory.Delete(_dir, true);

    private static int Cases(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("SCNN_FUZZ_CASES"), out int n) && n > 0 ? n : fallback;
    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("SCNN_FUZZ_SEED"), out int s) ? s : 20261206;

    private static bool Documented(Exception e) => e is InvalidDataException;

    private static readonly byte[] Interesting = "{}[]\":, \\0123456789-.eE\0"u8.ToArray().Concat(new byte[] { 0xFF, 0xC3, 0x80, 0xED, 0x0A, 0x7F }).ToArray();

    /// <summary>One mutation of <paramref name="good"/>; <paramref name="headerEnd"/> is 8 + the header length.</summary>
    internal static byte[] Mutate(byte[] good, int headerEnd, Random r, out string kind)
    {
        var b = (byte[])good.Clone();
        int HeaderPos() => r.Next(headerEnd);
        switch (r.Next(9))
        {
            case 0:
                kind = "bit flips in the header";
                for (int k = r.Next(1, 4); k > 0; k--) { int p = HeaderPos(); b[p] ^= (byte)(1 << r.Next(8)); }
                return b;
            case 1:
                { int p = HeaderPos(); kind = $"header byte {p} set"; b[p] = Interesting[r.Next(Interesting.Length)]; return b; }
            case 2:
                {
                    ulong len = BinaryPrimitives.ReadUInt64LittleEndian(b);
                    long delta = r.Next(4) == 0 ? r.NextInt64(-(long)len, long.MaxValue / 2) : r.Next(-9, 10);
                    if (delta == 0) delta = 1;
                    kind = $"header length {len} + {delta}";
                    BinaryPrimitives.WriteUInt64LittleEndian(b, unchecked(len + (ulong)delta));
                    return b;
                }
            case 3:
                { int n = r.Next(good.Length); kind = $"truncated to {n}"; return b[..n]; }
            case 4:
                {
                    var extra = new byte[r.Next(1, 17)];
                    if (r.Next(2) == 0) r.NextBytes(extra); else Array.Fill(extra, (byte)' ');
                    kind = $"{extra.Length} bytes appended";
                    return [.. b, .. extra];
                }
            case 5:
                {
                    kind = "bytes changed in the data";
                    for (int k = r.Next(1, 5); k > 0; k--) b[r.Next(headerEnd, good.Length)] = (byte)r.Next(256);
                    return b;
                }
            case 6:
                {
                    int p = r.Next(8, headerEnd);
                    if (r.Next(2) == 0) { kind = $"header byte {p} deleted"; return [.. b.AsSpan(0, p), .. b.AsSpan(p + 1)]; }
                    kind = $"byte inserted at {p}";
                    return [.. b.AsSpan(0, p), Interesting[r.Next(Interesting.Length)], .. b.AsSpan(p)];
                }
            case 7:
                {
                    var digits = Enumerable.Range(8, headerEnd - 8).Where(i => b[i] is >= (byte)'0' and <= (byte)'9').ToArray();
                    int p = digits.Length > 0 ? digits[r.Next(digits.Length)] : HeaderPos();
                    kind = $"digit at {p} changed";
                    b[p] = (byte)('0' + r.Next(10));
                    return b;
                }
            default:
                kind = "random bytes anywhere";
                for (int k = r.Next(1, 9); k > 0; k--) b[r.Next(b.Length)] = (byte)r.Next(256);
                return b;
        }
    }

    [Fact]
    public void CheckpointCorruptions_LoadExactlyOrThrowTheDocumentedException()
    {
        using var source = new LeNet5(maxBatch: 1, seed: 5);
        string goodPath = Path.Combine(_dir, "good.safetensors");
        Checkpoint.Save(source, goodPath);
        byte[] good = File.ReadAllBytes(goodPath);
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(good);
        var file = SafeTensorsFile.Read(goodPath);
        // Where each tensor's values sit in the good file (absolute byte offsets).
        var places = source.Tensors.Select(t => (Info: t, At: headerEnd + (int)file[t.Name].Begin)).ToArray();

        using var net = new LeNet5(maxBatch: 1, seed: 9);
        float[] before = net.Parameters.ToArray();
        int cases = Cases(2000), loaded = 0, rejected = 0;
        var failures = new List<string>();
        var rng = new Random(Seed);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string path = Path.Combine(_dir, "case.safetensors");
        for (int c = 0; c < cases; c++)
        {
            byte[] bad = Mutate(good, headerEnd, rng, out string kind);
            File.WriteAllBytes(path, bad);
            try
            {
                Checkpoint.Load(net, path);
                loaded++;
                // Success: every value must be the one the file holds at its place, and finite.
                foreach (var (t, at) in places)
                {
                    Span<float> actual = (t.Role == TensorRole.Parameter ? net.Parameters : net.Buffers).Slice(t.Offset, t.Length);
                    for (int i = 0; i < t.Length; i++)
                    {
                        int p = at + 4 * i;
                        if (p + 4 > bad.Length || BitConverter.SingleToInt32Bits(actual[i]) != BinaryPrimitives.ReadInt32LittleEndian(bad.AsSpan(p)))
                        { failures.Add($"case {c} ({kind}): loaded, but {t.Name}[{i}] = {actual[i]} is not the file's value at byte {p}"); goto next; }
                        if (!float.IsFinite(actual[i])) { failures.Add($"case {c} ({kind}): loaded a non-finite {t.Name}[{i}] = {actual[i]}"); goto next; }
                    }
                }
                next:
                net.Parameters.CopyTo(before); // the new state is the reference for the next case
            }
            catch (Exception e)
            {
                rejected++;
                if (!Documented(e)) failures.Add($"case {c} ({kind}): {e.GetType().Name}: {e.Message}");
                else if (!net.Parameters.SequenceEqual(before)) failures.Add($"case {c} ({kind}): rejected, but the network changed");
            }
        }
        _out.WriteLine($"checkpoint fuzz: {cases} cases (seed {Seed}), {loaded} loaded, {rejected} rejected, {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s");
        foreach (string f in failures.Take(40)) _out.WriteLine(f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases failed:\n" + string.Join("\n", failures.Take(20)));
    }

    [Fact]
    public void IdxCorruptions_ReadExactlyOrThrowTheDocumentedException()
    {
        var r0 = new Random(3);
        var good = new List<byte> { 0, 0, 8, 3, 0, 0, 0, 12, 0, 0, 0, 28, 0, 0, 0, 28 };
        var pixels = new byte[12 * 28 * 28];
        r0.NextBytes(pixels);
        good.AddRange(pixels);
        byte[] raw = good.ToArray();
        byte[] gz;
        using (var ms = new MemoryStream())
        {
            using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(raw);
            gz = ms.ToArray();
        }
        int cases = Cases(2000), read = 0, rejected = 0;
        var failures = new List<string>();
        var rng = new Random(Seed + 1);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string path = Path.Combine(_dir, "case.idx");
        for (int c = 0; c < cases; c++)
        {
            bool zipped = rng.Next(4) == 0;
            byte[] src = zipped ? gz : raw;
            byte[] bad = Mutate(src, zipped ? 10 : 16, rng, out string kind);
            if (!zipped && kind.StartsWith("header length", StringComparison.Ordinal))
            {   // IDX has no 8-byte length field: edit a big-endian dimension instead.
                int d = 4 + 4 * rng.Next(3);
                BinaryPrimitives.WriteInt32BigEndian(bad.AsSpan(d), rng.Next(3) switch { 0 => 65536, 1 => rng.Next(), _ => BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(d)) + rng.Next(-3, 4) });
                kind = $"dimension at byte {d} edited";
            }
            if (zipped) kind = "gzip: " + kind;
            File.WriteAllBytes(path, bad);
            try
            {
                var (dims, data) = Idx.Read(path);
                read++;
                byte[] plain = bad;
                if (zipped)
                {
                    using var z = new GZipStream(new MemoryStream(bad), CompressionMode.Decompress);
                    using var o = new MemoryStream();
                    z.CopyTo(o);
                    plain = o.ToArray();
                }
                int header = 4 + 4 * dims.Length;
                long product = dims.Aggregate(1L, (a, d) => a * d);
                if (product != data.Length || !plain.AsSpan(header).SequenceEqual(data)
                    || !dims.Select((d, i) => BinaryPrimitives.ReadInt32BigEndian(plain.AsSpan(4 + 4 * i)) == d).All(x => x))
                    failures.Add($"case {c} ({kind}): read dims [{string.Join(", ", dims)}] and {data.Length} bytes, which the file does not say");
            }
            catch (Exception e)
            {
                rejected++;
                if (!Documented(e)) failures.Add($"case {c} ({kind}): {e.GetType().Name}: {e.Message}");
            }
        }
        _out.WriteLine($"IDX fuzz: {cases} cases (seed {Seed + 1}), {read} read, {rejected} rejected, {failures.Count} failures, {clock.Elapsed.TotalSeconds:F1} s");
        foreach (string f in failures.Take(40)) _out.WriteLine(f);
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases} cases failed:\n" + string.Join("\n", failures.Take(20)));
    }
}
