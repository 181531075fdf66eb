using System.Runtime.CompilerServices;
namespace StaticCnn.Kernels;

/// <summary>
/// The constant shape of one ConvTranspose2D layer (members in <see cref="IConvWindowShape"/>);
/// OutH = (InH − 1)·StrideH − 2·PadH + DilationH·(KH − 1) + OutputPadding + 1 is given, so output padding needs no member.
/// </summary>
public interface IConvTranspose2DShape : IConvWindowShape { }

/// <summary>
/// 2-D transposed convolution, NCHW, weights as PyTorch <c>[InC, OutC/Groups, KH, KW]</c>. PyTorch: <c>nn.ConvTranspose2d</c>.
/// It is the adjoint of a convolution from its output to its input, so the fast path reuses the Conv2D engine:
/// forward = convolution backward-data, backward-data = convolution forward, backward-weights = convolution
/// backward-weights with the roles of x and dy exchanged.
/// </summary>
public static unsafe class ConvTranspose2D
{
    /// <summary>The convolution whose backward-data this transposed convolution is.</summary>
    internal static ConvGeom Geom<TS>(TS s) where TS : struct, IConvTranspose2DShape => new()
    {
        Cin = s.OutC, H = s.OutH, W = s.OutW, Cout = s.InC, OH = s.InH, OW = s.InW, KH = s.KH, KW = s.KW,
        SH = s.StrideH, SW = s.StrideW, PH = s.PadH, PW = s.PadW, DH = s.DilationH, DW = s.DilationW, G = s.Groups,
    };

