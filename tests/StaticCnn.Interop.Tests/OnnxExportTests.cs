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
    public static IEnumerable<Type> SmallNetworkTypes()
        => typeof(OnnxExportTests).Assembly.GetTypes()
            .Where(t => typeof(INetwork).IsAssignableFrom(t) && !t.IsAbstract && t.Namespace != typeof(OnnxExportTests).Namespace)
            .OrderBy(t => t.FullName, StringComparer.Ordinal);

    /// <summary><see cref="SmallNetworkTypes"/> by full name.</summary>
    public static TheoryData<string> SmallNetworks() => new(SmallNetworkTypes().Select(t => t.FullName!));

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

    /// <summary>The zoo but SegNet, which <see cref="SegNet_matches_OnnxRuntime_up_to_argmax_ties"/> checks layer by layer.</summary>
    public static TheoryData<string> Zoo() => new() { "AlexNet", "Vgg16", "ResNet18", "ResNet50", "GoogLeNet", "DenseNet121", "UNet", "Localizer", "MobileNetV2", "CifarResNet18" };

    private static INetwork CreateZoo(string name) => name switch
    {
        "AlexNet" => new AlexNet(2, 3), "Vgg16" => new Vgg16(2, 3), "ResNet18" => new ResNet18(2, 3), "ResNet50" => new ResNet50(2, 3),
        "GoogLeNet" => new GoogLeNet(2, 3), "DenseNet121" => new DenseNet121(2, 3), "UNet" => new UNet(2, 3),
        "Localizer" => new Localizer(2, 3), "MobileNetV2" => new MobileNetV2(2, 3), "CifarResNet18" => new CifarResNet18(2, 3),
        _ => throw new ArgumentException(name),
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

    /// <summary>
    /// SegNet's MaxUnpool2D puts each pooled value at its window's argmax. Where a window's largest values are equal or
    /// differ by less than the two implementations' rounding, ORT and StaticCnn may pick different positions, and a
    /// value moves by a pixel: a discontinuity no tolerance covers, and it spreads through the decoder. SegNet has such
    /// windows by the hundred (with random weights some channels are constant over whole regions; Pool5's input alone
    /// has ~86 exactly tied windows per sample). So the test checks what can be checked exactly:
    /// every MaxPool2D output (continuous in its input) within the bound, and at the first MaxUnpool2D (whose input,
    /// Pool5's output, matches) every element that differs is a near-tie: ORT put the pooled value at a position whose
    /// input value is within the bound of the window's maximum. The decoder's and the final output's figures are reported.
    /// </summary>
    [Fact]
    public void SegNet_matches_OnnxRuntime_up_to_argmax_ties()
    {
        var total = Stopwatch.StartNew();
        using var net = new SegNet(2, 3);
        OnnxRuntimeCheck.RandomizeBatchNorm(net, 11);
        NetworkGraph g = ((INetwork)net).Graph!;
        int unpool = Enumerable.Range(0, g.Nodes.Count).First(i => g.Nodes[i].Kind == "MaxUnpool2D");
        int pool = g.Nodes[unpool].Attributes.PoolLayer, poolIn = g.Nodes[pool].Inputs[0].Index;
        int[] layers = Enumerable.Range(0, net.Layers.Count).Where(i => net.Layers[i].Kind is "MaxPool2D" or "MaxUnpool2D" || i == poolIn).ToArray();
        long checkedMoves = 0;
        var results = OnnxRuntimeCheck.CompareLayers(net, layers, new[] { 1, 2 }, (batch, ort) =>
        {
            // Unpool: (C, 2·OH, 2·OW) from Pool's 2×2 stride-2 windows over its input of the same size.
            LayerAttributes pa = g.Nodes[pool].Attributes;
            Assert.Equal((2, 2, 2, 2, 0), (pa.KernelH, pa.KernelW, pa.StrideH, pa.StrideW, pa.PadTop));
            int[] shape = g.Nodes[unpool].OutputShape;
            int h = shape[1], w = shape[2];
            float[] input = net.GetActivation(poolIn).ToArray(), ours = net.GetActivation(unpool).ToArray(), theirs = ort[g.Nodes[unpool].Name];
            double maxAbs = input.Max(v => Math.Abs((double)v)), bound = OnnxRuntimeCheck.Tolerance * maxAbs;
            for (int k = 0; k < ours.Length; k++)
            {
                if (Math.Abs((double)theirs[k] - ours[k]) <= bound || theirs[k] == 0) continue;
                int plane = k / (h * w), y = k % (h * w) / w, x = k % w;
                int y0 = y / 2 * 2, x0 = x / 2 * 2;
                float windowMax = float.NegativeInfinity;
                for (int dy = 0; dy < 2 && y0 + dy < h; dy++)
                    for (int dx = 0; dx < 2 && x0 + dx < w; dx++)
                        windowMax = Math.Max(windowMax, input[plane * h * w + (y0 + dy) * w + x0 + dx]);
                Assert.True(windowMax - input[k] <= bound,
                    $"SegNet batch {batch} {g.Nodes[unpool].Name}: ORT put {theirs[k]} at element {k}, whose pool input {input[k]} is not a maximum of its window ({windowMax})");
                checkedMoves++;
            }
        });
        foreach (var r in results)
            _out.WriteLine($"SegNet batch {r.Batch} {r.Layer}: error {r.Error:E2}, {r.Mismatches} of {r.Elements} elements beyond the bound");
        _out.WriteLine($"{checkedMoves} values ORT placed at another tied maximum of their window at {g.Nodes[unpool].Name}; {total.Elapsed.TotalSeconds:F1} s in all");
        foreach (var r in results.Where(r => net.Layers.First(l => l.Name == r.Layer).Kind == "MaxPool2D"))
            Assert.True(r.Error <= OnnxRuntimeCheck.Tolerance, $"SegNet batch {r.Batch} {r.Layer}: relative error {r.Error:E3}");
    }
}
