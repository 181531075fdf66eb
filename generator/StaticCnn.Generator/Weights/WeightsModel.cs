using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Weights;

// Values of the build-time weights pipeline (docs/EMBEDDED.md). Like the rest of the model: strings, numbers,
// spans and EquatableArray only, so that every step caches by value.

/// <summary>A [Network] class that names a weights file: <c>[Network(..., Weights = "lenet5.safetensors")]</c>.</summary>
/// <param name="HintName">The network's generated file name (the key that joins it to its <see cref="NetworkPlan"/>).</param>
/// <param name="Path">The path as written, relative to the project.</param>
/// <param name="SourceDirectory">Directory of the file declaring the class (one of the places the path may be relative to).</param>
/// <param name="Where">The [Network] attribute: where SCNN04xx are reported.</param>
internal sealed record WeightsRequest(string HintName, string Path, string SourceDirectory, SourceSpan? Where);

/// <summary>One tensor of a weights file: name, dtype, shape and (F32 only) its values.</summary>
internal sealed record WeightsTensor(string Name, string Dtype, EquatableArray<int> Dims, EquatableArray<float> Data);

/// <summary>An AdditionalFiles safetensors file as read at build time, or the reason it cannot be read.</summary>
internal sealed record WeightsFile(string Path, string? Error, EquatableArray<WeightsTensor> Tensors);

/// <summary>
/// Output of the Weights step for a network with <c>Weights = …</c>: the diagnostics and, when the file matches the
/// spec, the parameter and buffer arenas filled with the trained values (state_dict order, generated offsets).
/// </summary>
internal sealed record EmbeddedNetwork(NetworkPlan Plan, string WeightsPath, bool Valid, EquatableArray<float> Parameters,
    EquatableArray<float> Buffers, EquatableArray<DiagnosticInfo> Diagnostics);
