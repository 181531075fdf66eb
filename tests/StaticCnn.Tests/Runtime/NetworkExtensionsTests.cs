using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>One-sample Predict / Probabilities on any INetwork.</summary>
public class NetworkExtensionsTests
{
    private static (MlpNetwork Net, float[] Sample) Setup()
    {
        var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 5, maxBatch: 8);
        Initializers.ResetParameters(net, 3);
        var data = TestData.Blobs(8, 5);
        return (net, data.Image(2).ToArray());
    }

    [Fact]
    public void PredictAndProbabilitiesMatchForwardArgmaxAndSoftmax()
    {
        var (net, sample) = Setup();
        using var _ = net;
        var data = TestData.Blobs(20, 9);
        var logits = new float[4];
        var probs = new float[4];
        for (int i = 0; i < data.Count; i++)
        {
            net.Forward(data.Image(i), logits, 1);
            double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max));
            int argmax = Array.IndexOf(logits, logits.Max());
            Assert.Equal(argmax, net.Predict(data.Image(i)));
            Assert.Equal(argmax, net.Predict(data.Image(i), probs));
            for (int c = 0; c < 4; c++) Assert.Equal(Math.Exp(logits[c] - max) / sum, probs[c], 1e-6); // float exp vs double
            Assert.Equal(1.0, probs.Sum(), 6);
            Assert.Equal(probs, net.Probabilities(data.Image(i)));
        }
    }

    [Fact]
    public void SoftmaxIsStableForLargeScores()
    {
        var v = new float[] { 1000f, 999f, -1000f };
        NetworkExtensions.Softmax(v);
        Assert.Equal(1 / (1 + Math.Exp(-1)), v[0], 6);
        Assert.Equal(Math.Exp(-1) / (1 + Math.Exp(-1)), v[1], 6);
        Assert.Equal(0f, v[2]);
    }

    [Fact]
    public void AllocationFree()
    {
        var (net, sample) = Setup();
        using var _ = net;
        var probs = new float[4];
        net.Predict(sample); net.Predict(sample, probs); net.Probabilities(sample, probs); // JIT
        int s = 0;
        Assert.Equal(0, Allocations.PerRun(() =>
        {
            for (int i = 0; i < 100; i++) { s += net.Predict(sample); s += net.Predict(sample, probs); net.Probabilities(sample, probs); }
        }));
        Assert.True(s >= 0);
    }

    [Fact]
    public void BadArgumentsAreClearErrors()
    {
        var (net, sample) = Setup();
        using var _ = net;
        var e = Assert.Throws<ArgumentException>(() => net.Predict(new float[17]));
        Assert.Equal("sample", e.ParamName);
        Assert.Contains("17 floats", e.Message);
        Assert.Contains("2×3×3 = 18", e.Message);
        e = Assert.Throws<ArgumentException>(() => net.Probabilities(sample, new float[3]));
        Assert.Equal("probabilities", e.ParamName);
        Assert.Contains("4 classes", e.Message);
        sample[5] = float.NaN;
        e = Assert.Throws<ArgumentException>(() => net.Predict(sample));
        Assert.Contains("NaN at index 5", e.Message);
        Assert.Throws<ArgumentNullException>(() => ((INetwork)null!).Predict(sample));
    }

    [Fact]
    public void NonFiniteOutputIsReportedNotArgmaxed()
    {
        var (net, sample) = Setup();
        using var _ = net;
        net.Parameters.Fill(float.PositiveInfinity);
        var e = Assert.Throws<InvalidOperationException>(() => net.Predict(sample));
        Assert.Contains("not finite", e.Message);
    }

    [Fact]
    public void NonClassifierIsRejected()
    {
        using var net = new SpatialOutputNetwork();
        var e = Assert.Throws<InvalidOperationException>(() => net.Predict(new float[4]));
        Assert.Contains("outputs 2×2×2", e.Message);
    }

    [Fact]
    public void SoftmaxLastLayerIsNotAppliedTwice()
    {
        using var net = new SpatialOutputNetwork(classifierWithSoftmax: true);
        var p = net.Probabilities(new float[4]);
        Assert.Equal(Enumerable.Range(0, 4).Select(i => 0.1f * (i + 1)).ToArray(), p);
        Assert.Equal(3, net.Predict(new float[4]));
    }

    /// <summary>Constant outputs: (2, 2, 2) per sample, or a 4-class "softmax" classifier.</summary>
    private sealed class SpatialOutputNetwork(bool classifierWithSoftmax = false) : INetwork
    {
        public string Name => "Stub";
        public TensorShape InputShape => new(1, 2, 2);
        public TensorShape OutputShape => classifierWithSoftmax ? new(4, 1, 1) : new(2, 2, 2);
        public int InputSize => 4;
        public int OutputSize => OutputShape.Size;
        public int MaxBatch => 1;
        public Span<float> Parameters => Span<float>.Empty;
        public Span<float> Gradients => Span<float>.Empty;
        public Span<float> Buffers => Span<float>.Empty;
        public IReadOnlyList<TensorInfo> Tensors => Array.Empty<TensorInfo>();
        public IReadOnlyList<LayerInfo> Layers => new[] { new LayerInfo("Out", classifierWithSoftmax ? "Softmax" : "Conv2D", OutputShape, 0, -1, 0) };
        public int Threads { get; set; } = 1;
        public ulong Seed { get; set; }
        public string Summary => "";
        public void Forward(ReadOnlySpan<float> input, Span<float> output, int batch)
        {
            for (int i = 0; i < output.Length; i++) output[i] = 0.1f * (i + 1);
        }
        public void ForwardTrain(ReadOnlySpan<float> input, Span<float> output, int batch) => Forward(input, output, batch);
        public void Backward(ReadOnlySpan<float> dOutput, Span<float> dInput) { }
        public void ZeroGradients() { }
        public ReadOnlySpan<float> GetActivation(int layerIndex) => ReadOnlySpan<float>.Empty;
        public void Dispose() { }
    }
}
