using System.Globalization;

namespace StaticCnn.Data;

/// <summary>
/// One named tensor of a <see cref="TensorDataset"/>: <see cref="TensorDataset.Count"/> samples of <see cref="Shape"/>
/// each, held either as floats (<see cref="Floats"/>) or as ints (<see cref="Ints"/>: class ids, one per sample with
/// shape (1), or a class map such as H×W per sample).
/// </summary>
/// <param name="Name">The name a network input, a loss target or a mask refers to.</param>
/// <param name="Shape">Per-sample shape (any rank); (1) for one int per sample.</param>
/// <param name="Floats">The float data, count × Shape.Size, or null for an int tensor.</param>
/// <param name="Ints">The int data, count × Shape.Size, or null for a float tensor.</param>
public sealed record DatasetTensor(string Name, TensorShape Shape, float[]? Floats, int[]? Ints)
{
    /// <summary>Whether the tensor holds ints.</summary>
    public bool IsInt => Ints is not null;
    /// <summary>Elements per sample.</summary>
    public int SampleSize => Shape.Size;
}

/// <summary>
/// Samples that each consist of several named tensors: images for each network input, class ids, boxes, class maps,
/// masks (PyTorch: a <c>TensorDataset</c> whose items are dicts, or <c>TensorDataset(left, right, label)</c>). Built
/// fluently: <c>new TensorDataset(n).Add("Left", left, new(1, 28, 28)).Add("Right", right, new(1, 28, 28)).Add("label", labels)</c>.
/// The arrays are the user's; they are not copied (<see cref="Shuffle"/>, <see cref="Slice"/> and <see cref="Split"/> copy).
/// Reading is thread-safe; <see cref="Add(string, float[], TensorShape)"/> is not.
/// </summary>
public sealed class TensorDataset
{
    private readonly List<DatasetTensor> _tensors = new();

    /// <summary>An empty set of <paramref name="count"/> samples; add its tensors with <c>Add</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Count is negative.</exception>
    public TensorDataset(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        Count = count;
    }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>The tensors in the order they were added.</summary>
    public IReadOnlyList<DatasetTensor> Tensors => _tensors;

    /// <summary>The tensors' names in the order they were added.</summary>
    public IReadOnlyList<string> Names => _tensors.ConvertAll(t => t.Name);

    /// <summary>Adds a float tensor: <paramref name="data"/> holds <see cref="Count"/> × <paramref name="shape"/>.Size floats, sample after sample.</summary>
    /// <returns>This data set, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used, the shape is empty, or the length does not hold Count samples.</exception>
    public TensorDataset Add(string name, float[] data, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckNew(name, data.Length, shape, "float");
        _tensors.Add(new DatasetTensor(name, shape, data, null));
        return this;
    }

    /// <summary>Adds an int tensor of one int per sample (e.g. class ids); PyTorch: a <c>LongTensor</c> of shape (N,).</summary>
    /// <returns>This data set, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used, or the length is not <see cref="Count"/>.</exception>
    public TensorDataset Add(string name, int[] data) => Add(name, data, new TensorShape(1));

    /// <summary>Adds an int tensor of <paramref name="shape"/> per sample (e.g. an H×W class map for per-pixel cross-entropy).</summary>
    /// <returns>This data set, for chaining.</returns>
    /// <exception cref="ArgumentException">The name is empty or already used, the shape is empty, or the length does not hold Count samples.</exception>
    public TensorDataset Add(string name, int[] data, TensorShape shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        CheckNew(name, data.Length, shape, "int");
        _tensors.Add(new DatasetTensor(name, shape, null, data));
        return this;
    }

