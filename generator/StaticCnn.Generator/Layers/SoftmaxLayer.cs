namespace StaticCnn.Generator.Layers;

/// <summary>[Softmax]: over the channel axis per pixel; shape unchanged. Kernel: <c>StaticCnn.Kernels.Softmax</c>.</summary>
internal sealed class SoftmaxLayer : LayerKind
{
    public override LayerType Type => LayerType.Softmax;
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        c.SetOut(c.In);
        c.Prop("Channels", c.In.C);
        c.Prop("Spatial", c.In.H * c.In.W);
    }

    private static string Dims(EmitContext e) => e.L.Prop("Channels") + ", " + e.L.Prop("Spatial");

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Softmax", "Forward", Dims(e) + ", " + e.X() + ", " + e.Y + ", batch");

    public override void EmitBackward(EmitContext e)
        => e.Call("Softmax", "Backward", Dims(e) + ", " + e.Y + ", " + e.DY + ", " + e.DX() + ", batch");
}
