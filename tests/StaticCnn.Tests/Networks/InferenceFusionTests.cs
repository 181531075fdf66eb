using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Conv2D → BatchNorm2D chains: with an activation layer (C1, B1, R1), with a residual Add whose other operand came
/// before (C2, B2, Res), with an Add whose BatchNorm is the second input and whose other operand is a BatchNorm kept
/// by a two-layer chain (C4, B4 kept; C5, B5, Res2 fused), and one that must not fuse (C3 is also read by the Concat).
/// </summary>
[Network(InputChannels = 3, InputHeight = 12, InputWidth = 12)]
public partial class FusedChainNet
{
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer C1 { get; }
    [BatchNorm2D] public partial Layer B1 { get; }
    [ReLU6] public partial Layer R1 { get; }
    [Conv2D(8, Kernel = 3, Padding = 1)] public partial Layer C2 { get; }
    [BatchNorm2D] public partial Layer B2 { get; }
    [Add(nameof(B2), nameof(R1), Activation = Activation.ReLU)] public partial Layer Res { get; }
    [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer C4 { get; }
    [BatchNorm2D] public partial Layer B4 { get; }
    [Conv2D(8, Kernel = 1, Bias = false, From = nameof(Res))] public partial Layer C5 { get; }
    [BatchNorm2D] public partial Layer B5 { get; }
    [Add(nameof(B4), nameof(B5))] public partial Layer Res2 { get; }
    [Conv2D(4, Kernel = 1)] public partial Layer C3 { get; }
    [BatchNorm2D] public partial Layer B3 { get; }
    [Concat(nameof(B3), nameof(C3))] public partial Layer Cat { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(5)] public partial Layer Fc { get; }
}

/// <summary>
/// The inference fusion of Conv2D → BatchNorm2D (→ activation) through a generated network: the output against the
/// layer-by-layer kernels, bit for bit, and against the reference twins; GetActivation of a layer computed inside a
/// fused chain throws after Forward and works after ForwardTrain.
/// </summary>
public class InferenceFusionTests
{
    private static FusedChainNet Make(int batch, int threads)
    {
        var net = new FusedChainNet(batch, seed: 11) { Threads = threads };
        var rng = new Random(3);
        Span<float> prm = net.Parameters;
        for (int i = 0; i < prm.Length; i++) prm[i] += (float)(rng.NextDouble() * 0.4 - 0.2);   // γ ≠ 1, β ≠ 0
        foreach (Layer bn in new[] { net.B1, net.B2, net.B3, net.B4, net.B5 })
        {
            foreach (ref float m in bn.Tensor("running_mean")) m = (float)(rng.NextDouble() * 2 - 1);
            foreach (ref float v in bn.Tensor("running_var")) v = (float)(rng.NextDouble() * 1.8 + 0.2);
        }
        return net;
    }

    private static int Index(INetwork net, string name)
    {
        for (int i = 0; i < net.Layers.Count; i++) if (net.Layers[i].Name == name) return i;
        throw new KeyNotFoundException(name);
    }

