using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>[MaxPool1D] on a (C, L) sequence: the MaxPool2D kernel with a 1×Size window (argmax kept for backward).</summary>
internal sealed class MaxPool1DLayer : MaxPool2DLayer
{
    public override LayerType Type => LayerType.MaxPool1D;
    public override int InputRank => 2;
    public override void Infer(InferContext c) { if (Pool1D.Infer(c)) SaveArgmax(c); }
}

/// <summary>[AvgPool1D] on a (C, L) sequence: the AvgPool2D kernel with a 1×Size window, zero padding counted.</summary>
internal sealed class AvgPool1DLayer : AvgPool2DLayer
{
    public override LayerType Type => LayerType.AvgPool1D;
    public override int InputRank => 2;
    public override void Infer(InferContext c) => Pool1D.Infer(c);
}

/// <summary>[GlobalAvgPool1D]: (C, L) → (C, 1), as nn.AdaptiveAvgPool1d(1); the GlobalAvgPool kernel with H = 1.</summary>
internal sealed class GlobalAvgPool1DLayer : GlobalAvgPoolLayer
{
    public override LayerType Type => LayerType.GlobalAvgPool1D;
    public override int InputRank => 2;

    public override void Infer(InferContext c)
    {
        c.SetOutDims(c.In.C, 1);
        c.Prop("C", c.In.C); c.Prop("H", 1); c.Prop("W", c.In.W);
    }
}

/// <summary>The window checks of the 1-D pools: as PoolCommon, along L only.</summary>
internal static class Pool1D
{
    public static bool Infer(InferContext c)
    {
        int size = c.Positive("Size", 0);
        int stride = c.NonNegative("Stride", 0);
        int padding = c.NonNegative("Padding", 0);
        if (c.Failed) return false;
        if (stride == 0) stride = size;
        if (padding > size / 2) { c.Error(DiagnosticDescriptors.PoolPaddingTooLarge, c.Member, padding, size, size / 2); return false; }
        if (!ConvCommon.CheckFits(c, 1, size, 0, padding, 1)) return false;
        long ol = ShapeRules.ConvOutput(c.In.W, size, stride, padding, 1);
        ConvCommon.WarnDroppedPixels(c, 1, size, 1, stride, 0, padding, 1);
        if (!c.SetOutDims(c.In.C, ol)) return false;
        c.Prop("C", c.In.C); c.Prop("InH", 1); c.Prop("InW", c.In.W); c.Prop("OutH", 1); c.Prop("OutW", (int)ol);
        c.Prop("KH", 1); c.Prop("KW", size); c.Prop("StrideH", 1); c.Prop("StrideW", stride); c.Prop("PadH", 0); c.Prop("PadW", padding);
        return true;
    }
}
