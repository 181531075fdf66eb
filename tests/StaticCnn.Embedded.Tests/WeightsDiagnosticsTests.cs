using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace StaticCnn.Embedded.Tests;

/// <summary>SCNN0400–0403: the weights file is checked against the declaration at build time (one trigger and one near miss each).</summary>
public class WeightsDiagnosticsTests
{
    private const string Net = """
        using StaticCnn;
        namespace T;
        [Network(InputChannels = 1, InputHeight = 8, InputWidth = 8, Weights = "w.safetensors")]
        public partial class Small
        {
            [Conv2D(2, Kernel = 3, Activation = Activation.ReLU)] public partial Layer Conv1 { get; }
            [BatchNorm2D] public partial Layer Bn1 { get; }
            [Dense(3)] public partial Layer Fc { get; }
        }
        """;

    // state_dict of Small: conv1.weight [2,1,3,3], conv1.bias [2], bn1.weight/bias/running_mean/running_var [2], fc.weight [3,72], fc.bias [3]
    private static List<(string, string, int[], byte[])> Tensors(float fill = 0.5f)
    {
        var list = new List<(string, string, int[], byte[])>();
        void Add(string name, params int[] shape)
        {
            byte[] data = Safetensors.Zeros(shape);
            for (int i = 0; i < data.Length; i += 4) BitConverter.TryWriteBytes(data.AsSpan(i), fill + i / 4);
            list.Add((name, "F32", shape, data));
        }
        Add("conv1.weight", 2, 1, 3, 3); Add("conv1.bias", 2);
        Add("bn1.weight", 2); Add("bn1.bias", 2); Add("bn1.running_mean", 2); Add("bn1.running_var", 2);
        list.Add(("bn1.num_batches_tracked", "I64", [], new byte[8]));
        Add("fc.weight", 3, 72); Add("fc.bias", 3);
        return list;
    }

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;
        public override SourceText? GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }

    private static (ImmutableArray<Diagnostic> Generator, ImmutableArray<Diagnostic> Compiler, string[] Hints) Run(byte[]? file, string source = Net, string fileName = "w.safetensors")
    {
        string dir = Path.Combine(Path.GetTempPath(), "scnn-weights-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var texts = new List<AdditionalText>();
            if (file != null)
            {
                string path = Path.Combine(dir, fileName);
                File.WriteAllBytes(path, file);
                texts.Add(new FileText(path));
            }
            var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Select(p => MetadataReference.CreateFromFile(p)).Append(MetadataReference.CreateFromFile(typeof(StaticCnn.Layer).Assembly.Location));
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText(source, parse, Path.Combine(dir, "Net.cs"))], refs,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            GeneratorDriver driver = CSharpGeneratorDriver.Create([new StaticCnn.Generator.NetworkGenerator().AsSourceGenerator()], texts, parse);
            driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out _);
            var result = driver.GetRunResult();
            return (result.Diagnostics, output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToImmutableArray(),
                result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).ToArray());
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static Diagnostic Single(ImmutableArray<Diagnostic> diagnostics, string id)
    {
        Assert.True(diagnostics.Length >= 1 && diagnostics.All(d => d.Id == id), string.Join("\n", diagnostics));
        Diagnostic d = diagnostics[0];
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
        Assert.Equal(2, d.Location.GetLineSpan().StartLinePosition.Line); // the [Network] attribute (0-based line 2)
        return d;
    }

    [Fact]
    public void NearMiss_MatchingFile_NoDiagnostics_AndTheEmbeddedFileCompiles()
    {
        var (gen, cs, hints) = Run(Safetensors.Write(Tensors()));
        Assert.Empty(gen);
        Assert.True(cs.IsEmpty, string.Join("\n", cs));
        Assert.Contains("T.Small.Embedded.g.cs", hints);
    }

    [Fact]
    public void SCNN0400_FileNotInAdditionalFiles()
    {
        var (gen, cs, _) = Run(null);
        Diagnostic d = Single(gen, "SCNN0400");
        Assert.Contains("'w.safetensors'", d.GetMessage());
        Assert.Contains("<AdditionalFiles Include=\"w.safetensors\" />", d.GetMessage());
        Assert.True(cs.IsEmpty, string.Join("\n", cs)); // no cascade
    }

    [Fact]
    public void SCNN0401_NotSafetensors()
    {
        var (gen, _, _) = Run("this is not a safetensors file"u8.ToArray());
        Diagnostic d = Single(gen, "SCNN0401");
        Assert.Contains("Network 'Small': the weights file 'w.safetensors' cannot be read", d.GetMessage());
    }

    [Fact]
    public void SCNN0401_TruncatedData()
    {
        byte[] good = Safetensors.Write(Tensors());
        var (gen, _, _) = Run(good.AsSpan(0, good.Length - 4).ToArray());
        Assert.Contains("outside the file", Single(gen, "SCNN0401").GetMessage());
    }

    [Fact]
    public void SCNN0402_MissingTensor_IncludingBatchNormBuffers()
    {
        var (gen, _, _) = Run(Safetensors.Write(Tensors().Where(t => t.Item1 != "bn1.running_var")));
        Diagnostic d = Single(gen, "SCNN0402");
        Assert.Equal("Network 'Small': the weights file 'w.safetensors' has no tensor 'bn1.running_var' (expected shape [2])", d.GetMessage());
    }

    [Fact]
    public void SCNN0403_ShapeMismatch()
    {
        var tensors = Tensors().Select(t => t.Item1 == "fc.weight" ? (t.Item1, "F32", new[] { 72, 3 }, t.Item4) : t);
        var (gen, _, _) = Run(Safetensors.Write(tensors));
        Assert.Equal("Network 'Small': tensor 'fc.weight' in 'w.safetensors' is F32 [72, 3], but the spec needs F32 [3, 72]", Single(gen, "SCNN0403").GetMessage());
    }

    [Fact]
    public void SCNN0403_DtypeMismatch()
    {
        var tensors = Tensors().Select(t => t.Item1 == "conv1.bias" ? (t.Item1, "F16", t.Item3, new byte[4]) : t);
        var (gen, _, _) = Run(Safetensors.Write(tensors));
        Assert.Contains("is F16 [2], but the spec needs F32 [2]", Single(gen, "SCNN0403").GetMessage());
    }

    [Fact]
    public void ShapeError_EmbeddedMembersAreStubs_NoCascade()
    {
        string broken = Net.Replace("Kernel = 3", "Kernel = 11") + """

            public static class User
            {
                public static void Run(float[] x, float[] y, float[] ws) { T.Small.Infer(x, y, ws, 1); _ = T.Small.CHeader; }
            }
            """;
        var (gen, cs, hints) = Run(Safetensors.Write(Tensors()), broken);
        Assert.Contains(gen, d => d.Id == "SCNN0101");
        Assert.DoesNotContain(gen, d => d.Id.StartsWith("SCNN04", StringComparison.Ordinal)); // the shape error comes first
        Assert.True(cs.All(d => d.Id.StartsWith("SCNN", StringComparison.Ordinal)), string.Join("\n", cs));
        Assert.Contains("T.Small.Embedded.g.cs", hints);
    }

    [Fact]
    public void NoWeightsArgument_NoEmbeddedFile()
    {
        var (gen, cs, hints) = Run(null, Net.Replace(", Weights = \"w.safetensors\"", ""));
        Assert.Empty(gen);
        Assert.True(cs.IsEmpty, string.Join("\n", cs));
        Assert.DoesNotContain(hints, h => h.Contains("Embedded"));
    }
}
