namespace StaticCnn.Losses;

/// <summary>
/// Binary cross-entropy on logits, in the stable form max(x, 0) − x·t + log(1 + e^−|x|); gradient σ(x) − t.
/// Targets in [0, 1]. PyTorch: <c>nn.BCEWithLogitsLoss()</c>.
/// </summary>
public sealed class BceWithLogitsLoss : ElementwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "BCE with logits";

    /// <inheritdoc/>
    protected override double Element(float x, float t, out double derivative)
    {
        double xd = x;
        double e = Math.Exp(-Math.Abs(xd));
        double sigmoid = xd >= 0 ? 1 / (1 + e) : e / (1 + e);
        derivative = sigmoid - t;
        return Math.Max(xd, 0) - xd * t + Math.Log(1 + e);
    }
}
