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
/// <param name="Kind">The layer kind, or null for a member that is not a valid layer (already reported).</param>
internal sealed record LayerSpec(string Member, LayerType? Kind, EquatableArray<LayerArg> Args, SourceSpan? Where);

/// <summary>
/// A partial member the generator must implement (every partial property carrying a layer attribute, valid or not,
/// so that the user never sees "partial member has no implementation").
/// </summary>
/// <param name="Modifiers">The declaration's modifiers as written, e.g. "public partial".</param>
/// <param name="Type">Fully qualified type.</param>
/// <param name="Name">Member name.</param>
/// <param name="Accessors">Accessor keywords with their modifiers, e.g. "get", "private set".</param>
/// <param name="LayerIndex">Index of the layer it returns, or −1 for an invalid member (throws).</param>
/// <param name="InputIndex">For an [Input] member, its position among the inputs; −1 for a layer.</param>
internal sealed record MemberImpl(string Modifiers, string Type, string Name, EquatableArray<string> Accessors, int LayerIndex, int InputIndex = -1);

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
    bool HasErrors, Precision Precision = Precision.Standard);

/// <summary>Which arena a tensor lives in.</summary>
internal enum TensorArena { Parameter, Buffer }

/// <summary>A named tensor of a layer: PyTorch suffix (<c>weight</c>), arena and PyTorch shape.</summary>
/// <param name="Init">How it is initialised (the owning layer kind's rule, as PyTorch's reset_parameters).</param>
internal sealed record TensorModel(string Suffix, TensorArena Arena, EquatableArray<int> Dims, TensorInit Init = TensorInit.None)
{
    public int Length { get { int n = 1; foreach (int d in Dims) n *= d; return n; } }
}

/// <summary>A constant property of a layer's shape struct, or an emitter constant: name, C# type, C# literal.</summary>
internal sealed record ShapeProp(string Name, string Type, string Value);

/// <summary>
/// A per-sample shape of any rank, outermost axis first: a vector (F), a sequence (C, L), an image (C, H, W), or more.
/// <see cref="C"/>, <see cref="H"/> and <see cref="W"/> view it as the kernels lay it out: (F) as F×1×1, (C, L) as
/// C×1×L, rank 4 or more as C × (middle axes) × last.
/// </summary>
internal sealed record TensorDims(EquatableArray<int> Dims)
{
    public static TensorDims Chw(int c, int h, int w) => new(new[] { c, h, w });
    public static TensorDims Of(params int[] dims) => new(dims);
    public int Rank => Dims.Count;
    public int C => Dims.Count == 0 ? 0 : Dims[0];
    public int H { get { int h = 1; for (int i = 1; i < Rank - 1; i++) h *= Dims[i]; return h; } }
    public int W => Rank <= 1 ? 1 : Dims[Rank - 1];
    public int Size { get { int n = 1; foreach (int d in Dims) n *= d; return n; } }
    /// <summary>The same shape with <paramref name="c"/> channels.</summary>
    public TensorDims WithC(int c) { var d = Dims.AsSpan().ToArray(); d[0] = c; return new TensorDims(d); }
    public override string ToString() => string.Join("×", Dims);
    public string Nchw => "(N," + string.Join(",", Dims) + ")";
    /// <summary>The axes' names for messages: F, C×L, C×H×W, or rank N.</summary>
    public string Form => Rank switch { 1 => "F", 2 => "C×L", 3 => "C×H×W", _ => "rank " + Rank };
}

/// <summary>A network input: its member name (or "Input" for the shorthand), its shape and where it is declared.</summary>
internal sealed record PortModel(string Name, TensorDims Shape, SourceSpan? Where);

/// <summary>Output of Infer for one layer.</summary>
/// <param name="Index">Position in declaration (= execution) order.</param>
/// <param name="Member">C# member name.</param>
/// <param name="Kind">Layer kind, e.g. Conv2D.</param>
/// <param name="PyName">PyTorch state_dict prefix.</param>
/// <param name="Inputs">Indices of the layers consumed; −1 − k is network input k (−1: the first or only input).</param>
/// <param name="Aux">Index of a referenced layer that is not an input (MaxUnpool2D's pool), else −1.</param>
/// <param name="Out">Output shape per sample.</param>
/// <param name="Tensors">Parameters and buffers, in state_dict order.</param>
/// <param name="Props">Shape-struct properties (kinds with a shape interface) and emitter constants.</param>
/// <param name="Parameters">Trainable parameter count.</param>
/// <param name="Macs">Multiply-accumulates per sample.</param>
/// <param name="Flags">What the layer needs from the planner besides <paramref name="Saved"/>.</param>
/// <param name="Saved">The buffers it keeps for backward, as its kind declared them.</param>
/// <param name="Shares">Index of the layer whose parameters it uses (Shares = nameof(X)), else −1; its Tensors then
/// describe the shared tensors, which the planner gives the owner's offsets and lists once.</param>
/// <param name="IsOutput">Whether it is one of the network's outputs.</param>
internal sealed record LayerModel(int Index, string Member, LayerType Kind, string PyName, EquatableArray<int> Inputs, int Aux,
    TensorDims Out, EquatableArray<TensorModel> Tensors, EquatableArray<ShapeProp> Props, long Parameters, long Macs, LayerFlags Flags,
    int Shares = -1, bool IsOutput = false, EquatableArray<SavedBuffer> Saved = default)
{
    public string? Prop(string name)
    {
        foreach (ShapeProp p in Props) if (p.Name == name) return p.Value;
        return null;
    }
}

/// <summary>Workspace needs of a layer besides its saved buffers.</summary>
[System.Flags]
internal enum LayerFlags
{
    None = 0,
    /// <summary>Output aliases the input region (Flatten).</summary>
    AliasInput = 1,
    /// <summary>Calls a kernel that needs float scratch (ScratchFloats).</summary>
    Scratch = 16,
}

