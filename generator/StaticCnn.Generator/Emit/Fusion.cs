using System.Linq;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Inference-only fusions, decided on the plan at emit time (the model is unchanged, so caching is unaffected).
/// Training (<c>ForwardTrain</c>/<c>Backward</c>) always runs the layers separately: backward needs the pre-pool
/// activations and the argmax.
/// </summary>
internal static class Fusion
{
    /// <summary>Whether a MaxUnpool2D reads the argmax of MaxPool2D layer <paramref name="pool"/>.</summary>
    public static bool ArgmaxRead(NetworkPlan plan, int pool)
    {
        foreach (LayerModel l in plan.Model.Layers)
            if (l.Aux == pool && l.Kind == LayerType.MaxUnpool2D) return true;
        return false;
    }

    /// <summary>
    /// Conv2D layer <paramref name="conv"/> followed directly by a MaxPool2D that reads it and whose argmax nothing
    /// reads: emitted as one <c>ConvMaxPool2D.Forward</c> call at inference. The conv's activation is still written, so
    /// other readers of it (and <c>GetActivation</c>) are unaffected.
    /// </summary>
    public static bool ConvPool(NetworkPlan plan, int conv)
    {
        var layers = plan.Model.Layers;
        if (conv + 1 >= layers.Count) return false;
        LayerModel c = layers[conv], p = layers[conv + 1];
        return c.Kind == LayerType.Conv2D && p.Kind == LayerType.MaxPool2D && p.Inputs.Count == 1 && p.Inputs[0] == conv
               && !ArgmaxRead(plan, conv + 1);
    }

    /// <summary>
    /// BatchNorm2D layer <paramref name="bn"/> followed directly by a ReLU, ReLU6 or LeakyReLU layer that reads it:
    /// emitted as one <c>BatchNorm2D.ForwardInference</c> call that also writes the activation, a channel plane at a
    /// time while it is in cache (the exact, piecewise-linear kinds only, so the bits are the two layers'). Both
    /// activations are written, so <c>GetActivation</c> and other readers of the BatchNorm are unaffected.
    /// </summary>
    public static bool BatchNormActivation(NetworkPlan plan, int bn)
    {
        var layers = plan.Model.Layers;
        if (bn + 1 >= layers.Count) return false;
        LayerModel b = layers[bn], a = layers[bn + 1];
        return b.Kind == LayerType.BatchNorm2D && a.Kind is LayerType.ReLU or LayerType.ReLU6 or LayerType.LeakyReLU
               && a.Inputs.Count == 1 && a.Inputs[0] == bn;
    }

    /// <summary>
    /// Conv2D layer <paramref name="conv"/> read only by the BatchNorm2D right after it, and that BatchNorm read only by
    /// the layer right after it (optional) when that is a ReLU, ReLU6 or LeakyReLU, or a two-input Add whose other
    /// operand was computed before the convolution and whose own activation is None or one of those kinds (a residual
    /// block's skip connection, see <see cref="AddsResidual"/>): the number of layers (3, 2, or 0 for no fusion)
    /// emitted as one <c>Conv2D.ForwardBatchNorm</c> (<c>ForwardBatchNormAdd</c>) at inference, which applies the BatchNorm and the activation to each output
    /// channel row while it is in cache and writes only the last layer's activation (bit for bit the separate layers'
    /// result). The skipped activations are not network outputs and have no other reader; after an inference
    /// <c>Forward</c>, <c>GetActivation</c> of them throws (see <see cref="FusedAway"/>).
    /// </summary>
    public static int ConvBatchNorm(NetworkPlan plan, int conv)
    {
        var layers = plan.Model.Layers;
        if (conv + 1 >= layers.Count) return 0;
        if (layers[conv].Kind != LayerType.Conv2D || layers[conv + 1].Kind != LayerType.BatchNorm2D || !OnlyReader(plan, conv, conv + 1))
            return 0;
        if (conv + 2 >= layers.Count) return 2;
        if (layers[conv + 2].Kind is LayerType.ReLU or LayerType.ReLU6 or LayerType.LeakyReLU && OnlyReader(plan, conv + 1, conv + 2)) return 3;
        return AddsResidual(plan, conv) ? 3 : 2;
    }

