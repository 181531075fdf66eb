using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace StaticCnn.Data;

/// <summary>
/// A decoded image: <see cref="Channels"/> × <see cref="Height"/> × <see cref="Width"/> floats in [0, 1], planar (CHW,
/// the layout of a network input), 1 channel for grayscale and 3 for colour (alpha is dropped, as PIL's
/// <c>convert("RGB")</c>).
/// </summary>
public sealed class DecodedImage
{
    internal DecodedImage(int channels, int height, int width, float[] pixels)
    {
        Channels = channels; Height = height; Width = width; Pixels = pixels;
    }

    /// <summary>1 (grayscale) or 3 (RGB).</summary>
    public int Channels { get; }
    /// <summary>Rows.</summary>
    public int Height { get; }
    /// <summary>Columns.</summary>
    public int Width { get; }
    /// <summary>
    /// The samples, CHW, each the stored value × (1 / the format's maximum: 255, 65535, 2^depth − 1 or the PGM maxval),
    /// computed as <see cref="Idx.ReadImages"/> scales the training data, so that an 8-bit image of a training sample
    /// gives exactly its training tensor.
    /// </summary>
    public float[] Pixels { get; }
    /// <summary>The shape C×H×W.</summary>
    public TensorShape Shape => new(Channels, Height, Width);

    /// <summary>
    /// The image as one network input of <paramref name="shape"/>: channels converted (RGB → gray by ITU-R 601 luma
    /// 0.299 R + 0.587 G + 0.114 B, as PIL's <c>convert("L")</c>; gray → RGB by repetition), then, optionally,
    /// <c>(x − mean) / std</c> as in <see cref="Idx.ReadImages"/>. No resizing: the height and width must match.
    /// </summary>
    /// <exception cref="ArgumentException">The height or width differs from <paramref name="shape"/>'s, the shape asks for
    /// a channel count other than 1 or 3, or <paramref name="std"/> is not positive.</exception>
    public float[] ToTensor(TensorShape shape, float mean = 0f, float std = 1f)
    {
        string? problem = Mismatch(shape, mean, std);
        if (problem is not null) throw new ArgumentException(problem, nameof(shape));
        int plane = Height * Width;
        var result = new float[shape.Size];
        if (shape.Channels == Channels) Pixels.CopyTo(result, 0);
        else if (shape.Channels == 1)
            for (int i = 0; i < plane; i++)
                result[i] = 0.299f * Pixels[i] + 0.587f * Pixels[plane + i] + 0.114f * Pixels[2 * plane + i];
        else
            for (int c = 0; c < 3; c++) Pixels.AsSpan(0, plane).CopyTo(result.AsSpan(c * plane));
        if (mean != 0f || std != 1f)
            for (int i = 0; i < result.Length; i++) result[i] = (result[i] - mean) / std;
        return result;
    }

    /// <summary>Why this image cannot become an input of <paramref name="shape"/>, or null.</summary>
    internal string? Mismatch(TensorShape shape, float mean, float std)
    {
        if (shape.Height != Height || shape.Width != Width)
            return $"The image is {Width}×{Height} pixels (width×height) but the network takes {shape.Width}×{shape.Height} ({shape}); resize it first.";
        if (shape.Channels is not (1 or 3))
            return $"The network takes {shape.Channels} channels; an image gives 1 (gray) or 3 (RGB).";
        if (!(std > 0) || !float.IsFinite(std) || !float.IsFinite(mean))
            return $"std must be positive and finite and mean finite (got mean {mean}, std {std}).";
        return null;
    }
}

