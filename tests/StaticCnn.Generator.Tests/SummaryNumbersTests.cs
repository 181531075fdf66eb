using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>The generated constants and tables, number by number, for LeNet-5, the CIFAR-10 example and ResNet-18.</summary>
public class SummaryNumbersTests
{
    private static readonly Lazy<GeneratorRun> s_lenet = new(() => GeneratorHarness.Run(Specs.LeNet5));
    private static readonly Lazy<GeneratorRun> s_cifar = new(() => GeneratorHarness.Run(Specs.Cifar10));
    private static readonly Lazy<GeneratorRun> s_resnet = new(() => GeneratorHarness.Run(Specs.ResNet18));

    /// <summary>A constant of the generated class, read from the compilation (needs no emit).</summary>
    private static object? Constant(GeneratorRun run, string type, string member)
    {
        INamedTypeSymbol t = run.OutputCompilation.GetTypeByMetadataName(type) ?? throw new Xunit.Sdk.XunitException($"no type {type}");
        var field = t.GetMembers(member).OfType<IFieldSymbol>().SingleOrDefault();
        Assert.True(field is { IsConst: true }, $"{type}.{member} should be a public const; members: " + string.Join(", ", t.GetMembers().Select(m => m.Name).Distinct()));
        Assert.Equal(Accessibility.Public, field!.DeclaredAccessibility);
        return field.ConstantValue;
    }

    private static IReadOnlyList<LayerInfo> Layers(LoadedAssembly asm, string type) => asm.Static<IReadOnlyList<LayerInfo>>(type, "LayerInfos");
    private static IReadOnlyList<TensorInfo> Tensors(LoadedAssembly asm, string type) => asm.Static<IReadOnlyList<TensorInfo>>(type, "TensorInfos");

    // ---------------- LeNet-5 ----------------

