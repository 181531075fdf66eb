using StaticCnn.Checkpoints;
using StaticCnn.Tool;

// staticcnn import model.onnx [--name ClassName] [--namespace Ns] [--out dir]
// Exit codes: 0 done; 1 usage; 2 the model cannot be imported (the message on stderr names the node, op and attribute).
return Cli.Run(args, Console.Out, Console.Error);

namespace StaticCnn.Tool
{
    /// <summary>The command line of the <c>staticcnn</c> tool. Thread-safe (no shared state).</summary>
    public static class Cli
    {
        private const string Usage = "usage: staticcnn import model.onnx [--name ClassName] [--namespace Ns] [--out dir]\n"
            + "  writes <dir>/<ClassName>.cs (a [Network] spec) and <dir>/<file stem>.safetensors (its weights, state_dict names)";

        /// <summary>Runs the tool; returns the exit code (0 done, 1 usage error, 2 import error).</summary>
        public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
        {
            if (args.Length == 0 || args[0] is "-h" or "--help" or "help") { stdout.WriteLine(Usage); return args.Length == 0 ? 1 : 0; }
            if (args[0] != "import") { stderr.WriteLine($"staticcnn: unknown command '{args[0]}'\n{Usage}"); return 1; }
            string? file = null, name = null, ns = null, outDir = null;
            for (int i = 1; i < args.Length; i++)
            {
                string a = args[i];
                string? Next() => i + 1 < args.Length ? args[++i] : null;
                switch (a)
                {
                    case "--name": name = Next() ?? ""; break;
                    case "--namespace": ns = Next() ?? ""; break;
                    case "--out": outDir = Next() ?? ""; break;
                    default:
                        if (a.StartsWith('-') || file != null) { stderr.WriteLine($"staticcnn: unexpected argument '{a}'\n{Usage}"); return 1; }
                        file = a; break;
                }
                if (a.StartsWith("--", StringComparison.Ordinal) && args[i] == a) { stderr.WriteLine($"staticcnn: {a} needs a value\n{Usage}"); return 1; }
            }
            if (file == null) { stderr.WriteLine($"staticcnn: no .onnx file given\n{Usage}"); return 1; }
            try
            {
                var sw = System.Diagnostics.Stopwatch.StartNew();
                ImportResult r = OnnxImporter.Import(file, new ImportOptions { ClassName = name, Namespace = ns });
                string dir = outDir ?? ".";
                Directory.CreateDirectory(dir);
                string cs = Path.Combine(dir, r.ClassName + ".cs");
                string st = Path.Combine(dir, Path.GetFileNameWithoutExtension(file) + ".safetensors");
                File.WriteAllText(cs, r.Source);
                SafeTensorsFile.Write(st, r.Tensors, new Dictionary<string, string> { ["source"] = Path.GetFileName(file), ["network"] = r.ClassName });
                stdout.WriteLine($"{file}: {r.Layers.Count} layers, {r.Tensors.Count} tensors ({r.Tensors.Sum(t => (long)t.Data.Length):N0} floats) in {sw.ElapsedMilliseconds} ms");
                stdout.WriteLine($"  wrote {cs}");
                stdout.WriteLine($"  wrote {st}");
                return 0;
            }
            catch (OnnxImportException ex)
            {
                stderr.WriteLine($"staticcnn: cannot import {file}: {ex.Message}");
                return 2;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"staticcnn: {ex.Message}");
                return 2;
            }
        }
    }
}
