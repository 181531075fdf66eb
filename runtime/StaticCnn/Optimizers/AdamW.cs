namespace StaticCnn.Optimizers;

/// <summary>
/// Adam with decoupled weight decay, exactly as PyTorch 1.13: p ← p·(1 − lr·λ), then the <see cref="Adam"/> update
/// without λ in the gradient. PyTorch: <c>torch.optim.AdamW(params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=1e-2)</c>.
/// </summary>
public sealed class AdamW : Adam
{
    /// <summary>Creates the optimizer.</summary>
    public AdamW(float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float epsilon = 1e-8f, float weightDecay = 1e-2f)
        : base(learningRate, beta1, beta2, epsilon, weightDecay) { }

    /// <inheritdoc/>
    public override string Kind => "AdamW";

    /// <inheritdoc/>
    protected override bool Decoupled => true;
}
