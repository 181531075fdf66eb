using StaticCnn.Kernels;
using Xunit;
using static StaticCnn.Tests.Kernels.OpsTestUtil;

namespace StaticCnn.Tests.Kernels;

[Trait("Category", "Numeric")]
public class BatchNorm2DTests
{
    [Fact]
    public void Known_training_step_matches_pytorch()
    {
        // /usr/bin/python3 -c "import torch; bn=torch.nn.BatchNorm2d(2); bn.weight.data=torch.tensor([1.5,-0.5]); bn.bias.data=torch.tensor([0.25,1.]);
        //   x=torch.tensor([[[[1.,2.],[3.,4.]],[[0.,-1.],[2.,5.]]],[[[-1.,0.5],[2.5,1.]],[[3.,3.],[1.,0.]]]]); print(bn(x).flatten().tolist(), bn.running_mean, bn.running_var)"
        float[] x = { 1, 2, 3, 4, 0, -1, 2, 5, -1, 0.5f, 2.5f, 1, 3, 3, 1, 0 };
        float[] expected = { -0.38614022731781006f, 0.6316841840744019f, 1.6495085954666138f, 2.6673331260681152f, 1.4352716207504272f, 1.703131079673767f,
            0.8995527625083923f, 0.09597447514533997f, -2.4217891693115234f, -0.895052433013916f, 1.1405963897705078f, -0.38614022731781006f,
            0.6316933631896973f, 0.6316933631896973f, 1.1674121618270874f, 1.4352716207504272f };
        var s = new BatchNormShape(2, 2, 2);
        foreach (bool fast in new[] { false, true })
        {
            var rm = new float[2]; var rv = new[] { 1f, 1f }; var y = new float[16]; var sm = new float[2]; var si = new float[2];
            if (fast) BatchNorm2D.ForwardTrain(s, x, new[] { 1.5f, -0.5f }, new[] { 0.25f, 1f }, rm, rv, y, sm, si, 2, 1);
            else BatchNorm2D.ForwardTrainReference(s, x, new[] { 1.5f, -0.5f }, new[] { 0.25f, 1f }, rm, rv, y, sm, si, 2, 1);
            Close(expected, y, 1e-6, 1e-6, "y");
            Close(new[] { 0.16250000894069672f, 0.16250000894069672f }, rm, 1e-7, 1e-6, "running_mean");
            Close(new[] { 1.1482142210006714f, 1.298214316368103f }, rv, 1e-7, 1e-6, "running_var");
        }
    }

