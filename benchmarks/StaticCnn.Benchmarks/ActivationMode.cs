using System.Diagnostics;
using StaticCnn.Kernels;

namespace StaticCnn.Benchmarks;

/// <summary>
/// <c>activation [FLOATS] [SECONDS]</c>: the in-place activation layers (<see cref="Activations.ApplyForward"/>) and
/// the inference BatchNorm alone and with a fused activation (<see cref="BatchNorm2D"/>: y = x·α + shift, a = act(y)) on a buffer of
/// FLOATS floats (16 384 by default: 64 KB, in L2), each kind alternating with the others call by call; the median
/// nanoseconds per 16 floats (one AVX-512 vector) over SECONDS (1 s by default). What an epilogue pass costs per
/// vector, without the convolution around it.
/// </summary>
public static class ActivationMode
{
    /// <summary>Runs the mode; <paramref name="args"/> are the words after <c>activation</c>.</summary>
    public static int Run(string[] args)
    {
        int n = args.Length > 0 ? int.Parse(args[0]) : 16384;
        double seconds = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
        var x = ConvWorkload<Conv64At56>.Filled(n, 1);
        var y = new float[n];
        var a = new float[n];
        const int C = 16;
        var bn = new BatchNormShape(C, 1, n / C);
        var gamma = ConvWorkload<Conv64At56>.Filled(C, 2).Span.ToArray();
        var beta = ConvWorkload<Conv64At56>.Filled(C, 3).Span.ToArray();
        var mean = ConvWorkload<Conv64At56>.Filled(C, 4).Span.ToArray();
        var variance = Enumerable.Range(0, C).Select(i => 1f + i / 16f).ToArray();
        var kinds = new (string Name, Action Call)[]
        {
            ("ReLU", () => { x.Span.CopyTo(y); Activations.ApplyForward(Activation.ReLU, 0f, y); }),
            ("ReLU6", () => { x.Span.CopyTo(y); Activations.ApplyForward(Activation.ReLU6, 0f, y); }),
            ("copy only", () => x.Span.CopyTo(y)),
            ("BatchNorm", () => BatchNorm2D.ForwardInference(bn, x.Span, gamma, beta, mean, variance, y, 1, 1)),
            ("BatchNorm + ReLU6", () => BatchNorm2D.ForwardInference(bn, x.Span, gamma, beta, mean, variance, y, Activation.ReLU6, 0f, a, 1, 1)),
        };
        var times = kinds.Select(_ => new List<double>()).ToArray();
        for (int i = 0; i < 100; i++) foreach (var k in kinds) k.Call();
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < seconds)
            for (int k = 0; k < kinds.Length; k++)
            {
                long t0 = Stopwatch.GetTimestamp();
                for (int r = 0; r < 16; r++) kinds[k].Call();
                times[k].Add(Stopwatch.GetElapsedTime(t0).TotalSeconds / 16);
            }
        Console.WriteLine($"activations on {n} floats: ns per 16 floats (median)");
        for (int k = 0; k < kinds.Length; k++)
        {
            times[k].Sort();
            Console.WriteLine($"  {kinds[k].Name,-20} {times[k][times[k].Count / 2] * 1e9 / (n / 16.0),7:F2}");
        }
        return 0;
    }
}
