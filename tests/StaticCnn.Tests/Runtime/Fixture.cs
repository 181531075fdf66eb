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
}