    /// <summary>Floats of scratch any entry point of this class needs.</summary>
    public static int ScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        return checked((int)ConvCore.Scratch(g, threads));
    }

    /// <summary>Floats of scratch <see cref="Forward"/> alone needs (the convolution's backward-data path); at most <see cref="ScratchFloats"/>.</summary>
    public static int ForwardScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        return checked((int)ConvCore.BackwardDataScratch(g, threads));
    }

    /// <summary>y = act(conv_transpose2d(x, w) + b).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        CheckForward(g, s.HasBias, x, w, b, y, batch);
        KernelChecks.Scratch(scratch, ConvCore.BackwardDataScratch(g, threads));
        int plane = g.InPlane;
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < g.Cin; oc++)
                y.Slice((n * g.Cin + oc) * plane, plane).Fill(s.HasBias ? b[oc] : 0f);
        fixed (float* px = x, pw = w, py = y, ps = scratch)
            ConvCore.BackwardData(g, pw, px, py, batch, ps, threads);
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Applies the activation derivative to <paramref name="dy"/> in place, then dw += , db += , dx += (dx may be empty).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        CheckBackward(g, s.HasBias, x, w, y, dy, dx, dw, db, batch);
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        BackwardWeights(s, x, dy, dw, db, batch, scratch, threads);
        if (!dx.IsEmpty) BackwardData(s, w, dy, dx, batch, scratch, threads);
    }

    /// <summary>dx += the input gradient; <paramref name="dy"/> is already pre-activation.</summary>
    public static void BackwardData<TS>(TS s, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(dy, (long)batch * g.Cin * g.InPlane, "dy");
        KernelChecks.Length(dx, (long)batch * g.Cout * g.N, "dx");
        KernelChecks.Scratch(scratch, ConvCore.ForwardScratch(g, threads));
        fixed (float* pw = w, pdy = dy, pdx = dx, ps = scratch)
            ConvCore.Forward(g, pdy, pw, null, pdx, batch, true, Activation.None, ps, threads);
    }

    /// <summary>dw += , db += ; <paramref name="dy"/> is already pre-activation.</summary>
    public static void BackwardWeights<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw,
        Span<float> db, int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        KernelChecks.Length(x, (long)batch * g.Cout * g.N, "x");
        KernelChecks.Length(dy, (long)batch * g.Cin * g.InPlane, "dy");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, s.HasBias ? g.Cin : 0, "db");
        KernelChecks.Scratch(scratch, ConvCore.BackwardWeightsScratch(g, threads));
        fixed (float* px = x, pdy = dy, pdw = dw, pdb = db, ps = scratch)
        {
            // conv view: input = our dy, output gradient = our x
            ConvCore.BackwardWeights(g, pdy, px, pdw, batch, ps, threads);
            if (s.HasBias) ConvCore.BiasGrad(pdy, pdb, batch, g.Cin, g.InPlane);
        }
    }

    // ---- reference twins ---------------------------------------------------------------------------------------

    /// <summary>Scalar reference of <see cref="Forward"/> (double accumulation, gather form).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        CheckForward(g, s.HasBias, x, w, b, y, batch);
        int inC = s.InC, outC = s.OutC, inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW;
        int icg = inC / s.Groups, ocg = outC / s.Groups;
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < outC; oc++)
            {
                int grp = oc / ocg, o = oc - grp * ocg;
                for (int oh = 0; oh < outH; oh++)
                    for (int ow = 0; ow < outW; ow++)
                    {
                        double sum = s.HasBias ? b[oc] : 0.0;
                        for (int kh = 0; kh < s.KH; kh++)
                        {
                            int th = oh + s.PadH - kh * s.DilationH;
                            if (th < 0 || th % s.StrideH != 0 || th / s.StrideH >= inH) continue;
                            int ih = th / s.StrideH;
                            for (int kw = 0; kw < s.KW; kw++)
                            {
                                int tw = ow + s.PadW - kw * s.DilationW;
                                if (tw < 0 || tw % s.StrideW != 0 || tw / s.StrideW >= inW) continue;
                                int iw = tw / s.StrideW;
                                for (int i = 0; i < icg; i++)
                                {
                                    int ic = grp * icg + i;
                                    sum += (double)x[((n * inC + ic) * inH + ih) * inW + iw]
                                         * w[((ic * ocg + o) * s.KH + kh) * s.KW + kw];
                                }
                            }
                        }
                        y[((n * outC + oc) * outH + oh) * outW + ow] = (float)sum;
                    }
            }
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Scalar reference of <see cref="Backward"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        CheckBackward(g, s.HasBias, x, w, y, dy, dx, dw, db, batch);
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        BackwardWeightsReference(s, x, dy, dw, db, batch, scratch, threads);
        if (!dx.IsEmpty) BackwardDataReference(s, w, dy, dx, batch, scratch, threads);
    }

    /// <summary>Scalar reference of <see cref="BackwardData"/>.</summary>
    public static void BackwardDataReference<TS>(TS s, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(dy, (long)batch * g.Cin * g.InPlane, "dy");
        KernelChecks.Length(dx, (long)batch * g.Cout * g.N, "dx");
        int inC = s.InC, outC = s.OutC, inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW;
        int icg = inC / s.Groups, ocg = outC / s.Groups;
        for (int n = 0; n < batch; n++)
            for (int ic = 0; ic < inC; ic++)
            {
                int grp = ic / icg;
                for (int ih = 0; ih < inH; ih++)
                    for (int iw = 0; iw < inW; iw++)
                    {
                        double sum = 0;
                        for (int o = 0; o < ocg; o++)
                        {
                            int oc = grp * ocg + o;
                            for (int kh = 0; kh < s.KH; kh++)
                            {
                                int oh = ih * s.StrideH - s.PadH + kh * s.DilationH;
                                if (oh < 0 || oh >= outH) continue;
                                for (int kw = 0; kw < s.KW; kw++)
                                {
                                    int ow = iw * s.StrideW - s.PadW + kw * s.DilationW;
                                    if (ow < 0 || ow >= outW) continue;
                                    sum += (double)dy[((n * outC + oc) * outH + oh) * outW + ow]
                                         * w[((ic * ocg + o) * s.KH + kh) * s.KW + kw];
                                }
                            }
                        }
                        dx[((n * inC + ic) * inH + ih) * inW + iw] += (float)sum;
                    }
            }
    }

    /// <summary>Scalar reference of <see cref="BackwardWeights"/>.</summary>
    public static void BackwardWeightsReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw,
        Span<float> db, int batch, Span<float> scratch, int threads) where TS : struct, IConvTranspose2DShape
    {
        var g = Geom(s);
        Conv2D.Validate(g);
        KernelChecks.Length(x, (long)batch * g.Cout * g.N, "x");
        KernelChecks.Length(dy, (long)batch * g.Cin * g.InPlane, "dy");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, s.HasBias ? g.Cin : 0, "db");
        int inC = s.InC, outC = s.OutC, inH = s.InH, inW = s.InW, outH = s.OutH, outW = s.OutW;
        int icg = inC / s.Groups, ocg = outC / s.Groups;
        for (int ic = 0; ic < inC; ic++)
        {
            int grp = ic / icg;
            for (int o = 0; o < ocg; o++)
            {
                int oc = grp * ocg + o;
                for (int kh = 0; kh < s.KH; kh++)
                    for (int kw = 0; kw < s.KW; kw++)
                    {
                        double sum = 0;
                        for (int n = 0; n < batch; n++)
                            for (int ih = 0; ih < inH; ih++)
                            {
                                int oh = ih * s.StrideH - s.PadH + kh * s.DilationH;
                                if (oh < 0 || oh >= outH) continue;
                                for (int iw = 0; iw < inW; iw++)
                                {
                                    int ow = iw * s.StrideW - s.PadW + kw * s.DilationW;
                                    if (ow < 0 || ow >= outW) continue;
                                    sum += (double)x[((n * inC + ic) * inH + ih) * inW + iw]
                                         * dy[((n * outC + oc) * outH + oh) * outW + ow];
                                }
                            }
                        dw[((ic * ocg + o) * s.KH + kh) * s.KW + kw] += (float)sum;
                    }
            }
        }
        if (s.HasBias)
            for (int oc = 0; oc < outC; oc++)
            {
                double sb = 0;
                for (int n = 0; n < batch; n++)
                    for (int p = 0; p < outH * outW; p++) sb += dy[(n * outC + oc) * outH * outW + p];
                db[oc] += (float)sb;
            }
    }

    // ---- checks (in the conv view g: g.Cin = OutC, g.Cout = InC) ----------------------------------------------

    private static void CheckForward(in ConvGeom g, bool hasBias, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, ReadOnlySpan<float> y, int batch)
    {
        Conv2D.Validate(g);
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * g.Cout * g.N, "x");
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(b, hasBias ? g.Cin : 0, "b");
        KernelChecks.Length(y, (long)batch * g.Cin * g.InPlane, "y");
    }

    private static void CheckBackward(in ConvGeom g, bool hasBias, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> dx, ReadOnlySpan<float> dw,
        ReadOnlySpan<float> db, int batch)
    {
        Conv2D.Validate(g);
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * g.Cout * g.N, "x");
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(y, (long)batch * g.Cin * g.InPlane, "y");
        KernelChecks.Length(dy, (long)batch * g.Cin * g.InPlane, "dy");
        if (!dx.IsEmpty) KernelChecks.Length(dx, (long)batch * g.Cout * g.N, "dx");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, hasBias ? g.Cin : 0, "db");
    }
}
