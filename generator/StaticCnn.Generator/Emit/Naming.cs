using System.Text;

namespace StaticCnn.Generator.Emit;

/// <summary>Name conversions between C# members and PyTorch tensor names.</summary>
internal static class Naming
{
    /// <summary>
    /// PyTorch-style snake_case of a member name: Conv1 → conv1, Fc1 → fc1, ConvBlock2 → conv_block2,
    /// BNLayer → bn_layer.
    /// </summary>
    public static string Snake(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if ((prevLowerOrDigit || acronymEnd) && sb.Length > 0 && sb[sb.Length - 1] != '_') sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }

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
