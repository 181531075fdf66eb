using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Reports value diagnostics with locations in the compilation's own syntax trees, so that <c>#pragma warning disable</c>
/// and <c>[SuppressMessage]</c> apply to them. The cached model keeps only file paths and spans; this small step is
/// combined with the compilation (it re-runs per compilation, but only for networks that have diagnostics, and it
/// only maps paths to trees), while the source outputs stay cached.
/// </summary>
internal static class DiagnosticsOutput
{
    public const string TrackingName = "Diagnostics";

    public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<EquatableArray<DiagnosticInfo>> diagnostics)
    {
        IncrementalValuesProvider<(EquatableArray<DiagnosticInfo> Left, Compilation Right)> located = diagnostics
            .Where(static d => d.Count > 0)
            .Combine(context.CompilationProvider)
            .WithTrackingName(TrackingName);
        context.RegisterSourceOutput(located, static (spc, pair) =>
        {
            Dictionary<string, SyntaxTree>? trees = null;
            foreach (DiagnosticInfo d in pair.Left)
            {
                trees ??= Trees(pair.Right);
                spc.ReportDiagnostic(ToDiagnostic(d, trees));
            }
        });
    }

    private static Dictionary<string, SyntaxTree> Trees(Compilation compilation)
    {
        var map = new Dictionary<string, SyntaxTree>();
        foreach (SyntaxTree t in compilation.SyntaxTrees)
            if (!map.ContainsKey(t.FilePath)) map[t.FilePath] = t;
        return map;
    }

    /// <summary>The diagnostic at its place in the tree with that path, or (tree not found) at an external-file location.</summary>
    internal static Diagnostic ToDiagnostic(DiagnosticInfo d, IReadOnlyDictionary<string, SyntaxTree> trees)
    {
        DiagnosticDescriptor descriptor = DiagnosticDescriptors.ById.TryGetValue(d.Id, out DiagnosticDescriptor? found) ? found : DiagnosticDescriptors.InternalError;
        Location location = Location.None;
        if (d.Where is { } w)
            location = trees.TryGetValue(w.FilePath, out SyntaxTree? tree) && w.Span.End <= tree.Length
                ? Location.Create(tree, w.Span)
                : Location.Create(w.FilePath, w.Span, w.LineSpan);
        return Diagnostic.Create(descriptor, location, d.Args.Cast<object>().ToArray());
    }
}
