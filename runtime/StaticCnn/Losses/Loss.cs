namespace StaticCnn.Losses;

/// <summary>
/// What a loss compares the network's output with. Classification losses read <see cref="Labels"/> (one class index
/// per sample); regression losses read <see cref="Values"/> (one target per output element). <see cref="Mask"/> is
/// optional: per element (same length as the output) or per sample (length = batch); an element or sample whose mask
/// is 0 is a "don't care" target, excluded from both the sum and the count of the mean.
/// </summary>
public readonly ref struct LossTargets
{
    /// <summary>Class index per sample.</summary>
    public ReadOnlySpan<int> Labels { get; init; }
    /// <summary>Target value per output element.</summary>
    public ReadOnlySpan<float> Values { get; init; }
    /// <summary>Optional weights (normally 0 or 1) per element or per sample; empty means every target counts.</summary>
    public ReadOnlySpan<float> Mask { get; init; }

    /// <summary>Integer class labels.</summary>
    public static LossTargets FromLabels(ReadOnlySpan<int> labels, ReadOnlySpan<float> mask = default) => new() { Labels = labels, Mask = mask };
    /// <summary>Float targets, one per output element.</summary>
    public static LossTargets FromValues(ReadOnlySpan<float> values, ReadOnlySpan<float> mask = default) => new() { Values = values, Mask = mask };
}

/// <summary>
/// A loss over a batch of network outputs: returns the mean loss (PyTorch's default <c>reduction='mean'</c>) and writes
/// its gradient with respect to the outputs. Losses work on flat spans and know nothing about layers.
/// </summary>
public abstract class Loss
{
    /// <summary>
    /// Computes the mean loss of <paramref name="output"/> (batch × outputs per sample) and, when
    /// <paramref name="gradient"/> is not empty, writes d(mean loss)/d(output) there (same length as the output).
    /// </summary>
    /// <exception cref="ArgumentException">The spans' lengths do not match the batch.</exception>
    public abstract float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch);

    /// <summary>How many network outputs the loss reads: 1 for most; 2 for a pair of embeddings (cosine-embedding), 3 for triplets.</summary>
    public virtual int Arity => 1;

    /// <summary>
    /// The loss over <see cref="Arity"/> outputs (each batch × its size per sample); when <paramref name="gradients"/> is
    /// not empty it holds one span per output, each receiving d(mean loss)/d(that output). Losses of arity 1 forward to
    /// <see cref="Compute(ReadOnlySpan{float}, LossTargets, Span{float}, int)"/>; losses of higher arity override this.
    /// </summary>
    /// <exception cref="ArgumentException">The number of outputs is not <see cref="Arity"/>, or a length does not match.</exception>
    public virtual float Compute(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, ReadOnlySpan<Memory<float>> gradients, int batch)
    {
        if (outputs.Length != Arity)
            throw new ArgumentException($"{Name} reads {Arity} output(s) but {outputs.Length} were given.", nameof(outputs));
        if (!gradients.IsEmpty && gradients.Length != outputs.Length)
            throw new ArgumentException($"{gradients.Length} gradient spans were given for {outputs.Length} output(s).", nameof(gradients));
        return Compute(outputs[0].Span, targets, gradients.IsEmpty ? Span<float>.Empty : gradients[0].Span, batch);
    }

    /// <summary>Whether this loss reads <see cref="LossTargets.Labels"/> (classification) rather than values.</summary>
    public virtual bool UsesLabels => false;

    /// <summary>
    /// Short name of the objective with its options, used to label loss figures in progress lines, plots and
    /// <see cref="Training.EvaluationResult.LossName"/> (e.g. <c>CE</c>, <c>CE, smoothing 0.1</c>, <c>MSE</c>).
    /// Default: the class name without the "Loss" suffix.
    /// </summary>
    public virtual string Name => GetType().Name.EndsWith("Loss", StringComparison.Ordinal) ? GetType().Name[..^4] : GetType().Name;

    /// <summary>Checks lengths common to every loss and returns the outputs per sample.</summary>
    protected static int CheckShapes(ReadOnlySpan<float> output, Span<float> gradient, int batch)
    {
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must be positive.");
        if (output.Length % batch != 0)
            throw new ArgumentException($"The output has {output.Length} elements, not a multiple of the batch {batch}.", nameof(output));
        if (!gradient.IsEmpty && gradient.Length != output.Length)
            throw new ArgumentException($"The gradient has {gradient.Length} elements but the output has {output.Length}.", nameof(gradient));
        return output.Length / batch;
    }

    /// <summary>
    /// For element-wise losses: checks the values and the mask and returns the total weight (the count of the mean).
    /// </summary>
    protected static double CheckValuesAndMask(ReadOnlySpan<float> output, LossTargets targets, int batch)
    {
        if (targets.Values.Length != output.Length)
            throw new ArgumentException($"The targets have {targets.Values.Length} values but the output has {output.Length} elements.", nameof(targets));
        ReadOnlySpan<float> mask = targets.Mask;
        if (mask.IsEmpty) return output.Length;
        int per = output.Length / batch;
        double count = 0;
        if (mask.Length == output.Length) foreach (float m in mask) count += m;
        else if (mask.Length == batch) foreach (float m in mask) count += (double)m * per;
        else throw new ArgumentException($"The mask has {mask.Length} entries; it needs one per element ({output.Length}) or one per sample ({batch}).", nameof(targets));
        return count;
    }

    /// <summary>The mask weight of element <paramref name="i"/> of an output of <paramref name="n"/> elements, <paramref name="perSample"/> per sample (1 without a mask).</summary>
    protected static float MaskAt(ReadOnlySpan<float> mask, int i, int n, int perSample)
        => mask.IsEmpty ? 1f : mask.Length == n ? mask[i] : mask[i / perSample];
}
