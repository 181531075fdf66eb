using Microsoft.CodeAnalysis.Text;

namespace StaticCnn.Generator.Model;

// The values that flow through the pipeline: Parse -> NetworkSpec, Infer -> NetworkModel, Plan -> NetworkPlan.
// Only strings, numbers, enums, bools, text spans and EquatableArray: never a symbol, syntax node, location or
// compilation, so that every step caches by value.

/// <summary>Where a diagnostic goes: a file and a span (turned into a Location only at output).</summary>
internal sealed record SourceSpan(string FilePath, TextSpan Span, LinePositionSpan LineSpan);

/// <summary>A diagnostic as a value: the descriptor id, where, and the message arguments.</summary>
internal sealed record DiagnosticInfo(string Id, SourceSpan? Where, EquatableArray<string> Args);

/// <summary>
/// One attribute argument, by property name (constructor parameters are stored under their property's name, e.g.
/// <c>filters</c> as <c>Filters</c>). Scalars are invariant text (floats round-trip, enums as their number, bools
/// as true/false); arrays in <see cref="Items"/>. <see cref="IsNull"/> marks a null string or array.
/// </summary>
internal sealed record LayerArg(string Name, string? Text, EquatableArray<string> Items, bool IsNull);

/// <summary>A layer as declared: its member, kind, arguments and the location of its attribute.</summary>
internal sealed record LayerSpec(string Member, string Kind, EquatableArray<LayerArg> Args, SourceSpan? Where);

/// <summary>
/// A partial member the generator must implement (every partial property carrying a layer attribute, valid or not,
/// so that the user never sees "partial member has no implementation").
/// </summary>
/// <param name="Modifiers">The declaration's modifiers as written, e.g. "public partial".</param>
/// <param name="Type">Fully qualified type.</param>
/// <param name="Name">Member name.</param>
/// <param name="Accessors">Accessor keywords with their modifiers, e.g. "get", "private set".</param>
/// <param name="LayerIndex">Index of the layer it returns, or −1 for an invalid member (throws).</param>
internal sealed record MemberImpl(string Modifiers, string Type, string Name, EquatableArray<string> Accessors, int LayerIndex);

/// <summary>The declaration of the network class, enough to re-open it.</summary>
/// <param name="Namespace">Containing namespace, or empty for the global namespace.</param>
/// <param name="ContainingTypes">Headers of the containing types, outermost first, e.g. "partial class Outer".</param>
/// <param name="Keyword">"class" or "record".</param>
/// <param name="Name">Class name.</param>
/// <param name="TypeParameters">"&lt;T&gt;" or empty.</param>
/// <param name="CanEmit">Whether a partial declaration can be emitted at all (class and containers are partial).</param>
/// <param name="HintName">File name of the generated source.</param>
/// <param name="Taken">Generated member names the user's class already declares (SCNN0015): the stub leaves them out.</param>
internal sealed record TypeHeader(string Namespace, EquatableArray<string> ContainingTypes, string Keyword, string Name,
    string TypeParameters, bool CanEmit, string HintName, EquatableArray<string> Taken = default);

/// <summary>Output of Parse: the network as written.</summary>
internal sealed record NetworkSpec(TypeHeader Header, int InputChannels, int InputHeight, int InputWidth,
    EquatableArray<LayerSpec> Layers, EquatableArray<MemberImpl> Members, EquatableArray<DiagnosticInfo> Diagnostics,
    bool HasErrors);

/// <summary>Which arena a tensor lives in.</summary>
internal enum TensorArena { Parameter, Buffer }

/// <summary>A named tensor of a layer: PyTorch suffix (<c>weight</c>), arena and PyTorch shape.</summary>
internal sealed record TensorModel(string Suffix, TensorArena Arena, EquatableArray<int> Dims)
{
    public int Length { get { int n = 1; foreach (int d in Dims) n *= d; return n; } }
}

/// <summary>A constant property of a layer's shape struct, or an emitter constant: name, C# type, C# literal.</summary>
internal sealed record ShapeProp(string Name, string Type, string Value);

