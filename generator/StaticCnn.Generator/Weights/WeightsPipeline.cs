using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Pipeline;
using StaticCnn.Formats;

namespace StaticCnn.Generator.Weights;

/// <summary>
/// Build-time weights: <c>[Network(..., Weights = "x.safetensors")]</c> plus <c>&lt;AdditionalFiles Include="x.safetensors" /&gt;</c>.
/// <code>
/// ForAttributeWithMetadataName([Network]) → WeightsRequest          [tracking name "WeightsRequest"]
/// AdditionalTextsProvider (*.safetensors) → WeightsFile              [tracking name "WeightsFile"]
/// (NetworkPlan, requests, files) → EmbeddedNetwork (SCNN0400–0404)   [tracking name "Weights"] → WeightsEmitter
/// </code>
/// <para>
/// Reading the file: an <see cref="AdditionalText"/> only offers the file as decoded text, which is lossy for a
/// binary file, so the bytes are read from <see cref="AdditionalText.Path"/>. The AdditionalText itself is the
/// incrementality signal: the host hands the generator a new AdditionalText when the file is added, removed or
/// changed, and only then does the "WeightsFile" step run again (its output compares by value, so an unchanged file
/// leaves everything downstream cached). Hence the RS1035 suppression on <see cref="ReadFile"/>.
/// </para>
/// </summary>
internal static class WeightsPipeline
{
    public const string RequestTrackingName = "WeightsRequest";
    public const string FileTrackingName = "WeightsFile";
    public const string WeightsTrackingName = "Weights";

