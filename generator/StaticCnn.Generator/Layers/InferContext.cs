using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using StaticCnn.Generator.Model;
using StaticCnn.Shapes;

namespace StaticCnn.Generator.Layers;

/// <summary>
/// What a layer kind's <see cref="LayerKind.Infer"/> sees: its arguments, its resolved inputs and their shapes, and
/// the sinks for its output shape, tensors, shape-struct properties, counts and diagnostics.
/// </summary>
internal sealed class InferContext
{
    private readonly IReadOnlyList<LayerSpec> _all;
    private readonly IReadOnlyList<LayerModel?> _done;
    private readonly List<DiagnosticInfo> _diagnostics;

    private readonly IReadOnlyList<PortModel> _ports;

    public InferContext(LayerSpec spec, int index, IReadOnlyList<LayerSpec> all, IReadOnlyList<LayerModel?> done,
        IReadOnlyList<PortModel> ports, List<int> inputs, List<DiagnosticInfo> diagnostics)
    {
        Spec = spec;
        Index = index;
        _all = all;
        _done = done;
        _ports = ports;
        _diagnostics = diagnostics;
        Inputs = inputs;
        foreach (int i in inputs)
        {
            InShapes.Add(i < 0 ? ports[NetworkModel.InputOf(i)].Shape : done[i]!.Out);
            InNames.Add(i < 0 ? ports[NetworkModel.InputOf(i)].Name : all[i].Member);
        }
    }

    /// <summary>
    /// Whether the network uses the [Network(InputChannels = …)] shorthand: its vectors keep the (F, 1, 1) shape after an
    /// image that every such network had before tensors of any rank, so that their shapes and APIs do not change.
    /// </summary>
    public bool Shorthand => _ports.Count == 1 && _ports[0].Where == null;

    public LayerSpec Spec { get; }
    public int Index { get; }
    /// <summary>The network's [Network(Precision = …)]: convolution shapes carry it to the kernels.</summary>
    public Precision Precision { get; init; }
    public string Member => Spec.Member;

    /// <summary>Resolved input indices (−1 = network input).</summary>
    public List<int> Inputs { get; }
    public List<TensorDims> InShapes { get; } = new();
    public List<string> InNames { get; } = new();
    public TensorDims In => InShapes[0];
    public string InName => InNames[0];

    // ---- results ----
    public TensorDims? Out { get; private set; }
    public List<TensorModel> Tensors { get; } = new();
    public List<ShapeProp> Props { get; } = new();
    public long Parameters { get; set; }
    public long Macs { get; set; }
    public LayerFlags Flags { get; set; }
    public List<SavedBuffer> Saved { get; } = new();

    /// <summary>Declares a buffer the layer keeps for backward (see <see cref="SavedBuffer"/>).</summary>
    public void Save(string name, SavedElement element, int perSample, int fixedCount, bool trainingOnly, string comment)
    {
        if (System.Array.IndexOf(Kind.SavedNames, name) < 0)
            throw new InvalidOperationException(Kind.Kind + " saves '" + name + "', which its SavedNames do not declare");
        Saved.Add(new SavedBuffer(name, element, perSample, fixedCount, trainingOnly, comment));
    }

    /// <summary>The kind whose shape rule runs.</summary>
    public LayerKind Kind => Layers.LayerRegistry.Get(Spec.Kind!.Value);
    public int Aux { get; set; } = -1;
    public bool Failed { get; private set; }

    // ---- arguments ----
    private LayerArg? Arg(string name)
    {
        foreach (LayerArg a in Spec.Args) if (a.Name == name) return a;
        return null;
    }

    public bool Has(string name) => Arg(name) != null;

    public int Int(string name, int fallback)
    {
        LayerArg? a = Arg(name);
        return a?.Text != null && int.TryParse(a.Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) ? v : fallback;
    }

    public float Float(string name, float fallback)
    {
        LayerArg? a = Arg(name);
        return a?.Text != null && float.TryParse(a.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) ? v : fallback;
    }

