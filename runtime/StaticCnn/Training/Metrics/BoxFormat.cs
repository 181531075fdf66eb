namespace StaticCnn.Training;

/// <summary>How four floats describe a box. PyTorch: torchvision's <c>box_convert</c> formats.</summary>
public enum BoxFormat
{
    /// <summary>(x1, y1, x2, y2): the top-left and bottom-right corners (torchvision <c>"xyxy"</c>).</summary>
    Corners,
    /// <summary>(cx, cy, w, h): the centre, the width and the height (torchvision <c>"cxcywh"</c>).</summary>
    CenterSize,
}
