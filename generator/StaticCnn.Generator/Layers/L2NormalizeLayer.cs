using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[L2Normalize]: y = x / max(‖x‖₂, ε) over the channel axis, any rank. Kernel: <c>StaticCnn.Kernels.L2Normalize</c> over <c>IL2NormalizeShape</c>.</summary>
internal sealed class L2NormalizeLayer : LayerKind
{
    public override LayerType Type => LayerType.L2Normalize;
    public override string? ShapeInterface => "IL2NormalizeShape";
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        float eps = c.Float("Epsilon", 1e-12f);
        c.Check(eps > 0 && !float.IsInfinity(eps), "Epsilon", "greater than 0", eps);
        if (c.Failed) return;
        c.SetOut(c.In);
        c.Prop("C", c.In.C); c.Prop("H", c.In.H); c.Prop("W", c.In.W);
        c.Prop("Epsilon", eps);
        c.Macs = 2L * c.In.Size;
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("L2Normalize", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("L2Normalize", "Backward", e.Shape + ", " + e.X() + ", " + e.DY + ", " + e.DX() + ", batch, threads");
}