    public bool Bool(string name, bool fallback)
    {
        LayerArg? a = Arg(name);
        return a?.Text == null ? fallback : a.Text == "true";
    }

    public string? String(string name) => Arg(name) is { IsNull: false } a ? a.Text : null;

    public IReadOnlyList<string>? Strings(string name) => Arg(name) is { IsNull: false } a ? a.Items.ToArray() : null;

    // ---- checks ----
    public void Error(DiagnosticDescriptor d, params object[] args)
    {
        Report(d, args);
        Failed = true;
    }

    public void Report(DiagnosticDescriptor d, params object[] args)
    {
        var text = new string[args.Length];
        for (int i = 0; i < args.Length; i++) text[i] = Text(args[i]);
        _diagnostics.Add(new DiagnosticInfo(d.Id, Spec.Where, text));
    }

    private static string Text(object? o) => o switch
    {
        null => "null",
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => o.ToString() ?? "",
    };

    /// <summary>Reports SCNN0011 unless <paramref name="ok"/>.</summary>
    public bool Check(bool ok, string argument, string requirement, object actual)
    {
        if (!ok) Error(DiagnosticDescriptors.InvalidArgument, Member, argument, requirement, actual);
        return ok;
    }

    /// <summary>Reads an int argument that must be at least 1.</summary>
    public int Positive(string name, int fallback)
    {
        int v = Int(name, fallback);
        Check(v >= 1, name, "at least 1", v);
        return v;
    }

    /// <summary>Reads an int argument that must be at least 0.</summary>
    public int NonNegative(string name, int fallback)
    {
        int v = Int(name, fallback);
        Check(v >= 0, name, "at least 0", v);
        return v;
    }

    /// <summary>A per-axis override (KernelH, StrideW …): positive overrides <paramref name="main"/>, 0 keeps it.</summary>
    public int Override(string name, int main)
    {
        int v = Int(name, 0);
        if (!Check(v >= 0, name, "at least 1 (or 0 to use the common value)", v)) return main;
        return v > 0 ? v : main;
    }

    /// <summary>
    /// Resolves a layer reference that is not a data input (MaxUnpool2D's pool, CenterCrop's Like). Reports
    /// SCNN0104/0105/0106 and returns −2 on error; −1 for "Input"; returns −3 when the referenced layer failed.
    /// </summary>
    public int Resolve(string name, bool reportErrors = true)
    {
        if (name == "Input" && _ports.Count == 1 && _ports[0].Name == "Input") return -1;
        for (int k = 0; k < _ports.Count; k++) if (_ports[k].Name == name) return NetworkModel.InputRef(k);
        for (int j = 0; j < _all.Count; j++)
        {
            if (_all[j].Member != name) continue;
            if (j == Index) { if (reportErrors) Error(DiagnosticDescriptors.Cycle, Member, name); return -2; }
            if (j > Index) { if (reportErrors) Error(DiagnosticDescriptors.ForwardReference, Member, name); return -2; }
            if (_done[j] == null) { Failed = true; return -3; }
            return j;
        }
        if (reportErrors) Error(DiagnosticDescriptors.UnknownReference, Member, name);
        return -2;
    }

    public LayerModel? Layer(int index) => index >= 0 && index < _done.Count ? _done[index] : null;

    // ---- results ----
    /// <summary>Sets the output shape after checking it is positive and not too large.</summary>
    public bool SetOut(long c, long h, long w)
    {
        long n = ShapeRules.Elements(c, h, w);
        string text = c + "×" + h + "×" + w;
        if (n == 0) { Error(DiagnosticDescriptors.NonPositiveOutput, Member, In.ToString(), InName, text); return false; }
        if (n < 0) { Error(DiagnosticDescriptors.TooLarge, "Layer '" + Member + "'", "the output " + text, ShapeRules.MaxElements, "reduce the layer's size"); return false; }
        Out = TensorDims.Chw((int)c, (int)h, (int)w);
        return true;
    }

