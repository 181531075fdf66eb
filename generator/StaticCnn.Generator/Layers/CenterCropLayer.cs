using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [CenterCrop(Height, Width)] or [CenterCrop(Like = nameof(X))]: a centered window (offsets as torchvision, round half
/// to even). Emitted as a Crop with constant offsets, over <c>ICropShape</c>.
/// </summary>
internal sealed class CenterCropLayer : LayerKind
{
    public override LayerType Type => LayerType.CenterCrop;
    public override string? ShapeInterface => "ICropShape";

    public override void Infer(InferContext c)
    {
        string? like = c.String("Like");
        int h, w;
        if (like != null)
        {
            int j = c.Resolve(like);
            if (j < -1) return;
            if (j < 0) { c.Error(DiagnosticDescriptors.InvalidArgument, c.Member, "Like", "a layer (not a network input)", like); return; }
            TensorDims s = c.Layer(j)!.Out;
            h = s.H; w = s.W;
        }
        else
        {
            h = c.Positive("Height", 0);
            w = c.Positive("Width", 0);
            if (c.Failed) return;
        }
        long top = ShapeRules.CenterCropOffset(c.In.H, h), left = ShapeRules.CenterCropOffset(c.In.W, w);
        CropCommon.Finish(c, top, left, h, w);
    }

    public override void EmitForward(EmitContext e, bool train) => CropCommon.Forward(e);
    public override void EmitBackward(EmitContext e) => CropCommon.Backward(e);
}
