using StaticCnn.Kernels;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Networks;

// The multi-input fixtures feed independent tensors to Concat/Add. A one-input network reaches them through 1×1
// "selector" convolutions: the network input is the channel-stack of input.0, input.1, …, and selector k has weight 1
// from channel (offset_k + i) to its output channel i and 0 elsewhere, no bias. x·1 + 0·… is exact in float32, and so is
// the backward (dy·1 + 0·…), so the network reproduces the fixture bit for bit around the layer under test.

/// <summary>concat_2 through selectors: input = stack(input.0 [3], input.1 [5]) at 4×4.</summary>
[Network(InputChannels = 8, InputHeight = 4, InputWidth = 4)]
public partial class Concat2Selectors
{
    [Conv2D(3, Kernel = 1, Bias = false)] public partial Layer In0 { get; }
    [Conv2D(5, Kernel = 1, Bias = false, From = "Input")] public partial Layer In1 { get; }
    [Concat(nameof(In0), nameof(In1), Name = "layer")] public partial Layer Cat { get; }
}

/// <summary>concat_3 through selectors: input = stack(input.0 [2], input.1 [1], input.2 [4]) at 3×5.</summary>
[Network(InputChannels = 7, InputHeight = 3, InputWidth = 5)]
public partial class Concat3Selectors
{
    [Conv2D(2, Kernel = 1, Bias = false)] public partial Layer In0 { get; }
    [Conv2D(1, Kernel = 1, Bias = false, From = "Input")] public partial Layer In1 { get; }
    [Conv2D(4, Kernel = 1, Bias = false, From = "Input")] public partial Layer In2 { get; }
    [Concat(nameof(In0), nameof(In1), nameof(In2), Name = "layer")] public partial Layer Cat { get; }
}

/// <summary>add_2 through selectors: input = stack(input.0 [3], input.1 [3]) at 4×4.</summary>
[Network(InputChannels = 6, InputHeight = 4, InputWidth = 4)]
public partial class Add2Selectors
{
    [Conv2D(3, Kernel = 1, Bias = false)] public partial Layer In0 { get; }
    [Conv2D(3, Kernel = 1, Bias = false, From = "Input")] public partial Layer In1 { get; }
    [Add(nameof(In0), nameof(In1), Name = "layer")] public partial Layer Sum { get; }
}

/// <summary>add_3_relu through selectors: input = stack(input.0, input.1, input.2 [3 each]) at 4×4.</summary>
[Network(InputChannels = 9, InputHeight = 4, InputWidth = 4)]
public partial class Add3ReluSelectors
{
    [Conv2D(3, Kernel = 1, Bias = false)] public partial Layer In0 { get; }
    [Conv2D(3, Kernel = 1, Bias = false, From = "Input")] public partial Layer In1 { get; }
    [Conv2D(3, Kernel = 1, Bias = false, From = "Input")] public partial Layer In2 { get; }
    [Add(nameof(In0), nameof(In1), nameof(In2), Activation = Activation.ReLU, Name = "layer")] public partial Layer Sum { get; }
}

/// <summary>
/// The multi-input layer cases of tests/Fixtures/layers (tools/make_fixtures.py): concat_2, concat_3, add_2,
/// add_3_relu, (1) at the kernel level through the docs/KERNELS.md calls the generator emits for Concat and Add, fast
/// and reference, and (2) through generated networks with selector convolutions. Concat is a copy and the sums are
/// the same left-to-right float32 additions as PyTorch's, so the bound is the fixture's f32_vs_f64 one (0 for Concat).
/// </summary>
[Trait("Category", "Numeric")]
public sealed class MultiInputParityTests
{
    public static IEnumerable<object[]> Cases()
        => new[] { "concat_2", "concat_3", "add_2", "add_3_relu" }.SelectMany(c => new[] { new object[] { c, false }, new object[] { c, true } });