/// <summary>A per-sample C×H×W shape.</summary>
internal sealed record Shape3(int C, int H, int W)
{
    public int Size => C * H * W;
    public override string ToString() => C + "×" + H + "×" + W;
    public string Nchw => "(N," + C + "," + H + "," + W + ")";
}

/// <summary>Output of Infer for one layer.</summary>
/// <param name="Index">Position in declaration (= execution) order.</param>
/// <param name="Member">C# member name.</param>
/// <param name="Kind">Layer kind, e.g. Conv2D.</param>
/// <param name="PyName">PyTorch state_dict prefix.</param>
/// <param name="Inputs">Indices of the layers consumed; −1 is the network input.</param>
/// <param name="Aux">Index of a referenced layer that is not an input (MaxUnpool2D's pool), else −1.</param>
/// <param name="Out">Output shape per sample.</param>
/// <param name="Tensors">Parameters and buffers, in state_dict order.</param>
/// <param name="Props">Shape-struct properties (kinds with a shape interface) and emitter constants.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="Macs">Multiply-accumulates per sample.</param>
/// <param name="Flags">What the layer needs from the planner.</param>
internal sealed record LayerModel(int Index, string Member, string Kind, string PyName, EquatableArray<int> Inputs, int Aux,
    Shape3 Out, EquatableArray<TensorModel> Tensors, EquatableArray<ShapeProp> Props, long Parameters, long Macs, LayerFlags Flags)
{
    public string? Prop(string name)
    {
        foreach (ShapeProp p in Props) if (p.Name == name) return p.Value;
        return null;
    }
}

/// <summary>Workspace needs of a layer.</summary>
[System.Flags]
internal enum LayerFlags
{
    None = 0,
    /// <summary>Output aliases the input region (Flatten).</summary>
    AliasInput = 1,
    /// <summary>Keeps an int argmax region of its output size (MaxPool2D).</summary>
    Argmax = 2,
    /// <summary>Keeps a dropout mask of its output size in training.</summary>
    Mask = 4,
    /// <summary>Keeps 2·C floats of saved batch statistics in training (BatchNorm2D).</summary>
    SavedStats = 8,
    /// <summary>Calls a kernel that needs float scratch (ScratchFloats).</summary>
    Scratch = 16,
}

/// <summary>Output of Infer: the checked graph with shapes, or the diagnostics that stop it.</summary>
internal sealed record NetworkModel(TypeHeader Header, Shape3 Input, EquatableArray<LayerModel> Layers,
    EquatableArray<MemberImpl> Members, EquatableArray<DiagnosticInfo> Diagnostics, bool HasErrors);

/// <summary>Where one layer's memory lives. Per-sample offsets are multiplied by the batch capacity at run time.</summary>
/// <param name="Act">Per-sample offset of the activation region in the float workspace.</param>
/// <param name="Grad">Per-sample offset of the activation-gradient region (training), or −1.</param>
/// <param name="Mask">Per-sample offset of the dropout mask (training), or −1.</param>
/// <param name="Argmax">Per-sample offset in the int workspace, or −1.</param>
/// <param name="Saved">Fixed (not per-sample) offset of saved statistics after the per-sample part, or −1.</param>
/// <param name="TensorOffsets">Offset of each tensor in its arena.</param>
/// <param name="FirstTensor">Index of its first tensor in TensorInfos, or −1.</param>
internal sealed record LayerPlan(int Act, int Grad, int Mask, int Argmax, int Saved, EquatableArray<int> TensorOffsets, int FirstTensor);

/// <summary>Output of Plan: the model plus every offset and total.</summary>
internal sealed record NetworkPlan(NetworkModel Model, EquatableArray<LayerPlan> Layers, int InputAct, int InputGrad,
    int ParameterCount, int BufferCount, int ActivationFloatsPerSample, int InferencePerSample, int TrainingPerSample,
    int TrainingFixed, int IntPerSample, int GradStart, int GradFloatsPerSample, string Summary);

/// <summary>A layer attribute outside a [Network] class: its SCNN0012 diagnostic and, when possible, a throwing implementation of the partial property.</summary>
internal sealed record OrphanLayer(EquatableArray<DiagnosticInfo> Diagnostics, TypeHeader? Header, MemberImpl? Member);
