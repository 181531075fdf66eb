using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Pipeline;

/// <summary>Step 1, Parse: a [Network] class (symbols and syntax) → <see cref="NetworkSpec"/> (values only).</summary>
internal static class Parser
{
    public const string NetworkAttribute = "StaticCnn.NetworkAttribute";
    private const string LayerType = "StaticCnn.Layer";

    public static NetworkSpec Parse(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        try
        {
            return ParseCore(ctx, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            string name = ctx.TargetSymbol?.Name ?? "?";
            var header = new TypeHeader("", EquatableArray<string>.Empty, "class", name, "", false, name + ".g.cs");
            var diag = new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, Where(ctx.Attributes.FirstOrDefault()?.ApplicationSyntaxReference),
                new[] { name, ex.GetType().Name + ": " + ex.Message });
            return new NetworkSpec(header, 0, 0, 0, EquatableArray<LayerSpec>.Empty, EquatableArray<MemberImpl>.Empty, new[] { diag }, true);
        }
    }

    private static NetworkSpec ParseCore(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        var type = (INamedTypeSymbol)ctx.TargetSymbol;
        var node = (TypeDeclarationSyntax)ctx.TargetNode;
        AttributeData networkAttribute = ctx.Attributes[0];
        SourceSpan? netWhere = Where(networkAttribute.ApplicationSyntaxReference);
        var diagnostics = new List<DiagnosticInfo>();
        void Report(DiagnosticDescriptor d, SourceSpan? where, params string[] args) => diagnostics.Add(new DiagnosticInfo(d.Id, where, args));

        // ---- the class itself ----
        // [Network] on several partial declarations of one class (the compiler reports CS0579): each is a match, but only
        // the first (by file and position) describes the network; the others emit nothing and report nothing.
        SyntaxReference? firstNetwork = type.GetAttributes()
            .Where(a => a.AttributeClass != null && MetadataName(a.AttributeClass) == NetworkAttribute && a.ApplicationSyntaxReference != null)
            .Select(a => a.ApplicationSyntaxReference!)
            .OrderBy(r => r.SyntaxTree.FilePath, StringComparer.Ordinal).ThenBy(r => r.Span.Start).FirstOrDefault();
        string hint = HintName(type) + ".g.cs";
        if (firstNetwork != null && !(firstNetwork.SyntaxTree == node.SyntaxTree && node.Span.Contains(firstNetwork.Span)))
            return new NetworkSpec(new TypeHeader("", EquatableArray<string>.Empty, "class", type.Name, "", false, hint), 1, 1, 1,
                EquatableArray<LayerSpec>.Empty, EquatableArray<MemberImpl>.Empty, EquatableArray<DiagnosticInfo>.Empty, true);

        bool canEmit = true;
        if (!node.Modifiers.Any(SyntaxKind.PartialKeyword))
        {
            Report(DiagnosticDescriptors.NotPartial, netWhere, type.Name);
            canEmit = false;
        }
        if (type.TypeKind != TypeKind.Class)
        {
            // [Network] is for classes (CS0592 otherwise); a struct or interface cannot hold the network's buffers.
            string what = type.TypeKind == TypeKind.Struct ? (type.IsRecord ? "a record struct" : "a struct") : type.TypeKind == TypeKind.Interface ? "an interface" : "not a class";
            Report(DiagnosticDescriptors.UnsupportedDeclaration, netWhere, type.Name, "is " + what + ", but a network is a class that owns its parameter and workspace buffers",
                "declare it as 'partial class " + type.Name + "'");
            canEmit = false;
        }
        else if (type.IsStatic)
        {
            // A static class cannot implement INetwork or hold instance members: emit nothing, only the SCNN error.
            Report(DiagnosticDescriptors.StaticNetwork, netWhere, type.Name);
            canEmit = false;
        }
        for (INamedTypeSymbol? t = type; t != null && canEmit; t = t.ContainingType)
        {
            if (!t.IsFileLocal) continue;
            // A file-local type exists only in its own file, so the generated partial declaration (another file) cannot extend it.
            SyntaxToken fileKeyword = t.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>()
                .SelectMany(d => d.Modifiers).FirstOrDefault(m => m.IsKind(SyntaxKind.FileKeyword));
            SourceSpan? at = fileKeyword.IsKind(SyntaxKind.FileKeyword) ? Where(fileKeyword.SyntaxTree!, fileKeyword.Span) : netWhere;
            if (SymbolEqualityComparer.Default.Equals(t, type))
                Report(DiagnosticDescriptors.UnsupportedDeclaration, at, type.Name, "is a file-local type ('file'), which generated code in another file cannot extend",
                    "remove the 'file' modifier (use 'internal')");
            else
                Report(DiagnosticDescriptors.UnsupportedDeclaration, at, type.Name, "is nested in the file-local type '" + t.Name + "', which generated code in another file cannot extend",
                    "remove the 'file' modifier of '" + t.Name + "' (use 'internal')");
            canEmit = false;
        }
        // A primary constructor (positional record, class with a parameter list): the generated constructor would have to
        // call it (CS8862). The stub then has no constructor.
        ParameterListSyntax? primary = type.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<TypeDeclarationSyntax>()
            .Select(d => d.ParameterList).FirstOrDefault(p => p != null);
        if (primary != null && canEmit)
            Report(DiagnosticDescriptors.UnsupportedDeclaration, Where(primary.SyntaxTree, primary.Span), type.Name,
                "has a primary constructor '" + primary + "', which the generated constructor would have to call",
                "remove the parameter list and declare its values as members");
        if (type.TypeParameters.Length > 0) Report(DiagnosticDescriptors.GenericNetwork, netWhere, type.Name);
        var containers = new List<string>();
        for (INamedTypeSymbol? t = type.ContainingType; t != null; t = t.ContainingType)
        {
            bool partial = t.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is TypeDeclarationSyntax td && td.Modifiers.Any(SyntaxKind.PartialKeyword));
            if (!partial)
            {
                Report(DiagnosticDescriptors.ContainingTypeNotPartial, netWhere, type.Name, t.Name);
                canEmit = false;
            }
            containers.Insert(0, "partial " + Keyword(t) + " " + Naming.Id(t.Name) + TypeParameters(t));
        }
        var version = ((CSharpParseOptions)node.SyntaxTree.Options).LanguageVersion;
        // Before C# 13 the compiler rejects partial properties (CS8703 on the user's declaration); implementing them
        // would repeat that error in the generated file, so the stub then implements none.
        bool partialProperties = version >= LanguageVersion.CSharp13;
        if (!partialProperties)
            Report(DiagnosticDescriptors.LanguageVersionTooLow, netWhere, type.Name, version.ToDisplayString());

        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        var header = new TypeHeader(ns, containers.ToArray(), type.IsRecord ? "record" : "class", type.Name, TypeParameters(type), canEmit, hint);