    private static (Fixture F, int Count, int Batch, int[] Channels, int Spatial) Load(string name)
    {
        Fixture f = Fixture.Load($"layers/{name}.safetensors");
        int count = 0;
        while (f.Has($"input.{count}")) count++;
        int[] s0 = f.Shape("input.0");
        int[] channels = Enumerable.Range(0, count).Select(k => f.Shape($"input.{k}")[1]).ToArray();
        return (f, count, s0[0], channels, s0[2] * s0[3]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelsMatchPyTorch(string name, bool reference)
    {
        var (f, count, batch, channels, spatial) = Load(name);
        bool concat = f.Meta("kind") == "Concat";
        float[] dy = (float[])f.Floats("grad_output").Clone();
        var y = new float[f.Floats("output").Length];
        var dx = Enumerable.Range(0, count).Select(k => new float[f.Floats($"input.{k}").Length]).ToArray();
        if (concat)
        {
            int outC = channels.Sum(), offset = 0;
            for (int k = 0; k < count; k++)
            {
                if (reference) Concat.ForwardReference(channels[k], offset, outC, spatial, f.Floats($"input.{k}"), y, batch);
                else Concat.Forward(channels[k], offset, outC, spatial, f.Floats($"input.{k}"), y, batch);
                if (reference) Concat.BackwardReference(channels[k], offset, outC, spatial, dy, dx[k], batch);
                else Concat.Backward(channels[k], offset, outC, spatial, dy, dx[k], batch);
                offset += channels[k];
            }
        }
        else
        {
            var act = JsonAct(f);
            if (reference) Elementwise.CopyReference(f.Floats("input.0"), y); else Elementwise.Copy(f.Floats("input.0"), y);
            for (int k = 1; k < count; k++)
                if (reference) Elementwise.AddIntoReference(f.Floats($"input.{k}"), y); else Elementwise.AddInto(f.Floats($"input.{k}"), y);
            if (act != Activation.None)
            {
                if (reference) Activations.ApplyForwardReference(act, Activations.DefaultLeakySlope, y);
                else Activations.ApplyForward(act, Activations.DefaultLeakySlope, y);
                if (reference) Activations.ApplyDerivativeReference(act, Activations.DefaultLeakySlope, y, dy);
                else Activations.ApplyDerivative(act, Activations.DefaultLeakySlope, y, dy);
            }
            for (int k = 0; k < count; k++)
                if (reference) Elementwise.AddIntoReference(dy, dx[k]); else Elementwise.AddInto(dy, dx[k]);
        }
        NumericAssert.Close("output", f.Floats("output"), y, 1e-5, Parity.Atol(f, "output"));
        for (int k = 0; k < count; k++)
            NumericAssert.Close($"grad_input.{k}", f.Floats($"grad_input.{k}"), dx[k], 1e-5, Parity.Atol(f, $"grad_input.{k}"));
    }

    private static Activation JsonAct(Fixture f)
        => f.MetaJson("shape").TryGetProperty("Activation", out var a) ? Enum.Parse<Activation>(a.GetString()!) : Activation.None;

    [Theory]
    [MemberData(nameof(Cases))]
    public void GeneratedNetworksMatchPyTorch(string name, bool reference)
    {
        var (f, count, batch, channels, spatial) = Load(name);
        Type type = name switch
        {
            "concat_2" => typeof(Concat2Selectors), "concat_3" => typeof(Concat3Selectors),
            "add_2" => typeof(Add2Selectors), _ => typeof(Add3ReluSelectors),
        };
        using INetwork net = Parity.Create(type, batch);
        Parity.SetReferenceKernels(net, reference);
        int total = channels.Sum();
        Assert.Equal(total * spatial, net.InputSize);

        // Selector weights: [Ck, total, 1, 1] with a 1 at (i, offset_k + i).
        int offset = 0;
        for (int k = 0; k < count; k++)
        {
            Span<float> w = net.Layers[k].FirstTensor >= 0 ? Parity.Tensor(net, net.Tensors[net.Layers[k].FirstTensor].Name) : default;
            Assert.Equal(channels[k] * total, w.Length);
            w.Clear();
            for (int i = 0; i < channels[k]; i++) w[i * total + offset + i] = 1f;
            offset += channels[k];
        }

        // input = per sample, input.0's channels, then input.1's, …
        var input = new float[batch * total * spatial];
        offset = 0;
        for (int k = 0; k < count; k++)
        {
            float[] xk = f.Floats($"input.{k}");
            for (int n = 0; n < batch; n++)
                xk.AsSpan(n * channels[k] * spatial, channels[k] * spatial).CopyTo(input.AsSpan((n * total + offset) * spatial));
            offset += channels[k];
        }

        var output = new float[f.Floats("output").Length];
        net.ForwardTrain(input, output, batch);
        NumericAssert.Close("output", f.Floats("output"), output, 1e-5, Parity.Atol(f, "output"));
        var dInput = new float[input.Length];
        net.Backward(f.Floats("grad_output"), dInput);
        offset = 0;
        for (int k = 0; k < count; k++)
        {
            var dk = new float[f.Floats($"grad_input.{k}").Length];
            for (int n = 0; n < batch; n++)
                dInput.AsSpan((n * total + offset) * spatial, channels[k] * spatial).CopyTo(dk.AsSpan(n * channels[k] * spatial));
            NumericAssert.Close($"grad_input.{k}", f.Floats($"grad_input.{k}"), dk, 1e-5, Parity.Atol(f, $"grad_input.{k}"));
            offset += channels[k];
        }
    }
}
