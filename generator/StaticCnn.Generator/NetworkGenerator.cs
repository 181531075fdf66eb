using Microsoft.CodeAnalysis;

namespace StaticCnn.Generator;

/// <summary>The incremental generator: [Network] classes → parse → infer shapes → plan memory → emit.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class NetworkGenerator : IIncrementalGenerator
{
    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
    }
}
