using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Flatten]: any rank → (size); in a shorthand network, C×H×W → (C·H·W)×1×1 as before. A view: its activation and gradient regions alias its input's, so it emits no code.</summary>
internal sealed class FlattenLayer : LayerKind
{
    public override LayerType Type => LayerType.Flatten;
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        c.SetOut(c.Shorthand && c.In.Rank == 3 ? TensorDims.Chw(c.In.Size, 1, 1) : TensorDims.Of(c.In.Size)); // shorthand networks: (C·H·W, 1, 1) after an image, as before
        c.Flags = LayerFlags.AliasInput;
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.W.Line("// view of " + e.InName(0) + ": no work");

    public override void EmitBackward(EmitContext e)
        => e.W.Line("// view: the gradient is already in the input's region");
}
