using System.Diagnostics;
using System.Globalization;
using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;

namespace StaticCnn.Training;

public static partial class Trainer
{
    /// <summary>
    /// Trains a network with named inputs and outputs on <paramref name="train"/> (Keras: <c>model.fit</c> with dicts of
    /// inputs and targets, <c>loss={…}</c>, <c>loss_weights={…}</c>, <c>metrics={…}</c>). Each network input reads the
    /// data set tensor of the same name; <see cref="TrainingOptions.Losses"/> name the outputs and targets of each term;
    /// total loss = Σ weight × loss, and each output's gradient is Σ weight × that term's gradient (an output no term
    /// reads gets none). When <see cref="TrainingOptions.Losses"/> is empty, <see cref="TrainingOptions.Loss"/> (default
    /// cross-entropy) is applied to the only output against the tensor <c>label</c>.
    /// Validation data: <see cref="TrainingOptions.ValidationData"/>; early stopping and <see cref="TrainingOptions.RestoreBestWeights"/>
    /// watch <see cref="TrainingOptions.Monitor"/>. <see cref="TrainingOptions.Augmentation"/> is not supported here.
    /// </summary>
    /// <returns>Per-epoch total loss, each term, each metric (train and validation), learning rate and time.</returns>
    /// <exception cref="TrainingDivergedException">A loss, gradient, parameter or buffer became NaN or infinite (with <see cref="TrainingOptions.CheckFinite"/>).</exception>
    /// <exception cref="ArgumentException">Before the first step, so that nothing is trained: an input, output or tensor
    /// name that does not resolve (the message lists the names there are), a tensor of the wrong kind or size, a class
    /// label outside the range of a cross-entropy term, a NaN/±∞ float (with <see cref="TrainingOptions.CheckFinite"/>),
    /// an unknown <see cref="TrainingOptions.Monitor"/>, or a batch size outside 1..<see cref="INetwork.MaxBatch"/>.</exception>
    public static TrainingHistory Fit(INetwork network, TensorDataset train, TrainingOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(train);
        options ??= new TrainingOptions();
        if (options.Validation is not null)
            throw new ArgumentException("TrainingOptions.Validation holds an InMemoryDataset; for a TensorDataset set TrainingOptions.ValidationData.", nameof(options));
        return FitTensors(network, train, options.ValidationData, options);
    }

    private static IReadOnlyList<LossTerm> LossesOf(INetwork network, TrainingOptions options)
    {
        if (options.Losses.Count > 0) return options.Losses;
        IReadOnlyList<PortInfo> outputs = network.Outputs;
        if (outputs.Count != 1)
            throw new ArgumentException($"{network.Name} has {outputs.Count} outputs ({NetworkPorts.Names(outputs)}); name a LossTerm for each output to train in TrainingOptions.Losses.", nameof(options));
        return new[] { new LossTerm(outputs[0].Name, options.Loss ?? new CrossEntropyLoss(), "label") };
    }

