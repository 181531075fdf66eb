using StaticCnn.Kernels;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// NaN and ±Inf travel through every kernel as in PyTorch: the reference values are PyTorch 1.13's, in
/// <c>tests/Fixtures/nonfinite/</c>, made by <c>tools/make_fixtures.py --only nonfinite</c>. Each fast entry point and its
/// reference twin is checked, at 1 and 2 threads; test.sh re-runs this class on the AVX2 and Vector128 paths.
/// A NaN expected must be NaN, a ±Inf expected must be the same infinity, a finite value must be finite and close.
/// The one documented difference: a convolution whose algorithm adds and subtracts inputs before multiplying them
/// (the Winograd transforms) may give NaN where the direct sum gives ±Inf (∞ − ∞ inside the transform), and so NaN
/// after a ReLU where PyTorch has relu(−∞) = 0. NaN inputs and finite outputs are exact on every path.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class NonFiniteTests
{
    private readonly ITestOutputHelper _out;
    public NonFiniteTests(ITestOutputHelper output) => _out = output;

    private static readonly Lazy<Fixture> F = new(() => Fixture.Load("nonfinite/nan_propagation.safetensors"));

    /// <summary>Counts the ±Inf-expected positions that came out NaN when <paramref name="infMayBeNaN"/>; throws on any other mismatch.</summary>
    internal static int AssertSame(string what, ReadOnlySpan<float> expected, ReadOnlySpan<float> actual, double rtol = 1e-5, double atol = 1e-5,
        bool infMayBeNaN = false)
    {
        Assert.Equal(expected.Length, actual.Length);
        int lenient = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            bool ok;
            if (float.IsNaN(e)) ok = float.IsNaN(a);
            else if (float.IsInfinity(e)) { ok = a == e || (infMayBeNaN && float.IsNaN(a)); if (ok && a != e) lenient++; }
            else ok = float.IsFinite(a) && Math.Abs(e - a) <= atol + rtol * Math.Abs(e);
            if (!ok) throw new Xunit.Sdk.XunitException($"{what}[{i}]: PyTorch {e:R}, got {a:R}");
        }
        return lenient;
    }

    public static TheoryData<string, int> Acts => new()
    {
        { "relu", (int)Activation.ReLU }, { "leaky_relu", (int)Activation.LeakyReLU },
        { "sigmoid", (int)Activation.Sigmoid }, { "tanh", (int)Activation.Tanh }, { "relu6", (int)Activation.ReLU6 },
    };

    public static TheoryData<string, int> InputActs => new() { { "hardswish", (int)Activation.Hardswish }, { "silu", (int)Activation.SiLU } };

    [Theory, MemberData(nameof(InputActs))]
    public void Activations_with_a_derivative_from_the_input_match_PyTorch(string name, int kind)
    {
        var act = (Activation)kind;
        float[] x = F.Value.Floats("act.x"), gy = F.Value.Floats("act.grad_output");
        float[] y = F.Value.Floats($"{name}.y"), gx = F.Value.Floats($"{name}.grad_input");
        Assert.Contains(y, float.IsNaN);   // hardswish(−∞) and silu(−∞) are NaN in PyTorch, as well as f(NaN)

        var fast = new float[x.Length]; Activations.Forward(act, 0f, x, fast); AssertSame("Forward", y, fast);
        var refr = new float[x.Length]; Activations.ForwardReference(act, 0f, x, refr); AssertSame("ForwardReference", y, refr);
        var dx = new float[x.Length]; Activations.BackwardFromInput(act, x, gy, dx); AssertSame("BackwardFromInput", gx, dx);
        dx = new float[x.Length]; Activations.BackwardFromInputReference(act, x, gy, dx); AssertSame("BackwardFromInputReference", gx, dx);
    }

    [Theory, MemberData(nameof(Acts))]
    public void Activations_forward_and_backward_match_PyTorch(string name, int kind)
    {
        var act = (Activation)kind;
        float slope = Activations.DefaultLeakySlope;
        float[] x = F.Value.Floats("act.x"), gy = F.Value.Floats("act.grad_output");
        float[] y = F.Value.Floats($"{name}.y"), gx = F.Value.Floats($"{name}.grad_input");

        var fast = new float[x.Length]; Activations.Forward(act, slope, x, fast); AssertSame("Forward", y, fast);
        var refr = new float[x.Length]; Activations.ForwardReference(act, slope, x, refr); AssertSame("ForwardReference", y, refr);
        var inPlace = (float[])x.Clone(); Activations.ApplyForward(act, slope, inPlace); AssertSame("ApplyForward (fused)", y, inPlace);
        inPlace = (float[])x.Clone(); Activations.ApplyForwardReference(act, slope, inPlace); AssertSame("ApplyForwardReference", y, inPlace);

        // Backward from the saved output (PyTorch's y), as the kernels do.
        var dx = new float[x.Length]; Activations.Backward(act, slope, y, gy, dx); AssertSame("Backward", gx, dx);
        dx = new float[x.Length]; Activations.BackwardReference(act, slope, y, gy, dx); AssertSame("BackwardReference", gx, dx);
        var dy = (float[])gy.Clone(); Activations.ApplyDerivative(act, slope, y, dy); AssertSame("ApplyDerivative (fused)", gx, dy);
        dy = (float[])gy.Clone(); Activations.ApplyDerivativeReference(act, slope, y, dy); AssertSame("ApplyDerivativeReference", gx, dy);
    }

    [Fact]
    public void Softmax_matches_PyTorch()
    {
        float[] x = F.Value.Floats("softmax.x"), y = F.Value.Floats("softmax.y");
        var a = new float[x.Length];
        Softmax.Forward(10, 1, x, a, 6); AssertSame("Forward (classifier)", y, a);
        Softmax.ForwardReference(10, 1, x, a, 6); AssertSame("ForwardReference (classifier)", y, a);
        x = F.Value.Floats("softmax_spatial.x"); y = F.Value.Floats("softmax_spatial.y");
        a = new float[x.Length];
        Softmax.Forward(5, 9, x, a, 2); AssertSame("Forward (spatial)", y, a);
        Softmax.ForwardReference(5, 9, x, a, 2); AssertSame("ForwardReference (spatial)", y, a);
    }

    public static TheoryData<string, int, int, int> Pools => new() { { "maxpool2", 2, 2, 0 }, { "maxpool3", 3, 2, 1 } };

    [Theory, MemberData(nameof(Pools))]
    public void MaxPool_propagates_NaN_with_PyTorch_indices_and_gradients(string name, int k, int stride, int pad)
    {
        float[] x = F.Value.Floats("pool.x"), y = F.Value.Floats($"{name}.y");
        int[] idx = F.Value.Longs($"{name}.indices").Select(v => (int)v).ToArray();
        float[] gy = F.Value.Floats($"{name}.grad_output"), gx = F.Value.Floats($"{name}.grad_input");
        var s = Pool2DShape.Create(3, 8, 36, k, stride, pad);
        Assert.Equal(y.Length, 3 * s.OutH * s.OutW);
        foreach (int t in new[] { 1, 2 })
        {
            var o = new float[y.Length]; var a = new int[y.Length];
            MaxPool2D.Forward(s, x, o, a, 1, t); AssertSame($"Forward t{t}", y, o); Assert.Equal(idx, a);
            o = new float[y.Length]; a = new int[y.Length];
            MaxPool2D.ForwardReference(s, x, o, a, 1, t); AssertSame($"ForwardReference t{t}", y, o); Assert.Equal(idx, a);
            o = new float[y.Length];
            MaxPool2D.ForwardInference(s, x, o, 1, t); AssertSame($"ForwardInference t{t}", y, o);
            o = new float[y.Length];
            MaxPool2D.ForwardInferenceReference(s, x, o, 1, t); AssertSame($"ForwardInferenceReference t{t}", y, o);
            var d = new float[x.Length];
            MaxPool2D.Backward(s, gy, a, d, 1, t); AssertSame($"Backward t{t}", gx, d);
            d = new float[x.Length];
            MaxPool2D.BackwardReference(s, gy, a, d, 1, t); AssertSame($"BackwardReference t{t}", gx, d);
        }
    }

    [Theory]
    [InlineData("avgpool2", 2, 2, 0)]
    [InlineData("avgpool3", 3, 1, 1)]
    public void AvgPool_matches_PyTorch(string name, int k, int stride, int pad)
    {
        float[] x = F.Value.Floats("pool.x"), y = F.Value.Floats($"{name}.y");
        var s = Pool2DShape.Create(3, 8, 36, k, stride, pad);
        foreach (int t in new[] { 1, 2 })
        {
            var o = new float[y.Length]; AvgPool2D.Forward(s, x, o, 1, t); AssertSame($"Forward t{t}", y, o);
            o = new float[y.Length]; AvgPool2D.ForwardReference(s, x, o, 1, t); AssertSame($"ForwardReference t{t}", y, o);
        }
    }

    public static TheoryData<string> Convs => new() { "rows23", "direct", "chanwise", "gemm", "wide", "winograd" };

    private static RuntimeConv2DShape ConvShape(string name, Activation act)
    {
        int[] p = F.Value.MetaJson("convs").GetProperty(name).EnumerateArray().Select(e => e.GetInt32()).ToArray();
        int cin = p[0], cout = p[1], k = p[2], stride = p[3], pad = p[4], h = p[5], w = p[6];
        return new RuntimeConv2DShape
        {
            inC = cin, inH = h, inW = w, outC = cout, kH = k, kW = k, strideH = stride, strideW = stride, padH = pad, padW = pad,
            dilationH = 1, dilationW = 1, groups = 1, hasBias = true, activation = act,
            outH = (h + 2 * pad - k) / stride + 1, outW = (w + 2 * pad - k) / stride + 1,
        };
    }

    /// <summary>The forward algorithm <see cref="ConvCore"/> picks for the shape on this machine's instruction set.</summary>
    private static string Algorithm(RuntimeConv2DShape s)
    {
        var g = Conv2D.Geom(s);
        if (ConvDirect.Applies(g))
            return ConvDirect.ChannelWise(g) ? "channel-wise" : ConvDirect.Rows23(g) ? "column-pair Winograd F(2,3)" : "direct";
        return ConvWinograd.Applies(g) ? "Winograd F(2x2,3x3)" : "GEMM";
    }

    [Theory, MemberData(nameof(Convs))]
    public void ConvRelu_forward_matches_PyTorch_on_every_algorithm(string name)
    {
        Fixture f = F.Value;
        string p = $"conv.{name}.";
        float[] w = f.Floats(p + "weight"), b = f.Floats(p + "bias");
        var relu = ConvShape(name, Activation.ReLU);
        var none = ConvShape(name, Activation.None);
        int outLen = relu.outC * relu.outH * relu.outW;
        var scratch = new float[Conv2D.ScratchFloats(relu, 1, 2)];
        int lenient = 0;
        foreach (string input in new[] { "nan", "inf" })
        {
            float[] x = f.Floats(p + "x_" + input);
            bool infMayBeNaN = input == "inf";   // the Winograd transforms may turn ±Inf into NaN (class summary)
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[outLen];
                Conv2D.Forward(none, x, w, b, y, 1, scratch, t);
                lenient += AssertSame($"{input} pre-activation t{t}", f.Floats(p + "pre_" + input), y, infMayBeNaN: infMayBeNaN);
                y = new float[outLen];
                Conv2D.Forward(relu, x, w, b, y, 1, scratch, t);
                lenient += AssertReluOf($"{input} ReLU t{t}", f.Floats(p + "pre_" + input), f.Floats(p + "y_" + input), y, infMayBeNaN);
            }
            var r = new float[outLen];
            Conv2D.ForwardReference(none, x, w, b, r, 1, default, 1);
            AssertSame($"{input} ForwardReference pre-activation", f.Floats(p + "pre_" + input), r);
            Conv2D.ForwardReference(relu, x, w, b, r, 1, default, 1);
            AssertSame($"{input} ForwardReference ReLU", f.Floats(p + "y_" + input), r);

            if (f.Has(p + "pooled_" + input))
            {
                float[] pooled = f.Floats(p + "pooled_" + input);
                var ps = Pool2DShape.Create(relu.outC, relu.outH, relu.outW, 2, 2, 0);
                var convY = new float[outLen];
                var py = new float[pooled.Length];
                ConvMaxPool2D.ForwardReference(relu, ps, x, w, b, convY, py, 1, default, 1);
                AssertSame($"{input} ConvMaxPool2D.ForwardReference", pooled, py);
                foreach (int t in new[] { 1, 2 })
                {
                    ConvMaxPool2D.Forward(relu, ps, x, w, b, convY, py, 1, new float[ConvMaxPool2D.ScratchFloats(relu, 1, t)], t);
                    if (!infMayBeNaN) { AssertSame($"{input} ConvMaxPool2D.Forward t{t}", pooled, py); continue; }
                    // ±Inf: the fused pool equals the pool of the fused call's own conv output (checked above against PyTorch)
                    lenient += AssertReluOf($"{input} ConvMaxPool2D conv output t{t}", f.Floats(p + "pre_" + input), f.Floats(p + "y_" + input), convY, true);
                    var pr = new float[pooled.Length];
                    MaxPool2D.ForwardInferenceReference(ps, convY, pr, 1, 1);
                    AssertSame($"{input} ConvMaxPool2D.Forward pool t{t}", pr, py, 0, 0);
                }
            }
        }
        _out.WriteLine($"{name}: {Algorithm(relu)}; ±Inf positions that came out NaN: {lenient}");
    }

    /// <summary>ReLU output: as PyTorch, except that where PyTorch's pre-activation is ±Inf a NaN is accepted when allowed.</summary>
    private static int AssertReluOf(string what, float[] pre, float[] expected, float[] actual, bool infMayBeNaN)
    {
        int lenient = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            if (infMayBeNaN && float.IsInfinity(pre[i]) && float.IsNaN(actual[i])) { lenient++; continue; }
            AssertSame($"{what} at {i}", expected.AsSpan(i, 1), actual.AsSpan(i, 1));
        }
        return lenient;
    }

    [Theory, MemberData(nameof(Convs))]
    public void ConvRelu_backward_passes_the_gradient_at_NaN_as_PyTorch(string name)
    {
        // PyTorch's ReLU backward is threshold_backward(grad, result, 0): the gradient is zeroed where y <= 0, so it
        // passes where y is NaN. The bias and input gradients are finite and show the mask exactly.
        Fixture f = F.Value;
        string p = $"conv.{name}.";
        var s = ConvShape(name, Activation.ReLU);
        float[] x = f.Floats(p + "x_nan"), w = f.Floats(p + "weight"), y = f.Floats(p + "y_nan"), gy = f.Floats(p + "grad_output");
        var scratch = new float[Conv2D.ScratchFloats(s, 1, 2)];
        foreach (int t in new[] { 0, 1, 2 })
        {
            var dy = (float[])gy.Clone();
            var dx = new float[x.Length]; var dw = new float[w.Length]; var db = new float[s.outC];
            if (t == 0) Conv2D.BackwardReference(s, x, w, y, dy, dx, dw, db, 1, default, 1);
            else Conv2D.Backward(s, x, w, y, dy, dx, dw, db, 1, scratch, t);
            string k = t == 0 ? "BackwardReference" : $"Backward t{t}";
            AssertSame($"{k} grad bias", f.Floats(p + "grad_bias_nan"), db, 1e-4, 1e-5);
            AssertSame($"{k} grad input", f.Floats(p + "grad_input_nan"), dx, 1e-4, 1e-5);
            AssertSame($"{k} grad weight", f.Floats(p + "grad_weight_nan"), dw, 1e-4, 1e-4);
        }
    }

    public static TheoryData<int, bool> NetCases => new() { { 1, false }, { 2, false }, { 1, true } };

    [Theory, MemberData(nameof(NetCases))]
    public void LeNet5_logits_are_NaN_for_a_NaN_pixel_and_unchanged_for_the_other_sample(int threads, bool referenceKernels)
    {
        Fixture f = Fixture.Load("nonfinite/lenet5_nan.safetensors");
        float[] input = f.Floats("input"), expected = f.Floats("logits");
        using var net = new LeNet5(2) { Threads = threads };
        Parity.SetReferenceKernels(net, referenceKernels);
        Parity.LoadWeights(net, f);
        var logits = new float[20];
        net.Forward(input, logits, 2);
        AssertSame("Forward, batch 2", expected, logits);
        net.ForwardTrain(input, logits, 2);
        AssertSame("ForwardTrain, batch 2", expected, logits);
        for (int n = 0; n < 2; n++)   // batch 1: the Dense layers take the GEMV path with the ReLU fused into its store
        {
            var one = new float[10];
            net.Forward(input.AsSpan(n * 784, 784), one, 1);
            AssertSame($"Forward, sample {n} alone", expected.AsSpan(n * 10, 10), one);
        }
        Assert.All(logits.AsSpan(0, 10).ToArray(), v => Assert.True(float.IsNaN(v)));
    }
}
