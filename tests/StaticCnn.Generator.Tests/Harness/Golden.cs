using System.Runtime.CompilerServices;
using System.Text;

namespace StaticCnn.Generator.Tests.Harness;

/// <summary>
/// Golden files under tests/StaticCnn.Generator.Tests/Golden/. On mismatch the assertion prints a unified-style line diff;
/// with <c>SCNN_UPDATE_GOLDEN=1</c> in the environment the files are rewritten instead (then review <c>git diff</c>).
/// </summary>
public static class Golden
{
    public static bool Updating => Environment.GetEnvironmentVariable("SCNN_UPDATE_GOLDEN") == "1";

    /// <summary>tests/StaticCnn.Generator.Tests/Golden in the source tree (this file is in its Harness/ folder).</summary>
    public static string Directory { get; } = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(ThisFile())!)!, "Golden");

    private static string ThisFile([CallerFilePath] string here = "") => here;

    public static void Verify(string fileName, string actual)
    {
        string path = Path.Combine(Directory, fileName);
        actual = Normalize(actual);
        if (Updating)
        {
            System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            if (!File.Exists(path) || Normalize(File.ReadAllText(path)) != actual) File.WriteAllText(path, actual);
            return;
        }
        if (!File.Exists(path))
            throw new Xunit.Sdk.XunitException($"golden file {path} does not exist; run the tests with SCNN_UPDATE_GOLDEN=1 to create it");
        string expected = Normalize(File.ReadAllText(path));
        if (expected == actual) return;
        throw new Xunit.Sdk.XunitException(
            $"generated source differs from {path} (rerun with SCNN_UPDATE_GOLDEN=1 to accept):\n" + UnifiedDiff(expected, actual, "golden", "actual"));
    }

    public static string Normalize(string text) => text.Replace("\r\n", "\n").TrimEnd('\n') + "\n";

    /// <summary>A unified-style diff of two texts by lines (LCS), three lines of context, at most <paramref name="maxLines"/> lines.</summary>
    public static string UnifiedDiff(string expected, string actual, string expectedName = "expected", string actualName = "actual", int maxLines = 200)
    {
        string[] a = expected.Split('\n'), b = actual.Split('\n');
        // Trim the common prefix and suffix so that the LCS table stays small.
        int pre = 0;
        while (pre < a.Length && pre < b.Length && a[pre] == b[pre]) pre++;
        int suf = 0;
        while (suf < a.Length - pre && suf < b.Length - pre && a[a.Length - 1 - suf] == b[b.Length - 1 - suf]) suf++;
        int n = a.Length - pre - suf, m = b.Length - pre - suf;
        var ops = new List<(char Op, int A, int B)>(); // ' ' both, '-' only a, '+' only b; indices into a/b
        for (int i = 0; i < pre; i++) ops.Add((' ', i, i));
        if ((long)n * m > 25_000_000)
        {
            for (int i = 0; i < n; i++) ops.Add(('-', pre + i, -1));
            for (int j = 0; j < m; j++) ops.Add(('+', -1, pre + j));
        }
        else
        {
            var lcs = new int[n + 1, m + 1];
            for (int i = n - 1; i >= 0; i--)
                for (int j = m - 1; j >= 0; j--)
                    lcs[i, j] = a[pre + i] == b[pre + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            int x = 0, y = 0;
            while (x < n || y < m)
            {
                if (x < n && y < m && a[pre + x] == b[pre + y]) { ops.Add((' ', pre + x, pre + y)); x++; y++; }
                else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1])) { ops.Add(('-', pre + x, -1)); x++; }
                else { ops.Add(('+', -1, pre + y)); y++; }
            }
        }
        for (int i = 0; i < suf; i++) ops.Add((' ', a.Length - suf + i, b.Length - suf + i));

        var sb = new StringBuilder();
        sb.Append("--- ").AppendLine(expectedName).Append("+++ ").AppendLine(actualName);
        const int context = 3;
        int lines = 0;
        int k = 0;
        while (k < ops.Count)
        {
            if (ops[k].Op == ' ') { k++; continue; }
            int start = Math.Max(0, k - context);
            int end = k;
            // Extend the hunk while changes are closer than 2·context lines apart.
            while (end < ops.Count)
            {
                if (ops[end].Op != ' ') { end++; continue; }
                int run = end;
                while (run < ops.Count && ops[run].Op == ' ') run++;
                if (run == ops.Count || run - end > 2 * context) { end = Math.Min(ops.Count, end + context); break; }
                end = run;
            }
            int aStart = 0, bStart = 0, aCount = 0, bCount = 0;
            for (int q = start; q < end; q++)
            {
                var o = ops[q];
                if (o.A >= 0 && aCount++ == 0) aStart = o.A + 1;
                if (o.B >= 0 && bCount++ == 0) bStart = o.B + 1;
            }
            sb.AppendLine($"@@ -{aStart},{aCount} +{bStart},{bCount} @@");
            for (int q = start; q < end; q++)
            {
                var o = ops[q];
                sb.Append(o.Op).AppendLine(o.Op == '+' ? b[o.B] : a[o.A]);
                if (++lines >= maxLines) { sb.AppendLine("… (diff truncated)"); return sb.ToString(); }
            }
            k = end;
        }
        return sb.ToString();
    }
}
