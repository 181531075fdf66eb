using System.Globalization;
using StaticCnn.Data;
using StaticCnn.Losses;

namespace StaticCnn.Training;

/// <summary>One loss or metric term resolved against a network: output indexes, data tensor indexes and its views.</summary>
internal sealed class ResolvedTerm
{
    public required string Label;
    public required int[] Outputs;
    public required int Target;
    public required int Mask;
    public required float Weight;
    public Loss? Loss;
    public Metric? Metric;
    /// <summary>Views of the outputs the term reads (one per slot).</summary>
    public ReadOnlyMemory<float>[] Outs = Array.Empty<ReadOnlyMemory<float>>();
    /// <summary>Where the loss writes each slot's gradient: the output's dOutput buffer (first writer) or a scratch buffer.</summary>
    public Memory<float>[] Grads = Array.Empty<Memory<float>>();
    public bool[] FirstWriter = Array.Empty<bool>();
    public (float[] Array, int Offset)[] Scratch = Array.Empty<(float[], int)>();
}

/// <summary>
/// The trainer's plan for a network with named inputs and outputs: which data set tensors feed which input, which
/// outputs and targets each <see cref="LossTerm"/> and <see cref="MetricTerm"/> reads, the checks of a data set before
/// the first step, and the output and gradient buffers (allocated once, with their <see cref="Memory{T}"/> lists), so
/// that a step allocates nothing.
/// </summary>
internal sealed class TensorTrainingPlan
{
    private readonly INetwork _net;
    private readonly IReadOnlyList<PortInfo> _inputs, _outputs;
    private readonly (float[] Array, int Offset)[] _out;
    private readonly (float[] Array, int Offset)?[] _dOut;
    private readonly BatchSource[] _evalSources;
    private int _bound = -1;

    /// <summary>Data set tensors used, by name: the network's inputs first (in <see cref="INetwork.Inputs"/> order), then targets and masks.</summary>
    public readonly List<string> Names = new();
    public readonly ResolvedTerm[] Losses, Metrics;
    public readonly int BatchSize;
    public readonly ReadOnlyMemory<float>[] InputMem;
    public readonly Memory<float>[] OutMem;
    public readonly ReadOnlyMemory<float>[] DOutMem;
    /// <summary>Per-term values of the last <see cref="TrainStep"/>.</summary>
    public readonly float[] StepLosses;

    public TensorTrainingPlan(INetwork network, IReadOnlyList<LossTerm> losses, IReadOnlyList<MetricTerm> metrics, int batchSize)
    {
        _net = network;
        _inputs = network.Inputs;
        _outputs = network.Outputs;
        BatchSize = batchSize;
        foreach (PortInfo p in _inputs) Names.Add(p.Name);

        Losses = new ResolvedTerm[losses.Count];
        for (int i = 0; i < losses.Count; i++)
        {
            LossTerm t = losses[i] ?? throw new ArgumentException($"Loss term {i} is null.", "options");
            if (t.Loss is null) throw new ArgumentException($"Loss term {i} has no loss.", "options");
            if (!(t.Weight >= 0 && float.IsFinite(t.Weight)))
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Loss term {i} ({t.Loss.Name}) has weight {t.Weight}; a weight must be finite and ≥ 0."), "options");
            Losses[i] = Resolve($"loss term {i} ({t.Loss.Name})", t.Outputs, t.Loss.Arity, t.Target, t.Mask, t.Weight);
            Losses[i].Loss = t.Loss;
        }
        Metrics = new ResolvedTerm[metrics.Count];
        for (int i = 0; i < metrics.Count; i++)
        {
            MetricTerm t = metrics[i] ?? throw new ArgumentException($"Metric term {i} is null.", "options");
            if (t.Metric is null) throw new ArgumentException($"Metric term {i} has no metric.", "options");
            Metrics[i] = Resolve($"metric term {i} ({t.Metric.Name})", t.Outputs, t.Metric.Arity, t.Target, null, 1f);
            Metrics[i].Metric = t.Metric;
        }
        Label(Losses, t => t.Loss!.Name);
        Label(Metrics, t => t.Metric!.Name);
        StepLosses = new float[Losses.Length];

        // Buffers: one output per network output, a dOutput per output some loss reads, a scratch per later writer.
        _out = new (float[], int)[_outputs.Count];
        _dOut = new (float[], int)?[_outputs.Count];
        for (int o = 0; o < _outputs.Count; o++) _out[o] = TensorBatchIterator.AlignedArray(batchSize * _outputs[o].Size);
        foreach (ResolvedTerm t in Losses)
        {
            t.FirstWriter = new bool[t.Outputs.Length];
            t.Scratch = new (float[], int)[t.Outputs.Length];
            for (int s = 0; s < t.Outputs.Length; s++)
            {
                int o = t.Outputs[s];
                if (_dOut[o] is null)
                {
                    _dOut[o] = TensorBatchIterator.AlignedArray(batchSize * _outputs[o].Size);
                    t.FirstWriter[s] = true;
                }
                else t.Scratch[s] = TensorBatchIterator.AlignedArray(batchSize * _outputs[o].Size);
            }
        }
        InputMem = new ReadOnlyMemory<float>[_inputs.Count];
        OutMem = new Memory<float>[_outputs.Count];
        DOutMem = new ReadOnlyMemory<float>[_outputs.Count];
        foreach (ResolvedTerm t in Losses) { t.Outs = new ReadOnlyMemory<float>[t.Outputs.Length]; t.Grads = new Memory<float>[t.Outputs.Length]; }
        foreach (ResolvedTerm t in Metrics) t.Outs = new ReadOnlyMemory<float>[t.Outputs.Length];
        _evalSources = new BatchSource[Names.Count];
    }

