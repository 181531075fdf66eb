using StaticCnn.Kernels;
using StaticCnn.Tests.Networks;
using StaticCnn.Tests.Support;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// PyTorch's 1-D pooling and batch-norm modules on the 2-D kernels, a (C, L) sequence laid out as C × 1 × L and a
/// vector (F) as F × 1 × 1: <c>nn.MaxPool1d</c> and <c>nn.AvgPool1d</c> (count_include_pad as PyTorch's default) on
/// <see cref="MaxPool2D"/>/<see cref="AvgPool2D"/> with KH = 1, StrideH = 1, PadH = 0; <c>nn.AdaptiveAvgPool1d(1)</c> on
/// <see cref="GlobalAvgPool"/>; <c>nn.BatchNorm1d</c> on (N, C, L) and (N, C) on <see cref="BatchNorm2D"/> (training:
/// batch statistics, running statistics with momentum, saved mean/invstd, backward; eval: forward). Fixtures:
/// tests/Fixtures/conv1d (tools/make_fixtures.py --only conv1d). Fast path and reference twin, 1 and 2 threads bit-identical.
/// </summary>
public class Sequence1DKernelsTests
{
    private const double Rtol = 1e-5;

    private static TheoryData<string> Of(string kind)
    {
        var data = new TheoryData<string>();
        foreach (string f in Fixture.List("conv1d"))
            if (Fixture.Load(f).Meta("kind") == kind) data.Add(f);
        return data;
    }

    public static TheoryData<string> MaxPools() => Of("MaxPool1D");
    public static TheoryData<string> AvgPools() => Of("AvgPool1D");
    public static TheoryData<string> BatchNorms() => Of("BatchNorm1D");

