using System.Globalization;

namespace StaticCnn.Training;

/// <summary>Argument checks shared by the metrics.</summary>
internal static class MetricChecks
{
    /// <summary>Checks the output count and the batch and returns output 0 with its size per sample.</summary>
    public static ReadOnlySpan<float> One(string name, ReadOnlySpan<ReadOnlyMemory<float>> outputs, int batch, out int perSample)
    {
        if (outputs.Length != 1)
            throw new ArgumentException($"{name} reads 1 output but {outputs.Length} were given.", nameof(outputs));
        if (batch <= 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "The batch must be positive.");
        ReadOnlySpan<float> y = outputs[0].Span;
        if (y.Length == 0 || y.Length % batch != 0)
            throw new ArgumentException($"The output has {y.Length} elements, not a positive multiple of the batch {batch}.", nameof(outputs));
        perSample = y.Length / batch;
        return y;
    }

    /// <summary>Checks that <paramref name="values"/> holds one 0/1 pair label per sample.</summary>
    public static void BinaryLabels(string name, ReadOnlySpan<float> values, int batch)
    {
        if (values.Length != batch)
            throw new ArgumentException($"{name}: there are {values.Length} labels (Values) for a batch of {batch}.", "targets");
        for (int i = 0; i < batch; i++)
            if (values[i] != 0f && values[i] != 1f)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}: sample {i} has label {values[i]}; the labels must be 0 or 1."), "targets");
    }
}
