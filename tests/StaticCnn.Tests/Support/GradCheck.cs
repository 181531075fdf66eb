using Xunit;

namespace StaticCnn.Tests.Support;

/// <summary>
/// Finite-difference gradient checks in double precision. The loss is a double-precision function of double
/// parameters (tests write a float64 twin of the layer's forward); the analytic gradient under test comes from the
/// float kernel. Central differences with step <c>eps</c> have truncation error O(eps²·f''') and rounding error
/// O(u_double·|f|/eps), both far below the float tolerances used here.
/// </summary>
public static class GradCheck
{
    /// <summary>(f(p + eps·e_i) − f(p − eps·e_i)) / (2·eps), restoring p[i].</summary>
    public static double Central(Func<double> loss, double[] p, int i, double eps = 1e-6)
    {
        double saved = p[i];
        p[i] = saved + eps;
        double plus = loss();
        p[i] = saved - eps;
        double minus = loss();
        p[i] = saved;
        return (plus - minus) / (2 * eps);
    }

    /// <summary>
    /// Checks <paramref name="analytic"/>[i] against the central difference of <paramref name="loss"/> with respect
    /// to <paramref name="p"/>[i] for every i (or <paramref name="samples"/> random ones):
    /// |analytic − numeric| ≤ atol + rtol·|numeric|.
    /// </summary>
    public static void Check(string name, ReadOnlySpan<float> analytic, double[] p, Func<double> loss, Random rng,
        int samples = 40, double rtol = 1e-3, double atol = 1e-4)
    {
        Assert.Equal(p.Length, analytic.Length);
        int count = Math.Min(samples, p.Length);
        for (int s = 0; s < count; s++)
        {
            int i = p.Length <= samples ? s : rng.Next(p.Length);
            double numeric = Central(loss, p, i);
            double diff = Math.Abs(analytic[i] - numeric);
            if (diff > atol + rtol * Math.Abs(numeric))
                Assert.Fail($"{name}[{i}]: analytic {analytic[i]:R} vs numeric {numeric:R} (|diff| {diff:E3}).");
        }
    }

    /// <summary>Float copy to double.</summary>
    public static double[] ToDouble(ReadOnlySpan<float> a)
    {
        var d = new double[a.Length];
        for (int i = 0; i < a.Length; i++) d[i] = a[i];
        return d;
    }

    /// <summary>Applies a fused activation in double precision.</summary>
    public static double Activate(Activation kind, double v) => kind switch
    {
        Activation.None => v,
        Activation.ReLU => v > 0 ? v : 0,
        Activation.LeakyReLU => v > 0 ? v : v * StaticCnn.Kernels.Activations.DefaultLeakySlope,
        Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
        Activation.Tanh => Math.Tanh(v),
        Activation.ReLU6 => Math.Min(Math.Max(v, 0), 6),
        Activation.Hardswish => v * Math.Min(Math.Max(v + 3, 0), 6) / 6,
        Activation.SiLU => v / (1 + Math.Exp(-v)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };
}
