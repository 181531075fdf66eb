using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [MaxUnpool2D(nameof(Pool))]: scatters its input to the positions its MaxPool2D recorded; output = the pool's input
/// shape. Kernel: <c>StaticCnn.Kernels.MaxUnpool2D</c> over <c>IUnpoolShape</c>, reading the pool's argmax region.
/// </summary>
internal sealed class MaxUnpool2DLayer : LayerKind
{
    public override LayerType Type => LayerType.MaxUnpool2D;
    public override string? ShapeInterface => "IUnpoolShape";

    public override void Infer(InferContext c)
    {
        string pool = c.String("Pool") ?? "";
        int p = c.Resolve(pool, reportErrors: false);
        if (p == -3) return; // the pool itself failed and was reported
        LayerModel? poolLayer = c.Layer(p);
        if (poolLayer == null || poolLayer.Kind != LayerType.MaxPool2D)
        {
            c.Error(DiagnosticDescriptors.UnpoolPoolMissing, c.Member, pool);
            return;
        }
        if (!c.In.Equals(poolLayer.Out))
        {
            c.Error(DiagnosticDescriptors.UnpoolShapeMismatch, c.Member, c.InName, c.In.ToString(), pool, poolLayer.Out.ToString());
            return;
        }
        int h = int.Parse(poolLayer.Prop("InH")!), w = int.Parse(poolLayer.Prop("InW")!);
        c.Aux = p;
        c.SetOut(TensorDims.Chw(c.In.C, h, w));
        c.Prop("C", c.In.C); c.Prop("InH", c.In.H); c.Prop("InW", c.In.W); c.Prop("OutH", h); c.Prop("OutW", w);
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("MaxUnpool2D", "Forward", e.Shape + ", " + e.X() + ", " + e.Argmax(e.L.Aux) + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("MaxUnpool2D", "Backward", e.Shape + ", " + e.DY + ", " + e.Argmax(e.L.Aux) + ", " + e.DX() + ", batch, threads");
}
