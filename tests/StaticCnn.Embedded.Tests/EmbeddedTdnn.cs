namespace StaticCnn.Embedded.Tests;

/// <summary>
/// The time-delay network of tests/StaticCnn.Tests (TdnnNet) with tests/Fixtures/multi/tdnn.safetensors baked in
/// (tools/make_multi_fixtures.py): one sequence input (8 features × 200 steps), one vector output, BatchNorm running
/// statistics among the embedded buffers.
/// </summary>
[Network(Weights = "tdnn.safetensors")]
public partial class Tdnn
{
    [Input(8, 200)] public partial NetworkInput Signal { get; }
    [Conv1D(16, Kernel = 5, Activation = Activation.ReLU)] public partial Layer Tdnn1 { get; }
    [Conv1D(16, Kernel = 3, Dilation = 2, Activation = Activation.ReLU)] public partial Layer Tdnn2 { get; }
    [BatchNorm1D] public partial Layer Bn { get; }
    [MaxPool1D(2)] public partial Layer Pool { get; }
    [Conv1D(16, Kernel = 3, Dilation = 3, Groups = 4)] public partial Layer Tdnn3 { get; }
    [AvgPool1D(2)] public partial Layer Avg { get; }
    [GlobalAvgPool1D] public partial Layer Gap { get; }
    [Dense(5)] public partial Layer Fc { get; }
}
