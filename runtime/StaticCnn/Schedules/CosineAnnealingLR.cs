namespace StaticCnn.Schedules;

/// <summary>
/// lr = η_min + (base − η_min)·(1 + cos(π·epoch / T_max)) / 2, stepped per epoch (or per batch when
/// <see cref="PerBatch"/>). PyTorch: <c>lr_scheduler.CosineAnnealingLR(opt, T_max, eta_min=0)</c>.
/// </summary>
public sealed class CosineAnnealingLR : LearningRateSchedule
{
    private int _t;

    /// <summary>Creates the schedule.</summary>
    /// <param name="baseLearningRate">Rate at step 0.</param>
    /// <param name="tMax">Steps (epochs, or batches with <paramref name="perBatch"/>) to reach η_min.</param>
    /// <param name="etaMin">Lowest rate.</param>
    /// <param name="perBatch">Advance after every batch instead of every epoch.</param>
    public CosineAnnealingLR(float baseLearningRate, int tMax, float etaMin = 0f, bool perBatch = false)
    {
        if (tMax <= 0) throw new ArgumentOutOfRangeException(nameof(tMax), tMax, "T_max must be positive.");
        BaseLearningRate = baseLearningRate;
        TMax = tMax;
        EtaMin = etaMin;
        PerBatch = perBatch;
    }

    /// <summary>Rate at step 0.</summary>
    public float BaseLearningRate { get; }
    /// <summary>Half period.</summary>
    public int TMax { get; }
    /// <summary>Lowest rate.</summary>
    public float EtaMin { get; }
    /// <summary>Whether the schedule advances per batch.</summary>
    public bool PerBatch { get; }
    /// <summary>Steps taken.</summary>
    public int Step { get => _t; set => _t = value; }

    /// <inheritdoc/>
    public override float LearningRate
    {
        get
        {
            double lo = Optimizers.Adam.AsPython(EtaMin), hi = Optimizers.Adam.AsPython(BaseLearningRate);
            return (float)(lo + (hi - lo) * (1 + Math.Cos(Math.PI * _t / TMax)) / 2);
        }
    }

    /// <inheritdoc/>
    public override void StepBatch() { if (PerBatch) _t++; }
    /// <inheritdoc/>
    public override void StepEpoch(double metric = double.NaN) { if (!PerBatch) _t++; }
}
