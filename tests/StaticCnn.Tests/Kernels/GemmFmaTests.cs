using System.Runtime.Intrinsics;
using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// <c>Gemm.Fma</c> is one rounding of a·b + c on every path: a hardware FMA where there is one, and an emulation in
/// double where there is none (x64 with <c>DOTNET_EnableAVX2=0</c>, which also turns FMA off). A plain a·b + c in float
/// (two roundings) fails <see cref="Cancellation_keeps_the_low_bits_of_the_product"/> on that path.
/// </summary>
[Trait("Category", "Numeric")]
public class GemmFmaTests
{
    [Fact]
    public void Cancellation_keeps_the_low_bits_of_the_product()
    {
        // a·a = 1 + 2^-11 + 2^-24 exactly; in float it rounds (tie to even) to 1 + 2^-11, so a·a + c would be 0.
        float a = 1f + MathF.Pow(2, -12), c = -(1f + MathF.Pow(2, -11));
        float expected = MathF.Pow(2, -24);
        Assert.Equal(expected, MathF.FusedMultiplyAdd(a, a, c));
        Assert.Equal(0f, a * a + c);
        Vector128<float> r128 = Gemm.Fma(Vector128.Create(a), Vector128.Create(a), Vector128.Create(c));
        Vector256<float> r256 = Gemm.Fma(Vector256.Create(a), Vector256.Create(a), Vector256.Create(c));
        for (int i = 0; i < 4; i++) Assert.Equal(expected, r128[i]);
        for (int i = 0; i < 8; i++) Assert.Equal(expected, r256[i]);
    }

    [Fact]
    public void Random_operands_match_MathF_FusedMultiplyAdd_bit_for_bit()
    {
        var rng = new Random(12345);
        float[] a = new float[4], b = new float[4], c = new float[4];
        int mismatches = 0;
        for (int t = 0; t < 50_000; t++)
        {
            for (int i = 0; i < 4; i++)
            {
                a[i] = (float)(rng.NextDouble() * 4 - 2);
                b[i] = (float)(rng.NextDouble() * 4 - 2);
                // half of the c's nearly cancel the product, where one and two roundings differ most
                c[i] = (t & 1) == 0 ? (float)(rng.NextDouble() * 8 - 4) : -a[i] * b[i] * (1f + (float)(rng.NextDouble() - 0.5) * 1e-6f);
            }
            Vector128<float> r = Gemm.Fma(Vector128.Create(a), Vector128.Create(b), Vector128.Create(c));
            for (int i = 0; i < 4; i++)
                if (BitConverter.SingleToInt32Bits(r[i]) != BitConverter.SingleToInt32Bits(MathF.FusedMultiplyAdd(a[i], b[i], c[i]))) mismatches++;
        }
        // The double emulation can differ from a true FMA only in double-rounding ties (about 2^-29 per operation).
        Assert.Equal(0, mismatches);
    }
}
