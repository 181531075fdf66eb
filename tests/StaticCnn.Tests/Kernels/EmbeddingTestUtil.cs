using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// Shared checks of the embedding kernel tests (<see cref="L2NormalizeTests"/>, <see cref="PairwiseDistanceTests"/>,
/// <see cref="CosineSimilarityTests"/>): fixtures of <c>tests/Fixtures/embedding</c> (tools/make_fixtures.py --only embedding)
/// and a tolerance scaled per row, since one clamped row (gradient dy/ε ≈ 1e12·dy) must not loosen the others.
/// </summary>
internal static class EmbeddingTestUtil
{
    /// <summary>The fixture files of one kind (metadata <c>kind</c>).</summary>
    public static TheoryData<string> Cases(string kind)
    {
        var data = new TheoryData<string>();
        foreach (string f in Fixture.List("embedding"))
            if (Fixture.Load(f).Meta("kind") == kind) data.Add(f);
        return data;
    }

    /// <summary>
    /// |actual − expected| ≤ rtol·|expected| + rowAtol·max|expected over the row| + floor, element-wise, rows of
    /// <paramref name="row"/> values (row = 1: a relative bound per element).
    /// </summary>
    public static void Close(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, int row,
        double rtol = 2e-5, double rowAtol = 1e-5, double floor = 1e-7)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: expected {expected.Length} values, got {actual.Length}");
        for (int r0 = 0; r0 < expected.Length; r0 += row)
        {
            double max = 0;
            for (int i = r0; i < r0 + row; i++) max = Math.Max(max, Math.Abs((double)expected[i]));
            for (int i = r0; i < r0 + row; i++)
            {
                double e = expected[i], a = actual[i], bound = rtol * Math.Abs(e) + rowAtol * max + floor;
                if (!(Math.Abs(a - e) <= bound))
                    Assert.Fail($"{what}[{i}]: expected {e:R}, actual {a:R}, |diff| {Math.Abs(a - e):E3} > {bound:E3}");
            }
        }
    }

    /// <summary>Two calls of an accumulating backward give exactly twice the first (dx is added to, never written).</summary>
    public static void AssertDoubled(string what, ReadOnlySpan<float> once, ReadOnlySpan<float> twice)
    {
        for (int i = 0; i < once.Length; i++)
            if (BitConverter.SingleToInt32Bits(2 * once[i]) != BitConverter.SingleToInt32Bits(twice[i]))
                Assert.Fail($"{what}[{i}]: one call {once[i]:R}, two calls {twice[i]:R}: backward must add into dx");
    }

    /// <summary>Random rows; rows listed in <paramref name="scale"/> are multiplied by the factor (0 = a zero row).</summary>
    public static float[] Rows(Random rng, int rows, int d, params (int Row, float Factor)[] scale)
    {
        float[] a = NumericAssert.Random(rng, (long)rows * d);
        foreach (var (r, f) in scale)
            for (int i = r * d; i < (r + 1) * d; i++) a[i] *= f;
        return a;
    }
}
