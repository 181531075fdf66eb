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
}
