namespace StaticCnn;

/// <summary>Base of every layer attribute. A layer consumes the previous layer's output unless <see cref="From"/> names another layer.</summary>
[AttributeUsage(AttributeTargets.Property, AllowMultiple = false, Inherited = false)]
public abstract class LayerAttribute : Attribute
{
    /// <summary>The name of the layer whose output this layer consumes (use <c>nameof</c>); "Input" names the network input. Default: the previous layer.</summary>
    public string? From { get; set; }
}
