using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using StaticCnn.Generator;

namespace StaticCnn.Generator.Tests.Harness;

/// <summary>One run of the generator over one compilation: what it reported, what it produced, what the result compiles to.</summary>
public sealed class GeneratorRun
{
    public required CSharpCompilation InputCompilation { get; init; }
    public required Compilation OutputCompilation { get; init; }
    public required GeneratorDriver Driver { get; init; }
    public required GeneratorDriverRunResult RunResult { get; init; }
    /// <summary>The diagnostics RunGeneratorsAndUpdateCompilation returned (generator diagnostics plus CS8784/CS8785 failures).</summary>
    public required ImmutableArray<Diagnostic> DriverDiagnostics { get; init; }

    public GeneratorRunResult Result => RunResult.Results.Single();

    /// <summary>Diagnostics the generator reported (SCNN…).</summary>
    public ImmutableArray<Diagnostic> GeneratorDiagnostics => RunResult.Diagnostics;

    /// <summary>Diagnostics of the compilation after generation (CS…), including generator-failure warnings CS8784/CS8785.</summary>
    public ImmutableArray<Diagnostic> CompilationDiagnostics => _compilationDiagnostics ??= OutputCompilation.GetDiagnostics();
    private ImmutableArray<Diagnostic>? _compilationDiagnostics;

    /// <summary>
    /// Errors of the final compilation (CS…), except errors in generated code that name a runtime kernel which does not
    /// exist yet in the StaticCnn assembly (see <see cref="MissingKernels"/>). As soon as a kernel lands, errors about it count.
    /// </summary>
    public IReadOnlyList<Diagnostic> CompilerErrors =>
        CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !MissingKernels.IsAbout(d)).ToList();

    /// <summary>Every error of the final compilation, kernels or not.</summary>
    public IReadOnlyList<Diagnostic> AllCompilerErrors =>
        CompilationDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

    public IReadOnlyList<(string HintName, string Text)> GeneratedSources =>
        Result.GeneratedSources.Select(s => (s.HintName, s.SourceText.ToString())).ToList();

    /// <summary>All generated text concatenated in hint-name order.</summary>
    public string AllGeneratedText => string.Join("\n", GeneratedSources.OrderBy(s => s.HintName, StringComparer.Ordinal).Select(s => s.Text));

    /// <summary>Generator and compiler diagnostics, one per line, for assertion messages.</summary>
    public string Describe(int maxGenerated = 0)
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendLine("generator diagnostics:");
        foreach (var d in GeneratorDiagnostics) sb.AppendLine("  " + d);
        sb.AppendLine("compilation errors/warnings:");
        foreach (var d in CompilationDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Take(40)) sb.AppendLine("  " + d);
        foreach (var d in DriverDiagnostics.Where(d => d.Id.StartsWith("CS", StringComparison.Ordinal))) sb.AppendLine("  driver: " + d);
        if (Result.Exception is { } ex) sb.AppendLine("generator exception: " + ex);
        if (maxGenerated > 0)
            foreach (var (hint, text) in GeneratedSources)
                sb.AppendLine($"---- {hint} ----").AppendLine(text.Length > maxGenerated ? text[..maxGenerated] + "…" : text);
        return sb.ToString();
    }

    /// <summary>Asserts the generator neither threw nor failed to load, and that the result has no compiler (CS) errors.</summary>
    public GeneratorRun AssertNoCompilerErrors()
    {
        Xunit.Assert.True(Result.Exception is null, Describe());
        Xunit.Assert.True(CompilerErrors.Count == 0, "expected no compiler errors\n" + Describe(4000));
        Xunit.Assert.DoesNotContain(DriverDiagnostics.Concat(CompilationDiagnostics), d => d.Id is "CS8784" or "CS8785");
        return this;
    }

    /// <summary>Asserts no diagnostics at all of error severity (SCNN or CS).</summary>
    public GeneratorRun AssertClean()
    {
        AssertNoCompilerErrors();
        Xunit.Assert.True(GeneratorDiagnostics.All(d => d.Severity != DiagnosticSeverity.Error), Describe());
        return this;
    }

    /// <summary>Emits the output compilation and loads it into a collectible context.</summary>
    public LoadedAssembly Load()
    {
        using var pe = new MemoryStream();
        EmitResult emit = OutputCompilation.Emit(pe);
        Xunit.Assert.True(emit.Success, "emit failed:\n" + string.Join("\n", emit.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)));
        pe.Position = 0;
        return new LoadedAssembly(pe);
    }
}

/// <summary>An emitted test assembly in a collectible load context; StaticCnn itself resolves to the test's copy so that types are shared.</summary>
public sealed class LoadedAssembly : IDisposable
{
    private readonly AssemblyLoadContext _context;
    public Assembly Assembly { get; }