/// <summary>
/// Reads single images for inference: PGM (<c>P2</c> text and <c>P5</c> binary, maxval up to 65535) and PNG
/// (non-interlaced; grayscale 1/2/4/8/16-bit, RGB, gray+alpha and RGBA 8/16-bit, palette 1/2/4/8-bit; decoded with
/// <see cref="ZLibStream"/>, CRCs checked). No other dependency. Thread-safe (no shared state).
/// PIL equivalent: <c>np.asarray(Image.open(path), dtype=np.float32) / 255</c>, moved to CHW.
/// </summary>
/// <remarks>
/// Fashion-MNIST images are light garments on a black background (0 = black); a photo of a dark object on white
/// must be inverted to look like the training data.
/// </remarks>
public static class ImageFile
{
    /// <summary>Largest accepted width × height (64 Mpixel): guards against absurd headers.</summary>
    public const long MaxPixels = 1L << 26;

    /// <summary>Reads and decodes a PGM or PNG file (the format is detected from its first bytes).</summary>
    /// <exception cref="InvalidDataException">The file is not a PGM or PNG, is corrupt or truncated, or uses an
    /// unsupported feature; the message names the file and the reason.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static DecodedImage Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Decode(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads <paramref name="path"/> and converts it to one input of <paramref name="shape"/> (<see cref="DecodedImage.ToTensor"/>).</summary>
    /// <exception cref="InvalidDataException">As <see cref="Read"/>.</exception>
    /// <exception cref="ArgumentException">The image size differs from <paramref name="shape"/>'s.</exception>
    public static float[] Load(string path, TensorShape shape, float mean = 0f, float std = 1f)
    {
        var image = Read(path);
        string? problem = image.Mismatch(shape, mean, std);
        if (problem is not null) throw new ArgumentException($"{path}: {problem}"); // the message names the file
        return image.ToTensor(shape, mean, std);
    }

    /// <summary>Decodes PGM or PNG bytes; <paramref name="name"/> is used in messages.</summary>
    /// <exception cref="InvalidDataException">Not a PGM or PNG, corrupt, truncated, or unsupported.</exception>
    public static DecodedImage Decode(ReadOnlySpan<byte> bytes, string name = "image")
    {
        if (bytes.Length >= 8 && bytes[..8].SequenceEqual(PngSignature)) return DecodePng(bytes, name);
        if (bytes.Length >= 2 && bytes[0] == (byte)'P' && (bytes[1] == (byte)'2' || bytes[1] == (byte)'5')) return DecodePgm(bytes, name);
        if (bytes.Length >= 2 && bytes[0] == (byte)'P' && bytes[1] is >= (byte)'1' and <= (byte)'7')
            throw Bad(name, $"is a Netpbm P{(char)bytes[1]} file; only PGM (P2, P5) is supported.");
        throw Bad(name, "is neither a PNG (signature 89 50 4E 47 0D 0A 1A 0A) nor a PGM (starts with P2 or P5).");
    }

    private static InvalidDataException Bad(string name, string reason) => new($"{name}: {reason}");

    // ---------------------------------------------------------------- PGM

    private static DecodedImage DecodePgm(ReadOnlySpan<byte> b, string name)
    {
        bool ascii = b[1] == (byte)'2';
        int pos = 2;
        long width = PgmHeaderNumber(b, ref pos, name, "width"), height = PgmHeaderNumber(b, ref pos, name, "height"), maxval = PgmHeaderNumber(b, ref pos, name, "maxval");
        if (width <= 0 || height <= 0) throw Bad(name, $"has an empty size {width}×{height}.");
        if (width * height > MaxPixels) throw Bad(name, $"is {width}×{height}, more than the {MaxPixels} pixels accepted.");
        if (maxval is < 1 or > 65535) throw Bad(name, $"has maxval {maxval}; PGM allows 1..65535.");
        int n = (int)(width * height);
        var pixels = new float[n];
        float scale = 1f / maxval;
        if (ascii)
        {
            for (int i = 0; i < n; i++)
            {
                long v = PgmNumber(b, ref pos, name, i, n);
                if (v > maxval) throw Bad(name, $"pixel {i} is {v}, above maxval {maxval}.");
                pixels[i] = v * scale;
            }
        }
        else
        {
            // Exactly one whitespace byte after maxval, then the raster.
            if (pos >= b.Length || !IsSpace(b[pos])) throw Bad(name, "has no whitespace byte between maxval and the raster.");
            pos++;
            int bytesPer = maxval > 255 ? 2 : 1;
            long need = (long)n * bytesPer;
            if (b.Length - pos < need) throw Bad(name, $"is truncated: {width}×{height} pixels of {bytesPer} byte(s) need {need} raster bytes but {b.Length - pos} are present.");
            ReadOnlySpan<byte> raster = b.Slice(pos, (int)need);
            for (int i = 0; i < n; i++)
            {
                int v = bytesPer == 1 ? raster[i] : BinaryPrimitives.ReadUInt16BigEndian(raster.Slice(2 * i));
                if (v > maxval) throw Bad(name, $"pixel {i} is {v}, above maxval {maxval}.");
                pixels[i] = v * scale;
            }
        }
        return new DecodedImage(1, (int)height, (int)width, pixels);
    }

