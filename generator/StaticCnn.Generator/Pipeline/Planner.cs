using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Pipeline;

/// <summary>
/// Step 3, Plan: arena offsets of every tensor (packed in declaration order, as state_dict), and the workspace layout.
/// The float workspace holds, per sample (offsets × batch capacity): the input copy and every layer's activation
/// (inference part), then the activation gradients and dropout masks (training part); after the per-sample part, a
/// fixed region of BatchNorm saved statistics. Regions start on 16-float (64-byte) boundaries. Flatten aliases its
/// input's regions. The int workspace holds the MaxPool2D argmax regions. The inference Forward lays its activations
/// out on its own, reusing regions nothing reads any more (InferenceLayout.cs).
/// </summary>
internal static class Planner
{
    private static int Align(long v) => (int)((v + 15) / 16 * 16);

    /// <summary>
    /// MACs per sample from which batched inference runs one sample at a time on streams side by side
    /// (NetworkPlan.SamplesOneAtATime): a small network's batch-1 calls are too short to pay for it.
    /// </summary>
    internal const long SampleStreamMacs = 100_000_000;

    /// <summary>
    /// MACs per sample per weight below which a network keeps its batched inference: one sample at a time reads every
    /// weight once per sample, so it needs enough arithmetic per weight. Measured on Zen 5 (docs/PERFORMANCE.md):
    /// MobileNetV2 (86 MACs per weight), ResNet-18 (155), ResNet-50 (160) and VGG-16 (112) gain from it; AlexNet (12:
    /// its classifier's 58 M weights read per sample) lost 38 % and the CIFAR ResNet-18 (50, and 4×4 planes) 40 %.
    /// </summary>
    internal const long SampleStreamMacsPerWeight = 64;

    /// <summary>
    /// The largest inference workspace per sample (floats; 32 MB, the L3 of one Zen 5 core complex) that runs one sample
    /// at a time: what one sample gains is its activations staying in cache from layer to layer. U-Net (47 M floats per
    /// sample) lost 10 % on one thread at batch 2; VGG-16 (7.4 M) gained 10 %.
    /// </summary>
    internal const int SampleStreamFloats = 8 * 1024 * 1024;

    public static NetworkPlan Plan(NetworkModel model, CancellationToken ct)
    {
        if (model.HasErrors) return Empty(model, "");
        try
        {
            return PlanCore(model);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return Empty(model with { HasErrors = true }, ex.Message);
        }
    }

    private static NetworkPlan Empty(NetworkModel model, string note)
        => new(model, EquatableArray<LayerPlan>.Empty, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, note);

    private static NetworkPlan PlanCore(NetworkModel model)
    {
        var layers = model.Layers;
        int n = layers.Count;
        var act = new int[n];
        var grad = new int[n];
        var saved = new int[n][];
        for (int i = 0; i < n; i++) saved[i] = new int[layers[i].Saved.Count];
        long cursor = 0;

        int inputs = model.Inputs.Count;
        var inputActs = new int[inputs];
        var inputGrads = new int[inputs];
        for (int k = 0; k < inputs; k++) { inputActs[k] = (int)cursor; cursor = Align(cursor + model.Inputs[k].Shape.Size); }
        for (int i = 0; i < n; i++)
        {
            LayerModel l = layers[i];
            if ((l.Flags & LayerFlags.AliasInput) != 0) act[i] = l.Inputs[0] < 0 ? inputActs[NetworkModel.InputOf(l.Inputs[0])] : act[l.Inputs[0]];
            else { act[i] = (int)cursor; cursor = Align(cursor + l.Out.Size); }
        }
        int activation = (int)cursor;
        int gradStart = (int)cursor;
        for (int k = 0; k < inputs; k++) { inputGrads[k] = (int)cursor; cursor = Align(cursor + model.Inputs[k].Shape.Size); }
        for (int i = 0; i < n; i++)
        {
            LayerModel l = layers[i];
            if ((l.Flags & LayerFlags.AliasInput) != 0) grad[i] = l.Inputs[0] < 0 ? inputGrads[NetworkModel.InputOf(l.Inputs[0])] : grad[l.Inputs[0]];
            else { grad[i] = (int)cursor; cursor = Align(cursor + l.Out.Size); }
        }
        int gradFloats = (int)cursor - gradStart;
        // Saved buffers, as each layer kind declared them: per-sample floats after the gradients (training part), then
        // the fixed floats after the per-sample part, and the ints in the int workspace; each in layer order.
        for (int i = 0; i < n; i++)
            for (int b = 0; b < layers[i].Saved.Count; b++)
            {
                SavedBuffer s = layers[i].Saved[b];
                if (s.Element == SavedElement.Float && s.PerSample > 0) { saved[i][b] = (int)cursor; cursor = Align(cursor + s.PerSample); }
            }
        int training = (int)cursor;

        long fixedCursor = 0, intCursor = 0;
        for (int i = 0; i < n; i++)
            for (int b = 0; b < layers[i].Saved.Count; b++)
            {
                SavedBuffer s = layers[i].Saved[b];
                if (s.Element == SavedElement.Float && s.PerSample == 0) { saved[i][b] = (int)fixedCursor; fixedCursor = Align(fixedCursor + s.Fixed); }
                else if (s.Element == SavedElement.Int) { saved[i][b] = (int)intCursor; intCursor = Align(intCursor + s.PerSample); }
            }

        long paramCursor = 0, bufferCursor = 0;
        int tensorIndex = 0;
        var plans = new LayerPlan[n];
        for (int i = 0; i < n; i++)
        {
            LayerModel l = layers[i];
            var offsets = new int[l.Tensors.Count];
            if (l.Shares >= 0)
            {
                // the owner's tensors, at the owner's offsets; listed once (under the owner) in TensorInfos
                plans[i] = new LayerPlan(act[i], grad[i], saved[i], plans[l.Shares].TensorOffsets, plans[l.Shares].FirstTensor);
                continue;
            }
            for (int t = 0; t < l.Tensors.Count; t++)
            {
                TensorModel tm = l.Tensors[t];
                if (tm.Arena == TensorArena.Parameter) { offsets[t] = (int)paramCursor; paramCursor += tm.Length; }
                else { offsets[t] = (int)bufferCursor; bufferCursor += tm.Length; }
            }
            plans[i] = new LayerPlan(act[i], grad[i], saved[i], offsets, l.Tensors.Count > 0 ? tensorIndex : -1);
            tensorIndex += l.Tensors.Count;
        }
        if (cursor > int.MaxValue || paramCursor > int.MaxValue) throw new InvalidOperationException("the network is too large");

        var plan = new NetworkPlan(model, plans, inputActs[0], inputGrads[0], (int)paramCursor, (int)bufferCursor, activation, activation, training,
            (int)fixedCursor, (int)intCursor, gradStart, gradFloats, "", inputActs, inputGrads);
        plan = InferenceLayout.Apply(plan);   // the inference workspace's own layout
        long macs = model.Layers.Sum(l => l.Macs);
        plan = plan with
        {
            SamplesOneAtATime = Emitter.OneToOne(model) && macs >= SampleStreamMacs && macs >= SampleStreamMacsPerWeight * (long)plan.ParameterCount
                && plan.InferencePerSample <= SampleStreamFloats,
        };
        return plan with { Summary = Summary(plan) };
    }

