namespace StaticCnn.Generator.Layers;

/// <summary>[AvgPool2D]: as MaxPool2D, zero padding counted in the divisor. Kernel: <c>StaticCnn.Kernels.AvgPool2D</c> over <c>IPool2DShape</c>.</summary>
internal class AvgPool2DLayer : LayerKind
{
    public override LayerType Type => LayerType.AvgPool2D;
    public override string? ShapeInterface => "IPool2DShape";
    public override string? RankHint(int rank) => rank == 2 ? "AvgPool1D" : null;

    public override void Infer(InferContext c) => PoolCommon.Infer(c);

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("AvgPool2D", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("AvgPool2D", "Backward", e.Shape + ", " + e.DY + ", " + e.DX() + ", batch, threads");
}
