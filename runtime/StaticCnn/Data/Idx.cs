using System.Buffers.Binary;
using System.IO.Compression;

namespace StaticCnn.Data;

/// <summary>A problem in a data file; the message names the file and the problem.</summary>
public sealed class DataFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public DataFormatException(string path, string problem) : base($"{path}: {problem}") { Path = path; Problem = problem; }
    /// <summary>The file.</summary>
    public string Path { get; }
    /// <summary>What is wrong.</summary>
    public string Problem { get; }
}

/// <summary>
/// Reader of the IDX format of MNIST and Fashion-MNIST (<c>train-images-idx3-ubyte</c>, optionally <c>.gz</c>):
/// magic 0x00 0x00 type ndims, big-endian int32 dimensions, then the data. Only unsigned bytes (type 0x08) are read.
/// </summary>
public static class Idx
{
    /// <summary>Reads an IDX file (gzip detected by its signature) and returns its dimensions and bytes.</summary>
    /// <exception cref="DataFormatException">Bad magic, unsupported type, bad dimensions, or fewer bytes than the dimensions need.</exception>
    public static (int[] Dimensions, byte[] Data) Read(string path)
    {
        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length >= 2 && raw[0] == 0x1F && raw[1] == 0x8B)
        {
            try
            {
                using var gz = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
                var ms = new MemoryStream();
                gz.CopyTo(ms);
                raw = ms.ToArray();
            }
            catch (InvalidDataException ex)
            {
                throw new DataFormatException(path, $"is a corrupt or truncated gzip file ({ex.Message}).");
            }
        }
        return Parse(path, raw);
    }

    /// <summary>Parses IDX bytes; <paramref name="path"/> is used in messages.</summary>
    public static (int[] Dimensions, byte[] Data) Parse(string path, byte[] raw)
    {
        if (raw.Length < 4) throw new DataFormatException(path, $"is truncated: {raw.Length} bytes, fewer than the 4-byte magic number.");
        if (raw[0] != 0 || raw[1] != 0)
            throw new DataFormatException(path, $"has bad magic 0x{raw[0]:X2}{raw[1]:X2}{raw[2]:X2}{raw[3]:X2}: an IDX file starts with two zero bytes (not an IDX file, or still compressed?).");
        if (raw[2] != 0x08)
            throw new DataFormatException(path, $"has element type 0x{raw[2]:X2}; only unsigned bytes (0x08) are supported.");
        int ndims = raw[3];
        if (ndims < 1 || ndims > 4) throw new DataFormatException(path, $"declares {ndims} dimensions; 1 to 4 are supported.");
        if (raw.Length < 4 + 4 * ndims) throw new DataFormatException(path, $"is truncated inside its header ({raw.Length} bytes for {ndims} dimensions).");
        var dims = new int[ndims];
        long count = 1;
        for (int i = 0; i < ndims; i++)
        {
            int d = BinaryPrimitives.ReadInt32BigEndian(raw.AsSpan(4 + 4 * i));
            if (d < 0) throw new DataFormatException(path, $"has a negative dimension {d}.");
            dims[i] = d;
            count *= d;
        }
        long offset = 4 + 4 * ndims;
        if (raw.Length - offset < count)
            throw new DataFormatException(path, $"is truncated: dimensions [{string.Join(", ", dims)}] need {count} data bytes but only {raw.Length - offset} are present.");
        if (raw.Length - offset > count)
            throw new DataFormatException(path, $"has {raw.Length - offset - count} bytes beyond the {count} its dimensions [{string.Join(", ", dims)}] describe.");
        return (dims, raw.AsSpan((int)offset, (int)count).ToArray());
    }

    /// <summary>Reads an image file (N × H × W) as floats NCHW with C = 1, scaled to [0, 1] (÷255), optionally normalized (x − mean)/std.</summary>
    public static float[] ReadImages(string path, out int count, out int height, out int width, float mean = 0f, float std = 1f)
    {
        var (dims, data) = Read(path);
        if (dims.Length != 3) throw new DataFormatException(path, $"has {dims.Length} dimensions; an image file has 3 (N, H, W).");
        (count, height, width) = (dims[0], dims[1], dims[2]);
        var result = new float[data.Length];
        float scale = 1f / (255f * std), shift = -mean / std;
        for (int i = 0; i < data.Length; i++) result[i] = data[i] * scale + shift;
        return result;
    }

    /// <summary>Reads a label file (N) as ints.</summary>
    public static int[] ReadLabels(string path)
    {
        var (dims, data) = Read(path);
        if (dims.Length != 1) throw new DataFormatException(path, $"has {dims.Length} dimensions; a label file has 1.");
        return Array.ConvertAll(data, b => (int)b);
    }

    /// <summary>Loads an image file and its label file as a dataset (checks that the counts agree).</summary>
    public static InMemoryDataset LoadDataset(string imagesPath, string labelsPath, float mean = 0f, float std = 1f)
    {
        float[] images = ReadImages(imagesPath, out int n, out int h, out int w, mean, std);
        int[] labels = ReadLabels(labelsPath);
        if (labels.Length != n)
            throw new DataFormatException(labelsPath, $"has {labels.Length} labels but {imagesPath} has {n} images.");
        return new InMemoryDataset(images, labels, new TensorShape(1, h, w));
    }
}
