using System.Text.Json;
using Xunit;

namespace StaticCnn.Tests.Support;

/// <summary>
/// Proves that the PyTorch fixtures made by <c>tools/make_fixtures.py</c> are readable and self-consistent
/// (shapes agree with their metadata; conv outputs agree with a naive double-precision convolution built from the
/// metadata's resolved shape, so the metadata means what tests will take it to mean).
/// </summary>
public class FixtureTests
{
    public static TheoryData<string> LayerFiles() => Data(Fixture.List("layers"));
    public static TheoryData<string> NetworkFiles() => Data(Fixture.List("networks"));
    public static TheoryData<string> TrainingFiles() => Data(Fixture.List("training"));

    private static TheoryData<string> Data(IEnumerable<string> files)
    {
        var d = new TheoryData<string>();
        foreach (var f in files) d.Add(f);
        return d;
    }

    private static int[] JsonInts(JsonElement e) => e.EnumerateArray().Select(x => x.GetInt32()).ToArray();

    [Fact]
    public void FixtureFoldersAreCopiedAndNotEmpty()
    {
        Assert.True(Fixture.List("layers").Count() >= 60, $"expected the layer fixtures under {Fixture.Root}");
        Assert.Equal(2, Fixture.List("networks").Count());
        Assert.Equal(4, Fixture.List("training").Count());
    }

    [Fact]
    public void Values_AreCopies_SoATestMayModifyThem()
    {
        var f = Fixture.Load("runtime/optimizers.safetensors"); // tools/make_runtime_fixtures.py
        float[] first = f.Floats("p0");
        float saved = first[0];
        first[0] = saved + 1;
        Assert.Equal(saved, f.Floats("p0")[0]);
        Assert.NotSame(f.Floats("p0"), f.Floats("p0"));
        Assert.Contains(Fixture.Load("runtime/schedules.safetensors").Tensors.Values, t => t.DType == "F64");
    }

    [Theory]
    [MemberData(nameof(LayerFiles))]
    public void LayerFixtureIsConsistent(string file)
    {
        var f = Fixture.Load(file);
        Assert.Equal("tools/make_fixtures.py", f.Meta("made_by"));
        string kind = f.Meta("kind");
        Assert.Equal(kind, f.MetaJson("spec").GetProperty("Kind").GetString());
        Assert.Equal(JsonInts(f.MetaJson("output_shape")), f.Shape("output"));
        Assert.Equal(f.Shape("output"), f.Shape("grad_output"));
        var inputShape = f.MetaJson("input_shape");
        if (f.Has("input"))
        {
            Assert.Equal(JsonInts(inputShape), f.Shape("input"));
            Assert.Equal(f.Shape("input"), f.Shape("grad_input"));
        }
        else
        {
            int i = 0;
            foreach (var s in inputShape.EnumerateArray())
            {
                Assert.Equal(JsonInts(s), f.Shape($"input.{i}"));
                Assert.Equal(JsonInts(s), f.Shape($"grad_input.{i}"));
                i++;
            }
            Assert.True(i >= 2);
        }
        foreach (var name in f.Names.Where(n => n.StartsWith("grad.layer.", StringComparison.Ordinal)))
            Assert.Equal(f.Shape(name["grad.".Length..]), f.Shape(name));
        foreach (var name in f.Names)
            Assert.All(f[name].Data.Cast<object>(), v => Assert.False(v is float x && !float.IsFinite(x), $"{name} has a non-finite value"));

        switch (kind)
        {
            case "Conv2D": CheckConv(f); break;
            case "MaxPool2D": CheckMaxPool(f); break;
            case "Dense":
                var s = f.MetaJson("shape");
                Assert.Equal(new[] { s.GetProperty("Out").GetInt32(), s.GetProperty("In").GetInt32() }, f.Shape("layer.weight"));
                Assert.Equal(s.GetProperty("HasBias").GetBoolean(), f.Has("layer.bias"));
                break;
            case "BatchNorm2D":
                Assert.True(f.Has("running_mean_after") && f.Has("running_var_after") && f.Has("layer.running_var"));
                if (f.Meta("training") == "true") Assert.True(f.Has("save_mean") && f.Has("save_invstd"));
                else Assert.Equal(f.Floats("layer.running_mean"), f.Floats("running_mean_after"));
                break;
        }
    }

