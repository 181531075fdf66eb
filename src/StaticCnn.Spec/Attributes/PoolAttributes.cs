namespace StaticCnn;

/// <summary>Max pooling; keeps the argmax of every window for backward and for <see cref="MaxUnpool2DAttribute"/>. PyTorch: <c>nn.MaxPool2d(size, stride, padding)</c>.</summary>
public sealed class MaxPool2DAttribute : LayerAttribute
{
    /// <summary>Creates a max pool with a <paramref name="size"/>×<paramref name="size"/> window.</summary>
    public MaxPool2DAttribute(int size) => Size = size;
    /// <summary>Window size.</summary>
    public int Size { get; }
    /// <summary>Stride; 0 (the default) means equal to <see cref="Size"/>.</summary>
    public int Stride { get; set; }
    /// <summary>Implicit −∞ padding on every side; at most half the window.</summary>
    public int Padding { get; set; }
}

/// <summary>Average pooling with zero padding counted in the divisor (PyTorch's default count_include_pad=True). PyTorch: <c>nn.AvgPool2d(size, stride, padding)</c>.</summary>
public sealed class AvgPool2DAttribute : LayerAttribute
{
    /// <summary>Creates an average pool with a <paramref name="size"/>×<paramref name="size"/> window.</summary>
    public AvgPool2DAttribute(int size) => Size = size;
    /// <summary>Window size.</summary>
    public int Size { get; }
    /// <summary>Stride; 0 (the default) means equal to <see cref="Size"/>.</summary>
    public int Stride { get; set; }
    /// <summary>Zero padding on every side; at most half the window.</summary>
    public int Padding { get; set; }
}

/// <summary>Averages each channel over H×W, giving C×1×1. PyTorch: <c>nn.AdaptiveAvgPool2d(1)</c>.</summary>
public sealed class GlobalAvgPoolAttribute : LayerAttribute { }

/// <summary>
/// Inverse of a <see cref="MaxPool2DAttribute"/> layer: scatters each value to the position its pool's argmax recorded,
/// zeros elsewhere. The output has the pool's input shape. PyTorch: <c>nn.MaxUnpool2d</c> with the pool's indices.
/// </summary>
public sealed class MaxUnpool2DAttribute : LayerAttribute
{
    /// <summary>Creates an unpool that uses the indices of the MaxPool2D layer named <paramref name="pool"/> (use <c>nameof</c>).</summary>
    public MaxUnpool2DAttribute(string pool) => Pool = pool;
    /// <summary>The MaxPool2D layer whose indices this layer uses.</summary>
    public string Pool { get; }
}
