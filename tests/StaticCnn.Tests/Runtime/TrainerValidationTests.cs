using StaticCnn.Data;
using StaticCnn.Losses;
using StaticCnn.Optimizers;
using StaticCnn.Training;
using Xunit;

namespace StaticCnn.Tests.Runtime;

/// <summary>A small BatchNorm network: conv → bn1 → ReLU → global average → 10 classes.</summary>
[Network(InputChannels = 1, InputHeight = 8, InputWidth = 8)]
public partial class BnNet
{
    [Conv2D(4, Kernel = 3, Padding = 1)] public partial Layer Conv1 { get; }
    [BatchNorm2D] public partial Layer Bn1 { get; }
    [ReLU] public partial Layer Relu1 { get; }
    [GlobalAvgPool] public partial Layer Gap { get; }
    [Dense(10)] public partial Layer Fc { get; }
}

/// <summary>
/// What <see cref="Trainer.Fit"/> checks beyond the loss and the gradients: every parameter and buffer after each step,
/// and the data set (labels, non-finite pixels) before the first step, leaving the network unchanged when it refuses.
/// </summary>
public class TrainerValidationTests
{
    private static InMemoryDataset Images(int count, ulong seed)
    {
        var rng = new SeededRandom(seed);
        var images = new float[count * 64];
        var labels = new int[count];
        for (int i = 0; i < images.Length; i++) images[i] = (float)rng.NextGaussian();
        for (int n = 0; n < count; n++) labels[n] = rng.NextInt(10);
        return new InMemoryDataset(images, labels, new TensorShape(1, 8, 8));
    }

    private static TrainingOptions Options(Loss? loss = null, bool checkFinite = true, InMemoryDataset? validation = null) => new()
    {
        Epochs = 2, BatchSize = 16, Shuffle = false, Optimizer = new Sgd(0.01f), Progress = ProgressMode.None,
        Loss = loss, CheckFinite = checkFinite, Validation = validation,
    };

    [Fact]
    public void A_huge_pixel_that_overflows_the_BatchNorm_running_variance_is_reported_by_name()
    {
        // The reproduction: one pixel of 1e38 makes the batch variance +Inf; the normalized output, the loss and
        // every gradient stay finite, so only a scan of the buffers after the step sees it.
        using var net = new BnNet(16, seed: 1);
        var data = Images(64, 3);
        data.Images[20 * 64 + 27] = 1e38f;                       // sample 20: in the second batch
        var ex = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(net, data, Options()));
        Assert.Equal("bn1.running_var", ex.Tensor);
        Assert.Equal(2, ex.Step);
        Assert.Equal(1, ex.Epoch);
        Assert.Equal("Bn1", ex.Layer);
        Assert.True(float.IsFinite(ex.Loss), ex.Message);
        Assert.True(float.IsPositiveInfinity(ex.TensorValue), ex.Message);
        Assert.Contains("bn1.running_var", ex.Message);
        Assert.Contains("step 2", ex.Message);
    }

    [Fact]
    public void A_healthy_BatchNorm_run_is_not_reported()
    {
        using var net = new BnNet(16, seed: 1);
        var h = Trainer.Fit(net, Images(64, 3), Options());
        Assert.Equal(2, h.Epochs.Count);
        Assert.True(Trainer.AllFinite(net.Buffers) && Trainer.AllFinite(net.Parameters));
    }

    [Fact]
    public void A_parameter_made_infinite_by_the_step_is_named()
    {
        // Finite loss and gradients, but an update that overflows one weight (fc2.bias[1]) at the third step.
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        Initializers.ResetParameters(net, 1);
        int at = net.Tensors.Single(t => t.Name == "fc2.bias").Offset + 1;
        var ex = Assert.Throws<TrainingDivergedException>(() => Trainer.Fit(net, TestData.Blobs(64, 1),
            new TrainingOptions { Epochs = 1, BatchSize = 16, Optimizer = new OverflowAt(3, at), Progress = ProgressMode.None }));
        Assert.Equal(3, ex.Step);
        Assert.Equal("fc2.bias", ex.Tensor);
        Assert.Equal(1, ex.TensorIndex);
        Assert.Equal(float.PositiveInfinity, ex.TensorValue);
    }

    private sealed class OverflowAt(int step, int index) : Optimizer(0.1f)
    {
        public override string Kind => "test";
        protected override void Update(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            if (StepCount == step) parameters[index] = float.PositiveInfinity;
        }
    }

    [Fact]
    public void An_out_of_range_label_is_rejected_before_the_first_step()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4, hidden: 8);
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray();
        var data = TestData.Blobs(100, 2);
        data.Labels[57] = 200;                                   // in the fourth batch of 16
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options()));
        Assert.Contains("sample 57", ex.Message);
        Assert.Contains("label 200", ex.Message);
        Assert.Contains("0..3", ex.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void An_out_of_range_label_is_rejected_with_a_one_hot_loss_too()
    {
        // MseLoss receives one-hot targets; a label of 200 used to become an all-zero target row without a word.
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray();
        var data = TestData.Blobs(40, 2);
        data.Labels[5] = 200;
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options(new MseLoss())));
        Assert.Contains("sample 5", ex.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        data.Labels[5] = -100;                                   // ignore_index means nothing to a one-hot loss
        Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options(new MseLoss())));
    }

    [Fact]
    public void The_cross_entropy_ignore_index_is_a_valid_label()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        var data = TestData.Blobs(40, 2);
        data.Labels[5] = -100;
        Trainer.Fit(net, data, Options());
        data.Labels[5] = 7;
        Trainer.Fit(net, data, Options(new CrossEntropyLoss(ignoreIndex: 7)));
        data.Labels[5] = -100;
        Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options(new CrossEntropyLoss(ignoreIndex: 7))));
    }

    [Fact]
    public void A_bad_validation_label_is_rejected_before_the_first_step()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray();
        var val = TestData.Blobs(20, 3);
        val.Labels[19] = 4;
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, TestData.Blobs(40, 2), Options(validation: val)));
        Assert.Contains("Validation: sample 19 has label 4", ex.Message);
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void A_non_finite_pixel_is_rejected_by_sample_unless_CheckFinite_is_off()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        Initializers.ResetParameters(net, 1);
        float[] before = net.Parameters.ToArray();
        var data = TestData.Blobs(40, 2);
        data.Images[33 * 18 + 10] = float.NaN;                   // sample 33, channel 1, row 0, column 1
        var ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options()));
        Assert.Contains("sample 33 holds NaN at channel 1, row 0, column 1", ex.Message);
        Assert.Equal(before, net.Parameters.ToArray());
        data.Images[33 * 18 + 10] = float.NegativeInfinity;
        ex = Assert.Throws<ArgumentException>(() => Trainer.Fit(net, data, Options()));
        Assert.Contains("sample 33 holds -Infinity", ex.Message);
        Trainer.Fit(net, data, Options(checkFinite: false));     // the caller's choice: no check, no exception
    }

    [Fact]
    public void Evaluate_validates_labels_and_pixels()
    {
        using var net = new MlpNetwork(new TensorShape(2, 3, 3), 4);
        var data = TestData.Blobs(30, 2);
        data.Labels[12] = -1;
        Assert.Contains("sample 12 has label -1", Assert.Throws<ArgumentException>(() => Trainer.Evaluate(net, data)).Message);
        data.Labels[12] = 0;
        data.Images[5] = float.PositiveInfinity;
        Assert.Contains("sample 0 holds Infinity", Assert.Throws<ArgumentException>(() => Trainer.Evaluate(net, data)).Message);
    }
}
