using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Pipeline;

namespace StaticCnn.Generator;

/// <summary>
/// The incremental generator: [Network] classes → Parse → Infer shapes → Plan memory → Emit. Every step's output is a
/// value (records and EquatableArray), so unrelated edits leave every step Cached or Unchanged. See docs/GENERATOR.md.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        IncrementalValuesProvider<NetworkSpec> specs = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.NetworkAttribute,
                static (node, _) => node is TypeDeclarationSyntax, // structs and interfaces too, to report SCNN0016
                Parser.Parse)
            .WithTrackingName(TrackingNames.Parse);
        IncrementalValuesProvider<NetworkModel> models = specs.Select(Inference.Infer).WithTrackingName(TrackingNames.Infer);
        IncrementalValuesProvider<NetworkPlan> plans = models.Select(Planner.Plan).WithTrackingName(TrackingNames.Plan);
        context.RegisterSourceOutput(plans, Emitter.Execute);
        DiagnosticsOutput.Register(context, models.Select(static (m, _) => m.Diagnostics));
        Weights.WeightsPipeline.Register(context, plans); // [Network(Weights = ...)]: SCNN04xx and <Network>.Embedded.g.cs

        // SCNN0012: a layer attribute on a property of a class without [Network].
        foreach (LayerKind kind in LayerRegistry.All)
        {
            IncrementalValuesProvider<OrphanLayer?> orphans = context.SyntaxProvider
                .ForAttributeWithMetadataName(kind.AttributeName, static (node, _) => node is PropertyDeclarationSyntax, Parser.Orphan)
                .WithTrackingName(TrackingNames.Orphans);
            context.RegisterSourceOutput(orphans, Emitter.ExecuteOrphan);
            DiagnosticsOutput.Register(context, orphans.Select(static (o, _) => o?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty));
        }
    }
}
