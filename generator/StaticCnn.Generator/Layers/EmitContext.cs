using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// What a layer kind's emitters see: the writer and expressions for every region the layer reads and writes.
/// The emitted method bodies have these locals in scope: <c>ws</c> (float workspace), <c>iws</c> (int workspace),
/// <c>prm</c>, <c>grd</c>, <c>buf</c> (arenas), <c>scratch</c>, <c>batch</c>, <c>mb</c> (batch capacity),
/// <c>threads</c>, <c>reference</c>, and in backward <c>needInput</c>.
/// </summary>
internal sealed class EmitContext
{
    public EmitContext(SourceWriter w, NetworkPlan net, int index)
    {
        W = w;
        Net = net;
        L = net.Model.Layers[index];
        P = net.Layers[index];
    }

    public SourceWriter W { get; }

    /// <summary>Emitting the inference body, which finds the activations through its layout parameter <c>at</c>.</summary>
    public bool Inference { get; init; }

    /// <summary>The per-sample offset of the activation of <paramref name="name"/> (a layer member or an input prefix) in the body being emitted.</summary>
    public string Act(string name) => Act(name, Inference);

    /// <summary>The per-sample offset of an activation: the training layout's constant, or the inference body's layout parameter <c>at</c>.</summary>
    internal static string Act(string name, bool inference) => inference ? "at." + Naming.Id(name) : name + "ActOffset";

    /// <summary>The batch's slice of the activation of <paramref name="name"/> (a layer member or an input prefix).</summary>
    public string ActSlice(string name) => ActSlice(Net, name, Inference);

    /// <summary>
    /// <c>ws.Slice(offset * mb, batch * size)</c>; in the inference body of a network that runs one sample at a time
    /// (NetworkPlan.SamplesOneAtATime) from sample <c>s0</c> of the layout: <c>offset * mb + s0 * size</c>.
    /// </summary>
    internal static string ActSlice(NetworkPlan net, string name, bool inference, string? size = null)
        => BatchSlice(net, "ws", Act(name, inference), size ?? name + "Size", inference);

    /// <summary><c>span.Slice(offset * mb, batch * size)</c>, from sample <c>s0</c> in a one-sample-at-a-time network's inference body.</summary>
    private static string BatchSlice(NetworkPlan net, string span, string offset, string size, bool inference)
        => span + ".Slice(" + offset + " * mb" + (inference && net.SamplesOneAtATime ? " + s0 * " + size : "") + ", batch * " + size + ")";

    private readonly System.Collections.Generic.List<(string Name, string Expr)> _locals = new();

    /// <summary>The locals the layer's code used (name, initialiser), declared at the top of its block.</summary>
    public System.Collections.Generic.IReadOnlyList<(string Name, string Expr)> Locals => _locals;

    /// <summary>Declares (once) a local <paramref name="name"/> = <paramref name="expr"/> for the layer's block and returns its name.</summary>
    public string Local(string name, string expr)
    {
        if (expr == "default") return expr;
        foreach (var l in _locals) if (l.Name == name) return name;
        _locals.Add((name, expr));
        return name;
    }
    public NetworkPlan Net { get; }
    public LayerModel L { get; }
    public LayerPlan P { get; }
    public string M => L.Member;

    /// <summary>The shape struct argument, <c>default(Conv1Shape)</c>.</summary>
    public string Shape => "default(" + M + "Shape)";

    /// <summary>Output shape of input <paramref name="k"/>.</summary>
    public TensorDims InShape(int k) => L.Inputs[k] < 0 ? Net.Model.Inputs[NetworkModel.InputOf(L.Inputs[k])].Shape : Net.Model.Layers[L.Inputs[k]].Out;

    /// <summary>The member name of input <paramref name="k"/>: a layer, a declared input, or "Input".</summary>
    public string InName(int k) => Name(Net, L.Inputs[k]);

    /// <summary>The region-name prefix of layer or input reference <paramref name="layer"/> (−1 − k: network input k).</summary>
    internal static string Name(NetworkPlan net, int layer) => layer < 0 ? net.Model.Inputs[NetworkModel.InputOf(layer)].Name : net.Model.Layers[layer].Member;

    /// <summary>The backward's flag "the caller wants the gradient of network input <paramref name="input"/>".</summary>
    internal static string NeedFlag(NetworkModel model, int input) => model.Shorthand ? "needInput" : "need" + model.Inputs[input].Name;

    /// <summary>Activation region of input <paramref name="k"/>, batch samples.</summary>
    public string X(int k = 0)
    {
        string n = Name(Net, L.Inputs[k]);
        return Local(L.Inputs.Count == 1 ? "x" : "x" + k, ActSlice(n));
    }

    public string Y => Local("y", ActSlice(M));
    public string DY => Local("dy", "ws.Slice(" + M + "GradOffset * mb, batch * " + M + "Size)");

    /// <summary>
    /// Gradient region of input <paramref name="k"/>; for a layer fed by the network input (directly or through a
    /// Flatten view) it is empty when the caller passed no dInput, which makes the kernel skip that work.
    /// </summary>
    public string DX(int k = 0)
    {
        string n = Name(Net, L.Inputs[k]);
        string region = "ws.Slice(" + n + "GradOffset * mb, batch * " + n + "Size)";
        return Local(L.Inputs.Count == 1 ? "dx" : "dx" + k, FedByInput(k) && !Guarded ? NeedFlag(Net.Model, FeedingInput(k)) + " ? " + region + " : default" : region);
    }