    /// <summary>Whether layer <paramref name="conv"/> + 2 is an Add of the BatchNorm at <paramref name="conv"/> + 1 (its
    /// only reader) and a tensor computed before the convolution, with an activation that can be fused (None or exact).</summary>
    public static bool AddsResidual(NetworkPlan plan, int conv)
    {
        NetworkModel m = plan.Model;
        int bn = conv + 1;
        if (conv + 2 >= m.Layers.Count || m.Outputs.Contains(bn)) return false;
        LayerModel add = m.Layers[conv + 2];
        if (add.Kind != LayerType.Add || add.Inputs.Count != 2) return false;
        int other = add.Inputs[0] == bn ? add.Inputs[1] : add.Inputs[1] == bn ? add.Inputs[0] : int.MaxValue;
        if (other >= conv) return false;   // not an operand of this Add, the BatchNorm twice, or computed later
        foreach (LayerModel l in m.Layers)
            if (l.Index != add.Index && l.Inputs.Contains(bn)) return false;
        string? act = add.Prop("Activation");
        return act is "global::StaticCnn.Activation.None" or "global::StaticCnn.Activation.ReLU" or "global::StaticCnn.Activation.ReLU6"
            or "global::StaticCnn.Activation.LeakyReLU";
    }

    /// <summary>What one step of the inference body runs (<see cref="InferenceStep"/>).</summary>
    public enum StepKind { Single, ConvPool, ConvBatchNorm, BatchNormActivation }

    /// <summary>
    /// The inference body's step that starts at layer <paramref name="i"/>: its kind and how many layers it covers (the
    /// order of the tests is the body's). Emitter.EmitInference emits the steps, and the inference layout
    /// (Pipeline/InferenceLayout.cs) places the activations they write (<see cref="Writes"/>): both walk this.
    /// </summary>
    public static (StepKind Kind, int Length) InferenceStep(NetworkPlan plan, int i)
    {
        if (ConvPool(plan, i)) return (StepKind.ConvPool, 2);
        int fused = ConvBatchNorm(plan, i);
        if (fused > 0) return (StepKind.ConvBatchNorm, fused);
        if (BatchNormActivation(plan, i)) return (StepKind.BatchNormActivation, 2);
        return (StepKind.Single, 1);
    }

    /// <summary>The layers whose activations a step starting at <paramref name="i"/> writes (a Flatten view writes none; a fused Conv2D → BatchNorm2D chain only its last).</summary>
    public static int[] Writes(NetworkPlan plan, int i, StepKind kind, int length) => kind switch
    {
        StepKind.ConvPool or StepKind.BatchNormActivation => new[] { i, i + 1 },
        StepKind.ConvBatchNorm => new[] { i + length - 1 },
        _ => (plan.Model.Layers[i].Flags & LayerFlags.AliasInput) != 0 ? System.Array.Empty<int>() : new[] { i },
    };

    /// <summary>The layers whose activation an inference <c>Forward</c> does not write, with the layer that holds the result.</summary>
    public static System.Collections.Generic.List<(int Layer, int Into)> FusedAway(NetworkPlan plan)
    {
        var list = new System.Collections.Generic.List<(int, int)>();
        for (int i = 0; i < plan.Model.Layers.Count; i++)
        {
            int n = ConvBatchNorm(plan, i);
            for (int k = 0; k + 1 < n; k++) list.Add((i + k, i + n - 1));
            if (n > 0) i += n - 1;
        }
        return list;
    }

    /// <summary>Whether <paramref name="reader"/> reads layer <paramref name="layer"/> alone, nothing else reads it, and it is not a network output.</summary>
    private static bool OnlyReader(NetworkPlan plan, int layer, int reader)
    {
        NetworkModel m = plan.Model;
        if (m.Outputs.Contains(layer)) return false;
        LayerModel r = m.Layers[reader];
        if (r.Inputs.Count != 1 || r.Inputs[0] != layer) return false;
        foreach (LayerModel l in m.Layers)
            if (l.Index != reader && l.Inputs.Contains(layer)) return false;
        return true;
    }
}
