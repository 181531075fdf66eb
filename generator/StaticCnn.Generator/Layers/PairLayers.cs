using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [PairwiseDistance(a, b)] and [CosineSimilarity(a, b)]: two inputs of equal shape (D elements each) → one value per
/// sample, output (1). Kernels: <c>StaticCnn.Kernels.PairwiseDistance</c> / <c>CosineSimilarity</c> over
/// <c>IPairwiseDistanceShape</c> / <c>ICosineSimilarityShape</c>.
/// </summary>
internal sealed class PairLayer : LayerKind
{
    private readonly LayerType _type;
    private readonly float _epsilon;

    public PairLayer(LayerType type, float epsilon)
    {
        _type = type;
        _epsilon = epsilon;
    }

    public override LayerType Type => _type;
    public override string? ShapeInterface => "I" + Kind + "Shape";
    public override string? InputListArgument => "Inputs";
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        float eps = c.Float("Epsilon", _epsilon);
        c.Check(eps > 0 && !float.IsInfinity(eps), "Epsilon", "greater than 0", eps);
        c.Check(c.InShapes.Count == 2, "Inputs", "exactly two layers", c.InShapes.Count);
        if (c.Failed) return;
        if (!c.InShapes[1].Equals(c.In))
        {
            c.Error(DiagnosticDescriptors.AddShapeMismatch, c.Member, c.InName, c.In.ToString(), c.InNames[1], c.InShapes[1].ToString(), Kind);
            return;
        }
        c.SetOutDims(1);
        c.Prop("D", c.In.Size);
        c.Prop("Epsilon", eps);
        c.Macs = 3L * c.In.Size;
    }

    public override void EmitForward(EmitContext e, bool train)
        => e.Call(Kind, "Forward", e.Shape + ", " + e.X(0) + ", " + e.X(1) + ", " + e.Y + ", batch, threads");

    public override void EmitBackward(EmitContext e)
        => e.Call(Kind, "Backward", e.Shape + ", " + e.X(0) + ", " + e.X(1) + ", " + e.DY + ", " + e.DX(0) + ", " + e.DX(1) + ", batch, threads");
}