        // ---- input shape ----
        int inC = NamedInt(networkAttribute, "InputChannels"), inH = NamedInt(networkAttribute, "InputHeight"), inW = NamedInt(networkAttribute, "InputWidth");
        bool declaredInputs = type.GetMembers().OfType<IPropertySymbol>().Any(p => p.GetAttributes().Any(a =>
            a.AttributeClass is { } c && c is not IErrorTypeSymbol && MetadataName(c) == "StaticCnn.InputAttribute"));
        bool anyShorthand = networkAttribute.NamedArguments.Any(a => a.Key is "InputChannels" or "InputHeight" or "InputWidth");
        if (declaredInputs && anyShorthand)
            Report(DiagnosticDescriptors.InputDeclaredTwice, netWhere, type.Name);
        else if (declaredInputs) { }
        else if (inC < 1 || inH < 1 || inW < 1)
            Report(DiagnosticDescriptors.MissingInputShape, netWhere, type.Name, Str(inC), Str(inH), Str(inW));
        else if (Shapes.ShapeRules.Elements(inC, inH, inW) < 0) // 64-bit, overflow-checked
            Report(DiagnosticDescriptors.TooLarge, netWhere, "Network '" + type.Name + "'", "the input " + Str(inC) + "×" + Str(inH) + "×" + Str(inW),
                Shapes.ShapeRules.MaxElements.ToString(CultureInfo.InvariantCulture), "reduce InputChannels, InputHeight or InputWidth");

