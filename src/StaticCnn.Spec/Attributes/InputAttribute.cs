namespace StaticCnn;

/// <summary>
/// Declares one named input of a network and the shape of one sample, outermost axis first: a vector
/// <c>[Input(40)]</c>, a signal or sequence <c>[Input(8, 200)]</c> (channels × steps), an image <c>[Input(3, 32, 32)]</c>.
/// A network declares one or more, in the order its <c>Forward</c> takes them; a layer reads one with
/// <c>From = nameof(Left)</c> (the first layer reads the first input by default). Without any, the network uses the
/// one-input shorthand <c>[Network(InputChannels = …, InputHeight = …, InputWidth = …)]</c>.
/// PyTorch: an argument of <c>forward(self, left, right)</c>.
/// </summary>
/// <example><code>
/// [Input(1, 28, 28)] public partial NetworkInput Left { get; }
/// [Input(1, 28, 28)] public partial NetworkInput Right { get; }
/// </code></example>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public sealed class InputAttribute : Attribute
{
    /// <summary>An input whose samples have the shape <paramref name="dims"/> (every dimension at least 1).</summary>
    public InputAttribute(params int[] dims) => Dims = dims;

    /// <summary>The shape of one sample, outermost axis first.</summary>
    public int[] Dims { get; }
}
