using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using StaticCnn.Generator.Emit;
using StaticCnn.Generator.Layers;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Pipeline;

/// <summary>
/// Step 2, Infer: resolves every layer's inputs into a DAG (indices; −1 = network input), runs each kind's shape rule,
/// and collects the SCNN01xx diagnostics. A layer whose input failed is skipped silently, so that one mistake gives one
/// diagnostic.
/// </summary>
internal static class Inference
{
    public static NetworkModel Infer(NetworkSpec spec, CancellationToken ct)
    {
        try
        {
            return InferCore(spec, ct);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception ex)
        {
            var diags = spec.Diagnostics.ToList();
            diags.Add(new DiagnosticInfo(DiagnosticDescriptors.InternalError.Id, spec.Layers.Count > 0 ? spec.Layers[0].Where : null,
                new[] { spec.Header.Name, ex.GetType().Name + ": " + ex.Message }));
            return new NetworkModel(spec.Header, new Shape3(spec.InputChannels, spec.InputHeight, spec.InputWidth),
                EquatableArray<LayerModel>.Empty, spec.Members, diags.ToArray(), true);
        }
    }

    private static NetworkModel InferCore(NetworkSpec spec, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);
        var input = new Shape3(spec.InputChannels, spec.InputHeight, spec.InputWidth);
        int n = spec.Layers.Count;
        var done = new LayerModel?[n];
        bool inputValid = input.C > 0 && input.H > 0 && input.W > 0
            && Shapes.ShapeRules.Elements(input.C, input.H, input.W) > 0;
        if (inputValid)
        {
            for (int i = 0; i < n; i++)
            {
                ct.ThrowIfCancellationRequested();
                done[i] = InferLayer(spec, i, input, done, diagnostics);
            }
        }

        // PyTorch names: unique, case-insensitively, and "input" is reserved.
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["input"] = "Input" };
        for (int i = 0; i < n; i++)
        {
            LayerSpec l = spec.Layers[i];
            string py = PyName(l);
            if (py.Length == 0)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidArgument.Id, l.Where, new[] { l.Member, "Name", "a non-empty PyTorch name", "\"\"" }));
                continue;
            }
            if (!Naming.IsModulePath(py))
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidArgument.Id, l.Where, new[] { l.Member, "Name",
                    "a PyTorch module path: letters, digits and underscores, in segments separated by dots (e.g. \"features.0\")", Lit.String(py) }));
                continue;
            }
            if (seen.TryGetValue(py, out string? other))
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.DuplicateLayerName.Id, l.Where, new[] { l.Member, py, other }));
            else seen[py] = l.Member;
        }

        bool hasErrors = spec.HasErrors || !inputValid || done.Any(d => d == null)
            || diagnostics.Any(d => d.Id != DiagnosticDescriptors.StrideDropsPixels.Id);

        if (!hasErrors)
        {
            long parameters = 0, perSample = 0;
            foreach (LayerModel l in done!)
            {
                parameters += l!.Parameters;
                perSample += 3L * l.Out.Size + 16;
            }
            if (parameters > int.MaxValue || perSample > int.MaxValue / 2)
            {
                LayerSpec last = spec.Layers[n - 1];
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TooLarge.Id, last.Where,
                    new[] { "Layer '" + last.Member + "'", "the output network (" + Lit.Grouped(parameters) + " parameters, " + Lit.Grouped(perSample) + " workspace floats per sample)", Lit.Int(int.MaxValue), "reduce the layer's size" }));
                hasErrors = true;
            }
        }

        var layers = hasErrors ? EquatableArray<LayerModel>.Empty : done.Select(d => d!).ToArray();
        return new NetworkModel(spec.Header, input, layers, spec.Members, diagnostics.ToArray(), hasErrors);
    }

    internal static string PyName(LayerSpec l)
    {
        foreach (LayerArg a in l.Args)
            if (a.Name == "Name" && !a.IsNull) return a.Text ?? "";
        return Naming.Snake(l.Member);
    }

    private static LayerModel? InferLayer(NetworkSpec spec, int i, Shape3 input, LayerModel?[] done, List<DiagnosticInfo> diagnostics)
    {
        LayerSpec l = spec.Layers[i];
        if (l.Kind.Length == 0) return null; // invalid member, already reported
        LayerKind kind = LayerRegistry.Get(l.Kind);
        void Error(Microsoft.CodeAnalysis.DiagnosticDescriptor d, params string[] args) => diagnostics.Add(new DiagnosticInfo(d.Id, l.Where, args));

        // Resolve the inputs.
        var names = new List<string?>();
        if (kind.InputListArgument is { } listArg)
        {
            LayerArg? arg = l.Args.FirstOrDefault(a => a.Name == listArg);
            var items = arg == null || arg.IsNull ? new List<string>() : arg.Items.ToList();
            if (items.Count < 2)
            {
                Error(DiagnosticDescriptors.TooFewInputs, l.Member, kind.Kind, items.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
                return null;
            }
            names.AddRange(items);
        }
        else
        {
            LayerArg? from = l.Args.FirstOrDefault(a => a.Name == "From");
            names.Add(from == null || from.IsNull ? null : from.Text);
        }

        var inputs = new List<int>();
        foreach (string? name in names)
        {
            if (name == null) { inputs.Add(i - 1); continue; } // previous layer, or the input for the first
            if (name == "Input") { inputs.Add(-1); continue; }
            int j = -2;
            for (int k = 0; k < spec.Layers.Count; k++) if (spec.Layers[k].Member == name) { j = k; break; }
            if (j == -2) { Error(DiagnosticDescriptors.UnknownReference, l.Member, name); return null; }
            if (j == i) { Error(DiagnosticDescriptors.Cycle, l.Member, name); return null; }
            if (j > i) { Error(DiagnosticDescriptors.ForwardReference, l.Member, name); return null; }
            inputs.Add(j);
        }
        foreach (int j in inputs) if (j >= 0 && done[j] == null) return null; // upstream failed: already reported

        var c = new InferContext(l, i, spec.Layers.AsSpan().ToArray(), done, input, inputs, diagnostics);
        kind.Infer(c);
        if (c.Failed || c.Out == null) return null;
        return new LayerModel(i, l.Member, kind.Kind, PyName(l), inputs.ToArray(), c.Aux, c.Out, c.Tensors.ToArray(),
            c.Props.ToArray(), c.Parameters, c.Macs, c.Flags);
    }
}
