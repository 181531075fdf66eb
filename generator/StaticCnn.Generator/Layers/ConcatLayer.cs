using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Concat(nameof(A), nameof(B), …)]: channel concatenation of inputs equal in every other axis (any rank), in order. Kernel: <c>StaticCnn.Kernels.Concat</c>.</summary>
internal sealed class ConcatLayer : LayerKind
{
    public override LayerType Type => LayerType.Concat;
    public override string? InputListArgument => "Inputs";
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        long channels = 0;
        for (int k = 0; k < c.InShapes.Count; k++)
        {
            TensorDims s = c.InShapes[k];
            if (s.Rank != c.In.Rank || s.H != c.In.H || s.W != c.In.W)
            {
                c.Error(DiagnosticDescriptors.ConcatSpatialMismatch, c.Member, c.InName, c.In.ToString(), c.InNames[k], s.ToString());
                return;
            }
            channels += s.C;
        }
        if (channels > Shapes.ShapeRules.MaxElements) { c.SetOut(channels, c.In.H, c.In.W); return; }
        c.SetOut(c.In.WithC((int)channels)); // any rank: the channel axis grows, the others stay
    }

    public override void EmitForward(EmitContext e, bool train)
    {
        int offset = 0, outC = e.L.Out.C, spatial = e.L.Out.H * e.L.Out.W;
        for (int k = 0; k < e.L.Inputs.Count; k++)
        {
            int inC = e.InShape(k).C;
            e.Call("Concat", "Forward", Lit.Int(inC) + ", " + Lit.Int(offset) + ", " + Lit.Int(outC) + ", " + Lit.Int(spatial) + ", " + e.X(k) + ", " + e.Y + ", batch");
            offset += inC;
        }
    }

    public override void EmitBackward(EmitContext e)
    {
        int offset = 0, outC = e.L.Out.C, spatial = e.L.Out.H * e.L.Out.W;
        for (int k = 0; k < e.L.Inputs.Count; k++)
        {
            int inC = e.InShape(k).C, off = offset, kk = k;
            e.IfInputNeeded(k, () => e.Call("Concat", "Backward", Lit.Int(inC) + ", " + Lit.Int(off) + ", " + Lit.Int(outC) + ", " + Lit.Int(spatial) + ", " + e.DY + ", " + e.DXRegion(kk) + ", batch"));
            offset += inC;
        }
    }
}
