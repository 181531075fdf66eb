using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Smooth mixed network for the finite-difference checks and the contract tests: stride 2 + padding, dilation +
/// groups, a residual Add, BatchNorm (training mode), ConvTranspose2D, bilinear Upsample, Concat, AvgPool, Tanh and
/// Sigmoid (no ReLU or max-pool: their kinks make central differences meaningless).
/// </summary>
[Network(InputChannels = 3, InputHeight = 9, InputWidth = 9)]
public partial class MixedNet
{
    [Conv2D(4, Kernel = 3, Stride = 2, Padding = 1, Activation = Activation.Tanh)] public partial Layer C1 { get; }             // 4×5×5
    [Conv2D(4, Kernel = 3, Padding = 2, Dilation = 2, Groups = 2, Activation = Activation.Sigmoid)] public partial Layer C2 { get; } // 4×5×5
    [Add(nameof(C1), nameof(C2))] public partial Layer Res { get; }
    [BatchNorm2D] public partial Layer Bn { get; }
    [Upsample(2, Mode = UpsampleMode.Bilinear)] public partial Layer Up { get; }                                               // 4×10×10
    [ConvTranspose2D(3, Kernel = 3, Stride = 2, Padding = 1, OutputPadding = 1, From = nameof(Bn))] public partial Layer T { get; } // 3×10×10
    [Concat(nameof(Up), nameof(T))] public partial Layer Cat { get; }                                                          // 7×10×10
    [AvgPool2D(2)] public partial Layer Avg { get; }                                                                           // 7×5×5
    [Dense(6, Activation = Activation.Tanh)] public partial Layer Fc { get; }
}

/// <summary>Second smooth network: Same padding without bias, standalone Sigmoid/Tanh, nearest Upsample, CenterCrop, grouped stride-2 conv, GlobalAvgPool, Softmax.</summary>
[Network(InputChannels = 2, InputHeight = 8, InputWidth = 8)]
public partial class SmoothNet2
{
    [Conv2D(4, KernelH = 3, KernelW = 4, PaddingMode = PaddingMode.Same, Bias = false)] public partial Layer A { get; } // 4×8×8
    [Sigmoid] public partial Layer S { get; }
    [BatchNorm2D(Epsilon = 1e-3f, Momentum = 0.2f)] public partial Layer B { get; }
    [Upsample(2)] public partial Layer U { get; }                                                                      // 4×16×16
    [CenterCrop(Height = 11, Width = 10)] public partial Layer K { get; }                                              // 4×11×10
    [Conv2D(6, Kernel = 3, Stride = 2, Groups = 2)] public partial Layer C { get; }                                    // 6×5×4
    [Tanh] public partial Layer T { get; }
    [GlobalAvgPool] public partial Layer G { get; }
    [Dense(5)] public partial Layer D { get; }
    [Softmax] public partial Layer Sm { get; }
}

/// <summary>Third smooth network: SiLU and Hardswish layers (their backward reads the layer's input) between convolutions and a Dense.</summary>
[Network(InputChannels = 2, InputHeight = 6, InputWidth = 6)]
public partial class SmoothNet3
{
    [Conv2D(4, Kernel = 3, Padding = 1)] public partial Layer A { get; }       // 4×6×6
    [SiLU] public partial Layer S { get; }
    [Conv2D(3, Kernel = 3, Stride = 2)] public partial Layer C { get; }        // 3×2×2
    [Hardswish] public partial Layer H { get; }
    [Dense(4)] public partial Layer D { get; }
    [SiLU] public partial Layer S2 { get; }
}

/// <summary>
/// Network-level finite-difference gradient checks of generated float32 networks. Loss L = Σ y·r (r fixed random), so
/// Backward(r) gives dL/dθ and dL/dx. Each derivative is estimated by central differences with Richardson extrapolation,
/// D = (4·D(h/2) − D(h))/3, h = 1e-2, with L summed in double from the float outputs and the step taken as the
/// float-rounded difference actually applied.
/// </summary>
/// <remarks>
/// Error budget: the truncation error of the extrapolated difference is O(h⁴) ≈ 1e-8 relative; the float32 rounding
/// noise of L (≈ 1e-7·Σ|y·r| ≈ 1e-6) divided by the step (5e-3 … 1e-2) gives ≈ 2e-4 absolute noise per estimate,
/// amplified by ≈ 1.7 by the extrapolation. So the bound is |fd − analytic| ≤ 1e-2·|analytic| + 1e-3 + 1e-3·max|analytic|,
/// several times the noise and far below a real error (a missing term, a wrong tap, a transposed index each change
/// some derivative by a sizable fraction of max|analytic|).
/// </remarks>
[Trait("Category", "Numeric")]
public sealed class GradientCheckTests
{
    private readonly ITestOutputHelper _out;
    public GradientCheckTests(ITestOutputHelper output) => _out = output;

    public static IEnumerable<object[]> Cases()
        => new[] { "MixedNet", "SmoothNet2", "SmoothNet3" }.SelectMany(n => new[] { new object[] { n, false }, new object[] { n, true } });

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteDifferencesMatchBackward(string name, bool referenceKernels)
    {
        const int batch = 2;
        using INetwork net = name switch
        {
            "MixedNet" => new MixedNet(batch, seed: 3),
            "SmoothNet2" => new SmoothNet2(batch, seed: 3),
            _ => new SmoothNet3(batch, seed: 3),
        };
        Parity.SetReferenceKernels(net, referenceKernels);
        // BatchNorm γ, β away from their 1/0 defaults, so that they matter.
        foreach (TensorInfo t in net.Tensors)
            if (net.Layers[t.Layer].Kind == "BatchNorm2D" && t.Role == TensorRole.Parameter)
                Parity.RandomNormal(t.Length, t.Offset + 100, 0.5).Select(v => v + (t.Name.EndsWith("weight") ? 1f : 0f)).ToArray().CopyTo(net.Parameters.Slice(t.Offset, t.Length));
        float[] x = Parity.RandomNormal(batch * net.InputSize, 21);
        float[] r = Parity.RandomNormal(batch * net.OutputSize, 22);
        var y = new float[r.Length];

        double Loss(float[] input)
        {
            net.ForwardTrain(input, y, batch);
            double s = 0;
            for (int i = 0; i < y.Length; i++) s += (double)y[i] * r[i];
            return s;
        }

        net.ZeroGradients();
        Loss(x);
        var dx = new float[x.Length];
        net.Backward(r, dx);
        float[] grads = net.Gradients.ToArray();

        var fd = new FiniteDifferences(name, () => Loss(x));
        fd.CheckParameters(net, grads);
        fd.CheckInput("input", x, dx, 3); // every third input element keeps the run short
        _out.WriteLine($"{name} (reference={referenceKernels}): {fd.Count} derivatives, worst |diff|/bound {fd.Worst:F3}");
    }
}
