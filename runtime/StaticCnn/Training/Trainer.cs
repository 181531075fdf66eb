using System.Diagnostics;
using System.Globalization;
using System.Numerics;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;

namespace StaticCnn.Training;

/// <summary>
/// Keras-like training of any <see cref="INetwork"/> on an <see cref="InMemoryDataset"/> (one input, one output, class
/// labels) or a <see cref="TensorDataset"/> (named inputs, outputs and targets of any shape): mini-batch loop, optimizer,
/// schedule, validation, early stopping, progress and history. Buffers are allocated once per Fit; the step loop
/// allocates nothing (progress text is written at most ten times a second).
/// </summary>
public static partial class Trainer
{
    /// <summary>
    /// Trains <paramref name="network"/> on <paramref name="train"/> (Keras: <c>model.fit</c>). With
    /// <see cref="TrainingOptions.Losses"/>, <see cref="TrainingOptions.Metrics"/> or <see cref="TrainingOptions.ValidationData"/>
    /// set, it trains through <see cref="Fit(INetwork, TensorDataset, TrainingOptions?)"/> on <see cref="TensorDataset.From"/>
    /// views of the same arrays (and of <see cref="TrainingOptions.Validation"/>).
    /// </summary>
    /// <returns>Per-epoch loss, accuracy, learning rate and time.</returns>
    /// <exception cref="TrainingDivergedException">A loss, gradient, parameter or buffer became NaN or infinite (with <see cref="TrainingOptions.CheckFinite"/>).</exception>
    /// <exception cref="ArgumentException">The data does not fit the network (sample size; a label outside 0..OutputSize−1;
    /// with <see cref="TrainingOptions.CheckFinite"/>, a NaN/±∞ pixel), checked before the first step so that nothing is
    /// trained, or the batch size exceeds <see cref="INetwork.MaxBatch"/>.</exception>
    public static TrainingHistory Fit(INetwork network, InMemoryDataset train, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new TrainingOptions();
        if (options.Losses.Count > 0 || options.Metrics.Count > 0 || options.ValidationData is not null)
        {
            // Named terms: train through the TensorDataset path on views of the same arrays.
            if (options.Validation is not null && options.ValidationData is not null)
                throw new ArgumentException("Set TrainingOptions.Validation or ValidationData, not both.", nameof(options));
            string input = network.Inputs[0].Name;
            return FitTensors(network, TensorDataset.From(train, input), options.Validation is null ? options.ValidationData : TensorDataset.From(options.Validation, input), options);
        }
        CheckData(network, train, nameof(train));
        if (options.Validation is not null) CheckData(network, options.Validation, nameof(options.Validation));
        TrainingChecks.ValidateData(network, train, options.Loss ?? new CrossEntropyLoss(), options.CheckFinite, nameof(train));
        if (options.Validation is not null)
            TrainingChecks.ValidateData(network, options.Validation, options.Loss ?? new CrossEntropyLoss(), options.CheckFinite, nameof(options.Validation));
        if (options.BatchSize <= 0 || options.BatchSize > network.MaxBatch)
            throw new ArgumentException($"The batch size {options.BatchSize} must be in 1..{network.MaxBatch} (the network's MaxBatch).", nameof(options));
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));

        Optimizer optimizer = options.Optimizer ?? new Adam();
        LearningRateSchedule? schedule = options.Schedule;
        Loss loss = options.Loss ?? new CrossEntropyLoss();
        network.Threads = Math.Max(1, options.Threads);
        network.Seed = options.Seed;

        int outSize = network.OutputSize;
        var output = new AlignedBuffer<float>(options.BatchSize * outSize);
        var dOutput = new AlignedBuffer<float>(options.BatchSize * outSize);
        var oneHot = loss.UsesLabels ? null : new AlignedBuffer<float>(options.BatchSize * outSize);
        var layerGradients = LayerGradientSlices(network);
        float[]? bestParameters = null, bestBuffers = null;
        var history = new TrainingHistory { LossName = loss.Name };
        var progress = new Progress(options, network.Name, loss.Name);
        using var iterator = new BatchIterator(train, options.BatchSize, options.Shuffle, options.Seed, options.DropLast, options.Augmentation);
        if (iterator.BatchesPerEpoch == 0) throw new ArgumentException($"With DropLast, {train.Count} samples make no batch of {options.BatchSize}.", nameof(options));

        long step = 0;
        double bestMetric = double.NegativeInfinity;
        int epochsWithoutImprovement = 0;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                iterator.StartEpoch(epoch - 1);
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                long correct = 0, seen = 0;
                float epochLr = schedule?.LearningRate ?? optimizer.LearningRate;
                progress.StartEpoch(epoch, iterator.BatchesPerEpoch);
                int batchIndex = 0;
                while (iterator.Next(out Span<float> images, out ReadOnlySpan<int> labels, out int batch))
                {
                    step++;
                    Span<float> y = output.Span.Slice(0, batch * outSize);
                    Span<float> dy = dOutput.Span.Slice(0, batch * outSize);
                    network.ForwardTrain(images, y, batch);
                    LossTargets targets = oneHot is null ? LossTargets.FromLabels(labels) : LossTargets.FromValues(OneHot(oneHot.Span, labels, batch, outSize));
                    float l = loss.Compute(y, targets, dy, batch);
                    network.ZeroGradients();
                    network.Backward(dy, Span<float>.Empty);
                    if (options.CheckFinite && (!float.IsFinite(l) || !AllFinite(network.Gradients)))
                        throw Diverged(network, layerGradients, epoch, step, l);
                    if (options.ClipGradientNorm > 0) GradientClipping.ClipByGlobalNorm(network.Gradients, options.ClipGradientNorm);
                    if (schedule is not null)
                    {
                        optimizer.LearningRate = schedule.LearningRate;
                        float m = schedule.Momentum;
                        if (!float.IsNaN(m) && optimizer.Momentum > 0) optimizer.Momentum = m; // as PyTorch, only an optimizer that uses momentum is cycled
                    }
                    optimizer.Step(network.Parameters, network.Gradients);
                    if (options.CheckFinite && TrainingChecks.CheckState(network, epoch, step, l) is { } bad) throw bad;
                    schedule?.StepBatch();

                    lossSum += (double)l * batch;
                    correct += Metrics.TopKCorrect(y, labels, batch, 1);
                    seen += batch;
                    batchIndex++;
                    foreach (var cb in options.Callbacks) cb.OnBatchEnd(network, step, l);
                    progress.Batch(batchIndex, seen, lossSum / seen, (double)correct / seen, clock.Elapsed.TotalSeconds);
                }
                double trainSeconds = clock.Elapsed.TotalSeconds;
                float trainLoss = (float)(lossSum / seen), trainAcc = (float)correct / seen;
                EvaluationResult val = options.Validation is null
                    ? new EvaluationResult(float.NaN, float.NaN, float.NaN, options.TopK, 0)
                    : EvaluateCore(network, options.Validation, options.BatchSize, loss, options.TopK, output, oneHot);
                var record = new EpochRecord(epoch, trainLoss, trainAcc, val.Loss, val.Accuracy, val.TopKAccuracy, epochLr,
                    clock.Elapsed.TotalSeconds, seen / Math.Max(trainSeconds, 1e-9));
                history.Add(record);
                progress.EndEpoch(record, options.TopK);

                double monitored = options.Validation is null ? trainAcc : val.Accuracy;
                if (schedule is ReduceLROnPlateau plateau)
                    plateau.StepEpoch(plateau.Mode == PlateauMode.Max ? monitored : (options.Validation is null ? trainLoss : val.Loss));
                else schedule?.StepEpoch(monitored);

                bool stop = false;
                if (monitored > bestMetric)
                {
                    bestMetric = monitored;
                    history.BestEpoch = epoch;
                    epochsWithoutImprovement = 0;
                    if (options.RestoreBestWeights)
                    {
                        bestParameters = network.Parameters.ToArray();
                        bestBuffers = network.Buffers.ToArray();
                    }
                }
                else if (options.EarlyStoppingPatience > 0 && ++epochsWithoutImprovement >= options.EarlyStoppingPatience)
                {
                    stop = true;
                    history.StoppedEarly = true;
                    progress.Message($"Early stopping after epoch {epoch}: no better accuracy than {bestMetric:P2} (epoch {history.BestEpoch}) for {options.EarlyStoppingPatience} epochs.");
                }
                foreach (var cb in options.Callbacks) stop |= cb.OnEpochEnd(network, record);
                if (stop) break;
            }
            if (options.RestoreBestWeights && bestParameters is not null)
            {
                bestParameters.CopyTo(network.Parameters);
                bestBuffers!.CopyTo(network.Buffers);
            }
        }
        finally
        {
            output.Dispose();
            dOutput.Dispose();
            oneHot?.Dispose();
            if (options.Optimizer is null) optimizer.Dispose();
        }
        return history;
    }

    /// <summary>
    /// Loss, accuracy and top-k accuracy of <paramref name="network"/> on <paramref name="data"/> in inference mode
    /// (Keras: <c>model.evaluate</c>). Default loss: plain cross-entropy (<see cref="EvaluationResult.LossName"/> "CE");
    /// pass the training loss (e.g. with label smoothing) to get the figure <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> prints as val loss.
    /// Default batch: the network's <see cref="INetwork.MaxBatch"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The data does not fit the network: sample size, a label outside 0..OutputSize−1
    /// or a NaN/±∞ pixel (named by sample index), checked before the first batch.</exception>
    public static EvaluationResult Evaluate(INetwork network, InMemoryDataset data, int batchSize = 0, Loss? loss = null, int topK = 5)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        CheckData(network, data, nameof(data));
        TrainingChecks.ValidateData(network, data, loss ?? new CrossEntropyLoss(), checkFinite: true, nameof(data));
        if (batchSize <= 0) batchSize = network.MaxBatch;
        if (batchSize > network.MaxBatch) throw new ArgumentException($"The batch size {batchSize} exceeds the network's MaxBatch {network.MaxBatch}.", nameof(batchSize));
        loss ??= new CrossEntropyLoss();
        using var output = new AlignedBuffer<float>(batchSize * network.OutputSize);
        using var oneHot = loss.UsesLabels ? null : new AlignedBuffer<float>(batchSize * network.OutputSize);
        return EvaluateCore(network, data, batchSize, loss, topK, output, oneHot);
    }

    private static EvaluationResult EvaluateCore(INetwork network, InMemoryDataset data, int batchSize, Loss loss, int topK,
        AlignedBuffer<float> output, AlignedBuffer<float>? oneHot)
    {
        int outSize = network.OutputSize, size = data.SampleSize;
        double lossSum = 0;
        long correct = 0, correctK = 0;
        for (int start = 0; start < data.Count; start += batchSize)
        {
            int batch = Math.Min(batchSize, data.Count - start);
            Span<float> y = output.Span.Slice(0, batch * outSize);
            network.Forward(data.Images.AsSpan(start * size, batch * size), y, batch);
            ReadOnlySpan<int> labels = data.Labels.AsSpan(start, batch);
            LossTargets targets = oneHot is null ? LossTargets.FromLabels(labels) : LossTargets.FromValues(OneHot(oneHot.Span, labels, batch, outSize));
            lossSum += (double)loss.Compute(y, targets, Span<float>.Empty, batch) * batch;
            correct += Metrics.TopKCorrect(y, labels, batch, 1);
            correctK += Metrics.TopKCorrect(y, labels, batch, topK);
        }
        int n = Math.Max(1, data.Count);
        return new EvaluationResult((float)(lossSum / n), (float)correct / n, (float)correctK / n, topK, data.Count) { LossName = loss.Name };
    }

    private static ReadOnlySpan<float> OneHot(Span<float> buffer, ReadOnlySpan<int> labels, int batch, int classes)
    {
        Span<float> t = buffer.Slice(0, batch * classes);
        t.Clear();
        for (int b = 0; b < batch; b++)
            if ((uint)labels[b] < (uint)classes) t[b * classes + labels[b]] = 1f;
        return t;
    }

    private static void CheckData(INetwork network, InMemoryDataset data, string name)
    {
        if (data.SampleSize != network.InputSize)
            throw new ArgumentException($"{name} has samples of {data.Shape} ({data.SampleSize} floats) but {network.Name} takes {network.InputShape} ({network.InputSize}).", name);
    }

    /// <summary>Whether every value is finite (vectorized: x − x is 0 exactly for finite x, NaN otherwise).</summary>
    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && values.Length >= Vector<float>.Count)
        {
            var acc = Vector<float>.Zero;
            ReadOnlySpan<Vector<float>> vectors = System.Runtime.InteropServices.MemoryMarshal.Cast<float, Vector<float>>(values);
            foreach (var v in vectors) acc += v - v;
            if (!Vector.EqualsAll(acc, Vector<float>.Zero)) return false;
            i = vectors.Length * Vector<float>.Count;
        }
        for (; i < values.Length; i++) if (!float.IsFinite(values[i])) return false;
        return true;
    }

    private static (int Layer, int Offset, int Length)[] LayerGradientSlices(INetwork network)
    {
        var list = new List<(int, int, int)>();
        foreach (TensorInfo t in network.Tensors)
            if (t.Role == TensorRole.Parameter) list.Add((t.Layer, t.Offset, t.Length));
        return list.OrderByDescending(x => x.Item1).ToArray();
    }

    private static TrainingDivergedException Diverged(INetwork network, (int Layer, int Offset, int Length)[] slices, int epoch, long step, float loss)
    {
        Span<float> g = network.Gradients;
        foreach (var (layer, offset, length) in slices) // backward order: last layer first
            if (!AllFinite(g.Slice(offset, length)))
                return new TrainingDivergedException(epoch, step, loss, layer, network.Layers[layer].Name);
        return new TrainingDivergedException(epoch, step, loss, -1, null);
    }

    private sealed class Progress
    {
        private readonly TextWriter? _out;
        private readonly bool _bar;
        private readonly TimeSpan _interval;
        private readonly int _epochs;
        private readonly Stopwatch _since = new();
        private readonly string _loss = "loss";
        private int _epoch, _batches;

        public Progress(TrainingOptions options, string name, string lossName)
        {
            _loss = ProgressText.LossLabel(lossName);
            ProgressMode mode = options.Progress;
            if (mode == ProgressMode.None) return;
            _out = options.Output ?? Console.Out;
            _bar = mode == ProgressMode.Bar || (mode == ProgressMode.Auto && options.Output is null && !Console.IsOutputRedirected);
            _interval = _bar ? TimeSpan.FromMilliseconds(100) : options.LineInterval;
            _epochs = options.Epochs;
        }

        public void StartEpoch(int epoch, int batches)
        {
            _epoch = epoch;
            _batches = batches;
            _since.Restart();
        }

        public void Batch(int index, long seen, double loss, double accuracy, double seconds)
        {
            if (!Due(index)) return;
            Write(index, string.Create(CultureInfo.InvariantCulture, $"{_loss} {loss:0.0000}  acc {accuracy:P2}  {seen / Math.Max(seconds, 1e-9):0} img/s  ETA {ProgressText.Eta(index, _batches, seconds)}"));
        }

        /// <summary>Whether a progress line is due after batch <paramref name="index"/> (never for the last batch: the epoch line follows).</summary>
        public bool Due(int index) => _out is not null && index != _batches && _since.Elapsed >= _interval;

        /// <summary>Writes a progress line (or redraws the bar) with <paramref name="figures"/>.</summary>
        public void Write(int index, string figures)
        {
            if (_out is null) return;
            _since.Restart();
            if (_bar)
            {
                const int width = 30;
                int filled = (int)((long)width * index / _batches);
                _out.Write($"\rEpoch {_epoch}/{_epochs} [{new string('=', filled)}{(filled < width ? ">" : "")}{new string('.', Math.Max(0, width - filled - 1))}] {index}/{_batches}  {figures}   ");
            }
            else _out.WriteLine($"Epoch {_epoch}/{_epochs} step {index}/{_batches}: {figures}");
            _out.Flush();
        }

        public void EndEpoch(EpochRecord r, int topK)
        {
            if (_out is null) return;
            string val = float.IsNaN(r.ValidationLoss) ? "" : string.Create(CultureInfo.InvariantCulture,
                $" | val {_loss} {r.ValidationLoss:0.0000}  acc {r.ValidationAccuracy:P2}  top-{topK} {r.ValidationTopK:P2}");
            EndLine(string.Create(CultureInfo.InvariantCulture,
                $"Epoch {r.Epoch}/{_epochs}: {_loss} {r.TrainLoss:0.0000}  acc {r.TrainAccuracy:P2}{val} | lr {r.LearningRate:G4} | {r.Seconds:0.0} s, {r.ImagesPerSecond:0} img/s"));
        }

        /// <summary>The epoch line of a run with named loss terms and metrics (<see cref="ProgressText.EpochFigures"/>).</summary>
        public void EndEpochTerms(EpochRecord r)
        {
            if (_out is null) return;
            EndLine(string.Create(CultureInfo.InvariantCulture,
                $"Epoch {r.Epoch}/{_epochs}: {ProgressText.EpochFigures(r)} | lr {r.LearningRate:G4} | {r.Seconds:0.0} s, {r.ImagesPerSecond:0} samples/s"));
        }

        private void EndLine(string line)
        {
            if (_bar) _out!.Write("\r" + line + new string(' ', 10) + Environment.NewLine);
            else _out!.WriteLine(line);
            _out.Flush();
        }

        public void Message(string text)
        {
            if (_out is null) return;
            _out.WriteLine(text);
            _out.Flush();
        }
    }
}
