using System.Runtime.CompilerServices;
using NativeLib;
using Xunit;

namespace StaticCnn.Embedded.Tests;

/// <summary>
/// Embedded weights on a network with two inputs and two outputs (samples/NativeLib/Siamese.cs, shared parameters) and
/// on a one-input sequence network (<see cref="Tdnn"/>): the static <c>Infer</c> takes every input and output, equals
/// the instance Forward bit for bit and PyTorch (tests/Fixtures/multi, made by tools/make_multi_fixtures.py), and the
/// C header names every port.
/// </summary>
[Trait("Category", "Numeric")]
public class MultiIOEmbeddedTests
{
    private static string Repo([CallerFilePath] string here = "") => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", ".."));
    private static StaticCnn.Tests.Support.Fixture Load(string name)
        => StaticCnn.Tests.Support.Fixture.LoadFile(Path.Combine(Repo(), "tests/Fixtures/multi", name));

    /// <summary>|a − e| ≤ 1e-5·|e| + 1e-5·max|e| per element (the bound of the network parity tests).</summary>
    private static void AssertClose(string what, float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        float scale = expected.Max(Math.Abs);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(actual[i] - expected[i]) <= 1e-5f * Math.Abs(expected[i]) + 1e-5f * scale, $"{what}[{i}]: {actual[i]:R}, PyTorch {expected[i]:R}");
    }

    [Fact]
    public void Siamese_EmbeddedParameters_AreTheFileValues_SharedOnce()
    {
        var file = Load("siamese.safetensors");
        Assert.Equal(new[] { "conv_l.weight", "conv_l.bias", "embed_l.weight", "embed_l.bias" }, Siamese.TensorInfos.Select(t => t.Name));
        Assert.Equal(Siamese.ParameterCount, Siamese.EmbeddedParameters.Length);
        foreach (TensorInfo t in Siamese.TensorInfos)
            Assert.True(file.Floats(t.Name).AsSpan().SequenceEqual(Siamese.EmbeddedParameters.Slice(t.Offset, t.Length)), t.Name);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Siamese_StaticInfer_EqualsInstanceForward_AndPyTorch(int batch)
    {
        var f = Load("siamese.safetensors");
        float[] left = f.Floats("left")[..(batch * Siamese.LeftSize)], right = f.Floats("right")[..(batch * Siamese.RightSize)];
        using var net = new Siamese(maxBatch: 3);
        var el = new float[batch * Siamese.EmbedLSize];
        var er = new float[batch * Siamese.EmbedRSize];
        net.Forward(left, right, el, er, batch);

        var workspace = new float[Siamese.InferWorkspaceFloats(batch)];
        var sl = new float[el.Length];
        var sr = new float[er.Length];
        Siamese.Infer(left, right, sl, sr, workspace, batch);
        Assert.Equal(el, sl); // bit for bit: xunit compares floats exactly
        Assert.Equal(er, sr);

        var al = new float[el.Length];
        var ar = new float[er.Length];
        Siamese.Infer(net.Parameters, net.Buffers, left, right, al, ar, workspace, batch);
        Assert.Equal(el, al);
        Assert.Equal(er, ar);

        AssertClose("embed_l", f.Floats("embed_l")[..el.Length], sl);
        AssertClose("embed_r", f.Floats("embed_r")[..er.Length], sr);
        Assert.NotEqual(sl, sr); // different images: the two outputs are not one tensor written twice
    }

    [Fact]
    public void Siamese_StaticInfer_ArgumentErrorsNameTheParameter()
    {
        float[] l = new float[Siamese.LeftSize], r = new float[Siamese.RightSize], el = new float[Siamese.EmbedLSize], er = new float[Siamese.EmbedRSize];
        var ws = new float[Siamese.InferWorkspaceFloats(1)];
        string Name(Action a) => Assert.ThrowsAny<ArgumentException>(a).ParamName!;
        Assert.Equal("left", Name(() => Siamese.Infer(new float[1], r, el, er, ws, 1)));
        Assert.Equal("right", Name(() => Siamese.Infer(l, new float[Siamese.RightSize + 1], el, er, ws, 1)));
        Assert.Equal("embedL", Name(() => Siamese.Infer(l, r, new float[2], er, ws, 1)));
        Assert.Equal("embedR", Name(() => Siamese.Infer(l, r, el, new float[Siamese.EmbedRSize * 2], ws, 1)));
        Assert.Equal("workspace", Name(() => Siamese.Infer(l, r, el, er, new float[ws.Length - 1], 1)));
        Assert.Equal("batch", Name(() => Siamese.Infer(l, r, el, er, ws, 0)));
        Assert.Equal("batch", Name(() => Siamese.Infer(l, r, el, er, ws, Siamese.MaxInferBatch + 1)));
        Assert.Equal("parameters", Name(() => Siamese.Infer(new float[3], Siamese.EmbeddedBuffers, l, r, el, er, ws, 1)));
        Assert.Contains("batch × 144", Assert.Throws<ArgumentException>(() => Siamese.Infer(l, new float[1], el, er, ws, 1)).Message);
    }

    [Fact]
    public void Siamese_StaticInfer_AllocatesNothing()
    {
        var f = Load("siamese.safetensors");
        float[] left = f.Floats("left"), right = f.Floats("right");
        float[] el = new float[3 * Siamese.EmbedLSize], er = new float[3 * Siamese.EmbedRSize];
        var ws = new float[Siamese.InferWorkspaceFloats(3)];
        for (int i = 0; i < 3; i++) Siamese.Infer(left, right, el, er, ws, 3);
        long allocated = Allocations.PerRun(() =>
        {
            for (int i = 0; i < 100; i++) Siamese.Infer(left, right, el, er, ws, 3);
        });
#if DEBUG
        Assert.InRange(allocated, 0, 200 * 128); // see EmbeddedTests.StaticInfer_AllocatesNothing
#else
        Assert.Equal(0, allocated);
#endif
    }

    [Fact]
    public void Siamese_CHeader_EqualsTheCommittedHeader()
        => AssertGolden(Path.Combine(Repo(), "samples/NativeLib/siamese.h"), Siamese.CHeader);

    [Fact]
    public void Siamese_CHeader_NamesEveryInputAndOutput()
    {
        string h = Siamese.CHeader;
        Assert.Contains("#define SIAMESE_LEFT_SIZE 144 /* 1 x 12 x 12 (C x H x W) */\n", h);
        Assert.Contains("#define SIAMESE_RIGHT_SIZE 144 /* 1 x 12 x 12 (C x H x W) */\n", h);
        Assert.Contains("#define SIAMESE_EMBED_L_SIZE 8 /* 8 (F) */\n", h);
        Assert.Contains("#define SIAMESE_EMBED_R_SIZE 8 /* 8 (F) */\n", h);
        Assert.Contains("#define SIAMESE_INPUT_COUNT 2\n", h);
        Assert.Contains("#define SIAMESE_PARAMETER_COUNT 848\n", h);
        Assert.Contains("int siamese_forward(const float* left, const float* right, float* embed_l, float* embed_r, int batch);", h);
        Assert.Contains("int siamese_forward_ws(const float* left, const float* right, float* embed_l, float* embed_r, int batch, float* workspace, long long workspace_floats);", h);
        Assert.Contains("int siamese_embed_r_size(void);", h);
        Assert.DoesNotContain("SIAMESE_INPUT_CHANNELS", h);
    }

    [Fact]
    public void Tdnn_SequenceInput_InferEqualsForwardAndPyTorchEval()
    {
        var f = Load("tdnn.safetensors");
        int batch = f.Shape("input")[0];
        float[] x = f.Floats("input");
        using var net = new Tdnn(maxBatch: batch);
        var expected = new float[batch * Tdnn.OutputSize];
        net.Forward(x, expected, batch);
        var y = new float[expected.Length];
        Tdnn.Infer(x, y, new float[Tdnn.InferWorkspaceFloats(batch)], batch);
        Assert.Equal(expected, y);
        AssertClose("output_eval", f.Floats("output_eval"), y); // eval mode: the running statistics baked in from the file
    }

    [Fact]
    public void Tdnn_CHeader_SizesAndDimsForRank2And1()
    {
        string h = Tdnn.CHeader;
        Assert.Contains(" * input input batch x 8 x 200;\n * output output batch x 5. */\n", h);
        Assert.Contains("#define TDNN_INPUT_SIZE 1600 /* 8 x 200 (C x L) */\n", h);
        Assert.Contains("#define TDNN_OUTPUT_SIZE 5 /* 5 (F) */\n", h);
        Assert.Contains("int tdnn_forward(const float* input, float* output, int batch);", h);
        Assert.Contains("int tdnn_input_size(void);", h);
        Assert.DoesNotContain("_CHANNELS", h);
        Assert.DoesNotContain("_HEIGHT", h);
    }

    /// <summary>SCNN_UPDATE_GOLDEN=1 rewrites the file (as the generator tests' golden files); then review git diff.</summary>
    private static void AssertGolden(string path, string actual)
    {
        if (Environment.GetEnvironmentVariable("SCNN_UPDATE_GOLDEN") == "1")
        {
            if (!File.Exists(path) || File.ReadAllText(path) != actual) File.WriteAllText(path, actual);
            return;
        }
        Assert.True(File.Exists(path), $"{path} does not exist; run with SCNN_UPDATE_GOLDEN=1 to create it");
        string expected = File.ReadAllText(path).Replace("\r\n", "\n");
        Assert.True(expected == actual, $"{path} differs from the generated CHeader (rerun with SCNN_UPDATE_GOLDEN=1 to accept):\n--- committed\n{expected}\n--- generated\n{actual}");
    }
}
