namespace StaticCnn.Optimizers;

/// <summary>
/// An optimizer over one flat parameter span and its gradient span (the network's arenas), with PyTorch's update rules.
/// Its state (moments, momentum buffers) lives in 64-byte aligned buffers, allocated at the first step (or on load),
/// and is exposed by name through <see cref="State"/> so that checkpoints can save and restore it.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly List<(string Name, AlignedBuffer<float> Buffer)> _state = new();
    private readonly string[] _stateNames;

    /// <summary>Creates the optimizer with learning rate <paramref name="learningRate"/> and the names of its per-parameter state tensors.</summary>
    protected Optimizer(float learningRate, params string[] stateNames)
    {
        if (!(learningRate >= 0)) throw new ArgumentOutOfRangeException(nameof(learningRate), learningRate, "The learning rate must be non-negative.");
        LearningRate = learningRate;
        _stateNames = stateNames;
    }

    /// <summary>The learning rate used by the next <see cref="Step"/>; schedules set it.</summary>
    public float LearningRate { get; set; }

    /// <summary>Momentum (SGD) or β₁ (Adam); OneCycle's momentum cycling sets it. NaN when the optimizer has none.</summary>
    public virtual float Momentum { get => float.NaN; set { } }

    /// <summary>Steps taken (PyTorch's <c>state['step']</c>).</summary>
    public long StepCount { get; set; }

    /// <summary>The PyTorch class this optimizer reproduces, e.g. <c>Adam</c>; stored in checkpoints.</summary>
    public abstract string Kind { get; }

    /// <summary>Parameter count the state was allocated for (0 before the first step).</summary>
    public int ParameterCount { get; private set; }

    /// <summary>Names of the per-parameter state tensors this optimizer keeps.</summary>
    public IReadOnlyList<string> StateNames => _stateNames;

    /// <summary>The state tensor <paramref name="name"/> (allocates the state for <paramref name="parameterCount"/> parameters if needed).</summary>
    public Span<float> GetState(string name, int parameterCount)
    {
        EnsureState(parameterCount);
        foreach (var (n, buffer) in _state) if (n == name) return buffer.Span;
        throw new KeyNotFoundException($"{Kind} has no state tensor '{name}'; it has {string.Join(", ", _stateNames)}.");
    }

    /// <summary>Applies one update: <paramref name="parameters"/> -= f(<paramref name="gradients"/>).</summary>
    /// <exception cref="ArgumentException">The spans differ in length, or differ from the length the state was made for.</exception>
    public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
    {
        if (parameters.Length != gradients.Length)
            throw new ArgumentException($"{parameters.Length} parameters but {gradients.Length} gradients.", nameof(gradients));
        EnsureState(parameters.Length);
        StepCount++;
        Update(parameters, gradients);
    }

    /// <summary>Forgets the state (moments, momentum buffers, step count).</summary>
    public void Reset()
    {
        foreach (var (_, b) in _state) b.Dispose();
        _state.Clear();
        ParameterCount = 0;
        StepCount = 0;
    }

    /// <summary>The update rule, after <see cref="StepCount"/> was incremented.</summary>
    protected abstract void Update(Span<float> parameters, ReadOnlySpan<float> gradients);

    /// <summary>State tensor number <paramref name="index"/> in the order of the constructor's names.</summary>
    protected Span<float> State(int index) => _state[index].Buffer.Span;

    private void EnsureState(int parameterCount)
    {
        if (ParameterCount == parameterCount && _state.Count == _stateNames.Length) return;
        if (ParameterCount != 0)
            throw new ArgumentException($"{Kind} holds state for {ParameterCount} parameters; it was given {parameterCount}. Call Reset() to reuse it for another network.");
        foreach (string name in _stateNames) _state.Add((name, new AlignedBuffer<float>(parameterCount)));
        ParameterCount = parameterCount;
    }

    /// <summary>Frees the state buffers.</summary>
    public void Dispose()
    {
        Reset();
        GC.SuppressFinalize(this);
    }
}