    /// <summary>Wires the weights steps after <paramref name="plans"/>.</summary>
    public static void Register(IncrementalGeneratorInitializationContext context, IncrementalValuesProvider<NetworkPlan> plans)
    {
        IncrementalValueProvider<ImmutableArray<WeightsRequest>> requests = context.SyntaxProvider
            .ForAttributeWithMetadataName(Parser.NetworkAttribute,
                static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax, ReadRequest)
            .Where(static r => r != null).Select(static (r, _) => r!)
            .WithTrackingName(RequestTrackingName)
            .Collect();
        IncrementalValueProvider<ImmutableArray<WeightsFile>> files = context.AdditionalTextsProvider
            .Where(static t => t.Path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase))
            .Select(ReadFile)
            .WithTrackingName(FileTrackingName)
            .Collect();
        IncrementalValuesProvider<EmbeddedNetwork?> embedded = plans.Combine(requests.Combine(files))
            .Select(static (x, ct) => Attach(x.Left, x.Right.Left, x.Right.Right, ct))
            .WithTrackingName(WeightsTrackingName);
        context.RegisterSourceOutput(embedded, WeightsEmitter.Execute);
        Emit.DiagnosticsOutput.Register(context, embedded.Select(static (e, _) => e?.Diagnostics ?? EquatableArray<DiagnosticInfo>.Empty));
    }

    /// <summary>The Weights argument of a [Network] attribute, or null when there is none.</summary>
    internal static WeightsRequest? ReadRequest(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        try
        {
            if (ctx.Attributes.Length == 0 || ctx.TargetSymbol is not INamedTypeSymbol type) return null;
            AttributeData a = ctx.Attributes[0];
            string? path = null;
            foreach (KeyValuePair<string, TypedConstant> kv in a.NamedArguments)
                if (kv.Key == "Weights" && kv.Value.Value is string s) path = s;
            if (path == null) return null;
            string file = ctx.TargetNode.SyntaxTree.FilePath;
            string dir = "";
            try { dir = System.IO.Path.GetDirectoryName(file) ?? ""; } catch (ArgumentException) { }
            return new WeightsRequest(HintName(type), path, dir, Parser.Where(a.ApplicationSyntaxReference));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>The generated file name of the network, as the Parser names it (the join key).</summary>
    private static string HintName(INamedTypeSymbol type) => Parser.HintName(type) + ".g.cs";

    /// <summary>Reads and parses one safetensors file listed in AdditionalFiles.</summary>
    [SuppressMessage("MicrosoftCodeAnalysisCorrectness", "RS1035:Do not use APIs banned for analyzers",
        Justification = "AdditionalText exposes a binary file only as lossy decoded text; the bytes are read from its path. "
            + "The AdditionalText is the incrementality signal: this step runs again only when the host replaces it (file added, removed or changed).")]
    internal static WeightsFile ReadFile(AdditionalText text, CancellationToken ct)
    {
        byte[] bytes;
        try
        {
            bytes = System.IO.File.ReadAllBytes(text.Path);
        }
        catch (Exception ex) when (ex is System.IO.IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new WeightsFile(text.Path, ex.Message, EquatableArray<WeightsTensor>.Empty);
        }
        ct.ThrowIfCancellationRequested();
        // The one safetensors reader (src/StaticCnn.Spec/Formats), shared with the runtime's checkpoint loader.
        string? error = SafetensorsFormat.Parse(bytes, out SafetensorsHeader? header);
        if (error != null) return new WeightsFile(text.Path, error, EquatableArray<WeightsTensor>.Empty);
        var tensors = new List<WeightsTensor>(header!.Tensors.Count);
        foreach (SafetensorsTensor e in header.Tensors)
        {
            EquatableArray<float> data = EquatableArray<float>.Empty;
            if (e.DType == "F32") data = ReadF32(bytes, header.DataStart + e.Begin, (int)e.ElementCount);
            tensors.Add(new WeightsTensor(e.Name, e.DType, e.Shape, data));
        }
        return new WeightsFile(text.Path, null, tensors.ToArray());
    }

    /// <summary>The <paramref name="count"/> little-endian F32 values at byte <paramref name="at"/> of <paramref name="bytes"/>.</summary>
    private static float[] ReadF32(byte[] bytes, long at, int count)
    {
        var data = new float[count];
        if (BitConverter.IsLittleEndian) Buffer.BlockCopy(bytes, checked((int)at), data, 0, checked(4 * count));
        else
            for (int i = 0; i < count; i++)
            {
                long p = at + 4L * i;
                data[i] = BitConverter.ToSingle(new[] { bytes[p + 3], bytes[p + 2], bytes[p + 1], bytes[p] }, 0);
            }
        return data;
    }

    /// <summary>Finds the file a request names among the AdditionalFiles.</summary>
    internal static WeightsFile? Find(WeightsRequest request, ImmutableArray<WeightsFile> files)
    {
        string rel = Normalize(request.Path).TrimStart('.', '/');
        if (rel.Length == 0) return null;
        string nextToSource = Normalize(System.IO.Path.Combine(request.SourceDirectory, request.Path));
        WeightsFile? best = null;
        foreach (WeightsFile f in files)
        {
            string p = Normalize(f.Path);
            if (p == nextToSource) return f;
            if (p == rel || p.EndsWith("/" + rel, StringComparison.Ordinal))
                if (best == null || string.CompareOrdinal(f.Path, best.Path) < 0) best = f;
        }
        return best;
    }

    private static string Normalize(string path)
    {
        string p = path.Replace('\\', '/');
        while (p.Contains("/./")) p = p.Replace("/./", "/");
        return p;
    }

    /// <summary>Validates the file against the network's tensors and fills the arenas; null when the network names no weights.</summary>
    internal static EmbeddedNetwork? Attach(NetworkPlan plan, ImmutableArray<WeightsRequest> requests, ImmutableArray<WeightsFile> files, CancellationToken ct)
    {
        NetworkModel model = plan.Model;
        WeightsRequest? request = null;
        foreach (WeightsRequest r in requests)
            if (r.HintName == model.Header.HintName) { request = r; break; }
        if (request == null || !model.Header.CanEmit) return null;

        string cls = model.Header.Name;
        var diagnostics = new List<DiagnosticInfo>();
        void Report(DiagnosticDescriptor d, params string[] args) => diagnostics.Add(new DiagnosticInfo(d.Id, request.Where, args));
        EmbeddedNetwork Fail() => new(plan, request.Path, false, EquatableArray<float>.Empty, EquatableArray<float>.Empty, diagnostics.ToArray());

        WeightsFile? file = Find(request, files);
        if (file == null) { Report(DiagnosticDescriptors.WeightsFileMissing, cls, request.Path); return Fail(); }
        if (file.Error != null) { Report(DiagnosticDescriptors.WeightsFileInvalid, cls, request.Path, file.Error); return Fail(); }
        if (model.HasErrors || plan.Layers.Count == 0) return Fail(); // the shape diagnostics come first

        var byName = new Dictionary<string, WeightsTensor>(StringComparer.Ordinal);
        foreach (WeightsTensor t in file.Tensors) byName[t.Name] = t;
        var warnings = new List<DiagnosticInfo>();
        var parameters = new float[plan.ParameterCount];
        var buffers = new float[plan.BufferCount];
        for (int i = 0; i < model.Layers.Count; i++)
        {
            ct.ThrowIfCancellationRequested();
            LayerModel l = model.Layers[i];
            if (l.Shares >= 0) continue; // Shares = nameof(X): X's tensors, in the file once under X's name
            for (int k = 0; k < l.Tensors.Count; k++)
            {
                TensorModel tm = l.Tensors[k];
                string name = l.PyName + "." + tm.Suffix;
                string expected = Dims(tm.Dims);
                if (!byName.TryGetValue(name, out WeightsTensor? t))
                {
                    Report(DiagnosticDescriptors.WeightsTensorMissing, cls, request.Path, name, expected);
                    continue;
                }
                if (t.Dtype != "F32" || !t.Dims.Equals(tm.Dims))
                {
                    Report(DiagnosticDescriptors.WeightsTensorMismatch, cls, name, request.Path, t.Dtype, Dims(t.Dims), expected);
                    continue;
                }
                float[] arena = tm.Arena == TensorArena.Parameter ? parameters : buffers;
                t.Data.AsSpan().CopyTo(arena.AsSpan(plan.Layers[i].TensorOffsets[k], tm.Length));
                // The value rule of the runtime loader (finite values, running_var ≥ 0): a warning here, the weights still embed.
                string? invalid = SafetensorsFormat.DescribeInvalidValues(name, t.Data.AsSpan());
                if (invalid != null) warnings.Add(new DiagnosticInfo(DiagnosticDescriptors.WeightsInvalidValues.Id, request.Where, new[] { cls, request.Path, invalid }));
            }
        }
        if (diagnostics.Count > 0) return Fail();
        return new EmbeddedNetwork(plan, request.Path, true, parameters, buffers, warnings.ToArray());
    }

    private static string Dims(IEnumerable<int> dims) => "[" + string.Join(", ", dims) + "]";
}
