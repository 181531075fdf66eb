namespace StaticCnn.Generator.Layers;

/// <summary>
/// [ReLU], [LeakyReLU(Slope)], [Sigmoid], [Tanh], [ReLU6], [Hardswish], [SiLU] as layers: shape unchanged. Kernel:
/// <c>StaticCnn.Kernels.Activations</c> (Forward writes y; Backward adds into dx using the saved output y, or, for
/// Hardswish and SiLU, which are not invertible from y, BackwardFromInput using the layer's input x).
/// </summary>
internal sealed class ActivationLayer : LayerKind
{
    private readonly LayerType _type;
    private readonly Activation _activation;

    public ActivationLayer(LayerType type, Activation activation)
    {
        _type = type;
        _activation = activation;
    }

    public override LayerType Type => _type;
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        float slope = _activation == Activation.LeakyReLU ? c.Float("Slope", 0.01f) : 0f;
        c.Check(!float.IsNaN(slope) && !float.IsInfinity(slope), "Slope", "a finite number", slope);
        if (c.Failed) return;
        c.SetOut(c.In);
        c.PropActivation("Kind", _activation);
        c.Prop("Slope", slope);
    }

    private static string Args(EmitContext e) => e.L.Prop("Kind") + ", " + e.L.Prop("Slope");

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Activations", "Forward", Args(e) + ", " + e.X() + ", " + e.Y + ", threads");

    public override void EmitBackward(EmitContext e)
    {
        if (_activation is Activation.Hardswish or Activation.SiLU) // not invertible from y: the derivative needs x
            e.Call("Activations", "BackwardFromInput", e.L.Prop("Kind") + ", " + e.X() + ", " + e.DY + ", " + e.DX() + ", threads");
        else
            e.Call("Activations", "Backward", Args(e) + ", " + e.Y + ", " + e.DY + ", " + e.DX() + ", threads");
    }
}
