using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Dropout(Rate)]: identity copy at inference; in training a mask from (per-step seed, layer index) scales kept
/// elements by 1/(1 − Rate). Kernel: <c>StaticCnn.Kernels.Dropout</c>.
/// </summary>
internal sealed class DropoutLayer : LayerKind
{
    public override LayerType Type => LayerType.Dropout;
    public override string[] SavedNames => new[] { "Mask" };
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        float rate = c.Float("Rate", 0.5f);
        if (!c.Check(rate >= 0f && rate < 1f, "Rate", "in [0, 1)", rate)) return;
        c.SetOut(c.In);
        c.Save("Mask", SavedElement.Float, c.Out!.Size, 0, true, "dropout mask " + c.Out.Nchw);
        c.Prop("Rate", rate);
    }

    public override void EmitForward(EmitContext e, bool train)
    {
        if (train)
            e.Call("Dropout", "ForwardTrain", e.L.Prop("Rate") + ", LayerSeed(stepSeed, " + Lit.Int(e.L.Index) + "), " + e.X() + ", " + e.Y + ", " + e.Mask);
        else
            e.Call("Elementwise", "Copy", e.X() + ", " + e.Y + ", threads");
    }

    public override void EmitBackward(EmitContext e)
        => e.Call("Dropout", "Backward", e.Mask + ", " + e.DY + ", " + e.DX());
}
