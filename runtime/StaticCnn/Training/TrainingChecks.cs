using System.Globalization;
using StaticCnn.Data;
using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>
/// The checks <see cref="Trainer"/> runs before the first step (the data set against the network and the loss) and
/// after every optimizer step (every parameter and buffer finite). Stateless; thread-safe.
/// </summary>
internal static class TrainingChecks
{
    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first sample whose label is outside 0..classes−1 (classes =
    /// <see cref="INetwork.OutputSize"/>; a <see cref="CrossEntropyLoss"/> also accepts its <see cref="CrossEntropyLoss.IgnoreIndex"/>),
    /// or, with <paramref name="checkFinite"/>, whose image holds NaN or ±∞. Every loss the trainer runs reads the labels:
    /// cross-entropy directly, the others as one-hot targets (where an out-of-range label would be an all-zero row).
    /// </summary>
    public static void ValidateData(INetwork network, InMemoryDataset data, Loss loss, bool checkFinite, string name)
    {
        int classes = network.OutputSize;
        int? ignore = loss is CrossEntropyLoss ce ? ce.IgnoreIndex : null;
        ReadOnlySpan<int> labels = data.Labels;
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if ((uint)y < (uint)classes || y == ignore) continue;
            string also = ignore is int ig ? string.Create(CultureInfo.InvariantCulture, $"; the loss also accepts its ignore index {ig}") : "";
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: sample {i} has label {y}, outside 0..{classes - 1} ({network.Name} has {classes} outputs{also}). The network is unchanged."), name);
        }
        if (!checkFinite) return;
        int at = FirstNonFinite(data.Images);
        if (at < 0) return;
        int size = data.SampleSize, sample = at / size, offset = at - sample * size;
        int hw = data.Shape.Height * data.Shape.Width;
        string where = string.Create(CultureInfo.InvariantCulture,
            $"{name}: sample {sample} holds {data.Images[at]} at channel {offset / hw}, row {offset % hw / data.Shape.Width}, column {offset % data.Shape.Width} (float {at} of the images).");
        throw new ArgumentException(where + " A non-finite input makes every output it reaches NaN and the training diverge; "
            + "clean the data, or set TrainingOptions.CheckFinite = false to skip this check. The network is unchanged.", name);
    }

    /// <summary>Index of the first NaN or ±∞ in <paramref name="values"/>, or −1 (vectorized: blocks of 4 KB scanned with <see cref="Trainer.AllFinite"/>).</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        const int Block = 1024;
        for (int start = 0; start < values.Length; start += Block)
        {
            ReadOnlySpan<float> block = values.Slice(start, Math.Min(Block, values.Length - start));
            if (Trainer.AllFinite(block)) continue;
            for (int i = 0; i < block.Length; i++)
                if (!float.IsFinite(block[i])) return start + i;
        }
        return -1;
    }

    /// <summary>
    /// After an optimizer step: null when every parameter and buffer is finite (one vectorized pass over each arena),
    /// else the exception naming the first non-finite tensor in <see cref="INetwork.Tensors"/> order.
    /// </summary>
    public static TrainingDivergedException? CheckState(INetwork network, int epoch, long step, float loss)
    {
        if (Trainer.AllFinite(network.Parameters) && Trainer.AllFinite(network.Buffers)) return null;
        foreach (TensorInfo t in network.Tensors)
        {
            Span<float> arena = t.Role == TensorRole.Parameter ? network.Parameters : network.Buffers;
            int at = FirstNonFinite(arena.Slice(t.Offset, t.Length));
            if (at >= 0)
                return new TrainingDivergedException(epoch, step, loss, t.Layer, network.Layers[t.Layer].Name, t.Name, at, arena[t.Offset + at]);
        }
        return new TrainingDivergedException(epoch, step, loss, -1, null, "(an unnamed part of the arenas)", -1, float.NaN);
    }
}
