using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [BatchNorm2D]: parameters weight (γ, C) and bias (β, C); buffers running_mean, running_var (C each). Training keeps
/// the batch mean and inverse std (2·C floats) for backward. Kernel: <c>StaticCnn.Kernels.BatchNorm2D</c> over <c>IBatchNormShape</c>.
/// </summary>
internal class BatchNorm2DLayer : LayerKind
{
    public override LayerType Type => LayerType.BatchNorm2D;
    public override string? ShapeInterface => "IBatchNormShape";
    public override string[] TensorSuffixes => new[] { "weight", "bias", "running_mean", "running_var" };
    public override string[] SavedNames => new[] { "Saved" };
    public override string? RankHint(int rank) => rank == 2 ? "BatchNorm1D" : null;

    public override void Infer(InferContext c)
    {
        float eps = c.Float("Epsilon", 1e-5f);
        float momentum = c.Float("Momentum", 0.1f);
        c.Check(eps > 0 && !float.IsInfinity(eps), "Epsilon", "greater than 0", eps);
        c.Check(momentum >= 0 && momentum <= 1, "Momentum", "in [0, 1]", momentum);
        if (c.Failed) return;
        int ch = c.In.C;
        c.SetOut(c.In);
        c.Tensor("weight", TensorArena.Parameter, TensorInit.Ones, ch);
        c.Tensor("bias", TensorArena.Parameter, TensorInit.Zeros, ch);
        c.Tensor("running_mean", TensorArena.Buffer, TensorInit.Zeros, ch);
        c.Tensor("running_var", TensorArena.Buffer, TensorInit.Ones, ch);
        c.Parameters = 2L * ch;
        c.Save("Saved", SavedElement.Float, 0, 2 * ch, true, "fixed: batch mean, inverse std (" + ch + " each)");
        c.Prop("C", ch); c.Prop("H", c.In.H); c.Prop("W", c.In.W);
        c.Prop("Epsilon", eps);
        c.Prop("Momentum", momentum);
    }

    public override void EmitForward(EmitContext e, bool train)
    {
        int ch = e.L.Out.C;
        if (train)
            e.Call("BatchNorm2D", "ForwardTrain", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", "
                + e.Buffer("running_mean") + ", " + e.Buffer("running_var") + ", " + e.Y + ", " + e.Saved(0, ch) + ", " + e.Saved(1, ch) + ", batch, threads");
        else
            e.Call("BatchNorm2D", "ForwardInference", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", "
                + e.Buffer("running_mean") + ", " + e.Buffer("running_var") + ", " + e.Y + ", batch, threads");
    }

    /// <summary>Inference: this BatchNorm and the activation layer <paramref name="act"/> after it in one call (<see cref="Emit.Fusion.BatchNormActivation"/>).</summary>
    public static void EmitForwardActivated(EmitContext e, LayerModel act)
    {
        string activated = e.Local("activated", e.ActSlice(act.Member));
        e.Call("BatchNorm2D", "ForwardInference", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", "
            + e.Buffer("running_mean") + ", " + e.Buffer("running_var") + ", " + e.Y + ", " + act.Prop("Kind") + ", " + act.Prop("Slope")
            + ", " + activated + ", batch, threads");
    }

    public override void EmitBackward(EmitContext e)
    {
        int ch = e.L.Out.C;
        e.Call("BatchNorm2D", "Backward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Saved(0, ch) + ", " + e.Saved(1, ch) + ", "
            + e.DY + ", " + e.DX() + ", " + e.Grad("weight") + ", " + e.Grad("bias") + ", batch, threads");
    }
}
