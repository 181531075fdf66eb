using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// [Conv2D]: weight (Filters, InC/Groups, KH, KW), bias (Filters). Out = floor((In + 2P − D·(K−1) − 1)/S) + 1.
/// Kernel: <c>StaticCnn.Kernels.Conv2D</c> over <c>IConv2DShape</c>.
/// </summary>
internal class Conv2DLayer : LayerKind
{
    public override LayerType Type => LayerType.Conv2D;
    public override string? ShapeInterface => "IConv2DShape";
    public override string[] TensorSuffixes => new[] { "weight", "bias" };
    public override string? RankHint(int rank) => rank == 2 ? "Conv1D" : null;

    public override void Infer(InferContext c)
    {
        TensorDims x = c.In;
        int filters = c.Positive("Filters", 0);
        int kernel = c.Positive("Kernel", 3);
        int kh = c.Override("KernelH", kernel), kw = c.Override("KernelW", kernel);
        int stride = c.Positive("Stride", 1);
        int sh = c.Override("StrideH", stride), sw = c.Override("StrideW", stride);
        int padding = c.NonNegative("Padding", 0);
        int ph = c.Int("PaddingH", -1), pw = c.Int("PaddingW", -1);
        c.Check(ph >= -1, "PaddingH", "at least 0 (or -1 to use Padding)", ph);
        c.Check(pw >= -1, "PaddingW", "at least 0 (or -1 to use Padding)", pw);
        ph = ph >= 0 ? ph : padding;
        pw = pw >= 0 ? pw : padding;
        int modeValue = c.Int("PaddingMode", 0);
        c.Check(System.Enum.IsDefined(typeof(PaddingMode), modeValue), "PaddingMode", "a defined PaddingMode value", modeValue);
        var mode = (PaddingMode)modeValue;
        int dilation = c.Positive("Dilation", 1);
        int groups = c.Positive("Groups", 1);
        bool bias = c.Bool("Bias", true);
        Activation act = c.Activation();
        if (c.Failed) return;

        if (mode == PaddingMode.Same && (sh != 1 || sw != 1))
        {
            c.Error(DiagnosticDescriptors.SamePaddingNeedsStrideOne, c.Member, sh == sw ? sh.ToString() : sh + "×" + sw);
            return;
        }
        if (x.C % groups != 0 || filters % groups != 0)
        {
            c.Error(DiagnosticDescriptors.GroupsDoNotDivide, c.Member, groups, x.C, c.InName, filters);
            return;
        }

        long oh, ow;
        if (mode == PaddingMode.Same)
        {
            ph = (int)ShapeRules.SamePaddingLow(kh, dilation);
            pw = (int)ShapeRules.SamePaddingLow(kw, dilation);
            oh = x.H;
            ow = x.W;
        }
        else
        {
            if (mode == PaddingMode.Valid) ph = pw = 0;
            if (!ConvCommon.CheckFits(c, kh, kw, ph, pw, dilation)) return;
            oh = ShapeRules.ConvOutput(x.H, kh, sh, ph, dilation);
            ow = ShapeRules.ConvOutput(x.W, kw, sw, pw, dilation);
            ConvCommon.WarnDroppedPixels(c, kh, kw, sh, sw, ph, pw, dilation);
        }
        if (!c.SetOut(filters, oh, ow)) return;
        if (!c.Tensor("weight", TensorArena.Parameter, TensorInit.UniformFanIn, filters, x.C / groups, kh, kw)) return;
        if (bias && !c.Tensor("bias", TensorArena.Parameter, TensorInit.UniformWeightFanIn, filters)) return;
        c.Parameters = ShapeRules.ConvParameters(x.C, filters, kh, kw, groups, bias);
        c.Macs = ShapeRules.ConvMacs(x.C, filters, oh, ow, kh, kw, groups);
        c.Flags = LayerFlags.Scratch;
        ConvCommon.Props(c, x, c.Out!, kh, kw, sh, sw, ph, pw, dilation, groups, bias, act);
        c.PropPrecision("Precision", c.Precision);
    }

    public override string? ScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.Conv2D.ScratchFloats(" + e.Shape + ", batch, threads)";

    public override string? ForwardScratchExpression(EmitContext e)
        => "global::StaticCnn.Kernels.Conv2D.ForwardScratchFloats(" + e.Shape + ", batch, threads)";

    public override void EmitForward(EmitContext e, bool train)
        => e.Call("Conv2D", "Forward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", " + e.Y + ", batch, scratch, threads"
            + (train ? "" : ", " + Prepared(e)));

