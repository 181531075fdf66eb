using StaticCnn.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace StaticCnn.Tests.Networks;

/// <summary>
/// Every single-input layer case of tests/Fixtures/layers (made by tools/make_fixtures.py with PyTorch 1.13) run
/// through a generated one-layer network (LayerCases.*.cs, declared with the case's own attribute text): output,
/// grad_input and every parameter gradient (and BatchNorm's running statistics) against PyTorch, on the fast kernels
/// and on the reference kernels. Tolerances: <see cref="Parity.Atol"/>.
/// </summary>
[Trait("Category", "Numeric")]
public sealed class LayerParityTests
{
    private readonly ITestOutputHelper _out;
    public LayerParityTests(ITestOutputHelper output) => _out = output;

    /// <summary>The relative part of every bound.</summary>
    private const double Rtol = 1e-5;

    private static readonly string[] MultiInputKinds = { "Add", "Concat" };

    /// <summary>Every single-input case in tests/Fixtures/layers, by file name.</summary>
    public static IEnumerable<string> SingleInputCases()
        => Directory.GetFiles(Path.Combine(Fixture.Root, "layers"), "*.safetensors")
            .Select(p => Path.GetFileNameWithoutExtension(p)!)
            .Where(c => !MultiInputKinds.Contains(Fixture.Load($"layers/{c}.safetensors").Meta("kind")))
            .OrderBy(c => c, StringComparer.Ordinal);

    /// <summary>The cases whose network is declared (each LayerCases.&lt;Kind&gt;.cs lands with its kernel), × fast/reference kernels.</summary>
    public static IEnumerable<object[]> Cases()
        => SingleInputCases().Where(c => Parity.CaseType(c) is not null)
            .SelectMany(c => new[] { new object[] { c, false }, new object[] { c, true } });

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesPyTorch(string caseName, bool referenceKernels)
    {
        Fixture f = Fixture.Load($"layers/{caseName}.safetensors");
        string kind = f.Meta("kind");
        bool unpool = kind == "MaxUnpool2D";
        int batch = f.Shape("input")[0];
        using INetwork net = Parity.Create(Parity.CaseType(caseName)!, batch);
        Parity.SetReferenceKernels(net, referenceKernels);
        Parity.LoadWeights(net, f);

        // MaxUnpool2D: the network is pool + unpool and its input is the tensor the pool ran on.
        float[] input = f.Floats(unpool ? "pool_input" : "input");
        Assert.Equal(batch * net.InputSize, input.Length);
        var output = new float[batch * net.OutputSize];
        Assert.Equal(f.Floats("output").Length, output.Length);

        if (kind == "BatchNorm2D" && f.Meta("training") != "true")
        {
            // Eval mode: Forward uses the running statistics and leaves them unchanged. (Backward follows only a
            // ForwardTrain, which uses batch statistics, so the eval-mode grad_input of this fixture has no counterpart.)
            net.Forward(input, output, batch);
            NumericAssert.Close("output", f.Floats("output"), output, Rtol, Parity.Atol(f, "output"));
            NumericAssert.Identical("running_mean", f.Floats("running_mean_after"), Parity.Tensor(net, "layer.running_mean"));
            NumericAssert.Identical("running_var", f.Floats("running_var_after"), Parity.Tensor(net, "layer.running_var"));
            return;
        }

        net.ForwardTrain(input, output, batch);
        NumericAssert.Close("output", f.Floats("output"), output, Rtol, Parity.Atol(f, "output"));
        if (unpool)
            NumericAssert.Identical("pool output (fixture 'input')", f.Floats("input"), net.GetActivation(0));

        if (kind == "BatchNorm2D")
        {
            // Running statistics after one training step: momentum-weighted with the unbiased batch variance. The
            // update is one multiply-add per channel of a batch statistic, so the output bound applies (plus 1e-7·|x|).
            NumericAssert.Close("running_mean", f.Floats("running_mean_after"), Parity.Tensor(net, "layer.running_mean"), Rtol, Parity.Atol(f, "output"));
            NumericAssert.Close("running_var", f.Floats("running_var_after"), Parity.Tensor(net, "layer.running_var"), Rtol, Parity.Atol(f, "output"));
        }

        net.ZeroGradients();
        var dInput = new float[input.Length];
        net.Backward(f.Floats("grad_output"), dInput);

        float[] expectedDInput = f.Floats("grad_input");
        if (unpool)
        {
            // The fixture's grad_input is with respect to the unpool's input (the pool output); the network's input is
            // the pool's input, so route it through the pool's argmax (the fixture's 'indices'): scatter-add per plane.
            int[] idx = f.Ints("indices");
            int planes = f.Shape("input")[0] * f.Shape("input")[1];
            int inPlane = idx.Length / planes, outPlane = input.Length / planes;
            var scattered = new float[input.Length];
            for (int p = 0; p < planes; p++)
                for (int i = 0; i < inPlane; i++)
                    scattered[p * outPlane + idx[p * inPlane + i]] += expectedDInput[p * inPlane + i];
            expectedDInput = scattered;
        }
        NumericAssert.Close("grad_input", expectedDInput, dInput, Rtol, Parity.Atol(f, "grad_input"));

        int checkedGrads = 0;
        foreach (TensorInfo t in net.Tensors)
        {
            if (t.Role != TensorRole.Parameter) continue;
            string key = "grad." + t.Name;
            NumericAssert.Close(key, f.Floats(key), Parity.Tensor(net, t.Name, gradient: true), Rtol, Parity.Atol(f, key));
            checkedGrads++;
        }
        if (kind != "BatchNorm2D")
        {
            // Without batch statistics, the inference forward is the training forward. (After Backward: a Forward
            // overwrites the activations, so the generated Backward refuses to follow it.)
            var inference = new float[output.Length];
            net.Forward(input, inference, batch);
            NumericAssert.Identical("Forward vs ForwardTrain output", output, inference);
        }
        _out.WriteLine($"{caseName} ({kind}, {(referenceKernels ? "reference" : "fast")} kernels): output, grad_input and {checkedGrads} parameter gradients within bounds");
    }

    /// <summary>Lists the single-input cases that have no declared network yet (their kernel has not landed).</summary>
    [Fact]
    public void ListsCasesWithoutANetwork()
    {
        var missing = SingleInputCases().Where(c => Parity.CaseType(c) is null).ToList();
        _out.WriteLine(missing.Count == 0 ? "every single-input case has a network" : "no network yet: " + string.Join(", ", missing));
        // Every declared case network matches a fixture (no stale declarations).
        var all = SingleInputCases().ToHashSet();
        foreach (Type t in typeof(Parity).Assembly.GetTypes().Where(t => t.Namespace == "StaticCnn.Tests.Networks.LayerCases" && t.Name.StartsWith("Case_")))
            Assert.Contains(t.Name["Case_".Length..], all);
    }
}
