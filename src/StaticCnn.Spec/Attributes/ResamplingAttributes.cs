namespace StaticCnn;

/// <summary>Up-samples H and W by an integer <see cref="Scale"/>. PyTorch: <c>nn.Upsample(scale_factor, mode)</c> (bilinear with align_corners=False).</summary>
public sealed class UpsampleAttribute : LayerAttribute
{
    /// <summary>Creates an up-sampling layer with integer factor <paramref name="scale"/>.</summary>
    public UpsampleAttribute(int scale) => Scale = scale;
    /// <summary>The integer scale factor.</summary>
    public int Scale { get; }
    /// <summary>Nearest (default) or bilinear.</summary>
    public UpsampleMode Mode { get; set; }
}

/// <summary>
/// Crops H×W to a centered window, as U-Net does to its skip connections. Give <see cref="Height"/> and <see cref="Width"/>,
/// or <see cref="Like"/> to take the size of another layer. PyTorch: <c>torchvision.transforms.functional.center_crop</c>.
/// </summary>
public sealed class CenterCropAttribute : LayerAttribute
{
    /// <summary>Output height.</summary>
    public int Height { get; set; }
    /// <summary>Output width.</summary>
    public int Width { get; set; }
    /// <summary>A layer whose H×W the crop takes (use <c>nameof</c>).</summary>
    public string? Like { get; set; }
}

/// <summary>Crops a window at a given offset. PyTorch: <c>x[:, :, Top:Top+Height, Left:Left+Width]</c>.</summary>
public sealed class CropAttribute : LayerAttribute
{
    /// <summary>First row kept.</summary>
    public int Top { get; set; }
    /// <summary>First column kept.</summary>
    public int Left { get; set; }
    /// <summary>Output height.</summary>
    public int Height { get; set; }
    /// <summary>Output width.</summary>
    public int Width { get; set; }
}
