using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [ConvTranspose2D]: weight (InC, Filters/Groups, KH, KW), bias (Filters). Out = (In − 1)·S − 2P + D·(K − 1) + OP + 1.
/// Kernel: <c>StaticCnn.Kernels.ConvTranspose2D</c> over <c>IConvTranspose2DShape</c> (the IConv2DShape members).
/// </summary>
internal sealed class ConvTranspose2DLayer : LayerKind
{
    public override LayerType Type => LayerType.ConvTranspose2D;
    public override string[] TensorSuffixes => new[] { "weight", "bias" };
    public override string? ShapeInterface => "IConvTranspose2DShape";

    public override void Infer(InferContext c)
    {
        TensorDims x = c.In;
        int filters = c.Positive("Filters", 0);
        int kernel = c.Positive("Kernel", 2);
        int kh = c.Override("KernelH", kernel), kw = c.Override("KernelW", kernel);
        int stride = c.Positive("Stride", 1);
        int padding = c.NonNegative("Padding", 0);
        int outputPadding = c.NonNegative("OutputPadding", 0);
        int dilation = c.Positive("Dilation", 1);
        int groups = c.Positive("Groups", 1);
        bool bias = c.Bool("Bias", true);
        Activation act = c.Activation();
        if (c.Failed) return;

        if (outputPadding >= stride && outputPadding >= dilation)
        {
            c.Error(DiagnosticDescriptors.InvalidOutputPadding, c.Member, outputPadding, stride, dilation);
            return;
        }
        if (x.C % groups != 0 || filters % groups != 0)
        {
            c.Error(DiagnosticDescriptors.GroupsDoNotDivide, c.Member, groups, x.C, c.InName, filters);
            return;
        }
        long oh = ShapeRules.ConvTransposeOutput(x.H, kh, stride, padding, outputPadding, dilation);
        long ow = ShapeRules.ConvTransposeOutput(x.W, kw, stride, padding, outputPadding, dilation);
        if (!c.SetOut(filters, oh, ow)) return;
        if (!c.Tensor("weight", TensorArena.Parameter, TensorInit.UniformFanIn, x.C, filters / groups, kh, kw)) return;
        if (bias && !c.Tensor("bias", TensorArena.Parameter, TensorInit.UniformWeightFanIn, filters)) return;
        c.Parameters = (long)x.C * (filters / groups) * kh * kw + (bias ? filters : 0);
        c.Macs = (long)x.C * x.H * x.W * (filters / groups) * kh * kw;
        c.Flags = LayerFlags.Scratch;
        ConvCommon.Props(c, x, c.Out!, kh, kw, stride, stride, padding, padding, dilation, groups, bias, act);
    }

    public override string? ScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.ConvTranspose2D.ScratchFloats(" + e.Shape + ", batch, threads)";

    public override string? ForwardScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.ConvTranspose2D.ForwardScratchFloats(" + e.Shape + ", batch, threads)";

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("ConvTranspose2D", "Forward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", " + e.Y + ", batch, scratch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call("ConvTranspose2D", "Backward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Y + ", " + e.DY + ", " + e.DX()
            + ", " + e.Grad("weight") + ", " + e.Grad("bias") + ", batch, scratch, threads");
}
