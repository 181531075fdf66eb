using System.Globalization;
using System.Runtime.InteropServices;
using StaticCnn.Formats;
using StaticCnn.IO;
using StaticCnn.Optimizers;

namespace StaticCnn.Checkpoints;

/// <summary>
/// Saves and loads networks and optimizer state as safetensors files. A network is stored by its
/// <see cref="INetwork.Tensors"/> names (parameters and buffers), so a PyTorch <c>state_dict</c> maps 1:1:
/// <c>safetensors.torch.save_file(model.state_dict(), path)</c> writes a file <see cref="Load(INetwork, string, bool)"/> reads, and
/// <c>load_file(path)</c> reads what <see cref="Save"/> writes. Writes are atomic; loads validate the whole file first and
/// leave the network unchanged when anything is wrong. Every bad or unfitting file throws
/// <see cref="InvalidDataException"/> (the message starts with the path and says what is wrong); files are limited to
/// <see cref="SafeTensorsFile.MaxFileBytes"/> (2 GiB). Not thread-safe with respect to the network being loaded or saved
/// (do not run it while the network trains or infers).
/// </summary>
public static class Checkpoint
{
    /// <summary>
    /// Writes every parameter and buffer of <paramref name="network"/> as F32 tensors, plus optional metadata, atomically
    /// (see <see cref="SafeTensorsFile.Write"/>). PyTorch: <c>safetensors.torch.save_file(model.state_dict(), path)</c>.
    /// </summary>
    /// <exception cref="NotSupportedException">The file would exceed <see cref="SafeTensorsFile.MaxFileBytes"/> (2 GiB).</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(INetwork network, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        var tensors = new List<SafeTensor>(network.Tensors.Count);
        foreach (TensorInfo t in network.Tensors)
            tensors.Add(new SafeTensor(t.Name, (int[])t.Shape.Clone(), Arena(network, t).Slice(t.Offset, t.Length).ToArray()));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal) { ["format"] = "pt", ["network"] = network.Name };
        if (metadata is not null) foreach (var kv in metadata) meta[kv.Key] = kv.Value;
        SafeTensorsFile.Write(path, tensors, meta);
    }

    /// <summary>
    /// Loads every parameter and buffer of <paramref name="network"/> from <paramref name="path"/>, as
    /// <see cref="Load(INetwork, string, CheckpointLoadOptions)"/> with <see cref="CheckpointLoadOptions.Strict"/> =
    /// <paramref name="strict"/>. PyTorch: <c>model.load_state_dict(load_file(path), strict=strict)</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">Anything is wrong; the network is unchanged.</exception>
    /// <exception cref="FileNotFoundException">No such file; the network is unchanged.</exception>
    public static IReadOnlyDictionary<string, string> Load(INetwork network, string path, bool strict = true) =>
        Load(network, path, new CheckpointLoadOptions { Strict = strict });

    /// <summary>
    /// Loads every parameter and buffer of <paramref name="network"/> from <paramref name="path"/>. Everything is checked
    /// before anything is copied: the file's integrity (the format rules of <see cref="SafeTensorsFile"/>), missing or
    /// unexpected names (unexpected ones are allowed when <see cref="CheckpointLoadOptions.Strict"/> is false, as
    /// PyTorch's <c>load_state_dict(strict=False)</c>; missing ones never are), shapes, dtype (F32 only), and the values:
    /// NaN, ±Inf and a negative BatchNorm <c>running_var</c> are rejected unless
    /// <see cref="CheckpointLoadOptions.AllowInvalidValues"/>. Returns the file's metadata.
    /// </summary>
    /// <exception cref="InvalidDataException">Anything is wrong (the message starts with the path and lists every
    /// problem); the network is unchanged.</exception>
    /// <exception cref="FileNotFoundException">No such file; the network is unchanged.</exception>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    public static IReadOnlyDictionary<string, string> Load(INetwork network, string path, CheckpointLoadOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        var problems = new List<string>();
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (TensorInfo t in network.Tensors)
        {
            expected.Add(t.Name);
            if (!file.Contains(t.Name)) { problems.Add($"missing tensor '{t.Name}'"); continue; }
            SafeTensorEntry e = file[t.Name];
            if (e.DType != "F32")
                problems.Add($"tensor '{t.Name}' has dtype {e.DType}; only F32 is supported (convert with tensor.float() before saving)");
            else if (!e.Shape.AsSpan().SequenceEqual(t.Shape))
                problems.Add($"tensor '{t.Name}' has shape [{string.Join(", ", e.Shape)}] but {network.Name} expects [{string.Join(", ", t.Shape)}]");
            else if (!options.AllowInvalidValues && InvalidValues(file, t.Name) is string invalid)
                problems.Add(invalid + " (CheckpointLoadOptions.AllowInvalidValues loads it anyway)");
        }
        if (options.Strict)
            foreach (SafeTensorEntry e in file.Entries)
                if (!expected.Contains(e.Name) && !e.Name.EndsWith(".num_batches_tracked", StringComparison.Ordinal))
                    problems.Add($"unexpected tensor '{e.Name}'");
        if (problems.Count > 0)
            throw DataFile.Invalid(path, $"does not fit {network.Name}: {string.Join("; ", problems)}. The network is unchanged");
        foreach (TensorInfo t in network.Tensors)
            SafeTensorsFile.CopyF32(file.Bytes(t.Name), Arena(network, t).Slice(t.Offset, t.Length));
        return file.Metadata;
    }

    /// <summary>The value rule (finite; running_var ≥ 0) of the one safetensors reader, on an F32 tensor of the file.</summary>
    private static string? InvalidValues(SafeTensorsFile file, string name)
    {
        ReadOnlySpan<byte> bytes = file.Bytes(name);
        if (BitConverter.IsLittleEndian) return SafetensorsFormat.DescribeInvalidValues(name, MemoryMarshal.Cast<byte, float>(bytes));
        var values = new float[bytes.Length / 4];
        SafeTensorsFile.CopyF32(bytes, values);
        return SafetensorsFormat.DescribeInvalidValues(name, values);
    }

    /// <summary>
    /// Saves an optimizer's state: its per-parameter tensors (<c>exp_avg</c>, <c>momentum_buffer</c> …) and, in the
    /// metadata, its kind, step count and learning rate (for resuming a run).
    /// </summary>
    public static void SaveOptimizer(Optimizer optimizer, string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        var tensors = new List<SafeTensor>();
        if (optimizer.ParameterCount > 0)
            foreach (string name in optimizer.StateNames)
                tensors.Add(new SafeTensor(name, new[] { optimizer.ParameterCount }, optimizer.GetState(name, optimizer.ParameterCount).ToArray()));
        var meta = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["optimizer"] = optimizer.Kind,
            ["step"] = optimizer.StepCount.ToString(CultureInfo.InvariantCulture),
            ["lr"] = optimizer.LearningRate.ToString("R", CultureInfo.InvariantCulture),
            ["parameters"] = optimizer.ParameterCount.ToString(CultureInfo.InvariantCulture),
        };
        if (metadata is not null) foreach (var kv in metadata) meta[kv.Key] = kv.Value;
        SafeTensorsFile.Write(path, tensors, meta);
    }

    /// <summary>
    /// Restores an optimizer's state saved by <see cref="SaveOptimizer"/> for <paramref name="parameterCount"/> parameters.
    /// Validates the file, the kind, the tensor names and lengths, and that every state value is finite, first; the
    /// optimizer is unchanged when anything is wrong. The learning rate is restored too (a schedule may override it on
    /// the next step). PyTorch: <c>optimizer.load_state_dict(...)</c>.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is bad or does not hold this optimizer's state for this many
    /// parameters; the optimizer is unchanged.</exception>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="parameterCount"/> is negative.</exception>
    public static IReadOnlyDictionary<string, string> LoadOptimizer(Optimizer optimizer, string path, int parameterCount)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfNegative(parameterCount);
        SafeTensorsFile file = SafeTensorsFile.Read(path);
        var problems = new List<string>();
        if (!file.Metadata.TryGetValue("optimizer", out string? kind)) problems.Add("no 'optimizer' metadata (not an optimizer checkpoint)");
        else if (kind != optimizer.Kind) problems.Add($"it holds {kind} state, not {optimizer.Kind}");
        long step = 0;
        float lr = optimizer.LearningRate;
        if (!file.Metadata.TryGetValue("step", out string? stepText) || !long.TryParse(stepText, NumberStyles.Integer, CultureInfo.InvariantCulture, out step) || step < 0)
            problems.Add("missing or invalid 'step' metadata");
        if (file.Metadata.TryGetValue("lr", out string? lrText) && !float.TryParse(lrText, NumberStyles.Float, CultureInfo.InvariantCulture, out lr))
            problems.Add("invalid 'lr' metadata");
        bool hasState = file.Entries.Count > 0;
        if (hasState)
        {
            foreach (string name in optimizer.StateNames)
            {
                if (!file.Contains(name)) { problems.Add($"missing state tensor '{name}'"); continue; }
                SafeTensorEntry e = file[name];
                if (e.DType != "F32") problems.Add($"state tensor '{name}' has dtype {e.DType}, not F32");
                else if (e.Length != parameterCount) problems.Add($"state tensor '{name}' has {e.Length} values for {parameterCount} parameters");
                else if (InvalidValues(file, name) is string invalid) problems.Add(invalid);
            }
            foreach (SafeTensorEntry e in file.Entries)
                if (!optimizer.StateNames.Contains(e.Name)) problems.Add($"unexpected state tensor '{e.Name}'");
        }
        if (optimizer.ParameterCount != 0 && optimizer.ParameterCount != parameterCount)
            problems.Add($"the optimizer already holds state for {optimizer.ParameterCount} parameters");
        if (problems.Count > 0)
            throw DataFile.Invalid(path, $"cannot restore {optimizer.Kind}: {string.Join("; ", problems)}. The optimizer is unchanged");
        if (hasState)
            foreach (string name in optimizer.StateNames)
                SafeTensorsFile.CopyF32(file.Bytes(name), optimizer.GetState(name, parameterCount));
        optimizer.StepCount = step;
        optimizer.LearningRate = lr;
        return file.Metadata;
    }

    private static Span<float> Arena(INetwork network, TensorInfo t) => t.Role == TensorRole.Parameter ? network.Parameters : network.Buffers;
}

/// <summary>
/// How <see cref="Checkpoint.Load(INetwork, string, CheckpointLoadOptions)"/> treats a file that is well formed but
/// does not fit exactly. Immutable; safe to share between threads.
/// </summary>
public sealed class CheckpointLoadOptions
{
    /// <summary>
    /// Reject tensors the network does not have (default true). BatchNorm's <c>num_batches_tracked</c> is always
    /// ignored. Missing tensors are always rejected. PyTorch: <c>load_state_dict(strict=...)</c>.
    /// </summary>
    public bool Strict { get; init; } = true;

    /// <summary>
    /// Load NaN, +Inf, −Inf and negative BatchNorm <c>running_var</c> values instead of rejecting the file (default false:
    /// such a network computes NaN or infinite outputs, and PyTorch would load them silently).
    /// </summary>
    public bool AllowInvalidValues { get; init; }
}