    private static TrainingHistory FitTensors(INetwork network, TensorDataset train, TensorDataset? validation, TrainingOptions options)
    {
        if (options.Augmentation is not null)
            throw new ArgumentException("TrainingOptions.Augmentation applies to an InMemoryDataset; augment a TensorDataset beforehand (its targets may need the same change).", nameof(options));
        if (options.BatchSize <= 0 || options.BatchSize > network.MaxBatch)
            throw new ArgumentException($"The batch size {options.BatchSize} must be in 1..{network.MaxBatch} (the network's MaxBatch).", nameof(options));
        if (train.Count == 0) throw new ArgumentException("The training set is empty.", nameof(train));
        var plan = new TensorTrainingPlan(network, LossesOf(network, options), options.Metrics, options.BatchSize);
        DatasetTensor[] trainTensors = plan.Validate(train, nameof(train), options.CheckFinite);
        DatasetTensor[]? valTensors = validation is null ? null : plan.Validate(validation, nameof(options.ValidationData), options.CheckFinite);
        if (valTensors is not null)
            for (int k = 0; k < trainTensors.Length; k++)
                if (valTensors[k].IsInt != trainTensors[k].IsInt || valTensors[k].Shape != trainTensors[k].Shape)
                    throw new ArgumentException($"ValidationData: \"{valTensors[k].Name}\" is {Kind(valTensors[k])} but the training data's is {Kind(trainTensors[k])}.", nameof(options));
        int monitor = plan.MonitorIndex(options.Monitor);
        if (plan.Losses.Length == 0) throw new ArgumentException("TrainingOptions.Losses is empty: there is nothing to train.", nameof(options));
        var iterator = new TensorBatchIterator(trainTensors, train.Count, options.BatchSize, options.Shuffle, options.Seed, options.DropLast);
        if (iterator.BatchesPerEpoch == 0) throw new ArgumentException($"With DropLast, {train.Count} samples make no batch of {options.BatchSize}.", nameof(options));

        Optimizer optimizer = options.Optimizer ?? new Adam();
        LearningRateSchedule? schedule = options.Schedule;
        network.Threads = Math.Max(1, options.Threads);
        network.Seed = options.Seed;
        var layerGradients = LayerGradientSlices(network);
        float[]? bestParameters = null, bestBuffers = null;
        int terms = plan.Losses.Length, metrics = plan.Metrics.Length;
        var termSums = new double[terms];
        var valTerms = new double[terms];
        var valMetrics = new double[metrics];
        bool higherIsBetter = monitor >= 0 && plan.Metrics[monitor].Metric!.HigherIsBetter;
        string monitorName = monitor < 0 ? "loss" : plan.Metrics[monitor].Label;
        var history = new TrainingHistory { LossName = plan.Objective, Monitor = monitorName };
        var progress = new Progress(options, network.Name, plan.Objective);

        long step = 0;
        double best = higherIsBetter ? double.NegativeInfinity : double.PositiveInfinity;
        int epochsWithoutImprovement = 0;
        try
        {
            for (int epoch = 1; epoch <= options.Epochs; epoch++)
            {
                iterator.StartEpoch(epoch - 1);
                foreach (ResolvedTerm m in plan.Metrics) m.Metric!.Reset();
                var clock = Stopwatch.StartNew();
                double lossSum = 0;
                Array.Clear(termSums);
                long seen = 0;
                float epochLr = schedule?.LearningRate ?? optimizer.LearningRate;
                progress.StartEpoch(epoch, iterator.BatchesPerEpoch);
                int batchIndex = 0;
                while (iterator.Next(out int batch))
                {
                    step++;
                    float l = plan.TrainStep(iterator.Sources, batch, trainTensors);
                    if (options.CheckFinite && (!float.IsFinite(l) || !AllFinite(network.Gradients)))
                        throw Diverged(network, layerGradients, epoch, step, l);
                    if (options.ClipGradientNorm > 0) GradientClipping.ClipByGlobalNorm(network.Gradients, options.ClipGradientNorm);
                    if (schedule is not null)
                    {
                        optimizer.LearningRate = schedule.LearningRate;
                        float mom = schedule.Momentum;
                        if (!float.IsNaN(mom) && optimizer.Momentum > 0) optimizer.Momentum = mom;
                    }
                    optimizer.Step(network.Parameters, network.Gradients);
                    if (options.CheckFinite && TrainingChecks.CheckState(network, epoch, step, l) is { } bad) throw bad;
                    schedule?.StepBatch();

                    lossSum += (double)l * batch;
                    for (int i = 0; i < terms; i++) termSums[i] += (double)plan.StepLosses[i] * batch;
                    seen += batch;
                    batchIndex++;
                    foreach (var cb in options.Callbacks) cb.OnBatchEnd(network, step, l);
                    if (progress.Due(batchIndex))
                    {
                        double seconds = clock.Elapsed.TotalSeconds;
                        progress.Write(batchIndex, string.Create(CultureInfo.InvariantCulture,
                            $"{ProgressText.LossFigures(lossSum / seen, Named(plan.Losses, termSums, 1.0 / seen))}  {seen / Math.Max(seconds, 1e-9):0} samples/s  ETA {ProgressText.Eta(batchIndex, iterator.BatchesPerEpoch, seconds)}"));
                    }
                }
                double trainSeconds = clock.Elapsed.TotalSeconds;
                float trainLoss = (float)(lossSum / seen);
                var trainTerms = Named(plan.Losses, termSums, 1.0 / seen);
                var trainMetrics = new NamedValue[metrics];
                for (int i = 0; i < metrics; i++) trainMetrics[i] = new NamedValue(plan.Metrics[i].Label, plan.Metrics[i].Metric!.Result);
                float valLoss = float.NaN;
                IReadOnlyList<NamedValue> valTermList = Array.Empty<NamedValue>(), valMetricList = Array.Empty<NamedValue>();
                if (validation is not null)
                {
                    valLoss = plan.Evaluate(validation, valTensors!, valTerms, valMetrics);
                    valTermList = Named(plan.Losses, valTerms, 1);
                    valMetricList = Named(plan.Metrics, valMetrics, 1);
                }
                var record = new EpochRecord(epoch, trainLoss, float.NaN, valLoss, float.NaN, float.NaN, epochLr,
                    clock.Elapsed.TotalSeconds, seen / Math.Max(trainSeconds, 1e-9))
                {
                    TrainLosses = trainTerms, ValidationLosses = valTermList, TrainMetrics = trainMetrics, ValidationMetrics = valMetricList,
                };
                history.Add(record);
                progress.EndEpochTerms(record);

                double monitored = monitor < 0
                    ? (validation is null ? trainLoss : valLoss)
                    : (validation is null ? trainMetrics[monitor].Value : valMetrics[monitor]);
                if (schedule is ReduceLROnPlateau plateau) plateau.StepEpoch(monitored);
                else schedule?.StepEpoch(monitored);

                bool stop = false;
                if (higherIsBetter ? monitored > best : monitored < best)
                {
                    best = monitored;
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
                    string where = validation is null ? "training" : "validation";
                    progress.Message(string.Create(CultureInfo.InvariantCulture,
                        $"Early stopping after epoch {epoch}: no better {where} {monitorName} than {ProgressText.Figure(best)} (epoch {history.BestEpoch}) for {options.EarlyStoppingPatience} epochs."));
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
            if (options.Optimizer is null) optimizer.Dispose();
        }
        return history;
    }

    /// <summary>
    /// The loss terms and metrics of a network with named inputs and outputs on <paramref name="data"/>, in inference
    /// mode (Keras: <c>model.evaluate</c> with dicts). Each loss term's value is its mean over the samples (batch means
    /// weighted by batch size), <see cref="TensorEvaluationResult.Loss"/> the weighted total. Default batch: the
    /// network's <see cref="INetwork.MaxBatch"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A name does not resolve, a tensor has the wrong kind or size, a class label is
    /// out of range, or a float is NaN/±∞, checked before the first batch.</exception>
    public static TensorEvaluationResult Evaluate(INetwork network, TensorDataset data, IReadOnlyList<LossTerm> losses,
        IReadOnlyList<MetricTerm>? metrics = null, int batchSize = 0)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(losses);
        if (batchSize <= 0) batchSize = network.MaxBatch;
        if (batchSize > network.MaxBatch) throw new ArgumentException($"The batch size {batchSize} exceeds the network's MaxBatch {network.MaxBatch}.", nameof(batchSize));
        var plan = new TensorTrainingPlan(network, losses, metrics ?? Array.Empty<MetricTerm>(), batchSize);
        DatasetTensor[] tensors = plan.Validate(data, nameof(data), checkFinite: true);
        var termMeans = new double[plan.Losses.Length];
        var metricValues = new double[plan.Metrics.Length];
        float loss = plan.Evaluate(data, tensors, termMeans, metricValues);
        return new TensorEvaluationResult(loss, Named(plan.Losses, termMeans, 1), Named(plan.Metrics, metricValues, 1), data.Count);
    }

    private static NamedValue[] Named(ResolvedTerm[] terms, double[] values, double scale)
    {
        var result = new NamedValue[terms.Length];
        for (int i = 0; i < terms.Length; i++) result[i] = new NamedValue(terms[i].Label, values[i] * scale);
        return result;
    }

    private static string Kind(DatasetTensor t) => $"{t.Shape} {(t.IsInt ? "ints" : "floats")} per sample";
}
