using System.Globalization;
using System.Reflection;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Tests.Harness;
using Xunit;
using static StaticCnn.Generator.Tests.Harness.Src;

namespace StaticCnn.Generator.Tests;

/// <summary>Tier 2: every SCNN id has a source that triggers it (id, severity, line, full message) and a near miss that does not.</summary>
public class DiagnosticsTests
{
    public static TheoryData<string> FailingNames => new(DiagnosticCases.Failing.Select(c => c.Name));
    public static TheoryData<string> NearMissNames => new(DiagnosticCases.NearMisses.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(FailingNames))]
    public void Reports(string name)
    {
        DiagnosticCase c = DiagnosticCases.Failing.Single(x => x.Name == name);
        GeneratorRun run = GeneratorHarness.Run(c.Source, c.Version);
        Assert.True(run.Result.Exception is null, run.Describe());

        var matching = run.GeneratorDiagnostics.Where(d => d.Id == c.Id).ToList();
        Assert.True(matching.Count == 1, $"expected exactly one {c.Id}\n" + run.Describe());
        Diagnostic d = matching[0];

        Assert.Equal(c.Severity, d.Severity);
        Assert.Equal(c.Message, d.GetMessage(CultureInfo.InvariantCulture));

        // On the marked line, on the attribute that is at fault.
        Assert.True(d.Location.Kind is LocationKind.SourceFile or LocationKind.ExternalFile, $"{c.Id} has no location\n" + run.Describe());
        var span = d.Location.GetLineSpan();
        Assert.Equal("Source0.cs", span.Path);
        int markerIndex = c.Source.IndexOf(DiagnosticCase.Marker, StringComparison.Ordinal);
        Assert.True(markerIndex >= 0, "case has no marker");
        int expectedLine = c.Source[..markerIndex].Count(ch => ch == '\n');
        string located = c.Source.Substring(d.Location.SourceSpan.Start, Math.Min(d.Location.SourceSpan.Length, c.Source.Length - d.Location.SourceSpan.Start));
        Assert.True(expectedLine == span.StartLinePosition.Line,
            $"{c.Id} is on line {span.StartLinePosition.Line + 1} ('{located}'), expected line {expectedLine + 1}\n" + run.Describe());
        string attributeName = new string(c.Source[(markerIndex + DiagnosticCase.Marker.Length)..].TakeWhile(char.IsLetterOrDigit).ToArray());
        Assert.True(located.TrimStart('[').TrimStart().StartsWith(attributeName, StringComparison.Ordinal) || located.Contains(DiagnosticCase.Marker + attributeName),
            $"{c.Id} should be located on the [{attributeName}] attribute, but is on '{located}'");

        // Nothing else goes wrong: no other SCNN errors, and no CS errors beyond those the user's own code causes.
        var otherScnn = run.GeneratorDiagnostics.Where(x => x.Id != c.Id && x.Severity == DiagnosticSeverity.Error && !c.AlsoAllowed.Contains(x.Id)).ToList();
        Assert.True(otherScnn.Count == 0, "unexpected other SCNN errors\n" + run.Describe());
        Assert.True(run.AllCompilerErrors.All(x => x.Location.SourceTree?.FilePath.EndsWith(".g.cs", StringComparison.Ordinal) != true),
            "no compiler error may be in generated code\n" + run.Describe(3000));
        var cs = run.CompilerErrors.Where(x => !c.AllowedCompilerErrors.Contains(x.Id)).ToList();
        Assert.True(cs.Count == 0, "an invalid network must not cause compiler errors (stubs)\n" + run.Describe(3000));
        Assert.DoesNotContain(run.DriverDiagnostics, x => x.Id is "CS8784" or "CS8785");
    }

    [Theory]
    [MemberData(nameof(NearMissNames))]
    public void DoesNotReport(string name)
    {
        NearMiss c = DiagnosticCases.NearMisses.Single(x => x.Name == name);
        GeneratorRun run = GeneratorHarness.Run(c.Source);
        Assert.True(run.GeneratorDiagnostics.All(d => d.Id != c.Id), $"near miss reported {c.Id}\n" + run.Describe());
        run.AssertClean();
    }

    private static IEnumerable<DiagnosticDescriptor> CatalogueUnderTest() =>
        typeof(DiagnosticDescriptors).GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
            .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
            .Where(d => !d.Id.StartsWith("SCNN04", StringComparison.Ordinal)) // build-time weights: a later feature
            .Where(d => d.Id != "SCNN0013");                                 // internal error: no valid source may trigger it (the fuzz test checks it never appears)

    [Fact]
    public void EveryId_HasAFailingCaseAndANearMiss()
    {
        var descriptors = CatalogueUnderTest().ToList();
        Assert.True(descriptors.Count >= 29, $"catalogue has only {descriptors.Count} descriptors");
        var missing = new List<string>();
        foreach (DiagnosticDescriptor d in descriptors)
        {
            var cases = DiagnosticCases.Failing.Where(c => c.Id == d.Id).ToList();
            if (cases.Count == 0) missing.Add(d.Id + " (failing)");
            if (!DiagnosticCases.NearMisses.Any(c => c.Id == d.Id)) missing.Add(d.Id + " (near miss)");
            foreach (var c in cases) Assert.True(c.Severity == d.DefaultSeverity, $"{c.Name}: {d.Id} is {d.DefaultSeverity}");
        }
        Assert.True(missing.Count == 0, "ids without cases: " + string.Join(", ", missing));
        Assert.DoesNotContain(descriptors, d => d.Id == "SCNN0107");
        // And no case names an id that is not in the catalogue.
        Assert.Empty(DiagnosticCases.Failing.Select(c => c.Id).Concat(DiagnosticCases.NearMisses.Select(c => c.Id))
            .Where(id => descriptors.All(d => d.Id != id)).Distinct());
    }

    [Fact]
    public void Catalogue_IdsAreUniqueAndMessagesFormat()
    {
        var all = CatalogueUnderTest().ToList();
        Assert.Equal(all.Count, all.Select(d => d.Id).Distinct().Count());
        foreach (DiagnosticDescriptor d in all)
        {
            string format = d.MessageFormat.ToString(CultureInfo.InvariantCulture);
            int holes = Enumerable.Range(0, 10).Count(i => format.Contains("{" + i + "}"));
            // string.Format must accept the format with that many arguments (catches unescaped braces).
            _ = string.Format(CultureInfo.InvariantCulture, format, Enumerable.Range(0, holes).Select(i => (object)("a" + i)).ToArray());
        }
    }

    [Fact]
    public void ManyInvalidNetworks_InOneCompilation_CauseOnlyScnnErrors()
    {
        // Every failing case whose user code is valid C#, compiled together with user code that touches the layers.
        var sources = DiagnosticCases.Failing
            .Where(c => c.AllowedCompilerErrors.Length == 0 && !c.Id.StartsWith("SCNN03", StringComparison.Ordinal))
            .Select((c, i) => c.Source.Replace("namespace TestNets;", $"namespace TestNets.Case{i};"))
            .ToList();
        GeneratorRun run = GeneratorHarness.Run(sources);
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.True(run.CompilerErrors.Count == 0, run.Describe(2000));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
    }

    [Fact]
    public void InvalidNetwork_LayerPropertiesRemainUsable()
    {
        GeneratorRun run = GeneratorHarness.Run(Net(Mnist,
            L("Conv2D(6, Kernel = 99)", "Conv1"),
            L("Dense(10)", "Fc"),
            "    public string Describe() => Conv1.ToString() + Fc.ToString();"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0101");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void InvalidNetworkWithSeveralInputsAndOutputs_TypedApiRemainsUsable()
    {
        // Conv2D on a sequence is SCNN0118; the code calling the typed members must still compile (only the SCNN error).
        GeneratorRun run = GeneratorHarness.Run(Net("",
            I("8, 200", "Signal"),
            I("3", "Extra"),
            L("Conv2D(4, From = nameof(Signal))", "Conv1"),
            L("Dense(2, From = nameof(Extra), Output = true)", "Head"),
            L("Dense(5, From = nameof(Extra), Output = true)", "Other"),
            "    public void Use(float[] s, float[] e, float[] h, float[] o) { Forward(s, e, h, o, 1); ForwardTrain(s, e, h, o, 1); Backward(h, o, s, e); }",
            "    public int Sizes => SignalSize + ExtraSize + HeadSize + OtherSize + Inputs.Count + Outputs.Count + Signal.Size;"));
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0118");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void LayersInTwoFiles_AreReportedOnce_WithoutCompilerErrors()
    {
        string a = """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class TwoFiles
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
            }
            """;
        string b = """
            using StaticCnn;
            namespace TestNets;
            public partial class TwoFiles
            {
                [Dense(10)] public partial Layer Fc { get; }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(new[] { a, b });
        Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SCNN0010");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void NetworkAttributeInOtherFileThanLayers_IsFine()
    {
        string a = """
            using StaticCnn;
            namespace TestNets;
            [Network(InputChannels = 1, InputHeight = 28, InputWidth = 28)]
            public partial class AttributeHere { }
            """;
        string b = """
            using StaticCnn;
            namespace TestNets;
            public partial class AttributeHere
            {
                [Conv2D(6)] public partial Layer Conv1 { get; }
                [Dense(10)] public partial Layer Fc { get; }
            }
            """;
        GeneratorRun run = GeneratorHarness.Run(new[] { a, b });
        run.AssertClean();
    }

    [Fact]
    public void HugeInput_IsTooLarge_NotWrapped()
    {
        GeneratorRun run = GeneratorHarness.Run(Net("InputChannels = 100000, InputHeight = 100000, InputWidth = 100000", L("Dense(10)", "Fc")));
        Assert.True(run.Result.Exception is null, run.Describe());
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics, x => x.Id == "SCNN0111");
        Assert.Equal("Network 'Net': the input 100000×100000×100000 is too large (more than 268435455 elements per sample, or the size overflows); reduce InputChannels, InputHeight or InputWidth",
            d.GetMessage(CultureInfo.InvariantCulture));
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void DenseWeightBeyondLimit_IsTooLarge()
    {
        // 784 × 1,000,000 weights: over the per-tensor limit, and over int32 range as a product.
        GeneratorRun run = GeneratorHarness.Run(Net(Mnist, L("Dense(1000000)", "Fc"), L("Dense(3000)", "Fc2")));
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0111");
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void ParameterArenaBeyondInt32_IsReported_NotWrapped()
    {
        // Each weight (16000 × 16000 = 256 M floats) is under the per-tensor limit, but nine of them are 2.3 G floats:
        // the arena offsets would overflow int32.
        var layers = Enumerable.Range(1, 9).Select(i => L("Dense(16000, Bias = false)", "Fc" + i)).ToArray();
        GeneratorRun run = GeneratorHarness.Run(Net("InputChannels = 16000, InputHeight = 1, InputWidth = 1", layers));
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.True(run.GeneratorDiagnostics.Any(d => d.Severity == DiagnosticSeverity.Error),
            "a 2.3-G-float parameter arena must be an error, not wrapped int offsets\n" + run.Describe(3000));
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void NegativeAndZeroSizesEverywhere_AreArgumentErrors()
    {
        string[] layers =
        {
                // Every layer reads the network input, so that each can be checked whatever the others do.
            L("Conv2D(-1, From = \"Input\")", "A"), L("Conv2D(4, Kernel = 0, From = \"Input\")", "B"), L("Conv2D(4, Dilation = 0, From = \"Input\")", "C"),
            L("Conv2D(4, Groups = 0, From = \"Input\")", "D"), L("ConvTranspose2D(0, From = \"Input\")", "E"), L("AvgPool2D(0, From = \"Input\")", "F"),
            L("MaxPool2D(2, Stride = -1, From = \"Input\")", "G"), L("Upsample(0, From = \"Input\")", "H"),
            L("Crop(Top = -1, Left = 0, Height = 2, Width = 2, From = \"Input\")", "I"), L("Dense(-10, From = \"Input\")", "J"), L("Dropout(-0.5f, From = \"Input\")", "K"),
        };
        GeneratorRun run = GeneratorHarness.Run(Net(Mnist, layers));
        Assert.True(run.Result.Exception is null, run.Describe());
        foreach (string member in "ABCDEFGHIJK".Select(ch => ch.ToString()))
            Assert.True(run.GeneratorDiagnostics.Any(d => d.Id == "SCNN0011" && d.GetMessage(CultureInfo.InvariantCulture).StartsWith($"Layer '{member}':", StringComparison.Ordinal)),
                $"layer {member} should have an SCNN0011\n" + run.Describe());
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void LayerOutsideNetwork_GetsAStub()
    {
        GeneratorRun run = GeneratorHarness.Run(DiagnosticCases.Failing.Single(c => c.Name == "LayerOutsideNetwork").Source);
        Assert.Single(run.GeneratorDiagnostics, d => d.Id == "SCNN0012");
        run.AssertNoCompilerErrors(); // no CS9248 "Partial property 'NoNetwork.Conv1' must have an implementation part"
    }

    [Fact]
    public void InvalidNetwork_StaticMembersStillExist()
    {
        // User code written against a valid network keeps compiling while the network is (temporarily) invalid.
        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            Net(Mnist, L("Conv2D(6, Kernel = 99)", "Conv1"), L("Dense(10)", "Fc")),
            """
            using StaticCnn;
            namespace TestNets;
            public static class Uses
            {
                public static int In => Net.InputSize;
                public static int Out => Net.OutputSize;
                public static long Params => Net.ParameterCount;
                public static string Text => Net.SummaryText;
                public static int Layers => Net.LayerInfos.Count + Net.TensorInfos.Count + Net.LayerCount + Net.BufferCount;
                public static int Shape => Net.InputChannels * Net.InputHeight * Net.InputWidth + Net.OutputChannels * Net.OutputHeight * Net.OutputWidth;
                public static long Workspace => Net.InferenceWorkspaceFloats(1) + Net.TrainingWorkspaceFloats(1) + Net.InferenceWorkspaceFloatsPerSample
                    + Net.TrainingWorkspaceFloatsPerSample + Net.TrainingWorkspaceFixedFloats + Net.ArgmaxIntsPerSample;
                public static INetwork Make() => new Net();
            }
            """,
        });
        Assert.Contains(run.GeneratorDiagnostics, d => d.Id == "SCNN0101");
        run.AssertNoCompilerErrors();
    }

[Fact]
    public void DiagnosticLocations_AreInTheSyntaxTree()
    {
        // A location in the compilation's own syntax tree (not an external-file location) is what lets
        // '#pragma warning disable SCNN0300' and [SuppressMessage] apply to the generator's diagnostics.
        GeneratorRun run = GeneratorHarness.Run(DiagnosticCases.Failing.Single(c => c.Name == "StrideDropsRow").Source);
        Diagnostic d = Assert.Single(run.GeneratorDiagnostics, x => x.Id == "SCNN0300");
        Assert.True(d.Location.IsInSource, $"location kind is {d.Location.Kind}");
        Assert.Same(run.InputCompilation.SyntaxTrees.Single(), d.Location.SourceTree);
    }

    [Fact]
    public void PragmaWarningDisable_SuppressesScnn0300()
    {
        string source = DiagnosticCases.Failing.Single(c => c.Name == "StrideDropsRow").Source;
        GeneratorRun plain = GeneratorHarness.Run(source);
        Assert.Contains(plain.DriverDiagnostics, x => x.Id == "SCNN0300" && !x.IsSuppressed);

        GeneratorRun suppressed = GeneratorHarness.Run("#pragma warning disable SCNN0300\n" + source);
        Assert.DoesNotContain(suppressed.DriverDiagnostics, x => x.Id == "SCNN0300" && !x.IsSuppressed);
        suppressed.AssertClean();
    }

    [Fact]
    public void LayerOutsideNetwork_WithTwoAttributes_DoesNotCrashTheGenerator()
    {
        // Found by the fuzz test: the orphan pipeline emits one file per (property, attribute), with the same hint name.
        GeneratorRun run = GeneratorHarness.Run("""
            using StaticCnn;
            namespace TestNets;
            public partial class NoNetwork
            {
                [Conv2D(4), ReLU] public partial Layer L0 { get; }
            }
            """);
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Equal(2, run.GeneratorDiagnostics.Count(d => d.Id == "SCNN0012")); // one per attribute
        Assert.Single(run.GeneratedSources);
        run.AssertNoCompilerErrors();
    }

    [Fact]
    public void OrphanLayers_WithClashingNames_KeepEveryNetworkGenerated()
    {
        // Orphans whose hint names could meet (same member in Outer and Outer<T>, two attributes each) beside a valid
        // network: the network's code must still be generated, and every orphan property implemented exactly once.
        GeneratorRun run = GeneratorHarness.Run(new[]
        {
            """
            using StaticCnn;
            namespace TestNets;
            public partial class Outer { public partial class Inner { [Conv2D(4), ReLU] public partial Layer L0 { get; } } }
            public partial class Outer<T> { public partial class Inner { [ReLU, Dense(3)] public partial Layer L0 { get; } } }
            """,
            Net(Mnist, L("Dense(10)", "Fc")),
        });
        Assert.True(run.Result.Exception is null, run.Describe());
        Assert.Equal(4, run.GeneratorDiagnostics.Count(d => d.Id == "SCNN0012"));
        Assert.Contains(run.GeneratedSources, s => s.Text.Contains("public const int OutputSize = 10;"));
        Assert.Equal(3, run.GeneratedSources.Select(s => s.HintName).Distinct().Count());
        run.AssertNoCompilerErrors();
    }
}
