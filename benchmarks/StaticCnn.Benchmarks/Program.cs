using BenchmarkDotNet.Running;
using StaticCnn.Benchmarks;

// Modes:
//   peak                       single-core fp32 FMA peak (AVX-512 and AVX2)
//   table [options]            Stopwatch harness for the side-by-side table (see TableMode; JSON like bench.py)
//   anything else              BenchmarkDotNet (e.g. --filter '*Conv*' --job short --exporters json)
if (args.Length > 0 && args[0] == "peak")
{
    Console.WriteLine($"fp32 FMA peak, 1 thread: AVX-512 {FmaPeak.Measure(avx512: true):F1} GFLOP/s, AVX2 {FmaPeak.Measure(avx512: false):F1} GFLOP/s");
    Console.WriteLine($"fp32 FMA peak, {Environment.ProcessorCount} threads: AVX-512 {FmaPeak.MeasureParallel(true, Environment.ProcessorCount):F1} GFLOP/s, AVX2 {FmaPeak.MeasureParallel(false, Environment.ProcessorCount):F1} GFLOP/s");
    return 0;
}
if (args.Length > 0 && args[0] == "table")
    return TableMode.Run(args[1..]);
BenchmarkSwitcher.FromAssembly(typeof(FmaPeak).Assembly).Run(args);
return 0;