    [Theory]
    [InlineData(2, 3, 5, 7)]
    [InlineData(4, 2, 1, 1)]
    [InlineData(3, 5, 4, 4)]
    [InlineData(2, 4, 9, 11)]
    public void Fast_matches_reference_and_threads_agree(int n, int c, int h, int w)
    {
        var s = new BatchNormShape(c, h, w, 1e-5f, 0.1f);
        var rng = new Random(n * 13 + h * w);
        var x = Rand(rng, n * c * h * w, -2f, 3f);
        for (int i = 0; i < x.Length; i++) x[i] += 10f;     // a mean far from zero exercises the shifted variance
        var g = Rand(rng, c, 0.5f, 1.5f); var b = Rand(rng, c);
        var rm0 = Rand(rng, c); var rv0 = Rand(rng, c, 0.5f, 2f);

        var rmR = (float[])rm0.Clone(); var rvR = (float[])rv0.Clone(); var yR = new float[x.Length]; var smR = new float[c]; var siR = new float[c];
        BatchNorm2D.ForwardTrainReference(s, x, g, b, rmR, rvR, yR, smR, siR, n, 1);
        var dy = Rand(rng, x.Length);
        var dx0 = Rand(rng, x.Length); var dg0 = Rand(rng, c); var db0 = Rand(rng, c);
        var dxR = (float[])dx0.Clone(); var dgR = (float[])dg0.Clone(); var dbR = (float[])db0.Clone();
        BatchNorm2D.BackwardReference(s, x, g, smR, siR, dy, dxR, dgR, dbR, n, 1);

        float[]? firstY = null, firstDx = null;
        foreach (int t in new[] { 1, 2, 3 })
        {
            var rm = (float[])rm0.Clone(); var rv = (float[])rv0.Clone(); var y = new float[x.Length]; var sm = new float[c]; var si = new float[c];
            BatchNorm2D.ForwardTrain(s, x, g, b, rm, rv, y, sm, si, n, t);
            Close(yR, y, 1e-5, 1e-5, "y"); Close(rmR, rm, 1e-6, 1e-6, "rm"); Close(rvR, rv, 1e-6, 1e-5, "rv");
            Close(smR, sm, 1e-6, 1e-6, "mean"); Close(siR, si, 1e-6, 1e-5, "invstd");
            var dx = (float[])dx0.Clone(); var dg = (float[])dg0.Clone(); var db = (float[])db0.Clone();
            BatchNorm2D.Backward(s, x, g, smR, siR, dy, dx, dg, db, n, t);
            Close(dxR, dx, 1e-5, 1e-4, "dx"); Close(dgR, dg, 1e-5, 1e-5, "dgamma"); Close(dbR, db, 1e-5, 1e-5, "dbeta");
            if (firstY == null) { firstY = y; firstDx = dx; }
            else { BitEqual(firstY, y, "y threads"); BitEqual(firstDx!, dx, "dx threads"); }
        }

        var yi = new float[x.Length]; var yiR = new float[x.Length];
        BatchNorm2D.ForwardInferenceReference(s, x, g, b, rm0, rv0, yiR, n, 1);
        foreach (int t in new[] { 1, 2 })
        {
            BatchNorm2D.ForwardInference(s, x, g, b, rm0, rv0, yi, n, t);
            BitEqual(yiR, yi, "inference");
        }
    }

    [Fact]
    public void Gradients_match_finite_differences()
    {
        int n = 3, c = 2, h = 3, w = 5;
        var s = new BatchNormShape(c, h, w);
        var rng = new Random(21);
        var x = Rand(rng, n * c * h * w, -2f, 2f);
        var g = new[] { 1.3f, -0.7f }; var b = new[] { 0.2f, -0.4f };
        float[] Fwd(float[] xx, float[] gg, float[] bb, out float[] sm, out float[] si)
        {
            var y = new float[xx.Length]; sm = new float[c]; si = new float[c];
            BatchNorm2D.ForwardTrainReference(s, xx, gg, bb, new float[c], new float[c], y, sm, si, n, 1);
            return y;
        }
        // dx
        GradCheck(rng, x, xx => Fwd(xx, g, b, out _, out _),
            (xx, dy) =>
            {
                Fwd(xx, g, b, out var sm, out var si);
                var dx = new float[xx.Length];
                BatchNorm2D.BackwardReference(s, xx, g, sm, si, dy, dx, new float[c], new float[c], n, 1);
                return dx;
            }, eps: 1e-2, abs: 2e-3, rel: 1e-2);
        // dgamma and dbeta: gradient with respect to the parameter vector [γ, β].
        GradCheck(rng, g.Concat(b).ToArray(), gb => Fwd(x, gb[..c], gb[c..], out _, out _),
            (gb, dy) =>
            {
                Fwd(x, gb[..c], gb[c..], out var sm, out var si);
                var dg = new float[c]; var db = new float[c];
                BatchNorm2D.BackwardReference(s, x, gb[..c], sm, si, dy, new float[x.Length], dg, db, n, 1);
                return dg.Concat(db).ToArray();
            }, eps: 1e-2, abs: 2e-3, rel: 1e-2);
    }

