namespace StaticCnn.Kernels;

/// <summary>
/// Inference fusion of a Conv2D (with its fused activation) and the MaxPool2D that reads only it: one call, the pool
/// of each channel block taken right after the block is computed (still in L1), and no argmax (nothing reads it at
/// inference). The convolution's own output is still written, so <c>GetActivation</c> of the conv layer stays valid.
/// Values are those of <see cref="Conv2D.Forward"/> followed by <see cref="MaxPool2D.ForwardInference{TS}(TS, ReadOnlySpan{float}, Span{float}, int, int)"/>
/// bit for bit. The generator emits it in <c>Forward</c>/<c>Infer</c> for a Conv2D → MaxPool2D chain; training keeps
/// the two layers (backward needs the argmax).
/// </summary>
public static unsafe class ConvMaxPool2D
{
    /// <summary>Floats of scratch: those of the convolution (<see cref="Conv2D.ScratchFloats"/>).</summary>
    public static int ScratchFloats<TC>(TC conv, int batch, int threads) where TC : struct, IConv2DShape
        => Conv2D.ScratchFloats(conv, batch, threads);

    /// <summary>Floats of scratch <see cref="Forward"/> needs: the convolution's forward scratch (<see cref="Conv2D.ForwardScratchFloats"/>).</summary>
    public static int ForwardScratchFloats<TC>(TC conv, int batch, int threads) where TC : struct, IConv2DShape
        => Conv2D.ForwardScratchFloats(conv, batch, threads);

    /// <summary>
    /// convY = act(conv(x, w) + b); y = maxpool(convY). <paramref name="prepared"/>: empty, or
    /// <see cref="Conv2D.PrepareWeights"/>'s output for <paramref name="w"/> (as in <see cref="Conv2D.Forward"/>).
    /// </summary>
    public static void Forward<TC, TP>(TC conv, TP pool, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> convY, Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default)
        where TC : struct, IConv2DShape where TP : struct, IPool2DShape
    {
        var g = Conv2D.Geom(conv);
        Check(g, conv.HasBias, pool, x, w, b, convY, y, batch, threads);
        KernelChecks.Scratch(scratch, ConvCore.ForwardScratch(g, threads));
        fixed (float* px = x, pw = w, pb = b, pc = convY, py = y, ps = scratch, pp = prepared)
        {
            float* bias = conv.HasBias ? pb : null, pu = Conv2D.Prepared(g, prepared, pp);
            ConvAlgorithm alg = ConvAlgorithms.ChooseForward(g, false);
            if (Pool2x2.Applies(pool) && alg is ConvAlgorithm.ColumnWinograd or ConvAlgorithm.Direct or ConvAlgorithm.ChannelWisePairs)
            {
                ConvDirect.Forward(g, alg, px, pw, bias, pc, batch, false, conv.Activation, ps, threads, py, pool.OutH, pool.OutW, pu);
                return;
            }
            ConvCore.Forward(g, px, pw, bias, pc, batch, false, conv.Activation, ps, threads, pu);
            MaxPool2D.ForwardInference(pool, pc, py, batch, threads);
        }
    }

    /// <summary>Scalar twin: <see cref="Conv2D.ForwardReference"/> then <see cref="MaxPool2D.ForwardInferenceReference"/> (<paramref name="prepared"/> unused).</summary>
    public static void ForwardReference<TC, TP>(TC conv, TP pool, ReadOnlySpan<float> x, ReadOnlySpan<float> w, ReadOnlySpan<float> b,
        Span<float> convY, Span<float> y, int batch, Span<float> scratch, int threads, ReadOnlySpan<float> prepared = default)
        where TC : struct, IConv2DShape where TP : struct, IPool2DShape
    {
        Check(Conv2D.Geom(conv), conv.HasBias, pool, x, w, b, convY, y, batch, threads);
        Conv2D.ForwardReference(conv, x, w, b, convY, batch, scratch, threads);
        MaxPool2D.ForwardInferenceReference(pool, convY, y, batch, threads);
    }

    private static void Check<TP>(in ConvGeom g, bool hasBias, TP pool, ReadOnlySpan<float> x, ReadOnlySpan<float> w,
        ReadOnlySpan<float> b, ReadOnlySpan<float> convY, ReadOnlySpan<float> y, int batch, int threads) where TP : struct, IPool2DShape
    {
        Conv2D.Validate(g);
        KernelChecks.Batch(batch);
        OpsCheck.Batch(batch, threads);
        if (pool.C != g.Cout || pool.InH != g.OH || pool.InW != g.OW)
            throw new ArgumentException($"The pool's input {pool.C}×{pool.InH}×{pool.InW} is not the convolution's output {g.Cout}×{g.OH}×{g.OW}.", nameof(pool));
        KernelChecks.Length(x, (long)batch * g.Cin * g.InPlane, "x");
        KernelChecks.Length(w, (long)g.Cout * g.K, "w");
        KernelChecks.Length(b, hasBias ? g.Cout : 0, "b");
        KernelChecks.Length(convY, (long)batch * g.Cout * g.N, "convY");
        KernelChecks.Length(y, (long)batch * pool.C * pool.OutH * pool.OutW, "y");
    }
}