    public void SetOut(TensorDims s) => Out = s;

    /// <summary>Sets an output shape of any rank after checking it is positive and not too large.</summary>
    public bool SetOutDims(params long[] dims)
    {
        long n = 1;
        foreach (long d in dims) n = d <= 0 ? 0 : n > ShapeRules.MaxElements ? n : n * d;
        string text = string.Join("×", dims);
        if (n == 0) { Error(DiagnosticDescriptors.NonPositiveOutput, Member, In.ToString(), InName, text); return false; }
        if (n > ShapeRules.MaxElements) { Error(DiagnosticDescriptors.TooLarge, "Layer '" + Member + "'", "the output " + text, ShapeRules.MaxElements, "reduce the layer's size"); return false; }
        var ints = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) ints[i] = (int)dims[i];
        Out = TensorDims.Of(ints);
        return true;
    }

    /// <summary>The shape of input or layer reference <paramref name="j"/> (a value from <see cref="Resolve"/>).</summary>
    public TensorDims ShapeOf(int j) => j < 0 ? _ports[NetworkModel.InputOf(j)].Shape : _done[j]!.Out;

    /// <summary>Adds a tensor (initialised by <paramref name="init"/>) after checking its element count.</summary>
    public bool Tensor(string suffix, TensorArena arena, TensorInit init, params long[] dims)
    {
        long n = 1;
        foreach (long d in dims)
        {
            n *= d;
            if (d <= 0 || n > ShapeRules.MaxElements)
            {
                Error(DiagnosticDescriptors.TooLarge, "Layer '" + Member + "'", "the output " + Spec.Member + "." + suffix + " [" + string.Join(", ", dims) + "]", ShapeRules.MaxElements, "reduce the layer's size");
                return false;
            }
        }
        if (System.Array.IndexOf(Kind.TensorSuffixes, suffix) < 0)
            throw new InvalidOperationException(Kind.Kind + " declares the tensor '" + suffix + "', which its TensorSuffixes do not list");
        var ints = new int[dims.Length];
        for (int i = 0; i < dims.Length; i++) ints[i] = (int)dims[i];
        Tensors.Add(new TensorModel(suffix, arena, ints, init));
        return true;
    }

    public void Prop(string name, int value) => Props.Add(new ShapeProp(name, "int", Lit(value)));
    public void Prop(string name, bool value) => Props.Add(new ShapeProp(name, "bool", value ? "true" : "false"));
    public void Prop(string name, float value) => Props.Add(new ShapeProp(name, "float", Emit.Lit.Float(value)));
    public void PropActivation(string name, Activation value)
        => Props.Add(new ShapeProp(name, "global::StaticCnn.Activation", "global::StaticCnn.Activation." + value));
    public void PropPrecision(string name, Precision value)
        => Props.Add(new ShapeProp(name, "global::StaticCnn.Precision", "global::StaticCnn.Precision." + value));
    public void PropUpsample(string name, UpsampleMode value)
        => Props.Add(new ShapeProp(name, "global::StaticCnn.UpsampleMode", "global::StaticCnn.UpsampleMode." + value));

    private static string Lit(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads the fused Activation argument, checking it is a known value.</summary>
    public global::StaticCnn.Activation Activation()
    {
        int v = Int("Activation", 0);
        if (!Check(System.Enum.IsDefined(typeof(global::StaticCnn.Activation), v), "Activation", "a defined Activation value", v))
            return global::StaticCnn.Activation.None;
        var a = (global::StaticCnn.Activation)v;
        // Hardswish and SiLU are not invertible from the saved output, which is all a fused activation's backward has.
        if (!Check(a is not (global::StaticCnn.Activation.Hardswish or global::StaticCnn.Activation.SiLU), "Activation",
                "an activation whose derivative follows from the output (None, ReLU, LeakyReLU, Sigmoid, Tanh, ReLU6); for "
                + a + " add a [" + a + "] layer after this one", a))
            return global::StaticCnn.Activation.None;
        return a;
    }
}
