using System.Buffers.Binary;
using System.IO.Compression;
using StaticCnn.IO;

namespace StaticCnn.Data;

/// <summary>
/// Reader of the IDX format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>, optionally <c>.gz</c>):
/// magic 0x00 0x00 type ndims, big-endian int32 dimensions, then the data. Only unsigned bytes (type 0x08) are read.
/// The data must be exactly as long as the dimensions say (checked 64-bit arithmetic: dimensions whose product
/// overflows are rejected, not wrapped). Every bad file throws <see cref="InvalidDataException"/>, whose message starts
/// with the path and says what is wrong; a missing file throws <see cref="FileNotFoundException"/>. Files (and their
/// decompressed content) are limited to 2 GiB. Thread-safe (no state).
/// PyTorch: <c>torchvision.datasets.MNIST</c> reads the same files.
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file (gzip detected by its signature) and returns its dimensions and bytes.</summary>
    /// <exception cref="InvalidDataException">A directory, an unreadable file, a corrupt gzip stream, bad magic, an
    /// unsupported type, bad dimensions, or a data length other than the dimensions say.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        byte[] raw = DataFile.ReadAllBytes(path);
        if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                using var ms = new MemoryStream();
                var chunk = new byte[1 << 16];
                int n;
                while ((n = gz.Read(chunk, 0, chunk.Length)) > 0)
                {
                    if (ms.Length + n > DataFile.MaxBytes)
                        throw DataFile.Invalid(path, $"decompresses to more than {DataFile.MaxBytes:N0} bytes (2 GiB), the limit of a data file");
                    ms.Write(chunk, 0, n);
                }
                raw = ms.ToArray();
            }
            catch (Exception ex) when (ex is IOException || (ex is InvalidDataException && !ex.Message.StartsWith(path, StringComparison.Ordinal)))
            {
                throw DataFile.Invalid(path, $"is a corrupt or truncated gzip file ({ex.Message})", ex);
            }
        }
        return Parse(path, raw);
    }

    /// <summary>Parses IDX bytes; <paramref name="path"/> is used in messages.</summary>
    /// <exception cref="InvalidDataException">Bad magic, an unsupported type, bad dimensions, or a data length other than
    /// the dimensions say.</exception>
    public static (int[] Dimensions, byte[] Data) Parse(string path, byte[] raw)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(raw);
        if (raw.Length < 4) throw DataFile.Invalid(path, $"is truncated: {raw.Length} bytes, fewer than the 4-byte magic number.");
        if (raw[0] != 0 || raw[1] != 0)
            throw DataFile.Invalid(path, $"has bad magic 0x{raw[0]:X2}{raw[1]:X2}{raw[2]:X2}{raw[3]:X2}: an IDX file starts with two zero bytes (not an IDX file, or still compressed?).");
        if (raw[2] != 0x08)
            throw DataFile.Invalid(path, $"has element type 0x{raw[2]:X2}; only unsigned bytes (0x08) are supported.");
        int ndims = raw[3];
        if (ndims < 1 || ndims > 4) throw DataFile.Invalid(path, $"declares {ndims} dimensions; 1 to 4 are supported.");
        if (raw.Length < 4 + 4 * ndims) throw DataFile.Invalid(path, $"is truncated inside its header ({raw.Length} bytes for {ndims} dimensions).");
        var dims = new int[ndims];
        for (int i = 0; i < ndims; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i));
            if (d < 0) throw DataFile.Invalid(path, $"has a negative dimension {d}.");
            dims[i] = d;
        }
        long count = 1;
        try
        {
            foreach (int d in dims) count = checked(count * d);
        }
        catch (OverflowException)
        {
            throw DataFile.Invalid(path, $"declares dimensions [{string.Join(", ", dims)}], whose product overflows a 64-bit count.");
        }
        long offset = 4 + 4 * ndims;
        if (raw.Length - offset < count)
            throw DataFile.Invalid(path, $"is truncated: dimensions [{string.Join(", ", dims)}] need {count} data bytes but only {raw.Length - offset} are present.");
        if (raw.Length - offset > count)
            throw DataFile.Invalid(path, $"has {raw.Length - offset - count} bytes beyond the {count} its dimensions [{string.Join(", ", dims)}] describe.");
        return (dims, raw.AsSpan((int)offset, (int)count).ToArray());
    }

    /// <summary>Reads an image file (N × H × W) as floats NCHW with C = 1, scaled to [0, 1] (÷255), optionally normalized (x − mean)/std.</summary>
    /// <exception cref="InvalidDataException">A bad file, or one without 3 dimensions.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is not positive and finite, or <paramref name="mean"/> is not finite.</exception>
    public static float[] ReadImages(string path, out int count, out int height, out int width, float mean = 0f, float std = 1f)
    {
        if (!float.IsFinite(mean)) throw new ArgumentOutOfRangeException(nameof(mean), mean, "The mean must be finite.");
        if (!(std > 0) || !float.IsFinite(std)) throw new ArgumentOutOfRangeException(nameof(std), std, "The standard deviation must be positive and finite.");
        var (dims, data) = Read(path);
        if (dims.Length != 3) throw DataFile.Invalid(path, $"has {dims.Length} dimensions; an image file has 3 (N, H, W).");
        (count, height, width) = (dims[0], dims[1], dims[2]);
        var result = new float[data.Length];
        float scale = 1f / (255f * std), shift = -mean / std;
        for (int i = 0; i < data.Length; i++) result[i] = data[i] * scale + shift;
        return result;
    }

    /// <summary>Reads a label file (N) as ints.</summary>
    /// <exception cref="InvalidDataException">A bad file, or one without exactly 1 dimension.</exception>
    public static int[] ReadLabels(string path)
    {
        var (dims, data) = Read(path);
        if (dims.Length != 1) throw DataFile.Invalid(path, $"has {dims.Length} dimensions; a label file has 1.");
        return Array.ConvertAll(data, b => (int)b);
    }

    /// <summary>Loads an image file and its label file as a dataset (checks that the counts agree).</summary>
    /// <exception cref="InvalidDataException">A bad file, or counts that disagree (reported on the label file).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="std"/> is not positive and finite, or <paramref name="mean"/> is not finite.</exception>
    public static InMemoryDataset LoadDataset(string imagesPath, string labelsPath, float mean = 0f, float std = 1f)
    {
        float[] images = ReadImages(imagesPath, out int n, out int h, out int w, mean, std);
        int[] labels = ReadLabels(labelsPath);
        if (labels.Length != n)
            throw DataFile.Invalid(labelsPath, $"has {labels.Length} labels but {imagesPath} has {n} images.");
        return new InMemoryDataset(images, labels, new TensorShape(1, h, w));
    }
}
