using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Schedules;

namespace StaticCnn.Training;

/// <summary>How <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> reports progress.</summary>
public enum ProgressMode
{
    /// <summary>A progress bar when the console is a terminal, plain lines when output is redirected.</summary>
    Auto,
    /// <summary>A progress bar updated in place with <c>\r</c>.</summary>
    Bar,
    /// <summary>Plain lines: one every <see cref="TrainingOptions.LineInterval"/> and one per epoch.</summary>
    Lines,
    /// <summary>Nothing.</summary>
    None,
}

/// <summary>Hooks into <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> (Keras: <c>keras.callbacks.Callback</c>).</summary>
public abstract class TrainingCallback
{
    /// <summary>After each optimizer step; keep it cheap and allocation-free.</summary>
    public virtual void OnBatchEnd(INetwork network, long step, float loss) { }
    /// <summary>After each epoch (validation included); return true to stop training.</summary>
    public virtual bool OnEpochEnd(INetwork network, EpochRecord record) => false;
}

/// <summary>Options of <see cref="Trainer.Fit(INetwork, Data.InMemoryDataset, TrainingOptions?)"/> (Keras: the arguments of <c>model.fit</c> and <c>model.compile</c>).</summary>
public sealed class TrainingOptions
{
    /// <summary>Passes over the training data. Default 10.</summary>
    public int Epochs { get; init; } = 10;
    /// <summary>Samples per step; at most the network's <see cref="INetwork.MaxBatch"/>. Default 32.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>Seed of shuffling, augmentation and the network's dropout (<see cref="INetwork.Seed"/>). Same seed, same run.</summary>
    public ulong Seed { get; init; }
    /// <summary>Shuffle every epoch. Default true.</summary>
    public bool Shuffle { get; init; } = true;
    /// <summary>Skip an incomplete last batch (useful with BatchNorm). Default false.</summary>
    public bool DropLast { get; init; }
    /// <summary>Evaluated after every epoch; its accuracy drives early stopping and <see cref="ReduceLROnPlateau"/>. For a <see cref="TensorDataset"/>, use <see cref="ValidationData"/>.</summary>
    public InMemoryDataset? Validation { get; init; }
    /// <summary>The optimizer; default Adam(lr = 1e-3).</summary>
    public Optimizer? Optimizer { get; init; }
    /// <summary>Learning-rate schedule; null keeps the optimizer's rate.</summary>
    public LearningRateSchedule? Schedule { get; init; }
    /// <summary>
    /// The loss of a one-output network trained on an <see cref="InMemoryDataset"/>; default <see cref="CrossEntropyLoss"/>.
    /// A loss on values receives one-hot targets. For a <see cref="TensorDataset"/>, use <see cref="Losses"/> (when that is
    /// empty, this loss is applied to the only output against the tensor <c>label</c>).
    /// </summary>
    public Loss? Loss { get; init; }
    /// <summary>
    /// The terms of the objective of a network with named outputs, trained on a <see cref="TensorDataset"/>:
    /// total loss = Σ weight × loss (see <see cref="LossTerm"/>). Default empty. Set with an <see cref="InMemoryDataset"/>,
    /// it trains that data as <see cref="TensorDataset.From"/> names it (the network's input and <c>label</c>).
    /// </summary>
    public IReadOnlyList<LossTerm> Losses { get; init; } = Array.Empty<LossTerm>();
    /// <summary>Metrics reported per epoch on the training and validation data of a <see cref="TensorDataset"/> (see <see cref="MetricTerm"/>). Default empty.</summary>
    public IReadOnlyList<MetricTerm> Metrics { get; init; } = Array.Empty<MetricTerm>();
    /// <summary>
    /// Validation data for training on a <see cref="TensorDataset"/> (the counterpart of <see cref="Validation"/>):
    /// evaluated after every epoch with the same <see cref="Losses"/> and <see cref="Metrics"/>; it needs the same
    /// tensors (names, kinds, shapes) as the training data.
    /// </summary>
    public TensorDataset? ValidationData { get; init; }
    /// <summary>
    /// What early stopping, <see cref="RestoreBestWeights"/>, the best epoch and the schedules' epoch step watch when
    /// training on a <see cref="TensorDataset"/>: <c>"loss"</c> (the total loss; lower is better) or the name of a metric
    /// in <see cref="Metrics"/> as shown in the history (e.g. <c>"mIoU"</c>; better as its <see cref="Metric.HigherIsBetter"/>
    /// says). On the validation data when there is some, else on the training data. Default <c>"loss"</c>
    /// (Keras: <c>monitor="val_loss"</c>). Training on an <see cref="InMemoryDataset"/> without <see cref="Losses"/>,
    /// <see cref="Metrics"/> or <see cref="ValidationData"/> watches the accuracy, as it always has.
    /// </summary>
    public string Monitor { get; init; } = "loss";
    /// <summary>Callbacks, called in order.</summary>
    public IReadOnlyList<TrainingCallback> Callbacks { get; init; } = Array.Empty<TrainingCallback>();
    /// <summary>Stop after this many epochs without a better monitored figure (validation, else training): the accuracy, or <see cref="Monitor"/> on a <see cref="TensorDataset"/>; 0 disables.</summary>
    public int EarlyStoppingPatience { get; init; }
    /// <summary>With early stopping: put back the parameters and buffers of the best epoch at the end.</summary>
    public bool RestoreBestWeights { get; init; }
    /// <summary>Kernel threads (<see cref="INetwork.Threads"/>); results do not depend on it. Default 1.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Augmentation of training batches of an <see cref="InMemoryDataset"/>, or null (not applied to a <see cref="TensorDataset"/>, whose targets may need the same geometric change).</summary>
    public Augmentation? Augmentation { get; init; }
    /// <summary>Clip gradients to this global L2 norm before each step (PyTorch <c>clip_grad_norm_</c>); 0 disables.</summary>
    public float ClipGradientNorm { get; init; }
    /// <summary>k of the validation top-k accuracy. Default 5.</summary>
    public int TopK { get; init; } = 5;
    /// <summary>
    /// Check the loss and the gradients before every optimizer step, and every parameter and buffer (BatchNorm running
    /// statistics included) after it, for NaN/±∞, and throw <see cref="TrainingDivergedException"/> naming the layer or
    /// tensor; also reject training and validation images holding NaN/±∞ before the first step (ArgumentException
    /// naming the sample). Each check is one vectorized pass. Default true.
    /// </summary>
    public bool CheckFinite { get; init; } = true;
    /// <summary>Progress display. Default <see cref="ProgressMode.Auto"/>.</summary>
    public ProgressMode Progress { get; init; } = ProgressMode.Auto;
    /// <summary>Where progress goes; default <see cref="Console.Out"/>.</summary>
    public TextWriter? Output { get; init; }
    /// <summary>Time between progress lines in <see cref="ProgressMode.Lines"/>. Default 10 s.</summary>
    public TimeSpan LineInterval { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>Loss and accuracies of a network over a dataset.</summary>
public readonly record struct EvaluationResult(float Loss, float Accuracy, float TopKAccuracy, int TopK, int Count)
{
    /// <summary>
    /// What <see cref="Loss"/> measures (<see cref="Losses.Loss.Name"/>): <c>CE</c> for <see cref="Trainer.Evaluate(INetwork, Data.InMemoryDataset, int, Losses.Loss?, int)"/>'s
    /// default plain cross-entropy, <c>CE, smoothing 0.1</c> when that loss is passed (as the epoch line's val loss).
    /// </summary>
    public string? LossName { get; init; }
}
