using Microsoft.CodeAnalysis;

namespace StaticCnn.Generator;

/// <summary>
/// Every diagnostic the generator reports, in one place. Ranges:
/// SCNN00xx declaration and attribute misuse; SCNN01xx shape and graph errors; SCNN02xx unsupported combinations;
/// SCNN03xx warnings and performance advice; SCNN04xx build-time weights.
/// Every message names the layer, the shapes involved and the fix.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Declaration = "StaticCnn.Declaration";
    private const string Shape = "StaticCnn.Shape";
    private const string Advice = "StaticCnn.Advice";
    private const string Weights = "StaticCnn.Weights";

    /// <summary>Every descriptor by id (for turning value diagnostics into Diagnostic at output).</summary>
    /// <remarks>Built on first use: static fields initialise in textual order, so it must not be a field initialiser above the descriptors.</remarks>
    public static System.Collections.Generic.Dictionary<string, DiagnosticDescriptor> ById => s_byId ??= BuildIndex();
    private static System.Collections.Generic.Dictionary<string, DiagnosticDescriptor>? s_byId;

    private static System.Collections.Generic.Dictionary<string, DiagnosticDescriptor> BuildIndex()
    {
        var d = new System.Collections.Generic.Dictionary<string, DiagnosticDescriptor>();
        foreach (System.Reflection.FieldInfo f in typeof(DiagnosticDescriptors).GetFields(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Static))
            if (f.GetValue(null) is DiagnosticDescriptor descriptor) d[descriptor.Id] = descriptor;
        return d;
    }

    private static DiagnosticDescriptor Error(string id, string title, string message, string category) =>
        new(id, title, message, category, DiagnosticSeverity.Error, isEnabledByDefault: true);

    private static DiagnosticDescriptor Warning(string id, string title, string message, string category) =>
        new(id, title, message, category, DiagnosticSeverity.Warning, isEnabledByDefault: true);

    // ---- SCNN00xx: declaration and attribute misuse ----
    public static readonly DiagnosticDescriptor NotPartial = Error("SCNN0001", "Network class must be partial",
        "The network class '{0}' must be declared 'partial' so that the generator can add its code; add the 'partial' modifier", Declaration);
    public static readonly DiagnosticDescriptor GenericNetwork = Error("SCNN0002", "Network class cannot be generic",
        "The network class '{0}' has type parameters; a network's shapes must be fixed, so remove the type parameters", Declaration);
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error("SCNN0003", "Containing type must be partial",
        "The network class '{0}' is nested in '{1}', which must also be declared 'partial'", Declaration);
    public static readonly DiagnosticDescriptor LanguageVersionTooLow = Error("SCNN0004", "C# 13 or later is required",
        "Network '{0}' declares its layers as partial properties, which need C# 13 or later, but this project uses C# {1}; set <LangVersion>13</LangVersion> (or later) in the project file", Declaration);
    public static readonly DiagnosticDescriptor MissingInputShape = Error("SCNN0005", "Network input shape is missing",
        "Network '{0}' needs InputChannels, InputHeight and InputWidth of at least 1 in its [Network] attribute (got {1}×{2}×{3})", Declaration);
    public static readonly DiagnosticDescriptor NoLayers = Error("SCNN0006", "Network has no layers",
        "Network '{0}' declares no layers; add 'public partial Layer Name {{ get; }}' properties with a layer attribute such as [Conv2D(16)]", Declaration);
    public static readonly DiagnosticDescriptor DuplicateLayerName = Error("SCNN0007", "Duplicate layer name",
        "Layer '{0}' has the parameter name '{1}', which layer '{2}' already uses (or which is reserved); rename one of them", Declaration);
    public static readonly DiagnosticDescriptor InvalidLayerMember = Error("SCNN0008", "Layer attribute on an invalid member",
        "'{0}' carries a layer attribute but is not a non-static 'partial Layer {0} {{ get; }}' property; {1}", Declaration);
    public static readonly DiagnosticDescriptor MultipleLayerAttributes = Error("SCNN0009", "More than one layer attribute",
        "Layer '{0}' carries both [{1}] and [{2}]; a property is one layer, so keep one attribute", Declaration);
    public static readonly DiagnosticDescriptor LayersInSeveralDeclarations = Error("SCNN0010", "Layers declared in several partial declarations",
        "Network '{0}' declares layers in more than one partial declaration, so their order is undefined; move all layer properties into one declaration", Declaration);
    public static readonly DiagnosticDescriptor InvalidArgument = Error("SCNN0011", "Invalid layer argument",
        "Layer '{0}': {1} must be {2} (got {3})", Declaration);
    public static readonly DiagnosticDescriptor LayerOutsideNetwork = Error("SCNN0012", "Layer outside a network",
        "'{0}' carries a layer attribute, but its class '{1}' has no [Network] attribute; add [Network(InputChannels = …, InputHeight = …, InputWidth = …)] to the class", Declaration);
    public static readonly DiagnosticDescriptor InternalError = Error("SCNN0013", "Network could not be generated",
        "Network '{0}' could not be generated because of an internal generator error ({1}); the class compiles as a stub that throws. Please report this with the network's declaration", Declaration);
    public static readonly DiagnosticDescriptor StaticNetwork = Error("SCNN0014", "Network class cannot be static",
        "The network class '{0}' is static, but a network is an object that owns its parameters and workspace; remove the 'static' modifier", Declaration);
    public static readonly DiagnosticDescriptor ReservedName = Error("SCNN0015", "Name used by the generated code",
        "'{0}' in network '{1}' has the name of {2}, which the generator adds to the class; rename it", Declaration);
    public static readonly DiagnosticDescriptor UnsupportedDeclaration = Error("SCNN0016", "Unsupported network declaration",
        "Network '{0}' {1}; {2}", Declaration);
    public static readonly DiagnosticDescriptor PartialLayerWithoutAttribute = Error("SCNN0017", "Partial Layer property without a layer attribute",
        "'{0}' in network '{1}' is a partial Layer property without a layer attribute, so it is not a layer and nothing implements it; add a layer attribute such as [Dense(10)], or implement the property", Declaration);
    public static readonly DiagnosticDescriptor InputDeclaredTwice = Error("SCNN0018", "Network inputs declared twice",
        "Network '{0}' declares [Input] members and also an input shape in [Network] (InputChannels, InputHeight, InputWidth); use one: remove the shape from [Network], the [Input] members define the inputs", Declaration);
    public static readonly DiagnosticDescriptor InvalidInputShape = Error("SCNN0019", "Invalid input shape",
        "Input '{0}': the shape [{1}] is not valid; {2}", Declaration);
    public static readonly DiagnosticDescriptor InvalidNetworkArgument = Error("SCNN0020", "Invalid network argument",
        "Network '{0}': {1} must be {2} (got {3})", Declaration);

    // ---- SCNN01xx: shape and graph errors ----
    public static readonly DiagnosticDescriptor NonPositiveOutput = Error("SCNN0100", "Output size is not positive",
        "Layer '{0}': the {1} input from '{2}' gives an output of {3}; use more padding, a smaller kernel or a smaller stride", Shape);
    public static readonly DiagnosticDescriptor KernelLargerThanInput = Error("SCNN0101", "Kernel larger than the padded input",
        "Layer '{0}': a {1} kernel does not fit the {2} input from '{3}' (padded to {4}); the output would be {5}; use Padding ≥ {6} or a smaller kernel", Shape);
    public static readonly DiagnosticDescriptor AddShapeMismatch = Error("SCNN0102", "Add inputs differ in shape",
        "Layer '{0}': {5} needs inputs of one shape, but '{1}' is {2} and '{3}' is {4}; project one of them (e.g. a 1×1 Conv2D with stride) to the other's shape", Shape);
    public static readonly DiagnosticDescriptor ConcatSpatialMismatch = Error("SCNN0103", "Concat inputs differ in height or width",
        "Layer '{0}': Concat joins channels and needs equal H×W, but '{1}' is {2} and '{3}' is {4}; CenterCrop or Upsample one of them", Shape);
    public static readonly DiagnosticDescriptor UnknownReference = Error("SCNN0104", "Unknown layer reference",
        "Layer '{0}': '{1}' names no layer of this network; use nameof() of a layer declared before it, or \"Input\" for the network input", Shape);
    public static readonly DiagnosticDescriptor ForwardReference = Error("SCNN0105", "Reference to a later layer",
        "Layer '{0}': '{1}' is declared after '{0}'; a layer can only consume layers declared before it", Shape);
    public static readonly DiagnosticDescriptor Cycle = Error("SCNN0106", "Cycle in the layer graph",
        "Layer '{0}' consumes its own output ('{1}'), which makes a cycle; consume an earlier layer", Shape);
    // SCNN0107 is not used: Dense flattens a C×H×W input implicitly, as nn.Flatten + nn.Linear.
    public static readonly DiagnosticDescriptor GroupsDoNotDivide = Error("SCNN0108", "Groups do not divide the channels",
        "Layer '{0}': Groups = {1} must divide both the {2} input channels from '{3}' and the {4} filters; choose a common divisor", Shape);
    public static readonly DiagnosticDescriptor UnpoolPoolMissing = Error("SCNN0109", "MaxUnpool2D without its pool",
        "Layer '{0}': MaxUnpool2D uses the indices of '{1}', which is not a MaxPool2D layer declared before it; name an earlier MaxPool2D", Shape);
    public static readonly DiagnosticDescriptor UnpoolShapeMismatch = Error("SCNN0110", "MaxUnpool2D input does not match its pool",
        "Layer '{0}': its input from '{1}' is {2}, but pool '{3}' outputs {4}; unpool a tensor of the pool's output shape", Shape);
    public static readonly DiagnosticDescriptor TooLarge = Error("SCNN0111", "Tensor too large",
        "{0}: {1} is too large (more than {2} elements per sample, or the size overflows); {3}", Shape);
    public static readonly DiagnosticDescriptor SamePaddingNeedsStrideOne = Error("SCNN0112", "Same padding needs stride 1",
        "Layer '{0}': PaddingMode.Same needs stride 1 (got {1}); use explicit Padding with this stride", Shape);
    public static readonly DiagnosticDescriptor InvalidOutputPadding = Error("SCNN0113", "Output padding too large",
        "Layer '{0}': OutputPadding = {1} must be smaller than the stride ({2}) or the dilation ({3})", Shape);
    public static readonly DiagnosticDescriptor CropDoesNotFit = Error("SCNN0114", "Crop does not fit",
        "Layer '{0}': a {1} crop at ({2}, {3}) does not fit the {4} input from '{5}'; make the crop smaller", Shape);
    public static readonly DiagnosticDescriptor PoolPaddingTooLarge = Error("SCNN0115", "Pool padding too large",
        "Layer '{0}': pool padding {1} must be at most half the {2}×{2} window; use Padding ≤ {3}", Shape);
    public static readonly DiagnosticDescriptor TooFewInputs = Error("SCNN0116", "Too few inputs",
        "Layer '{0}': {1} needs at least two input layers (got {2})", Shape);
    public static readonly DiagnosticDescriptor SharesMismatch = Error("SCNN0117", "Shared layer does not match",
        "Layer '{0}' shares the parameters of '{1}', but {2}; declare it with the same kind and arguments as '{1}'", Shape);
    public static readonly DiagnosticDescriptor RankMismatch = Error("SCNN0118", "Input of the wrong rank",
        "Layer '{0}': {1} needs a {2} input, but '{3}' is {4} ({5}){6}", Shape);

    // ---- SCNN03xx: warnings and advice ----
    public static readonly DiagnosticDescriptor StrideDropsPixels = Warning("SCNN0300", "Stride drops input pixels",
        "Layer '{0}': with a {1} window and stride {2} on the {3} input from '{4}', the last {5} row(s)/column(s) are never read; adjust the padding or kernel so that (size + 2·padding − kernel) is a multiple of the stride", Advice);

    // ---- SCNN04xx: build-time weights ----
    public static readonly DiagnosticDescriptor WeightsFileMissing = Error("SCNN0400", "Weights file not found",
        "Network '{0}': the weights file '{1}' is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{1}\" /> to the project", Weights);
    public static readonly DiagnosticDescriptor WeightsFileInvalid = Error("SCNN0401", "Weights file is not valid safetensors",
        "Network '{0}': the weights file '{1}' cannot be read: {2}", Weights);
    public static readonly DiagnosticDescriptor WeightsTensorMissing = Error("SCNN0402", "Tensor missing from the weights file",
        "Network '{0}': the weights file '{1}' has no tensor '{2}' (expected shape {3})", Weights);
    public static readonly DiagnosticDescriptor WeightsTensorMismatch = Error("SCNN0403", "Tensor shape or type mismatch",
        "Network '{0}': tensor '{1}' in '{2}' is {3} {4}, but the spec needs F32 {5}", Weights);
    public static readonly DiagnosticDescriptor WeightsInvalidValues = Warning("SCNN0404", "Weights hold NaN, infinite or negative-variance values",
        "Network '{0}': in '{1}', {2}; the embedded network will compute NaN or infinite outputs, so fix or retrain the weights", Weights);
}