        // ---- arithmetic ----
        int precision = NamedInt(networkAttribute, "Precision");
        if (!System.Enum.IsDefined(typeof(Precision), precision))
        {
            Report(DiagnosticDescriptors.InvalidNetworkArgument, netWhere, type.Name, "Precision", "Precision.Standard or Precision.Relaxed", Str(precision));
            precision = 0;
        }

        // ---- layers: properties with a registered layer attribute, in declaration order ----
        var found = new List<(IPropertySymbol Prop, PropertyDeclarationSyntax? Syntax, List<(AttributeData Data, LayerKind Kind)> Attrs)>();
        var unattributed = new List<IPropertySymbol>(); // partial Layer properties with no layer attribute and no implementation
        foreach (ISymbol member in type.GetMembers())
        {
            ct.ThrowIfCancellationRequested();
            if (member is not IPropertySymbol prop) continue;
            var attrs = new List<(AttributeData, LayerKind)>();
            foreach (AttributeData a in prop.GetAttributes())
            {
                if (a.AttributeClass is null or IErrorTypeSymbol) continue;
                LayerKind? kind = LayerRegistry.FromAttribute(MetadataName(a.AttributeClass));
                if (kind != null) attrs.Add((a, kind));
            }
            if (attrs.Count == 0)
            {
                if (prop.IsPartialDefinition && prop.PartialImplementationPart == null && MetadataName(prop.Type) == LayerType) unattributed.Add(prop);
                continue;
            }
            var syntax = prop.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<PropertyDeclarationSyntax>()
                .FirstOrDefault(p => p.Modifiers.Any(SyntaxKind.PartialKeyword)) ??
                prop.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
            found.Add((prop, syntax, attrs));
        }
        found.Sort((a, b) =>
        {
            int c = string.CompareOrdinal(a.Syntax?.SyntaxTree.FilePath ?? "", b.Syntax?.SyntaxTree.FilePath ?? "");
            return c != 0 ? c : (a.Syntax?.SpanStart ?? 0).CompareTo(b.Syntax?.SpanStart ?? 0);
        });

