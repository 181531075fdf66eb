using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// A smooth network with two inputs of rank 2 and 1 and three outputs, for the finite-difference check of the new
/// layers: Conv1D (padding, dilation, groups, stride), BatchNorm1D (training mode), AvgPool1D, GlobalAvgPool1D, Dense on
/// a sequence and on a vector with shared weights, L2Normalize, PairwiseDistance and CosineSimilarity.
/// </summary>
[Network]
public partial class SmoothMultiNet
{
    [Input(4, 20)] public partial NetworkInput Seq { get; }
    [Input(6)] public partial NetworkInput Vec { get; }
    [Conv1D(6, Kernel = 3, Padding = 2, Dilation = 2, Groups = 2, Activation = Activation.Tanh, From = nameof(Seq))] public partial Layer C1 { get; } // 6×20
    [BatchNorm1D] public partial Layer Bn { get; }
    [AvgPool1D(2)] public partial Layer Avg { get; }                                                  // 6×10
    [Conv1D(6, Kernel = 4, Stride = 2, Activation = Activation.Sigmoid)] public partial Layer C2 { get; } // 6×4
    [GlobalAvgPool1D] public partial Layer Gap { get; }                                               // 6×1
    [Dense(6, Activation = Activation.Tanh)] public partial Layer EmbA { get; }                       // 6
    [Dense(6, Activation = Activation.Tanh, From = nameof(Vec), Shares = nameof(EmbA))] public partial Layer EmbB { get; }
    [L2Normalize(From = nameof(EmbA))] public partial Layer NormA { get; }
    [PairwiseDistance(nameof(NormA), nameof(EmbB), Output = true)] public partial Layer Dist { get; }
    [CosineSimilarity(nameof(EmbA), nameof(EmbB), Output = true)] public partial Layer Cos { get; }
    [Dense(3, Activation = Activation.Sigmoid, From = nameof(C2), Output = true)] public partial Layer Head { get; }
}

/// <summary>
/// Finite differences of <see cref="SmoothMultiNet"/> through the list API: L = Σ_k Σ y_k·r_k over the three outputs, so
/// Backward([r_0, r_1, r_2], [dSeq, dVec]) gives dL/dθ (the shared Dense's gradient summed over its two uses) and both
/// input gradients. Method and bound as <see cref="GradientCheckTests"/> (Richardson-extrapolated central differences,
/// |fd − analytic| ≤ 1e-2·|analytic| + 1e-3 + 1e-3·max|analytic|).
/// </summary>
[Trait("Category", "Numeric")]
public sealed class MultiIOGradientCheckTests
{
    private readonly ITestOutputHelper _out;
    public MultiIOGradientCheckTests(ITestOutputHelper output) => _out = output;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void FiniteDifferencesMatchBackward(bool referenceKernels)
    {
        const int batch = 3;
        using var net = new SmoothMultiNet(batch, seed: 5) { UseReferenceKernels = referenceKernels };
        INetwork general = net;
        foreach (TensorInfo t in net.Tensors)
            if (net.Layers[t.Layer].Type == LayerType.BatchNorm1D && t.Role == TensorRole.Parameter)
                Parity.RandomNormal(t.Length, t.Offset + 100, 0.5).Select(v => v + (t.Name.EndsWith("weight") ? 1f : 0f)).ToArray().CopyTo(net.Parameters.Slice(t.Offset, t.Length));
        float[] seq = Parity.RandomNormal(batch * SmoothMultiNet.SeqSize, 31);
        float[] vec = Parity.RandomNormal(batch * SmoothMultiNet.VecSize, 32);
        float[][] r = net.Outputs.Select((o, k) => Parity.RandomNormal(batch * o.Size, 40 + k)).ToArray();
        float[][] y = net.Outputs.Select(o => new float[batch * o.Size]).ToArray();

        double Loss()
        {
            general.ForwardTrain([seq, vec], [y[0], y[1], y[2]], batch);
            double s = 0;
            for (int k = 0; k < y.Length; k++)
                for (int i = 0; i < y[k].Length; i++) s += (double)y[k][i] * r[k][i];
            return s;
        }

        net.ZeroGradients();
        Loss();
        var dSeq = new float[seq.Length];
        var dVec = new float[vec.Length];
        general.Backward([r[0], r[1], r[2]], [dSeq, dVec]);
        float[] grads = net.Gradients.ToArray();

        var fd = new FiniteDifferences("SmoothMultiNet", Loss);
        fd.CheckParameters(net, grads);
        fd.CheckInput("Seq", seq, dSeq, 2);
        fd.CheckInput("Vec", vec, dVec, 1);
        Assert.Equal(SmoothMultiNet.ParameterCount, net.Tensors.Where(t => t.Role == TensorRole.Parameter).Sum(t => (long)t.Length));
        _out.WriteLine($"SmoothMultiNet (reference={referenceKernels}): {fd.Count} derivatives, worst |diff|/bound {fd.Worst:F3}");
    }
}
