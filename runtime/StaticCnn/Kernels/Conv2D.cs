namespace StaticCnn.Kernels;

/// <summary>
/// The window geometry shared by <see cref="IConv2DShape"/> and <see cref="IConvTranspose2DShape"/>, emitted by the
/// generator as a struct whose properties return constants. PadH/PadW are the low-side (top/left) padding; the high
/// side is implied by OutH/OutW (asymmetric "same" padding, output padding of a transposed convolution).
/// </summary>
public interface IConvWindowShape
{
    int InC { get; }
    int InH { get; }
    int InW { get; }
    int OutC { get; }
    int OutH { get; }
    int OutW { get; }
    int KH { get; }
    int KW { get; }
    int StrideH { get; }
    int StrideW { get; }
    int PadH { get; }
    int PadW { get; }
    int DilationH { get; }
    int DilationW { get; }
    int Groups { get; }
    bool HasBias { get; }
    /// <summary>Fused activation; LeakyReLU uses <see cref="Activations.DefaultLeakySlope"/>.</summary>
    Activation Activation { get; }
}

/// <summary>The constant shape of one Conv2D layer: OutH = floor((InH + 2·PadH − DilationH·(KH − 1) − 1) / StrideH) + 1.</summary>
public interface IConv2DShape : IConvWindowShape
{
    /// <summary>The network's <see cref="StaticCnn.Precision"/>: <see cref="Precision.Relaxed"/> lets the forward pass take Winograd F(4×4, 3×3).</summary>
    Precision Precision { get; }
}

/// <summary>
/// 2-D convolution, NCHW, weights OIHW <c>[OutC, InC/Groups, KH, KW]</c>. PyTorch: <c>nn.Conv2d</c>.
/// The fast entry points run a packed SGEMM with implicit im2col (see <see cref="Gemm"/>); every one has a scalar
/// <c>…Reference</c> twin with the same signature (double accumulation), the ground truth in tests.
/// </summary>
/// <remarks>
/// Forward writes <c>y</c>; backward adds into <c>dx</c>, <c>dw</c>, <c>db</c>. Results are bit-identical for any
/// <c>threads</c> (outputs are partitioned, every reduction has one fixed order). No allocation per call.
/// </remarks>
public static unsafe class Conv2D
{
    internal static ConvGeom Geom<TS>(TS s) where TS : struct, IConv2DShape => new()
    {
        Cin = s.InC, H = s.InH, W = s.InW, Cout = s.OutC, OH = s.OutH, OW = s.OutW, KH = s.KH, KW = s.KW,
        SH = s.StrideH, SW = s.StrideW, PH = s.PadH, PW = s.PadW, DH = s.DilationH, DW = s.DilationW, G = s.Groups,
        Relaxed = s.Precision == Precision.Relaxed,
    };