    private static bool IsSpace(byte c) => c is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\v' or (byte)'\f';

    private static long PgmHeaderNumber(ReadOnlySpan<byte> b, ref int pos, string name, string what)
    {
        while (true)
        {
            while (pos < b.Length && IsSpace(b[pos])) pos++;
            if (pos < b.Length && b[pos] == (byte)'#') { while (pos < b.Length && b[pos] != (byte)'\n' && b[pos] != (byte)'\r') pos++; continue; }
            break;
        }
        if (pos >= b.Length) throw Bad(name, $"is truncated inside its header (no {what}).");
        return Digits(b, ref pos, name, what);
    }

    private static long PgmNumber(ReadOnlySpan<byte> b, ref int pos, string name, int index, int count)
    {
        while (pos < b.Length && IsSpace(b[pos])) pos++;
        if (pos >= b.Length) throw Bad(name, $"is truncated: {index} of {count} pixel values present.");
        return Digits(b, ref pos, name, $"pixel {index}");
    }

    private static long Digits(ReadOnlySpan<byte> b, ref int pos, string name, string what)
    {
        long v = 0;
        int start = pos;
        while (pos < b.Length && b[pos] >= (byte)'0' && b[pos] <= (byte)'9')
        {
            v = v * 10 + (b[pos] - '0');
            if (v > int.MaxValue) throw Bad(name, $"has an out-of-range {what}.");
            pos++;
        }
        if (pos == start) throw Bad(name, $"has '{(char)b[pos]}' where the {what} (a decimal number) should be.");
        if (pos < b.Length && !IsSpace(b[pos]) && b[pos] != (byte)'#') throw Bad(name, $"has '{(char)b[pos]}' after the {what}.");
        return v;
    }

    // ---------------------------------------------------------------- PNG

