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
            return new NetworkModel(spec.Header, new[] { new PortModel("Input", TensorDims.Chw(spec.InputChannels, spec.InputHeight, spec.InputWidth), null) },
                EquatableArray<LayerModel>.Empty, spec.Members, diags.ToArray(), true);
        }
    }

    private static NetworkModel InferCore(NetworkSpec spec, CancellationToken ct)
    {
        var diagnostics = new List<DiagnosticInfo>(spec.Diagnostics);

        // The network inputs: the [Input] members in declaration order, or the [Network] shorthand's one input "Input".
        // Layers are the other members; specIndex maps a model layer to its spec entry.
        var ports = new List<PortModel>();
        var layerSpecs = new List<LayerSpec>();
        bool inputValid = true;
        foreach (LayerSpec l in spec.Layers)
        {
            if (l.Kind != LayerType.Input) { layerSpecs.Add(l); continue; }
            LayerArg? dims = l.Args.FirstOrDefault(a => a.Name == "Dims");
            var values = new List<int>();
            string? problem = null;
            if (dims == null || dims.IsNull || dims.Items.Count == 0) problem = "give at least one dimension, e.g. [Input(1, 28, 28)] or [Input(8, 200)]";
            else
            {
                long count = 1;
                foreach (string item in dims.Items)
                {
                    int v = int.TryParse(item, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out int x) ? x : 0;
                    values.Add(v);
                    if (v < 1) problem ??= "every dimension must be at least 1";
                    count *= Math.Max(v, 1);
                    if (count > Shapes.ShapeRules.MaxElements) problem ??= "it holds more than " + Lit.Grouped(Shapes.ShapeRules.MaxElements) + " elements";
                }
            }
            if (problem != null)
            {
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.InvalidInputShape.Id, l.Where,
                    new[] { l.Member, string.Join(", ", dims?.Items.AsSpan().ToArray() ?? Array.Empty<string>()), problem }));
                inputValid = false;
                values = new List<int> { 1 };
            }
            ports.Add(new PortModel(l.Member, TensorDims.Of(values.ToArray()), l.Where));
        }
        bool shorthand = ports.Count == 0;
        if (shorthand)
        {
            var input = TensorDims.Chw(spec.InputChannels, spec.InputHeight, spec.InputWidth);
            inputValid = input.C > 0 && input.H > 0 && input.W > 0 && Shapes.ShapeRules.Elements(input.C, input.H, input.W) > 0;
            ports.Add(new PortModel("Input", input, null));
        }

        int n = layerSpecs.Count;
        var done = new LayerModel?[n];
        if (inputValid)
        {
            for (int i = 0; i < n; i++)
            {
                ct.ThrowIfCancellationRequested();
                done[i] = InferLayer(layerSpecs, ports, i, done, diagnostics, spec.Precision);
            }
        }

        // PyTorch names: unique, case-insensitively, and "input" is reserved (as are the input members' names).
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["input"] = "Input" };
        foreach (PortModel p in ports) seen[Naming.Snake(p.Name)] = p.Name;
        for (int i = 0; i < n; i++)
        {
            LayerSpec l = layerSpecs[i];
            if (Shares(l) != null) continue; // its tensors are the owner's: no name of its own
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
            foreach (PortModel p in ports) perSample += 2L * p.Shape.Size + 32;
            if (parameters > int.MaxValue || perSample > int.MaxValue / 2)
            {
                LayerSpec last = layerSpecs[n - 1];
                diagnostics.Add(new DiagnosticInfo(DiagnosticDescriptors.TooLarge.Id, last.Where,
                    new[] { "Layer '" + last.Member + "'", "the output network (" + Lit.Grouped(parameters) + " parameters, " + Lit.Grouped(perSample) + " workspace floats per sample)", Lit.Int(int.MaxValue), "reduce the layer's size" }));
                hasErrors = true;
            }
        }

        // Members: layer indices move down past the inputs; input members get their input index.
        var members = new List<MemberImpl>();
        foreach (MemberImpl m in spec.Members)
        {
            if (m.LayerIndex < 0) { members.Add(m); continue; }
            LayerSpec l = spec.Layers[m.LayerIndex];
            if (l.Kind == LayerType.Input) members.Add(m with { LayerIndex = -1, InputIndex = ports.FindIndex(p => p.Name == l.Member) });
            else members.Add(m with { LayerIndex = layerSpecs.IndexOf(l) });
        }

        var layers = hasErrors ? EquatableArray<LayerModel>.Empty : done.Select(d => d!).ToArray();
        var outputs = new List<int>();
        if (!hasErrors)
        {
            foreach (LayerModel l in layers) if (l.IsOutput) outputs.Add(l.Index);
            if (outputs.Count == 0 && n > 0) outputs.Add(n - 1);
        }
        var outputNames = layerSpecs.Where(IsOutput).Select(l => l.Member).ToList();
        bool named = outputNames.Count > 0;
        if (!named && n > 0) outputNames.Add(layerSpecs[n - 1].Member);
        return new NetworkModel(spec.Header, ports.ToArray(), layers, members.ToArray(), diagnostics.ToArray(), hasErrors, outputs.ToArray(), shorthand,
            outputNames.ToArray(), named);
    }

    /// <summary>The Shares argument (the owner's member name), or null.</summary>
    internal static string? Shares(LayerSpec l)
    {
        foreach (LayerArg a in l.Args)
            if (a.Name == "Shares" && !a.IsNull) return a.Text;
        return null;
    }

    /// <summary>
    /// A layer reference by name: −1 − k for network input k ("Input" is the shorthand's input), a layer index below
    /// <paramref name="i"/>, or −(n + 2)… error codes: <see cref="int.MinValue"/> unknown, MinValue + 1 itself, MinValue + 2 later.
    /// </summary>
    internal static int ResolveName(string name, IReadOnlyList<LayerSpec> layers, IReadOnlyList<PortModel> ports, int i)
    {
        for (int k = 0; k < ports.Count; k++) if (ports[k].Name == name) return NetworkModel.InputRef(k);
        for (int j = 0; j < layers.Count; j++)
        {
            if (layers[j].Member != name) continue;
            if (j == i) return int.MinValue + 1;
            if (j > i) return int.MinValue + 2;
            return j;
        }
        return int.MinValue;
    }

    internal static string PyName(LayerSpec l)
    {
        foreach (LayerArg a in l.Args)
            if (a.Name == "Name" && !a.IsNull) return a.Text ?? "";
        return Naming.Snake(l.Member);
    }

    private static LayerModel? InferLayer(List<LayerSpec> all, List<PortModel> ports, int i, LayerModel?[] done, List<DiagnosticInfo> diagnostics,
        Precision precision)
    {
        LayerSpec l = all[i];
        if (l.Kind is not { } type) return null; // invalid member, already reported
        LayerKind kind = LayerRegistry.Get(type);
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
            if (name == null) { inputs.Add(i - 1); continue; } // previous layer, or the first input for the first layer
            int j = name == "Input" && ports.Count == 1 && ports[0].Name == "Input" ? -1 : ResolveName(name, all, ports, i);
            if (j == int.MinValue) { Error(DiagnosticDescriptors.UnknownReference, l.Member, name); return null; }
            if (j == int.MinValue + 1) { Error(DiagnosticDescriptors.Cycle, l.Member, name); return null; }
            if (j == int.MinValue + 2) { Error(DiagnosticDescriptors.ForwardReference, l.Member, name); return null; }
            inputs.Add(j);
        }
        foreach (int j in inputs) if (j >= 0 && done[j] == null) return null; // upstream failed: already reported

        // Rank: a kind that needs C×H×W (or C×L) says so before its shape rule reads H and W.
        if (kind.InputRank != 0)
        {
            for (int k = 0; k < inputs.Count; k++)
            {
                TensorDims s = inputs[k] < 0 ? ports[NetworkModel.InputOf(inputs[k])].Shape : done[inputs[k]]!.Out;
                if (s.Rank == kind.InputRank) continue;
                string src = inputs[k] < 0 ? ports[NetworkModel.InputOf(inputs[k])].Name : all[inputs[k]].Member;
                string need = kind.InputRank == 2 ? "C×L (channels × length)" : kind.InputRank == 3 ? "C×H×W" : "rank-" + kind.InputRank;
                string hint = kind.RankHint(s.Rank) is { } h ? "; use " + h : "";
                Error(DiagnosticDescriptors.RankMismatch, l.Member, kind.Kind, need, src, s.ToString(), s.Form, hint);
                return null;
            }
        }

        // Shared parameters: the owner must come first and be of the same kind (chains resolve to the first owner).
        int shares = -1;
        if (Shares(l) is { } owner)
        {
            int j = ResolveName(owner, all, ports, i);
            if (j == int.MinValue) { Error(DiagnosticDescriptors.UnknownReference, l.Member, owner); return null; }
            if (j == int.MinValue + 1) { Error(DiagnosticDescriptors.Cycle, l.Member, owner); return null; }
            if (j == int.MinValue + 2) { Error(DiagnosticDescriptors.ForwardReference, l.Member, owner); return null; }
            if (j < 0) { Error(DiagnosticDescriptors.SharesMismatch, l.Member, owner, "'" + owner + "' is a network input, which has no parameters"); return null; }
            if (done[j] == null) return null;
            if (all[j].Kind != l.Kind) { Error(DiagnosticDescriptors.SharesMismatch, l.Member, owner, "'" + owner + "' is a " + all[j].Kind + " and '" + l.Member + "' a " + l.Kind); return null; }
            shares = done[j]!.Shares >= 0 ? done[j]!.Shares : j;
        }

        var c = new InferContext(l, i, all, done, ports, inputs, diagnostics) { Precision = precision };
        kind.Infer(c);
        if (c.Failed || c.Out == null) return null;
        long parameters = c.Parameters;
        if (shares >= 0)
        {
            LayerModel o = done[shares]!;
            string? mismatch = null;
            if (c.Tensors.Count != o.Tensors.Count) mismatch = "it has " + c.Tensors.Count + " tensor(s) and '" + o.Member + "' " + o.Tensors.Count;
            else
                for (int t = 0; t < c.Tensors.Count && mismatch == null; t++)
                    if (c.Tensors[t].Suffix != o.Tensors[t].Suffix || !c.Tensors[t].Dims.Equals(o.Tensors[t].Dims))
                        mismatch = "its " + c.Tensors[t].Suffix + " would be [" + string.Join(", ", c.Tensors[t].Dims) + "] and the shared one is "
                            + (c.Tensors[t].Suffix == o.Tensors[t].Suffix ? "" : o.Tensors[t].Suffix + " ") + "[" + string.Join(", ", o.Tensors[t].Dims) + "]";
            if (mismatch == null && !c.Props.Where(p => !IsShapeOnly(p.Name)).SequenceEqual(o.Props.Where(p => !IsShapeOnly(p.Name))))
                mismatch = "its arguments differ (" + string.Join(", ", c.Props.Where(p => !IsShapeOnly(p.Name)).Except(o.Props).Select(p => p.Name + " = " + p.Value)) + ")";
            if (mismatch != null) { Error(DiagnosticDescriptors.SharesMismatch, l.Member, all[shares].Member, mismatch); return null; }
            parameters = 0;
        }
        return new LayerModel(i, l.Member, kind.Type, shares >= 0 ? PyName(all[shares]) : PyName(l), inputs.ToArray(), c.Aux, c.Out, c.Tensors.ToArray(),
            c.Props.ToArray(), parameters, c.Macs, c.Flags, shares, IsOutput(l), c.Saved.ToArray());
    }

    /// <summary>Shape-struct properties that follow the input's spatial size, which two uses of shared parameters may differ in.</summary>
    private static bool IsShapeOnly(string prop) => prop is "InH" or "InW" or "OutH" or "OutW" or "H" or "W" or "Size" or "Spatial" or "Batch";

    private static bool IsOutput(LayerSpec l)
    {
        foreach (LayerArg a in l.Args)
            if (a.Name == "Output") return a.Text == "true";
        return false;
    }
}
