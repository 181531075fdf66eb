using System.Runtime.CompilerServices;
using System.Text;

namespace StaticCnn.Generator.Tests.Harness;

/// <summary>Network specs used by several test classes.</summary>
public static class Specs
{
    public const string Usings = "using StaticCnn;\n\n";

    /// <summary>
    /// LeNet-5 as in the issue: Dense straight after the second pool (implicit flatten). 61,706 parameters.
    /// The text of tests/Shared/Networks/LeNet5.cs, the one declaration the other test projects compile, in namespace TestNets.
    /// </summary>
    public static string LeNet5 { get; } = Shared("LeNet5.cs");

    /// <summary>
    /// The CIFAR-10 example: 3×32×32, six 3×3/5×5 convolutions, three pools, one dense layer. 12,605 parameters.
    /// The text of tests/Shared/Networks/Cifar10Net.cs in namespace TestNets.
    /// </summary>
    public static string Cifar10 { get; } = Shared("Cifar10Net.cs");

    /// <summary>
    /// A network of tests/Shared/Networks (found beside this source file, as <see cref="Golden.Directory"/> is) with its
    /// namespace renamed to TestNets, the namespace the golden files were generated in.
    /// </summary>
    private static string Shared(string fileName, [CallerFilePath] string here = "")
    {
        string path = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "Shared", "Networks", fileName));
        string text = File.ReadAllText(path).Replace("\r\n", "\n");
        const string Namespace = "namespace StaticCnn.Tests.Networks;";
        if (!text.Contains(Namespace)) throw new InvalidDataException($"{path} no longer declares '{Namespace}'");
        return text.Replace(Namespace, "namespace TestNets;");
    }

    /// <summary>A small graph network: a residual block (Add of a later layer and an earlier one), a side branch (From) and a Concat.</summary>
    public const string Residual = """
        using StaticCnn;

        namespace TestNets;

        [Network(InputChannels = 3, InputHeight = 16, InputWidth = 16)]
        public partial class ResidualNet
        {
            [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer Stem { get; }
            [Conv2D(8, Kernel = 3, Padding = 1, Activation = Activation.ReLU)] public partial Layer BlockConv1 { get; }
            [Conv2D(8, Kernel = 3, Padding = 1, Bias = false)] public partial Layer BlockConv2 { get; }
            [BatchNorm2D] public partial Layer BlockBn { get; }
            [Add(nameof(BlockBn), nameof(Stem), Activation = Activation.ReLU)] public partial Layer Residual { get; }
            [Conv2D(4, Kernel = 1, From = nameof(Stem))] public partial Layer Side { get; }
            [Concat(nameof(Residual), nameof(Side))] public partial Layer Joined { get; }
            [MaxPool2D(2)] public partial Layer Pool { get; }
            [GlobalAvgPool] public partial Layer Gap { get; }
            [Dense(10)] public partial Layer Fc { get; }
        }
        """;

    /// <summary>
    /// torchvision's resnet18 for 3×224×224 and 1000 classes: 11,689,512 parameters, tensors named as its state_dict.
    /// </summary>
    public static string ResNet18 { get; } = BuildResNet18();

    private static string BuildResNet18()
    {
        var sb = new StringBuilder();
        sb.AppendLine("using StaticCnn;");
        sb.AppendLine();
        sb.AppendLine("namespace TestNets;");
        sb.AppendLine();
        sb.AppendLine("[Network(InputChannels = 3, InputHeight = 224, InputWidth = 224)]");
        sb.AppendLine("public partial class ResNet18");
        sb.AppendLine("{");
        void L(string attr, string member) => sb.AppendLine($"    [{attr}] public partial Layer {member} {{ get; }}");
        L("Conv2D(64, Kernel = 7, Stride = 2, Padding = 3, Bias = false, Name = \"conv1\")", "Conv1");
        L("BatchNorm2D(Name = \"bn1\")", "Bn1");
        L("ReLU", "Relu");
        L("MaxPool2D(3, Stride = 2, Padding = 1)", "MaxPool");
        string previous = "MaxPool";
        int[] widths = { 64, 128, 256, 512 };
        for (int stage = 1; stage <= 4; stage++)
        {
            for (int block = 0; block < 2; block++)
            {
                int c = widths[stage - 1];
                bool down = stage > 1 && block == 0;
                string p = $"layer{stage}.{block}";
                string m = $"L{stage}B{block}";
                L($"Conv2D({c}, Kernel = 3, Stride = {(down ? 2 : 1)}, Padding = 1, Bias = false, From = nameof({previous}), Name = \"{p}.conv1\")", m + "Conv1");
                L($"BatchNorm2D(Name = \"{p}.bn1\")", m + "Bn1");
                L("ReLU", m + "Relu");
                L($"Conv2D({c}, Kernel = 3, Padding = 1, Bias = false, Name = \"{p}.conv2\")", m + "Conv2");
                L($"BatchNorm2D(Name = \"{p}.bn2\")", m + "Bn2");
                string shortcut = previous;
                if (down)
                {
                    L($"Conv2D({c}, Kernel = 1, Stride = 2, Bias = false, From = nameof({previous}), Name = \"{p}.downsample.0\")", m + "Down");
                    L($"BatchNorm2D(Name = \"{p}.downsample.1\")", m + "DownBn");
                    shortcut = m + "DownBn";
                }
                L($"Add(nameof({m}Bn2), nameof({shortcut}), Activation = Activation.ReLU)", m + "Out");
                previous = m + "Out";
            }
        }
        L("GlobalAvgPool(Name = \"avgpool\")", "AvgPool");
        L("Dense(1000, Name = \"fc\")", "Fc");
        sb.AppendLine("}");
        return sb.ToString();
    }
}
