namespace StaticCnn.Generator.Layers;

/// <summary>
/// [ReLU], [LeakyReLU(Slope)], [Sigmoid], [Tanh] as layers: shape unchanged. Kernel: <c>StaticCnn.Kernels.Activations</c>
/// (Forward writes y; Backward adds into dx using the saved output y).
/// </summary>
internal sealed class ActivationLayer : LayerKind
{
    private readonly string _kind;
    private readonly ActivationKind _activation;

    public ActivationLayer(string kind, ActivationKind activation)
    {
        _kind = kind;
        _activation = activation;
    }

    public override string Kind => _kind;
    public override int InputRank => 0;

    public override void Infer(InferContext c)
    {
        float slope = _activation == ActivationKind.LeakyReLU ? c.Float("Slope", 0.01f) : 0f;
        c.Check(!float.IsNaN(slope) && !float.IsInfinity(slope), "Slope", "a finite number", slope);
        if (c.Failed) return;
        c.SetOut(c.In);
        c.PropActivation("Kind", _activation);
        c.Prop("Slope", slope);
    }

    private static string Args(EmitContext e) => e.L.Prop("Kind") + ", " + e.L.Prop("Slope");

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Activations", "Forward", Args(e) + ", " + e.X() + ", " + e.Y);

    public override void EmitBackward(EmitContext e)
        => e.Call("Activations", "Backward", Args(e) + ", " + e.Y + ", " + e.DY + ", " + e.DX());
}
