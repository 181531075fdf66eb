using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using StaticCnn.Data;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>
/// PGM/PNG reading: files written by PIL (tests/Fixtures/images, made by tools/make_image_fixtures.py), images written
/// by a small PNG encoder below (every filter type, bit depths, palettes), and corrupt or unsupported files.
/// </summary>
public class ImageFileTests
{
    private const int W = 7, H = 5;
    private static int Pattern(int x, int y, int c) => (37 * x + 91 * y + 50 * c) % 256;
    /// <summary>A stored value scaled as the training data (<see cref="Idx.ReadImages"/> multiplies by 1/255).</summary>
    private static float S(int v, int max = 255) => v * (1f / max);
    private static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "images", name);

    [Theory]
    [InlineData("gray8.png", 1)]
    [InlineData("gray8.pgm", 1)]
    [InlineData("rgb8.png", 3)]
    [InlineData("rgba8.png", 3)]
    public void ReadsPilFilesExactly(string file, int channels)
    {
        var img = ImageFile.Read(FixturePath(file));
        Assert.Equal((channels, H, W), (img.Channels, img.Height, img.Width));
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    Assert.Equal(S(Pattern(x, y, c)), img.Pixels[(c * H + y) * W + x]);
    }

    [Fact]
    public void ReadsPil16BitGrayAndTwoBitPalette()
    {
        var g = ImageFile.Read(FixturePath("gray16.png"));
        Assert.Equal(1, g.Channels);
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++)
                Assert.Equal(S(Pattern(x, y, 0) * 257 + x, 65535), g.Pixels[y * W + x]);

        var p = ImageFile.Read(FixturePath("palette2.png"));
        byte[] palette = { 0, 0, 0, 255, 0, 0, 0, 255, 0, 10, 20, 30 };
        Assert.Equal(3, p.Channels);
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    Assert.Equal(S(palette[3 * ((x + y) % 4) + c]), p.Pixels[(c * H + y) * W + x]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    public void EveryFilterTypeDecodes(int filter)
    {
        var rng = new Random(filter);
        var rgb = new byte[H][];
        for (int y = 0; y < H; y++) { rgb[y] = new byte[W * 3]; rng.NextBytes(rgb[y]); }
        var img = ImageFile.Decode(Png.Encode(W, H, colorType: 2, depth: 8, rgb, filter));
        for (int c = 0; c < 3; c++)
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++)
                    Assert.Equal(S(rgb[y][3 * x + c]), img.Pixels[(c * H + y) * W + x]);
    }

    [Fact]
    public void LowBitDepthGrayAndGrayAlpha()
    {
        // 1-bit gray, 9 pixels wide (a row spans two bytes): 1 0 1 1 0 0 1 0 | 1
        var rows1 = new[] { new byte[] { 0b1011_0010, 0b1000_0000 } };
        var g1 = ImageFile.Decode(Png.Encode(9, 1, 0, 1, rows1, 0));
        Assert.Equal(new float[] { 1, 0, 1, 1, 0, 0, 1, 0, 1 }, g1.Pixels);
        // 4-bit gray: 0xF and 0x5 → 1 and 5/15
        var g4 = ImageFile.Decode(Png.Encode(2, 1, 0, 4, new[] { new byte[] { 0xF5 } }, 0));
        Assert.Equal(new[] { 1f, S(5, 15) }, g4.Pixels);
        // gray + alpha: the alpha is dropped
        var ga = ImageFile.Decode(Png.Encode(2, 1, 4, 8, new[] { new byte[] { 51, 0, 102, 255 } }, 1));
        Assert.Equal(new[] { S(51), S(102) }, ga.Pixels);
    }

    [Fact]
    public void ToTensorConvertsChannelsAndNormalizes()
    {
        var rgb = ImageFile.Read(FixturePath("rgb8.png"));
        float[] gray = rgb.ToTensor(new TensorShape(1, H, W));
        int plane = H * W;
        for (int i = 0; i < plane; i++)
            Assert.Equal(0.299f * rgb.Pixels[i] + 0.587f * rgb.Pixels[plane + i] + 0.114f * rgb.Pixels[2 * plane + i], gray[i]);
        var g = ImageFile.Read(FixturePath("gray8.png"));
        float[] three = g.ToTensor(new TensorShape(3, H, W), mean: 0.5f, std: 0.25f);
        for (int c = 0; c < 3; c++)
            for (int i = 0; i < plane; i++) Assert.Equal((g.Pixels[i] - 0.5f) / 0.25f, three[c * plane + i]);
    }

    [Fact]
    public void SizeMismatchNamesBothSizes()
    {
        var e = Assert.Throws<ArgumentException>(() => ImageFile.Load(FixturePath("gray8.png"), new TensorShape(1, 28, 28)));
        Assert.Contains("gray8.png", e.Message);
        Assert.Contains("7×5", e.Message);
        Assert.Contains("28×28", e.Message);
    }

    [Fact]
    public void PgmTextSixteenBitAndComments()
    {
        var t = ImageFile.Decode(Encoding.ASCII.GetBytes("P2\n# a comment\n3 2 # trailing\n10\n0 5 10\n1 2 3\n"));
        Assert.Equal((1, 2, 3), (t.Channels, t.Height, t.Width));
        Assert.Equal(new[] { S(0, 10), S(5, 10), S(10, 10), S(1, 10), S(2, 10), S(3, 10) }, t.Pixels);
        var header = Encoding.ASCII.GetBytes("P5 2 1 1000\n");
        var bytes = header.Concat(new byte[] { 0x03, 0xE8, 0x01, 0xF4 }).ToArray(); // 1000, 500 big-endian
        Assert.Equal(new[] { 1f, S(500, 1000) }, ImageFile.Decode(bytes).Pixels);
    }

    public static IEnumerable<object[]> CorruptCases()
    {
        byte[] good = Png.Encode(W, H, 0, 8, Enumerable.Range(0, H).Select(y => Enumerable.Range(0, W).Select(x => (byte)Pattern(x, y, 0)).ToArray()).ToArray(), 0);
        byte[] Mut(Action<byte[]> f) { var b = (byte[])good.Clone(); f(b); return b; }
        yield return new object[] { "not an image", Encoding.ASCII.GetBytes("GIF89a......"), "neither a PNG" };
        yield return new object[] { "empty", Array.Empty<byte>(), "neither a PNG" };
        yield return new object[] { "PPM", Encoding.ASCII.GetBytes("P6 1 1 255\n\0\0\0"), "only PGM" };
        yield return new object[] { "crc", Mut(b => b[20] ^= 1), "CRC mismatch in chunk IHDR" };
        yield return new object[] { "truncated", good[..(good.Length - 20)], "truncated" };
        yield return new object[] { "no IEND", good[..(good.Length - 12)], "no IEND" };
        yield return new object[] { "interlaced", Png.Encode(W, H, 0, 8, new byte[H][].Select(_ => new byte[W]).ToArray(), 0, interlace: 1), "Adam7-interlaced" };
        yield return new object[] { "bad depth", Png.Encode(1, 1, 2, 4, new[] { new byte[2] }, 0), "invalid bit depth 4 for colour type 2" };
        yield return new object[] { "bad colour type", Png.Encode(1, 1, 5, 8, new[] { new byte[1] }, 0), "invalid colour type 5" };
        yield return new object[] { "palette without PLTE", Png.Encode(1, 1, 3, 8, new[] { new byte[1] }, 0), "without a PLTE" };
        yield return new object[] { "palette index", Png.Encode(1, 1, 3, 8, new[] { new byte[] { 2 } }, 0, palette: new byte[] { 1, 2, 3, 4, 5, 6 }), "palette index 2" };
        yield return new object[] { "bad filter", Png.Encode(1, 1, 0, 8, new[] { new byte[1] }, 7), "invalid filter type 7" };
        yield return new object[] { "short data", Png.Encode(W, H, 0, 8, new byte[H - 1][].Select(_ => new byte[W]).ToArray(), 0, declaredHeight: H), "decompresses to" };
        yield return new object[] { "garbage zlib", Png.Raw(W, H, 0, 8, new byte[] { 0x78, 0x9C, 0xFF, 0xFF, 0xFF, 0x00 }), "corrupt compressed image data" };
        yield return new object[] { "huge", Png.Raw(100_000, 100_000, 0, 8, new byte[] { 0 }), "more than the" };
        yield return new object[] { "pgm truncated raster", Encoding.ASCII.GetBytes("P5 4 4 255\n\x01\x02"), "need 16 raster bytes but 2" };
        yield return new object[] { "pgm maxval 0", Encoding.ASCII.GetBytes("P5 1 1 0\n\0"), "maxval 0" };
        yield return new object[] { "pgm value above maxval", Encoding.ASCII.GetBytes("P2 2 1 10\n3 11\n"), "pixel 1 is 11, above maxval 10" };
        yield return new object[] { "pgm text truncated", Encoding.ASCII.GetBytes("P2 2 2 10\n3 4 5"), "3 of 4 pixel values" };
        yield return new object[] { "pgm header", Encoding.ASCII.GetBytes("P5 2 x 255\n"), "where the height" };
        yield return new object[] { "pgm no header", Encoding.ASCII.GetBytes("P5 2"), "no height" };
    }

    [Theory]
    [MemberData(nameof(CorruptCases))]
    public void CorruptOrUnsupportedFilesAreRejectedWithTheReason(string name, byte[] bytes, string reason)
    {
        var e = Assert.Throws<InvalidDataException>(() => ImageFile.Decode(bytes, name));
        Assert.StartsWith(name + ": ", e.Message);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void ReadNamesTheFile()
    {
        string path = Path.Combine(Path.GetTempPath(), $"scnn-bad-{Environment.ProcessId}.png");
        File.WriteAllBytes(path, new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0 });
        try { Assert.StartsWith(path + ": is truncated", Assert.Throws<InvalidDataException>(() => ImageFile.Read(path)).Message); }
        finally { File.Delete(path); }
    }

    /// <summary>A minimal PNG encoder for the tests: raw rows in, filtered with one filter type, zlib-compressed.</summary>
    internal static class Png
    {
        public static byte[] Encode(int width, int height, int colorType, int depth, byte[][] rows, int filter, int interlace = 0, byte[]? palette = null, int? declaredHeight = null)
        {
            int bpp = Math.Max(1, (colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, 6 => 4, _ => 1 }) * depth / 8);
            var raw = new MemoryStream();
            for (int y = 0; y < rows.Length; y++)
            {
                byte[] r = rows[y], up = y > 0 ? rows[y - 1] : new byte[r.Length];
                raw.WriteByte((byte)filter);
                for (int i = 0; i < r.Length; i++)
                {
                    int a = i >= bpp ? r[i - bpp] : 0, b = up[i], c = i >= bpp ? up[i - bpp] : 0;
                    int pred = filter switch { 1 => a, 2 => b, 3 => (a + b) >> 1, 4 => Paeth(a, b, c), _ => 0 };
                    raw.WriteByte((byte)(r[i] - pred));
                }
            }
            var z = new MemoryStream();
            using (var zs = new ZLibStream(z, CompressionLevel.Optimal, leaveOpen: true)) raw.WriteTo(zs);
            return Raw(width, declaredHeight ?? height, colorType, depth, z.ToArray(), interlace, palette);
        }

        public static byte[] Raw(int width, int height, int colorType, int depth, byte[] idat, int interlace = 0, byte[]? palette = null)
        {
            var o = new MemoryStream();
            o.Write(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A });
            var ihdr = new byte[13];
            BinaryPrimitives.WriteInt32BigEndian(ihdr, width);
            BinaryPrimitives.WriteInt32BigEndian(ihdr.AsSpan(4), height);
            (ihdr[8], ihdr[9], ihdr[12]) = ((byte)depth, (byte)colorType, (byte)interlace);
            Chunk(o, "IHDR", ihdr);
            if (palette is not null) Chunk(o, "PLTE", palette);
            Chunk(o, "tEXt", Encoding.ASCII.GetBytes("Comment\0ancillary chunks are skipped"));
            Chunk(o, "IDAT", idat);
            Chunk(o, "IEND", Array.Empty<byte>());
            return o.ToArray();
        }

        private static void Chunk(Stream o, string type, byte[] data)
        {
            var len = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(len, data.Length);
            o.Write(len);
            byte[] typed = Encoding.ASCII.GetBytes(type).Concat(data).ToArray();
            o.Write(typed);
            var crc = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(crc, Crc(typed));
            o.Write(crc);
        }

        private static uint Crc(byte[] data) // bitwise CRC-32, independent of the reader's table
        {
            uint c = 0xFFFFFFFF;
            foreach (byte b in data)
            {
                c ^= b;
                for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            return ~c;
        }

        private static int Paeth(int a, int b, int c)
        {
            int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
            return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
        }
    }
}