    /// <summary>
    /// The inference body's argument for this convolution's prepared weights: its slot of <c>prepared</c> (empty when
    /// the context reads the live weights). Slot k is the k-th Conv2D layer of the network, in layer order.
    /// </summary>
    public static string Prepared(EmitContext e) => "global::StaticCnn.PreparedWeights.Of(prepared, " + Lit.Int(Slot(e.Net, e.L.Index)) + ")";

    /// <summary>The prepared-weights slot of Conv2D layer <paramref name="index"/>: how many Conv2D layers come before it.</summary>
    public static int Slot(NetworkPlan net, int index)
    {
        int k = 0;
        for (int i = 0; i < index; i++)
            if (net.Model.Layers[i].Kind == LayerType.Conv2D) k++;
        return k;
    }

    /// <summary>
    /// The network's <c>PrepareWeights(prm)</c>: one slot per Conv2D layer, sized by <c>Conv2D.PreparedFloats</c> (0 where
    /// the layer's forward algorithm reads its weights as they are) and filled by <c>Conv2D.PrepareWeights</c>.
    /// </summary>
    public static void EmitPrepareWeights(SourceWriter w, NetworkPlan net)
    {
        var convs = new System.Collections.Generic.List<LayerModel>();
        foreach (var l in net.Model.Layers)
            if (l.Kind == LayerType.Conv2D) convs.Add(l);
        w.Line("/// <summary>");
        w.Line("/// Every Conv2D layer's weights in the layout its forward algorithm reads, prepared once from <paramref name=\"prm\"/>:");
        w.Line("/// slot k for the k-th Conv2D layer (empty where the algorithm reads the weights as they are). For the inference");
        w.Line("/// contexts created with prepareWeights: true.");
        w.Line("/// </summary>");
        w.Open("private static global::StaticCnn.PreparedWeights PrepareWeights(global::System.ReadOnlySpan<float> prm)");
        if (convs.Count == 0)
            w.Line("return new global::StaticCnn.PreparedWeights(default);");
        else
        {
            var sizes = new System.Collections.Generic.List<string>();
            foreach (var l in convs) sizes.Add("global::StaticCnn.Kernels.Conv2D.PreparedFloats(default(" + l.Member + "Shape))");
            w.Line("var prepared = new global::StaticCnn.PreparedWeights(stackalloc long[] {");
            for (int k = 0; k < sizes.Count; k++) w.Line("    " + sizes[k] + (k + 1 < sizes.Count ? "," : ""));
            w.Line("});");
            for (int k = 0; k < convs.Count; k++)
            {
                var e = new EmitContext(w, net, convs[k].Index);
                w.Line("global::StaticCnn.Kernels.Conv2D.PrepareWeights(default(" + convs[k].Member + "Shape), " + e.ParamRegion("weight") + ", prepared.Slot(" + Lit.Int(k) + "));");
            }
            w.Line("return prepared;");
        }
        w.Close();
    }

    /// <summary>Inference: this convolution and the MaxPool2D <paramref name="pool"/> reading it, as one fused call.</summary>
    public static void EmitForwardPooled(EmitContext e, LayerModel pool)
    {
        string args = e.Shape + ", default(" + pool.Member + "Shape), " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias") + ", " + e.Y;
        string pooled = e.Local("pooled", e.ActSlice(pool.Member));
        e.Call("ConvMaxPool2D", "Forward", args + ", " + pooled + ", batch, scratch, threads, " + Prepared(e));
    }

    /// <summary>Inference: this convolution, the BatchNorm2D <paramref name="bn"/> reading it and the layer
    /// <paramref name="next"/> reading that (an activation layer, a residual Add, or null), as one call writing only the
    /// last layer's activation (<see cref="Emit.Fusion.ConvBatchNorm"/>).</summary>
    public static void EmitForwardBatchNorm(EmitContext e, LayerModel bn, LayerModel? next)
    {
        LayerModel last = next ?? bn;
        bool add = next != null && next.Kind == LayerType.Add;
        string y = e.Local("fused", e.ActSlice(last.Member));
        string kind = next == null ? "global::StaticCnn.Activation.None" : add ? next.Prop("Activation")! : next.Prop("Kind")!;
        string slope = next == null ? "0f" : add ? "global::StaticCnn.Kernels.Activations.DefaultLeakySlope" : next.Prop("Slope")!;
        string args = e.Shape + ", default(" + bn.Member + "Shape), " + e.X() + ", " + e.Param("weight") + ", " + e.Param("bias")
            + ", " + e.TensorOf(bn, "prm", "weight") + ", " + e.TensorOf(bn, "prm", "bias") + ", " + e.TensorOf(bn, "buf", "running_mean") + ", " + e.TensorOf(bn, "buf", "running_var");
        if (add)
        {
            int other = next!.Inputs[0] == bn.Index ? next.Inputs[1] : next.Inputs[0];
            string n = EmitContext.Name(e.Net, other);
            string residual = e.Local("residual", e.ActSlice(n));
            args += ", " + residual + ", " + (next.Inputs[0] == other ? "true" : "false");
        }
        e.Call("Conv2D", add ? "ForwardBatchNormAdd" : "ForwardBatchNorm", args + ", " + kind + ", " + slope + ", " + y + ", batch, scratch, threads, " + Prepared(e));
    }

