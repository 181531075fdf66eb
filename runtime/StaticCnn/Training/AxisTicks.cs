using System.Globalization;

namespace StaticCnn.Training;

/// <summary>
/// "Nice" axis ticks for the history plot: a step of 1, 2, 2.5 or 5 × 10^k and ticks at its multiples that cover the
/// data (as matplotlib's <c>MaxNLocator(steps=[1, 2, 2.5, 5, 10])</c>). Pure functions, thread-safe.
/// </summary>
internal static class AxisTicks
{
    private static readonly double[] Mantissas = { 1, 2, 2.5, 5, 10 };

    /// <summary>
    /// Ticks from a multiple of the step at or below <paramref name="lo"/> to one at or above <paramref name="hi"/>, at
    /// most <paramref name="maxIntervals"/> intervals, kept inside [<paramref name="floor"/>, <paramref name="ceiling"/>]
    /// (the data is clamped to it first). A flat or empty range is widened so that the axis has a height.
    /// </summary>
    public static (double[] Ticks, double Step) Nice(double lo, double hi, int maxIntervals, double floor = double.NegativeInfinity, double ceiling = double.PositiveInfinity)
    {
        if (!double.IsFinite(lo) || !double.IsFinite(hi)) (lo, hi) = (0, 1);
        if (lo > hi) (lo, hi) = (hi, lo);
        lo = Math.Clamp(lo, floor, ceiling);
        hi = Math.Clamp(hi, floor, ceiling);
        if (hi - lo < 1e-12 * Math.Max(1, Math.Abs(hi)))
        {
            double half = Math.Abs(hi) > 0 ? Math.Abs(hi) * 0.05 : 0.5;
            lo -= half; hi += half;
            if (lo < floor) { hi = Math.Min(ceiling, hi + (floor - lo)); lo = floor; }
            if (hi > ceiling) { lo = Math.Max(floor, lo - (hi - ceiling)); hi = ceiling; }
        }
        maxIntervals = Math.Max(1, maxIntervals);
        double raw = (hi - lo) / maxIntervals;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        for (int attempt = 0; ; attempt++)
        {
            foreach (double m in Mantissas)
            {
                double step = m * magnitude;
                if (step < raw * (1 - 1e-9)) continue;
                double first = Math.Floor(lo / step + 1e-9), last = Math.Ceiling(hi / step - 1e-9);
                if (last - first > maxIntervals && attempt < 3) continue; // floor/ceil added an interval: try the next step
                var ticks = new double[(int)(last - first) + 1];
                for (int i = 0; i < ticks.Length; i++) ticks[i] = Round((first + i) * step, step);
                return (ticks, step);
            }
            magnitude *= 10;
        }
    }

    /// <summary>Integer ticks (step 1, 2 or 5 × 10^k) between <paramref name="lo"/> and <paramref name="hi"/> inclusive, at most <paramref name="maxTicks"/>.</summary>
    public static double[] NiceIntegers(int lo, int hi, int maxTicks)
    {
        if (hi < lo) (lo, hi) = (hi, lo);
        for (long scale = 1; ; scale *= 10)
            foreach (long m in new long[] { 1, 2, 5 })
            {
                long step = m * scale;
                long first = (long)Math.Ceiling(lo / (double)step) * step;
                long count = first > hi ? 0 : (hi - first) / step + 1;
                if (count <= Math.Max(1, maxTicks))
                {
                    var ticks = new double[count];
                    for (int i = 0; i < count; i++) ticks[i] = first + i * step;
                    return ticks;
                }
            }
    }

    /// <summary>
    /// A tick value with as many decimals as the step needs (0.25 → 2, 0.5 → 1, 20 → 0), invariant culture; from 1e5
    /// and for steps below 1e-4 in exponent form (2.5e6).
    /// </summary>
    public static string Format(double value, double step)
    {
        if (value != 0 && (Math.Abs(value) >= 1e5 || step < 1e-4)) // 2.5e6, 1e-5: short enough for the margin
            return value.ToString("0.##e0", CultureInfo.InvariantCulture);
        int decimals = Decimals(step);
        string s = value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
        return s.StartsWith('-') && double.Parse(s, CultureInfo.InvariantCulture) == 0 ? s[1..] : s; // no "-0.0"
    }

    private static int Decimals(double step)
    {
        for (int d = 0; d < 15; d++)
            if (Math.Abs(step * Math.Pow(10, d) - Math.Round(step * Math.Pow(10, d))) < 1e-9 * Math.Pow(10, d)) return d;
        return 15;
    }

    private static double Round(double v, double step) => Math.Round(v, Decimals(step));
}
