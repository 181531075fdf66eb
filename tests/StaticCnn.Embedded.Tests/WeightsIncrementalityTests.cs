extern alias GeneratorAssembly;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace StaticCnn.Embedded.Tests;

/// <summary>The weights steps cache by value: an unrelated edit leaves them Cached or Unchanged; a changed file re-runs them.</summary>
public class WeightsIncrementalityTests
{
    private const string Net = """
        using StaticCnn;
        namespace T;
        [Network(InputChannels = 1, InputHeight = 4, InputWidth = 4, Weights = "w.safetensors")]
        public partial class Tiny
        {
            [Dense(2)] public partial Layer Fc { get; }
        }
        """;

    private static readonly string[] WeightsSteps = ["WeightsRequest", "WeightsFile", "Weights"];

    private sealed class FileText(string path) : AdditionalText
    {
        public override string Path => path;
        public override SourceText? GetText(CancellationToken cancellationToken = default) => SourceText.From(File.ReadAllText(path));
    }

    private static byte[] File1(float v) => Safetensors.Write([
        ("fc.weight", "F32", [2, 16], Enumerable.Range(0, 32).SelectMany(i => BitConverter.GetBytes(v + i)).ToArray()),
        ("fc.bias", "F32", [2], new byte[8])]);

    [Fact]
    public void UnrelatedEdit_LeavesTheWeightsStepsCached_ChangedFile_RerunsThem()
    {
        string dir = Path.Combine(Path.GetTempPath(), "scnn-weights-inc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "w.safetensors");
            File.WriteAllBytes(path, File1(1f));
            var refs = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
                .Where(p => Path.GetFileName(p) != "StaticCnn.Generator.dll") // its linked spec enums would clash with the runtime's
                .Select(p => MetadataReference.CreateFromFile(p)).Append(MetadataReference.CreateFromFile(typeof(StaticCnn.Layer).Assembly.Location));
            var parse = new CSharpParseOptions(LanguageVersion.Preview);
            var compilation = CSharpCompilation.Create("T", [CSharpSyntaxTree.ParseText(Net, parse, Path.Combine(dir, "Net.cs"))], refs,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            var original = new FileText(path);
            GeneratorDriver driver = CSharpGeneratorDriver.Create([new GeneratorAssembly::StaticCnn.Generator.NetworkGenerator().AsSourceGenerator()], [original], parse,
                driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
            driver = driver.RunGenerators(compilation);
            string first = Embedded(driver);
            Assert.Contains("1f, 2f, 3f", first);

            // an unrelated edit: every weights step Cached or Unchanged
            driver = driver.RunGenerators(compilation.AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace T; class Other { }", parse, Path.Combine(dir, "Other.cs"))));
            var steps = driver.GetRunResult().Results.Single().TrackedSteps;
            foreach (string name in WeightsSteps)
            {
                Assert.True(steps.ContainsKey(name), name);
                foreach (var run in steps[name])
                    foreach (var (_, reason) in run.Outputs)
                        Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {reason}");
            }

            // the file changes: the host hands over a new AdditionalText; the values follow
            File.WriteAllBytes(path, File1(5f));
            driver = driver.ReplaceAdditionalText(original, new FileText(path));
            driver = driver.RunGenerators(compilation);
            Assert.Contains("5f, 6f, 7f", Embedded(driver));
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static string Embedded(GeneratorDriver driver)
        => driver.GetRunResult().Results.Single().GeneratedSources.Single(s => s.HintName == "T.Tiny.Embedded.g.cs").SourceText.ToString();
}
