using System.Text;

namespace StaticCnn.Generator.Emit;

/// <summary>Name conversions between C# members and PyTorch tensor names.</summary>
internal static class Naming
{
    /// <summary>PyTorch-style snake_case of a member name (the shared rule: <see cref="StaticCnn.Shapes.TensorNames.DefaultPrefix"/>).</summary>
    public static string Snake(string name) => StaticCnn.Shapes.TensorNames.DefaultPrefix(name);

    /// <summary>An identifier as C# source: reserved keywords get the verbatim '@' (class → @class).</summary>
    public static string Id(string name)
        => Microsoft.CodeAnalysis.CSharp.SyntaxFacts.GetKeywordKind(name) != Microsoft.CodeAnalysis.CSharp.SyntaxKind.None ? "@" + name : name;

    /// <summary>
    /// Whether <paramref name="name"/> is a PyTorch module path: non-empty segments of letters, digits and underscores
    /// separated by dots (conv1, features.0, layer1.0.conv1).
    /// </summary>
    public static bool IsModulePath(string name)
    {
        if (name.Length == 0) return false;
        bool segmentEmpty = true;
        foreach (char c in name)
        {
            if (c == '.')
            {
                if (segmentEmpty) return false;
                segmentEmpty = true;
            }
            else if (c == '_' || char.IsLetterOrDigit(c)) segmentEmpty = false;
            else return false;
        }
        return !segmentEmpty;
    }

    /// <summary>PascalCase of a snake_case suffix: running_mean → RunningMean.</summary>
    public static string Pascal(string snake)
    {
        var sb = new StringBuilder(snake.Length);
        bool up = true;
        foreach (char c in snake)
        {
            if (c == '_' || c == '.') { up = true; continue; }
            sb.Append(up ? char.ToUpperInvariant(c) : c);
            up = false;
        }
        return sb.ToString();
    }
}
