using StaticCnn.Kernels;
using StaticCnn.Samples.Architectures;
using Xunit;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Inference contexts created with <c>prepareWeights: true</c> (runtime/StaticCnn/InferenceContext.cs): ResNet-18's
/// Winograd layers read weights prepared once, from a copy of the weights taken at creation. The results are the
/// network's own bit for bit; later changes to the weights are not seen until RefreshWeights, which then gives the new
/// weights' results bit for bit.
/// </summary>
public sealed class PreparedWeightsTests
{
    [Fact]
    public void ResNet18_PreparedContext_IsASnapshot_UntilRefreshed()
    {
        using var net = new ResNet18(maxBatch: 2, seed: 3);
        // a few training steps: the BatchNorm running statistics are not their initial 0/1, and are part of the copy
        var t = new float[2 * ResNet18.OutputSize];
        for (int i = 0; i < 2; i++) net.ForwardTrain(Parity.RandomNormal(2 * ResNet18.InputSize, 20 + i), t, 2);
        float[] x = Parity.RandomNormal(2 * ResNet18.InputSize, 7);
        float[] Run(Action<float[]> forward) { var y = new float[2 * ResNet18.OutputSize]; forward(y); return y; }

        float[] x1 = x.AsSpan(ResNet18.InputSize).ToArray();   // batch 1: sums may group differently from batch 2
        float[] Run1(Action<float[]> forward) { var y = new float[ResNet18.OutputSize]; forward(y); return y; }
        float[] before = Run(y => net.Forward(x, y, 2)), before1 = Run1(y => net.Forward(x1, y, 1));
        using IInferenceContext live = net.CreateInferenceContext(2, 2);
        using IInferenceContext prepared = net.CreateInferenceContext(2, 2, prepareWeights: true);
        using IInferenceContext prepared1 = net.CreateInferenceContext(1, 1, prepareWeights: true);
        Assert.False(live.WeightsPrepared);
        Assert.True(prepared.WeightsPrepared);
        NumericAssert.Identical("prepared context, 2 threads", before, Run(y => prepared.Forward(x, y, 2)));
        // one slot per Conv2D layer (20); the Winograd layers' are filled (layer1–layer3's stride-1 3×3 convolutions at least)
        PreparedWeights slots = ((InferenceContext)prepared).Prepared!;
        Assert.Equal(20, slots.Slots);
        Assert.Equal("k", Assert.Throws<ArgumentOutOfRangeException>(() => slots.Slot(20)).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => slots.Slot(-1));
        int filled = Enumerable.Range(0, slots.Slots).Count(k => slots.Slot(k).Length > 0);
        Assert.True(filled >= 10, $"{filled} of 20 convolutions prepared");
        NumericAssert.Identical("prepared context, batch 1", before1, Run1(y => prepared1.Forward(x1, y, 1)));

        // change every weight and running statistic: the live context and the network see it, the prepared one does not
        foreach (ref float p in net.Parameters) p *= 0.9f;
        foreach (ref float b in net.Buffers) b *= 1.1f;
        float[] after = Run(y => net.Forward(x, y, 2)), after1 = Run1(y => net.Forward(x1, y, 1));
        Assert.NotEqual(before, after);
        NumericAssert.Identical("live context after the change", after, Run(y => live.Forward(x, y, 2)));
        NumericAssert.Identical("prepared context after the change (its copy)", before, Run(y => prepared.Forward(x, y, 2)));

        // the prepared forms are what the calls read: zeroing one changes the result
        PreparedWeights scratchSlots = ((InferenceContext)prepared1).Prepared!;
        int first = Enumerable.Range(0, scratchSlots.Slots).First(k => scratchSlots.Slot(k).Length > 0);
        scratchSlots.Slot(first).Clear();
        Assert.NotEqual(before1, Run1(y => prepared1.Forward(x1, y, 1)));
        prepared1.RefreshWeights();
        NumericAssert.Identical("prepared context, batch 1, refreshed", after1, Run1(y => prepared1.Forward(x1, y, 1)));

        prepared.RefreshWeights();
        NumericAssert.Identical("prepared context after RefreshWeights", after, Run(y => prepared.Forward(x, y, 2)));
        live.RefreshWeights(); // nothing to do
        NumericAssert.Identical("live context after RefreshWeights", after, Run(y => live.Forward(x, y, 2)));
    }

    [Fact]
    public void PreparedContext_OutlivesTheNetwork_AndRefusesUseAfterDispose()
    {
        var net = new ResNet18(maxBatch: 1, seed: 4);
        float[] x = Parity.RandomNormal(ResNet18.InputSize, 8);
        var expected = new float[ResNet18.OutputSize];
        net.Forward(x, expected, 1);
        IInferenceContext ctx = net.CreateInferenceContext(prepareWeights: true);
        net.Dispose();
        Assert.Throws<ObjectDisposedException>(() => net.CreateInferenceContext(prepareWeights: true));
        var y = new float[ResNet18.OutputSize];
        ctx.Forward(x, y, 1);
        NumericAssert.Identical("after the network's Dispose", expected, y);
        ctx.RefreshWeights(); // the arenas live while a context holds them
        ctx.Forward(x, y, 1);
        NumericAssert.Identical("refreshed after the network's Dispose", expected, y);
        ctx.Dispose();
        Assert.Throws<ObjectDisposedException>(() => ctx.Forward(x, y, 1));
        Assert.Throws<ObjectDisposedException>(() => ctx.RefreshWeights());
    }
}
