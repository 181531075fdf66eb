using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Samples.Architectures;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Architectures;

/// <summary>
/// The model zoo (samples/Architectures) against its PyTorch twins. Every expected figure (parameter counts, MACs,
/// output shapes, each state_dict tensor name and shape, parameter order) comes from tools/architecture_params.py
/// (PyTorch 1.13; the torchvision layouts are rebuilt there by hand and checked against torchvision's published counts),
/// which wrote ZooReference.cs. That the specs compile at all is the shape check: the generator verified every layer.
/// </summary>
public class ZooTests
{
    /// <summary>
    /// The static facts the generator emitted for one network, and a way to build it. <see cref="Output"/> is the first
    /// output's shape (the Output* constants); <see cref="OutputLayers"/> names every output's layer (null: the last layer).
    /// </summary>
    private sealed record Generated(long ParameterCount, TensorShape Input, TensorShape Output, IReadOnlyList<TensorInfo> Tensors,
        IReadOnlyList<LayerInfo> Layers, string Summary, Func<INetwork> Create, string[]? OutputLayers = null);

    private static Generated Of(string model) => model switch
    {
        "AlexNet" => new(AlexNet.ParameterCount, new(AlexNet.InputChannels, AlexNet.InputHeight, AlexNet.InputWidth),
            new(AlexNet.OutputChannels, AlexNet.OutputHeight, AlexNet.OutputWidth), AlexNet.TensorInfos, AlexNet.LayerInfos, AlexNet.SummaryText, () => new AlexNet()),
        "Vgg16" => new(Vgg16.ParameterCount, new(Vgg16.InputChannels, Vgg16.InputHeight, Vgg16.InputWidth),
            new(Vgg16.OutputChannels, Vgg16.OutputHeight, Vgg16.OutputWidth), Vgg16.TensorInfos, Vgg16.LayerInfos, Vgg16.SummaryText, () => new Vgg16()),
        "ResNet18" => new(ResNet18.ParameterCount, new(ResNet18.InputChannels, ResNet18.InputHeight, ResNet18.InputWidth),
            new(ResNet18.OutputChannels, ResNet18.OutputHeight, ResNet18.OutputWidth), ResNet18.TensorInfos, ResNet18.LayerInfos, ResNet18.SummaryText, () => new ResNet18()),
        "ResNet50" => new(ResNet50.ParameterCount, new(ResNet50.InputChannels, ResNet50.InputHeight, ResNet50.InputWidth),
            new(ResNet50.OutputChannels, ResNet50.OutputHeight, ResNet50.OutputWidth), ResNet50.TensorInfos, ResNet50.LayerInfos, ResNet50.SummaryText, () => new ResNet50()),
        "GoogLeNet" => new(GoogLeNet.ParameterCount, new(GoogLeNet.InputChannels, GoogLeNet.InputHeight, GoogLeNet.InputWidth),
            new(GoogLeNet.OutputChannels, GoogLeNet.OutputHeight, GoogLeNet.OutputWidth), GoogLeNet.TensorInfos, GoogLeNet.LayerInfos, GoogLeNet.SummaryText, () => new GoogLeNet()),
        "DenseNet121" => new(DenseNet121.ParameterCount, new(DenseNet121.InputChannels, DenseNet121.InputHeight, DenseNet121.InputWidth),
            new(DenseNet121.OutputChannels, DenseNet121.OutputHeight, DenseNet121.OutputWidth), DenseNet121.TensorInfos, DenseNet121.LayerInfos, DenseNet121.SummaryText, () => new DenseNet121()),
        "UNet" => new(UNet.ParameterCount, new(UNet.InputChannels, UNet.InputHeight, UNet.InputWidth),
            new(UNet.OutputChannels, UNet.OutputHeight, UNet.OutputWidth), UNet.TensorInfos, UNet.LayerInfos, UNet.SummaryText, () => new UNet()),
        "SegNet" => new(SegNet.ParameterCount, new(SegNet.InputChannels, SegNet.InputHeight, SegNet.InputWidth),
            new(SegNet.OutputChannels, SegNet.OutputHeight, SegNet.OutputWidth), SegNet.TensorInfos, SegNet.LayerInfos, SegNet.SummaryText, () => new SegNet()),
        "Localizer" => new(Localizer.ParameterCount, new(Localizer.InputChannels, Localizer.InputHeight, Localizer.InputWidth),
            new(Localizer.OutputChannels, Localizer.OutputHeight, Localizer.OutputWidth), Localizer.TensorInfos, Localizer.LayerInfos, Localizer.SummaryText, () => new Localizer(), ["ClassLogits", "Box"]),
        "MobileNetV2" => new(MobileNetV2.ParameterCount, new(MobileNetV2.InputChannels, MobileNetV2.InputHeight, MobileNetV2.InputWidth),
            new(MobileNetV2.OutputChannels, MobileNetV2.OutputHeight, MobileNetV2.OutputWidth), MobileNetV2.TensorInfos, MobileNetV2.LayerInfos, MobileNetV2.SummaryText, () => new MobileNetV2()),
        "CifarResNet18" => new(CifarResNet18.ParameterCount, new(CifarResNet18.InputChannels, CifarResNet18.InputHeight, CifarResNet18.InputWidth),
            new(CifarResNet18.OutputChannels, CifarResNet18.OutputHeight, CifarResNet18.OutputWidth), CifarResNet18.TensorInfos, CifarResNet18.LayerInfos, CifarResNet18.SummaryText, () => new CifarResNet18()),
        _ => throw new ArgumentException(model),
    };