    [Fact]
    public void LeNet5_Constants()
    {
        GeneratorRun run = s_lenet.Value;
        Assert.True(run.GeneratorDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error), run.Describe());
        Assert.Equal(61_706L, Constant(run, "TestNets.LeNet5", "ParameterCount"));
        Assert.Equal(784, Constant(run, "TestNets.LeNet5", "InputSize"));
        Assert.Equal(10, Constant(run, "TestNets.LeNet5", "OutputSize"));
        var summary = (string)Constant(run, "TestNets.LeNet5", "SummaryText")!;
        foreach (string s in new[] { "Conv1", "Pool1", "Conv2", "Pool2", "Fc1", "Fc2", "Fc3", "61,706" })
            Assert.Contains(s, summary);
    }

    [Fact]
    public void LeNet5_Conv1Macs_AreInTheShapeComment()
    {
        GeneratorRun run = s_lenet.Value;
        string text = run.AllGeneratedText;
        // ARCHITECTURE.md: "// Conv1: (N,1,28,28) -> (N,6,28,28), 156 params, 117,600 MACs per sample" (with the kind after the name)
        var line = text.Split('\n').FirstOrDefault(l => l.TrimStart().StartsWith("// Conv1 ", StringComparison.Ordinal) && l.Contains("->"));
        Assert.True(line is not null, "no '// Conv1 …' shape comment in the generated source");
        Assert.Contains("(N,1,28,28) -> (N,6,28,28)", line);
        Assert.Contains("156 params", line);
        Assert.Contains("117,600 MACs", line);
        // And in the summary table, in the Conv1 row.
        var summary = (string)Constant(run, "TestNets.LeNet5", "SummaryText")!;
        string row = summary.Split('\n').Single(l => l.StartsWith("Conv1 ", StringComparison.Ordinal));
        Assert.EndsWith("117,600", row.TrimEnd());
        Assert.Contains("Total MACs per sample: 416,520", summary);
    }

    [Fact]
    public void LeNet5_Tables()
    {
        GeneratorRun run = s_lenet.Value.AssertClean();
        using LoadedAssembly asm = run.Load();
        var layers = Layers(asm, "TestNets.LeNet5");
        Assert.Equal(new[] { "Conv1", "Pool1", "Conv2", "Pool2", "Fc1", "Fc2", "Fc3" }, layers.Select(l => l.Name));
        Assert.Equal(new[] { "Conv2D", "MaxPool2D", "Conv2D", "MaxPool2D", "Dense", "Dense", "Dense" }, layers.Select(l => l.Kind));
        Assert.Equal(new[] { new TensorShape(6, 28, 28), new(6, 14, 14), new(16, 10, 10), new(16, 5, 5), new(120, 1, 1), new(84, 1, 1), new(10, 1, 1) },
            layers.Select(l => l.OutputShape));
        Assert.Equal(new long[] { 156, 0, 2_416, 0, 48_120, 10_164, 850 }, layers.Select(l => l.ParameterCount));
        Assert.Equal(61_706L, layers.Sum(l => l.ParameterCount));

        var tensors = Tensors(asm, "TestNets.LeNet5");
        Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" },
            tensors.Select(t => t.Name));
        Assert.Equal(new[] { 6, 1, 5, 5 }, tensors[0].Shape);
        Assert.Equal(new[] { 120, 400 }, tensors.Single(t => t.Name == "fc1.weight").Shape);
        AssertContiguous(tensors.Where(t => t.Role == TensorRole.Parameter).ToList(), 61_706);
        // Layer → tensor indices agree.
        foreach (var (layer, index) in layers.Select((l, i) => (l, i)))
            for (int t = layer.FirstTensor; t >= 0 && t < layer.FirstTensor + layer.TensorCount; t++)
                Assert.Equal(index, tensors[t].Layer);
    }

    private static void AssertContiguous(IReadOnlyList<TensorInfo> parameters, long total)
    {
        long end = 0;
        foreach (TensorInfo t in parameters.OrderBy(t => t.Offset))
        {
            Assert.True(t.Offset >= end, $"{t.Name} at {t.Offset} overlaps the previous tensor ending at {end}");
            end = t.Offset + t.Length;
        }
        Assert.Equal(total, parameters.Sum(t => (long)t.Length));
    }

    // ---------------- CIFAR-10 ----------------

    [Fact]
    public void Cifar10_Constants()
    {
        GeneratorRun run = s_cifar.Value;
        Assert.True(run.GeneratorDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error), run.Describe());
        Assert.Equal(12_605L, Constant(run, "TestNets.Cifar10Net", "ParameterCount"));
        Assert.Equal(3 * 32 * 32, Constant(run, "TestNets.Cifar10Net", "InputSize"));
        Assert.Equal(10, Constant(run, "TestNets.Cifar10Net", "OutputSize"));
        var summary = (string)Constant(run, "TestNets.Cifar10Net", "SummaryText")!;
        foreach (string s in new[] { "280", "910", "455", "920", "1,810", "5,020", "3,210", "12,605" })
            Assert.Contains(s, summary);
    }

    [Fact]
    public void Cifar10_Tables()
    {
        GeneratorRun run = s_cifar.Value.AssertClean();
        using LoadedAssembly asm = run.Load();
        var layers = Layers(asm, "TestNets.Cifar10Net");
        Assert.Equal(new[] { "Conv1", "Conv2", "Pool1", "Conv3", "Conv4", "Pool2", "Conv5", "Conv6", "Pool3", "Fc" }, layers.Select(l => l.Name));
        Assert.Equal(new long[] { 280, 910, 0, 455, 920, 0, 1_810, 5_020, 0, 3_210 }, layers.Select(l => l.ParameterCount));
        Assert.Equal(new[]
        {
            new TensorShape(10, 32, 32), new(10, 32, 32), new(10, 16, 16), new(5, 16, 16), new(20, 16, 16), new(20, 8, 8),
            new(10, 8, 8), new(20, 8, 8), new(20, 4, 4), new(10, 1, 1),
        }, layers.Select(l => l.OutputShape));
        var tensors = Tensors(asm, "TestNets.Cifar10Net");
        Assert.Equal(new[] { 10, 320 }, tensors.Single(t => t.Name == "fc.weight").Shape);
        Assert.Equal(new[] { 20, 10, 5, 5 }, tensors.Single(t => t.Name == "conv6.weight").Shape);
        AssertContiguous(tensors.Where(t => t.Role == TensorRole.Parameter).ToList(), 12_605);
    }

    // ---------------- ResNet-18 ----------------

    [Fact]
    public void ResNet18_ParameterCount_MatchesTorchvision()
    {
        GeneratorRun run = s_resnet.Value;
        // torchvision's own layout drops a pixel at every stride-2 layer on 224×224; that is advice (SCNN0300), never an error.
        Assert.True(run.GeneratorDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error), run.Describe());
        Assert.All(run.GeneratorDiagnostics, d => Assert.Equal("SCNN0300", d.Id));
        Assert.Equal(11_689_512L, Constant(run, "TestNets.ResNet18", "ParameterCount"));
        Assert.Equal(3 * 224 * 224, Constant(run, "TestNets.ResNet18", "InputSize"));
        Assert.Equal(1000, Constant(run, "TestNets.ResNet18", "OutputSize"));
    }

    /// <summary>torchvision resnet18's trainable tensors in state_dict order with their shapes.</summary>
    private static List<(string Name, int[] Shape)> TorchvisionResNet18Parameters()
    {
        var list = new List<(string, int[])> { ("conv1.weight", new[] { 64, 3, 7, 7 }), ("bn1.weight", new[] { 64 }), ("bn1.bias", new[] { 64 }) };
        int[] widths = { 64, 128, 256, 512 };
        int inC = 64;
        for (int s = 1; s <= 4; s++)
            for (int b = 0; b < 2; b++)
            {
                int c = widths[s - 1];
                string p = $"layer{s}.{b}";
                list.Add(($"{p}.conv1.weight", new[] { c, b == 0 ? inC : c, 3, 3 }));
                list.Add(($"{p}.bn1.weight", new[] { c }));
                list.Add(($"{p}.bn1.bias", new[] { c }));
                list.Add(($"{p}.conv2.weight", new[] { c, c, 3, 3 }));
                list.Add(($"{p}.bn2.weight", new[] { c }));
                list.Add(($"{p}.bn2.bias", new[] { c }));
                if (s > 1 && b == 0)
                {
                    list.Add(($"{p}.downsample.0.weight", new[] { c, inC, 1, 1 }));
                    list.Add(($"{p}.downsample.1.weight", new[] { c }));
                    list.Add(($"{p}.downsample.1.bias", new[] { c }));
                }
                if (b == 1) inC = c;
            }
        list.Add(("fc.weight", new[] { 1000, 512 }));
        list.Add(("fc.bias", new[] { 1000 }));
        return list;
    }

    [Fact]
    public void ResNet18_ExpectedTorchvisionList_SumsTo11689512()
    {
        // Guards the reference list itself.
        Assert.Equal(11_689_512L, TorchvisionResNet18Parameters().Sum(p => p.Shape.Aggregate(1L, (a, d) => a * d)));
        Assert.Equal(62, TorchvisionResNet18Parameters().Count);
    }

    [Fact]
    public void ResNet18_TensorNamesAndShapes_MatchTorchvisionStateDict()
    {
        GeneratorRun run = s_resnet.Value.AssertNoCompilerErrors();
        using LoadedAssembly asm = run.Load();
        var tensors = Tensors(asm, "TestNets.ResNet18");
        var parameters = tensors.Where(t => t.Role == TensorRole.Parameter).ToList();
        var expected = TorchvisionResNet18Parameters();
        Assert.Equal(expected.Select(e => e.Name), parameters.Select(t => t.Name));
        foreach (var (name, shape) in expected)
            Assert.True(shape.SequenceEqual(parameters.Single(t => t.Name == name).Shape), $"{name}: expected [{string.Join(",", shape)}]");

        Assert.Equal(new[] { 128, 64, 1, 1 }, tensors.Single(t => t.Name == "layer2.0.downsample.0.weight").Shape);
        Assert.Equal(new[] { 1000, 512 }, tensors.Single(t => t.Name == "fc.weight").Shape);
        var mean = tensors.Single(t => t.Name == "layer3.1.bn2.running_mean");
        Assert.Equal(TensorRole.Buffer, mean.Role);
        Assert.Equal(new[] { 256 }, mean.Shape);
        Assert.Equal(40, tensors.Count(t => t.Role == TensorRole.Buffer && (t.Name.EndsWith(".running_mean") || t.Name.EndsWith(".running_var"))));
        AssertContiguous(parameters, 11_689_512);

        var layers = Layers(asm, "TestNets.ResNet18");
        Assert.Equal(new TensorShape(64, 56, 56), layers.Single(l => l.Name == "MaxPool").OutputShape);
        Assert.Equal(new TensorShape(512, 7, 7), layers.Single(l => l.Name == "L4B1Out").OutputShape);
        Assert.Equal(new TensorShape(512, 1, 1), layers.Single(l => l.Name == "AvgPool").OutputShape);
        Assert.Equal(11_689_512L, layers.Sum(l => l.ParameterCount));
    }
}
