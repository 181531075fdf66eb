using StaticCnn.Samples.Architectures;
using Xunit;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Batched inference one sample at a time (runtime/StaticCnn/SampleStreams.cs; the generator's
/// NetworkPlan.SamplesOneAtATime for networks of at least 100 M MACs per sample, 64 MACs per weight, and at most 8 M floats of activations per sample): a batch gives every sample the bits of
/// that sample alone at batch 1, on 1, 2 or more threads (a stream per thread), through the instance's Forward (every
/// sample's activations kept in its place for GetActivation) and through inference contexts (a batch-1 workspace per
/// stream), with live or prepared weights. ResNet-18 is the hard case: its Winograd and GEMM tails group a batch's sums
/// differently from batch 1's, so a batched body would not give these bits.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class SampleStreamsTests
{
    private const int Batch = 3;

    [Fact]
    public void Summary_SaysWhichNetworksRunOneSampleAtATime()
    {
        const string line = "Batched inference: one sample at a time, a stream per thread";
        foreach (string summary in new[] { ResNet18.SummaryText, ResNet50.SummaryText, MobileNetV2.SummaryText, Vgg16.SummaryText, DenseNet121.SummaryText })
            Assert.Contains(line, summary);
        Assert.DoesNotContain(line, LeNet5.SummaryText);         // 0.4 M MACs per sample
        Assert.DoesNotContain(line, AlexNet.SummaryText);        // 12 MACs per weight: its classifier's weights read per sample
        Assert.DoesNotContain(line, CifarResNet18.SummaryText);  // 50 MACs per weight
        Assert.DoesNotContain(line, UNet.SummaryText);           // 47 M floats of activations per sample: past any cache
    }

    [Theory]
    [InlineData("ResNet18")]
    [InlineData("MobileNetV2")]
    public void Batch_GivesEachSampleItsBatch1Bits_OnAnyThreadCount(string name)
    {
        using INetwork net = name == "ResNet18" ? new ResNet18(maxBatch: 4, seed: 5) : new MobileNetV2(maxBatch: 4, seed: 5);
        int n = net.InputSize, o = net.OutputSize;
        float[] x = Parity.RandomNormal(Batch * n, 11);
        var alone = new float[Batch * o];
        for (int i = 0; i < Batch; i++) net.Forward(x.AsSpan(i * n, n), alone.AsSpan(i * o, o), 1);
        Assert.All(alone, v => Assert.True(float.IsFinite(v)));
        Assert.True(alone.AsSpan(0, o).SequenceCompareTo(alone.AsSpan(o, o)) != 0, "the samples' outputs differ");

        float[] Run(Action<float[]> forward) { var y = new float[Batch * o]; forward(y); return y; }
        foreach (int threads in new[] { 1, 2, 5 })
        {
            net.Threads = threads;
            NumericAssert.Identical($"{name} Forward, batch {Batch}, {threads} threads", alone, Run(y => net.Forward(x, y, Batch)));
            using var context = net.CreateInferenceContext(4, threads);
            NumericAssert.Identical($"{name} context, {threads} threads", alone, Run(y => context.Forward(x, y, Batch)));
            using var prepared = net.CreateInferenceContext(4, threads, prepareWeights: true);
            NumericAssert.Identical($"{name} prepared context, {threads} threads", alone, Run(y => prepared.Forward(x, y, Batch)));
            // a smaller batch on the same context: the streams' workspaces are the first ones
            NumericAssert.Identical($"{name} prepared context, batch 2", alone.AsSpan(0, 2 * o).ToArray(),
                Run(y => prepared.Forward(x.AsSpan(0, 2 * n), y.AsSpan(0, 2 * o), 2)).AsSpan(0, 2 * o).ToArray());
        }
    }

    [Fact]
    public void InstanceForward_KeepsEverySamplesActivationsInPlace()
    {
        using var net = new ResNet18(maxBatch: Batch, seed: 2);
        int n = ResNet18.InputSize, last = net.Layers.Count - 1, before = last - 1;   // the classifier and the pooled features
        float[] x = Parity.RandomNormal(Batch * n, 4);
        var y = new float[Batch * ResNet18.OutputSize];
        var pooled = new List<float[]>();
        var logits = new List<float[]>();
        for (int i = 0; i < Batch; i++)
        {
            net.Forward(x.AsSpan(i * n, n), y.AsSpan(0, ResNet18.OutputSize), 1);
            pooled.Add(net.GetActivation(before).ToArray());
            logits.Add(net.GetActivation(last).ToArray());
        }
        net.Threads = 2;
        net.Forward(x, y, Batch);
        ReadOnlySpan<float> all = net.GetActivation(before), allLogits = net.GetActivation(last);
        int size = pooled[0].Length;
        Assert.Equal(Batch * size, all.Length);
        for (int i = 0; i < Batch; i++)
        {
            NumericAssert.Identical($"sample {i}'s pooled features", pooled[i], all.Slice(i * size, size).ToArray());
            NumericAssert.Identical($"sample {i}'s logits", logits[i], allLogits.Slice(i * logits[i].Length, logits[i].Length).ToArray());
        }
    }

    [Fact]
    public void Run_RejectsTooLittleScratchForItsStreams()
    {
        var body = new SampleStreams.Body((input, output, batch, ws, iws, prm, buf, scratch, mb, s0, threads, reference, prepared) => { });
        var ex = Assert.Throws<ArgumentException>(() => SampleStreams.Run(body, new float[4], 2, new float[4], 2, 2,
            new float[8], 4, Span<int>.Empty, 0, ReadOnlySpan<float>.Empty, ReadOnlySpan<float>.Empty, new float[16], 16, 2, 2, false, null));
        Assert.Equal("scratch", ex.ParamName);
        Assert.Equal(32, SampleStreams.ScratchFloats(2, 10));   // each stream's share rounded to 64 bytes
        Assert.Equal(2, SampleStreams.Streams(16, 2));
        Assert.Equal(1, SampleStreams.Streams(1, 2));
    }
}
