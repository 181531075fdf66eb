using System.Text;

namespace StaticCnn.Shapes;

/// <summary>
/// The naming rule that ties a layer member to its PyTorch <c>state_dict</c> prefix, written once: the generator names
/// the tensors with it, the ONNX importer (<c>staticcnn import</c>) uses it to predict those names.
/// </summary>
public static class TensorNames
{
    /// <summary>
    /// The default <c>state_dict</c> prefix of a layer member, PyTorch-style snake_case: Conv1 → conv1, Fc1 → fc1,
    /// ConvBlock2 → conv_block2, BNLayer → bn_layer (<c>Name = "…"</c> on the attribute overrides it).
    /// </summary>
    /// <remarks>Pure and thread-safe; an empty name gives an empty prefix.</remarks>
    public static string DefaultPrefix(string member)
    {
        var sb = new StringBuilder(member.Length + 4);
        for (int i = 0; i < member.Length; i++)
        {
            char c = member[i];
            if (char.IsUpper(c))
            {
                bool prevLowerOrDigit = i > 0 && (char.IsLower(member[i - 1]) || char.IsDigit(member[i - 1]));
                bool acronymEnd = i > 0 && char.IsUpper(member[i - 1]) && i + 1 < member.Length && char.IsLower(member[i + 1]);
                if ((prevLowerOrDigit || acronymEnd) && sb.Length > 0 && sb[sb.Length - 1] != '_') sb.Append('_');
                sb.Append(char.ToLowerInvariant(c));
            }
            else sb.Append(c);
        }
        return sb.ToString();
    }
}