    /// <summary>output == act(naive conv(input)) using only the metadata's resolved shape (low-side padding etc.).</summary>
    private static void CheckConv(Fixture f)
    {
        var s = f.MetaJson("shape");
        int G(string k) => s.GetProperty(k).GetInt32();
        int inC = G("InC"), inH = G("InH"), inW = G("InW"), outC = G("OutC"), outH = G("OutH"), outW = G("OutW");
        int kh = G("KH"), kw = G("KW"), sh = G("StrideH"), sw = G("StrideW"), ph = G("PadH"), pw = G("PadW");
        int dh = G("DilationH"), dw = G("DilationW"), groups = G("Groups");
        bool hasBias = s.GetProperty("HasBias").GetBoolean();
        string act = s.GetProperty("Activation").GetString()!;
        int n = f.Shape("input")[0], cpg = inC / groups, opg = outC / groups;
        Assert.Equal(new[] { outC, cpg, kh, kw }, f.Shape("layer.weight"));
        Assert.Equal(new[] { n, outC, outH, outW }, f.Shape("output"));
        Assert.Equal(hasBias, f.Has("layer.bias"));
        float[] x = f.Floats("input"), w = f.Floats("layer.weight"), y = f.Floats("output");
        float[]? b = hasBias ? f.Floats("layer.bias") : null;
        double maxErr = 0;
        for (int ni = 0; ni < n; ni++)
        for (int oc = 0; oc < outC; oc++)
        for (int oh = 0; oh < outH; oh++)
        for (int ow = 0; ow < outW; ow++)
        {
            double acc = b?[oc] ?? 0;
            int g = oc / opg;
            for (int ic = 0; ic < cpg; ic++)
            for (int i = 0; i < kh; i++)
            for (int j = 0; j < kw; j++)
            {
                int ih = oh * sh - ph + i * dh, iw = ow * sw - pw + j * dw;
                if (ih < 0 || ih >= inH || iw < 0 || iw >= inW) continue;
                acc += (double)x[((ni * inC + g * cpg + ic) * inH + ih) * inW + iw] * w[((oc * cpg + ic) * kh + i) * kw + j];
            }
            double v = act switch
            {
                "ReLU" => Math.Max(acc, 0), "LeakyReLU" => acc > 0 ? acc : 0.01 * acc,
                "Sigmoid" => 1 / (1 + Math.Exp(-acc)), "Tanh" => Math.Tanh(acc), "ReLU6" => Math.Clamp(acc, 0, 6),
                "None" => acc,
                _ => throw new Xunit.Sdk.XunitException($"{f}: the naive conv check does not know the activation {act}"),
            };
            maxErr = Math.Max(maxErr, Math.Abs(v - y[((ni * outC + oc) * outH + oh) * outW + ow]));
        }
        Assert.True(maxErr < 1e-4, $"{f}: naive conv differs from the fixture's output by {maxErr}");
    }

    private static void CheckMaxPool(Fixture f)
    {
        int[] shp = f.Shape("input"), o = f.Shape("output");
        Assert.Equal("I64", f["indices"].DType);
        Assert.Equal(o, f.Shape("indices"));
        float[] x = f.Floats("input"), y = f.Floats("output");
        int[] idx = f.Ints("indices");
        int plane = shp[2] * shp[3], outPlane = o[2] * o[3];
        for (int i = 0; i < y.Length; i++)
        {
            Assert.InRange(idx[i], 0, plane - 1);
            Assert.Equal(y[i], x[i / outPlane * plane + idx[i]]);
        }
    }

    [Theory]
    [MemberData(nameof(NetworkFiles))]
    public void NetworkFixtureIsConsistent(string file)
    {
        var f = Fixture.Load(file);
        Assert.Equal("tools/make_fixtures.py", f.Meta("made_by"));
        var parameters = f.MetaJson("parameters").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains("conv1.weight", parameters);
        foreach (var p in parameters) Assert.Equal(f.Shape(p), f.Shape("grad." + p));
        int n = f.Shape("input")[0];
        Assert.Equal(new[] { n }, f.Shape("labels"));
        Assert.Equal(new[] { n, 10 }, f.Shape("logits"));
        Assert.Equal(f.Shape("input"), f.Shape("grad_input"));
        // the stored loss is the mean cross-entropy of the stored logits
        float[] logits = f.Floats("logits");
        long[] labels = f.Longs("labels");
        double loss = 0;
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * 10, 10);
            double max = double.NegativeInfinity, sum = 0;
            foreach (float v in row) max = Math.Max(max, v);
            foreach (float v in row) sum += Math.Exp(v - max);
            loss += max + Math.Log(sum) - row[(int)labels[i]];
        }
        Assert.Equal(loss / n, f.Floats("loss")[0], 5);
    }

    [Theory]
    [MemberData(nameof(TrainingFiles))]
    public void TrainingFixtureIsConsistent(string file)
    {
        var f = Fixture.Load(file);
        Assert.Equal("tools/make_fixtures.py", f.Meta("made_by"));
        if (f.Has("losses"))
        {
            Assert.Equal(new[] { 20, 8, 1, 28, 28 }, f.Shape("inputs"));
            Assert.Equal(new[] { 20, 8 }, f.Shape("labels"));
            Assert.Equal(20, f["losses"].Count);
            foreach (var p in f.MetaJson("parameters").EnumerateArray().Select(e => e.GetString()!))
            {
                Assert.Equal(f.Shape("init." + p), f.Shape("final." + p));
                Assert.Equal(f.Shape("init." + p), f.Shape("step1." + p));
            }
            Assert.All(f.Floats("inputs"), v => Assert.InRange(v, 0f, 1f));
        }
        else if (f.Has("logits"))
        {
            Assert.Equal(new[] { 32, 10 }, f.Shape("logits"));
            float[] logits = f.Floats("logits");
            long[] pred = f.Longs("predictions");
            for (int i = 0; i < 32; i++)
            {
                var row = logits.AsSpan(i * 10, 10);
                int best = 0;
                for (int k = 1; k < 10; k++) if (row[k] > row[best]) best = k;
                Assert.Equal(best, pred[i]);
            }
            Assert.InRange(double.Parse(f.Meta("test_accuracy"), System.Globalization.CultureInfo.InvariantCulture), 0.5, 1.0);
        }
        else
        {
            Assert.Equal(new[] { 6, 1, 5, 5 }, f.Shape("conv1.weight"));
            Assert.Equal(new[] { 10, 84 }, f.Shape("fc3.weight"));
        }
    }
}
