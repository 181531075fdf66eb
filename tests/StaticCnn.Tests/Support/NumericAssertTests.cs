using Xunit;
using Xunit.Sdk;

namespace StaticCnn.Tests.Support;

/// <summary>The shared numeric assert (tests/Shared/NumericAssert.cs): its element rule and what a failure reports.</summary>
public class NumericAssertTests
{
    [Fact]
    public void Close_AcceptsTheBoundExactly_AndNaNAgainstNaN()
    {
        NumericAssert.Close("x", [1f, 2f, float.NaN, float.PositiveInfinity], [1.5f, 2f, float.NaN, float.PositiveInfinity], rtol: 0, atol: 0.5);
        NumericAssert.Close("x", [100f], [101f], rtol: 0.01, atol: 0);
    }

    [Fact]
    public void Close_Failure_NamesTheWorstElement()
    {
        var ex = Assert.ThrowsAny<XunitException>(() =>
            NumericAssert.Close("out", [1f, 2f, 3f, 4f], [1.1f, 2f, 3.5f, 4.2f], rtol: 0, atol: 0.05));
        Assert.Contains("out: 3 of 4 values outside", ex.Message);
        Assert.Contains("worst [2] expected 3, actual 3.5", ex.Message);
        Assert.Contains("|diff| 5.000E-001, relative 1.667E-001", ex.Message);
    }

    [Fact]
    public void Close_FailsOnNaN_AndOnLengths()
    {
        Assert.Contains("worst [1]", Assert.ThrowsAny<XunitException>(() => NumericAssert.Close("n", [1f, 2f], [1f, float.NaN], 1, 1)).Message);
        Assert.Contains("expected 2 values, got 1", Assert.ThrowsAny<XunitException>(() => NumericAssert.Close("n", [1f, 2f], [1f], 1, 1)).Message);
    }

    [Fact]
    public void CloseRelativeToMax_ScalesTheToleranceByTheLargestReference()
    {
        string? report = null;
        NumericAssert.CloseRelativeToMax("r", [1000f, 0f], [1000f, 0.009f], relativeToMax: 1e-5, minReference: 1, s => report = s);
        Assert.Contains("max |expected| = 1000", report);
        Assert.ThrowsAny<XunitException>(() => NumericAssert.CloseRelativeToMax("r", [1000f, 0f], [1000f, 0.011f], 1e-5, 1));
        Assert.Contains("nearly", Assert.ThrowsAny<XunitException>(() => NumericAssert.CloseRelativeToMax("r", [1e-5f], [1e-5f], 1e-5, 1e-3)).Message);
    }

    [Fact]
    public void RoundingBound_GrowsWithTheReductionLength()
    {
        float[] reference = [1f], absRef = [1000f], fast = [1f + 1e-3f];
        NumericAssert.Close("k", fast, reference, absRef, reduction: 1_000_000);
        Assert.ThrowsAny<XunitException>(() => NumericAssert.Close("k", fast, reference, absRef, reduction: 10));
    }

    [Fact]
    public void Identical_ComparesBits()
    {
        NumericAssert.Identical("b", [float.NaN, 1f], [float.NaN, 1f]);
        Assert.Contains("b[0]", Assert.ThrowsAny<XunitException>(() => NumericAssert.Identical("b", [0f], [-0f])).Message);
    }
}