    private static Pool2DShape PoolShape(Fixture f)
    {
        int M(string k) => f.MetaInt("shape", k);
        var s = new Pool2DShape(M("C"), M("InH"), M("InW"), M("OutH"), M("OutW"), M("KH"), M("KW"), M("StrideH"), M("StrideW"), M("PadH"), M("PadW"));
        Assert.True(s.InH == 1 && s.OutH == 1 && s.KH == 1 && s.StrideH == 1 && s.PadH == 0, $"{f}: not a 1-D pool");
        return s;
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(MaxPools))]
    public void MaxPool1d_MatchesPyTorch(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = PoolShape(f);
        int batch = f.Shape("input")[0];
        float[] x = f.Floats("input"), dy = f.Floats("grad_output"), expected = f.Floats("output");
        int[] indices = f.Ints("indices");
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[dy.Length];
                var argmax = new int[dy.Length];
                if (reference) MaxPool2D.ForwardReference(s, x, y, argmax, batch, t); else MaxPool2D.Forward(s, x, y, argmax, batch, t);
                NumericAssert.Identical($"{f} output ref={reference} t{t}", expected, y);
                Assert.Equal(indices, argmax);
                var yi = new float[dy.Length];
                if (reference) MaxPool2D.ForwardInferenceReference(s, x, yi, batch, t); else MaxPool2D.ForwardInference(s, x, yi, batch, t);
                NumericAssert.Identical($"{f} inference ref={reference} t{t}", expected, yi);
                var dx = new float[x.Length];
                if (reference) MaxPool2D.BackwardReference(s, dy, argmax, dx, batch, t); else MaxPool2D.Backward(s, dy, argmax, dx, batch, t);
                NumericAssert.Close($"{f} grad_input ref={reference} t{t}", f.Floats("grad_input"), dx, Rtol, Parity.Atol(f, "grad_input") + 1e-7);
            }
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(AvgPools))]
    public void AvgPool1d_MatchesPyTorch(string file)
    {
        Fixture f = Fixture.Load(file);
        var s = PoolShape(f);
        int batch = f.Shape("input")[0];
        float[] x = f.Floats("input"), dy = f.Floats("grad_output");
        float[]? y1 = null, dx1 = null;
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[dy.Length];
                if (reference) AvgPool2D.ForwardReference(s, x, y, batch, t); else AvgPool2D.Forward(s, x, y, batch, t);
                NumericAssert.Close($"{f} output ref={reference} t{t}", f.Floats("output"), y, Rtol, Parity.Atol(f, "output") + 1e-7);
                var dx = new float[x.Length];
                if (reference) AvgPool2D.BackwardReference(s, dy, dx, batch, t); else AvgPool2D.Backward(s, dy, dx, batch, t);
                NumericAssert.Close($"{f} grad_input ref={reference} t{t}", f.Floats("grad_input"), dx, Rtol, Parity.Atol(f, "grad_input") + 1e-7);
                if (reference) continue;
                if (t == 1) { y1 = y; dx1 = dx; continue; }
                NumericAssert.Identical("y t1 vs t2", y1, y);
                NumericAssert.Identical("dx t1 vs t2", dx1, dx);
            }
    }

    [Fact, Trait("Category", "Numeric")]
    public void AdaptiveAvgPool1d_One_IsGlobalAvgPool()
    {
        Fixture f = Fixture.Load("conv1d/adaptiveavgpool1d.safetensors");
        var s = new GlobalPoolShape(f.MetaInt("shape", "C"), f.MetaInt("shape", "H"), f.MetaInt("shape", "W"));
        Assert.Equal(1, s.H);
        int batch = f.Shape("input")[0];
        float[] x = f.Floats("input"), dy = f.Floats("grad_output");
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                var y = new float[dy.Length];
                if (reference) GlobalAvgPool.ForwardReference(s, x, y, batch, t); else GlobalAvgPool.Forward(s, x, y, batch, t);
                NumericAssert.Close($"output ref={reference} t{t}", f.Floats("output"), y, Rtol, Parity.Atol(f, "output") + 1e-7);
                var dx = new float[x.Length];
                if (reference) GlobalAvgPool.BackwardReference(s, dy, dx, batch, t); else GlobalAvgPool.Backward(s, dy, dx, batch, t);
                NumericAssert.Identical($"grad_input ref={reference} t{t}", f.Floats("grad_input"), dx);   // dy/L, the same division
            }
    }

    [Theory, Trait("Category", "Numeric")]
    [MemberData(nameof(BatchNorms))]
    public void BatchNorm1d_MatchesPyTorch(string file)
    {
        Fixture f = Fixture.Load(file);
        var spec = f.MetaJson("shape");
        var s = new BatchNormShape(spec.GetProperty("C").GetInt32(), spec.GetProperty("H").GetInt32(), spec.GetProperty("W").GetInt32(),
            (float)spec.GetProperty("Epsilon").GetDouble(), (float)spec.GetProperty("Momentum").GetDouble());
        Assert.Equal(1, s.H);
        int batch = f.Shape("input")[0];
        Assert.Equal(f.Shape("input").Length == 2 ? 1 : f.Shape("input")[2], s.W);
        float[] x = f.Floats("input"), gamma = f.Floats("layer.weight"), beta = f.Floats("layer.bias"), dy = f.Floats("grad_output");
        double atolY = Parity.Atol(f, "output") + 1e-6;
        bool training = f.Meta("training") == "true";
        float[]? y1 = null, dx1 = null, dg1 = null;
        foreach (bool reference in new[] { false, true })
            foreach (int t in new[] { 1, 2 })
            {
                float[] rm = f.Floats("layer.running_mean").ToArray(), rv = f.Floats("layer.running_var").ToArray();
                var y = new float[x.Length];
                if (!training)
                {
                    if (reference) BatchNorm2D.ForwardInferenceReference(s, x, gamma, beta, rm, rv, y, batch, t);
                    else BatchNorm2D.ForwardInference(s, x, gamma, beta, rm, rv, y, batch, t);
                    NumericAssert.Close($"{f} eval output ref={reference} t{t}", f.Floats("output"), y, Rtol, atolY);
                    continue;
                }
                var sm = new float[s.C];
                var si = new float[s.C];
                if (reference) BatchNorm2D.ForwardTrainReference(s, x, gamma, beta, rm, rv, y, sm, si, batch, t);
                else BatchNorm2D.ForwardTrain(s, x, gamma, beta, rm, rv, y, sm, si, batch, t);
                NumericAssert.Close($"{f} output ref={reference} t{t}", f.Floats("output"), y, Rtol, atolY);
                NumericAssert.Close($"{f} running_mean ref={reference} t{t}", f.Floats("running_mean_after"), rm, Rtol, 1e-7);
                NumericAssert.Close($"{f} running_var ref={reference} t{t}", f.Floats("running_var_after"), rv, Rtol, 1e-7);
                NumericAssert.Close($"{f} save_mean ref={reference} t{t}", f.Floats("save_mean"), sm, Rtol, 1e-7);
                NumericAssert.Close($"{f} save_invstd ref={reference} t{t}", f.Floats("save_invstd"), si, Rtol, 1e-7);
                var dx = new float[x.Length];
                var dg = new float[s.C];
                var db = new float[s.C];
                if (reference) BatchNorm2D.BackwardReference(s, x, gamma, sm, si, dy, dx, dg, db, batch, t);
                else BatchNorm2D.Backward(s, x, gamma, sm, si, dy, dx, dg, db, batch, t);
                NumericAssert.Close($"{f} grad_input ref={reference} t{t}", f.Floats("grad_input"), dx, Rtol, Parity.Atol(f, "grad_input") + 1e-6);
                NumericAssert.Close($"{f} grad gamma ref={reference} t{t}", f.Floats("grad.layer.weight"), dg, Rtol, Parity.Atol(f, "grad.layer.weight") + 1e-6);
                NumericAssert.Close($"{f} grad beta ref={reference} t{t}", f.Floats("grad.layer.bias"), db, Rtol, Parity.Atol(f, "grad.layer.bias") + 1e-6);
                if (reference) continue;
                if (t == 1) { y1 = y; dx1 = dx; dg1 = dg; continue; }
                NumericAssert.Identical("y t1 vs t2", y1, y);
                NumericAssert.Identical("dx t1 vs t2", dx1, dx);
                NumericAssert.Identical("dgamma t1 vs t2", dg1, dg);
            }
    }
}
