using System;
using System.Globalization;
using System.Text;

namespace StaticCnn.Generator.Emit;

/// <summary>A small indented text writer for generated C# (after System.Text.Json's generator).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _sb = new();
    private int _indent;

    public int Indentation { get => _indent; set => _indent = Math.Max(0, value); }

    /// <summary>Writes one line at the current indentation (empty text writes an empty line).</summary>
    public SourceWriter Line(string text = "")
    {
        if (text.Length > 0) _sb.Append(' ', 4 * _indent).Append(text);
        _sb.Append('\n');
        return this;
    }

    /// <summary>Writes several lines (split on '\n'), each at the current indentation.</summary>
    public SourceWriter Lines(string text)
    {
        foreach (string line in text.Replace("\r\n", "\n").Split('\n')) Line(line);
        return this;
    }

    /// <summary>Writes "{" and indents.</summary>
    public SourceWriter Open(string? header = null)
    {
        if (header != null) Line(header);
        Line("{");
        _indent++;
        return this;
    }

    /// <summary>Unindents and writes "}" (plus an optional suffix such as ";").</summary>
    public SourceWriter Close(string suffix = "")
    {
        _indent--;
        Line("}" + suffix);
        return this;
    }

    public override string ToString() => _sb.ToString();
}

/// <summary>Invariant, round-trip formatting of literals.</summary>
internal static class Lit
{
    public static string Int(long v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>A float literal that round-trips: "R" text plus 'f'.</summary>
    public static string Float(float v)
    {
        if (float.IsNaN(v)) return "float.NaN";
        if (float.IsPositiveInfinity(v)) return "float.PositiveInfinity";
        if (float.IsNegativeInfinity(v)) return "float.NegativeInfinity";
        string s = v.ToString("R", CultureInfo.InvariantCulture);
        if (s.IndexOf('E') >= 0 && s.IndexOf('.') < 0) s = s.Replace("E", ".0E");
        return s + "f";
    }

    public static string Bool(bool v) => v ? "true" : "false";

    /// <summary>A C# string literal (regular, escaped).</summary>
    public static string String(string s)
    {
        var sb = new StringBuilder(s.Length + 2).Append('"');
        foreach (char c in s)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '"': sb.Append("\\\""); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                case '\0': sb.Append("\\0"); break;
                default:
                    if (c < ' ') sb.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else sb.Append(c);
                    break;
            }
        }
        return sb.Append('"').ToString();
    }

    /// <summary>Thousands-separated number for comments and summaries ("117,600").</summary>
    public static string Grouped(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>Text that is safe inside a '//' or '/* */' comment: no line breaks or other control characters, no "*/".</summary>
    public static string Comment(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char c in s)
            sb.Append(char.IsControl(c) || c is '\u2028' or '\u2029' ? '?' : c);
        return sb.ToString().Replace("*/", "*?/");
    }

    /// <summary>Escapes text for an XML doc comment.</summary>
    public static string Xml(string s) => s.Replace("&", "&amp;").Replace("<", "&lt;").Replace(">", "&gt;");
}
