using System.Linq;
using System.Collections.Generic;
using StaticCnn.Generator.Model;

namespace StaticCnn.Generator.Emit;

/// <summary>
/// Emits <c>INetwork.Graph</c>: the network's dataflow graph as values (<c>StaticCnn.NetworkGraph</c>), one node per layer
/// with its sources and a typed <c>LayerAttributes</c> record, built on first use. The attribute values come from the
/// layer's shape properties (the values the kernels are specialised on), so the graph says exactly what runs.
/// </summary>
internal static class GraphEmitter
{
    private const string G = "global::StaticCnn.";

    /// <summary>Shape-struct properties that are attribute values, and the <c>LayerAttributes</c> member each sets.</summary>
    private static readonly Dictionary<string, string> s_attributeOf = new()
    {
        ["KH"] = "KernelH", ["KW"] = "KernelW", ["StrideH"] = "StrideH", ["StrideW"] = "StrideW",
        ["PadH"] = "PadTop", ["PadW"] = "PadLeft", ["DilationH"] = "DilationH", ["DilationW"] = "DilationW",
        ["Groups"] = "Groups", ["HasBias"] = "Bias", ["Activation"] = "Activation", ["Kind"] = "Activation",
        ["Slope"] = "Slope", ["Epsilon"] = "Epsilon", ["Momentum"] = "Momentum", ["Rate"] = "Rate", ["Scale"] = "Scale",
        ["Mode"] = "UpsampleMode", ["Top"] = "Top", ["Left"] = "Left", ["Precision"] = "Precision",
    };

    public static void Emit(SourceWriter w, NetworkPlan plan)
    {
        NetworkModel model = plan.Model;
        var layers = model.Layers;
        w.Line("private static global::StaticCnn.NetworkGraph? s_graph;");
        w.Line("/// <inheritdoc/>");
        w.Line(G + "NetworkGraph " + G + "INetwork.Graph => s_graph ??= CreateGraph();");
        w.Line("/// <summary>The dataflow graph: one node per layer with its sources and attribute values (immutable; a race builds two equal copies).</summary>");
        w.Open("private static " + G + "NetworkGraph CreateGraph()");
        w.Line("var inputs = new " + G + "GraphInput[] { " + string.Join(", ", model.Inputs.Select(p => "new " + G + "GraphInput("
            + Lit.String(model.Shorthand ? "input" : p.Name) + ", new int[] { " + string.Join(", ", p.Shape.Dims) + " })")) + " };");
        w.Line("var nodes = new " + G + "GraphNode[]");
        w.Open();
        foreach (LayerModel l in layers)
        {
            var sources = new List<string>();
            foreach (int j in l.Inputs) sources.Add(j < 0 ? G + "GraphSource.Input(" + NetworkModel.InputOf(j) + ")" : G + "GraphSource.Layer(" + j + ")");
            w.Line("new " + G + "GraphNode(" + Lit.String(l.Member) + ", " + Lit.String(l.Kind.ToString()) + ", new " + G + "GraphSource[] { "
                + string.Join(", ", sources) + " }, new int[] { " + string.Join(", ", l.Out.Dims) + " }, "
                + Attributes(model, l) + "),");
        }
        w.Close(";");
        bool named = layers.Any(l => l.IsOutput);
        w.Line("var outputs = new " + G + "GraphOutput[] { " + string.Join(", ", model.Outputs.Select(o => "new " + G + "GraphOutput("
            + Lit.String(named ? layers[o].Member : "output") + ", " + G + "GraphSource.Layer(" + o + "))")) + " };");
        w.Line("return new " + G + "NetworkGraph(inputs, nodes, outputs);");
        w.Close();
        w.Line();
    }

    private static string Attributes(NetworkModel model, LayerModel l)
    {
        var set = new List<string>();
        foreach (ShapeProp p in l.Props)
            if (s_attributeOf.TryGetValue(p.Name, out string? member)) set.Add(member + " = " + p.Value);

        if (l.Prop("KH") is { } khText)
        {
            // Pads at the bottom/right: the same as top/left except PaddingMode.Same with an even (dilated) kernel, where
            // PyTorch puts the odd row at the end. (Out−1)·S + D·(K−1) + 1 − In − PadTop is that pad for Same and at most
            // PadTop otherwise (a floor division dropped rows), where PyTorch's symmetric pad is the answer.
            TensorDims x = l.Inputs[0] < 0 ? model.Inputs[NetworkModel.InputOf(l.Inputs[0])].Shape : model.Layers[l.Inputs[0]].Out;
            int kh = Int(khText), kw = Int(l.Prop("KW")!), sh = Int(l.Prop("StrideH")!), sw = Int(l.Prop("StrideW")!);
            int ph = Int(l.Prop("PadH")!), pw = Int(l.Prop("PadW")!);
            int dh = l.Prop("DilationH") is { } d1 ? Int(d1) : 1, dw = l.Prop("DilationW") is { } d2 ? Int(d2) : 1;
            if (l.Kind == LayerType.ConvTranspose2D)
            {
                set.Add("PadBottom = " + ph); set.Add("PadRight = " + pw);
                // Out = (In−1)·S − 2P + D·(K−1) + 1 + output_padding
                set.Add("OutputPaddingH = " + (l.Out.H - ((x.H - 1) * sh - 2 * ph + dh * (kh - 1) + 1)));
                set.Add("OutputPaddingW = " + (l.Out.W - ((x.W - 1) * sw - 2 * pw + dw * (kw - 1) + 1)));
            }
            else
            {
                set.Add("PadBottom = " + System.Math.Max(ph, (l.Out.H - 1) * sh + dh * (kh - 1) + 1 - x.H - ph));
                set.Add("PadRight = " + System.Math.Max(pw, (l.Out.W - 1) * sw + dw * (kw - 1) + 1 - x.W - pw));
            }
        }
        if (l.Prop("Activation") == "global::StaticCnn.Activation.LeakyReLU")
            set.Add("Slope = global::StaticCnn.Kernels.Activations.DefaultLeakySlope");
        if (l.Aux >= 0) set.Add("PoolLayer = " + l.Aux);
        return "new " + G + "LayerAttributes { " + string.Join(", ", set) + " }";
    }

    private static int Int(string text) => int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
}
