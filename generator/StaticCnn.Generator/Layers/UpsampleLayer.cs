using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[Upsample(Scale, Mode)]: H·Scale × W·Scale, nearest or bilinear (align_corners=False). Kernel: <c>StaticCnn.Kernels.Upsample</c> over <c>IUpsampleShape</c>.</summary>
internal sealed class UpsampleLayer : LayerKind
{
    public override LayerType Type => LayerType.Upsample;
    public override string? ShapeInterface => "IUpsampleShape";

    public override void Infer(InferContext c)
    {
        int scale = c.Positive("Scale", 0);
        int mode = c.Int("Mode", 0);
        c.Check(mode == 0 || mode == 1, "Mode", "a defined UpsampleMode value", mode);
        if (c.Failed) return;
        if (!c.SetOut(c.In.C, ShapeRules.UpsampleOutput(c.In.H, scale), ShapeRules.UpsampleOutput(c.In.W, scale))) return;
        c.Prop("C", c.In.C); c.Prop("InH", c.In.H); c.Prop("InW", c.In.W); c.Prop("Scale", scale);
        c.PropUpsample("Mode", (UpsampleMode)mode);
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Upsample", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("Upsample", "Backward", e.Shape + ", " + e.DY + ", " + e.DX() + ", batch, threads");
}
