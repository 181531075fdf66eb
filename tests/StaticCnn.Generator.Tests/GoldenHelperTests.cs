using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>The golden-file helper's diff output.</summary>
public class GoldenHelperTests
{
    [Fact]
    public void UnifiedDiff_ShowsChangedLinesWithContext()
    {
        string a = string.Join("\n", Enumerable.Range(1, 20).Select(i => $"line {i}"));
        string b = a.Replace("line 10", "line ten").Replace("line 19\n", "");
        string diff = Golden.UnifiedDiff(a, b);
        Assert.Contains("-line 10\n+line ten", diff.Replace("\r\n", "\n"));
        Assert.Contains("-line 19", diff);
        Assert.Contains(" line 7", diff);   // context
        Assert.DoesNotContain("line 2\n", diff); // far from any change
        Assert.StartsWith("--- expected", diff);
    }

    [Fact]
    public void UnifiedDiff_HandlesInsertionsAtEnds()
    {
        string diff = Golden.UnifiedDiff("b\nc", "a\nb\nc\nd");
        Assert.Contains("+a", diff);
        Assert.Contains("+d", diff);
        Assert.DoesNotContain("-", diff.Split('\n').Skip(2).Select(l => l.Length > 0 ? l[0].ToString() : "").Aggregate("", (x, y) => x + y));
    }

    [Fact]
    public void Normalize_IgnoresLineEndingsAndTrailingNewlines()
    {
        Assert.Equal(Golden.Normalize("a\r\nb\n\n"), Golden.Normalize("a\nb"));
    }
}
