using System;
using System.Collections.Generic;
using System.Linq;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Pipeline;

/// <summary>
/// The layout of the inference contexts' and the embedded <c>Infer</c>'s workspace: each activation the inference body
/// writes gets a region that earlier activations free once nothing later reads them, so a layer writes into memory a
/// layer or two just used instead of a region of its own.
/// </summary>
/// <remarks>
/// <para>Why: with a region per layer (the training layout, which backward needs) every layer's output went to memory
/// that the call had not touched since the previous call, tens of MB earlier (MobileNetV2 held 79 MB per sample,
/// ResNet-50 129 MB), so each store missed every cache. A 16→96 1×1 convolution at 112² took 314 µs writing into the
/// same 4.8 MB output each call and 697 µs writing into one of 24 in turn (`convshape` with rotating outputs), which
/// is what it took inside MobileNetV2.</para>
/// <para>How: the steps are the inference body's (<see cref="Fusion.InferenceStep"/>: a fused group runs as one step and
/// writes the activations <see cref="Fusion.Writes"/> names). A value is live from the step that writes it to the
/// last step that reads it (network outputs to the end); a Flatten view is its input's value. Values are placed in
/// step order, each at the lowest offset where it overlaps no live value (first fit, 16-float aligned); a value read
/// at the step that writes another never shares memory with it, so no kernel runs in place. Results do not change:
/// the same kernels run on the same values, only their addresses move.</para>
/// <para>The layout is for inference contexts and the embedded <c>Infer</c> (the generated <c>ReusedLayout</c>); the
/// instance's <c>Forward</c> keeps the training layout's region per layer (<c>KeptLayout</c>), so that
/// <c>GetActivation</c> reads any layer's activation after it. Both run the same body: the same bits.</para>
/// </remarks>
internal static class InferenceLayout
{
    private static long Align(long v) => (v + 15) / 16 * 16;

    public static NetworkPlan Apply(NetworkPlan plan)
    {
        NetworkModel m = plan.Model;
        var layers = m.Layers;
        int n = layers.Count, inputs = m.Inputs.Count, count = inputs + n;
        // values: the input copies 0 .. inputs − 1, then layer i's activation at inputs + i
        var size = new long[count];
        var first = new int[count];    // the step that writes it (−1: the input copies, written before the first layer)
        var last = new int[count];     // the last step that reads it (n: read after the last layer)
        var written = new bool[count];
        for (int v = 0; v < count; v++) { first[v] = int.MaxValue; last[v] = -1; }
        for (int k = 0; k < inputs; k++) { size[k] = m.Inputs[k].Shape.Size; first[k] = -1; written[k] = true; }

        bool View(int i) => (layers[i].Flags & LayerFlags.AliasInput) != 0;
        int Value(int reference) => reference < 0 ? NetworkModel.InputOf(reference) : View(reference) ? Value(layers[reference].Inputs[0]) : inputs + reference;

        for (int i = 0; i < n;)
        {
            // one step of the inference body, and the activations it writes
            var (kind, len) = Fusion.InferenceStep(plan, i);
            int[] writes = Fusion.Writes(plan, i, kind, len);
            for (int j = i; j < i + len; j++)
            {
                if (View(j)) continue;   // a view reads nothing itself: its readers read its input
                foreach (int r in layers[j].Inputs)
                {
                    if (r >= i && r < i + len) continue;   // made inside the step
                    int v = Value(r);
                    last[v] = Math.Max(last[v], i);
                }
            }
            foreach (int j in writes)
            {
                int v = inputs + j;
                written[v] = true;
                size[v] = layers[j].Out.Size;
                first[v] = i;
                last[v] = Math.Max(last[v], i);
            }
            i += len;
        }
        IEnumerable<int> outputs = m.Outputs.Count > 0 ? m.Outputs : new[] { n - 1 };
        foreach (int o in outputs) last[Value(o)] = n;

        // place the values in step order, each at the lowest offset free of every live value
        var offset = new long[count];
        var live = new List<int>();
        long total = 0;
        foreach (int v in Enumerable.Range(0, count).Where(v => written[v]).OrderBy(v => first[v]).ThenBy(v => v))
        {
            live.RemoveAll(u => last[u] < first[v]);
            live.Sort((a, b) => offset[a].CompareTo(offset[b]));
            long need = Align(size[v]), at = 0;
            foreach (int u in live)
            {
                if (at + need <= offset[u]) break;
                at = Math.Max(at, offset[u] + Align(size[u]));
            }
            offset[v] = at;
            total = Math.Max(total, at + need);
            live.Add(v);
        }
        if (total > int.MaxValue) throw new InvalidOperationException("the network is too large");

        var acts = new int[n];
        for (int i = 0; i < n; i++)
        {
            int v = View(i) ? Value(i) : inputs + i;
            acts[i] = written[v] ? (int)offset[v] : -1;
        }
        var inputActs = new int[inputs];
        for (int k = 0; k < inputs; k++) inputActs[k] = (int)offset[k];
        return plan with
        {
            InferActs = acts, InferInputActs = inputActs, InferencePerSample = (int)total,
        };
    }
}
