using System.IO.Compression;
using StaticCnn.Data;
using Xunit;

namespace StaticCnn.Tests.Runtime;

public class DataTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "scnn-data-" + Guid.NewGuid().ToString("N"));
    public DataTests() => Directory.CreateDirectory(_dir);
    public void Dispose() => Directory.Delete(_dir, true);

    private static byte[] IdxImages(int n, int h, int w)
    {
        var b = new List<byte> { 0, 0, 8, 3 };
        foreach (int d in new[] { n, h, w }) b.AddRange(new[] { (byte)(d >> 24), (byte)(d >> 16), (byte)(d >> 8), (byte)d });
        for (int i = 0; i < n * h * w; i++) b.Add((byte)(i % 256));
        return b.ToArray();
    }

    private string Write(string name, byte[] bytes, bool gz = false)
    {
        string path = Path.Combine(_dir, name);
        if (!gz) { File.WriteAllBytes(path, bytes); return path; }
        using var fs = File.Create(path);
        using var z = new GZipStream(fs, CompressionLevel.Fastest);
        z.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabels(bool gz)
    {
        string images = Write("img" + (gz ? ".gz" : ""), IdxImages(3, 4, 5), gz);
        string labels = Write("lab" + (gz ? ".gz" : ""), new byte[] { 0, 0, 8, 1, 0, 0, 0, 3, 7, 1, 9 }, gz);
        var ds = Idx.LoadDataset(images, labels);
        Assert.Equal(3, ds.Count);
        Assert.Equal(new TensorShape(1, 4, 5), ds.Shape);
        Assert.Equal(new[] { 7, 1, 9 }, ds.Labels);
        Assert.Equal(21 / 255f, ds.Images[21]);
    }

    [Fact]
    public void ReadsTheBundledFashionMnistSubsetIfPresent()
    {
        string root = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../../samples/data"));
        string[] found = Directory.Exists(root) ? Directory.GetFiles(root, "*images*", SearchOption.AllDirectories) : Array.Empty<string>();
        foreach (string img in found)
        {
            var (dims, data) = Idx.Read(img);
            Assert.Equal(3, dims.Length);
            Assert.Equal(dims[0] * dims[1] * dims[2], data.Length);
        }
    }

    [Theory]
    [InlineData("badmagic", "bad magic 0x0102")]
    [InlineData("type", "element type 0x0D")]
    [InlineData("truncated", "is truncated: dimensions [3, 4, 5] need 60 data bytes but only 50")]
    [InlineData("truncated-header", "truncated inside its header")]
    [InlineData("extra", "bytes beyond")]
    [InlineData("gz", "truncated")]
    public void BadFilesThrowNamingFileAndProblem(string kind, string expected)
    {
        byte[] good = IdxImages(3, 4, 5);
        byte[] bytes = kind switch
        {
            "badmagic" => new byte[] { 1, 2, 8, 3 }.Concat(good[4..]).ToArray(),
            "type" => new byte[] { 0, 0, 0x0D, 3 }.Concat(good[4..]).ToArray(),
            "truncated" => good[..^10],
            "truncated-header" => good[..10],
            "extra" => good.Concat(new byte[] { 1, 2 }).ToArray(),
            _ => new byte[] { 0x1F, 0x8B, 8, 0, 1, 2, 3 },
        };
        string path = Write(kind, bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Contains(expected, ex.Message);
        Assert.StartsWith(path + ": ", ex.Message);
    }

    [Fact]
    public void OverflowingDimensions_AreRejected_NotWrapped()
    {
        // D8: 20 bytes declaring 65536^4 elements; the unchecked product wrapped to 0 and the file was accepted.
        var bytes = new byte[] { 0, 0, 8, 4, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0 };
        string path = Write("overflow", bytes);
        var ex = Assert.Throws<InvalidDataException>(() => Idx.Read(path));
        Assert.Equal($"{path}: declares dimensions [65536, 65536, 65536, 65536], whose product overflows a 64-bit count.", ex.Message);
        // Near miss: a product that fits (and is 0) with no data is a valid empty file.
        var (dims, data) = Idx.Read(Write("empty", new byte[] { 0, 0, 8, 2, 0, 1, 0, 0, 0, 0, 0, 0 }));
        Assert.Equal(new[] { 65536, 0 }, dims);
        Assert.Empty(data);
    }

    [Fact]
    public void ADirectoryCorruptGzipAndBadArguments_ThrowTheDocumentedExceptions()
    {
        Assert.Equal($"{_dir}: is a directory, not a file.", Assert.Throws<InvalidDataException>(() => Idx.Read(_dir)).Message);
        Assert.Throws<FileNotFoundException>(() => Idx.Read(Path.Combine(_dir, "none")));
        byte[] gz;
        using (var ms = new MemoryStream())
        {
            using (var z = new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true)) z.Write(IdxImages(2, 3, 3));
            gz = ms.ToArray();
        }
        gz[^6] ^= 0xFF; // the CRC-32 of the gzip trailer
        string bad = Write("crc.gz", gz);
        Assert.StartsWith(bad + ": is a corrupt or truncated gzip file", Assert.Throws<InvalidDataException>(() => Idx.Read(bad)).Message);
        string images = Write("img", IdxImages(1, 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Idx.ReadImages(images, out _, out _, out _, std: 0f));
        Assert.Throws<ArgumentOutOfRangeException>(() => Idx.ReadImages(images, out _, out _, out _, mean: float.NaN));
    }

    [Fact]
    public void IteratorShufflesReproduciblyAndCoversEverySample()
    {
        var data = new InMemoryDataset(Enumerable.Range(0, 10).Select(i => (float)i).ToArray(), Enumerable.Range(0, 10).ToArray(), new TensorShape(1, 1, 1));
        List<int> Epoch(BatchIterator it, int e)
        {
            var seen = new List<int>();
            it.StartEpoch(e);
            while (it.Next(out var img, out var lab, out int batch))
                for (int b = 0; b < batch; b++) { Assert.Equal(lab[b], (int)img[b]); seen.Add(lab[b]); }
            return seen;
        }
        using var a = new BatchIterator(data, 4, seed: 3);
        using var b = new BatchIterator(data, 4, seed: 3);
        var e0 = Epoch(a, 0);
        Assert.Equal(Enumerable.Range(0, 10), e0.OrderBy(x => x));
        Assert.Equal(e0, Epoch(b, 0));
        Assert.NotEqual(e0, Epoch(a, 1));
        Assert.Equal(3, a.BatchesPerEpoch);
        using var d = new BatchIterator(data, 4, shuffle: false, dropLast: true);
        Assert.Equal(Enumerable.Range(0, 8), Epoch(d, 0));
    }

    [Fact]
    public void AugmentationFlipsCropsAndJitters()
    {
        var shape = new TensorShape(1, 2, 3);
        float[] x = { 1, 2, 3, 4, 5, 6 };
        var rng = new SeededRandom(1);
        var flip = new Augmentation { FlipProbability = 1f };
        flip.Apply(x, shape, ref rng);
        Assert.Equal(new float[] { 3, 2, 1, 6, 5, 4 }, x);
        // Crops keep the size, and only shift content (every value is an input value or 0).
        var crop = new Augmentation { CropPadding = 1 };
        bool shifted = false;
        for (int i = 0; i < 20; i++)
        {
            float[] y = { 1, 2, 3, 4, 5, 6 };
            crop.Apply(y, shape, ref rng);
            Assert.All(y, v => Assert.Contains(v, new float[] { 0, 1, 2, 3, 4, 5, 6 }));
            shifted |= y.Contains(0f);
        }
        Assert.True(shifted);
        float[] z = { 1, 2, 3, 4, 5, 6 };
        new Augmentation { Brightness = 0.5f }.Apply(z, shape, ref rng);
        float shift = z[0] - 1;
        Assert.InRange(shift, -0.5f, 0.5f);
        Assert.All(z.Select((v, i) => v - (i + 1)), d => Assert.Equal(shift, d, 5));
    }
}