/// <summary>The element type of a saved buffer: the float workspace or the int workspace.</summary>
internal enum SavedElement { Float, Int }

/// <summary>
/// A buffer a layer keeps from forward for backward (or for another layer), declared by its kind in Infer
/// (<c>InferContext.Save</c>): MaxPool's argmax, Dropout's mask, BatchNorm's batch statistics. The planner lays every
/// declared buffer out; the emitted constant is <c>{Member}{Name}Offset</c>.
/// </summary>
/// <param name="Name">Its name in the constant, e.g. Argmax → Pool1ArgmaxOffset.</param>
/// <param name="Element">Float or int workspace.</param>
/// <param name="PerSample">Elements per sample (multiplied by the batch capacity), or 0 for a fixed buffer.</param>
/// <param name="Fixed">Elements independent of the batch (after the per-sample part), or 0.</param>
/// <param name="TrainingOnly">Whether only ForwardTrain/Backward use it (else inference writes it too).</param>
/// <param name="Comment">The comment on its constant, e.g. "dropout mask (N,16,8,8)".</param>
internal sealed record SavedBuffer(string Name, SavedElement Element, int PerSample, int Fixed, bool TrainingOnly, string Comment);

/// <summary>Output of Infer: the checked graph with shapes, or the diagnostics that stop it.</summary>
/// <param name="Inputs">The network inputs in order (one, named "Input", for the [Network(InputChannels = …)] shorthand).</param>
/// <param name="Outputs">Indices of the output layers in order (the last layer when none is marked).</param>
/// <param name="Shorthand">Whether the input comes from the [Network(InputChannels = …)] shorthand (the original API).</param>
/// <param name="OutputNames">The output members, known also when the network has errors (for the stub's typed API).</param>
/// <param name="NamedOutputs">Whether some layer is marked Output = true (the API names the outputs).</param>
internal sealed record NetworkModel(TypeHeader Header, EquatableArray<PortModel> Inputs, EquatableArray<LayerModel> Layers,
    EquatableArray<MemberImpl> Members, EquatableArray<DiagnosticInfo> Diagnostics, bool HasErrors,
    EquatableArray<int> Outputs = default, bool Shorthand = true, EquatableArray<string> OutputNames = default,
    bool NamedOutputs = false)
{
    /// <summary>The first (or only) input's shape.</summary>
    public TensorDims Input => Inputs.Count > 0 ? Inputs[0].Shape : TensorDims.Chw(0, 0, 0);
    /// <summary>Whether the generated API is the original one-input, one-output form.</summary>
    public bool SingleIO => Inputs.Count == 1 && Outputs.Count <= 1;
    /// <summary>Network input <paramref name="k"/> as a layer-input index (−1 − k).</summary>
    public static int InputRef(int k) => -1 - k;
    /// <summary>The input index of a layer-input reference below zero.</summary>
    public static int InputOf(int reference) => -1 - reference;
}

/// <summary>Where one layer's memory lives. Per-sample offsets are multiplied by the batch capacity at run time.</summary>
/// <param name="Act">Per-sample offset of the activation region in the float workspace.</param>
/// <param name="Grad">Per-sample offset of the activation-gradient region (training), or −1.</param>
/// <param name="SavedOffsets">Offset of each of the layer's saved buffers (LayerModel.Saved): per sample in the float
/// workspace's training part or in the int workspace, or fixed after the float workspace's per-sample part.</param>
/// <param name="TensorOffsets">Offset of each tensor in its arena.</param>
/// <param name="FirstTensor">Index of its first tensor in TensorInfos, or −1.</param>
internal sealed record LayerPlan(int Act, int Grad, EquatableArray<int> SavedOffsets, EquatableArray<int> TensorOffsets, int FirstTensor);

/// <summary>Output of Plan: the model plus every offset and total.</summary>
/// <param name="InputActs">Per-sample activation offset of each input copy (InputAct is the first).</param>
/// <param name="InputGrads">Per-sample gradient offset of each input (InputGrad is the first).</param>
/// <param name="InferActs">Per-sample offset of each layer's activation in the reused inference layout of inference
/// contexts and the embedded Infer (regions reused once nothing reads them, Pipeline/InferenceLayout.cs); −1 for a
/// layer the inference body does not write.</param>
/// <param name="InferInputActs">Per-sample offset of each input copy in that layout.</param>
/// <param name="SamplesOneAtATime">Batched inference runs one sample at a time, on up to <c>threads</c> streams side by
/// side (runtime SampleStreams): a network with one input and one output, at least Planner.SampleStreamMacs MACs
/// per sample, at least Planner.SampleStreamMacsPerWeight MACs per sample per weight and an inference workspace of at
/// most Planner.SampleStreamFloats per sample.</param>
internal sealed record NetworkPlan(NetworkModel Model, EquatableArray<LayerPlan> Layers, int InputAct, int InputGrad,
    int ParameterCount, int BufferCount, int ActivationFloatsPerSample, int InferencePerSample, int TrainingPerSample,
    int TrainingFixed, int IntPerSample, int GradStart, int GradFloatsPerSample, string Summary,
    EquatableArray<int> InputActs = default, EquatableArray<int> InputGrads = default,
    EquatableArray<int> InferActs = default, EquatableArray<int> InferInputActs = default, bool SamplesOneAtATime = false);

/// <summary>A layer attribute outside a [Network] class: its SCNN0012 diagnostic and, when possible, a throwing implementation of the partial property.</summary>
internal sealed record OrphanLayer(EquatableArray<DiagnosticInfo> Diagnostics, TypeHeader? Header, MemberImpl? Member);
