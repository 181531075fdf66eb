using System.Globalization;

namespace StaticCnn.Losses;

/// <summary>
/// Triplet margin loss on three embeddings (three outputs, batch × D each: anchor a, positive p, negative n):
/// <code>d(u, v) = ‖u − v + eps‖_p          (PyTorch's pairwise_distance: eps is added to every difference)
/// d⁻ᵢ = d(aᵢ, nᵢ), or min(d(aᵢ, nᵢ), d(pᵢ, nᵢ)) with swap
/// lᵢ = max(0, margin + d(aᵢ, pᵢ) − d⁻ᵢ)        L = mean over i</code>
/// At the hinge (lᵢ = 0 exactly) the gradient passes, and a tie in the swap minimum splits the gradient in half, as
/// PyTorch's <c>clamp_min</c> and <c>minimum</c>; a zero-length difference has gradient 0, as PyTorch's <c>norm</c>.
/// Gradients are written for all three outputs. PyTorch: <c>nn.TripletMarginLoss(margin, p, eps, swap)</c>.
/// An optional per-sample <see cref="LossTargets.Mask"/> weights the terms and N (all 0 → loss 0); no other target is read.
/// </summary>
public sealed class TripletMarginLoss : Loss
{
    /// <summary>Creates the loss.</summary>
    /// <param name="margin">Required gap between the positive and the negative distance (default 1), finite.</param>
    /// <param name="p">Norm degree of the distance (default 2), finite and &gt; 0.</param>
    /// <param name="eps">Added to every difference before the norm (default 1e−6, as PyTorch).</param>
    /// <param name="swap">Use the smaller of d(a, n) and d(p, n) as the negative distance (Balntas et al. 2016).</param>
    public TripletMarginLoss(float margin = 1f, float p = 2f, float eps = 1e-6f, bool swap = false)
    {
        if (!float.IsFinite(margin)) throw new ArgumentOutOfRangeException(nameof(margin), margin, "The margin must be finite.");
        if (!(p > 0 && float.IsFinite(p))) throw new ArgumentOutOfRangeException(nameof(p), p, "The norm degree must be finite and > 0.");
        if (!float.IsFinite(eps)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be finite.");
        Margin = margin;
        P = p;
        Eps = eps;
        Swap = swap;
    }

    /// <summary>The margin.</summary>
    public float Margin { get; }
    /// <summary>The norm degree p.</summary>
    public float P { get; }
    /// <summary>The constant added to each difference.</summary>
    public float Eps { get; }
    /// <summary>Whether the distance swap is on.</summary>
    public bool Swap { get; }

    /// <summary>Three outputs: anchor, positive, negative.</summary>
    public override int Arity => 3;

    /// <summary><c>Triplet, margin m</c> (with <c>, p …</c> and <c>, swap</c> when not the defaults).</summary>
    public override string Name => string.Create(CultureInfo.InvariantCulture,
        $"Triplet, margin {Margin:0.####}{(P != 2 ? $", p {P:0.####}" : "")}{(Swap ? ", swap" : "")}");

    /// <summary>Not supported: the loss reads three outputs; call the multi-output overload.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override float Compute(ReadOnlySpan<float> output, LossTargets targets, Span<float> gradient, int batch)
        => throw new NotSupportedException("TripletMarginLoss reads three outputs (anchor, positive, negative); call Compute(outputs, targets, gradients, batch) with all three.");

    /// <inheritdoc/>
    /// <exception cref="ArgumentException">Not three outputs of the same size, or a mask of the wrong length.</exception>
    public override float Compute(ReadOnlySpan<ReadOnlyMemory<float>> outputs, LossTargets targets, ReadOnlySpan<Memory<float>> gradients, int batch)
    {
        int d = PairLosses.CheckEmbeddings("TripletMarginLoss", 3, outputs, gradients, batch);
        double count = PairLosses.CheckMask(targets.Mask, batch);
        double scale = count > 0 ? 1.0 / count : 0.0;
        ReadOnlySpan<float> xa = outputs[0].Span, xp = outputs[1].Span, xn = outputs[2].Span;
        Span<float> ga = gradients.IsEmpty ? default : gradients[0].Span;
        Span<float> gp = gradients.IsEmpty ? default : gradients[1].Span;
        Span<float> gn = gradients.IsEmpty ? default : gradients[2].Span;
        double sum = 0;
        for (int i = 0; i < batch; i++)
        {
            ReadOnlySpan<float> a = xa.Slice(i * d, d), p = xp.Slice(i * d, d), n = xn.Slice(i * d, d);
            double dPos = Distance(a, p), dAn = Distance(a, n);
            double dNeg = dAn, cAn = 1, cPn = 0, dPn = 0;
            if (Swap)
            {
                dPn = Distance(p, n);
                if (dPn < dAn) { dNeg = dPn; cAn = 0; cPn = 1; }
                else if (dPn == dAn) { cAn = 0.5; cPn = 0.5; }
            }
            double h = Margin + dPos - dNeg;
            double w = PairLosses.Weight(targets.Mask, i);
            sum += w * Math.Max(0.0, h);
            double g = h >= 0 ? w * scale : 0.0;
            if (!ga.IsEmpty) ga.Slice(i * d, d).Clear();
            if (!gp.IsEmpty) gp.Slice(i * d, d).Clear();
            if (!gn.IsEmpty) gn.Slice(i * d, d).Clear();
            if (g == 0) continue;
            // L = h = m + d(a,p) − cAn·d(a,n) − cPn·d(p,n) locally; d(u,v) depends on u with +∇ and on v with −∇.
            AddGradient(a, p, dPos, g, Slice(ga, i, d), Slice(gp, i, d));
            if (cAn != 0) AddGradient(a, n, dAn, -g * cAn, Slice(ga, i, d), Slice(gn, i, d));
            if (cPn != 0) AddGradient(p, n, dPn, -g * cPn, Slice(gp, i, d), Slice(gn, i, d));
        }
        return (float)(sum * scale);
    }

    private static Span<float> Slice(Span<float> g, int i, int d) => g.IsEmpty ? g : g.Slice(i * d, d);

    /// <summary>‖u − v + eps‖_p in double.</summary>
    private double Distance(ReadOnlySpan<float> u, ReadOnlySpan<float> v)
    {
        double s = 0;
        if (P == 2)
        {
            for (int k = 0; k < u.Length; k++) { double t = (double)u[k] - v[k] + Eps; s += t * t; }
            return Math.Sqrt(s);
        }
        if (P == 1)
        {
            for (int k = 0; k < u.Length; k++) s += Math.Abs((double)u[k] - v[k] + Eps);
            return s;
        }
        for (int k = 0; k < u.Length; k++) s += Math.Pow(Math.Abs((double)u[k] - v[k] + Eps), P);
        return Math.Pow(s, 1.0 / P);
    }

    /// <summary>Adds <paramref name="g"/>·∂‖t‖/∂t (t = u − v + eps) to gu and −that to gv; 0 when the norm is 0.</summary>
    private void AddGradient(ReadOnlySpan<float> u, ReadOnlySpan<float> v, double norm, double g, Span<float> gu, Span<float> gv)
    {
        if (norm == 0) return;
        double scale = P == 2 ? g / norm : P == 1 ? g : g / Math.Pow(norm, P - 1);
        for (int k = 0; k < u.Length; k++)
        {
            double t = (double)u[k] - v[k] + Eps;
            double dt = P == 2 ? t : P == 1 ? Math.Sign(t) : Math.Sign(t) * Math.Pow(Math.Abs(t), P - 1);
            double c = scale * dt;
            if (!gu.IsEmpty) gu[k] += (float)c;
            if (!gv.IsEmpty) gv[k] -= (float)c;
        }
    }
}
