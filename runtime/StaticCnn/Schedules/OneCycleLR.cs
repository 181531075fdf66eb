namespace StaticCnn.Schedules;

/// <summary>
/// The 1cycle policy, stepped per batch: the rate rises from max/<see cref="DivFactor"/> to <see cref="MaxLearningRate"/>
/// over the first <see cref="PctStart"/> of the steps and anneals to initial/<see cref="FinalDivFactor"/> by cosine; the
/// momentum (SGD momentum or Adam β₁), when cycled, moves the opposite way between <see cref="BaseMomentum"/> and
/// <see cref="MaxMomentum"/>. PyTorch: <c>lr_scheduler.OneCycleLR(opt, max_lr, total_steps, pct_start=0.3,
/// anneal_strategy='cos', cycle_momentum=True, base_momentum=0.85, max_momentum=0.95, div_factor=25, final_div_factor=1e4)</c>.
/// Steps beyond <see cref="TotalSteps"/> keep the final rate (PyTorch raises).
/// </summary>
public sealed class OneCycleLR : LearningRateSchedule
{
    private int _step;

    /// <summary>Creates the schedule.</summary>
    public OneCycleLR(float maxLearningRate, int totalSteps, float pctStart = 0.3f, float divFactor = 25f, float finalDivFactor = 1e4f,
        bool cycleMomentum = true, float baseMomentum = 0.85f, float maxMomentum = 0.95f, bool linearAnneal = false)
    {
        if (totalSteps <= 0) throw new ArgumentOutOfRangeException(nameof(totalSteps), totalSteps, "Total steps must be positive.");
        if (!(pctStart >= 0 && pctStart <= 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pct_start must be in [0, 1].");
        MaxLearningRate = maxLearningRate;
        TotalSteps = totalSteps;
        PctStart = pctStart;
        DivFactor = divFactor;
        FinalDivFactor = finalDivFactor;
        CycleMomentum = cycleMomentum;
        BaseMomentum = baseMomentum;
        MaxMomentum = maxMomentum;
        LinearAnneal = linearAnneal;
    }

    /// <summary>Peak rate.</summary>
    public float MaxLearningRate { get; }
    /// <summary>Batches in the whole cycle (epochs × batches per epoch).</summary>
    public int TotalSteps { get; }
    /// <summary>Share of the steps spent rising.</summary>
    public float PctStart { get; }
    /// <summary>initial = max / DivFactor.</summary>
    public float DivFactor { get; }
    /// <summary>final = initial / FinalDivFactor.</summary>
    public float FinalDivFactor { get; }
    /// <summary>Whether <see cref="Momentum"/> is cycled.</summary>
    public bool CycleMomentum { get; }
    /// <summary>Lowest momentum (at the peak rate).</summary>
    public float BaseMomentum { get; }
    /// <summary>Highest momentum (at the start and the end).</summary>
    public float MaxMomentum { get; }
    /// <summary>Linear instead of cosine annealing (PyTorch's <c>anneal_strategy='linear'</c>).</summary>
    public bool LinearAnneal { get; }
    /// <summary>Batches taken.</summary>
    public int Step { get => _step; set => _step = value; }

    /// <inheritdoc/>
    public override float LearningRate
    {
        get
        {
            double max = Optimizers.Adam.AsPython(MaxLearningRate);
            double initial = max / Optimizers.Adam.AsPython(DivFactor);
            double min = initial / Optimizers.Adam.AsPython(FinalDivFactor);
            return (float)Phase(initial, max, max, min);
        }
    }

    /// <inheritdoc/>
    public override float Momentum => CycleMomentum
        ? (float)Phase(Optimizers.Adam.AsPython(MaxMomentum), Optimizers.Adam.AsPython(BaseMomentum), Optimizers.Adam.AsPython(BaseMomentum), Optimizers.Adam.AsPython(MaxMomentum))
        : float.NaN;

    /// <inheritdoc/>
    public override void StepBatch() => _step++;

    private double Phase(double start1, double end1, double start2, double end2)
    {
        double end1Step = (double)Optimizers.Adam.AsPython(PctStart) * TotalSteps - 1;
        double end2Step = TotalSteps - 1;
        int step = Math.Min(_step, TotalSteps - 1);
        if (step <= end1Step)
            return Anneal(start1, end1, (step - 0.0) / (end1Step - 0.0));
        return Anneal(start2, end2, (step - end1Step) / (end2Step - end1Step));
    }

    private double Anneal(double start, double end, double pct)
    {
        if (LinearAnneal) return (end - start) * pct + start;
        return end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1);
    }
}
