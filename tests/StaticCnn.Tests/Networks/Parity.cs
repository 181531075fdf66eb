using System.Reflection;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Helpers of the parity tests: moving PyTorch fixture tensors (tools/make_fixtures.py) in and out of a generated
/// network by <see cref="TensorInfo"/> name, and the tolerance of a fixture tensor (the comparison itself is
/// <see cref="NumericAssert"/>, tests/Shared/NumericAssert.cs).
/// </summary>
public static class Parity
{
    /// <summary>The single-layer network declared for fixture case <paramref name="caseName"/> (LayerCases.*.cs), or null if none is declared.</summary>
    public static Type? CaseType(string caseName)
        => typeof(Parity).Assembly.GetType("StaticCnn.Tests.Networks.LayerCases.Case_" + caseName);

    /// <summary>A new instance of a generated network type with batch capacity <paramref name="maxBatch"/>.</summary>
    public static INetwork Create(Type networkType, int maxBatch, ulong seed = 0)
        => (INetwork)Activator.CreateInstance(networkType, maxBatch, seed)!;

    /// <summary>Sets the generated <c>UseReferenceKernels</c> property (not part of <see cref="INetwork"/>).</summary>
    public static void SetReferenceKernels(INetwork net, bool on)
    {
        PropertyInfo p = net.GetType().GetProperty("UseReferenceKernels")
            ?? throw new MissingMemberException(net.GetType().Name, "UseReferenceKernels");
        p.SetValue(net, on);
    }

    /// <summary>The parameter (or gradient) or buffer slice named <paramref name="name"/>.</summary>
    public static Span<float> Tensor(INetwork net, string name, bool gradient = false)
    {
        foreach (TensorInfo t in net.Tensors)
        {
            if (t.Name != name) continue;
            if (t.Role == TensorRole.Buffer)
                return gradient ? throw new ArgumentException($"{name} is a buffer and has no gradient") : net.Buffers.Slice(t.Offset, t.Length);
            return (gradient ? net.Gradients : net.Parameters).Slice(t.Offset, t.Length);
        }
        throw new KeyNotFoundException($"{net.Name} has no tensor '{name}'; it has {string.Join(", ", net.Tensors.Select(t => t.Name))}");
    }

    /// <summary>
    /// Copies every tensor of the network (parameters and buffers) from fixture tensor <c>prefix + name</c>,
    /// checking that the fixture's shape equals the generated <see cref="TensorInfo.Shape"/>.
    /// </summary>
    public static void LoadWeights(INetwork net, Fixture f, string prefix = "")
    {
        foreach (TensorInfo t in net.Tensors)
        {
            string key = prefix + t.Name;
            Assert.True(f.Has(key), $"{f}: the network's tensor {t.Name} has no fixture tensor {key}");
            Assert.Equal(f.Shape(key), t.Shape);
            f.Floats(key).AsSpan().CopyTo(t.Role == TensorRole.Buffer ? net.Buffers.Slice(t.Offset, t.Length) : net.Parameters.Slice(t.Offset, t.Length));
        }
    }

    /// <summary>
    /// The parity bound of one fixture tensor: |actual − expected| ≤ rtol·|expected| + atol with rtol = 1e-5 and
    /// atol = 4·f32_vs_f64_max_abs_diff of that tensor. Why 4·d: the fixture's float32 result is within d of the exact
    /// (float64) result; ours is a float32 computation of the same sums in another order (blocked, vectorised), so its
    /// own error is of the same size, and |ours − PyTorch| ≤ |ours − exact| + |PyTorch − exact| ≈ 2d; the factor 2 on
    /// top is margin for a different summation order. rtol alone fails on elements that are sums cancelling to ~0.
    /// </summary>
    public static double Atol(Fixture f, string tensor, double factor = 4)
    {
        if (!f.Metadata.TryGetValue("f32_vs_f64_max_abs_diff", out string? json)) return 0;
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty(tensor, out var d) ? factor * d.GetDouble() : 0;
    }

    /// <summary>A seeded vector of normal(0, σ) floats (Box–Muller over System.Random with a fixed seed).</summary>
    public static float[] RandomNormal(int count, int seed, double sigma = 1)
    {
        var r = new Random(seed);
        var a = new float[count];
        for (int i = 0; i < count; i++)
            a[i] = (float)(sigma * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble()));
        return a;
    }
}