    public LoadedAssembly(Stream image)
    {
        _context = new AssemblyLoadContext("scnn-test-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        Assembly = _context.LoadFromStream(image);
    }

    public Type Type(string fullName) =>
        Assembly.GetType(fullName) ?? throw new Xunit.Sdk.XunitException($"type {fullName} not found in the generated assembly; types: " +
            string.Join(", ", Assembly.GetTypes().Select(t => t.FullName)));

    /// <summary>Reads a public static field, constant or property.</summary>
    public object? Static(string typeName, string member)
    {
        Type t = Type(typeName);
        const BindingFlags flags = BindingFlags.Public | BindingFlags.Static | BindingFlags.FlattenHierarchy;
        if (t.GetField(member, flags) is { } f) return f.IsLiteral ? f.GetRawConstantValue() : f.GetValue(null);
        if (t.GetProperty(member, flags) is { } p) return p.GetValue(null);
        throw new Xunit.Sdk.XunitException($"{typeName} has no public static member {member}; it has: " +
            string.Join(", ", t.GetMembers(flags).Select(m => m.Name)));
    }

    public T Static<T>(string typeName, string member) => (T)Static(typeName, member)!;

    public void Dispose() => _context.Unload();
}

/// <summary>
/// The runtime kernels are written in parallel with the generator. Generated code that calls a kernel class (or a member of
/// one) that the referenced StaticCnn assembly does not have yet gives CS0234/CS0117 errors that say nothing about the
/// generator; these are told apart by reflection over the real runtime assembly, so the tolerance ends by itself.
/// </summary>
public static class MissingKernels
{
    private static readonly System.Text.RegularExpressions.Regex s_missingType =
        new(@"The type or namespace name '(\w+)' does not exist in the namespace 'StaticCnn\.Kernels'");
    private static readonly System.Text.RegularExpressions.Regex s_missingMember =
        new(@"^'(\w+)' does not contain a definition for '(\w+)'");

    public static bool IsAbout(Diagnostic d)
    {
        if (d.Location.SourceTree is { } tree && !tree.FilePath.EndsWith(".g.cs", StringComparison.Ordinal)) return false;
        Assembly runtime = typeof(StaticCnn.INetwork).Assembly;
        string message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (d.Id == "CS0234" && s_missingType.Match(message) is { Success: true } t)
            return runtime.GetType("StaticCnn.Kernels." + t.Groups[1].Value) is null;
        if (d.Id == "CS0117" && s_missingMember.Match(message) is { Success: true } m)
            return runtime.GetType("StaticCnn.Kernels." + m.Groups[1].Value) is { } type && type.GetMember(m.Groups[2].Value).Length == 0;
        return false;
    }

    /// <summary>Kernel classes the generator may call that the runtime does not have yet (for test output).</summary>
    public static IEnumerable<string> Absent(IEnumerable<string> names) =>
        names.Where(n => typeof(StaticCnn.INetwork).Assembly.GetType("StaticCnn.Kernels." + n) is null);
}

public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> s_references = new(() =>
    {
        // The platform assemblies a user project and the generated code need (the runtime's own references plus the
        // usual facades), not all ~160 of them: fewer references make every test compilation cheaper.
        var wanted = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "System.Private.CoreLib", "System.Runtime", "netstandard", "mscorlib", "System.Collections", "System.Linq",
            "System.Memory", "System.Runtime.InteropServices", "System.Runtime.Intrinsics", "System.Numerics.Vectors",
            "System.Threading", "System.Threading.Tasks.Parallel", "System.Console", "System.Runtime.Loader",
        };
        foreach (AssemblyName a in typeof(StaticCnn.INetwork).Assembly.GetReferencedAssemblies()) wanted.Add(a.Name!);
        var paths = new List<string>();
        string tpa = (string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!;
        foreach (string p in tpa.Split(Path.PathSeparator))
            if (wanted.Contains(Path.GetFileNameWithoutExtension(p)) && !p.EndsWith("StaticCnn.dll", StringComparison.OrdinalIgnoreCase))
                paths.Add(p);
        paths.Add(typeof(StaticCnn.INetwork).Assembly.Location);
        return paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => s_references.Value;

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.CSharp13) =>
        new(version, DocumentationMode.Parse);

    // One empty compilation that every test compilation derives from: derived compilations share its reference manager,
    // so the ~160 platform assemblies are bound once per test run instead of once per compilation.
    private static readonly Lazy<CSharpCompilation> s_empty = new(() =>
        CSharpCompilation.Create("ScnnTestUser", Array.Empty<SyntaxTree>(), References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                allowUnsafe: false,
                concurrentBuild: false,
                deterministic: true)));

    public static CSharpCompilation Compile(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.CSharp13)
    {
        CSharpParseOptions po = ParseOptions(version);
        var trees = sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, po, path: $"Source{i}.cs")).ToArray();
        return s_empty.Value.AddSyntaxTrees(trees);
    }

    public static GeneratorDriver CreateDriver(LanguageVersion version = LanguageVersion.CSharp13) =>
        CSharpGeneratorDriver.Create(
            new ISourceGenerator[] { new NetworkGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    public static GeneratorRun Run(string source, LanguageVersion version = LanguageVersion.CSharp13) => Run(new[] { source }, version);

    public static GeneratorRun Run(IEnumerable<string> sources, LanguageVersion version = LanguageVersion.CSharp13)
    {
        CSharpCompilation compilation = Compile(sources, version);
        return Run(CreateDriver(version), compilation);
    }

    /// <summary>Runs <paramref name="driver"/> (possibly already run, for incrementality) over <paramref name="compilation"/>.</summary>
    public static GeneratorRun Run(GeneratorDriver driver, CSharpCompilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        return new GeneratorRun
        {
            InputCompilation = compilation, OutputCompilation = output, Driver = driver, RunResult = driver.GetRunResult(),
            DriverDiagnostics = diagnostics,
        };
    }
}
