using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>
/// The PyTorch twin (<c>PyTorchSource</c>, generator/StaticCnn.Generator/Emit/PyTorchEmitter.cs) of LeNet-5 and of the
/// residual graph, compared with Golden/*.pytorch.py. Rerun with SCNN_UPDATE_GOLDEN=1 to accept a change. The twin's
/// numbers against PyTorch are checked in tests/StaticCnn.Tests (PyTorchTwinTests), where torch is installed.
/// </summary>
public class PyTorchTwinGoldenTests
{
    private static string Twin(string source, string typeName)
    {
        GeneratorRun run = GeneratorHarness.Run(source).AssertClean();
        using LoadedAssembly asm = run.Load();
        return asm.Static<string>(typeName, "PyTorchSource");
    }

    [Fact]
    public void LeNet5() => Golden.Verify("LeNet5.pytorch.py", Twin(Specs.LeNet5, "TestNets.LeNet5"));

    [Fact]
    public void ResidualGraph() => Golden.Verify("ResidualNet.pytorch.py", Twin(Specs.Residual, "TestNets.ResidualNet"));
}
