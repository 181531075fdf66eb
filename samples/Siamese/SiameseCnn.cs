using StaticCnn;

namespace StaticCnn.Samples.Siamese;

/// <summary>
/// A siamese CNN for 28×28 grey images. One small CNN (two 5×5 convolutions with max pooling, a 64-unit hidden layer,
/// a 32-d embedding scaled to unit length) is applied to both images: every layer of the right branch <c>Shares</c> its
/// left twin, so there is one parameter set (31,168 parameters, those of one branch), as one PyTorch module called
/// twice. The output is the Euclidean distance of the two embeddings: near 0 for alike images, at most 2.
/// PyTorch: <c>emb = lambda x: F.normalize(branch(x)); d = F.pairwise_distance(emb(left), emb(right))</c> with
/// <c>branch = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(8, 16, 5), nn.ReLU(),
/// nn.MaxPool2d(2), nn.Flatten(), nn.Linear(400, 64), nn.ReLU(), nn.Linear(64, 32))</c>.
/// </summary>
[Network]
public partial class SiameseCnn
{
    [Input(1, 28, 28)] public partial NetworkInput Left { get; }
    [Input(1, 28, 28)] public partial NetworkInput Right { get; }

    [Conv2D(8, Kernel = 5, Padding = 2, From = nameof(Left), Activation = Activation.ReLU)] public partial Layer Conv1L { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool1L { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU)]         public partial Layer Conv2L { get; }
    [MaxPool2D(2)]                                                 public partial Layer Pool2L { get; }
    [Dense(64, Activation = Activation.ReLU)]                      public partial Layer HiddenL { get; }
    [Dense(32)]                                                    public partial Layer EmbL { get; }
    [L2Normalize]                                                  public partial Layer NormL { get; }

    [Conv2D(8, Kernel = 5, Padding = 2, From = nameof(Right), Activation = Activation.ReLU, Shares = nameof(Conv1L))] public partial Layer Conv1R { get; }
    [MaxPool2D(2, Shares = nameof(Pool1L))]                                            public partial Layer Pool1R { get; }
    [Conv2D(16, Kernel = 5, Activation = Activation.ReLU, Shares = nameof(Conv2L))]    public partial Layer Conv2R { get; }
    [MaxPool2D(2, Shares = nameof(Pool2L))]                                            public partial Layer Pool2R { get; }
    [Dense(64, Activation = Activation.ReLU, Shares = nameof(HiddenL))]                public partial Layer HiddenR { get; }
    [Dense(32, Shares = nameof(EmbL))]                                                 public partial Layer EmbR { get; }
    [L2Normalize(Shares = nameof(NormL))]                                              public partial Layer NormR { get; }

    [PairwiseDistance(nameof(NormL), nameof(NormR), Output = true)] public partial Layer Distance { get; }
}