    private ResolvedTerm Resolve(string what, IReadOnlyList<string> outputs, int arity, string? target, string? mask, float weight)
    {
        if (outputs is null || outputs.Count == 0) throw new ArgumentException($"The {what} names no output.", "options");
        if (outputs.Count != arity)
            throw new ArgumentException($"The {what} reads {arity} output(s) but names {outputs.Count} ({string.Join(", ", outputs)}).", "options");
        var idx = new int[outputs.Count];
        for (int s = 0; s < idx.Length; s++)
        {
            idx[s] = NetworkPorts.IndexOf(_outputs, outputs[s]);
            if (idx[s] < 0)
                throw new ArgumentException($"The {what} reads output \"{outputs[s]}\", but {_net.Name} has the output(s) {NetworkPorts.Names(_outputs)}.", "options");
        }
        return new ResolvedTerm { Label = "", Outputs = idx, Target = Use(target), Mask = Use(mask), Weight = weight };
    }

    private int Use(string? name)
    {
        if (name is null) return -1;
        int k = Names.IndexOf(name);
        if (k >= 0) return k;
        Names.Add(name);
        return Names.Count - 1;
    }

    /// <summary>Labels terms by their loss or metric name, adding the outputs read where two terms would share a label.</summary>
    private void Label(ResolvedTerm[] terms, Func<ResolvedTerm, string> name)
    {
        string[] names = terms.Select(name).ToArray();
        for (int i = 0; i < terms.Length; i++)
            terms[i].Label = names.Count(n => n == names[i]) > 1
                ? $"{names[i]}({string.Join(",", terms[i].Outputs.Select(o => _outputs[o].Name))})"
                : names[i];
        for (int i = 0; i < terms.Length; i++)
            for (int j = 0; j < i; j++)
                if (terms[j].Label == terms[i].Label) { terms[i].Label += string.Create(CultureInfo.InvariantCulture, $"#{i}"); break; }
    }

    /// <summary>The objective as text, e.g. <c>CE + 2×SmoothL1</c>; for one term of weight 1 the loss's own name.</summary>
    public string Objective => string.Join(" + ", Losses.Select(t => t.Weight == 1f ? t.Label : string.Create(CultureInfo.InvariantCulture, $"{t.Weight:G4}×{t.Label}")));

    /// <summary>The index of the monitored metric in <see cref="Metrics"/>, or −1 for the total loss.</summary>
    public int MonitorIndex(string? monitor)
    {
        if (monitor is null || monitor == "loss") return -1;
        for (int i = 0; i < Metrics.Length; i++) if (Metrics[i].Label == monitor) return i;
        throw new ArgumentException($"TrainingOptions.Monitor is \"{monitor}\"; it must be \"loss\" or a metric's name: {string.Join(", ", Metrics.Select(m => m.Label).Prepend("loss"))}.", "options");
    }

