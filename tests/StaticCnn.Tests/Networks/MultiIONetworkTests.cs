using StaticCnn.Losses;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>One image, two named outputs: class logits and a box (PyTorch twin: TwoHead in tools/make_multi_fixtures.py).</summary>
[Network]
public partial class TwoHeadNet
{
    [Input(1, 16, 16)] public partial NetworkInput Image { get; }
    [Conv2D(4, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
    [MaxPool2D(2)] public partial Layer Pool1 { get; }
    [Dense(16, Activation = Activation.ReLU)] public partial Layer Trunk { get; }
    [Dense(3, Output = true)] public partial Layer Cls { get; }
    [Dense(4, From = nameof(Trunk), Output = true)] public partial Layer Box { get; }
}

/// <summary>Two images through one set of weights (PyTorch twin: Siamese, the same modules called twice).</summary>
[Network]
public partial class SiameseNet
{
    [Input(1, 12, 12)] public partial NetworkInput Left { get; }
    [Input(1, 12, 12)] public partial NetworkInput Right { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Left), Activation = Activation.ReLU)] public partial Layer ConvL { get; }
    [MaxPool2D(2)] public partial Layer PoolL { get; }
    [Dense(8, Output = true)] public partial Layer EmbedL { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Right), Activation = Activation.ReLU, Shares = nameof(ConvL))] public partial Layer ConvR { get; }
    [MaxPool2D(2)] public partial Layer PoolR { get; }
    [Dense(8, Output = true, Shares = nameof(EmbedL))] public partial Layer EmbedR { get; }
}

/// <summary>Shared branches, L2-normalised embeddings, their distance and the raw embeddings' cosine (PyTorch twin: SiameseDistance).</summary>
[Network]
public partial class SiameseDistanceNet
{
    [Input(1, 12, 12)] public partial NetworkInput Left { get; }
    [Input(1, 12, 12)] public partial NetworkInput Right { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Left), Activation = Activation.ReLU)] public partial Layer ConvL { get; }
    [MaxPool2D(2)] public partial Layer PoolL { get; }
    [Dense(8)] public partial Layer EmbedL { get; }
    [L2Normalize] public partial Layer NormL { get; }
    [Conv2D(4, Kernel = 3, From = nameof(Right), Activation = Activation.ReLU, Shares = nameof(ConvL))] public partial Layer ConvR { get; }
    [MaxPool2D(2)] public partial Layer PoolR { get; }
    [Dense(8, Shares = nameof(EmbedL))] public partial Layer EmbedR { get; }
    [L2Normalize] public partial Layer NormR { get; }
    [PairwiseDistance(nameof(NormL), nameof(NormR), Output = true)] public partial Layer Distance { get; }
    [CosineSimilarity(nameof(EmbedL), nameof(EmbedR), Output = true)] public partial Layer Cosine { get; }
}

