namespace StaticCnn.Losses;

/// <summary>Mean squared error: mean of (x − t)². PyTorch: <c>nn.MSELoss()</c>. A mask makes it the masked mean.</summary>
public sealed class MseLoss : ElementwiseLoss
{
    /// <inheritdoc/>
    public override string Name => "MSE";

    /// <inheritdoc/>
    protected override double Element(float x, float t, out double derivative)
    {
        double d = (double)x - t;
        derivative = 2 * d;
        return d * d;
    }
}