        // ---- names the generated code uses (SCNN0015) ----
        var generated = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string api in ApiNames) generated[api] = "a member of the generated network API";
        foreach (string helper in HelperNames) generated[helper] = "a generated helper";
        foreach (var f in found)
            foreach (string suffix in f.Attrs[0].Kind.ReservedSuffixes)
                if (!generated.ContainsKey(f.Prop.Name + suffix)) generated[f.Prop.Name + suffix] = "a generated helper of layer '" + f.Prop.Name + "'";
        var taken = new List<string>();
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.IsImplicitlyDeclared || member is IMethodSymbol { MethodKind: not MethodKind.Ordinary }) continue;
            if (found.Any(f => SymbolEqualityComparer.Default.Equals(f.Prop, member))) continue;
            if (generated.TryGetValue(member.Name, out string? what) && !taken.Contains(member.Name))
            {
                Report(DiagnosticDescriptors.ReservedName, netWhere, member.Name, type.Name, what);
                taken.Add(member.Name);
            }
        }

        var layers = new List<LayerSpec>();
        var members = new List<MemberImpl>();
        SyntaxNode? firstDeclaration = null;
        bool reportedSpread = false;
        foreach (var (prop, syntax, attrs) in found)
        {
            AttributeData data = attrs[0].Data;
            LayerKind kind = attrs[0].Kind;
            SourceSpan? where = Where(data.ApplicationSyntaxReference);
            bool valid = true;
            if (attrs.Count > 1)
            {
                Report(DiagnosticDescriptors.MultipleLayerAttributes, Where(attrs[1].Data.ApplicationSyntaxReference), prop.Name, attrs[0].Kind.Kind, attrs[1].Kind.Kind);
            }
            SyntaxNode? declaration = syntax?.Parent;
            if (firstDeclaration == null) firstDeclaration = declaration;
            else if (declaration != null && declaration != firstDeclaration && !reportedSpread)
            {
                Report(DiagnosticDescriptors.LayersInSeveralDeclarations, where, type.Name);
                reportedSpread = true;
            }

            if (generated.TryGetValue(prop.Name, out string? clash))
            {
                Report(DiagnosticDescriptors.ReservedName, where, prop.Name, type.Name, clash);
                taken.Add(prop.Name);
                valid = false;
            }
            string? problem = MemberProblem(prop, syntax, kind.MemberType);
            if (problem != null)
            {
                Report(DiagnosticDescriptors.InvalidLayerMember, where, prop.Name, problem);
                valid = false;
            }
            // The user implemented the partial property: a second implementation would be CS9251/CS0102, so the
            // generator implements nothing and reports the implementing declaration.
            PropertyDeclarationSyntax? userImpl = prop.PartialImplementationPart?.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct))
                .OfType<PropertyDeclarationSyntax>().FirstOrDefault();
            if (userImpl != null && problem == null)
            {
                Report(DiagnosticDescriptors.InvalidLayerMember, Where(userImpl.SyntaxTree, userImpl.Span), prop.Name,
                    "remove this implementing declaration: the generator implements layer properties");
                valid = false;
            }
            bool isPartial = syntax != null && syntax.Modifiers.Any(SyntaxKind.PartialKeyword);
            if (isPartial && userImpl == null && partialProperties && syntax!.AccessorList != null)
            {
                string modifiers = string.Join(" ", syntax.Modifiers.Select(m => m.Text));
                var accessors = syntax.AccessorList.Accessors
                    .Select(a => string.Join(" ", a.Modifiers.Select(m => m.Text).Concat(new[] { a.Keyword.Text })).Trim()).ToArray();
                members.Add(new MemberImpl(modifiers, prop.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), prop.Name, accessors,
                    valid ? layers.Count : -1));
            }
            layers.Add(new LayerSpec(prop.Name, valid ? kind.Type : null, ReadArguments(data), where));
        }
        // A partial Layer property without a layer attribute is no layer, and nothing would implement it (CS9248): say why,
        // and implement it as throwing so that the SCNN error is the only one.
        foreach (IPropertySymbol prop in unattributed)
        {
            var syntax = prop.DeclaringSyntaxReferences.Select(r => r.GetSyntax(ct)).OfType<PropertyDeclarationSyntax>().FirstOrDefault();
            if (syntax == null) continue;
            Report(DiagnosticDescriptors.PartialLayerWithoutAttribute, Where(syntax.SyntaxTree, syntax.Identifier.Span), prop.Name, type.Name);
            if (partialProperties && syntax.AccessorList != null && !generated.ContainsKey(prop.Name))
                members.Add(new MemberImpl(string.Join(" ", syntax.Modifiers.Select(m => m.Text)), prop.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat), prop.Name,
                    syntax.AccessorList.Accessors.Select(a => string.Join(" ", a.Modifiers.Select(m => m.Text).Concat(new[] { a.Keyword.Text })).Trim()).ToArray(), -1));
        }
        if (layers.Count == 0) Report(DiagnosticDescriptors.NoLayers, netWhere, type.Name);
        if (primary != null) taken.Add(type.Name); // the class's own name in Taken: the stub leaves out the constructor
        if (taken.Count > 0) header = header with { Taken = taken.ToArray() };

        return new NetworkSpec(header, inC, inH, inW, layers.ToArray(), members.ToArray(), diagnostics.ToArray(),
            diagnostics.Any(d => d.Id != DiagnosticDescriptors.StrideDropsPixels.Id), (Precision)precision);
    }

    /// <summary>Public members the generator adds to every network (INetwork, constants, tables, build-time weights).</summary>
    internal static readonly string[] ApiNames =
    {
        "InputChannels", "InputHeight", "InputWidth", "InputSize", "OutputChannels", "OutputHeight", "OutputWidth", "OutputSize",
        "ParameterCount", "BufferCount", "LayerCount", "InferenceWorkspaceFloatsPerSample", "TrainingWorkspaceFloatsPerSample",
        "TrainingWorkspaceFixedFloats", "ArgmaxIntsPerSample", "SummaryText", "InferenceWorkspaceFloats", "TrainingWorkspaceFloats",
        "LayerInfos", "TensorInfos", "Name", "InputShape", "OutputShape", "MaxBatch", "Parameters", "Gradients", "Buffers", "Tensors",
        "Layers", "Summary", "UseReferenceKernels", "Threads", "Seed", "Forward", "ForwardTrain", "Backward", "ZeroGradients",
        "GetActivation", "Dispose", "LoadEmbeddedWeights", "CreateInferenceContext",
        "EmbeddedWeightsFile", "MaxInferBatch", "CHeader", "InferWorkspaceFloats", "Infer", "EmbeddedParameters", "EmbeddedBuffers",
        "PyTorchSource", "Inputs", "Outputs",
    };

    /// <summary>Private members the generator adds.</summary>
    internal static readonly string[] HelperNames =
    {
        "InputActOffset", "InputGradOffset", "GradStart", "GradFloatsPerSample", "s_actOffsets", "s_sizes", "s_layerInfos", "s_tensorInfos",
        "_maxBatch", "_parameters", "_gradients", "_buffers", "_workspace", "_intWorkspace", "_scratch", "_threads", "_seed", "_step",
        "_batch", "_trainBatch", "_disposed", "ScratchFloats", "ForwardScratchFloats", "CheckBatch", "CheckLength", "Mix", "LayerSeed", "ForwardInference", "CompileErrors",
        "_arenas", "_inUse", "BeginCall", "EndCall", "ThrowIfDisposed", "ScratchFor",
        "s_graph", "CreateGraph", "s_inputs", "s_outputs", "ForwardInferenceLists",
    };

    /// <summary>
    /// Private members the generator adds for every layer and input: <c>Conv1Size</c>, <c>Conv1ActOffset</c>,
    /// <c>Conv1GradOffset</c>, <c>Conv1Shape</c>. Each kind adds its own (<see cref="LayerKind.ReservedSuffixes"/>:
    /// <c>Conv1WeightOffset</c>, <c>Pool1ArgmaxOffset</c> …).
    /// </summary>
    internal static readonly string[] LayerHelperSuffixes = { "Size", "ActOffset", "GradOffset", "Shape" };

    /// <summary>Why a property cannot be a layer (or input), or null when it is a proper <c>partial Layer X { get; }</c> (<c>partial NetworkInput X { get; }</c>).</summary>
    private static string? MemberProblem(IPropertySymbol prop, PropertyDeclarationSyntax? syntax, string memberType)
    {
        string shortType = memberType.Substring(memberType.LastIndexOf('.') + 1);
        if (syntax == null) return "declare it as 'public partial " + shortType + " " + prop.Name + " { get; }'";
        if (!syntax.Modifiers.Any(SyntaxKind.PartialKeyword)) return "add the 'partial' modifier";
        if (prop.IsStatic) return "remove 'static': layers belong to a network instance";
        if (MetadataName(prop.Type) != memberType) return "its type is '" + prop.Type.ToDisplayString() + "'; declare it as '" + shortType + "'";
        if (prop.IsIndexer) return "an indexer cannot be a layer";
        if (syntax.AccessorList == null || syntax.AccessorList.Accessors.Count != 1
            || !syntax.AccessorList.Accessors[0].IsKind(SyntaxKind.GetAccessorDeclaration))
            return "it must have exactly one accessor, '{ get; }' (no setter or init)";
        return null;
    }

    private static EquatableArray<LayerArg> ReadArguments(AttributeData data)
    {
        var args = new List<LayerArg>();
        IMethodSymbol? ctor = data.AttributeConstructor;
        if (ctor != null)
            for (int i = 0; i < data.ConstructorArguments.Length && i < ctor.Parameters.Length; i++)
                args.Add(Arg(Naming.Pascal(ctor.Parameters[i].Name), data.ConstructorArguments[i]));
        foreach (KeyValuePair<string, TypedConstant> named in data.NamedArguments)
            args.Add(Arg(named.Key, named.Value));
        return args.ToArray();
    }

    private static LayerArg Arg(string name, TypedConstant value)
    {
        if (value.IsNull) return new LayerArg(name, null, EquatableArray<string>.Empty, true);
        if (value.Kind == TypedConstantKind.Array)
            return new LayerArg(name, null, value.Values.Select(v => Scalar(v) ?? "").ToArray(), false);
        return new LayerArg(name, Scalar(value), EquatableArray<string>.Empty, false);
    }

    private static string? Scalar(TypedConstant value) => value.Value switch
    {
        null => null,
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        object o => o.ToString(),
    };

    private static int NamedInt(AttributeData data, string name)
    {
        foreach (KeyValuePair<string, TypedConstant> a in data.NamedArguments)
            if (a.Key == name && a.Value.Value is int v) return v;
        return 0;
    }

    private static string Str(int v) => v.ToString(CultureInfo.InvariantCulture);

    internal static string MetadataName(ITypeSymbol type)
    {
        string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() + "." : "";
        return ns + type.MetadataName;
    }

    private static string Keyword(INamedTypeSymbol t) => t.TypeKind switch
    {
        TypeKind.Struct => t.IsRecord ? "record struct" : "struct",
        TypeKind.Interface => "interface",
        _ => t.IsRecord ? "record" : "class",
    };

    private static string TypeParameters(INamedTypeSymbol t)
        => t.TypeParameters.Length == 0 ? "" : "<" + string.Join(", ", t.TypeParameters.Select(p => Naming.Id(p.Name))) + ">";

    internal static SourceSpan Where(SyntaxTree tree, Microsoft.CodeAnalysis.Text.TextSpan span)
        => new(tree.FilePath, span, tree.GetLineSpan(span).Span);

    internal static SourceSpan? Where(SyntaxReference? reference)
    {
        if (reference == null) return null;
        SyntaxTree tree = reference.SyntaxTree;
        return new SourceSpan(tree.FilePath, reference.Span, tree.GetLineSpan(reference.Span).Span);
    }

    /// <summary>
    /// The generated file's name (without ".g.cs") for <paramref name="type"/>, or for a stray layer property
    /// <paramref name="member"/> of it: namespace, containing types and the type, generic ones with their arity
    /// (<c>H.Outer_1.Net</c>). Unique by construction: the compiler compares hint names ignoring case, so when a segment
    /// has a sibling (another namespace, type or member in the same place) whose segment equals it ignoring case
    /// (<c>Net</c> beside <c>NET</c>, namespace <c>Outer2</c> beside class <c>outer2</c>, <c>Pair&lt;T&gt;</c> beside
    /// <c>Pair_1</c>), or the type is named like a generated suffix (<c>Layer</c>, <c>Embedded</c>), the name gets
    /// <c>.-</c> and 16 hex digits of a 64-bit FNV-1a hash of the exact, kind-tagged path. An identifier cannot contain
    /// '-', so such a name never equals a plain one; two of them differ unless their 64-bit hashes collide.
    /// </summary>
    internal static string HintName(INamedTypeSymbol type, ISymbol? member = null)
    {
        var chain = new List<ISymbol>();
        if (member != null) chain.Add(member);
        for (ISymbol? s = type; s is INamedTypeSymbol || s is INamespaceSymbol { IsGlobalNamespace: false }; s = s.ContainingSymbol) chain.Add(s);
        chain.Reverse();
        var readable = new StringBuilder();
        var exact = new StringBuilder();
        bool ambiguous = member == null && (string.Equals(type.Name, "Layer", StringComparison.OrdinalIgnoreCase) || string.Equals(type.Name, "Embedded", StringComparison.OrdinalIgnoreCase));
        foreach (ISymbol s in chain)
        {
            string segment = Segment(s);
            if (readable.Length > 0) readable.Append('.');
            readable.Append(segment);
            exact.Append(s is INamespaceSymbol ? 'N' : s is INamedTypeSymbol ? 'T' : 'M').Append(s.Name).Append('`')
                .Append(s is INamedTypeSymbol nt ? nt.Arity : 0).Append('\u0001');
            if (!ambiguous)
            {
                IEnumerable<ISymbol> siblings = s.ContainingSymbol switch
                {
                    INamespaceSymbol ns => ns.GetMembers(),
                    INamedTypeSymbol t => t.GetMembers(),
                    _ => Enumerable.Empty<ISymbol>(),
                };
                ambiguous = siblings.Any(o => !SymbolEqualityComparer.Default.Equals(o, s) && string.Equals(Segment(o), segment, StringComparison.OrdinalIgnoreCase));
            }
        }
        if (ambiguous) readable.Append(".-").Append(Fnv1a64(exact.ToString()).ToString("x16", CultureInfo.InvariantCulture));
        return readable.ToString();
    }

    private static string Segment(ISymbol s) =>
        s is INamedTypeSymbol { Arity: > 0 } t ? t.Name + "_" + t.Arity.ToString(CultureInfo.InvariantCulture) : s.Name;

    private static ulong Fnv1a64(string text)
    {
        ulong h = 14695981039346656037UL;
        foreach (char c in text)
        {
            h ^= c;
            h = unchecked(h * 1099511628211UL);
        }
        return h;
    }

    private static bool SameApplication(AttributeData a, AttributeData b)
    {
        SyntaxReference? ra = a.ApplicationSyntaxReference, rb = b.ApplicationSyntaxReference;
        if (ra == null || rb == null) return ReferenceEquals(a, b);
        return ra.SyntaxTree == rb.SyntaxTree && ra.Span == rb.Span;
    }

    /// <summary>SCNN0012: a layer attribute on a property whose class has no [Network]; plus a throwing implementation if it is a partial property.</summary>
    public static OrphanLayer? Orphan(GeneratorAttributeSyntaxContext ctx, CancellationToken ct)
    {
        try
        {
            if (ctx.TargetSymbol is not IPropertySymbol prop || prop.ContainingType is not { } type) return null;
            foreach (AttributeData a in type.GetAttributes())
                if (a.AttributeClass != null && MetadataName(a.AttributeClass) == NetworkAttribute) return null;
            var list = new List<DiagnosticInfo>();
            foreach (AttributeData a in ctx.Attributes)
                list.Add(new DiagnosticInfo(DiagnosticDescriptors.LayerOutsideNetwork.Id, Where(a.ApplicationSyntaxReference), new[] { prop.Name, type.Name }));

            // A property with several layer attributes is seen by the pipeline of each attribute kind; only the pipeline of
            // its first layer attribute implements it, so that there is one implementation and one file per property.
            AttributeData? firstLayerAttribute = prop.GetAttributes().FirstOrDefault(a =>
                a.AttributeClass is { } c && c is not IErrorTypeSymbol && LayerRegistry.FromAttribute(MetadataName(c)) != null);
            bool implementHere = firstLayerAttribute != null && ctx.Attributes.Length > 0
                && SameApplication(firstLayerAttribute, ctx.Attributes[0]);

            TypeHeader? header = null;
            MemberImpl? member = null;
            // No implementation when it would not compile: before C# 13 (CS8703, the compiler reports the user's declaration),
            // when the user implemented the property, or in a file-local type (generated code in another file cannot extend it).
            bool fileLocal = false;
            for (INamedTypeSymbol? t = type; t != null; t = t.ContainingType) fileLocal |= t.IsFileLocal;
            if (implementHere && ctx.TargetNode is PropertyDeclarationSyntax syntax && syntax.Modifiers.Any(SyntaxKind.PartialKeyword) && syntax.AccessorList != null
                && type.TypeKind is TypeKind.Class or TypeKind.Struct
                && ((CSharpParseOptions)syntax.SyntaxTree.Options).LanguageVersion >= LanguageVersion.CSharp13
                && prop.PartialImplementationPart == null && !fileLocal)
            {
                bool partial = true;
                var containers = new List<string>();
                for (INamedTypeSymbol? t = type; t != null; t = t.ContainingType)
                {
                    partial &= t.DeclaringSyntaxReferences.All(r => r.GetSyntax(ct) is TypeDeclarationSyntax td && td.Modifiers.Any(SyntaxKind.PartialKeyword));
                    if (!SymbolEqualityComparer.Default.Equals(t, type)) containers.Insert(0, "partial " + Keyword(t) + " " + Naming.Id(t.Name) + TypeParameters(t));
                }
                if (partial)
                {
                    string ns = type.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
                    string hint = HintName(type, prop) + ".Layer.g.cs";
                    string keyword = Keyword(type);
                    header = new TypeHeader(ns, containers.ToArray(), keyword, type.Name, TypeParameters(type), true, hint);
                    member = new MemberImpl(string.Join(" ", syntax.Modifiers.Select(m => m.Text)), prop.Type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat),
                        prop.Name, syntax.AccessorList.Accessors.Select(a => string.Join(" ", a.Modifiers.Select(m => m.Text).Concat(new[] { a.Keyword.Text })).Trim()).ToArray(), -1);
                }
            }
            return new OrphanLayer(list.ToArray(), header, member);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return null;
        }
    }
}