    [Theory, InlineData(1), InlineData(2)]
    [Trait("Category", "Numeric")]
    public void Forward_gives_the_bits_of_the_separate_layers(int threads)
    {
        const int batch = 3;
        using var net = Make(batch, threads);
        var x = Kernels.OpsTestUtil.Rand(new Random(5), batch * FusedChainNet.InputSize, -12f, 12f);   // large enough that ReLU6 clips at 6
        var y = new float[batch * FusedChainNet.OutputSize];
        net.Forward(x, y, batch);

        // the same chain, layer by layer through the public kernels
        float[] Conv(Layer l, int inC, int outC, int k, int pad, float[] input)
        {
            var s = Kernels.ConvAlgorithmListTests.Shape(inC, 12, 12, outC, k, k, ph: pad, pw: pad) with { hasBias = !l.Bias.IsEmpty };
            var o = new float[batch * outC * 144];
            Conv2D.Forward(s, input, l.Weight.ToArray(), l.Bias.ToArray(), o, batch, new float[Conv2D.ForwardScratchFloats(s, batch, 1)], 1);
            return o;
        }
        float[] Bn(Layer l, int c, float[] input)
        {
            var o = new float[input.Length];
            BatchNorm2D.ForwardInference(new BatchNormShape(c, 12, 12), input, l.Weight.ToArray(), l.Bias.ToArray(),
                l.Tensor("running_mean").ToArray(), l.Tensor("running_var").ToArray(), o, batch, 1);
            return o;
        }
        var r1 = Bn(net.B1, 8, Conv(net.C1, 3, 8, 3, 1, x));
        Activations.ApplyForward(Activation.ReLU6, 0, r1);
        var b2 = Bn(net.B2, 8, Conv(net.C2, 8, 8, 3, 1, r1));
        var res = (float[])b2.Clone();
        Elementwise.AddInto(r1, res);
        Activations.ApplyForward(Activation.ReLU, 0, res);
        var b4 = Bn(net.B4, 8, Conv(net.C4, 8, 8, 3, 1, res));
        var res2 = (float[])b4.Clone();
        Elementwise.AddInto(Bn(net.B5, 8, Conv(net.C5, 8, 8, 1, 0, res)), res2);
        var c3 = Conv(net.C3, 8, 4, 1, 0, res2);
        Kernels.OpsTestUtil.BitEqual(r1, net.R1.Activation.ToArray(), "C1 → B1 → R1");
        Kernels.OpsTestUtil.BitEqual(res, net.Res.Activation.ToArray(), "C2 → B2 → Res (+ R1, ReLU)");
        Kernels.OpsTestUtil.BitEqual(b4, net.B4.Activation.ToArray(), "C4 → B4");
        Kernels.OpsTestUtil.BitEqual(res2, net.Res2.Activation.ToArray(), "C5 → B5 → Res2 (B4 +)");
        Kernels.OpsTestUtil.BitEqual(c3, net.C3.Activation.ToArray(), "C3 (not fused)");
        Kernels.OpsTestUtil.BitEqual(Bn(net.B3, 4, c3), net.B3.Activation.ToArray(), "B3");
        Assert.Contains(r1, v => v == 6f);
        Assert.Contains(r1, v => v == 0f);

        // and the reference twins agree within rounding
        using var reference = Make(batch, 1);
        reference.UseReferenceKernels = true;
        var yr = new float[y.Length];
        reference.Forward(x, yr, batch);
        NumericAssert.Close("reference kernels", yr, y, rtol: 1e-5, atol: 1e-5);
    }

    [Fact]
    public void GetActivation_of_a_fused_layer_throws_after_Forward_and_works_after_ForwardTrain()
    {
        using var net = Make(2, 1);
        var x = Kernels.OpsTestUtil.Rand(new Random(1), 2 * FusedChainNet.InputSize);
        var y = new float[2 * FusedChainNet.OutputSize];
        int c1 = Index(net, "C1");
        Assert.Equal(0, net.GetActivation(c1).Length);   // nothing run yet: empty, no error
        net.Forward(x, y, 2);
        var e = Assert.Throws<InvalidOperationException>(() => net.GetActivation(c1));
        Assert.Contains("C1", e.Message);
        Assert.Contains("R1", e.Message);
        Assert.Contains("ForwardTrain", e.Message);
        Assert.Contains("R1", Assert.Throws<InvalidOperationException>(() => net.GetActivation(Index(net, "B1"))).Message);
        foreach (string skipped in new[] { "C2", "B2" })
            Assert.Contains("Res ", Assert.Throws<InvalidOperationException>(() => net.GetActivation(Index(net, skipped))).Message);
        Assert.Contains("B4", Assert.Throws<InvalidOperationException>(() => net.GetActivation(Index(net, "C4"))).Message);
        foreach (string skipped in new[] { "C5", "B5" })
            Assert.Contains("Res2", Assert.Throws<InvalidOperationException>(() => net.GetActivation(Index(net, skipped))).Message);
        Assert.Equal(2 * 8 * 144, net.R1.Activation.Length);
        Assert.Equal(2 * 8 * 144, net.B4.Activation.Length);
        Assert.Equal(2 * 4 * 144, net.C3.Activation.Length);   // also read by Cat: not fused

        net.ForwardTrain(x, y, 2);
        var conv = net.GetActivation(c1).ToArray();
        Assert.Equal(2 * 8 * 144, conv.Length);
        Assert.Contains(conv, v => v < 0);          // the convolution's own output, before BatchNorm and ReLU6
        Assert.Equal(2 * 8 * 144, net.GetActivation(Index(net, "B1")).Length);
    }
}
