using System.Diagnostics;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks;

/// <summary>
/// <c>depthwise [THREADS] [BATCH] [SECONDS]</c>: MobileNetV2's depthwise 3×3 layers (pad 1, no bias) through the
/// Conv2D entry points, each pass with the algorithm its list chooses and then with the algorithms that ran before the
/// depthwise entries existed, forced (forward: implicit GEMM at stride 1, im2col GEMM; backward-data: GEMM + col2im and
/// the flipped forward; backward-weights: im2col GEMM and the dW tiles). Best of 5-call windows over SECONDS per entry
/// (0.5 s by default); GFLOP/s = 2·batch·C·OH·OW·9 / t. PyTorch: <c>nn.Conv2d(C, C, 3, stride, 1, groups=C, bias=False)</c>.
/// </summary>
public static class DepthwiseMode
{
    /// <summary>(channels, input side, stride) of the measured layers.</summary>
    public static readonly (int C, int Side, int Stride)[] Layers = [(32, 112, 1), (96, 112, 2), (144, 56, 1), (384, 14, 1), (960, 7, 1)];

    /// <summary>Runs the mode; <paramref name="args"/> are the words after <c>depthwise</c>.</summary>
    public static int Run(string[] args)
    {
        int threads = args.Length > 0 ? int.Parse(args[0]) : 1;
        int batch = args.Length > 1 ? int.Parse(args[1]) : 1;
        double seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 0.5;
        Console.WriteLine($"depthwise 3×3, pad 1, batch {batch}, {threads} thread(s): µs per call (GFLOP/s)");
        foreach (var (c, side, stride) in Layers)
        {
            int o = (side + 2 - 3) / stride + 1;
            var s = new FieldConvShape(c, side, side, c, o, o, 3, 3, stride, stride, 1, 1, Groups: c);
            var x = ConvWorkload<Conv64At56>.Filled(batch * c * side * side, 1);
            var w = ConvWorkload<Conv64At56>.Filled(c * 9, 2);
            var dy = ConvWorkload<Conv64At56>.Filled(batch * c * o * o, 3);
            var y = new float[batch * c * o * o];
            var dx = new float[batch * c * side * side];
            var dw = new float[c * 9];
            double flops = 2.0 * batch * c * o * o * 9;
            Console.WriteLine($"C={c} {side}×{side} → {o}×{o}, stride {stride}");
            Line("forward", s, ConvPass.Forward, [ConvAlgorithm.GemmWide, ConvAlgorithm.GemmIm2Col], flops, seconds,
                scratch => Conv2D.Forward(s, x.Span, w.Span, default, y, batch, scratch, threads), batch, threads);
            Line("backward-data", s, ConvPass.BackwardData, [ConvAlgorithm.DataFlippedForward, ConvAlgorithm.DataCol2Im], flops, seconds,
                scratch => Conv2D.BackwardData(s, w.Span, dy.Span, dx, batch, scratch, threads), batch, threads);
            Line("backward-weights", s, ConvPass.BackwardWeights, [ConvAlgorithm.WeightsWide, ConvAlgorithm.WeightsIm2Col], flops, seconds,
                scratch => Conv2D.BackwardWeights(s, x.Span, dy.Span, dw, default, batch, scratch, threads), batch, threads);
            x.Dispose(); w.Dispose(); dy.Dispose();
        }
        return 0;
    }

    private static void Line(string label, FieldConvShape s, ConvPass pass, ConvAlgorithm[] before, double flops, double seconds,
        Action<float[]> run, int batch, int threads)
    {
        string text = $"  {label,-17}";
        var chosen = Conv2D.AlgorithmFor(s, pass);
        text += Time(ConvAlgorithms.Name(chosen), null);
        foreach (var a in before)
        {
            using (ConvAlgorithms.Force(a))
                if (Conv2D.AlgorithmFor(s, pass) != a || a == chosen) continue;
            text += " |" + Time(ConvAlgorithms.Name(a), a);
        }
        Console.WriteLine(text);

        string Time(string name, ConvAlgorithm? forced)
        {
            using var scope = forced is { } f ? ConvAlgorithms.Force(f) : null;
            var scratch = new float[Math.Max(1, Conv2D.ScratchFloats(s, batch, threads))];
            for (int i = 0; i < 10; i++) run(scratch);
            double best = double.MaxValue;
            var total = Stopwatch.StartNew();
            while (total.Elapsed.TotalSeconds < seconds)
            {
                var sw = Stopwatch.StartNew();
                for (int i = 0; i < 5; i++) run(scratch);
                best = Math.Min(best, sw.Elapsed.TotalMicroseconds / 5);
            }
            return $" {name} {best:F1} µs ({flops / best / 1e3:F1})";
        }
    }
}
