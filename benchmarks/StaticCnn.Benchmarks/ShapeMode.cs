using System.Diagnostics;
using System.Globalization;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks;

/// <summary>A Conv2D shape read from fields (the shape-struct properties of a generated network are constants).</summary>
public readonly record struct FieldConvShape(int InC, int InH, int InW, int OutC, int OutH, int OutW, int KH, int KW,
    int StrideH, int StrideW, int PadH, int PadW, int Groups) : IConv2DShape
{
    public int DilationH => 1;
    public int DilationW => 1;
    public bool HasBias => false;
    public Activation Activation => Activation.None;
    public Precision Precision => Precision.Standard;
}

/// <summary>
/// <c>convshape C H W OUTC K STRIDE PAD [GROUPS] [THREADS] [BATCH]</c>: the forward of one convolution shape (square kernel,
/// PyTorch's output size) timed with every forward algorithm whose applicability test passes, the chosen one first,
/// each also on prepared weights where it reads a prepared form, then the chosen one with a BatchNorm and ReLU6 in its epilogue, then backward-weights with the algorithm the list picks for it.
/// For finding crossovers of the algorithm list (docs/KERNELS.md); the shape is read from fields, so figures are a few
/// per cent behind a generated network's constant shape.
/// </summary>
public static class ShapeMode
{
    public static int Run(string[] args)
    {
        int A(int i, int def) => args.Length > i ? int.Parse(args[i], CultureInfo.InvariantCulture) : def;
        int c = A(0, 0), h = A(1, 0), w = A(2, 0), oc = A(3, 0), k = A(4, 3), st = A(5, 1), p = A(6, 0);
        int groups = A(7, 1), threads = A(8, 1), batch = A(9, 1);
        int oh = (h + 2 * p - k) / st + 1, ow = (w + 2 * p - k) / st + 1;
        string? bad = c < 1 || h < 1 || w < 1 || oc < 1 || k < 1 || st < 1 || p < 0 ? "sizes must be positive (padding ≥ 0)"
            : groups < 1 || c % groups != 0 || oc % groups != 0 ? $"groups {groups} must be ≥ 1 and divide C {c} and OUTC {oc}"
            : threads < 1 || batch < 1 ? "threads and batch must be ≥ 1"
            : h + 2 * p < k || w + 2 * p < k ? $"the {k}×{k} kernel does not fit the padded {h}×{w} image"
            : null;
        if (bad != null)
        {
            Console.Error.WriteLine($"convshape C H W OUTC K STRIDE PAD [GROUPS] [THREADS] [BATCH]: {bad}");
            return 2;
        }
        var s = new FieldConvShape(c, h, w, oc, oh, ow, k, k, st, st, p, p, groups);
        var g = Conv2D.Geom(s);
        double flops = 2.0 * oc * (c / groups) * k * k * oh * ow * batch;
        var chosen = ConvAlgorithms.ChooseForward(g, false);
        // the relaxed-precision algorithms too (Winograd F(4×4, 3×3)): each runs forced below
        var algorithms = ConvAlgorithms.Applicable(ConvPass.Forward, g with { Relaxed = true });
        algorithms.Remove(chosen);
        algorithms.Insert(0, chosen);
        using var x = ConvWorkload<Conv64At56>.Filled(c * h * w * batch, 1);
        using var wt = ConvWorkload<Conv64At56>.Filled(oc * (c / groups) * k * k, 2);
        using var y = new AlignedBuffer<float>(oc * oh * ow * batch);
        Console.WriteLine($"conv {c}×{h}×{w} → {oc}×{oh}×{ow}, {k}×{k} stride {st} pad {p} groups {groups}, batch {batch}, {threads} thread(s): {flops / 1e6:F1} MFLOP");
        foreach (var a in algorithms)
        {
            using var force = ConvAlgorithms.Force(a);
            using var scratch = new AlignedBuffer<float>(Math.Max(1, Conv2D.ScratchFloats(s, batch, threads)));
            double med = Median(() => Conv2D.Forward(s, x.Span, wt.Span, ReadOnlySpan<float>.Empty, y.Span, batch, scratch.Span, threads));
            Console.WriteLine($"  {ConvAlgorithms.Name(a),-34} {med * 1e6,10:F1} µs  {flops / med / 1e9,7:F1} GFLOP/s{(a == chosen ? "  (chosen)" : "")}");
            // and on weights prepared once (Conv2D.PrepareWeights), where the algorithm reads a prepared form
            if (Conv2D.PreparedFloats(s) > 0)
            {
                using var prepared = new AlignedBuffer<float>(Conv2D.PreparedFloats(s));
                Conv2D.PrepareWeights(s, wt.Span, prepared.Span);
                med = Median(() => Conv2D.Forward(s, x.Span, wt.Span, ReadOnlySpan<float>.Empty, y.Span, batch, scratch.Span, threads, prepared.Span));
                Console.WriteLine($"  {"  weights prepared once",-34} {med * 1e6,10:F1} µs  {flops / med / 1e9,7:F1} GFLOP/s");
            }
        }
        // the chosen algorithm with a BatchNorm and ReLU6 in its epilogue (a generated network's inference Forward of
        // conv → BatchNorm → ReLU6)
        {
            using var bnp = ConvWorkload<Conv64At56>.Filled(4 * oc, 4);
            for (int i = 3 * oc; i < 4 * oc; i++) bnp.Span[i] = 1f + Math.Abs(bnp.Span[i]);   // the variances
            using var scratch = new AlignedBuffer<float>(Math.Max(1, Conv2D.ScratchFloats(s, batch, threads)));
            double med = Median(() => Conv2D.ForwardBatchNorm(s, new BatchNormShape(oc, oh, ow), x.Span, wt.Span,
                ReadOnlySpan<float>.Empty, bnp.Span[..oc], bnp.Span.Slice(oc, oc), bnp.Span.Slice(2 * oc, oc), bnp.Span.Slice(3 * oc, oc), Activation.ReLU6, 0f, y.Span, batch, scratch.Span, threads));
            Console.WriteLine($"  {"chosen + BatchNorm + ReLU6",-34} {med * 1e6,10:F1} µs  {flops / med / 1e9,7:F1} GFLOP/s");
            // and with the residual Add after the BatchNorm (an inverted residual block's projection: conv → BatchNorm → Add)
            using var skip = ConvWorkload<Conv64At56>.Filled(oc * oh * ow * batch, 5);
            med = Median(() => Conv2D.ForwardBatchNormAdd(s, new BatchNormShape(oc, oh, ow), x.Span, wt.Span,
                ReadOnlySpan<float>.Empty, bnp.Span[..oc], bnp.Span.Slice(oc, oc), bnp.Span.Slice(2 * oc, oc), bnp.Span.Slice(3 * oc, oc),
                skip.Span, false, Activation.None, 0f, y.Span, batch, scratch.Span, threads));
            Console.WriteLine($"  {"chosen + BatchNorm + Add",-34} {med * 1e6,10:F1} µs  {flops / med / 1e9,7:F1} GFLOP/s");
        }
        // backward-weights with the algorithm the list picks (dw accumulates: the values grow, the work does not)
        {
            using var dy = ConvWorkload<Conv64At56>.Filled(oc * oh * ow * batch, 3);
            using var dw = new AlignedBuffer<float>(oc * (c / groups) * k * k);
            using var scratch = new AlignedBuffer<float>(Math.Max(1, Conv2D.ScratchFloats(s, batch, threads)));
            double med = Median(() => Conv2D.BackwardWeights(s, x.Span, dy.Span, dw.Span, Span<float>.Empty, batch, scratch.Span, threads));
            Console.WriteLine($"  backward-weights: {ConvAlgorithms.Name(ConvAlgorithms.ChooseWeights(g)),-16} {med * 1e6,10:F1} µs  {flops / med / 1e9,7:F1} GFLOP/s");
        }
        return 0;
    }

    /// <summary>Median seconds of one call: 5 warm-up calls, then at least 10 calls and 1 s.</summary>
    private static double Median(Action call)
    {
        for (int i = 0; i < 5; i++) call();
        var times = new List<double>();
        var total = Stopwatch.StartNew();
        while (times.Count < 10 || total.Elapsed.TotalSeconds < 1)
        {
            long t0 = Stopwatch.GetTimestamp();
            call();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
