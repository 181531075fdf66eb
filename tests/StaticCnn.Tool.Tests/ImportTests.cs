using System.Runtime.CompilerServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using StaticCnn.Checkpoints;
using StaticCnn.Tool.Tests.Imported;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tool.Tests;

/// <summary>
/// `staticcnn import` on the PyTorch 1.13 exports in tests/Fixtures/onnx (made by tools/make_onnx_fixtures.py): the
/// generated spec equals the golden Imported/*.cs (compiled into this project, so the generator builds it: SCNN_UPDATE_GOLDEN=1
/// rewrites them), and the imported network, loaded from the produced safetensors, computes ONNX Runtime's output.
/// Metric: max over all outputs |ours − ORT| / max |ORT| (the error relative to the output's largest magnitude), ≤ 1e-5.
/// </summary>
public class ImportTests(ITestOutputHelper output)
{
    private static readonly string FixtureDir = Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx");

    public static TheoryData<string> Models => new() { "lenet5", "resnet18", "unet", "ops" };

    private static string ImportedDir([CallerFilePath] string here = "") => Path.Combine(Path.GetDirectoryName(here)!, "Imported");

    internal static ImportResult Import(string model) => OnnxImporter.Import(Path.Combine(FixtureDir, model + ".onnx"),
        new ImportOptions { Namespace = "StaticCnn.Tool.Tests.Imported" });

    [Theory]
    [MemberData(nameof(Models))]
    public void GeneratedSpec_EqualsGolden(string model)
    {
        ImportResult r = Import(model);
        string path = Path.Combine(ImportedDir(), r.ClassName + ".cs");
        string actual = r.Source.Replace("\r\n", "\n");
        if (Environment.GetEnvironmentVariable("SCNN_UPDATE_GOLDEN") == "1")
        {
            if (!File.Exists(path) || File.ReadAllText(path).Replace("\r\n", "\n") != actual) File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"golden {path} is missing; run with SCNN_UPDATE_GOLDEN=1 to create it");
        Assert.Equal(File.ReadAllText(path).Replace("\r\n", "\n"), actual);
    }

    private static INetwork Create(string model, int maxBatch) => model switch
    {
        "lenet5" => new Lenet5(maxBatch),
        "resnet18" => new Resnet18(maxBatch),
        "unet" => new Unet(maxBatch),
        "ops" => new Ops(maxBatch),
        _ => throw new ArgumentException(model),
    };

