namespace StaticCnn;

/// <summary>
/// A handle to one declared input of a network (<c>[Input(1, 28, 28)] public partial NetworkInput Left { get; }</c>):
/// its name, its per-sample shape and its position in <see cref="INetwork.Inputs"/> and in the generated
/// <c>Forward(left, right, …)</c>. Use <c>nameof(Left)</c> to feed it to a layer (<c>From = nameof(Left)</c>) and to
/// name it in a <see cref="Data.TensorDataset"/>.
/// </summary>
/// <param name="Name">The member name.</param>
/// <param name="Shape">Per-sample shape.</param>
/// <param name="Index">Position among the network's inputs.</param>
public readonly record struct NetworkInput(string Name, TensorShape Shape, int Index)
{
    /// <summary>Floats per sample.</summary>
    public int Size => Shape.Size;

    /// <inheritdoc/>
    public override string ToString() => $"{Name} (input {Index}) {Shape}";
}
