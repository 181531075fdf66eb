using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Flatten]: C×H×W → (C·H·W)×1×1. A view: its activation and gradient regions alias its input's, so it emits no code.</summary>
internal sealed class FlattenLayer : LayerKind
{
    public override string Kind => "Flatten";

    public override void Infer(InferContext c)
    {
        c.SetOut(new Shape3(c.In.Size, 1, 1));
        c.Flags = LayerFlags.AliasInput;
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.W.Line("// view of " + (e.L.Inputs[0] < 0 ? "Input" : e.Net.Model.Layers[e.L.Inputs[0]].Member) + ": no work");

    public override void EmitBackward(EmitContext e)
        => e.W.Line("// view: the gradient is already in the input's region");
}