    private void CheckNew(string name, int length, TensorShape shape, string kind)
    {
        if (string.IsNullOrWhiteSpace(name)) throw new ArgumentException("A tensor needs a non-empty name.", nameof(name));
        if (Find(name) is not null)
            throw new ArgumentException($"The data set already has a tensor named \"{name}\" (it has {string.Join(", ", Names)}).", nameof(name));
        if (shape.Rank == 0 || shape.Size <= 0) throw new ArgumentException($"\"{name}\": the per-sample shape is empty.", nameof(shape));
        if (length != (long)Count * shape.Size)
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"\"{name}\": {length} {kind}s do not hold {Count} samples of {shape} ({(long)Count * shape.Size} {kind}s)."), "data");
    }

    /// <summary>Whether a tensor named <paramref name="name"/> exists (ordinal comparison).</summary>
    public bool Contains(string name) => Find(name) is not null;

    /// <summary>The tensor named <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is none; the message lists the names there are.</exception>
    public DatasetTensor this[string name]
        => Find(name) ?? throw new KeyNotFoundException($"The data set has no tensor named \"{name}\"; it has {string.Join(", ", Names)}.");

    /// <summary>The per-sample shape of tensor <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    public TensorShape ShapeOf(string name) => this[name].Shape;

    /// <summary>The float data of tensor <paramref name="name"/> (the user's array).</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">It holds ints.</exception>
    public float[] Floats(string name)
        => this[name].Floats ?? throw new InvalidOperationException($"\"{name}\" holds ints, not floats.");

    /// <summary>The int data of tensor <paramref name="name"/> (the user's array).</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor.</exception>
    /// <exception cref="InvalidOperationException">It holds floats.</exception>
    public int[] Ints(string name)
        => this[name].Ints ?? throw new InvalidOperationException($"\"{name}\" holds floats, not ints.");

    internal DatasetTensor? Find(string name)
    {
        foreach (var t in _tensors) if (t.Name == name) return t;
        return null;
    }

    /// <summary>
    /// A copy with the samples in a random order that depends only on <paramref name="seed"/> (Fisher–Yates with
    /// <see cref="SeededRandom"/>); every tensor is permuted the same way. PyTorch: indexing every tensor with
    /// <c>torch.randperm(n, generator=torch.Generator().manual_seed(seed))</c> (the orders differ).
    /// </summary>
    public TensorDataset Shuffle(ulong seed)
    {
        var order = new int[Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var rng = new SeededRandom(seed);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return Gather(order);
    }

    /// <summary>A copy of samples [<paramref name="start"/>, start + <paramref name="count"/>) of every tensor.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside 0..<see cref="Count"/>.</exception>
    public TensorDataset Slice(int start, int count)
    {
        if (start < 0 || count < 0 || start > Count - count)
            throw new ArgumentOutOfRangeException(nameof(start), string.Create(CultureInfo.InvariantCulture,
                $"Samples {start}..{start + count - 1} are not inside the {Count} samples."));
        var result = new TensorDataset(count);
        foreach (var t in _tensors)
        {
            int n = t.SampleSize;
            if (t.Floats is { } f) result.Add(t.Name, f.AsSpan(start * n, count * n).ToArray(), t.Shape);
            else result.Add(t.Name, t.Ints!.AsSpan(start * n, count * n).ToArray(), t.Shape);
        }
        return result;
    }

    /// <summary>
    /// Splits off the <b>last</b> round(<paramref name="validationFraction"/> × Count) samples as a validation set,
    /// keeping the order; when the order matters (data sorted by class, say), <see cref="Shuffle"/> first:
    /// <c>data.Shuffle(1).Split(0.1f)</c>. Both parts are copies. PyTorch: <c>random_split</c> after a shuffle.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="validationFraction"/> is not in (0, 1).</exception>
    public (TensorDataset Train, TensorDataset Validation) Split(float validationFraction)
    {
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction,
                "The validation fraction must be between 0 and 1 (exclusive), e.g. 0.1 for 10 % of the samples.");
        int validation = (int)Math.Round(Count * (double)validationFraction);
        return (Slice(0, Count - validation), Slice(Count - validation, validation));
    }

    /// <summary>
    /// Wraps an <see cref="InMemoryDataset"/> (its arrays, not copies): the images as float tensor
    /// <paramref name="inputName"/> (the name of a one-input network's input), the labels as int tensor
    /// <paramref name="labelName"/>.
    /// </summary>
    public static TensorDataset From(InMemoryDataset data, string inputName = "Input", string labelName = "label")
    {
        ArgumentNullException.ThrowIfNull(data);
        return new TensorDataset(data.Count).Add(inputName, data.Images, data.Shape).Add(labelName, data.Labels);
    }

    private TensorDataset Gather(int[] order)
    {
        var result = new TensorDataset(order.Length);
        foreach (var t in _tensors)
        {
            int n = t.SampleSize;
            if (t.Floats is { } f)
            {
                var dst = new float[f.Length];
                for (int i = 0; i < order.Length; i++) f.AsSpan(order[i] * n, n).CopyTo(dst.AsSpan(i * n, n));
                result.Add(t.Name, dst, t.Shape);
            }
            else
            {
                int[] src = t.Ints!;
                var dst = new int[src.Length];
                for (int i = 0; i < order.Length; i++) src.AsSpan(order[i] * n, n).CopyTo(dst.AsSpan(i * n, n));
                result.Add(t.Name, dst, t.Shape);
            }
        }
        return result;
    }
}