    [Theory]
    [Trait("Category", "Numeric")]
    [MemberData(nameof(Models))]
    public void ImportedNetwork_MatchesOnnxRuntime(string model)
    {
        const int batch = 3;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        ImportResult r = Import(model);
        long importMs = sw.ElapsedMilliseconds;
        string dir = Directory.CreateTempSubdirectory("scnn-import-").FullName;
        try
        {
            string weights = Path.Combine(dir, model + ".safetensors");
            SafeTensorsFile.Write(weights, r.Tensors);
            using INetwork net = Create(model, batch);
            // Every tensor of the network is in the file, and nothing else (strict load).
            Checkpoint.Load(net, weights, strict: true);
            Assert.Equal(net.Tensors.Count, r.Tensors.Count);

            int inSize = net.InputShape.Size, outSize = net.OutputShape.Size;
            var rng = new Random(42);
            var x = new float[batch * inSize];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            var ours = new float[batch * outSize];
            sw.Restart();
            net.Forward(x, ours, batch);
            long oursMs = sw.ElapsedMilliseconds;

            using var session = new InferenceSession(Path.Combine(FixtureDir, model + ".onnx"));
            var shape = new[] { batch, net.InputShape.Channels, net.InputShape.Height, net.InputShape.Width };
            using var results = session.Run(new[] { NamedOnnxValue.CreateFromTensor("input", new DenseTensor<float>(x, shape)) });
            float[] ort = results.First().AsEnumerable<float>().ToArray();
            string what = $"{model} vs ONNX Runtime: {r.Layers.Count} layers, {r.Tensors.Sum(t => (long)t.Data.Length):N0} floats; import {importMs} ms, forward (batch {batch}) {oursMs} ms; ";
            NumericAssert.CloseRelativeToMax(model, ort, ours, relativeToMax: 1e-5, minReference: 1e-3, s => output.WriteLine(what + s));
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void HardSwish_ImportsAsAHardswishLayer()
    {
        // The exporter's own file (Conv, HardSwish) back through the importer: the layer comes back as [Hardswish].
        string dir = Directory.CreateTempSubdirectory("scnn-hswish").FullName;
        try
        {
            string path = Path.Combine(dir, "hardswish_net.onnx");
            using (var net = new Twins.HardswishNet(1, seed: 3)) StaticCnn.Interop.Onnx.Save(net, path);
            ImportResult r = OnnxImporter.Import(path, new ImportOptions { Namespace = "X" });
            Assert.Equal(2, r.Layers.Count);
            Assert.StartsWith("Conv2D(3", r.Layers[0].Attribute.TrimStart('['));
            Assert.StartsWith("Hardswish", r.Layers[1].Attribute.TrimStart('['));
            Assert.Contains("[Hardswish", r.Source);
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void UnsupportedOp_IsAClearError_NamingNodeAndOp()
    {
        var ex = Assert.Throws<OnnxImportException>(() => Import("unsupported_op"));
        Assert.StartsWith("node '/Erf' (op Erf): no StaticCnn layer computes it", ex.Message);
    }

    [Fact]
    public void UnsupportedAttribute_IsAClearError_NamingNodeOpAndAttribute()
    {
        var ex = Assert.Throws<OnnxImportException>(() => Import("unsupported_attr"));
        Assert.StartsWith("node '/MaxPool' (op MaxPool, attribute ceil_mode): ceil_mode = 1; only 0 is supported", ex.Message);
    }

    [Fact]
    public void Cli_WritesSpecAndWeights_AndExits2WithTheMessageOnBadInput()
    {
        string dir = Directory.CreateTempSubdirectory("scnn-cli-").FullName;
        try
        {
            var stdout = new StringWriter(); var stderr = new StringWriter();
            int rc = Cli.Run(new[] { "import", Path.Combine(FixtureDir, "lenet5.onnx"), "--name", "MyLeNet", "--namespace", "My.Nets", "--out", dir }, stdout, stderr);
            Assert.Equal(0, rc);
            Assert.Equal("", stderr.ToString());
            string cs = File.ReadAllText(Path.Combine(dir, "MyLeNet.cs"));
            Assert.Contains("namespace My.Nets;", cs);
            Assert.Contains("public partial class MyLeNet", cs);
            SafeTensorsFile st = SafeTensorsFile.Read(Path.Combine(dir, "lenet5.safetensors"));
            Assert.Equal(new[] { "conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias", "fc3.weight", "fc3.bias" },
                st.Entries.Select(e => e.Name));
            Assert.Equal(new[] { 120, 400 }, st["fc1.weight"].Shape);

            stdout = new StringWriter(); stderr = new StringWriter();
            rc = Cli.Run(new[] { "import", Path.Combine(FixtureDir, "unsupported_attr.onnx"), "--out", dir }, stdout, stderr);
            Assert.Equal(2, rc);
            Assert.Contains("node '/MaxPool' (op MaxPool, attribute ceil_mode)", stderr.ToString());

            stderr = new StringWriter();
            string junk = Path.Combine(dir, "junk.onnx");
            File.WriteAllBytes(junk, new byte[] { 0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 1, 2 });
            rc = Cli.Run(new[] { "import", junk }, stdout, stderr);
            Assert.Equal(2, rc);
            Assert.Contains("is not a valid ONNX file", stderr.ToString());

            Assert.Equal(1, Cli.Run(new[] { "import" }, stdout, new StringWriter()));
            Assert.Equal(1, Cli.Run(new[] { "export", "x.onnx" }, stdout, new StringWriter()));
        }
        finally { Directory.Delete(dir, true); }
    }
}

/// <summary>Damaged files: every truncation point and random byte changes give an import error or a result, never another exception.</summary>
public class DamagedOnnxTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("lenet5")]
    [InlineData("unet")]
    [InlineData("ops")]
    public void TruncatedOrCorruptedFiles_GiveOnnxImportException_NeverACrash(string model)
    {
        byte[] good = File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "onnx", model + ".onnx"));
        var rng = new Random(7);
        int errors = 0, imported = 0;
        void Try(byte[] bytes)
        {
            try
            {
                OnnxImporter.Import(OnnxReader.ParseChecked(bytes), new ImportOptions { ClassName = "Damaged" });
                imported++;
            }
            catch (OnnxImportException ex)
            {
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                errors++;
            }
        }
        // Truncations at 200 points spread over the file, then 300 copies with 1–4 random bytes changed.
        for (int k = 1; k <= 200; k++) Try(good.AsSpan(0, (int)((long)good.Length * k / 201)).ToArray());
        for (int k = 0; k < 300; k++)
        {
            byte[] bad = (byte[])good.Clone();
            int changes = 1 + rng.Next(4);
            for (int c = 0; c < changes; c++) bad[rng.Next(bad.Length)] = (byte)rng.Next(256);
            Try(bad);
        }
        output.WriteLine($"{model}: 500 damaged files: {errors} import errors, {imported} imported (changes inside weight data import fine)");
        Assert.Equal(500, errors + imported);
        Assert.True(errors >= 200, "every truncation must be an error");
    }
}
