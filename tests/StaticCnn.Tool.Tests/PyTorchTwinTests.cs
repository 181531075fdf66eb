using System.Diagnostics;
using System.Runtime.CompilerServices;
using StaticCnn.Checkpoints;
using StaticCnn.Samples.Architectures;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tool.Tests;

/// <summary>A fact that runs only where /usr/bin/python3 imports torch (apt-get install -y python3-torch), and says so when skipped.</summary>
public sealed class TorchFactAttribute : FactAttribute
{
    private static readonly Lazy<bool> s_available = new(() =>
    {
        try
        {
            if (!File.Exists(PyTorchTwinTests.Python)) return false;
            using var p = Process.Start(new ProcessStartInfo(PyTorchTwinTests.Python, "-c \"import torch, numpy\"") { RedirectStandardError = true, RedirectStandardOutput = true })!;
            p.WaitForExit(60_000);
            return p.HasExited && p.ExitCode == 0;
        }
        catch (Exception) { return false; }
    });

    public TorchFactAttribute()
    {
        if (!s_available.Value) Skip = "PyTorch is not installed for /usr/bin/python3 (apt-get install -y python3-torch): the PyTorch twin is checked only by its golden file";
    }

    /// <summary>Runs only with SCNN_SLOW=1 (as the model zoo's slow tests).</summary>
    public bool Slow
    {
        get => _slow;
        set { _slow = value; if (value && Skip == null && Environment.GetEnvironmentVariable("SCNN_SLOW") != "1") Skip = "slow: set SCNN_SLOW=1 to run"; }
    }

    private bool _slow;
}

/// <summary>
/// The generator's PyTorch twin (<c>PyTorchSource</c>) of LeNet-5 and of samples/Architectures' ResNet-18, U-Net,
/// MobileNetV2 and CIFAR-10 ResNet-18: a checkpoint saved by <c>Checkpoint.Save</c> loads into it with strict=True
/// (tools/run_pytorch_twin.py), and its output on the same input equals <c>Forward</c>'s. MobileNetV2 and the CIFAR-10
/// ResNet-18 are also checked against the hand-written torchvision-layout modules of tools/architecture_params.py, which
/// do not come from the spec: the same checkpoint loads into them strictly and gives the same output.
/// Metric: max |ours − PyTorch| / max |PyTorch| ≤ 1e-5.
/// </summary>
public class PyTorchTwinTests(ITestOutputHelper output)
{
    internal const string Python = "/usr/bin/python3";

    private static string Tools([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "tools"));

    [TorchFact, Trait("Category", "Numeric")]
    public void LeNet5_TwinLoadsStrict_AndMatchesForward() => Check(new global::StaticCnn.Tests.Networks.LeNet5(2, seed: 3), global::StaticCnn.Tests.Networks.LeNet5.PyTorchSource, "LeNet5", batch: 2);

    [TorchFact, Trait("Category", "Numeric")]
    public void ResNet18_TwinLoadsStrict_AndMatchesForward() => Check(new ResNet18(1, seed: 3), ResNet18.PyTorchSource, "ResNet18", batch: 1);

    [TorchFact, Trait("Category", "Numeric")]
    public void SmallUNet_TwinLoadsStrict_AndMatchesForward() => Check(new Twins.SmallUNet(2, seed: 3), Twins.SmallUNet.PyTorchSource, "SmallUNet", batch: 2);

    [TorchFact, Trait("Category", "Numeric")]
    public void LayerKinds_TwinLoadsStrict_AndMatchesForward() => Check(new Twins.TwinCoverage(2, seed: 3), Twins.TwinCoverage.PyTorchSource, "TwinCoverage", batch: 2);

    [TorchFact, Trait("Category", "Numeric")]
    public void SquashingKinds_TwinMatchesForward() => Check(new Twins.TwinHead(2, seed: 3), Twins.TwinHead.PyTorchSource, "TwinHead", batch: 2);

    [TorchFact, Trait("Category", "Numeric")]
    public void ReLU6_Hardswish_SiLU_TwinMatchesForward() => Check(new Twins.TwinActs(2, seed: 3), Twins.TwinActs.PyTorchSource, "TwinActs", batch: 2);

    /// <summary>
    /// With PyTorch-default weights and random running statistics the signal fades through MobileNetV2's 52
    /// convolutions: leaving out features.3's residual moves the logits by 3e-6 of their scale, under the bound. The
    /// running statistics are therefore first fitted to the input (<see cref="CalibrationSteps"/> train-mode forwards,
    /// momentum 0.1), so that every BatchNorm output has about unit scale; then the same omission moves them by about 8e-2
    /// (measured in PyTorch with such weights), and adding features.4's output instead of features.5's in features.6 fails this test.
    /// </summary>
    [TorchFact, Trait("Category", "Numeric")]
    public void MobileNetV2_TwinLoadsStrict_AndMatchesForward()
        => Check(new MobileNetV2(1, seed: 3), MobileNetV2.PyTorchSource, "MobileNetV2", batch: 1, calibrate: true);

