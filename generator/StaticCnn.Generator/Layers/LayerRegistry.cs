using System.Collections.Generic;

namespace StaticCnn.Generator.Layers;

/// <summary>Attribute metadata name → layer kind. Adding a layer: one attribute, one file in Layers/, one line here.</summary>
internal static class LayerRegistry
{
    public static readonly LayerKind[] All =
    {
        new InputLayer(),
        new Conv2DLayer(),
        new Conv1DLayer(),
        new ConvTranspose2DLayer(),
        new DenseLayer(),
        new FlattenLayer(),
        new MaxPool2DLayer(),
        new AvgPool2DLayer(),
        new GlobalAvgPoolLayer(),
        new MaxPool1DLayer(),
        new AvgPool1DLayer(),
        new GlobalAvgPool1DLayer(),
        new MaxUnpool2DLayer(),
        new ActivationLayer(LayerType.ReLU, Activation.ReLU),
        new ActivationLayer(LayerType.LeakyReLU, Activation.LeakyReLU),
        new ActivationLayer(LayerType.Sigmoid, Activation.Sigmoid),
        new ActivationLayer(LayerType.Tanh, Activation.Tanh),
        new ActivationLayer(LayerType.ReLU6, Activation.ReLU6),
        new ActivationLayer(LayerType.Hardswish, Activation.Hardswish),
        new ActivationLayer(LayerType.SiLU, Activation.SiLU),
        new SoftmaxLayer(),
        new BatchNorm2DLayer(),
        new BatchNorm1DLayer(),
        new DropoutLayer(),
        new AddLayer(),
        new ConcatLayer(),
        new UpsampleLayer(),
        new CenterCropLayer(),
        new CropLayer(),
        new L2NormalizeLayer(),
        new PairLayer(LayerType.PairwiseDistance, 1e-6f),
        new PairLayer(LayerType.CosineSimilarity, 1e-8f),
    };

    private static readonly Dictionary<string, LayerKind> ByAttribute = Build(k => k.AttributeName);
    private static readonly Dictionary<LayerType, LayerKind> ByKind = BuildByType();

    private static Dictionary<LayerType, LayerKind> BuildByType()
    {
        var d = new Dictionary<LayerType, LayerKind>();
        foreach (LayerKind k in All) d[k.Type] = k;
        return d;
    }

    private static Dictionary<string, LayerKind> Build(System.Func<LayerKind, string> key)
    {
        var d = new Dictionary<string, LayerKind>();
        foreach (LayerKind k in All) d[key(k)] = k;
        return d;
    }

    /// <summary>The kind whose attribute has metadata name <paramref name="attributeMetadataName"/>, or null.</summary>
    public static LayerKind? FromAttribute(string attributeMetadataName)
        => ByAttribute.TryGetValue(attributeMetadataName, out LayerKind? k) ? k : null;

    /// <summary>The kind <paramref name="type"/> (as stored in the model).</summary>
    public static LayerKind Get(LayerType type) => ByKind[type];
}