    private static ReadOnlySpan<byte> PngSignature => new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };

    private static DecodedImage DecodePng(ReadOnlySpan<byte> b, string name)
    {
        int pos = 8;
        int width = 0, height = 0, depth = 0, colorType = -1;
        byte[]? palette = null;
        var idat = new MemoryStream();
        bool sawIhdr = false, sawIend = false;
        while (pos < b.Length)
        {
            if (b.Length - pos < 12) throw Bad(name, $"is truncated: a chunk header at byte {pos} is cut off.");
            uint length = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(pos));
            string type = Encoding.ASCII.GetString(b.Slice(pos + 4, 4));
            if (length > int.MaxValue || b.Length - pos - 12 < length) throw Bad(name, $"is truncated: chunk {type} at byte {pos} declares {length} bytes but only {Math.Max(0, b.Length - pos - 12)} remain.");
            ReadOnlySpan<byte> data = b.Slice(pos + 8, (int)length);
            uint crc = BinaryPrimitives.ReadUInt32BigEndian(b.Slice(pos + 8 + (int)length));
            if (Crc32(b.Slice(pos + 4, 4 + (int)length)) != crc) throw Bad(name, $"has a CRC mismatch in chunk {type} at byte {pos} (corrupt file).");
            pos += 12 + (int)length;
            if (!sawIhdr && type != "IHDR") throw Bad(name, $"has chunk {type} before IHDR.");
            switch (type)
            {
                case "IHDR":
                    if (sawIhdr) throw Bad(name, "has two IHDR chunks.");
                    if (length != 13) throw Bad(name, $"has an IHDR of {length} bytes instead of 13.");
                    sawIhdr = true;
                    uint w = BinaryPrimitives.ReadUInt32BigEndian(data), h = BinaryPrimitives.ReadUInt32BigEndian(data.Slice(4));
                    if (w == 0 || h == 0 || w > int.MaxValue || h > int.MaxValue) throw Bad(name, $"has an invalid size {w}×{h}.");
                    if ((long)w * h > MaxPixels) throw Bad(name, $"is {w}×{h}, more than the {MaxPixels} pixels accepted.");
                    (width, height, depth, colorType) = ((int)w, (int)h, data[8], data[9]);
                    if (data[10] != 0) throw Bad(name, $"uses compression method {data[10]}; PNG defines only 0.");
                    if (data[11] != 0) throw Bad(name, $"uses filter method {data[11]}; PNG defines only 0.");
                    if (data[12] == 1) throw Bad(name, "is Adam7-interlaced; only non-interlaced PNGs are supported (re-save it without interlacing).");
                    if (data[12] != 0) throw Bad(name, $"has an invalid interlace method {data[12]}.");
                    CheckDepth(name, colorType, depth);
                    break;
                case "PLTE":
                    if (length % 3 != 0 || length == 0 || length > 768) throw Bad(name, $"has a PLTE chunk of {length} bytes (a multiple of 3, at most 768).");
                    palette = data.ToArray();
                    break;
                case "IDAT":
                    idat.Write(data);
                    break;
                case "IEND":
                    sawIend = true;
                    break;
                default:
                    if ((type[0] & 0x20) == 0) throw Bad(name, $"has critical chunk {type}, which this reader does not know.");
                    break; // ancillary chunks (tRNS, gAMA, tEXt, …) are ignored
            }
            if (sawIend) break;
        }
        if (!sawIhdr) throw Bad(name, "has no IHDR chunk.");
        if (!sawIend) throw Bad(name, "is truncated: no IEND chunk.");
        if (idat.Length == 0) throw Bad(name, "has no IDAT chunk (no image data).");
        if (colorType == 3 && palette is null) throw Bad(name, "is a palette image without a PLTE chunk.");

        int samplesPerPixel = colorType switch { 0 => 1, 2 => 3, 3 => 1, 4 => 2, _ => 4 };
        int bitsPerPixel = samplesPerPixel * depth;
        int rowBytes = (int)(((long)width * bitsPerPixel + 7) / 8);
        int bpp = Math.Max(1, bitsPerPixel / 8);
        long rawLength = (long)height * (rowBytes + 1);
        if (rawLength > int.MaxValue) throw Bad(name, "is too large to decode.");
        var raw = new byte[rawLength];
        idat.Position = 0;
        try
        {
            using var z = new ZLibStream(idat, CompressionMode.Decompress);
            int got = 0;
            while (got < raw.Length)
            {
                int r = z.Read(raw, got, raw.Length - got);
                if (r == 0) break;
                got += r;
            }
            if (got < raw.Length) throw Bad(name, $"is truncated: the image data decompresses to {got} bytes but {width}×{height} pixels need {raw.Length}.");
        }
        catch (InvalidDataException e) when (!e.Message.StartsWith(name + ":", StringComparison.Ordinal))
        {
            throw Bad(name, $"has corrupt compressed image data ({e.Message}).");
        }

        // Undo the per-row filters in place.
        var prior = new byte[rowBytes];
        for (int y = 0; y < height; y++)
        {
            int start = y * (rowBytes + 1);
            byte filter = raw[start];
            Span<byte> row = raw.AsSpan(start + 1, rowBytes);
            ReadOnlySpan<byte> up = y == 0 ? prior : raw.AsSpan(start - rowBytes, rowBytes);
            switch (filter)
            {
                case 0: break;
                case 1: for (int i = bpp; i < rowBytes; i++) row[i] += row[i - bpp]; break;
                case 2: for (int i = 0; i < rowBytes; i++) row[i] += up[i]; break;
                case 3:
                    for (int i = 0; i < rowBytes; i++) row[i] += (byte)(((i >= bpp ? row[i - bpp] : 0) + up[i]) >> 1);
                    break;
                case 4:
                    for (int i = 0; i < rowBytes; i++) row[i] += Paeth(i >= bpp ? row[i - bpp] : (byte)0, up[i], i >= bpp ? up[i - bpp] : (byte)0);
                    break;
                default: throw Bad(name, $"row {y} has an invalid filter type {filter} (0..4).");
            }
        }

        int outChannels = colorType is 0 or 4 ? 1 : 3;
        int plane = width * height;
        var pixels = new float[outChannels * plane];
        float scale = 1f / ((1 << depth) - 1);
        int paletteEntries = palette is null ? 0 : palette.Length / 3;
        for (int y = 0; y < height; y++)
        {
            ReadOnlySpan<byte> row = raw.AsSpan(y * (rowBytes + 1) + 1, rowBytes);
            for (int x = 0; x < width; x++)
            {
                int p = y * width + x;
                if (colorType == 3)
                {
                    int index = Sample(row, x, depth);
                    if (index >= paletteEntries) throw Bad(name, $"pixel ({x}, {y}) uses palette index {index} but PLTE has {paletteEntries} entries.");
                    for (int c = 0; c < 3; c++) pixels[c * plane + p] = palette![3 * index + c] * (1f / 255f);
                }
                else
                    for (int c = 0; c < outChannels; c++) // gray+alpha and RGBA: the alpha sample is skipped
                        pixels[c * plane + p] = Sample(row, x * samplesPerPixel + c, depth) * scale;
            }
        }
        return new DecodedImage(outChannels, height, width, pixels);
    }

    private static void CheckDepth(string name, int colorType, int depth)
    {
        bool ok = colorType switch
        {
            0 => depth is 1 or 2 or 4 or 8 or 16,
            3 => depth is 1 or 2 or 4 or 8,
            2 or 4 or 6 => depth is 8 or 16,
            _ => throw Bad(name, $"has an invalid colour type {colorType} (PNG defines 0, 2, 3, 4, 6)."),
        };
        if (!ok) throw Bad(name, $"has an invalid bit depth {depth} for colour type {colorType}.");
    }

    /// <summary>Sample <paramref name="index"/> of a row of <paramref name="depth"/>-bit samples (big-endian, packed MSB first).</summary>
    private static int Sample(ReadOnlySpan<byte> row, int index, int depth) => depth switch
    {
        8 => row[index],
        16 => (row[2 * index] << 8) | row[2 * index + 1],
        _ => (row[index * depth / 8] >> (8 - depth - index * depth % 8)) & ((1 << depth) - 1),
    };

    private static byte Paeth(byte a, byte b, byte c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }

    private static uint[]? _crcTable;

    /// <summary>CRC-32 (ISO-HDLC, as PNG and zlib's <c>crc32</c>).</summary>
    internal static uint Crc32(ReadOnlySpan<byte> data)
    {
        uint[] table = _crcTable ??= MakeCrcTable();
        uint c = 0xFFFFFFFFu;
        foreach (byte v in data) c = table[(c ^ v) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }

    private static uint[] MakeCrcTable()
    {
        var t = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            t[n] = c;
        }
        return t;
    }
}