    /// <summary>torchvision's <c>mobilenet_v2()</c> layout, rebuilt in tools/architecture_params.py (InvertedResidual, ConvBNReLU6).</summary>
    [TorchFact, Trait("Category", "Numeric")]
    public void MobileNetV2_LoadsStrictIntoTorchvisionLayout_AndMatchesForward()
        => Check(new MobileNetV2(1, seed: 3), null, "MobileNetV2", batch: 1, twinFile: Path.Combine(Tools(), "architecture_params.py"), calibrate: true);

    [TorchFact, Trait("Category", "Numeric")]
    public void CifarResNet18_TwinLoadsStrict_AndMatchesForward() => Check(new CifarResNet18(2, seed: 3), CifarResNet18.PyTorchSource, "CifarResNet18", batch: 2);

    /// <summary>The kuangliu/pytorch-cifar ResNet-18 with torchvision's module names, in tools/architecture_params.py.</summary>
    [TorchFact, Trait("Category", "Numeric")]
    public void CifarResNet18_LoadsStrictIntoReferenceModule_AndMatchesForward()
        => Check(new CifarResNet18(2, seed: 3), null, "CifarResNet18", batch: 2, twinFile: Path.Combine(Tools(), "architecture_params.py"));

    /// <summary>samples/Architectures' full-size U-Net (1×572×572): about 90 s on 2 cores, so it runs with SCNN_SLOW=1.</summary>
    [TorchFact(Slow = true), Trait("Category", "Numeric")]
    public void UNet_TwinLoadsStrict_AndMatchesForward() => Check(new UNet(1, seed: 3), UNet.PyTorchSource, "UNet", batch: 1);

    /// <summary>Train-mode forwards that fit the running statistics to the input: 0.9^30 ≈ 4 % of the random start is left.</summary>
    private const int CalibrationSteps = 30;

    /// <summary>
    /// Saves <paramref name="net"/>'s checkpoint (random BatchNorm statistics, or with <paramref name="calibrate"/>
    /// statistics fitted to the input), runs <paramref name="className"/> of the Python file <paramref name="twinFile"/>
    /// (or of <paramref name="twinSource"/> written to a file) on it in PyTorch, and compares the outputs.
    /// </summary>
    private void Check(INetwork net, string? twinSource, string className, int batch, string? twinFile = null, bool calibrate = false)
    {
        using var _ = net;
        string dir = Directory.CreateTempSubdirectory("scnn-twin-").FullName;
        try
        {
            // Random running statistics, so that a BatchNorm wired to the wrong tensors shows.
            var rng = new Random(11);
            Span<float> buffers = net.Buffers;
            foreach (TensorInfo t in net.Tensors)
            {
                if (t.Role != TensorRole.Buffer) continue;
                int n = 1; foreach (int d in t.Shape) n *= d;
                for (int i = 0; i < n; i++)
                    buffers[t.Offset + i] = t.Name.EndsWith("running_var", StringComparison.Ordinal) ? 0.5f + (float)rng.NextDouble() : 0.2f * (float)(rng.NextDouble() - 0.5);
            }
            string twin = twinFile ?? Path.Combine(dir, "twin.py"), ckpt = Path.Combine(dir, "ckpt.safetensors");
            string input = Path.Combine(dir, "input.safetensors"), result = Path.Combine(dir, "output.safetensors");
            if (twinFile == null) File.WriteAllText(twin, twinSource!);

            TensorShape s = net.InputShape;
            var x = new float[batch * s.Size];
            for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1);
            if (calibrate)
            {
                var scratch = new float[batch * net.OutputShape.Size];
                for (int step = 0; step < CalibrationSteps; step++) net.ForwardTrain(x, scratch, batch);
            }
            Checkpoint.Save(net, ckpt);
            SafeTensorsFile.Write(input, new[] { new SafeTensor("input", new[] { batch, s.Channels, s.Height, s.Width }, x) });
            var ours = new float[batch * net.OutputShape.Size];
            var sw = Stopwatch.StartNew();
            net.Forward(x, ours, batch);
            long oursMs = sw.ElapsedMilliseconds;

            sw.Restart();
            var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in new[] { Path.Combine(Tools(), "run_pytorch_twin.py"), twin, className, ckpt, input, result }) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            string stderr = p.StandardError.ReadToEnd();
            p.WaitForExit();
            long torchMs = sw.ElapsedMilliseconds;
            Assert.True(p.ExitCode == 0, $"run_pytorch_twin.py exited {p.ExitCode}:\n{stderr}");

            float[] theirs = SafeTensorsFile.Read(result).GetFloats("output");
            string what = $"{className} vs PyTorch: {net.Tensors.Count} tensors; Forward (batch {batch}) {oursMs} ms, PyTorch process {torchMs} ms; ";
            NumericAssert.CloseRelativeToMax(className, theirs, ours, relativeToMax: 1e-5, minReference: 1e-4, s => output.WriteLine(what + s));
        }
        finally { Directory.Delete(dir, true); }
    }
}
