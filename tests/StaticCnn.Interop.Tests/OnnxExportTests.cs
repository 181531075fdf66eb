using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using StaticCnn.Samples.Architectures;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Interop.Tests;

/// <summary>
/// ONNX export against ONNX Runtime 1.32 (1 thread): every layer-case network of tests/StaticCnn.Tests (LayerCases.*.cs,
/// linked), LeNet-5 and the CIFAR-10 example, the export cases of ExportCases.cs, and the samples/Architectures zoo, at
/// batch 1 and 2 on random input with PyTorch-default weights (fixed seed) and random BatchNorm statistics. The bound is
/// <see cref="OnnxRuntimeCheck.Tolerance"/> on the max-norm relative error <see cref="OnnxRuntimeCheck.Error"/>.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class OnnxExportTests
{
    private readonly ITestOutputHelper _out;
    public OnnxExportTests(ITestOutputHelper output) => _out = output;

    /// <summary>Every generated network type of this assembly: the linked layer cases, the reference networks, the export cases.</summary>
    public static TheoryData<string> SmallNetworks()
    {
        var data = new TheoryData<string>();
        foreach (Type t in typeof(OnnxExportTests).Assembly.GetTypes()
                     .Where(t => typeof(INetwork).IsAssignableFrom(t) && !t.IsAbstract && t.Namespace != typeof(OnnxExportTests).Namespace)
                     .OrderBy(t => t.FullName, StringComparer.Ordinal))
            data.Add(t.FullName!);
        return data;
    }

    private static INetwork Create(Type t, int maxBatch, ulong seed) => (INetwork)Activator.CreateInstance(t, maxBatch, seed)!;

    [Theory, MemberData(nameof(SmallNetworks))]
    public void Small_network_matches_OnnxRuntime(string typeName)
    {
        Type t = typeof(OnnxExportTests).Assembly.GetType(typeName)!;
        using INetwork net = Create(t, 2, 7);
        OnnxRuntimeCheck.RandomizeBatchNorm(net, 11);
        foreach (var (r, batch) in OnnxRuntimeCheck.Compare(net, 1, 2).Zip(new[] { 1, 2 }))
        {
            _out.WriteLine($"{t.Name} batch {batch}: error {r.Error:E2} (element-wise {r.ElementError:E2}), ORT output {string.Join("×", r.OrtShape)}");
            Assert.True(r.Error <= OnnxRuntimeCheck.Tolerance, $"{t.Name} batch {batch}: relative error {r.Error:E3} > {OnnxRuntimeCheck.Tolerance:E0}");
            Assert.Equal(batch, r.OrtShape[0]);
            Assert.Equal(batch * net.OutputSize, r.OrtShape.Aggregate(1, (p, d) => p * d));
        }
    }

    public static TheoryData<string> Zoo() => new() { "AlexNet", "Vgg16", "ResNet18", "ResNet50", "GoogLeNet", "DenseNet121", "UNet", "SegNet", "Localizer" };

    private static INetwork CreateZoo(string name) => name switch
    {
        "AlexNet" => new AlexNet(2, 3), "Vgg16" => new Vgg16(2, 3), "ResNet18" => new ResNet18(2, 3), "ResNet50" => new ResNet50(2, 3),
        "GoogLeNet" => new GoogLeNet(2, 3), "DenseNet121" => new DenseNet121(2, 3), "UNet" => new UNet(2, 3), "SegNet" => new SegNet(2, 3),
        "Localizer" => new Localizer(2, 3), _ => throw new ArgumentException(name),
    };

    /// <summary>Each zoo network at its native input size (the specs fix it), batch 1 and 2.</summary>
    [Theory, MemberData(nameof(Zoo))]
    public void Architecture_matches_OnnxRuntime(string model)
    {
        var total = Stopwatch.StartNew();
        using INetwork net = CreateZoo(model);
        OnnxRuntimeCheck.RandomizeBatchNorm(net, 11);
        var results = OnnxRuntimeCheck.Compare(net, 1, 2);
        for (int k = 0; k < results.Count; k++)
        {
            var r = results[k];
            _out.WriteLine($"{model} batch {k + 1}: error {r.Error:E2} (element-wise {r.ElementError:E2}); export {r.Export.TotalSeconds:F2} s ({r.Bytes / 1e6:F1} MB), "
                + $"Forward {r.Ours.TotalSeconds:F2} s, ORT {r.Ort.TotalSeconds:F2} s");
        }
        _out.WriteLine($"{model}: {total.Elapsed.TotalSeconds:F1} s in all");
        for (int k = 0; k < results.Count; k++)
            Assert.True(results[k].Error <= OnnxRuntimeCheck.Tolerance, $"{model} batch {k + 1}: relative error {results[k].Error:E3} > {OnnxRuntimeCheck.Tolerance:E0}");
    }
}
