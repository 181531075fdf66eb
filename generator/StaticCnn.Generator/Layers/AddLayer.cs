using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Add(nameof(A), nameof(B), …)]: element-wise sum of equal shapes, optional activation after the sum.
/// Kernels: <c>Elementwise.Copy/AddInto</c> and <c>Activations.ApplyForward/ApplyDerivative</c>, on the call's threads.
/// </summary>
internal sealed class AddLayer : LayerKind
{
    public override LayerType Type => LayerType.Add;
    public override string? InputListArgument => "Inputs";
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        Activation act = c.Activation();
        if (c.Failed) return;
        for (int k = 1; k < c.InShapes.Count; k++)
        {
            if (c.InShapes[k].Equals(c.In)) continue;
            c.Error(DiagnosticDescriptors.AddShapeMismatch, c.Member, c.InName, c.In.ToString(), c.InNames[k], c.InShapes[k].ToString(), Kind);
            return;
        }
        c.SetOut(c.In);
        c.PropActivation("Activation", act);
    }

    private static bool HasActivation(EmitContext e) => e.L.Prop("Activation") != "global::StaticCnn.Activation.None";

    public override void EmitForward(EmitContext e, bool train)
    {
        e.Call("Elementwise", "Copy", e.X(0) + ", " + e.Y + ", threads");
        for (int k = 1; k < e.L.Inputs.Count; k++) e.Call("Elementwise", "AddInto", e.X(k) + ", " + e.Y + ", threads");
        if (HasActivation(e))
            e.Call("Activations", "ApplyForward", e.L.Prop("Activation") + ", global::StaticCnn.Kernels.Activations.DefaultLeakySlope, " + e.Y + ", threads");
    }

    public override void EmitBackward(EmitContext e)
    {
        if (HasActivation(e))
            e.Call("Activations", "ApplyDerivative", e.L.Prop("Activation") + ", global::StaticCnn.Kernels.Activations.DefaultLeakySlope, " + e.Y + ", " + e.DY + ", threads");
        for (int k = 0; k < e.L.Inputs.Count; k++)
            e.IfInputNeeded(k, () => e.Call("Elementwise", "AddInto", e.DY + ", " + e.DXRegion(k) + ", threads"));
    }
}
