using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [MaxPool2D]: window Size, Stride (0 = Size), −∞ Padding ≤ Size/2. Keeps an int argmax region (also read by
/// MaxUnpool2D). Kernel: <c>StaticCnn.Kernels.MaxPool2D</c> over <c>IPool2DShape</c>.
/// </summary>
internal class MaxPool2DLayer : LayerKind
{
    public override LayerType Type => LayerType.MaxPool2D;
    public override string? ShapeInterface => "IPool2DShape";
    public override string[] SavedNames => new[] { "Argmax" };
    public override string? RankHint(int rank) => rank == 2 ? "MaxPool1D" : null;

    public override void Infer(InferContext c)
    {
        if (PoolCommon.Infer(c)) SaveArgmax(c);
    }

    /// <summary>The int argmax of every output element: read by backward and by a MaxUnpool2D (also at inference).</summary>
    internal static void SaveArgmax(InferContext c) => c.Save("Argmax", SavedElement.Int, c.Out!.Size, 0, false, "int workspace: argmax " + c.Out.Nchw);

    public override void EmitForward(EmitContext e, bool train)
    {
        // inference writes no argmax unless a MaxUnpool2D reads it
        if (!train && !Emit.Fusion.ArgmaxRead(e.Net, e.L.Index))
            e.Call("MaxPool2D", "ForwardInference", e.Shape + ", " + e.X() + ", " + e.Y + ", batch, threads");
        else
            e.Call("MaxPool2D", "Forward", e.Shape + ", " + e.X() + ", " + e.Y + ", " + e.Argmax(e.L.Index) + ", batch, threads");
    }

    public override void EmitBackward(EmitContext e)
        => e.Call("MaxPool2D", "Backward", e.Shape + ", " + e.DY + ", " + e.Argmax(e.L.Index) + ", " + e.DX() + ", batch, threads");
}

/// <summary>The window checks shared by MaxPool2D and AvgPool2D.</summary>
internal static class PoolCommon
{
    public static bool Infer(InferContext c)
    {
        int size = c.Positive("Size", 0);
        int stride = c.NonNegative("Stride", 0);
        int padding = c.NonNegative("Padding", 0);
        if (c.Failed) return false;
        if (stride == 0) stride = size;
        if (padding > size / 2)
        {
            c.Error(DiagnosticDescriptors.PoolPaddingTooLarge, c.Member, padding, size, size / 2);
            return false;
        }
        if (!ConvCommon.CheckFits(c, size, size, padding, padding, 1)) return false;
        long oh = ShapeRules.ConvOutput(c.In.H, size, stride, padding, 1);
        long ow = ShapeRules.ConvOutput(c.In.W, size, stride, padding, 1);
        ConvCommon.WarnDroppedPixels(c, size, size, stride, stride, padding, padding, 1);
        if (!c.SetOut(c.In.C, oh, ow)) return false;
        ConvCommon.PoolProps(c, c.In, c.Out!, size, stride, padding);
        return true;
    }
}