    /// <summary>The gradient region of input <paramref name="k"/>, unconditionally.</summary>
    public string DXRegion(int k = 0)
    {
        string n = Name(Net, L.Inputs[k]);
        return Local(L.Inputs.Count == 1 ? "dx" : "dx" + k, "ws.Slice(" + n + "GradOffset * mb, batch * " + n + "Size)");
    }

    /// <summary>Set while the whole backward of the layer is inside <c>if (needInput)</c>.</summary>
    public bool Guarded { get; set; }

    /// <summary>Emits <paramref name="body"/>, inside <c>if (needInput)</c> when input <paramref name="k"/> is the network input.</summary>
    public void IfInputNeeded(int k, System.Action body)
    {
        if (!FedByInput(k) || Guarded) { body(); return; }
        W.Open("if (" + NeedFlag(Net.Model, FeedingInput(k)) + ")");
        body();
        W.Close();
    }

    public bool FedByInput(int k) => FeedingInput(k) >= 0;

    /// <summary>The network input that input <paramref name="k"/> is (directly or through Flatten views), or −1.</summary>
    public int FeedingInput(int k)
    {
        int i = L.Inputs[k];
        while (i >= 0 && (Net.Model.Layers[i].Flags & LayerFlags.AliasInput) != 0) i = Net.Model.Layers[i].Inputs[0];
        return i < 0 ? NetworkModel.InputOf(i) : -1;
    }

    private string TensorRegion(string arena, string suffix) => TensorRegion(Net, L, arena, suffix);

    private static string TensorRegion(NetworkPlan net, LayerModel l, string arena, string suffix)
    {
        string owner = l.Shares >= 0 ? net.Model.Layers[l.Shares].Member : l.Member; // a layer that shares uses its owner's tensors
        for (int t = 0; t < l.Tensors.Count; t++)
            if (l.Tensors[t].Suffix == suffix)
                return arena + ".Slice(" + owner + Naming.Pascal(suffix) + "Offset, " + Lit.Int(l.Tensors[t].Length) + ")";
        return "default";
    }

    /// <summary>A tensor of another layer <paramref name="other"/> fused into this one's call, as a local named after both.</summary>
    public string TensorOf(LayerModel other, string arena, string suffix)
        => Local(Camel(other.Member) + Naming.Pascal(suffix), TensorRegion(Net, other, arena, suffix));

    private static string Short(string suffix) => suffix switch { "weight" => "w", "bias" => "b", _ => Camel(suffix) };
    private static string Camel(string snake) { string p = Naming.Pascal(snake); return char.ToLowerInvariant(p[0]) + p.Substring(1); }

    public string Param(string suffix) => Local(Short(suffix), TensorRegion("prm", suffix));

    /// <summary>The parameter region of tensor <paramref name="suffix"/> as an expression (no local): <c>prm.Slice(Conv1WeightOffset, 1728)</c>.</summary>
    public string ParamRegion(string suffix) => TensorRegion("prm", suffix);
    public string Grad(string suffix) => Local("d" + Short(suffix), TensorRegion("grd", suffix));
    public string Buffer(string suffix) => Local(Short(suffix), TensorRegion("buf", suffix));

    /// <summary>Argmax ints of MaxPool2D layer <paramref name="layer"/>.</summary>
    public string Argmax(int layer) { string n = Net.Model.Layers[layer].Member; return Local("argmax", BatchSlice(Net, "iws", n + "ArgmaxOffset", n + "Size", Inference)); }

    public string Mask => Local("mask", "ws.Slice(" + M + "MaskOffset * mb, batch * " + M + "Size)");

    /// <summary>Saved statistics (fixed region after the per-sample part), <paramref name="part"/>·C … (part+1)·C.</summary>
    public string Saved(int part, int channels)
        => Local(part == 0 ? "saveMean" : "saveInvStd", "ws.Slice(TrainingWorkspaceFloatsPerSample * mb + " + M + "SavedOffset + " + Lit.Int(part * channels) + ", " + Lit.Int(channels) + ")");

    /// <summary>Emits the fast call, or its ...Reference twin when UseReferenceKernels is set.</summary>
    public void Call(string kernel, string method, string args)
    {
        W.Line("if (reference) global::StaticCnn.Kernels." + kernel + "." + method + "Reference(" + args + ");");
        W.Line("else global::StaticCnn.Kernels." + kernel + "." + method + "(" + args + ");");
    }

    /// <summary>Emits a call that has no Reference twin (plain copies and in-place activation helpers).</summary>
    public void Plain(string kernel, string method, string args)
        => W.Line("global::StaticCnn.Kernels." + kernel + "." + method + "(" + args + ");");

    /// <summary>A short kernel call in the "reference ? A : B" form is not possible for void methods; <see cref="Call"/> emits if/else.</summary>
    internal const string KernelNamespace = "global::StaticCnn.Kernels.";
}
