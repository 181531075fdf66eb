using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Dense]: weight (Units, In), bias (Units); any rank. Output (Units); in a network declared with the
/// [Network(InputChannels = …)] shorthand, (Units, 1, 1) after an image, as before. A C×H×W (or C×L) input is flattened implicitly (In = C·H·W, channel-major), as
/// nn.Flatten + nn.Linear; SCNN0107 is therefore never reported. Kernel: <c>StaticCnn.Kernels.Dense</c> over <c>IDenseShape</c>.
/// </summary>
internal sealed class DenseLayer : LayerKind
{
    public override LayerType Type => LayerType.Dense;
    public override string? ShapeInterface => "IDenseShape";
    public override string[] TensorSuffixes => new[] { "weight", "bias" };
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        int units = c.Positive("Units", 0);
        bool bias = c.Bool("Bias", true);
        Activation act = c.Activation();
        if (c.Failed) return;
        int inFeatures = c.In.Size;
        // (F); a shorthand network keeps (F, 1, 1) after an image, as before, so that existing networks keep their shapes
        if (!(c.Shorthand && c.In.Rank == 3 ? c.SetOut(units, 1, 1) : c.SetOutDims(units))) return;
        if (!c.Tensor("weight", TensorArena.Parameter, TensorInit.UniformFanIn, units, inFeatures)) return;
        if (bias && !c.Tensor("bias", TensorArena.Parameter, TensorInit.UniformWeightFanIn, units)) return;
        c.Parameters = ShapeRules.DenseParameters(inFeatures, units, bias);
        c.Macs = (long)inFeatures * units;
        c.Flags = LayerFlags.Scratch;
        c.Prop("In", inFeatures);
        c.Prop("Out", units);
        c.Prop("HasBias", bias);
        c.PropActivation("Activation", act);
    }

    public override string? ScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.Dense.ScratchFloats(" + e.Shape + ", batch, threads)";

    public override string? ForwardScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.Dense.ForwardScratchFloats(" + e.Shape + ", batch, threads)";

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Dense", "Forward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", " + e.Y + ", batch, scratch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("Dense", "Backward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Y + ", " + e.DY + ", " + e.DX()
            + ", " + e.Grad("weight") + ", " + e.Grad("bias") + ", batch, scratch, threads");
}
