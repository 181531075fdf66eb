namespace StaticCnn.Losses;

/// <summary>Classification metrics over a batch of scores (logits or probabilities), batch × classes.</summary>
public static class Metrics
{
    /// <summary>How many samples have their label among the <paramref name="k"/> highest scores (ties count for the label). PyTorch: <c>torchmetrics</c> top-k accuracy numerator.</summary>
    public static int TopKCorrect(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int batch, int k = 1)
    {
        if (batch <= 0 || scores.Length % batch != 0)
            throw new ArgumentException($"The scores have {scores.Length} elements, not a positive multiple of the batch {batch}.", nameof(scores));
        if (labels.Length < batch) throw new ArgumentException($"There are {labels.Length} labels for a batch of {batch}.", nameof(labels));
        int classes = scores.Length / batch;
        int correct = 0;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> s = scores.Slice(b * classes, classes);
            int y = labels[b];
            if ((uint)y >= (uint)classes) continue;
            float target = s[y];
            // Rank of the label: classes scoring strictly higher, plus equal scores at a lower index (argmax's tie rule).
            int above = 0;
            for (int c = 0; c < classes && above < k; c++)
                if (s[c] > target || (s[c] == target && c < y) || float.IsNaN(s[c])) above++;
            if (above < k && !float.IsNaN(target)) correct++;
        }
        return correct;
    }

    /// <summary>Share of samples whose highest score is their label.</summary>
    public static float Accuracy(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int batch)
        => (float)TopKCorrect(scores, labels, batch, 1) / batch;

    /// <summary>Share of samples whose label is among the <paramref name="k"/> highest scores.</summary>
    public static float TopKAccuracy(ReadOnlySpan<float> scores, ReadOnlySpan<int> labels, int batch, int k)
        => (float)TopKCorrect(scores, labels, batch, k) / batch;

    /// <summary>The index of the highest score of each sample (first on ties), written to <paramref name="predictions"/>.</summary>
    public static void ArgMax(ReadOnlySpan<float> scores, int batch, Span<int> predictions)
    {
        int classes = scores.Length / batch;
        for (int b = 0; b < batch; b++)
        {
            ReadOnlySpan<float> s = scores.Slice(b * classes, classes);
            int best = 0;
            for (int c = 1; c < classes; c++) if (s[c] > s[best]) best = c;
            predictions[b] = best;
        }
    }
}
