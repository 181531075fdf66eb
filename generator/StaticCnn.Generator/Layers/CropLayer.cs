using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>[Crop(Top, Left, Height, Width)]: x[:, :, Top:Top+Height, Left:Left+Width]. Kernel: <c>StaticCnn.Kernels.Crop</c> over <c>ICropShape</c>.</summary>
internal sealed class CropLayer : LayerKind
{
    public override LayerType Type => LayerType.Crop;
    public override string? ShapeInterface => "ICropShape";

    public override void Infer(InferContext c)
    {
        int top = c.NonNegative("Top", 0), left = c.NonNegative("Left", 0);
        int h = c.Positive("Height", 0), w = c.Positive("Width", 0);
        if (c.Failed) return;
        CropCommon.Finish(c, top, left, h, w);
    }

    public override void EmitForward(EmitContext e, bool train) => CropCommon.Forward(e);
    public override void EmitBackward(EmitContext e) => CropCommon.Backward(e);
}

/// <summary>Shared by Crop and CenterCrop.</summary>
internal static class CropCommon
{
    public static void Finish(InferContext c, long top, long left, int h, int w)
    {
        TensorDims x = c.In;
        if (top < 0 || left < 0 || top + h > x.H || left + w > x.W)
        {
            c.Error(DiagnosticDescriptors.CropDoesNotFit, c.Member, h + "×" + w, top, left, x.ToString(), c.InName);
            return;
        }
        c.SetOut(TensorDims.Chw(x.C, h, w));
        c.Prop("C", x.C); c.Prop("InH", x.H); c.Prop("InW", x.W); c.Prop("OutH", h); c.Prop("OutW", w);
        c.Prop("Top", (int)top); c.Prop("Left", (int)left);
    }

    public static void Forward(EmitContext e) => e.Call("Crop", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", batch");
    public static void Backward(EmitContext e) => e.Call("Crop", "Backward", e.Shape + ", " + e.DY + ", " + e.DX() + ", batch");
}
