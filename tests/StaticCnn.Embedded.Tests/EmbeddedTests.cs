using System.Runtime.CompilerServices;
using EmbeddedClassifier;
using Xunit;

namespace StaticCnn.Embedded.Tests;

/// <summary>The LeNet-5 of samples/EmbeddedClassifier with lenet5.safetensors baked in at build time.</summary>
public class EmbeddedTests
{
    private static string Repo([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));

    private static float[] Inputs(int batch, int seed)
    {
        var rng = new Random(seed);
        var x = new float[batch * LeNet5.InputSize];
        for (int i = 0; i < x.Length; i++) x[i] = rng.Next(256) / 255f;
        return x;
    }

    [Fact]
    public void EmbeddedParameters_AreTheValuesOfTheWeightsFile()
    {
        var file = Fixture.LoadFile(Path.Combine(Repo(), "samples/EmbeddedClassifier/lenet5.safetensors"));
        Assert.Equal(LeNet5.ParameterCount, LeNet5.EmbeddedParameters.Length);
        foreach (TensorInfo t in LeNet5.TensorInfos)
        {
            Assert.True(file.Has(t.Name), t.Name);
            Assert.Equal(t.Shape, file.Shape(t.Name));
            float[] data = file.Floats(t.Name);
            Assert.True(data.AsSpan().SequenceEqual(LeNet5.EmbeddedParameters.Slice(t.Offset, data.Length)), t.Name);
        }
    }

    [Fact]
    public void Instance_StartsWithTheEmbeddedWeights()
    {
        using var net = new LeNet5(maxBatch: 2, seed: 123);
        Assert.True(net.Parameters.SequenceEqual(LeNet5.EmbeddedParameters));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void StaticInfer_EqualsInstanceForward(int batch)
    {
        float[] x = Inputs(batch, batch);
        using var net = new LeNet5(maxBatch: 8);
        var expected = new float[batch * LeNet5.OutputSize];
        net.Forward(x, expected, batch);

        var output = new float[batch * LeNet5.OutputSize];
        var workspace = new float[LeNet5.InferWorkspaceFloats(batch)];
        LeNet5.Infer(x, output, workspace, batch);
        Assert.Equal(expected, output);

        var viaSpans = new float[batch * LeNet5.OutputSize];
        LeNet5.Infer(net.Parameters, net.Buffers, x, viaSpans, workspace, batch);
        Assert.Equal(expected, viaSpans);
    }

    [Fact]
    public void StaticInfer_AllocatesNothing()
    {
        float[] x = Inputs(4, 1);
        var output = new float[4 * LeNet5.OutputSize];
        var workspace = new float[LeNet5.InferWorkspaceFloats(4)];
        for (int i = 0; i < 3; i++) { LeNet5.Infer(x, output, workspace, 4); LeNet5.Infer(x.AsSpan(0, LeNet5.InputSize), output.AsSpan(0, LeNet5.OutputSize), workspace, 1); }
        long allocated = Allocations.PerRun(() =>
        {
            for (int i = 0; i < 100; i++) { LeNet5.Infer(x, output, workspace, 4); LeNet5.Infer(x.AsSpan(0, LeNet5.InputSize), output.AsSpan(0, LeNet5.OutputSize), workspace, 1); }
        });
#if DEBUG
        // Unoptimized code does not expand the span-over-RVA-data intrinsic behind EmbeddedParameters: each read
        // allocates a small runtime field handle object (72 bytes on .NET 10). Optimized builds allocate nothing.
        Assert.InRange(allocated, 0, 200 * 128);
#else
        Assert.Equal(0, allocated);
#endif
    }

    [Fact]
    public void InstanceForward_AllocatesNothing()
    {
        float[] x = Inputs(4, 2);
        var output = new float[4 * LeNet5.OutputSize];
        using var net = new LeNet5(maxBatch: 4);
        for (int i = 0; i < 3; i++) net.Forward(x, output, 4);
        Assert.Equal(0, Allocations.PerRun(() =>
        {
            for (int i = 0; i < 100; i++) net.Forward(x, output, 4);
        }));
    }

    /// <summary>
    /// Embedded-weights networks get the per-thread inference contexts too: four threads, one context each, on one
    /// instance; every result equals the static Infer on the embedded weights.
    /// </summary>
    [Fact]
    public void InferenceContexts_OnFourThreads_EqualStaticInfer()
    {
        const int batch = 3;
        float[] x = Inputs(batch, 9);
        var expected = new float[batch * LeNet5.OutputSize];
        LeNet5.Infer(x, expected, new float[LeNet5.InferWorkspaceFloats(batch)], batch);
        using var net = new LeNet5(maxBatch: 1);
        int wrong = 0;
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, _ =>
        {
            using IInferenceContext ctx = net.CreateInferenceContext(maxBatch: batch);
            var y = new float[expected.Length];
            for (int i = 0; i < 500; i++)
            {
                ctx.Forward(x, y, batch);
                if (!y.AsSpan().SequenceEqual(expected)) Interlocked.Increment(ref wrong);
            }
        });
        Assert.Equal(0, wrong);
    }

    [Fact]
    public void StaticInfer_ChecksItsArguments()
    {
        var x = new float[LeNet5.InputSize];
        var y = new float[LeNet5.OutputSize];
        var small = new float[LeNet5.InferWorkspaceFloats(1) - 1];
        Assert.Throws<ArgumentException>(() => LeNet5.Infer(x, y, small, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeNet5.Infer(x, y, new float[LeNet5.InferWorkspaceFloats(1)], 0));
        Assert.Throws<ArgumentException>(() => LeNet5.Infer(x, new float[3], new float[LeNet5.InferWorkspaceFloats(1)], 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LeNet5.InferWorkspaceFloats(LeNet5.MaxInferBatch + 1));
    }

    [Fact]
    public void CHeader_EqualsTheCommittedHeader()
    {
        // SCNN_UPDATE_GOLDEN=1 rewrites samples/NativeLib/lenet5.h (as the generator tests' golden files); then review git diff.
        string path = Path.Combine(Repo(), "samples/NativeLib/lenet5.h");
        string actual = LeNet5.CHeader;
        if (Environment.GetEnvironmentVariable("SCNN_UPDATE_GOLDEN") == "1")
        {
            if (!File.Exists(path) || File.ReadAllText(path) != actual) File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} does not exist; run with SCNN_UPDATE_GOLDEN=1 to create it");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(expected == actual, $"{path} differs from LeNet5.CHeader (rerun with SCNN_UPDATE_GOLDEN=1 to accept):\n--- committed\n{expected}\n--- generated\n{actual}");
    }

    [Fact]
    public void CHeader_DefinesTheSizesAndPrototypes()
    {
        string h = LeNet5.CHeader;
        Assert.Contains("#define LENET5_INPUT_SIZE 784 ", h);
        Assert.Contains("#define LENET5_OUTPUT_SIZE 10 ", h);
        Assert.Contains("#define LENET5_PARAMETER_COUNT 61706\n", h);
        Assert.Contains("int lenet5_forward(const float* input, float* output, int batch);", h);
        Assert.Contains("long long lenet5_workspace_floats(int batch);", h);
    }
}
