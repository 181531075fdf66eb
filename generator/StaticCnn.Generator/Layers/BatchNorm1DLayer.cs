using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [BatchNorm1D] on a (C, L) sequence or an (F) vector: statistics per channel over N·L (or N), as nn.BatchNorm1d; the
/// BatchNorm2D kernel over the C×1×L view, with BatchNorm2D's tensors, saved statistics and emitters.
/// </summary>
internal sealed class BatchNorm1DLayer : BatchNorm2DLayer
{
    public override LayerType Type => LayerType.BatchNorm1D;
    public override int InputRank => 0; // rank 1 or 2, checked below

    public override void Infer(InferContext c)
    {
        if (c.In.Rank > 2)
        {
            c.Error(DiagnosticDescriptors.RankMismatch, c.Member, Kind, "C×L (channels × length) or F", c.InName, c.In.ToString(), c.In.Form, "; use BatchNorm2D");
            return;
        }
        base.Infer(c);
    }
}