/// <summary>The embedding layers in a one-input shorthand network: it compiles, and has no PyTorch twin (yet).</summary>
[Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
public partial class ShorthandEmbeddingNet
{
    [Dense(6)] public partial Layer A { get; }
    [Dense(6, From = "Input")] public partial Layer B { get; }
    [L2Normalize(From = nameof(A))] public partial Layer NormA { get; }
    [PairwiseDistance(nameof(NormA), nameof(B))] public partial Layer Distance { get; }
}

/// <summary>A time-delay network on 8 features × 200 steps (PyTorch twin: Tdnn).</summary>
[Network]
public partial class TdnnNet
{
    [Input(8, 200)] public partial NetworkInput Signal { get; }
    [Conv1D(16, Kernel = 5, Activation = Activation.ReLU)] public partial Layer Tdnn1 { get; }
    [Conv1D(16, Kernel = 3, Dilation = 2, Activation = Activation.ReLU)] public partial Layer Tdnn2 { get; }
    [BatchNorm1D] public partial Layer Bn { get; }
    [MaxPool1D(2)] public partial Layer Pool { get; }
    [Conv1D(16, Kernel = 3, Dilation = 3, Groups = 4)] public partial Layer Tdnn3 { get; }
    [AvgPool1D(2)] public partial Layer Avg { get; }
    [GlobalAvgPool1D] public partial Layer Gap { get; }
    [Dense(5)] public partial Layer Fc { get; }
}

/// <summary>
/// Networks with several named inputs and outputs, shared weights and sequences against PyTorch
/// (tests/Fixtures/multi, made by tools/make_multi_fixtures.py): every output, every parameter gradient (a shared
/// parameter's is the sum over its uses) and every input gradient, on the fast and the reference kernels, 1 and 2 threads.
/// </summary>
/// <remarks>Bound: as NetworkParityTests, |a − e| ≤ 1e-5·|e| + 1e-5·max|e| per tensor.</remarks>
[Trait("Category", "Numeric")]
public sealed class MultiIONetworkTests
{
    private readonly ITestOutputHelper _out;
    public MultiIONetworkTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Modes() => new[] { new object[] { 1, false }, new object[] { 2, false }, new object[] { 1, true } };

    private static void AssertTensor(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
        => NetworkParityTests.AssertTensor(what, expected, actual);

    private static void AssertParameterGradients(INetwork net, Fixture f)
    {
        Assert.Equal(f.Meta("parameters").Split(','), net.Tensors.Where(t => t.Role == TensorRole.Parameter).Select(t => t.Name).ToArray());
        foreach (TensorInfo t in net.Tensors.Where(t => t.Role == TensorRole.Parameter))
            AssertTensor("grad." + t.Name, f.Floats("grad." + t.Name), Parity.Tensor(net, t.Name, gradient: true));
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void TwoHeads_ClassAndBox_MatchPyTorch(int threads, bool reference)
    {
        Fixture f = Fixture.Load("multi/two_head.safetensors");
        int batch = f.Shape("input")[0];
        using var net = new TwoHeadNet(batch) { Threads = threads, UseReferenceKernels = reference };
        Parity.LoadWeights(net, f);
        Assert.Equal(new[] { "Cls", "Box" }, net.Outputs.Select(o => o.Name));
        Assert.Equal(new TensorShape(3), net.Outputs[0].Shape);

        var cls = new float[batch * TwoHeadNet.ClsSize];
        var box = new float[batch * TwoHeadNet.BoxSize];
        net.ForwardTrain(f.Floats("input"), cls, box, batch);
        AssertTensor("cls", f.Floats("cls"), cls);
        AssertTensor("box", f.Floats("box"), box);

        // CE(class) + 2·SmoothL1(box): each output's gradient is its loss's, times the loss weight
        var dCls = new float[cls.Length];
        var dBox = new float[box.Length];
        float ce = new CrossEntropyLoss().Compute(cls, LossTargets.FromLabels(f.Ints("labels")), dCls, batch);
        float sl1 = new SmoothL1Loss().Compute(box, LossTargets.FromValues(f.Floats("boxes")), dBox, batch);
        for (int i = 0; i < dBox.Length; i++) dBox[i] *= 2;
        Assert.True(Math.Abs(ce + 2 * sl1 - f.Floats("loss")[0]) <= 1e-5 * f.Floats("loss")[0], $"loss {ce + 2 * sl1:R}, PyTorch {f.Floats("loss")[0]:R}");

        net.ZeroGradients();
        var dInput = new float[batch * TwoHeadNet.InputSize];
        net.Backward(dCls, dBox, dInput);
        AssertTensor("grad_input", f.Floats("grad_input"), dInput);
        AssertParameterGradients(net, f);

        // The same through the INetwork lists, and inference (Forward) gives the same outputs.
        INetwork general = net;
        var cls2 = new float[cls.Length];
        var box2 = new float[box.Length];
        general.Forward([f.Floats("input")], [cls2, box2], batch);
        NumericAssert.Identical("Forward cls", cls, cls2);
        NumericAssert.Identical("Forward box", box, box2);
        _out.WriteLine($"two heads threads={threads} reference={reference}: loss {ce + 2 * sl1:R} (PyTorch {f.Floats("loss")[0]:R})");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Siamese_SharedWeights_GradientIsTheSumOfBothUses(int threads, bool reference)
    {
        Fixture f = Fixture.Load("multi/siamese.safetensors");
        int batch = f.Shape("left")[0];
        using var net = new SiameseNet(batch) { Threads = threads, UseReferenceKernels = reference };
        // the shared parameters appear once, under the first layer's name
        Assert.Equal(new[] { "conv_l.weight", "conv_l.bias", "embed_l.weight", "embed_l.bias" }, net.Tensors.Select(t => t.Name));
        Assert.Equal(SiameseNet.ParameterCount, 4 * 9 + 4 + 100 * 8 + 8);
        Parity.LoadWeights(net, f);

        var el = new float[batch * SiameseNet.EmbedLSize];
        var er = new float[batch * SiameseNet.EmbedRSize];
        net.ForwardTrain(f.Floats("left"), f.Floats("right"), el, er, batch);
        AssertTensor("embed_l", f.Floats("embed_l"), el);
        AssertTensor("embed_r", f.Floats("embed_r"), er);

        net.ZeroGradients();
        var dLeft = new float[batch * SiameseNet.LeftSize];
        var dRight = new float[batch * SiameseNet.RightSize];
        net.Backward(f.Floats("grad_out.embed_l"), f.Floats("grad_out.embed_r"), dLeft, dRight);
        AssertTensor("grad_left", f.Floats("grad_left"), dLeft);
        AssertTensor("grad_right", f.Floats("grad_right"), dRight);
        AssertParameterGradients(net, f);

        // One branch's gradient alone (an empty dOutput: that output is not used) is part of the sum, not all of it.
        net.ForwardTrain(f.Floats("left"), f.Floats("right"), el, er, batch);
        net.ZeroGradients();
        net.Backward(f.Floats("grad_out.embed_l"), default, default, default);
        float[] leftOnly = net.Gradients.ToArray();
        net.ForwardTrain(f.Floats("left"), f.Floats("right"), el, er, batch);
        net.ZeroGradients();
        net.Backward(default, f.Floats("grad_out.embed_r"), default, default);
        float[] rightOnly = net.Gradients.ToArray();
        var sum = leftOnly.Zip(rightOnly, (a, b) => a + b).ToArray();
        double worst = 0;
        float[] expected = net.Tensors.SelectMany(t => f.Floats("grad." + t.Name)).ToArray();
        for (int i = 0; i < sum.Length; i++) worst = Math.Max(worst, Math.Abs(sum[i] - expected[i]));
        Assert.True(worst <= 1e-4, $"left-only + right-only gradients differ from PyTorch's sum by {worst:g3}");
        Assert.True(NumericAssert.MaxAbsError(leftOnly, expected) > 1e-3, "one use alone should not give the whole gradient");
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void TimeDelayNetwork_8x200_MatchesPyTorch(int threads, bool reference)
    {
        Fixture f = Fixture.Load("multi/tdnn.safetensors");
        int batch = f.Shape("input")[0];
        using var net = new TdnnNet(batch) { Threads = threads, UseReferenceKernels = reference };
        Parity.LoadWeights(net, f);
        Assert.Equal(new TensorShape(8, 200), net.InputShape);
        Assert.Equal(new TensorShape(16, 196), net.Layers[0].OutputShape);
        Assert.Equal(new TensorShape(16, 1), net.Layers[6].OutputShape);
        Assert.Equal(new TensorShape(5), net.OutputShape);

        var eval = new float[batch * TdnnNet.OutputSize];
        net.Forward(f.Floats("input"), eval, batch);
        AssertTensor("output_eval", f.Floats("output_eval"), eval);

        var y = new float[batch * TdnnNet.OutputSize];
        net.ForwardTrain(f.Floats("input"), y, batch);
        AssertTensor("output", f.Floats("output"), y);
        AssertTensor("running_mean", f.Floats("after.bn.running_mean"), Parity.Tensor(net, "bn.running_mean"));
        AssertTensor("running_var", f.Floats("after.bn.running_var"), Parity.Tensor(net, "bn.running_var"));

        net.ZeroGradients();
        var dInput = new float[batch * TdnnNet.InputSize];
        net.Backward(f.Floats("grad_out"), dInput);
        AssertTensor("grad_input", f.Floats("grad_input"), dInput);
        AssertParameterGradients(net, f);
    }

    [Theory]
    [MemberData(nameof(Modes))]
    public void Siamese_DistanceAndCosine_MatchPyTorch(int threads, bool reference)
    {
        Fixture f = Fixture.Load("multi/siamese_distance.safetensors");
        int batch = f.Shape("left")[0];
        using var net = new SiameseDistanceNet(batch) { Threads = threads, UseReferenceKernels = reference };
        Parity.LoadWeights(net, f);
        Assert.Equal(new TensorShape(1), net.Outputs[0].Shape);

        var distance = new float[batch];
        var cosine = new float[batch];
        net.ForwardTrain(f.Floats("left"), f.Floats("right"), distance, cosine, batch);
        AssertTensor("distance", f.Floats("distance"), distance);
        AssertTensor("cosine", f.Floats("cosine"), cosine);

        net.ZeroGradients();
        var dLeft = new float[batch * SiameseDistanceNet.LeftSize];
        var dRight = new float[batch * SiameseDistanceNet.RightSize];
        net.Backward(f.Floats("grad_out.distance"), f.Floats("grad_out.cosine"), dLeft, dRight);
        AssertTensor("grad_left", f.Floats("grad_left"), dLeft);
        AssertTensor("grad_right", f.Floats("grad_right"), dRight);
        AssertParameterGradients(net, f);
    }

    [Fact]
    public void EmbeddingLayers_InAShorthandNetwork_Compile()
    {
        Assert.Equal("", ShorthandEmbeddingNet.PyTorchSource);
        using var net = new ShorthandEmbeddingNet(2, seed: 1);
        var y = new float[2];
        net.Forward(new float[2 * 64], y, 2);
        Assert.Equal(new TensorShape(1), net.OutputShape);
        Assert.All(y, v => Assert.True(v > 0 && float.IsFinite(v)));
    }

    [Fact]
    public void SeveralInputs_ClearErrors()
    {
        using var net = new SiameseNet(2);
        INetwork general = net;
        var a = new float[2 * 144];
        var e = new float[2 * 8];
        var ex = Assert.Throws<InvalidOperationException>(() => general.Forward(a, e, 2));
        Assert.Contains("SiameseNet has 2 input(s) (Left, Right) and 2 output(s) (EmbedL, EmbedR)", ex.Message);
        var count = Assert.Throws<ArgumentException>(() => general.Forward([a], [e, e], 2));
        Assert.Contains("2 input(s) (Left, Right) but 1 tensor(s)", count.Message);
        var length = Assert.Throws<ArgumentException>(() => net.Forward(a, new float[10], e, e, 2));
        Assert.Equal("right", length.ParamName);
        Assert.Equal(new[] { "Left", "Right" }, net.Inputs.Select(p => p.Name));
        Assert.Equal(new NetworkInput("Right", new TensorShape(1, 12, 12), 1), net.Right);
    }

    [Fact]
    public void InferenceContext_SeveralOutputs_BitIdenticalToForward()
    {
        Fixture f = Fixture.Load("multi/two_head.safetensors");
        using var net = new TwoHeadNet(4);
        Parity.LoadWeights(net, f);
        var cls = new float[4 * 3];
        var box = new float[4 * 4];
        net.Forward(f.Floats("input"), cls, box, 4);
        foreach (bool prepare in new[] { false, true })
        {
            // also with prepared weights (the lists body passes them on): the same bits, and a copy of the weights
            using IInferenceContext ctx = net.CreateInferenceContext(4, prepareWeights: prepare);
            var cls2 = new float[cls.Length];
            var box2 = new float[box.Length];
            ctx.Forward([f.Floats("input")], [cls2, box2], 4);
            NumericAssert.Identical("cls", cls, cls2);
            NumericAssert.Identical("box", box, box2);
            Assert.Throws<InvalidOperationException>(() => ctx.Forward(f.Floats("input"), cls2, 4));
            Assert.Equal(prepare, ctx.WeightsPrepared);
        }
    }
}
