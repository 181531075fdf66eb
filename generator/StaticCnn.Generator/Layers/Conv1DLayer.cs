using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Conv1D] on a (C, L) sequence: weight (Filters, C/Groups, K), bias (Filters); Out = floor((L + 2P − D·(K−1) − 1)/S) + 1.
/// The sequence is laid out as C×1×L, so the layer runs on <c>StaticCnn.Kernels.Conv2D</c> with a 1×K kernel (the
/// shape struct says KH = 1, InH = OutH = 1); the emitters are Conv2D's.
/// </summary>
internal sealed class Conv1DLayer : Conv2DLayer
{
    public override LayerType Type => LayerType.Conv1D;
    public override int InputRank => 2;

    public override void Infer(InferContext c)
    {
        TensorDims x = c.In;
        int filters = c.Positive("Filters", 0);
        int k = c.Positive("Kernel", 3);
        int stride = c.Positive("Stride", 1);
        int padding = c.NonNegative("Padding", 0);
        int modeValue = c.Int("PaddingMode", 0);
        c.Check(System.Enum.IsDefined(typeof(PaddingMode), modeValue), "PaddingMode", "a defined PaddingMode value", modeValue);
        var mode = (PaddingMode)modeValue;
        int dilation = c.Positive("Dilation", 1);
        int groups = c.Positive("Groups", 1);
        bool bias = c.Bool("Bias", true);
        Activation act = c.Activation();
        if (c.Failed) return;
        if (mode == PaddingMode.Same && stride != 1) { c.Error(DiagnosticDescriptors.SamePaddingNeedsStrideOne, c.Member, stride.ToString()); return; }
        if (x.C % groups != 0 || filters % groups != 0) { c.Error(DiagnosticDescriptors.GroupsDoNotDivide, c.Member, groups, x.C, c.InName, filters); return; }
        long ol;
        if (mode == PaddingMode.Same) { padding = (int)ShapeRules.SamePaddingLow(k, dilation); ol = x.W; }
        else
        {
            if (mode == PaddingMode.Valid) padding = 0;
            if (!ConvCommon.CheckFits(c, 1, k, 0, padding, dilation)) return;
            ol = ShapeRules.ConvOutput(x.W, k, stride, padding, dilation);
            ConvCommon.WarnDroppedPixels(c, 1, k, 1, stride, 0, padding, dilation);
        }
        if (!c.SetOutDims(filters, ol)) return;
        if (!c.Tensor("weight", TensorArena.Parameter, TensorInit.UniformFanIn, filters, x.C / groups, k)) return;
        if (bias && !c.Tensor("bias", TensorArena.Parameter, TensorInit.UniformWeightFanIn, filters)) return;
        c.Parameters = ShapeRules.ConvParameters(x.C, filters, 1, k, groups, bias);
        c.Macs = ShapeRules.ConvMacs(x.C, filters, 1, ol, 1, k, groups);
        c.Flags = LayerFlags.Scratch;
        ConvCommon.Props(c, x, c.Out!, 1, k, 1, stride, 0, padding, dilation, groups, bias, act);
        c.PropPrecision("Precision", c.Precision);
    }
}
