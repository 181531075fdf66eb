using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Input(dims)] on a <c>partial NetworkInput</c> property: a named network input, not a layer. Parse reads it like a
/// layer attribute (member checks, order, arguments); Infer turns it into a <see cref="PortModel"/> and never runs its
/// shape rule or emitters.
/// </summary>
internal sealed class InputLayer : LayerKind
{
    public override LayerType Type => LayerType.Input;
    public override string MemberType => "StaticCnn.NetworkInput";
    public override int InputRank => 0;
    public override void Infer(InferContext c) { }
    public override void EmitForward(EmitContext e, bool train) { }
    public override void EmitBackward(EmitContext e) { }
}
