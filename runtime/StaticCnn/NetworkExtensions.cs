using System.Buffers;

namespace StaticCnn;

/// <summary>
/// One-sample inference helpers for any classifier <see cref="INetwork"/> (output C×1×1 = C class scores). They run
/// <see cref="INetwork.Forward(ReadOnlySpan{float}, Span{float}, int)"/> with batch 1 and therefore share the network's workspace: like <c>Forward</c>, they
/// are not thread-safe on one network instance (use one network per thread).
/// </summary>
/// <remarks>
/// PyTorch: <c>model(x[None]).argmax(1)</c> and <c>model(x[None]).softmax(1)</c>. When the network's last layer is a
/// <c>Softmax</c> its outputs are already probabilities and are returned as they are.
/// </remarks>
public static class NetworkExtensions
{
    private const int StackLimit = 256;

    /// <summary>
    /// The class with the highest score for one <paramref name="sample"/> (C×H×W floats, as <see cref="INetwork.InputShape"/>);
    /// ties go to the lowest index. Allocates nothing for up to 256 classes (rents a pooled array above).
    /// </summary>
    /// <exception cref="ArgumentException">The sample's length is not <see cref="INetwork.InputSize"/>, or it holds NaN or ±∞.</exception>
    /// <exception cref="InvalidOperationException">The network is not a classifier (output not C×1×1), or its output is not finite.</exception>
    public static int Predict(this INetwork network, ReadOnlySpan<float> sample)
    {
        int classes = CheckClassifier(network, sample);
        float[]? rented = null;
        Span<float> scores = classes <= StackLimit ? stackalloc float[classes] : (rented = ArrayPool<float>.Shared.Rent(classes)).AsSpan(0, classes);
        try
        {
            Scores(network, sample, scores);
            return ArgMax(scores);
        }
        finally
        {
            if (rented is not null) ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes the class probabilities of one <paramref name="sample"/> to <paramref name="probabilities"/> (softmax of
    /// the scores, computed stably; length <see cref="INetwork.OutputSize"/>) and returns the most probable class.
    /// Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length, or the sample holds NaN or ±∞.</exception>
    /// <exception cref="InvalidOperationException">The network is not a classifier (output not C×1×1), or its output is not finite.</exception>
    public static int Predict(this INetwork network, ReadOnlySpan<float> sample, Span<float> probabilities)
    {
        Probabilities(network, sample, probabilities);
        return ArgMax(probabilities);
    }

    /// <summary>
    /// Writes the class probabilities of one <paramref name="sample"/> to <paramref name="probabilities"/> (length
    /// <see cref="INetwork.OutputSize"/>): the softmax of the scores, in [0, 1] and summing to 1. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A span has the wrong length, or the sample holds NaN or ±∞.</exception>
    /// <exception cref="InvalidOperationException">The network is not a classifier (output not C×1×1), or its output is not finite.</exception>
    public static void Probabilities(this INetwork network, ReadOnlySpan<float> sample, Span<float> probabilities)
    {
        int classes = CheckClassifier(network, sample);
        if (probabilities.Length != classes)
            throw new ArgumentException($"The probabilities span has {probabilities.Length} elements but {network.Name} has {classes} classes.", nameof(probabilities));
        Scores(network, sample, probabilities);
        if (network.Layers.Count > 0 && network.Layers[^1].Kind == "Softmax") return;
        Softmax(probabilities);
    }

    /// <summary>Class probabilities of one <paramref name="sample"/> in a new array (see the span overload).</summary>
    /// <exception cref="ArgumentException">The sample has the wrong length or is not finite.</exception>
    /// <exception cref="InvalidOperationException">The network is not a classifier, or its output is not finite.</exception>
    public static float[] Probabilities(this INetwork network, ReadOnlySpan<float> sample)
    {
        ArgumentNullException.ThrowIfNull(network);
        var p = new float[network.OutputSize];
        Probabilities(network, sample, p);
        return p;
    }

    /// <summary>In-place softmax over <paramref name="values"/> (max subtracted, sum in double).</summary>
    internal static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values) max = Math.Max(max, v);
        double sum = 0;
        for (int i = 0; i < values.Length; i++) { values[i] = MathF.Exp(values[i] - max); sum += values[i]; }
        float inv = (float)(1 / sum);
        for (int i = 0; i < values.Length; i++) values[i] *= inv;
    }

    private static int ArgMax(ReadOnlySpan<float> v)
    {
        int best = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    private static int CheckClassifier(INetwork network, ReadOnlySpan<float> sample)
    {
        ArgumentNullException.ThrowIfNull(network);
        TensorShape o = network.OutputShape;
        if (o.Height != 1 || o.Width != 1 || o.Channels < 1)
            throw new InvalidOperationException($"{network.Name} outputs {o} per sample; Predict and Probabilities need a classifier whose output is C×1×1 class scores.");
        if (sample.Length != network.InputSize)
            throw new ArgumentException($"The sample has {sample.Length} floats but {network.Name} takes {network.InputShape} = {network.InputSize}.", nameof(sample));
        for (int i = 0; i < sample.Length; i++)
            if (!float.IsFinite(sample[i]))
                throw new ArgumentException($"The sample holds {sample[i]} at index {i}; inputs must be finite.", nameof(sample));
        return o.Channels;
    }

    private static void Scores(INetwork network, ReadOnlySpan<float> sample, Span<float> scores)
    {
        network.Forward(sample, scores, 1);
        for (int i = 0; i < scores.Length; i++)
            if (!float.IsFinite(scores[i]))
                throw new InvalidOperationException($"{network.Name} produced {scores[i]} for class {i} on a finite input: its parameters are not finite (diverged training or a bad checkpoint?).");
    }
}