    public static TheoryData<string> Models => new(ZooReference.Models.Select(m => m.Name));

    private static ZooReference.Model Reference(string model) => ZooReference.Models.Single(m => m.Name == model);

    [Theory, MemberData(nameof(Models))]
    public void ParameterCount_equals_PyTorch(string model)
    {
        Generated g = Of(model);
        Assert.Equal(Reference(model).Parameters, g.ParameterCount);
        Assert.Equal(g.ParameterCount, g.Layers.Sum(l => l.ParameterCount));
        Assert.Equal(g.ParameterCount, g.Tensors.Where(t => t.Role == TensorRole.Parameter).Sum(t => (long)t.Length));
        Assert.Contains("Total params: " + Reference(model).Parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), g.Summary);
    }

    [Theory, MemberData(nameof(Models))]
    public void Macs_in_the_summary_equal_PyTorch(string model)
    {
        string expected = Reference(model).Macs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains("Total MACs per sample: " + expected + "\n", Of(model).Summary);
    }

    [Theory, MemberData(nameof(Models))]
    public void Output_shapes_equal_PyTorch(string model)
    {
        int[][] o = Reference(model).Outputs;
        Generated g = Of(model);
        Assert.Equal(new TensorShape(o[0][0], o[0][1], o[0][2]), g.Output);   // the Output* constants describe the first output
        string[] layers = g.OutputLayers ?? [g.Layers[^1].Name];
        Assert.Equal(o.Length, layers.Length);
        for (int k = 0; k < o.Length; k++) Assert.Equal(new TensorShape(o[k][0], o[k][1], o[k][2]), Layer(g.Layers, layers[k]));
    }

    [Theory, MemberData(nameof(Models))]
    public void Every_state_dict_tensor_has_PyTorchs_name_and_shape(string model)
    {
        var expected = Reference(model).Tensors.ToDictionary(t => t.Name, t => t.Shape);
        var actual = Of(model).Tensors.ToDictionary(t => t.Name, t => t.Shape);
        Assert.Empty(expected.Keys.Except(actual.Keys));   // missing here
        Assert.Empty(actual.Keys.Except(expected.Keys));   // not in PyTorch
        foreach (var (name, shape) in expected) Assert.True(shape.SequenceEqual(actual[name]), $"{name}: PyTorch [{string.Join(", ", shape)}], StaticCnn [{string.Join(", ", actual[name])}]");
        foreach (TensorInfo t in Of(model).Tensors)
            Assert.Equal(t.Name.EndsWith(".running_mean") || t.Name.EndsWith(".running_var") ? TensorRole.Buffer : TensorRole.Parameter, t.Role);
    }

    [Theory, MemberData(nameof(Models))]
    public void Parameter_arena_is_packed_in_PyTorchs_parameters_order(string model)
    {
        TensorInfo[] ps = Of(model).Tensors.Where(t => t.Role == TensorRole.Parameter).ToArray();
        Assert.Equal(Reference(model).ParameterOrder, ps.Select(t => t.Name).ToArray());
        int offset = 0;
        foreach (TensorInfo t in ps) { Assert.Equal(offset, t.Offset); offset += t.Length; }
    }

    [Fact]
    public void Spot_checks_of_tensor_names_and_shapes()
    {
        AssertTensor(Vgg16.TensorInfos, "classifier.6.weight", 1000, 4096);
        AssertTensor(Vgg16.TensorInfos, "classifier.0.weight", 4096, 25088);
        AssertTensor(AlexNet.TensorInfos, "features.0.weight", 64, 3, 11, 11);
        AssertTensor(AlexNet.TensorInfos, "classifier.1.weight", 4096, 9216);
        AssertTensor(ResNet18.TensorInfos, "layer2.0.downsample.0.weight", 128, 64, 1, 1);
        AssertTensor(ResNet18.TensorInfos, "layer4.1.bn2.running_var", 512);
        AssertTensor(ResNet50.TensorInfos, "layer3.0.conv3.weight", 1024, 256, 1, 1);
        AssertTensor(ResNet50.TensorInfos, "fc.weight", 1000, 2048);
        AssertTensor(GoogLeNet.TensorInfos, "inception3a.branch3.1.conv.weight", 32, 16, 3, 3);   // the "5x5" branch is 3x3
        AssertTensor(GoogLeNet.TensorInfos, "inception5b.branch4.1.bn.running_mean", 128);
        AssertTensor(DenseNet121.TensorInfos, "features.denseblock3.denselayer24.conv1.weight", 128, 992, 1, 1);
        AssertTensor(DenseNet121.TensorInfos, "features.transition3.conv.weight", 512, 1024, 1, 1);
        AssertTensor(UNet.TensorInfos, "up4.weight", 1024, 512, 2, 2);
        AssertTensor(UNet.TensorInfos, "dec1.0.weight", 64, 128, 3, 3);
        AssertTensor(SegNet.TensorInfos, "features.41.running_var", 512);
        AssertTensor(SegNet.TensorInfos, "classifier.weight", 12, 64, 3, 3);
        AssertTensor(Localizer.TensorInfos, "box_head.weight", 4, 512);
        AssertTensor(Localizer.TensorInfos, "cls_head.weight", 20, 512);
        AssertTensor(MobileNetV2.TensorInfos, "features.0.0.weight", 32, 3, 3, 3);
        AssertTensor(MobileNetV2.TensorInfos, "features.1.conv.0.0.weight", 32, 1, 3, 3);      // expand ratio 1: depthwise first
        AssertTensor(MobileNetV2.TensorInfos, "features.1.conv.2.running_var", 16);
        AssertTensor(MobileNetV2.TensorInfos, "features.2.conv.1.0.weight", 96, 1, 3, 3);      // depthwise after the 1×1 expansion
        AssertTensor(MobileNetV2.TensorInfos, "features.17.conv.2.weight", 320, 960, 1, 1);    // linear projection
        AssertTensor(MobileNetV2.TensorInfos, "features.18.0.weight", 1280, 320, 1, 1);
        AssertTensor(MobileNetV2.TensorInfos, "classifier.1.weight", 1000, 1280);
        AssertTensor(CifarResNet18.TensorInfos, "conv1.weight", 64, 3, 3, 3);                  // the 3×3 CIFAR stem
        AssertTensor(CifarResNet18.TensorInfos, "layer2.0.downsample.0.weight", 128, 64, 1, 1);
        AssertTensor(CifarResNet18.TensorInfos, "fc.weight", 10, 512);
    }

    [Fact]
    public void Intermediate_shapes_follow_the_papers()
    {
        Assert.Equal(new TensorShape(256, 6, 6), Layer(AlexNet.LayerInfos, "Pool3"));       // AdaptiveAvgPool2d((6, 6)) is the identity
        Assert.Equal(new TensorShape(512, 7, 7), Layer(Vgg16.LayerInfos, "Pool5"));
        Assert.Equal(new TensorShape(64, 56, 56), Layer(GoogLeNet.LayerInfos, "MaxPool1"));  // as torchvision's ceil_mode pools
        Assert.Equal(new TensorShape(192, 28, 28), Layer(GoogLeNet.LayerInfos, "MaxPool2"));
        Assert.Equal(new TensorShape(480, 14, 14), Layer(GoogLeNet.LayerInfos, "MaxPool3"));
        Assert.Equal(new TensorShape(1024, 7, 7), Layer(GoogLeNet.LayerInfos, "Inc5b"));
        Assert.Equal(new TensorShape(1024, 7, 7), Layer(DenseNet121.LayerInfos, "B4L16"));
        Assert.Equal(new TensorShape(1024, 28, 28), Layer(UNet.LayerInfos, "Enc5b"));
        Assert.Equal(new TensorShape(512, 56, 56), Layer(UNet.LayerInfos, "Crop4"));        // 64×64 skip cropped to the up-conv's 56×56
        Assert.Equal(new TensorShape(128, 392, 392), Layer(UNet.LayerInfos, "Cat1"));
        Assert.Equal(new TensorShape(512, 11, 15), Layer(SegNet.LayerInfos, "Pool5"));
        Assert.Equal(new TensorShape(512, 45, 60), Layer(SegNet.LayerInfos, "Unpool4"));     // back to the odd 45, not 44
        Assert.Equal(new TensorShape(512, 1, 1), Layer(Localizer.LayerInfos, "Fc"));        // shared by both heads
        Assert.Equal(new TensorShape(16, 112, 112), Layer(MobileNetV2.LayerInfos, "B1ProjectBn"));
        Assert.Equal(new TensorShape(96, 56, 56), Layer(MobileNetV2.LayerInfos, "B2Dw"));       // stride on the depthwise 3×3
        Assert.Equal(new TensorShape(320, 7, 7), Layer(MobileNetV2.LayerInfos, "B17ProjectBn"));
        Assert.Equal(new TensorShape(1280, 7, 7), Layer(MobileNetV2.LayerInfos, "Relu18"));
        Assert.Equal(new TensorShape(64, 32, 32), Layer(CifarResNet18.LayerInfos, "L1B1Out"));  // no max pool: layer1 keeps 32×32
        Assert.Equal(new TensorShape(512, 4, 4), Layer(CifarResNet18.LayerInfos, "L4B1Out"));
    }

    /// <summary>
    /// MobileNetV2's blocks as torchvision's <c>InvertedResidual</c>: 17 blocks, each with one depthwise 3×3 convolution
    /// (one weight channel per group), a residual Add exactly where the stride is 1 and the channel count is kept (10 of
    /// them: features.3, 5, 6, 8, 9, 10, 12, 13, 15, 16), and no ReLU6 after a projection (the linear bottleneck).
    /// </summary>
    [Fact]
    public void MobileNetV2_blocks_are_torchvisions_inverted_residuals()
    {
        string[] depthwise = MobileNetV2.TensorInfos.Where(t => t.Shape.Length == 4 && t.Shape[1] == 1 && t.Shape[2] == 3).Select(t => t.Name).ToArray();
        Assert.Equal(17, depthwise.Length);
        Assert.Equal(Enumerable.Range(1, 17).Select(i => $"features.{i}.conv.{(i == 1 ? 0 : 1)}.0.weight"), depthwise);
        string[] adds = MobileNetV2.LayerInfos.Where(l => l.Kind == "Add").Select(l => l.Name).ToArray();
        Assert.Equal(new[] { 3, 5, 6, 8, 9, 10, 12, 13, 15, 16 }.Select(i => $"B{i}Out"), adds);
        var layers = MobileNetV2.LayerInfos;
        for (int i = 0; i < layers.Count - 1; i++)
            if (layers[i].Name.EndsWith("ProjectBn")) Assert.NotEqual("ReLU6", layers[i + 1].Kind);
        Assert.Equal(35, layers.Count(l => l.Kind == "ReLU6"));   // stem, 16 expansions, 17 depthwise, features.18
    }

    // Forward on one random input: the graph runs and gives finite outputs. The light networks run by default; the heavy
    // ones (VGG-16 15 GMAC, SegNet 106 GMAC, U-Net 150 GMAC per image, 1–2 GB of workspace; 14–19 s each on 2 cores)
    // are Category=Slow and skipped unless SCNN_SLOW=1:
    //   SCNN_SLOW=1 dotnet test tests/StaticCnn.Tests -c Release --filter "FullyQualifiedName~Architectures&Category=Slow"
    [Theory]
    [InlineData("AlexNet")]
    [InlineData("ResNet18")]
    [InlineData("GoogLeNet")]
    [InlineData("Localizer")]
    [InlineData("ResNet50")]
    [InlineData("DenseNet121")]
    [InlineData("MobileNetV2")]
    [InlineData("CifarResNet18")]
    public void Forward_gives_finite_outputs(string model) => ForwardIsFinite(model);

    [SlowTheory, Trait("Category", "Slow")]
    [InlineData("Vgg16")]
    [InlineData("SegNet")]
    [InlineData("UNet")]
    public void Forward_gives_finite_outputs_heavy(string model) => ForwardIsFinite(model);

    /// <summary>Reads the gradient arena after every step (before the optimizer's next zeroing).</summary>
    private sealed class GradientRecorder : TrainingCallback
    {
        public readonly List<float[]> Gradients = new();
        public override void OnBatchEnd(INetwork network, long step, float loss) => Gradients.Add(network.Gradients.ToArray());
    }

    /// <summary>
    /// The Localizer's two outputs train together: Trainer.Fit with CE on ClassLogits and 2 × smooth L1 on Box, on 4
    /// random 3×128×128 images (full batch, 3 steps of SGD 1e-3): the total (CE + 2·smooth L1, train mode) falls at
    /// every step, and each head's weights, the shared Fc and the first convolution get a non-zero gradient.
    /// </summary>
    [Fact]
    [Trait("Category", "Numeric")]
    public void Localizer_trains_both_heads_with_Fit()
    {
        const int n = 4;
        using var net = new Localizer(maxBatch: n, seed: 3);
        Assert.Equal(new[] { "ClassLogits", "Box" }, ((INetwork)net).Outputs.Select(o => o.Name));
        Assert.Equal(new[] { 20, 4 }, ((INetwork)net).Outputs.Select(o => o.Shape.Size));
        Assert.Equal(20, Localizer.ClassLogitsSize);
        Assert.Equal(4, Localizer.BoxSize);

        var rng = new SeededRandom(5);
        var images = RandomInput(n * Localizer.InputSize, 5);
        var labels = new int[n];
        var boxes = new float[4 * n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.NextInt(20);
            float x1 = 0.5f * rng.NextFloat(), y1 = 0.5f * rng.NextFloat();
            (boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]) = (x1, y1, x1 + 0.2f + 0.3f * rng.NextFloat(), y1 + 0.2f + 0.3f * rng.NextFloat());
        }
        var data = new TensorDataset(n).Add("Input", images, new TensorShape(3, 128, 128)).Add("label", labels).Add("box", boxes, new TensorShape(4));
        var recorder = new GradientRecorder();
        var history = Trainer.Fit(net, data, new TrainingOptions
        {
            Epochs = 3, BatchSize = n, Shuffle = false, Seed = 1, Optimizer = new Sgd(1e-3f), Progress = ProgressMode.None,
            Losses = [new LossTerm("ClassLogits", new CrossEntropyLoss(), "label"), new LossTerm("Box", new SmoothL1Loss(), "box", Weight: 2f)],
            Callbacks = [recorder],
        });

        float[] total = history.Epochs.Select(e => e.TrainLoss).ToArray();
        Assert.Equal(3, total.Length);
        Assert.True(total[1] < total[0] && total[2] < total[1], $"the total loss falls: {string.Join(", ", total)}");
        foreach (EpochRecord e in history.Epochs)
        {
            Assert.Equal(new[] { "CE", "smooth L1, beta 1" }, e.TrainLosses.Select(t => t.Name));
            Assert.True(e.TrainLosses[0].Value > 0 && e.TrainLosses[1].Value > 0, "both terms count");
            Assert.Equal(e.TrainLosses[0].Value + 2 * e.TrainLosses[1].Value, e.TrainLoss, 4);
        }
        float[] g = recorder.Gradients[0];
        foreach (string tensor in new[] { "cls_head.weight", "cls_head.bias", "box_head.weight", "box_head.bias", "fc.weight", "backbone.0.weight" })
        {
            TensorInfo t = Localizer.TensorInfos.Single(t => t.Name == tensor);
            ReadOnlySpan<float> grad = g.AsSpan(t.Offset, t.Length);
            Assert.True(grad.ContainsAnyExcept(0f), $"{tensor} received no gradient");
            foreach (float v in grad) Assert.True(float.IsFinite(v), $"{tensor}: non-finite gradient");
        }
    }

    private static void ForwardIsFinite(string model)
    {
        Generated g = Of(model);
        using INetwork net = g.Create();
        var x = RandomInput(g.Input.Size, 1);
        float[][] ys = net.Outputs.Select(o => Enumerable.Repeat(float.NaN, o.Shape.Size).ToArray()).ToArray();
        net.Forward([x], ys.Select(y => (Memory<float>)y).ToArray(), 1);
        foreach (float[] y in ys)
        {
            Assert.All(y, v => Assert.True(float.IsFinite(v)));
            Assert.Contains(y, v => v != 0);
        }
    }

    private static float[] RandomInput(int n, int seed)
    {
        var rng = new Random(seed);
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
        return x;
    }

    private static void AssertTensor(IReadOnlyList<TensorInfo> tensors, string name, params int[] shape)
    {
        TensorInfo? t = tensors.SingleOrDefault(t => t.Name == name);
        Assert.True(t != null, name + " is missing");
        Assert.Equal(shape, t!.Shape);
    }

    private static TensorShape Layer(IReadOnlyList<LayerInfo> layers, string name) => layers.Single(l => l.Name == name).OutputShape;
}

/// <summary>A theory skipped unless the environment variable SCNN_SLOW is 1 (xunit 2 has no run-time skip).</summary>
public sealed class SlowTheoryAttribute : TheoryAttribute
{
    public SlowTheoryAttribute()
    {
        if (Environment.GetEnvironmentVariable("SCNN_SLOW") != "1") Skip = "slow: set SCNN_SLOW=1 to run";
    }
}
