namespace StaticCnn.IO;

/// <summary>
/// Reads a whole data file (checkpoint, IDX) for a parser, turning every way the file can be unusable into the one
/// documented exception, <see cref="InvalidDataException"/>, whose message starts with the path and says why. Only a
/// path that does not exist keeps its <see cref="FileNotFoundException"/> / <see cref="DirectoryNotFoundException"/>.
/// </summary>
internal static class DataFile
{
    /// <summary>Largest file read into memory: the largest byte array .NET allocates (2 GiB − 57 bytes).</summary>
    public static long MaxBytes => Array.MaxLength;

    /// <summary>The exception for a bad file: "<paramref name="path"/>: <paramref name="problem"/>."</summary>
    public static InvalidDataException Invalid(string path, string problem, Exception? inner = null) =>
        new($"{path}: {problem}{(problem.EndsWith('.') ? "" : ".")}", inner);

    /// <summary>Reads <paramref name="path"/> entirely.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or malformed.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="DirectoryNotFoundException">A folder of the path does not exist.</exception>
    /// <exception cref="InvalidDataException">The path is a directory or not a regular file, cannot be read (permissions,
    /// I/O error), is 2 GiB or larger, or changed size while it was read.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (Directory.Exists(path)) throw Invalid(path, "is a directory, not a file");
        FileStream stream;
        try
        {
            stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        }
        catch (Exception ex) when (ex is UnauthorizedAccessException or IOException && ex is not (FileNotFoundException or DirectoryNotFoundException))
        {
            throw Invalid(path, $"cannot be opened for reading ({ex.Message})", ex);
        }
        using (stream) return ReadAll(path, stream);
    }

    /// <summary>Reads all of <paramref name="stream"/>, whose <see cref="Stream.Length"/> is the file's size when opened.</summary>
    internal static byte[] ReadAll(string path, Stream stream)
    {
        long length;
        try
        {
            length = stream.Length;
        }
        catch (NotSupportedException ex)
        {
            throw Invalid(path, "is not a regular file (its length is unknown)", ex);
        }
        if (length > MaxBytes)
            throw Invalid(path, $"is {length:N0} bytes long; files are read into memory, which limits them to {MaxBytes:N0} bytes (2 GiB)");
        var buffer = new byte[length];
        int read = 0;
        try
        {
            while (read < length)
            {
                int n = stream.Read(buffer, read, (int)length - read);
                if (n == 0) throw Invalid(path, $"was truncated while it was read: it had {length} bytes when opened, but only {read} could be read");
                read += n;
            }
            if (stream.ReadByte() >= 0)
                throw Invalid(path, $"grew while it was read: it had {length} bytes when opened");
        }
        catch (IOException ex)
        {
            throw Invalid(path, $"could not be read ({ex.Message})", ex);
        }
        return buffer;
    }
}
