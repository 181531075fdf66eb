namespace StaticCnn.Losses;

/// <summary>
/// Smooth L1: 0.5·d²/β where |d| &lt; β, else |d| − 0.5·β (d = x − t); β = 0 is plain L1.
/// PyTorch: <c>nn.SmoothL1Loss(beta=β)</c>.
/// </summary>
public sealed class SmoothL1Loss : ElementwiseLoss
{
    /// <summary>Creates the loss with threshold <paramref name="beta"/> (default 1, as PyTorch).</summary>
    public SmoothL1Loss(float beta = 1f)
    {
        if (!(beta >= 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "Beta must be non-negative.");
        Beta = beta;
    }

    /// <summary>Where the quadratic part turns linear.</summary>
    public float Beta { get; }
    /// <inheritdoc/>
    public override string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"smooth L1, beta {Beta:0.####}");

    /// <inheritdoc/>
    protected override double Element(float x, float t, out double derivative)
    {
        double d = (double)x - t, a = Math.Abs(d);
        if (a < Beta)
        {
            derivative = d / Beta;
            return 0.5 * d * d / Beta;
        }
        derivative = Math.Sign(d);
        return a - 0.5 * Beta;
    }
}