    public override void EmitBackward(EmitContext e)
        => e.Call("Conv2D", "Backward", e.Shape + ", " + e.X() + ", " + e.Param("weight") + ", " + e.Y + ", " + e.DY + ", " + e.DX()
            + ", " + e.Grad("weight") + ", " + e.Grad("bias") + ", batch, scratch, threads");
}

/// <summary>Checks and properties shared by Conv2D, ConvTranspose2D and the pools.</summary>
internal static class ConvCommon
{
    /// <summary>SCNN0101 when the (dilated) window is larger than the padded input.</summary>
    public static bool CheckFits(InferContext c, int kh, int kw, int ph, int pw, int dilation)
    {
        TensorDims x = c.In;
        long ekh = ShapeRules.EffectiveKernel(kh, dilation), ekw = ShapeRules.EffectiveKernel(kw, dilation);
        long hp = x.H + 2L * ph, wp = x.W + 2L * pw;
        if (ekh <= hp && ekw <= wp) return true;
        long needH = ekh > x.H ? (ekh - x.H + 1) / 2 : 0, needW = ekw > x.W ? (ekw - x.W + 1) / 2 : 0;
        string kernel = dilation == 1 ? kh + "×" + kw : kh + "×" + kw + " (dilated to " + ekh + "×" + ekw + ")";
        c.Error(DiagnosticDescriptors.KernelLargerThanInput, c.Member, kernel, x.ToString(), c.InName, hp + "×" + wp,
            (hp - ekh + 1) + "×" + (wp - ekw + 1), System.Math.Max(needH, needW));
        return false;
    }

    /// <summary>SCNN0300 when the stride leaves trailing rows or columns unread.</summary>
    public static void WarnDroppedPixels(InferContext c, int kh, int kw, int sh, int sw, int ph, int pw, int dilation)
    {
        TensorDims x = c.In;
        long rh = (x.H + 2L * ph - ShapeRules.EffectiveKernel(kh, dilation)) % sh;
        long rw = (x.W + 2L * pw - ShapeRules.EffectiveKernel(kw, dilation)) % sw;
        if (rh == 0 && rw == 0) return;
        c.Report(DiagnosticDescriptors.StrideDropsPixels, c.Member, kh + "×" + kw, sh == sw ? sh.ToString() : sh + "×" + sw,
            x.ToString(), c.InName, System.Math.Max(rh, rw));
    }

    public static void Props(InferContext c, TensorDims x, TensorDims y, int kh, int kw, int sh, int sw, int ph, int pw, int dilation,
        int groups, bool bias, Activation act)
    {
        c.Prop("InC", x.C); c.Prop("InH", x.H); c.Prop("InW", x.W);
        c.Prop("OutC", y.C); c.Prop("OutH", y.H); c.Prop("OutW", y.W);
        c.Prop("KH", kh); c.Prop("KW", kw);
        c.Prop("StrideH", sh); c.Prop("StrideW", sw);
        c.Prop("PadH", ph); c.Prop("PadW", pw);
        c.Prop("DilationH", dilation); c.Prop("DilationW", dilation);
        c.Prop("Groups", groups);
        c.Prop("HasBias", bias);
        c.PropActivation("Activation", act);
    }

    public static void PoolProps(InferContext c, TensorDims x, TensorDims y, int k, int s, int p)
    {
        c.Prop("C", x.C); c.Prop("InH", x.H); c.Prop("InW", x.W); c.Prop("OutH", y.H); c.Prop("OutW", y.W);
        c.Prop("KH", k); c.Prop("KW", k); c.Prop("StrideH", s); c.Prop("StrideW", s); c.Prop("PadH", p); c.Prop("PadW", p);
    }
}
