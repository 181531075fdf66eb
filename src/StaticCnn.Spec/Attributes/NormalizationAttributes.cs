namespace StaticCnn;

/// <summary>
/// Batch normalization over the channel axis with learnable <c>name.weight</c> (γ) and <c>name.bias</c> (β) and the buffers
/// <c>name.running_mean</c>, <c>name.running_var</c>. Batch statistics in training, running statistics at inference.
/// PyTorch: <c>nn.BatchNorm2d(C, eps, momentum)</c>.
/// </summary>
public sealed class BatchNorm2DAttribute : LayerAttribute
{
    /// <summary>Added to the variance. Default 1e-5.</summary>
    public float Epsilon { get; set; } = 1e-5f;
    /// <summary>Running statistics update factor. Default 0.1.</summary>
    public float Momentum { get; set; } = 0.1f;
}

/// <summary>
/// Batch normalization of a (C, L) sequence over N and L, or of a vector (F) over N, per channel, with learnable
/// <c>name.weight</c> (γ) and <c>name.bias</c> (β) and the buffers <c>name.running_mean</c>, <c>name.running_var</c>.
/// PyTorch: <c>nn.BatchNorm1d(C, eps, momentum)</c>.
/// </summary>
public sealed class BatchNorm1DAttribute : LayerAttribute
{
    /// <summary>Added to the variance. Default 1e-5.</summary>
    public float Epsilon { get; set; } = 1e-5f;
    /// <summary>Running statistics update factor. Default 0.1.</summary>
    public float Momentum { get; set; } = 0.1f;
}

/// <summary>Zeros each element with probability <see cref="Rate"/> in training and scales the rest by 1/(1−Rate); identity at inference. PyTorch: <c>nn.Dropout(p)</c>.</summary>
public sealed class DropoutAttribute : LayerAttribute
{
    /// <summary>Creates a dropout layer with drop probability <paramref name="rate"/> in [0, 1).</summary>
    public DropoutAttribute(float rate) => Rate = rate;
    /// <summary>Drop probability.</summary>
    public float Rate { get; }
}
