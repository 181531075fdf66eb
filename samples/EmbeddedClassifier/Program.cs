using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using EmbeddedClassifier;
using StaticCnn.Data;

// Classifies Fashion-MNIST images with the embedded LeNet-5: no weights file at run time, no network instance, one
// workspace allocated at start and reused (LeNet5.Infer on caller memory). See docs/EMBEDDED.md.
//
//   EmbeddedClassifier [options] [images.idx | images.idx.gz | -]
//     (no path or "-")      raw 784-byte images on stdin, one after another
//     --limit N             classify at most N images
//     --quiet               no per-image lines, only the summary on stderr
//     --dump-inputs F       write the classified images as float32 (NCHW, byte/255) to F
//     --dump-outputs F      write the network outputs (logits, float32, N×10) to F
//     --header              print the generated C header (LeNet5.CHeader) and exit
//
// Per image it prints "index<TAB>class<TAB>probability<TAB>microseconds"; the summary on stderr gives the start-up time
// (process start to first result) and the per-image latency.

string[] classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];
string? path = null, dumpInputs = null, dumpOutputs = null;
int limit = int.MaxValue;
bool quiet = false;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--limit": limit = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--quiet": quiet = true; break;
        case "--dump-inputs": dumpInputs = args[++i]; break;
        case "--dump-outputs": dumpOutputs = args[++i]; break;
        case "--header": Console.Out.Write(LeNet5.CHeader); return 0;
        case "-h" or "--help":
            Console.WriteLine("usage: EmbeddedClassifier [--limit N] [--quiet] [--dump-inputs F] [--dump-outputs F] [--header] [images.idx[.gz] | -]");
            return 0;
        default: path = args[i]; break;
    }
}

// The only allocations: the workspace (static memory for batch 1), one input and one output sample.
float[] workspace = new float[LeNet5.InferWorkspaceFloats(1)];
float[] input = new float[LeNet5.InputSize];
float[] output = new float[LeNet5.OutputSize];
var pixels = new byte[LeNet5.InputSize];

Func<byte[], bool> next;
if (path is null or "-")
{
    Stream stdin = Console.OpenStandardInput();
    next = buffer => stdin.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false) == buffer.Length;
}
else
{
    byte[] data;
    try
    {
        var (dims, bytes) = Idx.Read(path);
        if (dims.Length != 3 || dims[1] * dims[2] != LeNet5.InputSize)
        {
            Console.Error.WriteLine($"{path}: expected N×28×28 images, got [{string.Join(", ", dims)}]");
            return 2;
        }
        data = bytes;
    }
    catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
    {
        Console.Error.WriteLine(ex.Message);
        return 2;
    }
    int at = 0;
    next = buffer =>
    {
        if (at + buffer.Length > data.Length) return false;
        data.AsSpan(at, buffer.Length).CopyTo(buffer);
        at += buffer.Length;
        return true;
    };
}

using FileStream? inputsOut = dumpInputs is null ? null : File.Create(dumpInputs);
using FileStream? outputsOut = dumpOutputs is null ? null : File.Create(dumpOutputs);
var stdout = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false };
var latencies = new List<double>();
double startupMs = -1;
int n = 0;
while (n < limit && next(pixels))
{
    long t0 = Stopwatch.GetTimestamp();
    for (int i = 0; i < pixels.Length; i++) input[i] = pixels[i] / 255f;
    LeNet5.Infer(input, output, workspace, 1);
    int best = 0;
    for (int k = 1; k < output.Length; k++) if (output[k] > output[best]) best = k;
    double sum = 0;
    for (int k = 0; k < output.Length; k++) sum += Math.Exp(output[k] - output[best]);
    double probability = 1.0 / sum;
    long t1 = Stopwatch.GetTimestamp();
    double us = (t1 - t0) * 1e6 / Stopwatch.Frequency;
    latencies.Add(us);
    if (!quiet)
    {
        stdout.Write(n.ToString(CultureInfo.InvariantCulture));
        stdout.Write('\t');
        stdout.Write(classes[best]);
        stdout.Write('\t');
        stdout.Write(probability.ToString("F7", CultureInfo.InvariantCulture));
        stdout.Write('\t');
        stdout.WriteLine(us.ToString("F1", CultureInfo.InvariantCulture));
    }
    if (n == 0)
    {
        stdout.Flush();
        startupMs = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
    }
    inputsOut?.Write(MemoryMarshal.AsBytes(input.AsSpan()));
    outputsOut?.Write(MemoryMarshal.AsBytes(output.AsSpan()));
    n++;
}
stdout.Flush();
if (n == 0)
{
    Console.Error.WriteLine("no image read (give an IDX file, or 784-byte images on stdin)");
    return 1;
}
latencies.Sort();
double median = latencies[latencies.Count / 2];
double mean = 0;
foreach (double l in latencies) mean += l;
mean /= latencies.Count;
string isa = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512"
    : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "Vector128";
Console.Error.WriteLine(FormattableString.Invariant(
    $"summary: {n} images, {isa}, start-up {startupMs:F1} ms (process start to first result), latency median {median:F1} us, mean {mean:F1} us per image"));
return 0;
