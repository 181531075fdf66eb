using System.Runtime.CompilerServices;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;
using StaticCnn.Generator.Tests.Harness;
using Xunit;

namespace StaticCnn.Generator.Tests;

/// <summary>
/// The inference workspace's layout (Pipeline/InferenceLayout.cs) on every model-zoo network and the golden specs:
/// a simulation of the inference body, step by step, over who holds each float of the workspace, independent of the
/// planner's own bookkeeping. Every value a step reads is still the one its layer wrote, no step writes over a value
/// it reads, the outputs survive to the end, and the layout is far smaller than a region per layer.
/// </summary>
public class InferenceLayoutTests
{
    public static TheoryData<string> Zoo => new()
    {
        "AlexNet", "CifarResNet18", "DenseNet121", "GoogLeNet", "Localizer", "MobileNetV2", "ResNet18", "ResNet50",
        "SegNet", "UNet", "Vgg16",
    };

    private static string Samples([CallerFilePath] string here = "")
        => Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "samples", "Architectures");

    private static NetworkPlan PlanOf(string source, string name)
    {
        GeneratorRun run = GeneratorHarness.Run(source);
        return run.Result.TrackedSteps["Plan"].SelectMany(s => s.Outputs).Select(o => o.Value).OfType<NetworkPlan>()
            .Single(p => p.Model.Header.Name == name);
    }

    [Theory, MemberData(nameof(Zoo))]
    public void Every_read_sees_the_value_its_layer_wrote(string model)
    {
        NetworkPlan plan = PlanOf(File.ReadAllText(Path.Combine(Samples(), model + ".cs")), model);
        Simulate(plan);
        // a region per layer is what the training layout takes; the inference layout reuses them (a deep network's
        // by far: MobileNetV2 1.7 M floats per sample against 19.8 M, ResNet-50 2.0 M against 32.2 M)
        long perLayer = plan.ActivationFloatsPerSample;
        Assert.True(plan.InferencePerSample <= perLayer, $"{model}: {plan.InferencePerSample} floats per sample against {perLayer} with a region per layer");
        if (model is "MobileNetV2" or "ResNet50" or "DenseNet121")
            Assert.True(plan.InferencePerSample * 8L <= perLayer, $"{model}: {plan.InferencePerSample} floats per sample against {perLayer} with a region per layer");
    }

    [Fact]
    public void The_golden_specs_lay_out_the_same_way()
    {
        Simulate(PlanOf(Specs.LeNet5, "LeNet5"));
        Simulate(PlanOf(Specs.Residual, "ResidualNet"));
        Simulate(PlanOf(Specs.Cifar10, "Cifar10Net"));
    }

    /// <summary>Value of layer or input reference <paramref name="r"/>: −1 − k for input k, a Flatten view is its input's.</summary>
    private static int Root(NetworkModel m, int r) => r >= 0 && (m.Layers[r].Flags & LayerFlags.AliasInput) != 0 ? Root(m, m.Layers[r].Inputs[0]) : r;

    private static (long Start, long End) Range(NetworkPlan plan, int value)
    {
        NetworkModel m = plan.Model;
        if (value < 0)
        {
            int k = NetworkModel.InputOf(value);
            return (plan.InferInputActs[k], plan.InferInputActs[k] + m.Inputs[k].Shape.Size);
        }
        Assert.True(plan.InferActs[value] >= 0, $"{m.Layers[value].Member} is read but has no inference region");
        return (plan.InferActs[value], plan.InferActs[value] + m.Layers[value].Out.Size);
    }

    private static void Simulate(NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        var layers = m.Layers;
        // who holds each float: disjoint intervals (start, end, value)
        var held = new List<(long Start, long End, int Value)>();
        void Write(int value)
        {
            var (s, e) = Range(plan, value);
            Assert.True(e <= plan.InferencePerSample, $"{Name(m, value)} ends at {e}, past the workspace ({plan.InferencePerSample})");
            var next = new List<(long, long, int)>();
            foreach (var (a, b, v) in held)
            {
                if (b <= s || a >= e) { next.Add((a, b, v)); continue; }
                if (a < s) next.Add((a, s, v));
                if (b > e) next.Add((e, b, v));
            }
            next.Add((s, e, value));
            held = next;
        }
        bool Holds(int value)
        {
            var (s, e) = Range(plan, value);
            long covered = 0;
            foreach (var (a, b, v) in held)
                if (a < e && b > s)
                {
                    if (v != value) return false;
                    covered += Math.Min(b, e) - Math.Max(a, s);
                }
            return covered == e - s;
        }

        for (int k = 0; k < m.Inputs.Count; k++) Write(NetworkModel.InputRef(k));
        for (int i = 0; i < layers.Count;)
        {
            // the inference body's step and what it writes (the emitter walks the same steps)
            var (kind, len) = Fusion.InferenceStep(plan, i);
            int[] writes = Fusion.Writes(plan, i, kind, len);
            var reads = new List<int>();
            for (int j = i; j < i + len; j++)
                foreach (int r in layers[j].Inputs)
                    if (r < i || r >= i + len) reads.Add(Root(m, r));
            foreach (int r in reads)
            {
                Assert.True(Holds(r), $"step {layers[i].Member}: {Name(m, r)} was overwritten before this read");
                var (rs, re) = Range(plan, r);
                foreach (int w in writes)
                {
                    var (ws, we) = Range(plan, w);
                    Assert.False(ws < re && rs < we, $"step {layers[i].Member} writes {Name(m, w)} over {Name(m, r)}, which it reads");
                }
            }
            foreach (int w in writes) Write(w);
            i += len;
        }
        var outputs = m.Outputs.Count > 0 ? m.Outputs.ToList() : new List<int> { layers.Count - 1 };
        foreach (int o in outputs) Assert.True(Holds(Root(m, o)), $"output {layers[o].Member} was overwritten");
    }

    private static string Name(NetworkModel m, int value) => value < 0 ? m.Inputs[NetworkModel.InputOf(value)].Name : m.Layers[value].Member;
}
