extern alias GeneratorAssembly;
using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using System.Text;
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
                .Where(p => Path.GetFileName(p) != "StaticCnn.Generator.dll") // its linked spec enums would clash with the runtime's
                .Select(p => MetadataReference.CreateFromFile(p)).Append(MetadataReference.CreateFromFile(typeof(StaticCnn.Layer).Assembly.Location));
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText(source, parse, Path.Combine(dir, "Net.cs"))], refs,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
            GeneratorDriver driver = CSharpGeneratorDriver.Create([new GeneratorAssembly::StaticCnn.Generator.NetworkGenerator().AsSourceGenerator()], texts, parse);
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

    private static Diagnostic Single(ImmutableArray<Diagnostic> diagnostics, string id, DiagnosticSeverity severity = DiagnosticSeverity.Error)
    {
        Assert.True(diagnostics.Length >= 1 && diagnostics.All(d => d.Id == id), string.Join("\n", diagnostics));
        Diagnostic d = diagnostics[0];
        Assert.Equal(severity, d.Severity);
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
        Assert.Contains("tensor 'fc.bias' ends at byte 996 of the data section, which has 992 bytes (the file is truncated or its data_offsets are corrupt)",
            Single(gen, "SCNN0401").GetMessage());
    }

    /// <summary>
    /// D2: a header of deeply nested JSON was parsed by a recursive reader without a depth limit and crashed the compiler
    /// with a stack overflow. Now the one reader (src/StaticCnn.Spec/Formats) rejects it with SCNN0401.
    /// </summary>
    [Theory]
    [InlineData("[", "the header does not start with '{'")]
    [InlineData("{\"a\":[", "the header nests JSON deeper than 64 levels")]
    [InlineData("{\"a\":{\"b\":", "the header nests JSON deeper than 64 levels")]
    public void SCNN0401_DeeplyNestedJson_IsADiagnostic_NotAStackOverflow(string prefix, string expected)
    {
        string header = prefix.Length == 1 ? new string('[', 100_000) : prefix + string.Concat(Enumerable.Repeat(prefix[^1] == '[' ? "[" : "{\"b\":", 100_000));
        var (gen, _, _) = Run(Safetensors.Join(header, []));
        Assert.Contains(expected, Single(gen, "SCNN0401").GetMessage());
    }

    /// <summary>D4/D12: the build-time reader applies the runtime's rules (one reader): each case was accepted before.</summary>
    [Theory]
    [InlineData("length-minus-one", "the file has 1 trailing bytes: the tensors end at byte 996 of the data section, which has 997 bytes")]
    [InlineData("trailing-garbage", "the file has 3 trailing bytes")]
    [InlineData("duplicate-name", "the header names 'fc.bias' twice")]
    [InlineData("fractional-offset", "tensor 'conv1.bias': data_offsets holds 72.5, not a non-negative integer")]
    [InlineData("overlap", "tensors 'conv1.weight' [0, 72) and 'conv1.bias' [68, 76) overlap in the data section")]
    [InlineData("gap", "the data section has a gap: bytes [72, 76) belong to no tensor (between 'conv1.weight' and 'conv1.bias')")]
    [InlineData("non-utf8", "the header is not valid UTF-8")]
    [InlineData("tab-padding", "only spaces (0x20) may pad the header")]
    [InlineData("overflowing-shape", "tensor 'fc.bias': shape [65536, 65536, 65536, 16384] of F32 needs more bytes than a 64-bit size holds")]
    public void SCNN0401_FramingAndHeaderRules(string corruption, string expected)
    {
        var (header, data) = Safetensors.Split(Safetensors.Write(Tensors()));
        byte[] file = corruption switch
        {
            // A header padded with spaces (as every writer pads it) whose length field says one byte less: the last
            // padding byte becomes the first data byte, and every tensor would be read one byte early.
            "length-minus-one" => Pad(Safetensors.Join(header + "    ", data), -1),
            "trailing-garbage" => Safetensors.Join(header, [.. data, 1, 2, 3]),
            "duplicate-name" => Safetensors.Join(header.Replace("\"conv1.bias\"", "\"fc.bias\""), data),
            "fractional-offset" => Safetensors.Join(header.Replace("[72,80]", "[72.5,80]"), data),
            "overlap" => Safetensors.Join(header.Replace("[72,80]", "[68,76]"), data),
            "gap" => Safetensors.Join(header.Replace("[72,80]", "[76,84]"), data),
            "non-utf8" => Safetensors.Join([.. Encoding.UTF8.GetBytes(header[..^1]), .. ",\"x\":\""u8, 0xC0, 0xAF, .. "\"}"u8], data),
            "tab-padding" => Safetensors.Join(header + "\t", data),
            _ => Safetensors.Join(header.Replace("\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[3]", "\"fc.bias\":{\"dtype\":\"F32\",\"shape\":[65536,65536,65536,16384]"), data),
        };
        var (gen, cs, hints) = Run(file);
        Assert.Contains(expected, Single(gen, "SCNN0401").GetMessage());
        Assert.True(cs.IsEmpty, string.Join("\n", cs)); // stubs, no cascade
    }

    private static byte[] Pad(byte[] file, int lengthDelta)
    {
        long n = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(file);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(file, n + lengthDelta);
        return file;
    }

    [Fact]
    public void NearMiss_SpacePaddedHeaderAndJsonWhitespace_NoDiagnostics()
    {
        var (header, data) = Safetensors.Split(Safetensors.Write(Tensors()));
        var (gen, cs, _) = Run(Safetensors.Join(header.Replace(",", ",\n  ") + "       ", data));
        Assert.Empty(gen);
        Assert.True(cs.IsEmpty, string.Join("\n", cs));
    }

    /// <summary>SCNN0404: NaN, ±Inf and negative running_var are reported (a warning; the weights still embed).</summary>
    [Theory]
    [InlineData("conv1.weight", float.NaN, "tensor 'conv1.weight' holds 1 non-finite value (first: NaN at index 3)")]
    [InlineData("fc.bias", float.PositiveInfinity, "tensor 'fc.bias' holds 1 non-finite value (first: ")]
    [InlineData("bn1.running_var", -0.25f, "tensor 'bn1.running_var' holds 1 negative variance (first: -0.25 at index 1)")]
    public void SCNN0404_InvalidValues_Warn(string tensor, float value, string expected)
    {
        var (gen, cs, hints) = Run(Safetensors.Write(WithValue(tensor, value)));
        Diagnostic d = Single(gen, "SCNN0404", DiagnosticSeverity.Warning);
        Assert.StartsWith($"Network 'Small': in 'w.safetensors', {expected}", d.GetMessage());
        Assert.EndsWith("the embedded network will compute NaN or infinite outputs, so fix or retrain the weights", d.GetMessage());
        Assert.True(cs.IsEmpty, string.Join("\n", cs));
        Assert.Contains("T.Small.Embedded.g.cs", hints);
    }

    [Fact]
    public void NearMiss_SCNN0404_NegativeMeanAndZeroVariance_NoDiagnostics()
    {
        var tensors = WithValue("bn1.running_mean", -7f).Select(t => t.Item1 == "bn1.running_var" ? (t.Item1, t.Item2, t.Item3, new byte[8]) : t);
        var (gen, _, _) = Run(Safetensors.Write(tensors));
        Assert.Empty(gen);
    }

    private static List<(string, string, int[], byte[])> WithValue(string tensor, float value)
    {
        var list = Tensors();
        int i = list.FindIndex(t => t.Item1 == tensor);
        byte[] data = (byte[])list[i].Item4.Clone();
        int at = Math.Min(3, data.Length / 4 - 1);
        BitConverter.TryWriteBytes(data.AsSpan(4 * at), value);
        list[i] = (list[i].Item1, list[i].Item2, list[i].Item3, data);
        return list;
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

    // Two vector inputs through one shared Dense, two outputs; an input named Workspace (one of Infer's own parameters).
    private const string PairNet = """
        using StaticCnn;
        namespace T;
        [Network(Weights = "w.safetensors")]
        public partial class Pair
        {
            [Input(4)] public partial NetworkInput Workspace { get; }
            [Input(4)] public partial NetworkInput Other { get; }
            [Dense(3, From = nameof(Workspace), Output = true)] public partial Layer Fc { get; }
            [Dense(3, From = nameof(Other), Output = true, Shares = nameof(Fc))] public partial Layer Fc2 { get; }
        }

        public static class User
        {
            public static void Run(float[] a, float[] b, float[] y1, float[] y2, float[] ws)
            {
                T.Pair.Infer(workspaceData: a, other: b, fc: y1, fc2: y2, workspace: ws, batch: 1);
                T.Pair.Infer(T.Pair.EmbeddedParameters, T.Pair.EmbeddedBuffers, a, b, y1, y2, ws, 1);
                _ = T.Pair.CHeader;
            }
        }
        """;

    private static byte[] PairWeights() => Safetensors.Write([
        ("fc.weight", "F32", [3, 4], Safetensors.Zeros([3, 4])), ("fc.bias", "F32", [3], Safetensors.Zeros([3]))]);

    [Fact]
    public void MultiPort_InferTakesEveryPort_SharedLayerReadOnce_NameClashGetsDataSuffix()
    {
        // the file holds fc.* only: the sharing layer Fc2 reads no fc2.* tensors
        var (gen, cs, hints) = Run(PairWeights(), PairNet);
        Assert.Empty(gen);
        Assert.True(cs.IsEmpty, string.Join("\n", cs));
        Assert.Contains("T.Pair.Embedded.g.cs", hints);
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
