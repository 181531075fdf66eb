using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tool.Tests;

/// <summary>The comparison both reference checks of this project use: max |ours − reference| / max |reference| over the whole output.</summary>
internal static class MaxRelativeError
{
    /// <summary>
    /// Asserts equal lengths, a reference that is not (nearly) zero (above <paramref name="minReference"/>, so the
    /// comparison proves something) and a relative error ≤ 1e-5; writes the figures to <paramref name="output"/>
    /// after <paramref name="what"/>.
    /// </summary>
    public static void AssertWithin1e5(float[] ours, float[] reference, string label, string what, double minReference, ITestOutputHelper output)
    {
        Assert.Equal(ours.Length, reference.Length);
        double maxAbs = 0, maxRef = 0;
        for (int i = 0; i < ours.Length; i++)
        {
            maxAbs = Math.Max(maxAbs, Math.Abs(ours[i] - reference[i]));
            maxRef = Math.Max(maxRef, Math.Abs(reference[i]));
        }
        double rel = maxAbs / maxRef;
        output.WriteLine($"{what}max |ours - reference| = {maxAbs:E3}, max |reference| = {maxRef:G4}, relative {rel:E3}");
        Assert.True(maxRef > minReference, "the reference output is (nearly) zero: the comparison would prove nothing");
        Assert.True(rel <= 1e-5, $"{label}: relative error {rel:E3} > 1e-5 (max abs {maxAbs:E3})");
    }
}