    /// <summary>
    /// Checks <paramref name="data"/> against the network and the terms: every input present as floats of the input's
    /// size, every target and mask present with a fitting kind and size, class labels of a cross-entropy inside
    /// 0..classes−1 (or its ignore index), and with <paramref name="checkFinite"/> every float tensor used finite.
    /// Throws <see cref="ArgumentException"/> naming the data set, the tensor and the sample; nothing is trained before.
    /// </summary>
    public DatasetTensor[] Validate(TensorDataset data, string name, bool checkFinite)
    {
        string has = data.Tensors.Count == 0 ? "no tensors" : "the tensors " + string.Join(", ", data.Names);
        var missing = new List<string>();
        for (int i = 0; i < _inputs.Count; i++) if (!data.Contains(_inputs[i].Name)) missing.Add(_inputs[i].Name);
        if (missing.Count > 0)
            throw new ArgumentException($"{name} has no tensor for the input(s) {string.Join(", ", missing)} of {_net.Name} (its inputs: {NetworkPorts.Names(_inputs)}); {name} has {has}. The network is unchanged.", name);
        var tensors = new DatasetTensor[Names.Count];
        for (int k = 0; k < Names.Count; k++)
        {
            tensors[k] = data.Find(Names[k]) ?? throw new ArgumentException(
                $"{name} has no tensor \"{Names[k]}\", which {Users(k)} reads; it has {has}. The network is unchanged.", name);
            if (k < _inputs.Count)
            {
                DatasetTensor t = tensors[k];
                if (t.IsInt) throw new ArgumentException($"{name}: \"{t.Name}\" holds ints but feeds the input {t.Name} of {_net.Name}, which takes floats.", name);
                if (t.SampleSize != _inputs[k].Size)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{name}: \"{t.Name}\" has samples of {t.Shape} ({t.SampleSize} floats) but the input {t.Name} of {_net.Name} takes {_inputs[k].Shape} ({_inputs[k].Size}). The network is unchanged."), name);
            }
        }
        foreach (ResolvedTerm term in Losses) CheckTerm(term, tensors, name);
        foreach (ResolvedTerm term in Metrics)
            if (term.Target >= 0 && term.Metric is not null && term.Outputs.Length == 1 && tensors[term.Target].IsInt
                && _outputs[term.Outputs[0]].Size % tensors[term.Target].SampleSize != 0)
                throw new ArgumentException($"{name}: the metric {term.Label} reads output {_outputs[term.Outputs[0]].Name} ({_outputs[term.Outputs[0]].Shape}) against \"{tensors[term.Target].Name}\" of {tensors[term.Target].Shape} ints per sample, which does not divide it.", name);
        if (checkFinite)
            foreach (DatasetTensor t in tensors)
            {
                if (t.Floats is null) continue;
                int at = TrainingChecks.FirstNonFinite(t.Floats);
                if (at < 0) continue;
                int sample = at / t.SampleSize;
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: sample {sample} of \"{t.Name}\" holds {t.Floats[at]} at element {at - sample * t.SampleSize} of its {t.Shape}.")
                    + " A non-finite value makes the loss and the training diverge; clean the data, or set TrainingOptions.CheckFinite = false to skip this check. The network is unchanged.", name);
            }
        return tensors;
    }

    private string Users(int k)
    {
        var users = Losses.Where(t => t.Target == k || t.Mask == k).Concat(Metrics.Where(t => t.Target == k)).Select(t => t.Label);
        return "the term(s) " + string.Join(", ", users);
    }

    private void CheckTerm(ResolvedTerm term, DatasetTensor[] tensors, string name)
    {
        Loss loss = term.Loss!;
        PortInfo output = _outputs[term.Outputs[0]];
        int outSize = output.Size;
        if (term.Target >= 0)
        {
            DatasetTensor t = tensors[term.Target];
            if (loss.UsesLabels && !t.IsInt)
                throw new ArgumentException($"{name}: the loss {term.Label} reads class labels, but its target \"{t.Name}\" holds floats; give an int tensor.", name);
            if (!loss.UsesLabels && t.IsInt)
                throw new ArgumentException($"{name}: the loss {term.Label} reads float values, but its target \"{t.Name}\" holds ints; give a float tensor (one-hot rows for class targets).", name);
            if (term.Outputs.Length == 1)
            {
                if (t.IsInt && outSize % t.SampleSize != 0)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{name}: the loss {term.Label} reads output {output.Name} ({output.Shape}, {outSize} floats per sample) but its target \"{t.Name}\" has {t.Shape} ints per sample: one class per sample, or one per position of the output's C×… map, is needed."), name);
                if (!t.IsInt && t.SampleSize != outSize)
                    throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                        $"{name}: the loss {term.Label} compares output {output.Name} ({output.Shape}) with \"{t.Name}\" of {t.Shape}: the target needs one value per output element ({outSize} per sample)."), name);
                if (t.Ints is { } labels && loss is CrossEntropyLoss ce) CheckLabels(labels, outSize / t.SampleSize, ce.IgnoreIndex, term, t, output, name);
            }
        }
        if (term.Mask >= 0)
        {
            DatasetTensor m = tensors[term.Mask];
            if (m.IsInt) throw new ArgumentException($"{name}: the mask \"{m.Name}\" of the loss {term.Label} holds ints; a mask holds float weights.", name);
            int targetSize = term.Target >= 0 ? tensors[term.Target].SampleSize : -1;
            if (term.Outputs.Length == 1 && m.SampleSize != 1 && m.SampleSize != outSize && m.SampleSize != targetSize)
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{name}: the mask \"{m.Name}\" of the loss {term.Label} has {m.Shape} per sample; it needs one weight per sample, per output element ({outSize}) or per target element."), name);
        }
    }

    private static void CheckLabels(int[] labels, int classes, int ignore, ResolvedTerm term, DatasetTensor t, PortInfo output, string name)
    {
        for (int i = 0; i < labels.Length; i++)
        {
            int y = labels[i];
            if ((uint)y < (uint)classes || y == ignore) continue;
            int sample = i / t.SampleSize;
            string where = t.SampleSize == 1 ? "" : string.Create(CultureInfo.InvariantCulture, $" at element {i - sample * t.SampleSize}");
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{name}: sample {sample} of \"{t.Name}\" has label {y}{where}, outside 0..{classes - 1} (output {output.Name} of the loss {term.Label} has {classes} classes; the loss also accepts its ignore index {ignore}). The network is unchanged."), name);
        }
    }

    /// <summary>Points <see cref="InputMem"/> at the batch, and the outputs and gradients at their buffers for this batch size.</summary>
    public void Bind(ReadOnlySpan<BatchSource> sources, int batch)
    {
        for (int i = 0; i < InputMem.Length; i++)
            InputMem[i] = new ReadOnlyMemory<float>(sources[i].Floats, sources[i].Offset, batch * _inputs[i].Size);
        if (batch == _bound) return;
        _bound = batch;
        for (int o = 0; o < _outputs.Count; o++)
        {
            int n = batch * _outputs[o].Size;
            OutMem[o] = new Memory<float>(_out[o].Array, _out[o].Offset, n);
            DOutMem[o] = _dOut[o] is { } d ? new ReadOnlyMemory<float>(d.Array, d.Offset, n) : ReadOnlyMemory<float>.Empty;
        }
        foreach (ResolvedTerm t in Losses)
            for (int s = 0; s < t.Outputs.Length; s++)
            {
                int o = t.Outputs[s], n = batch * _outputs[o].Size;
                t.Outs[s] = OutMem[o];
                var (array, offset) = t.FirstWriter[s] ? _dOut[o]!.Value : t.Scratch[s];
                t.Grads[s] = new Memory<float>(array, offset, n);
            }
        foreach (ResolvedTerm t in Metrics)
            for (int s = 0; s < t.Outputs.Length; s++) t.Outs[s] = OutMem[t.Outputs[s]];
    }

    private LossTargets Targets(ResolvedTerm t, ReadOnlySpan<BatchSource> sources, int batch, DatasetTensor[] tensors)
    {
        var targets = new LossTargets();
        if (t.Target >= 0)
        {
            BatchSource s = sources[t.Target];
            int n = batch * tensors[t.Target].SampleSize;
            targets = s.Ints is not null ? LossTargets.FromLabels(s.Ints.AsSpan(s.Offset, n)) : LossTargets.FromValues(s.Floats.AsSpan(s.Offset, n));
        }
        if (t.Mask >= 0)
        {
            BatchSource m = sources[t.Mask];
            targets = targets with { Mask = m.Floats.AsSpan(m.Offset, batch * tensors[t.Mask].SampleSize) };
        }
        return targets;
    }

    /// <summary>
    /// One training forward, the loss terms (their values in <see cref="StepLosses"/>), the combined output gradients
    /// (Σ weight × gradient per output) and the backward pass. Returns the total loss Σ weight × loss. Metrics are
    /// updated with the batch. Allocates nothing.
    /// </summary>
    public float TrainStep(ReadOnlySpan<BatchSource> sources, int batch, DatasetTensor[] tensors)
    {
        Bind(sources, batch);
        _net.ForwardTrain(InputMem, OutMem, batch);
        float total = 0;
        for (int i = 0; i < Losses.Length; i++)
        {
            ResolvedTerm t = Losses[i];
            float l = t.Loss!.Compute(t.Outs, Targets(t, sources, batch, tensors), t.Grads, batch);
            StepLosses[i] = l;
            total += t.Weight * l;
            for (int s = 0; s < t.Outputs.Length; s++)
            {
                Span<float> g = t.Grads[s].Span;
                if (t.FirstWriter[s])
                {
                    if (t.Weight != 1f) for (int j = 0; j < g.Length; j++) g[j] *= t.Weight;
                }
                else
                {
                    var (array, offset) = _dOut[t.Outputs[s]]!.Value;
                    Span<float> d = array.AsSpan(offset, g.Length);
                    for (int j = 0; j < g.Length; j++) d[j] += t.Weight * g[j];
                }
            }
        }
        foreach (ResolvedTerm m in Metrics) m.Metric!.Update(m.Outs, Targets(m, sources, batch, tensors), batch);
        _net.ZeroGradients();
        _net.Backward(DOutMem, ReadOnlySpan<Memory<float>>.Empty);
        return total;
    }

    /// <summary>
    /// Inference over all of <paramref name="data"/> in batches of <see cref="BatchSize"/> (no copies: views of the
    /// user's arrays): the sample-weighted mean of each term into <paramref name="termMeans"/>, each metric's result into
    /// <paramref name="metrics"/> (reset first); returns the mean total loss (NaN without loss terms).
    /// </summary>
    public float Evaluate(TensorDataset data, DatasetTensor[] tensors, Span<double> termMeans, Span<double> metrics)
    {
        foreach (ResolvedTerm m in Metrics) m.Metric!.Reset();
        termMeans.Clear();
        double totalSum = 0;
        for (int start = 0; start < data.Count; start += BatchSize)
        {
            int batch = Math.Min(BatchSize, data.Count - start);
            for (int k = 0; k < tensors.Length; k++)
                _evalSources[k] = new BatchSource { Floats = tensors[k].Floats, Ints = tensors[k].Ints, Offset = start * tensors[k].SampleSize };
            Bind(_evalSources, batch);
            _net.Forward(InputMem, OutMem, batch);
            float total = 0;
            for (int i = 0; i < Losses.Length; i++)
            {
                ResolvedTerm t = Losses[i];
                float l = t.Loss!.Compute(t.Outs, Targets(t, _evalSources, batch, tensors), ReadOnlySpan<Memory<float>>.Empty, batch);
                termMeans[i] += (double)l * batch;
                total += t.Weight * l;
            }
            totalSum += (double)total * batch;
            foreach (ResolvedTerm m in Metrics) m.Metric!.Update(m.Outs, Targets(m, _evalSources, batch, tensors), batch);
        }
        int count = Math.Max(1, data.Count);
        for (int i = 0; i < termMeans.Length; i++) termMeans[i] /= count;
        for (int i = 0; i < Metrics.Length; i++) metrics[i] = Metrics[i].Metric!.Result;
        return Losses.Length == 0 ? float.NaN : (float)(totalSum / count);
    }
}
