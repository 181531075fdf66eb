namespace StaticCnn.Generator.Layers;

/// <summary>
/// One layer kind: how its attribute's arguments are read and checked, its shape rule (output shape, PyTorch tensors,
/// parameter count, MACs) and its forward and backward emitters. One subclass per file in this folder; registered
/// in <see cref="LayerRegistry"/>.
/// </summary>
internal abstract class LayerKind
{
    /// <summary>The kind (the runtime's own enum, linked from src/StaticCnn.Spec/Model).</summary>
    public abstract LayerType Type { get; }

    /// <summary>The kind's name as shown in summaries and LayerInfo.Kind, e.g. "Conv2D".</summary>
    public string Kind => Type.ToString();

    /// <summary>Metadata name of the attribute class, e.g. "StaticCnn.Conv2DAttribute".</summary>
    public virtual string AttributeName => "StaticCnn." + Kind + "Attribute";

    /// <summary>The kernel's shape interface (without namespace) when the kind emits a shape struct, else null.</summary>
    public virtual string? ShapeInterface => null;

    /// <summary>
    /// The argument listing this layer's inputs by name (Add, Concat: "Inputs"), or null for a single input given by
    /// <c>From</c> (default: the previous layer).
    /// </summary>
    public virtual string? InputListArgument => null;

    /// <summary>
    /// The rank every input must have: 3 (C×H×W) for the image kinds, 2 (C×L) for the 1-D kinds, 0 for kinds that take
    /// any rank (Dense, Flatten, activations …). Inference reports SCNN0118 before <see cref="Infer"/> runs otherwise.
    /// </summary>
    public virtual int InputRank => 3;

    /// <summary>The kind to suggest when the input has another rank (e.g. "Conv1D" for Conv2D on a sequence), or null.</summary>
    public virtual string? RankHint(int rank) => null;

    /// <summary>Metadata name of the member type the attribute goes on: <c>StaticCnn.Layer</c> (inputs: <c>StaticCnn.NetworkInput</c>).</summary>
    public virtual string MemberType => "StaticCnn.Layer";

    /// <summary>The PyTorch suffixes of the tensors this kind may declare (InferContext.Tensor checks it): weight, bias …</summary>
    public virtual string[] TensorSuffixes => System.Array.Empty<string>();

    /// <summary>The names of the buffers this kind may save for backward (InferContext.Save checks it): Argmax, Mask, Saved …</summary>
    public virtual string[] SavedNames => System.Array.Empty<string>();

    /// <summary>
    /// The member-name suffixes the generated code uses for a layer of this kind (the common ones, a
    /// <c>{Tensor}Offset</c> per tensor suffix and a <c>{Name}Offset</c> per saved buffer): a user member named like one
    /// of them is SCNN0015.
    /// </summary>
    public System.Collections.Generic.IEnumerable<string> ReservedSuffixes
    {
        get
        {
            foreach (string s in Pipeline.Parser.LayerHelperSuffixes) yield return s;
            foreach (string t in TensorSuffixes) yield return Emit.Naming.Pascal(t) + "Offset";
            foreach (string n in SavedNames) yield return n + "Offset";
        }
    }

    /// <summary>Checks the arguments against the input shapes and describes the layer (see <see cref="InferContext"/>).</summary>
    public abstract void Infer(InferContext c);

    /// <summary>Emits the layer's inference (<paramref name="train"/> false) or training forward.</summary>
    public abstract void EmitForward(EmitContext e, bool train);

    /// <summary>Emits the layer's backward: adds into parameter gradients and its inputs' gradient regions.</summary>
    public abstract void EmitBackward(EmitContext e);

    /// <summary>An expression of the float scratch this layer's kernels need (with <c>batch</c> and <c>threads</c> in scope), or null.</summary>
    public virtual string? ScratchExpression(EmitContext e) => null;

    /// <summary>The float scratch of the layer's inference forward alone (at most <see cref="ScratchExpression"/>), or null.</summary>
    public virtual string? ForwardScratchExpression(EmitContext e) => ScratchExpression(e);
}


