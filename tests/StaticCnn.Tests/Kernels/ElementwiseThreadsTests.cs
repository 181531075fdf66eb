using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The whole-tensor element-wise passes on several threads (<see cref="OpsParallel.ForElements"/>: the activation layers,
/// the Add layer, Dropout's copy): the same bits as one thread for every length around the block edges, NaN, ±∞ and −0
/// included; the pool is used from two blocks on; no allocation; a bad thread count throws before anything is written.
/// </summary>
[Trait("Category", "Numeric")]
public class ElementwiseThreadsTests
{
    private const int Block = OpsParallel.ElementBlock;

    /// <summary>One block and a half (one thread), two blocks less one vector, and lengths past whole blocks with tails of every width.</summary>
    private static readonly int[] Lengths = [Block + Block / 2, 2 * Block + 5, 3 * Block, 5 * Block + 17];

    public static TheoryData<Activation> FromOutput => new()
        { Activation.None, Activation.ReLU, Activation.LeakyReLU, Activation.Sigmoid, Activation.Tanh, Activation.ReLU6 };

    private static float[] Input(int n, int seed)
    {
        var x = Rand(new Random(seed), n, -8f, 8f);
        // non-finite values and −0 in the first block, at a block edge and in the last (tail) vector
        foreach (int i in new[] { 3, Block - 1, Block, n - 1 })
            if (i < n) x[i] = float.NaN;
        foreach (int i in new[] { 5, Block + 1, n - 2 })
            if (i < n) x[i] = -0f;
        x[7] = float.PositiveInfinity; x[8] = float.NegativeInfinity;
        return x;
    }

    [Theory, MemberData(nameof(FromOutput))]
    public void Activation_forward_and_backward_give_the_bits_of_one_thread(Activation kind)
    {
        foreach (int n in Lengths)
        {
            var x = Input(n, n);
            var dy = Rand(new Random(n + 1), n, -2f, 2f);
            var dx0 = Rand(new Random(n + 2), n, -1f, 1f);
            var y1 = new float[n];
            Activations.Forward(kind, 0.1f, x, y1);
            var d1 = (float[])dx0.Clone();
            Activations.Backward(kind, 0.1f, y1, dy, d1);
            var a1 = (float[])dy.Clone();
            Activations.ApplyDerivative(kind, 0.1f, y1, a1);
            foreach (int t in new[] { 1, 2, 3 })
            {
                long pooled = OpsParallel.PooledCalls;
                var y = new float[n];
                Activations.Forward(kind, 0.1f, x, y, t);
                BitEqual(y1, y, $"{kind} forward, n {n}, {t} threads");
                if (t > 1 && n >= 2 * Block) Assert.True(OpsParallel.PooledCalls > pooled, "the pass did not use the worker pool");
                var inPlace = (float[])x.Clone();
                Activations.ApplyForward(kind, 0.1f, inPlace, t);
                BitEqual(y1, inPlace, $"{kind} in place, n {n}, {t} threads");
                var d = (float[])dx0.Clone();
                Activations.Backward(kind, 0.1f, y1, dy, d, t);
                BitEqual(d1, d, $"{kind} backward, n {n}, {t} threads");
                var a = (float[])dy.Clone();
                Activations.ApplyDerivative(kind, 0.1f, y1, a, t);
                BitEqual(a1, a, $"{kind} derivative in place, n {n}, {t} threads");
            }
        }
    }

    [Theory, InlineData(Activation.Hardswish), InlineData(Activation.SiLU)]
    public void Activations_from_the_input_give_the_bits_of_one_thread(Activation kind)
    {
        foreach (int n in Lengths)
        {
            var x = Input(n, n + 3);
            var dy = Rand(new Random(n + 4), n, -2f, 2f);
            var dx0 = Rand(new Random(n + 5), n, -1f, 1f);
            var y1 = new float[n];
            Activations.Forward(kind, 0f, x, y1);
            var d1 = (float[])dx0.Clone();
            Activations.BackwardFromInput(kind, x, dy, d1);
            foreach (int t in new[] { 2, 3 })
            {
                var y = new float[n];
                Activations.Forward(kind, 0f, x, y, t);
                BitEqual(y1, y, $"{kind} forward, n {n}, {t} threads");
                var d = (float[])dx0.Clone();
                Activations.BackwardFromInput(kind, x, dy, d, t);
                BitEqual(d1, d, $"{kind} backward, n {n}, {t} threads");
            }
            Assert.Throws<NotSupportedException>(() => Activations.Backward(kind, 0f, y1, dy, new float[n], 2));
        }
    }

    [Fact]
    public void Copy_and_AddInto_give_the_bits_of_one_thread()
    {
        foreach (int n in Lengths)
        {
            var x = Input(n, n + 6);
            var y0 = Rand(new Random(n + 7), n, -5f, 5f);
            var sum1 = (float[])y0.Clone();
            Elementwise.AddInto(x, sum1);
            var sumRef = (float[])y0.Clone();
            Elementwise.AddIntoReference(x, sumRef, 2);
            BitEqual(sumRef, sum1, $"reference, n {n}");
            foreach (int t in new[] { 2, 3 })
            {
                var copy = new float[n];
                Elementwise.Copy(x, copy, t);
                BitEqual(x, copy, $"copy, n {n}, {t} threads");
                var sum = (float[])y0.Clone();
                Elementwise.AddInto(x, sum, t);
                BitEqual(sum1, sum, $"add, n {n}, {t} threads");
            }
        }
    }

    [Fact]
    public void Pooled_passes_do_not_allocate()
    {
        int n = 4 * Block;
        var x = Input(n, 9); var y = new float[n]; var dy = new float[n];
        NoAllocation(() => Activations.Forward(Activation.ReLU, 0f, x, y, 2));
        NoAllocation(() => Activations.Backward(Activation.ReLU6, 0f, y, x, dy, 2));
        NoAllocation(() => Elementwise.AddInto(x, y, 2));
    }

    [Fact]
    public void A_bad_thread_count_or_length_throws_before_writing()
    {
        int n = 3 * Block;
        var x = Input(n, 10);
        var y = new float[n];
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Forward(Activation.ReLU, 0f, x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.ApplyForward(Activation.ReLU, 0f, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.ApplyDerivative(Activation.ReLU, 0f, x, y, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.Backward(Activation.Tanh, 0f, x, x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.BackwardFromInput(Activation.SiLU, x, x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.Copy(x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.AddInto(x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Activations.ForwardReference(Activation.ReLU, 0f, x, y, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Elementwise.AddIntoReference(x, y, 0));
        Assert.All(y, v => Assert.Equal(0f, v));
        Assert.Throws<ArgumentException>(() => Activations.Forward(Activation.ReLU, 0f, x, new float[n - 1], 2));
        Assert.Throws<ArgumentException>(() => Elementwise.AddInto(x, new float[n + 1], 2));
    }
}