    /// <summary>Floats of scratch any entry point of this class needs for <paramref name="batch"/> samples and <paramref name="threads"/> threads.</summary>
    public static int ScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        return checked((int)(ConvCore.Scratch(g, threads) + FoldFloats(g)));
    }

    /// <summary>
    /// Floats of scratch <see cref="Forward"/> and <see cref="ForwardBatchNorm"/> need (the forward path chosen for this
    /// shape: direct, column Winograd, channel-wise, GEMM, Winograd F(2×2,3×3); and the folded BatchNorm's 2·OutC);
    /// at most <see cref="ScratchFloats"/>. Inference-only
    /// workspaces use it, since backward scratch is often much larger.
    /// </summary>
    public static int ForwardScratchFloats<TS>(TS s, int batch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        return checked((int)(ConvCore.ForwardScratch(g, threads) + FoldFloats(g)));
    }

    /// <summary>
    /// The algorithm <paramref name="pass"/> runs for this shape: the first entry of that pass's list in
    /// <see cref="ConvAlgorithms"/> whose test passes (or a forced one). It depends on the shape and the instruction
    /// set only, not on batch or thread count. PyTorch: none (oneDNN's verbose mode prints its choice).
    /// </summary>
    public static ConvAlgorithm AlgorithmFor<TS>(TS s, ConvPass pass = ConvPass.Forward) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        return pass switch
        {
            ConvPass.Forward => ConvAlgorithms.ChooseForward(g, false),
            ConvPass.Backward => ConvAlgorithms.ChooseBackward(g),
            ConvPass.BackwardData => ConvAlgorithms.ChooseData(g),
            _ => ConvAlgorithms.ChooseWeights(g),
        };
    }

    /// <summary>
    /// One line naming every algorithm this shape runs, e.g.
    /// <c>forward: Winograd F(2x2,3x3); backward-data: Winograd F(2x2,3x3) (flipped); backward-weights: dW tiles (padded image)</c>
    /// (a flipped-forward backward-data names its forward algorithm in parentheses; where <see cref="Backward"/> is fused,
    /// "backward: fused direct backward" comes first, and the two others are what the separate entry points run).
    /// </summary>
    public static string Describe<TS>(TS s) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        return ConvAlgorithms.Describe(g);
    }

    /// <summary>
    /// Floats of this shape's prepared weights (<see cref="PrepareWeights"/>): the weights in the layout the chosen
    /// forward algorithm reads, made once instead of on every call. Winograd F(2×2, 3×3) reads U = G w Gᵀ (16/9 of the
    /// weights), the column and channel-wise F(2,3) forwards of small-channel layers their kernel columns' transforms
    /// (4/3 of a 3×3 layer's weights, 7/5 of a 5×5 one's); every other algorithm reads w as it is, and this is 0. Depends on the shape and the instruction set,
    /// as <see cref="AlgorithmFor"/> does. PyTorch: none (ONNX Runtime prepacks a session's constant weights this way).
    /// </summary>
    public static int PreparedFloats<TS>(TS s) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        return checked((int)ConvCore.PreparedFloats(g));
    }

    /// <summary>
    /// Writes <paramref name="w"/>'s prepared form (<see cref="PreparedFloats"/> floats) to <paramref name="prepared"/>,
    /// for <see cref="Forward"/>, <see cref="ForwardBatchNorm"/> and <see cref="ForwardBatchNormAdd"/> to read in place of
    /// transforming w on every call. The result is bit for bit the same; a prepared form is valid for the w it was made
    /// from only (prepare again after changing w), and its floats do not depend on its address (it may be copied).
    /// Stateless: safe from several threads on distinct outputs; a prepared form may be read by several calls at once.
    /// </summary>
    /// <exception cref="ArgumentException">A span's length is not the shape's.</exception>
    public static void PrepareWeights<TS>(TS s, ReadOnlySpan<float> w, Span<float> prepared) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(prepared, ConvCore.PreparedFloats(g), "prepared");
        if (prepared.IsEmpty) return;
        fixed (float* pw = w, pp = prepared) ConvCore.Prepare(g, pw, pp);
    }

    /// <summary>The pointer of a prepared-weights span after checking its length (null when empty: the forward transforms w itself).</summary>
    internal static float* Prepared(in ConvGeom g, ReadOnlySpan<float> prepared, float* p)
    {
        if (prepared.IsEmpty) return null;
        long expected = ConvCore.PreparedFloats(g);
        if (prepared.Length != expected)
            throw new ArgumentException(
                $"prepared has {prepared.Length} floats but this shape's forward reads {expected} (PreparedFloats): make it with PrepareWeights for this shape, on this machine, with the same algorithm choice.",
                nameof(prepared));
        return p;
    }

    /// <summary>
    /// y = act(conv(x, w) + b). PyTorch: <c>F.conv2d</c> followed by the activation. <paramref name="prepared"/>: empty,
    /// or <see cref="PrepareWeights"/>'s output for <paramref name="w"/> (the same result, without the per-call transform).
    /// </summary>
    public static void Forward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        CheckForward(g, s.HasBias, x, w, b, y, batch);
        KernelChecks.Scratch(scratch, ConvCore.ForwardScratch(g, threads));
        fixed (float* px = x, pw = w, pb = b, py = y, ps = scratch, pp = prepared)
            ConvCore.Forward(g, px, pw, s.HasBias ? pb : null, py, batch, false, s.Activation, ps, threads, Prepared(g, prepared, pp));
    }

    /// <summary>
    /// Inference: this convolution and the <see cref="BatchNorm2D"/> that reads it (running statistics), and optionally
    /// the ReLU, ReLU6 or LeakyReLU layer after that, in one pass: y = post(BN(act(conv(x, w) + b))). Each output-channel
    /// row gets the BatchNorm's affine and the activation right after the convolution writes it, while it is in cache
    /// (<see cref="ConvEpilogue"/>), instead of two more passes over the tensor (ResNet's conv → BatchNorm → ReLU,
    /// MobileNet's conv → BatchNorm → ReLU6). The result is bit for bit <see cref="Forward"/>, then
    /// <see cref="BatchNorm2D.ForwardInference{TS}(TS, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float}, int, int)"/>,
    /// then <see cref="Activations.Forward(Activation, float, ReadOnlySpan{float}, Span{float})"/>: the same operations on the same values. Only <paramref name="y"/> is
    /// written (the convolution's and the BatchNorm's own outputs are not kept). <paramref name="post"/> is None or an
    /// exact kind (<see cref="BatchNorm2D.Fusable"/>); another kind throws <see cref="ArgumentOutOfRangeException"/>,
    /// a BatchNorm shape other than the convolution's output or a span of the wrong length <see cref="ArgumentException"/>,
    /// before anything is written. Scratch: <see cref="ForwardScratchFloats"/>. Stateless: safe from several threads
    /// on distinct outputs and scratch. PyTorch: <c>F.relu6(bn(conv(x)))</c> in eval mode.
    /// </summary>
    public static void ForwardBatchNorm<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
        => RunBatchNorm(s, bn, x, w, b, gamma, beta, runningMean, runningVar, default, false, false, post, postSlope, y, batch, scratch, threads, prepared);

    /// <summary>
    /// Inference: as <see cref="ForwardBatchNorm"/> with the Add that reads the BatchNorm in the same pass (a residual
    /// block's conv → BatchNorm → Add(·, skip) → activation): y = post(r + BN(…)) when <paramref name="residualFirst"/>
    /// (the skip is the Add's first input), else post(BN(…) + r), bit for bit the separate layers (the Add's one
    /// addition per element, in its operand order). <paramref name="residual"/> has the output's layout and length and
    /// must not overlap <paramref name="y"/>. PyTorch: <c>F.relu(bn(conv(x)) + identity)</c> in eval mode.
    /// </summary>
    public static void ForwardBatchNormAdd<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> residual, bool residualFirst, Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads,
        ReadOnlySpan<float> prepared = default)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
        => RunBatchNorm(s, bn, x, w, b, gamma, beta, runningMean, runningVar, residual, true, residualFirst, post, postSlope, y, batch, scratch, threads, prepared);

    /// <summary>Scalar twin of <see cref="ForwardBatchNormAdd"/> (it reads <paramref name="w"/>; <paramref name="prepared"/> is unused).</summary>
    public static void ForwardBatchNormAddReference<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> residual, bool residualFirst, Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads,
        ReadOnlySpan<float> prepared = default)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
        => ReferenceBatchNorm(s, bn, x, w, b, gamma, beta, runningMean, runningVar, residual, true, residualFirst, post, postSlope, y, batch, scratch, threads);

    /// <summary>
    /// Scalar twin of <see cref="ForwardBatchNorm"/>: <see cref="ForwardReference"/>, the BatchNorm's and the activation's
    /// references (it reads <paramref name="w"/>; <paramref name="prepared"/> is unused).
    /// </summary>
    public static void ForwardBatchNormReference<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
        => ReferenceBatchNorm(s, bn, x, w, b, gamma, beta, runningMean, runningVar, default, false, false, post, postSlope, y, batch, scratch, threads);

    /// <summary>The body of <see cref="ForwardBatchNorm"/> and <see cref="ForwardBatchNormAdd"/> (with <paramref name="add"/>).</summary>
    private static void RunBatchNorm<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> residual, bool add, bool residualFirst, Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads,
        ReadOnlySpan<float> prepared)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
    {
        var g = Geom(s);
        CheckBatchNorm(g, s.HasBias, bn, x, w, b, gamma, beta, runningMean, runningVar, add, residual, post, y, batch);
        long convScratch = ConvCore.ForwardScratch(g, threads);
        KernelChecks.Scratch(scratch, convScratch + FoldFloats(g));
        fixed (float* px = x, pw = w, pb = b, pg = gamma, pbe = beta, pm = runningMean, pv = runningVar, pr = residual, py = y, ps = scratch, pp = prepared)
        {
            float* alpha = Gemm.Align(ps + convScratch), shift = alpha + g.Cout;
            BatchNorm2D.FoldAll(pg, pbe, pm, pv, bn.Epsilon, alpha, shift, g.Cout);
            var ep = add ? new ConvEpilogue(s.Activation, alpha, shift, pr, py, residualFirst, post, postSlope)
                : new ConvEpilogue(s.Activation, alpha, shift, post, postSlope);
            ConvCore.Forward(g, px, pw, s.HasBias ? pb : null, py, batch, false, ep, ps, threads, Prepared(g, prepared, pp));
        }
    }

    /// <summary>The body of the two reference twins: the convolution's, the BatchNorm's, the Add's and the activation's references.</summary>
    private static void ReferenceBatchNorm<TS, TB>(TS s, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean, ReadOnlySpan<float> runningVar,
        ReadOnlySpan<float> residual, bool add, bool residualFirst, Activation post, float postSlope, Span<float> y, int batch, Span<float> scratch, int threads)
        where TS : struct, IConv2DShape where TB : struct, IBatchNormShape
    {
        var g = Geom(s);
        CheckBatchNorm(g, s.HasBias, bn, x, w, b, gamma, beta, runningMean, runningVar, add, residual, post, y, batch);
        ForwardReference(s, x, w, b, y, batch, scratch, threads);
        BatchNorm2D.ForwardInferenceReference(bn, y, gamma, beta, runningMean, runningVar, y, batch, 1);
        if (add)
            for (int i = 0; i < y.Length; i++) y[i] = residualFirst ? residual[i] + y[i] : y[i] + residual[i];
        Activations.ApplyForwardReference(post, postSlope, y);
    }

    /// <summary>Floats <see cref="ForwardBatchNorm"/> keeps after the convolution's scratch: α and shift per output channel.</summary>
    private static long FoldFloats(in ConvGeom g) => 2L * g.Cout + 16;

    private static void CheckBatchNorm<TB>(in ConvGeom g, bool hasBias, TB bn, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, ReadOnlySpan<float> gamma, ReadOnlySpan<float> beta, ReadOnlySpan<float> runningMean,
        ReadOnlySpan<float> runningVar, bool add, ReadOnlySpan<float> residual, Activation post, ReadOnlySpan<float> y, int batch)
        where TB : struct, IBatchNormShape
    {
        CheckForward(g, hasBias, x, w, b, y, batch);
        if (add)
        {
            KernelChecks.Length(residual, (long)batch * g.Cout * g.N, "residual");
            if (residual.Overlaps(y)) throw new ArgumentException("The residual must not overlap the output.", nameof(residual));
        }
        if (bn.C != g.Cout || bn.H != g.OH || bn.W != g.OW)
            throw new ArgumentException($"The BatchNorm's shape {bn.C}×{bn.H}×{bn.W} is not the convolution's output {g.Cout}×{g.OH}×{g.OW}.", nameof(bn));
        KernelChecks.Length(gamma, g.Cout, "gamma");
        KernelChecks.Length(beta, g.Cout, "beta");
        KernelChecks.Length(runningMean, g.Cout, "runningMean");
        KernelChecks.Length(runningVar, g.Cout, "runningVar");
        if (post != Activation.None && !BatchNorm2D.Fusable(post))
            throw new ArgumentOutOfRangeException(nameof(post), post, "only ReLU, ReLU6 and LeakyReLU are fused after a BatchNorm");
    }

    /// <summary>Applies the activation derivative to <paramref name="dy"/> in place, then dw += , db += , dx += (dx may be empty).</summary>
    public static void Backward<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        CheckBackward(g, s.HasBias, x, w, y, dy, dx, dw, db, batch);
        if (ConvAlgorithms.ChooseBackward(g) == ConvAlgorithm.FusedDirectBackward)
        {
            // small stride-1 layers: derivative, bias, weight and input gradients in one pass over the batch
            KernelChecks.Scratch(scratch, ConvDirectBackward.Scratch(g, threads));
            fixed (float* px = x, pw = w, py = y, pdy = dy, pdx = dx, pdw = dw, pdb = db, ps = scratch)
                ConvDirectBackward.Run(g, s.Activation, px, pw, py, pdy, dx.IsEmpty ? null : pdx, pdw,
                    s.HasBias ? pdb : null, batch, ps, threads);
            return;
        }
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        BackwardWeights(s, x, dy, dw, db, batch, scratch, threads);
        if (!dx.IsEmpty) BackwardData(s, w, dy, dx, batch, scratch, threads);
    }

    /// <summary>dx += conv2d_input_grad(w, dy); <paramref name="dy"/> is already pre-activation.</summary>
    public static void BackwardData<TS>(TS s, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, Span<float> scratch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(dy, (long)batch * g.Cout * g.N, "dy");
        KernelChecks.Length(dx, (long)batch * g.Cin * g.InPlane, "dx");
        KernelChecks.Scratch(scratch, ConvCore.BackwardDataScratch(g, threads));
        fixed (float* pw = w, pdy = dy, pdx = dx, ps = scratch)
            ConvCore.BackwardData(g, pw, pdy, pdx, batch, ps, threads);
    }

    /// <summary>dw += dy ⋆ x, db += Σ dy; <paramref name="dy"/> is already pre-activation.</summary>
    public static void BackwardWeights<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw,
        Span<float> db, int batch, Span<float> scratch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        KernelChecks.Length(x, (long)batch * g.Cin * g.InPlane, "x");
        KernelChecks.Length(dy, (long)batch * g.Cout * g.N, "dy");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, s.HasBias ? g.Cout : 0, "db");
        KernelChecks.Scratch(scratch, ConvCore.BackwardWeightsScratch(g, threads));
        fixed (float* px = x, pdy = dy, pdw = dw, pdb = db, ps = scratch)
        {
            ConvCore.BackwardWeights(g, px, pdy, pdw, batch, ps, threads);
            if (s.HasBias) ConvCore.BiasGrad(pdy, pdb, batch, g.Cout, g.N);
        }
    }

    // ---- reference twins ---------------------------------------------------------------------------------------

    /// <summary>Scalar reference of <see cref="Forward"/> (double accumulation; scratch, threads and prepared unused).</summary>
    public static void ForwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        CheckForward(g, s.HasBias, x, w, b, y, batch);
        int cg = g.Cg, m = g.M;
        for (int n = 0; n < batch; n++)
            for (int oc = 0; oc < g.Cout; oc++)
            {
                int grp = oc / m;
                for (int oh = 0; oh < g.OH; oh++)
                    for (int ow = 0; ow < g.OW; ow++)
                    {
                        double sum = s.HasBias ? b[oc] : 0.0;
                        for (int icg = 0; icg < cg; icg++)
                        {
                            int ic = grp * cg + icg;
                            for (int kh = 0; kh < g.KH; kh++)
                            {
                                int ih = oh * g.SH - g.PH + kh * g.DH;
                                if (ih < 0 || ih >= g.H) continue;
                                for (int kw = 0; kw < g.KW; kw++)
                                {
                                    int iw = ow * g.SW - g.PW + kw * g.DW;
                                    if (iw < 0 || iw >= g.W) continue;
                                    sum += (double)x[((n * g.Cin + ic) * g.H + ih) * g.W + iw]
                                         * w[((oc * cg + icg) * g.KH + kh) * g.KW + kw];
                                }
                            }
                        }
                        y[((n * g.Cout + oc) * g.OH + oh) * g.OW + ow] = (float)sum;
                    }
            }
        Activations.ApplyForward(s.Activation, Activations.DefaultLeakySlope, y);
    }

    /// <summary>Scalar reference of <see cref="Backward"/>.</summary>
    public static void BackwardReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> y,
        Span<float> dy, Span<float> dx, Span<float> dw, Span<float> db, int batch, Span<float> scratch, int threads)
        where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        CheckBackward(g, s.HasBias, x, w, y, dy, dx, dw, db, batch);
        Activations.ApplyDerivative(s.Activation, Activations.DefaultLeakySlope, y, dy);
        BackwardWeightsReference(s, x, dy, dw, db, batch, scratch, threads);
        if (!dx.IsEmpty) BackwardDataReference(s, w, dy, dx, batch, scratch, threads);
    }

    /// <summary>Scalar reference of <see cref="BackwardData"/>.</summary>
    public static void BackwardDataReference<TS>(TS s, ReadOnlySpan<float> w, ReadOnlySpan<float> dy, Span<float> dx,
        int batch, Span<float> scratch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(dy, (long)batch * g.Cout * g.N, "dy");
        KernelChecks.Length(dx, (long)batch * g.Cin * g.InPlane, "dx");
        int cg = g.Cg, m = g.M;
        for (int n = 0; n < batch; n++)
            for (int ic = 0; ic < g.Cin; ic++)
            {
                int grp = ic / cg, icg = ic - grp * cg;
                for (int ih = 0; ih < g.H; ih++)
                    for (int iw = 0; iw < g.W; iw++)
                    {
                        double sum = 0;
                        for (int kh = 0; kh < g.KH; kh++)
                        {
                            int th = ih + g.PH - kh * g.DH;
                            if (th < 0 || th % g.SH != 0) continue;
                            int oh = th / g.SH;
                            if (oh >= g.OH) continue;
                            for (int kw = 0; kw < g.KW; kw++)
                            {
                                int tw = iw + g.PW - kw * g.DW;
                                if (tw < 0 || tw % g.SW != 0) continue;
                                int ow = tw / g.SW;
                                if (ow >= g.OW) continue;
                                for (int ocg = 0; ocg < m; ocg++)
                                {
                                    int oc = grp * m + ocg;
                                    sum += (double)dy[((n * g.Cout + oc) * g.OH + oh) * g.OW + ow]
                                         * w[((oc * cg + icg) * g.KH + kh) * g.KW + kw];
                                }
                            }
                        }
                        dx[((n * g.Cin + ic) * g.H + ih) * g.W + iw] += (float)sum;
                    }
            }
    }

    /// <summary>Scalar reference of <see cref="BackwardWeights"/>.</summary>
    public static void BackwardWeightsReference<TS>(TS s, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dw,
        Span<float> db, int batch, Span<float> scratch, int threads) where TS : struct, IConv2DShape
    {
        var g = Geom(s);
        Validate(g);
        KernelChecks.Length(x, (long)batch * g.Cin * g.InPlane, "x");
        KernelChecks.Length(dy, (long)batch * g.Cout * g.N, "dy");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, s.HasBias ? g.Cout : 0, "db");
        int cg = g.Cg, m = g.M;
        for (int oc = 0; oc < g.Cout; oc++)
        {
            int grp = oc / m;
            for (int icg = 0; icg < cg; icg++)
            {
                int ic = grp * cg + icg;
                for (int kh = 0; kh < g.KH; kh++)
                    for (int kw = 0; kw < g.KW; kw++)
                    {
                        double sum = 0;
                        for (int n = 0; n < batch; n++)
                            for (int oh = 0; oh < g.OH; oh++)
                            {
                                int ih = oh * g.SH - g.PH + kh * g.DH;
                                if (ih < 0 || ih >= g.H) continue;
                                for (int ow = 0; ow < g.OW; ow++)
                                {
                                    int iw = ow * g.SW - g.PW + kw * g.DW;
                                    if (iw < 0 || iw >= g.W) continue;
                                    sum += (double)dy[((n * g.Cout + oc) * g.OH + oh) * g.OW + ow]
                                         * x[((n * g.Cin + ic) * g.H + ih) * g.W + iw];
                                }
                            }
                        dw[((oc * cg + icg) * g.KH + kh) * g.KW + kw] += (float)sum;
                    }
            }
            if (s.HasBias)
            {
                double sb = 0;
                for (int n = 0; n < batch; n++)
                    for (int p = 0; p < g.N; p++) sb += dy[(n * g.Cout + oc) * g.N + p];
                db[oc] += (float)sb;
            }
        }
    }

    // ---- checks ------------------------------------------------------------------------------------------------

    internal static void Validate(in ConvGeom g)
    {
        if (g.G < 1 || g.Cin % g.G != 0 || g.Cout % g.G != 0)
            throw new ArgumentException($"Groups = {g.G} must divide InC = {g.Cin} and OutC = {g.Cout}.");
        if (g.Cin < 1 || g.Cout < 1 || g.H < 1 || g.W < 1 || g.OH < 1 || g.OW < 1 || g.KH < 1 || g.KW < 1
            || g.SH < 1 || g.SW < 1 || g.DH < 1 || g.DW < 1)
            throw new ArgumentException(
                $"Invalid convolution shape: in {g.Cin}×{g.H}×{g.W}, out {g.Cout}×{g.OH}×{g.OW}, kernel {g.KH}×{g.KW}, stride {g.SH}×{g.SW}, dilation {g.DH}×{g.DW}.");
    }

    private static void CheckForward(in ConvGeom g, bool hasBias, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, ReadOnlySpan<float> y, int batch)
    {
        Validate(g);
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * g.Cin * g.InPlane, "x");
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(b, hasBias ? g.Cout : 0, "b");
        KernelChecks.Length(y, (long)batch * g.Cout * g.N, "y");
    }

    private static void CheckBackward(in ConvGeom g, bool hasBias, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> y, ReadOnlySpan<float> dy, ReadOnlySpan<float> dx, ReadOnlySpan<float> dw,
        ReadOnlySpan<float> db, int batch)
    {
        Validate(g);
        KernelChecks.Batch(batch);
        KernelChecks.Length(x, (long)batch * g.Cin * g.InPlane, "x");
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(y, (long)batch * g.Cout * g.N, "y");
        KernelChecks.Length(dy, (long)batch * g.Cout * g.N, "dy");
        if (!dx.IsEmpty) KernelChecks.Length(dx, (long)batch * g.Cin * g.InPlane, "dx");
        KernelChecks.Length(dw, (long)g.Cout * g.K, "dw");
        KernelChecks.Length(db, hasBias ? g.Cout : 0, "db");
    }
}

/// <summary>Argument checks shared by the GEMM-based kernels.</summary>
internal static class KernelChecks
{
    public static void Length(ReadOnlySpan<float> span, long expected, string name)
    {
        if (span.Length != expected)
            throw new ArgumentException($"{name} has {span.Length} elements but {expected} are expected.", name);
    }

    public static void Scratch(ReadOnlySpan<float> scratch, long required)
    {
        if (scratch.Length < required)
            throw new ArgumentException($"scratch has {scratch.Length} floats but {required} are required (see ScratchFloats).", "scratch");
    }

    public static void Batch(int batch)
    {
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must be ≥ 1.");
    }
}
