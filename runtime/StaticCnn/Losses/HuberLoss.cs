namespace StaticCnn.Losses;

/// <summary>
/// Huber: 0.5·d² where |d| ≤ δ, else δ·(|d| − 0.5·δ) (d = x − t); equals δ × <see cref="SmoothL1Loss"/> with β = δ.
/// PyTorch: <c>nn.HuberLoss(delta=δ)</c>.
/// </summary>
public sealed class HuberLoss : ElementwiseLoss
{
    /// <summary>Creates the loss with threshold <paramref name="delta"/> (default 1, as PyTorch).</summary>
    public HuberLoss(float delta = 1f)
    {
        if (!(delta > 0)) throw new ArgumentOutOfRangeException(nameof(delta), delta, "Delta must be positive.");
        Delta = delta;
    }

    /// <summary>Where the quadratic part turns linear.</summary>
    public float Delta { get; }
    /// <inheritdoc/>
    public override string Name => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"Huber, delta {Delta:0.####}");

    /// <inheritdoc/>
    protected override double Element(float x, float t, out double derivative)
    {
        double d = (double)x - t, a = Math.Abs(d);
        if (a <= Delta)
        {
            derivative = d;
            return 0.5 * d * d;
        }
        derivative = Delta * Math.Sign(d);
        return Delta * (a - 0.5 * Delta);
    }
}
