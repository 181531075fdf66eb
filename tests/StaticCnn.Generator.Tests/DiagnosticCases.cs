using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using StaticCnn.Generator.Tests.Harness;
using static StaticCnn.Generator.Tests.Harness.Src;

namespace StaticCnn.Generator.Tests;

/// <summary>The catalogue: for every SCNN id (but SCNN0107, unused, and SCNN04xx, weights), failing sources and near misses.</summary>
public static class DiagnosticCases
{
    private const string Tiny = "InputChannels = 1, InputHeight = 12, InputWidth = 12";

    public static readonly DiagnosticCase[] Failing =
    {
        // ---- SCNN00xx: declaration and attribute misuse ----
        new("NotPartial", "SCNN0001", """
            using StaticCnn;
            namespace TestNets;
            [/*!*/Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public class Plain
            {
            }
            """,
            "The network class 'Plain' must be declared 'partial' so that the generator can add its code; add the 'partial' modifier")
        { AlsoAllowed = new[] { "SCNN0006" } },

        new("Generic", "SCNN0002", """
            using StaticCnn;
            namespace TestNets;
            [/*!*/Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class Generic<T>
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "The network class 'Generic' has type parameters; a network's shapes must be fixed, so remove the type parameters"),

        new("ContainingTypeNotPartial", "SCNN0003", """
            using StaticCnn;
            namespace TestNets;
            public class Outer
            {
                [/*!*/Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
                public partial class Inner
                {
                }
            }
            """,
            "The network class 'Inner' is nested in 'Outer', which must also be declared 'partial'")
        { AlsoAllowed = new[] { "SCNN0006" } },

        new("LanguageVersion12", "SCNN0004", Net(Mnist, M("Conv2D(6)", "Conv1")).Replace("[Network", "[/*!*/Network").Replace("[/*!*/Conv2D", "[Conv2D"),
            "Network 'Net' declares its layers as partial properties, which need C# 13 or later, but this project uses C# 12.0; set <LangVersion>13</LangVersion> (or later) in the project file")
        // The compiler itself rejects partial properties before C# 13 (CS8703, and CS9248 as the declaration has no
        // implementation); the generator explains the fix and implements nothing, since an implementation would be one
        // more CS8703, in the generated file (DiagnosticsTests.Reports checks that no CS error is in generated code).
        { Version = LanguageVersion.CSharp12, AllowedCompilerErrors = new[] { "CS8703", "CS9248" } },

        new("InputWidthMissing", "SCNN0005", Net("InputChannels = 1, InputHeight = 28", L("Conv2D(6)", "Conv1")).Replace("[Network", "[/*!*/Network"),
            "Network 'Net' needs InputChannels, InputHeight and InputWidth of at least 1 in its [Network] attribute (got 1×28×0)"),

        new("InputChannelsNegative", "SCNN0005", Net("InputChannels = -3, InputHeight = 28, InputWidth = 28", L("Conv2D(6)", "Conv1")).Replace("[Network", "[/*!*/Network"),
            "Network 'Net' needs InputChannels, InputHeight and InputWidth of at least 1 in its [Network] attribute (got -3×28×28)"),

        new("NoLayers", "SCNN0006", Net(Mnist, "    public int NotALayer => 1;").Replace("[Network", "[/*!*/Network"),
            "Network 'Net' declares no layers; add 'public partial Layer Name { get; }' properties with a layer attribute such as [Conv2D(16)]"),

        new("DuplicateName", "SCNN0007", Net(Mnist,
                L("Conv2D(6, Padding = 1, Name = \"block\")", "A"),
                M("Conv2D(6, Padding = 1, Name = \"block\")", "B")),
            "Layer 'B' has the parameter name 'block', which layer 'A' already uses (or which is reserved); rename one of them"),

        new("DuplicateDefaultName", "SCNN0007", Net(Mnist,
                L("Conv2D(6, Padding = 1)", "ConvBlock"),
                M("Conv2D(6, Padding = 1, Name = \"conv_block\")", "Other")),
            "Layer 'Other' has the parameter name 'conv_block', which layer 'ConvBlock' already uses (or which is reserved); rename one of them"),

        new("NonPartialLayerProperty", "SCNN0008", Net(Mnist,
                "    [/*!*/Conv2D(6)] public Layer Conv1 => default;",
                L("Conv2D(6)", "Conv2")),
            "'Conv1' carries a layer attribute but is not a non-static 'partial Layer Conv1 { get; }' property; add the 'partial' modifier"),

        new("StaticLayerProperty", "SCNN0008", Net(Mnist,
                "    [/*!*/Conv2D(6)] public static partial Layer Conv1 { get; }",
                L("Conv2D(6)", "Conv2")),
            "'Conv1' carries a layer attribute but is not a non-static 'partial Layer Conv1 { get; }' property; remove 'static': layers belong to a network instance"),

        new("MultipleAttributes", "SCNN0009", Net(Mnist, "    [Conv2D(6), /*!*/ReLU] public partial Layer Conv1 { get; }"),
            "Layer 'Conv1' carries both [Conv2D] and [ReLU]; a property is one layer, so keep one attribute"),

        new("LayersInTwoDeclarations", "SCNN0010", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class Split
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            public partial class Split
            {
                [/*!*/Conv2D(6)] public partial Layer Conv2 { get; }
            }
            """,
            "Network 'Split' declares layers in more than one partial declaration, so their order is undefined; move all layer properties into one declaration"),

        new("ZeroFilters", "SCNN0011", Net(Mnist, M("Conv2D(0)", "Conv1")),
            "Layer 'Conv1': Filters must be at least 1 (got 0)"),
        new("NegativeKernel", "SCNN0011", Net(Mnist, M("Conv2D(4, Kernel = -3)", "Conv1")),
            "Layer 'Conv1': Kernel must be at least 1 (got -3)"),
        new("ZeroStride", "SCNN0011", Net(Mnist, M("Conv2D(4, Stride = 0)", "Conv1")),
            "Layer 'Conv1': Stride must be at least 1 (got 0)"),
        new("NegativePadding", "SCNN0011", Net(Mnist, M("Conv2D(4, Padding = -1)", "Conv1")),
            "Layer 'Conv1': Padding must be at least 0 (got -1)"),
        new("ZeroUnits", "SCNN0011", Net(Mnist, M("Dense(0)", "Fc")),
            "Layer 'Fc': Units must be at least 1 (got 0)"),
        new("NegativePoolSize", "SCNN0011", Net(Mnist, M("MaxPool2D(-2)", "Pool")),
            "Layer 'Pool': Size must be at least 1 (got -2)"),
        new("LeakyReLUSlopeNaN", "SCNN0011", Net(Mnist, M("LeakyReLU(Slope = float.NaN)", "Act")),
            "Layer 'Act': Slope must be a finite number (got NaN)"),

        new("LeakyReLUSlopeInfinite", "SCNN0011", Net(Mnist, M("LeakyReLU(Slope = float.NegativeInfinity)", "Act")),
            "Layer 'Act': Slope must be a finite number (got -Infinity)"),

        new("NameNotAModulePath", "SCNN0011", Net(Mnist, M("Dense(10, Name = \"fc/1\")", "Fc")),
            "Layer 'Fc': Name must be a PyTorch module path: letters, digits and underscores, in segments separated by dots (e.g. \"features.0\") (got \"fc/1\")"),

        new("FusedHardswish", "SCNN0011", Net(Mnist, M("Conv2D(4, Activation = Activation.Hardswish)", "Conv1")),
            "Layer 'Conv1': Activation must be an activation whose derivative follows from the output (None, ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6); for Hardswish add a [Hardswish] layer after this one (got Hardswish)"),
        new("FusedSiLU", "SCNN0011", Net(Mnist, L("Flatten", "Flat"), M("Dense(4, Activation = Activation.SiLU)", "Fc")),
            "Layer 'Fc': Activation must be an activation whose derivative follows from the output (None, ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6); for SiLU add a [SiLU] layer after this one (got SiLU)"),

        new("DropoutRateOne", "SCNN0011", Net(Mnist, L("Conv2D(4)", "Conv1"), M("Dropout(1f)", "Drop")),
            "Layer 'Drop': Rate must be in [0, 1) (got 1)"),

        new("UserImplementedLayer", "SCNN0008", Net(Mnist,
                L("Conv2D(6)", "Conv1"),
                "    /*!*/public partial Layer Conv1 { get => default; }"),
            "'Conv1' carries a layer attribute but is not a non-static 'partial Layer Conv1 { get; }' property; remove this implementing declaration: the generator implements layer properties"),

        new("StaticNetwork", "SCNN0014", """
            using StaticCnn;
            namespace TestNets;
            [/*!*/Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public static partial class Static
            {
                public static int Helper => 1;
            }
            """,
            "The network class 'Static' is static, but a network is an object that owns its parameters and workspace; remove the 'static' modifier")
        { AlsoAllowed = new[] { "SCNN0006" } },

        new("LayerNamedParameters", "SCNN0015", Net(Mnist, L("Conv2D(6)", "Conv1"), M("Dense(10)", "Parameters")),
            "'Parameters' in network 'Net' has the name of a member of the generated network API, which the generator adds to the class; rename it"),

        new("UserMemberNamedLikeAHelper", "SCNN0015", Net(Mnist, L("Conv2D(6)", "Conv1"), "    private const int Conv1ActOffset = 3;").Replace("[Network", "[/*!*/Network"),
            "'Conv1ActOffset' in network 'Net' has the name of a generated helper of layer 'Conv1', which the generator adds to the class; rename it"),

        new("LayerOutsideNetwork", "SCNN0012", """
            using StaticCnn;
            namespace TestNets;
            public partial class NoNetwork
            {
                [/*!*/Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "'Conv1' carries a layer attribute, but its class 'NoNetwork' has no [Network] attribute; add [Network(InputChannels = …, InputHeight = …, InputWidth = …)] to the class"),

        // ---- SCNN01xx: shape and graph errors ----
        new("TransposedOutputNegative", "SCNN0100", Net("InputChannels = 1, InputHeight = 2, InputWidth = 2", M("ConvTranspose2D(4, Kernel = 2, Padding = 5)", "Up")),
            "Layer 'Up': the 1×2×2 input from 'Input' gives an output of 4×-7×-7; use more padding, a smaller kernel or a smaller stride"),

        new("KernelTooLarge", "SCNN0101", Net(Tiny,
                L("Conv2D(8, Kernel = 5)", "Conv1"),
                L("MaxPool2D(2)", "Pool1"),
                M("Conv2D(16, Kernel = 7)", "Conv2")),
            "Layer 'Conv2': a 7×7 kernel does not fit the 8×4×4 input from 'Pool1' (padded to 4×4); the output would be -2×-2; use Padding ≥ 2 or a smaller kernel"),

        new("PoolWindowTooLarge", "SCNN0101", Net("InputChannels = 1, InputHeight = 3, InputWidth = 3", M("MaxPool2D(4)", "Pool")),
            "Layer 'Pool': a 4×4 kernel does not fit the 1×3×3 input from 'Input' (padded to 3×3); the output would be 0×0; use Padding ≥ 1 or a smaller kernel"),

        new("AddShapes", "SCNN0102", Net(Mnist,
                L("Conv2D(8, Padding = 1)", "A"),
                L("Conv2D(4, Padding = 1, From = nameof(A))", "B"),
                M("Add(nameof(A), nameof(B))", "Sum")),
            "Layer 'Sum': Add needs inputs of one shape, but 'A' is 8×28×28 and 'B' is 4×28×28; project one of them (e.g. a 1×1 Conv2D with stride) to the other's shape"),

        new("ConcatSpatial", "SCNN0103", Net(Mnist,
                L("Conv2D(8, Padding = 1)", "A"),
                L("MaxPool2D(2)", "P"),
                M("Concat(nameof(A), nameof(P))", "Cat")),
            "Layer 'Cat': Concat joins channels and needs equal H×W, but 'A' is 8×28×28 and 'P' is 8×14×14; CenterCrop or Upsample one of them"),

        new("UnknownFrom", "SCNN0104", Net(Mnist, L("Conv2D(4)", "Conv1"), M("Conv2D(4, From = \"Nope\")", "Conv2")),
            "Layer 'Conv2': 'Nope' names no layer of this network; use nameof() of a layer declared before it, or \"Input\" for the network input"),

        new("UnknownAddInput", "SCNN0104", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), M("Add(nameof(Conv1), \"Conv9\")", "Sum")),
            "Layer 'Sum': 'Conv9' names no layer of this network; use nameof() of a layer declared before it, or \"Input\" for the network input"),

        new("ForwardFrom", "SCNN0105", Net(Mnist, L("Conv2D(4)", "Conv1"), M("Conv2D(4, From = nameof(Conv3))", "Conv2"), L("Conv2D(4)", "Conv3")),
            "Layer 'Conv2': 'Conv3' is declared after 'Conv2'; a layer can only consume layers declared before it"),

        new("SelfFrom", "SCNN0106", Net(Mnist, L("Conv2D(4)", "Conv1"), M("Conv2D(4, From = nameof(Conv2))", "Conv2")),
            "Layer 'Conv2' consumes its own output ('Conv2'), which makes a cycle; consume an earlier layer"),

        new("SelfAdd", "SCNN0106", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), M("Add(nameof(Conv1), nameof(Sum))", "Sum")),
            "Layer 'Sum' consumes its own output ('Sum'), which makes a cycle; consume an earlier layer"),

        new("GroupsDoNotDivide", "SCNN0108", Net("InputChannels = 3, InputHeight = 28, InputWidth = 28", M("Conv2D(8, Groups = 2)", "Conv1")),
            "Layer 'Conv1': Groups = 2 must divide both the 3 input channels from 'Input' and the 8 filters; choose a common divisor"),

        new("UnpoolOfConv", "SCNN0109", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), L("MaxPool2D(2)", "Pool"), M("MaxUnpool2D(nameof(Conv1))", "Unpool")),
            "Layer 'Unpool': MaxUnpool2D uses the indices of 'Conv1', which is not a MaxPool2D layer declared before it; name an earlier MaxPool2D"),

        new("UnpoolShape", "SCNN0110", Net(Mnist,
                L("Conv2D(4, Padding = 1)", "Conv1"),
                L("MaxPool2D(2)", "Pool"),
                L("Conv2D(8, Padding = 1)", "Conv2"),
                M("MaxUnpool2D(nameof(Pool))", "Unpool")),
            "Layer 'Unpool': its input from 'Conv2' is 8×14×14, but pool 'Pool' outputs 4×14×14; unpool a tensor of the pool's output shape"),

        new("OutputTooLarge", "SCNN0111", Net(Mnist, M("Conv2D(1000000, Padding = 1)", "Conv1")),
            "Layer 'Conv1': the output 1000000×28×28 is too large (more than 268435455 elements per sample, or the size overflows); reduce the layer's size"),

        new("UpsampleOverflowsInt32", "SCNN0111", Net(Mnist, M("Upsample(100000000)", "Up")),
            "Layer 'Up': the output 1×2800000000×2800000000 is too large (more than 268435455 elements per sample, or the size overflows); reduce the layer's size"),

        new("InputTooLarge", "SCNN0111", Net("InputChannels = 100000, InputHeight = 100000, InputWidth = 100000", L("Dense(10)", "Fc")).Replace("[Network", "[/*!*/Network"),
            "Network 'Net': the input 100000×100000×100000 is too large (more than 268435455 elements per sample, or the size overflows); reduce InputChannels, InputHeight or InputWidth"),

        new("SameWithStride2", "SCNN0112", Net(Mnist, M("Conv2D(4, PaddingMode = PaddingMode.Same, Stride = 2)", "Conv1")),
            "Layer 'Conv1': PaddingMode.Same needs stride 1 (got 2); use explicit Padding with this stride"),

        new("OutputPaddingTooLarge", "SCNN0113", Net(Mnist, M("ConvTranspose2D(4, Kernel = 2, Stride = 2, OutputPadding = 2)", "Up")),
            "Layer 'Up': OutputPadding = 2 must be smaller than the stride (2) or the dilation (1)"),

        new("CropOutside", "SCNN0114", Net(Mnist, M("Crop(Top = 20, Left = 0, Height = 10, Width = 10)", "Window")),
            "Layer 'Window': a 10×10 crop at (20, 0) does not fit the 1×28×28 input from 'Input'; make the crop smaller"),

        new("PoolPadding", "SCNN0115", Net(Mnist, M("MaxPool2D(2, Padding = 2)", "Pool")),
            "Layer 'Pool': pool padding 2 must be at most half the 2×2 window; use Padding ≤ 1"),

        new("AddOneInput", "SCNN0116", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), M("Add(nameof(Conv1))", "Sum")),
            "Layer 'Sum': Add needs at least two input layers (got 1)"),

        new("ConcatNoInputs", "SCNN0116", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), M("Concat()", "Cat")),
            "Layer 'Cat': Concat needs at least two input layers (got 0)"),

        // ---- SCNN03xx: advice ----
        new("StrideDropsRow", "SCNN0300", Net(Mnist, M("Conv2D(4, Kernel = 3, Stride = 2)", "Conv1")),
            "Layer 'Conv1': with a 3×3 window and stride 2 on the 1×28×28 input from 'Input', the last 1 row(s)/column(s) are never read; adjust the padding or kernel so that (size + 2·padding − kernel) is a multiple of the stride")
        { Severity = DiagnosticSeverity.Warning },

        new("PoolDropsRow", "SCNN0300", Net("InputChannels = 2, InputHeight = 7, InputWidth = 7", M("MaxPool2D(2)", "Pool")),
            "Layer 'Pool': with a 2×2 window and stride 2 on the 2×7×7 input from 'Input', the last 1 row(s)/column(s) are never read; adjust the padding or kernel so that (size + 2·padding − kernel) is a multiple of the stride")
        { Severity = DiagnosticSeverity.Warning },

        // ---- SCNN0016: declaration forms the generated code cannot extend ----
        new("PositionalRecord", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial record Positional/*!*/(int Q)
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "Network 'Positional' has a primary constructor '(int Q)', which the generated constructor would have to call; remove the parameter list and declare its values as members"),

        new("PrimaryConstructor", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class WithPrimary/*!*/(int q, string label)
            {
                public string Label => label + q;
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "Network 'WithPrimary' has a primary constructor '(int q, string label)', which the generated constructor would have to call; remove the parameter list and declare its values as members"),

        new("FileLocalNetwork", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            /*!*/file partial class Local
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "Network 'Local' is a file-local type ('file'), which generated code in another file cannot extend; remove the 'file' modifier (use 'internal')")
        // Nothing can be generated for a file-local type, so the compiler's "no implementation" error on the layer remains.
        { AllowedCompilerErrors = new[] { "CS9248" } },

        new("NestedInFileLocal", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            /*!*/file partial class Holder
            {
                [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
                public partial class Inner
                {
                    [Conv2D(6)] public partial Layer Conv1 { get; }
                }
            }
            """,
            "Network 'Inner' is nested in the file-local type 'Holder', which generated code in another file cannot extend; remove the 'file' modifier of 'Holder' (use 'internal')")
        { AllowedCompilerErrors = new[] { "CS9248" } },

        new("RecordStructNetwork", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            [/*!*/Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial record struct Rs
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """,
            "Network 'Rs' is a record struct, but a network is a class that owns its parameter and workspace buffers; declare it as 'partial class Rs'")
        // CS0592: [Network] is valid on classes only; CS9248: nothing is generated for a struct.
        { AllowedCompilerErrors = new[] { "CS0592", "CS9248" } },

        // ---- SCNN0017: a partial Layer property that is no layer ----
        new("PartialLayerWithoutAttribute", "SCNN0017", Net(Mnist,
                L("Conv2D(6)", "Conv1"),
                "    public partial Layer /*!*/Extra { get; }"),
            "'Extra' in network 'Net' is a partial Layer property without a layer attribute, so it is not a layer and nothing implements it; add a layer attribute such as [Dense(10)], or implement the property"),

        // ---- SCNN0018/0019, 0117/0118: declared inputs, shared layers, ranks ----
        new("InputsAndShorthand", "SCNN0018", Net(Mnist, I("1, 28, 28", "Image"), L("Conv2D(6)", "Conv1")).Replace("[Network", "[/*!*/Network"),
            "Network 'Net' declares [Input] members and also an input shape in [Network] (InputChannels, InputHeight, InputWidth); use one: remove the shape from [Network], the [Input] members define the inputs"),

        new("InputZeroDimension", "SCNN0019", Net("", I("1, 0, 28", "Image", marked: true), L("Conv2D(6)", "Conv1")),
            "Input 'Image': the shape [1, 0, 28] is not valid; every dimension must be at least 1"),

        new("InputNoDimension", "SCNN0019", Net("", I("", "Image", marked: true), L("Dense(6)", "Fc")),
            "Input 'Image': the shape [] is not valid; give at least one dimension, e.g. [Input(1, 28, 28)] or [Input(8, 200)]"),

        // ---- SCNN0020: network arguments ----
        new("PrecisionUndefined", "SCNN0020", Net(Mnist + ", Precision = (Precision)7", L("Conv2D(6)", "Conv1")).Replace("[Network", "[/*!*/Network"),
            "Network 'Net': Precision must be Precision.Standard or Precision.Relaxed (got 7)"),

        new("SharesOtherFilters", "SCNN0117", Net("", I("1, 28, 28", "Left"), I("1, 28, 28", "Right"),
                L("Conv2D(6, From = nameof(Left))", "A"), M("Conv2D(8, From = nameof(Right), Shares = nameof(A))", "B")),
            "Layer 'B' shares the parameters of 'A', but its weight would be [8, 1, 3, 3] and the shared one is [6, 1, 3, 3]; declare it with the same kind and arguments as 'A'"),

        new("SharesOtherKind", "SCNN0117", Net("", I("1, 28, 28", "Left"), I("1, 28, 28", "Right"),
                L("Conv2D(6, From = nameof(Left))", "A"), M("MaxPool2D(2, From = nameof(Right), Shares = nameof(A))", "B")),
            "Layer 'B' shares the parameters of 'A', but 'A' is a Conv2D and 'B' a MaxPool2D; declare it with the same kind and arguments as 'A'"),

        new("Conv2DOnSequence", "SCNN0118", Net("", I("8, 200", "Signal"), M("Conv2D(4)", "Conv1")),
            "Layer 'Conv1': Conv2D needs a C×H×W input, but 'Signal' is 8×200 (C×L); use Conv1D"),
    };

    public static readonly NearMiss[] NearMisses =
    {
        new("Partial", "SCNN0001", Net(Mnist, L("Conv2D(6)", "Conv1"))),
        new("FusedReLU6AndHardswishLayer", "SCNN0011", Net(Mnist, L("Conv2D(4, Activation = Activation.ReLU6)", "Conv1"), L("Hardswish", "Act"), L("SiLU", "Act2"))),
        new("NotGeneric", "SCNN0002", Net(Mnist, L("Conv2D(6)", "Conv1"), "    public T Echo<T>(T value) => value;")),
        new("ContainingTypePartial", "SCNN0003", """
            using StaticCnn;
            namespace TestNets;
            public partial class Outer
            {
                [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
                public partial class Inner
                {
                    [Conv2D(6)] public partial Layer Conv1 { get; }
                }
            }
            """),
        new("LanguageVersion13", "SCNN0004", Net(Mnist, L("Conv2D(6)", "Conv1"))),
        new("InputShapeComplete1x1x1", "SCNN0005", Net("InputChannels = 1, InputHeight = 1, InputWidth = 1", L("Dense(3)", "Fc"))),
        new("OneLayer", "SCNN0006", Net(Mnist, L("Flatten", "Flat"))),
        new("DistinctNames", "SCNN0007", Net(Mnist, L("Conv2D(6, Padding = 1, Name = \"block1\")", "A"), L("Conv2D(6, Padding = 1, Name = \"block2\")", "B"))),
        new("PartialLayerPlusOrdinaryMembers", "SCNN0008", Net(Mnist, L("Conv2D(6)", "Conv1"), "    public Layer Alias => Conv1;", "    public static int Count => 1;")),
        new("OneAttributeEach", "SCNN0009", Net(Mnist, L("Conv2D(6)", "Conv1"), L("ReLU", "Act"))),
        new("LayersInOneDeclarationOfTwo", "SCNN0010", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class Split
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
                [Conv2D(6)] public partial Layer Conv2 { get; }
            }
            public partial class Split
            {
                public string Describe() => Conv1.ToString();
            }
            """),
        new("BoundaryArguments", "SCNN0011", Net(Mnist,
            L("Conv2D(1, Kernel = 1, Stride = 1, Padding = 0)", "Conv1"),
            L("Dropout(0f)", "Drop"),
            L("MaxPool2D(1)", "Pool"),
            L("Dense(1)", "Fc"))),
        new("LayerInsideNetwork", "SCNN0012", Net(Mnist, L("Conv2D(6)", "Conv1"))),
        new("NamesNearTheGeneratedOnes", "SCNN0015", Net(Mnist, L("Conv2D(6)", "Conv1"), L("Dense(10)", "Params"), "    public struct Conv2Shape { }",
            "    public int Forward2(int x) => x;", "    private int _maxBatchSeen;")),
        new("SealedNetworkWithStaticMembers", "SCNN0014", Net(Mnist, L("Conv2D(6)", "Conv1"), "    public static int Helper => 1;").Replace("public partial class", "public sealed partial class")),
        new("LeakyReLUFiniteSlopes", "SCNN0011", Net(Mnist, L("LeakyReLU(Slope = -3.5f)", "A"), L("LeakyReLU(Slope = 0f)", "B"), L("LeakyReLU(Slope = float.MaxValue)", "C"), L("Dense(10, Name = \"head.fc_1.0\")", "Fc"))),
        new("TransposedOutputPositive", "SCNN0100", Net("InputChannels = 1, InputHeight = 2, InputWidth = 2", L("ConvTranspose2D(4, Kernel = 2, Padding = 1)", "Up"))),
        new("KernelFitsWithPadding", "SCNN0101", Net(Tiny, L("Conv2D(8, Kernel = 5)", "Conv1"), L("MaxPool2D(2)", "Pool1"), L("Conv2D(16, Kernel = 7, Padding = 2)", "Conv2"))),
        new("PoolWindowEqualsInput", "SCNN0101", Net("InputChannels = 1, InputHeight = 3, InputWidth = 3", L("MaxPool2D(3)", "Pool"))),
        new("AddSameShapes", "SCNN0102", Net(Mnist, L("Conv2D(8, Padding = 1)", "A"), L("Conv2D(8, Padding = 1, From = nameof(A))", "B"), L("Add(nameof(A), nameof(B))", "Sum"))),
        new("ConcatSameSpatial", "SCNN0103", Net(Mnist, L("Conv2D(8, Padding = 1)", "A"), L("Conv2D(3, Padding = 1)", "B"), L("Concat(nameof(A), nameof(B))", "Cat"))),
        new("FromInputAndEarlier", "SCNN0104", Net(Mnist, L("Conv2D(4)", "Conv1"), L("Conv2D(4, From = \"Input\")", "Conv2"), L("Conv2D(4, From = nameof(Conv1))", "Conv3"))),
        new("FromEarlier", "SCNN0105", Net(Mnist, L("Conv2D(4)", "Conv1"), L("Conv2D(4, Padding = 1)", "Conv2"), L("Conv2D(4, From = nameof(Conv2))", "Conv3"))),
        new("FromPrevious", "SCNN0106", Net(Mnist, L("Conv2D(4)", "Conv1"), L("Conv2D(4, From = nameof(Conv1))", "Conv2"))),
        new("GroupsDivide", "SCNN0108", Net("InputChannels = 4, InputHeight = 28, InputWidth = 28", L("Conv2D(8, Groups = 2)", "Conv1"), L("Conv2D(8, Groups = 8, Padding = 1)", "Depthwise"))),
        new("UnpoolOfPool", "SCNN0109", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), L("MaxPool2D(2)", "Pool"), L("MaxUnpool2D(nameof(Pool))", "Unpool"))),
        new("UnpoolShapeMatches", "SCNN0110", Net(Mnist, L("Conv2D(4, Padding = 1)", "Conv1"), L("MaxPool2D(2)", "Pool"), L("Conv2D(4, Padding = 1)", "Conv2"), L("MaxUnpool2D(nameof(Pool))", "Unpool"))),
        new("LargeButFine", "SCNN0111", Net(Mnist, L("Conv2D(300000, Kernel = 1)", "Conv1"))),
        new("SameWithStride1", "SCNN0112", Net(Mnist, L("Conv2D(4, PaddingMode = PaddingMode.Same, Kernel = 4)", "Conv1"))),
        new("OutputPaddingBelowStride", "SCNN0113", Net(Mnist, L("ConvTranspose2D(4, Kernel = 2, Stride = 2, OutputPadding = 1)", "Up"))),
        new("CropInside", "SCNN0114", Net(Mnist, L("Crop(Top = 18, Left = 18, Height = 10, Width = 10)", "Window"))),
        new("PoolPaddingHalf", "SCNN0115", Net(Mnist, L("MaxPool2D(3, Stride = 1, Padding = 1)", "Pool"))),
        new("AddTwoInputs", "SCNN0116", Net(Mnist, L("Conv2D(1, Padding = 1)", "Conv1"), L("Add(nameof(Conv1), \"Input\")", "Sum"))),
        new("StrideDividesExactly", "SCNN0300", Net(Mnist, L("Conv2D(4, Kernel = 2, Stride = 2)", "Conv1"), L("MaxPool2D(2)", "Pool"), L("Conv2D(4, Kernel = 3, Stride = 2, Padding = 1)", "Conv2"))),
        new("RecordAndStructContainer", "SCNN0016", """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public sealed partial record RecordNet
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            internal partial struct Holder
            {
                [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
                internal partial class Inner
                {
                    [Conv2D(6)] public partial Layer Conv1 { get; }
                }
            }
            """),
        new("PartialLayerImplementedByUser", "SCNN0017", Net(Mnist, L("Conv2D(6)", "Conv1"),
            "    public partial Layer Alias { get; }",
            "    public partial Layer Alias { get => Conv1; }")),
        new("InputsOnly", "SCNN0018", Net("", I("1, 28, 28", "Image"), L("Conv2D(6)", "Conv1"))),
        new("InputSequence", "SCNN0019", Net("", I("8, 200", "Signal"), L("Dense(6)", "Fc"))),
        new("PrecisionRelaxed", "SCNN0020", Net(Mnist + ", Precision = Precision.Relaxed", L("Conv2D(6)", "Conv1"))),
        new("SharesSameConv", "SCNN0117", Net("", I("1, 28, 28", "Left"), I("1, 20, 20", "Right"),
            L("Conv2D(6, From = nameof(Left))", "A"), L("Conv2D(6, From = nameof(Right), Shares = nameof(A))", "B"))),
        new("DenseOnSequence", "SCNN0118", Net("", I("8, 200", "Signal"), L("Flatten", "Flat"), L("Dense(4)", "Fc"))),
    };
}
