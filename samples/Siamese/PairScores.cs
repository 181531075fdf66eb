using StaticCnn.Data;

namespace StaticCnn.Samples.Siamese;

/// <summary>
/// Distances of a trained <see cref="SiameseCnn"/> on a pair set, the threshold that separates them best, and the
/// same/different confusion counts at a threshold (a pair is called "same" when its distance is below the threshold,
/// as <c>PairAccuracy</c> does). PyTorch: <c>d = model(l, r)</c>; <c>((d &lt; t) == y).float().mean()</c>.
/// </summary>
public static class PairScores
{
    /// <summary>The distance of every pair of <paramref name="data"/> (tensors <c>Left</c>, <c>Right</c>), in inference mode.</summary>
    public static float[] Distances(SiameseCnn net, TensorDataset data, int batch)
    {
        ArgumentNullException.ThrowIfNull(net);
        ArgumentNullException.ThrowIfNull(data);
        float[] left = data.Floats(SiamesePairs.LeftName), right = data.Floats(SiamesePairs.RightName);
        var distance = new float[data.Count];
        const int size = SiameseCnn.LeftSize;
        for (int start = 0; start < data.Count; start += batch)
        {
            int n = Math.Min(batch, data.Count - start);
            net.Forward(left.AsSpan(start * size, n * size), right.AsSpan(start * size, n * size), distance.AsSpan(start, n), n);
        }
        return distance;
    }

    /// <summary>
    /// The threshold of highest pair accuracy on (<paramref name="distances"/>, <paramref name="same"/>): the midpoint
    /// between two consecutive sorted distances, or just above/below all of them; the first such one on ties.
    /// </summary>
    /// <returns>The threshold and the accuracy it gives.</returns>
    public static (float Threshold, double Accuracy) BestThreshold(ReadOnlySpan<float> distances, ReadOnlySpan<float> same)
    {
        if (distances.Length != same.Length || distances.Length == 0)
            throw new ArgumentException($"{distances.Length} distances and {same.Length} labels: need as many, and at least one.");
        float[] d = distances.ToArray(), y = same.ToArray();
        Array.Sort(d, y);
        int n = d.Length;
        int negatives = 0;
        foreach (float v in y) if (v == 0f) negatives++;
        // Threshold below everything: every pair is called different, the negatives are right.
        int correct = negatives, best = correct;
        float bestThreshold = d[0] - 1e-3f;
        for (int i = 0; i < n; i++)
        {
            correct += y[i] == 1f ? 1 : -1;  // pair i now falls below the threshold: called same
            if (i + 1 < n && d[i + 1] == d[i]) continue;
            if (correct > best)
            {
                best = correct;
                bestThreshold = i + 1 < n ? 0.5f * (d[i] + d[i + 1]) : d[i] + 1e-3f;
            }
        }
        return (bestThreshold, (double)best / n);
    }

    /// <summary>Same/different confusion counts at <paramref name="threshold"/>.</summary>
    public static (int TrueSame, int FalseDifferent, int FalseSame, int TrueDifferent) Confusion(ReadOnlySpan<float> distances, ReadOnlySpan<float> same, float threshold)
    {
        int ts = 0, fd = 0, fs = 0, td = 0;
        for (int i = 0; i < distances.Length; i++)
        {
            bool calledSame = distances[i] < threshold;
            if (same[i] == 1f) { if (calledSame) ts++; else fd++; }
            else if (calledSame) fs++; else td++;
        }
        return (ts, fd, fs, td);
    }
}
