namespace StaticCnn.Tests.Networks;

/// <summary>
/// The network-level finite-difference check shared by <see cref="GradientCheckTests"/> and
/// <see cref="MultiIOGradientCheckTests"/>: Richardson-extrapolated central differences, D = (4·D(h/2) − D(h))/3 with
/// h = 1e-2, the step taken as the float-rounded difference actually applied, and the bound
/// |fd − analytic| ≤ 1e-2·|analytic| + 1e-3 + 1e-3·max|analytic| (the error budget is in GradientCheckTests' remarks).
/// </summary>
internal sealed class FiniteDifferences
{
    private readonly Func<double> _loss;
    private readonly string _name;

    /// <param name="name">Prefix of failure messages.</param>
    /// <param name="loss">The loss of the current parameters and inputs, summed in double.</param>
    public FiniteDifferences(string name, Func<double> loss)
    {
        _name = name;
        _loss = loss;
    }

    /// <summary>Derivatives checked so far.</summary>
    public int Count { get; private set; }
    /// <summary>The largest |fd − analytic| / bound seen.</summary>
    public double Worst { get; private set; }

    /// <summary>d loss / d v for the float value read by <paramref name="get"/> and written by <paramref name="set"/> (restored after).</summary>
    public double Derivative(Func<float> get, Action<float> set)
    {
        float v0 = get();
        double D(double h)
        {
            float plus = (float)(v0 + h), minus = (float)(v0 - h);
            set(plus); double lp = _loss();
            set(minus); double lm = _loss();
            set(v0);
            return (lp - lm) / ((double)plus - minus);
        }
        return (4 * D(5e-3) - D(1e-2)) / 3;
    }

    /// <summary>Asserts the bound for one derivative; <paramref name="scale"/> is max|analytic| of its tensor.</summary>
    public void Check(string what, double analytic, double numeric, double scale)
    {
        double err = Math.Abs(numeric - analytic), bound = 1e-2 * Math.Abs(analytic) + 1e-3 + 1e-3 * scale;
        Worst = Math.Max(Worst, err / bound);
        Count++;
        Xunit.Assert.True(err <= bound, $"{_name} {what}: analytic {analytic:g6}, finite difference {numeric:g6}, |diff| {err:g3} > {bound:g3}");
    }

    /// <summary>Checks every parameter of <paramref name="net"/> against <paramref name="grads"/> (the analytic gradients).</summary>
    public void CheckParameters(INetwork net, float[] grads)
    {
        foreach (TensorInfo t in net.Tensors.Where(t => t.Role == TensorRole.Parameter))
        {
            double scale = 0;
            for (int i = 0; i < t.Length; i++) scale = Math.Max(scale, Math.Abs(grads[t.Offset + i]));
            for (int i = 0; i < t.Length; i++)
            {
                int k = t.Offset + i;
                Check($"{t.Name}[{i}]", grads[k], Derivative(() => net.Parameters[k], v => net.Parameters[k] = v), scale);
            }
        }
    }

    /// <summary>Checks every <paramref name="stride"/>-th element of an input against its analytic gradient <paramref name="dx"/>.</summary>
    public void CheckInput(string name, float[] x, float[] dx, int stride)
    {
        double scale = dx.Max(v => Math.Abs((double)v));
        for (int i = 0; i < x.Length; i += stride)
        {
            int k = i;
            Check($"{name}[{k}]", dx[k], Derivative(() => x[k], v => x[k] = v), scale);
        }
    }
}
