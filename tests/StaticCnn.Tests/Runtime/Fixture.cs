using StaticCnn.Checkpoints;

namespace StaticCnn.Tests.Runtime;

/// <summary>Reads the PyTorch reference files written by tools/make_runtime_fixtures.py.</summary>
internal static class Fixture
{
    private static readonly Dictionary<string, SafeTensorsFile> Cache = new();

    public static SafeTensorsFile Open(string name)
    {
        lock (Cache)
        {
            if (!Cache.TryGetValue(name, out var f))
                Cache[name] = f = SafeTensorsFile.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "runtime", name));
            return f;
        }
    }

    public static void AssertClose(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol, double atol, string what)
    {
        Xunit.Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double e = expected[i], a = actual[i];
            if (Math.Abs(e - a) > atol + rtol * Math.Abs(e))
                throw new Xunit.Sdk.XunitException($"{what}[{i}]: expected {e:R}, got {a:R} (|diff| {Math.Abs(e - a):E2})");
        }
    }

    public static double MaxRelError(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double floor = 1e-6)
    {
        double m = 0;
        for (int i = 0; i < expected.Length; i++) m = Math.Max(m, Math.Abs(expected[i] - actual[i]) / Math.Max(floor, Math.Abs(expected[i])));
        return m;
    }
}