    [Fact]
    public void Wrong_lengths_throw()
    {
        var s = new BatchNormShape(2, 2, 2);
        float[] F(int k) => new float[k];
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardTrain(s, F(15), F(2), F(2), F(2), F(2), F(16), F(2), F(2), 2, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardTrain(s, F(16), F(3), F(2), F(2), F(2), F(16), F(2), F(2), 2, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardTrain(s, F(16), F(2), F(2), F(2), F(2), F(16), F(1), F(2), 2, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardInference(s, F(16), F(2), F(2), F(2), F(1), F(16), 2, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.Backward(s, F(16), F(2), F(2), F(2), F(16), F(15), F(2), F(2), 2, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.Backward(s, F(16), F(2), F(2), F(2), F(16), F(16), F(3), F(2), 2, 1));
        // PyTorch: "Expected more than 1 value per channel when training".
        var one = new BatchNormShape(2, 1, 1);
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardTrain(one, F(2), F(2), F(2), F(2), F(2), F(2), F(2), F(2), 1, 1));
    }

    [Fact]
    public void No_allocation_per_call_with_two_threads()
    {
        var s = new BatchNormShape(8, 32, 32);
        const int n = 2, c = 8;
        var rng = new Random(3);
        var x = Rand(rng, n * c * 32 * 32);
        var g = Rand(rng, c); var b = Rand(rng, c);
        var rm = new float[c]; var rv = new float[c]; Array.Fill(rv, 1f);
        var y = new float[x.Length]; var sm = new float[c]; var si = new float[c];
        var dx = new float[x.Length]; var dg = new float[c]; var db = new float[c];
        NoAllocation(() => BatchNorm2D.ForwardTrain(s, x, g, b, rm, rv, y, sm, si, n, 2));
        NoAllocation(() => BatchNorm2D.ForwardInference(s, x, g, b, rm, rv, y, n, 2));
        NoAllocation(() => BatchNorm2D.Backward(s, x, g, sm, si, y, dx, dg, db, n, 2));
    }

    [Theory]
    [InlineData(Activation.ReLU, 2, 6, 7, 9)]
    [InlineData(Activation.ReLU6, 3, 32, 14, 14)]   // MobileNetV2's BatchNorm → ReLU6
    [InlineData(Activation.LeakyReLU, 1, 5, 3, 17)]
    public void Fused_activation_gives_the_bits_of_the_two_layers(Activation kind, int n, int c, int h, int w)
    {
        var s = new BatchNormShape(c, h, w);
        var rng = new Random(c * 100 + w);
        var x = Rand(rng, n * c * h * w, -4f, 9f);      // ReLU6's clip at 6 and the negative side both exercised
        x[0] = float.NaN; x[1] = -0f; x[2] = float.PositiveInfinity;
        var g = Rand(rng, c, 0.5f, 1.5f); var b = Rand(rng, c);
        var rm = Rand(rng, c); var rv = Rand(rng, c, 0.5f, 2f);
        const float slope = 0.01f;
        var y = new float[x.Length];
        BatchNorm2D.ForwardInference(s, x, g, b, rm, rv, y, n, 1);
        var expected = new float[x.Length];
        Activations.Forward(kind, slope, y, expected);
        foreach (int t in new[] { 1, 2, 3 })
        {
            var yf = new float[x.Length]; var af = new float[x.Length];
            BatchNorm2D.ForwardInference(s, x, g, b, rm, rv, yf, kind, slope, af, n, t);
            BitEqual(y, yf, $"BatchNorm output, {t} threads");
            BitEqual(expected, af, $"{kind} output, {t} threads");
        }
        var yr = new float[x.Length]; var ar = new float[x.Length];
        BatchNorm2D.ForwardInferenceReference(s, x, g, b, rm, rv, yr, kind, slope, ar, n, 1);
        Close(expected, ar, 1e-5, 1e-5, "reference twin");
        Assert.Throws<ArgumentOutOfRangeException>(() => BatchNorm2D.ForwardInference(s, x, g, b, rm, rv, y, Activation.Sigmoid, 0, new float[x.Length], n, 1));
        Assert.Throws<ArgumentException>(() => BatchNorm2D.ForwardInference(s, x, g, b, rm, rv, y, kind, slope, new float[x.Length - 1], n, 1));
    }
}
