namespace StaticCnn.Losses;

/// <summary>Checks shared by the losses on pairs and triplets of embeddings (one term per sample).</summary>
internal static class PairLosses
{
    /// <summary>Checks a per-sample mask and returns the count of the mean (batch without a mask).</summary>
    public static double CheckMask(ReadOnlySpan<float> mask, int batch)
    {
        if (mask.IsEmpty) return batch;
        if (mask.Length != batch)
            throw new ArgumentException($"The mask has {mask.Length} entries; this loss takes one per sample ({batch}).", "targets");
        double count = 0;
        foreach (float m in mask) count += m;
        return count;
    }

    /// <summary>The mask weight of sample <paramref name="i"/> (1 without a mask).</summary>
    public static double Weight(ReadOnlySpan<float> mask, int i) => mask.IsEmpty ? 1.0 : mask[i];

    /// <summary>
    /// Checks the outputs and gradients of a loss of arity <paramref name="arity"/>: every output batch × D with the same
    /// D, every gradient (when given) the length of its output. Returns D.
    /// </summary>
    public static int CheckEmbeddings(string name, int arity, ReadOnlySpan<ReadOnlyMemory<float>> outputs, ReadOnlySpan<Memory<float>> gradients, int batch)
    {
        if (outputs.Length != arity)
            throw new ArgumentException($"{name} reads {arity} outputs but {outputs.Length} were given.", nameof(outputs));
        if (!gradients.IsEmpty && gradients.Length != arity)
            throw new ArgumentException($"{gradients.Length} gradient spans were given for {arity} outputs.", nameof(gradients));
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must be positive.");
        int n = outputs[0].Length;
        if (n == 0 || n % batch != 0)
            throw new ArgumentException($"Output 0 has {n} elements, not a positive multiple of the batch {batch}.", nameof(outputs));
        for (int k = 1; k < arity; k++)
            if (outputs[k].Length != n)
                throw new ArgumentException($"Output {k} has {outputs[k].Length} elements but output 0 has {n}; the embeddings must have the same size.", nameof(outputs));
        if (!gradients.IsEmpty)
            for (int k = 0; k < arity; k++)
                if (gradients[k].Length != 0 && gradients[k].Length != n)
                    throw new ArgumentException($"Gradient {k} has {gradients[k].Length} elements but its output has {n}.", nameof(gradients));
        return n / batch;
    }
}