    /// <summary>The table shown as SummaryText, INetwork.Summary and the class's XML doc (like Keras' model.summary()).</summary>
    internal static string Summary(NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        var rows = new List<string[]> { new[] { "Layer", "Kind", "Output", "Params", "Activations", "MACs" } };
        long macs = 0;
        if (!m.Shorthand)
            foreach (PortModel p in m.Inputs) rows.Add(new[] { p.Name, "Input", p.Shape.ToString(), "0", Lit.Grouped(p.Shape.Size), "0" });
        bool marked = m.Layers.Any(l => l.IsOutput);
        foreach (LayerModel l in m.Layers)
        {
            bool view = (l.Flags & LayerFlags.AliasInput) != 0;
            string kind = l.Kind + (l.Shares >= 0 ? " (shares " + m.Layers[l.Shares].Member + ")" : "") + (marked && l.IsOutput ? " (output)" : "");
            rows.Add(new[] { l.Member, kind, l.Out.ToString(), Lit.Grouped(l.Parameters), view ? "(view)" : Lit.Grouped(l.Out.Size), Lit.Grouped(l.Macs) });
            macs += l.Macs;
        }
        var widths = new int[6];
        foreach (string[] r in rows) for (int c = 0; c < 6; c++) widths[c] = Math.Max(widths[c], r[c].Length);
        var sb = new StringBuilder();
        if (m.SingleIO) sb.Append(m.Header.Name).Append(": ").Append(m.Input).Append(" -> ").Append(m.Layers[m.Outputs.Count > 0 ? m.Outputs[0] : m.Layers.Count - 1].Out).Append('\n');
        else sb.Append(m.Header.Name).Append(": ").Append(string.Join(", ", m.Inputs.Select(p => p.Name + " " + p.Shape)))
            .Append(" -> ").Append(string.Join(", ", m.Outputs.Select(o => m.Layers[o].Member + " " + m.Layers[o].Out))).Append('\n');
        for (int r = 0; r < rows.Count; r++)
        {
            string[] row = rows[r];
            sb.Append(row[0].PadRight(widths[0])).Append("  ").Append(row[1].PadRight(widths[1])).Append("  ").Append(row[2].PadRight(widths[2]));
            for (int c = 3; c < 6; c++) sb.Append("  ").Append(row[c].PadLeft(widths[c]));
            sb.Append('\n');
        }
        long activations = m.Layers.Where(l => (l.Flags & LayerFlags.AliasInput) == 0).Sum(l => (long)l.Out.Size);
        sb.Append("Total params: ").Append(Lit.Grouped(plan.ParameterCount)).Append('\n');
        if (plan.BufferCount > 0) sb.Append("Buffers: ").Append(Lit.Grouped(plan.BufferCount)).Append(" floats\n");
        sb.Append("Total MACs per sample: ").Append(Lit.Grouped(macs)).Append('\n');
        sb.Append("Activation memory: ").Append(Lit.Grouped(activations)).Append(" floats per sample\n");
        sb.Append("Inference workspace: ").Append(Lit.Grouped(plan.InferencePerSample)).Append(" floats per sample\n");
        if (plan.SamplesOneAtATime) sb.Append("Batched inference: one sample at a time, a stream per thread\n");
        sb.Append("Training workspace: ").Append(Lit.Grouped(plan.TrainingPerSample)).Append(" floats per sample");
        if (plan.TrainingFixed > 0) sb.Append(" + ").Append(Lit.Grouped(plan.TrainingFixed));
        return sb.ToString();
    }
}
