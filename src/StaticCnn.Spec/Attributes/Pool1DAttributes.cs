namespace StaticCnn;

/// <summary>Max pooling along a (C, L) sequence; keeps the argmax for backward. PyTorch: <c>nn.MaxPool1d(size, stride, padding)</c>.</summary>
public sealed class MaxPool1DAttribute : LayerAttribute
{
    /// <summary>Creates a max pool with a window of <paramref name="size"/> steps.</summary>
    public MaxPool1DAttribute(int size) => Size = size;
    /// <summary>Window size.</summary>
    public int Size { get; }
    /// <summary>Stride; 0 (the default) means equal to <see cref="Size"/>.</summary>
    public int Stride { get; set; }
    /// <summary>Implicit −∞ padding at both ends; at most half the window.</summary>
    public int Padding { get; set; }
}

/// <summary>Average pooling along a (C, L) sequence, zero padding counted in the divisor (PyTorch's default count_include_pad=True). PyTorch: <c>nn.AvgPool1d(size, stride, padding)</c>.</summary>
public sealed class AvgPool1DAttribute : LayerAttribute
{
    /// <summary>Creates an average pool with a window of <paramref name="size"/> steps.</summary>
    public AvgPool1DAttribute(int size) => Size = size;
    /// <summary>Window size.</summary>
    public int Size { get; }
    /// <summary>Stride; 0 (the default) means equal to <see cref="Size"/>.</summary>
    public int Stride { get; set; }
    /// <summary>Zero padding at both ends; at most half the window.</summary>
    public int Padding { get; set; }
}

/// <summary>Averages each channel of a (C, L) sequence over L, giving (C, 1). PyTorch: <c>nn.AdaptiveAvgPool1d(1)</c>.</summary>
public sealed class GlobalAvgPool1DAttribute : LayerAttribute { }
