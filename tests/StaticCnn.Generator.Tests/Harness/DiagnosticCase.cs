using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace StaticCnn.Generator.Tests.Harness;

/// <summary>
/// A source that must produce diagnostic <see cref="Id"/> with exactly <see cref="Message"/>, on the line that holds the
/// marker <c>/*!*/</c> (placed right before the offending attribute's name).
/// </summary>
public sealed record DiagnosticCase(string Name, string Id, string Source, string Message)
{
    public const string Marker = "/*!*/";

    public DiagnosticSeverity Severity { get; init; } = DiagnosticSeverity.Error;
    public LanguageVersion Version { get; init; } = LanguageVersion.CSharp13;
    /// <summary>CS errors the user's own code causes whatever the generator does (e.g. partial properties in C# 12).</summary>
    public string[] AllowedCompilerErrors { get; init; } = Array.Empty<string>();
    /// <summary>Other SCNN errors that may accompany this one.</summary>
    public string[] AlsoAllowed { get; init; } = Array.Empty<string>();

    public override string ToString() => Name;
}

/// <summary>A source close to a failing case that must not produce <see cref="Id"/> and must compile with no errors at all.</summary>
public sealed record NearMiss(string Name, string Id, string Source)
{
    public override string ToString() => Name;
}

/// <summary>Builds small network sources.</summary>
public static class Src
{
    public const string Mnist = "InputChannels = 1, InputHeight = 28, InputWidth = 28";

    /// <summary>A network class named <paramref name="name"/> with the given layer lines.</summary>
    public static string Net(string input, params string[] layers) => NetNamed("Net", input, layers);

    public static string NetNamed(string name, string input, params string[] layers) =>
        "using StaticCnn;\n\nnamespace TestNets;\n\n" +
        $"[Network({input})]\npublic partial class {name}\n{{\n" + string.Join("\n", layers) + "\n}\n";

    /// <summary>One layer line: <c>    [attr] public partial Layer member { get; }</c>.</summary>
    public static string L(string attribute, string member) => $"    [{attribute}] public partial Layer {member} {{ get; }}";

    /// <summary>A layer line whose attribute carries the marker.</summary>
    public static string M(string attribute, string member) => L(DiagnosticCase.Marker + attribute, member);

    /// <summary>One input line: <c>    [Input(dims)] public partial NetworkInput member { get; }</c>.</summary>
    public static string I(string dims, string member, bool marked = false)
        => $"    [{(marked ? DiagnosticCase.Marker : "")}Input({dims})] public partial NetworkInput {member} {{ get; }}";
}
