using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[GlobalAvgPool]: C×H×W → C×1×1. Kernel: <c>StaticCnn.Kernels.GlobalAvgPool</c> over <c>IGlobalPoolShape</c>.</summary>
internal class GlobalAvgPoolLayer : LayerKind
{
    public override LayerType Type => LayerType.GlobalAvgPool;
    public override string? ShapeInterface => "IGlobalPoolShape";
    public override string? RankHint(int rank) => rank == 2 ? "GlobalAvgPool1D" : null;

    public override void Infer(InferContext c)
    {
        c.SetOut(TensorDims.Chw(c.In.C, 1, 1));
        c.Prop("C", c.In.C); c.Prop("H", c.In.H); c.Prop("W", c.In.W);
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("GlobalAvgPool", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("GlobalAvgPool", "Backward", e.Shape + ", " + e.DY + ", " + e.DX() + ", batch, threads");
}
