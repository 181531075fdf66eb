using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace StaticCnn.Kernels;

/// <summary>
/// Softmax over the channel axis for every pixel of an NCHW tensor (max-subtracted, so large logits are stable):
/// y[n,c,p] = exp(x[n,c,p] − m) / Σ_c exp(x[n,c,p] − m), m = max_c x[n,c,p]. With spatial = 1 it is the classifier softmax.
/// The fast path vectorizes across pixels (or across channels when spatial = 1) with a polynomial exp: within a few ulp of
/// the reference; backward is bit-identical to the reference when spatial &gt; 1 (with spatial = 1 its dot product runs along SIMD
/// lanes: equal within float rounding). PyTorch: <c>nn.Softmax(dim=1)</c>.
/// </summary>
public static class Softmax
{
    private const int Chunk = 64;

    /// <summary>y = softmax over channels of x, per sample and pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Forward(int channels, int spatial, ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        Check(channels, spatial, x.Length, y.Length, batch, "x", "y");
        int sample = channels * spatial;
        Span<float> m = stackalloc float[Chunk];
        Span<float> sum = stackalloc float[Chunk];
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> xs = x.Slice(n * sample, sample);
            Span<float> ys = y.Slice(n * sample, sample);
            if (spatial == 1)
            {
                float mx = Max(xs);
                VectorMath.Map(new ExpSubScalarOp(mx), xs, ys, false);
                float total = GlobalAvgPoolSum(ys);
                VectorMath.Map(new DivScalarOp(total), ys, ys, false);
                continue;
            }
            for (int p0 = 0; p0 < spatial; p0 += Chunk)
            {
                int len = Math.Min(Chunk, spatial - p0);
                Span<float> mc = m.Slice(0, len), sc = sum.Slice(0, len);
                xs.Slice(p0, len).CopyTo(mc);
                for (int c = 1; c < channels; c++) VectorMath.Map(new MaxOp(), mc, xs.Slice(c * spatial + p0, len), mc, false);
                sc.Clear();
                for (int c = 0; c < channels; c++)
                {
                    Span<float> yc = ys.Slice(c * spatial + p0, len);
                    VectorMath.Map(new ExpSubOp(), xs.Slice(c * spatial + p0, len), mc, yc, false);
                    VectorMath.Map(new AddOp(), sc, yc, sc, false);
                }
                for (int c = 0; c < channels; c++)
                {
                    Span<float> yc = ys.Slice(c * spatial + p0, len);
                    VectorMath.Map(new DivOp(), yc, sc, yc, false);
                }
            }
        }
    }

    /// <summary>dx += y ⊙ (dy − Σ_c y·dy), per sample and pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Backward(int channels, int spatial, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        Check(channels, spatial, y.Length, dy.Length, batch, "y", "dy");
        if (dx.IsEmpty) return;
        OpsCheck.Length(dx.Length, (long)batch * channels * spatial, "dx");
        int sample = channels * spatial;
        if (spatial == 1)
        {
            // Classifier case: one sample's channels are contiguous, so the dot product runs along SIMD lanes.
            for (int n = 0; n < batch; n++)
            {
                ReadOnlySpan<float> ys = y.Slice(n * sample, sample), dys = dy.Slice(n * sample, sample);
                VectorMath.Map(new ScaledDiffOp(Dot(ys, dys)), ys, dys, dx.Slice(n * sample, sample), true);
            }
            return;
        }
        Span<float> dot = stackalloc float[Chunk];
        Span<float> tmp = stackalloc float[Chunk];
        for (int n = 0; n < batch; n++)
        {
            ReadOnlySpan<float> ys = y.Slice(n * sample, sample), dys = dy.Slice(n * sample, sample);
            Span<float> dxs = dx.Slice(n * sample, sample);
            for (int p0 = 0; p0 < spatial; p0 += Chunk)
            {
                int len = Math.Min(Chunk, spatial - p0);
                Span<float> dc = dot.Slice(0, len), tc = tmp.Slice(0, len);
                dc.Clear();
                for (int c = 0; c < channels; c++)
                {
                    VectorMath.Map(new MulOp(), ys.Slice(c * spatial + p0, len), dys.Slice(c * spatial + p0, len), tc, false);
                    VectorMath.Map(new AddOp(), dc, tc, dc, false);
                }
                for (int c = 0; c < channels; c++)
                {
                    VectorMath.Map(new SubOp(), dys.Slice(c * spatial + p0, len), dc, tc, false);
                    VectorMath.Map(new MulOp(), ys.Slice(c * spatial + p0, len), tc, dxs.Slice(c * spatial + p0, len), true);
                }
            }
        }
    }

    /// <summary>Scalar twin of <see cref="Forward"/>.</summary>
    public static void ForwardReference(int channels, int spatial, ReadOnlySpan<float> x, Span<float> y, int batch)
    {
        Check(channels, spatial, x.Length, y.Length, batch, "x", "y");
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < spatial; p++)
            {
                int b = n * channels * spatial + p;
                float m = x[b];
                for (int c = 1; c < channels; c++) m = MathF.Max(m, x[b + c * spatial]);
                float sum = 0f;
                for (int c = 0; c < channels; c++) { float e = MathF.Exp(x[b + c * spatial] - m); y[b + c * spatial] = e; sum += e; }
                for (int c = 0; c < channels; c++) y[b + c * spatial] /= sum;
            }
    }

    /// <summary>Scalar twin of <see cref="Backward"/>.</summary>
    public static void BackwardReference(int channels, int spatial, ReadOnlySpan<float> y, ReadOnlySpan<float> dy, Span<float> dx, int batch)
    {
        if (dx.IsEmpty) { Check(channels, spatial, y.Length, dy.Length, batch, "y", "dy"); return; }
        Check(channels, spatial, y.Length, dy.Length, batch, "y", "dy");
        Check(channels, spatial, y.Length, dx.Length, batch, "y", "dx");
        for (int n = 0; n < batch; n++)
            for (int p = 0; p < spatial; p++)
            {
                int b = n * channels * spatial + p;
                float dot = 0f;
                for (int c = 0; c < channels; c++) dot += y[b + c * spatial] * dy[b + c * spatial];
                for (int c = 0; c < channels; c++) dx[b + c * spatial] += y[b + c * spatial] * (dy[b + c * spatial] - dot);
            }
    }

    private static void Check(int channels, int spatial, int a, int b, int batch, string na, string nb)
    {
        if (channels < 1) throw new ArgumentOutOfRangeException(nameof(channels), channels, "channels must be at least 1.");
        if (spatial < 1) throw new ArgumentOutOfRangeException(nameof(spatial), spatial, "spatial must be at least 1.");
        if (batch < 0) throw new ArgumentOutOfRangeException(nameof(batch), batch, "batch must not be negative.");
        OpsCheck.Length(a, (long)batch * channels * spatial, na);
        OpsCheck.Length(b, (long)batch * channels * spatial, nb);
    }

    /// <summary>Σ a·b with SIMD lanes, reduced in a fixed order (per instruction set).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref float pb = ref MemoryMarshal.GetReference(b);
        nuint n = (nuint)a.Length, i = 0;
        float total = 0f;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            Vector512<float> acc = Vector512<float>.Zero;
            for (; i + 16 <= n; i += 16) acc += Vector512.LoadUnsafe(ref pa, i) * Vector512.LoadUnsafe(ref pb, i);
            total = Vector512.Sum(acc);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256<float>.Zero;
            for (; i + 8 <= n; i += 8) acc += Vector256.LoadUnsafe(ref pa, i) * Vector256.LoadUnsafe(ref pb, i);
            total = Vector256.Sum(acc);
        }
        else if (n >= 4)
        {
            Vector128<float> acc = Vector128<float>.Zero;
            for (; i + 4 <= n; i += 4) acc += Vector128.LoadUnsafe(ref pa, i) * Vector128.LoadUnsafe(ref pb, i);
            total = Vector128.Sum(acc);
        }
        for (; i < n; i++) total += System.Runtime.CompilerServices.Unsafe.Add(ref pa, i) * System.Runtime.CompilerServices.Unsafe.Add(ref pb, i);
        return total;
    }

    // a = y, b = dy: y·(dy − dot), as the reference rounds it.
    private readonly struct ScaledDiffOp(float dot) : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * (b - Vector128.Create(dot));
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * (b - Vector256.Create(dot));
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * (b - Vector512.Create(dot));
    }

    private static unsafe float GlobalAvgPoolSum(Span<float> v)
    {
        fixed (float* p = v) return GlobalAvgPool.Sum(p, v.Length);
    }

    // NaN: net10.0's Vector256.Max is IEEE 754:2019 maximum (NaN wins); net8.0's maxps may drop a NaN already in acc,
    // but the row is all NaN either way, because that element's exp(x − m) is NaN and so is the sum (NonFiniteTests).
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Max(ReadOnlySpan<float> v)
    {
        ref float p = ref MemoryMarshal.GetReference(v);
        nuint n = (nuint)v.Length, i = 0;
        float m = v[0];
        if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            Vector256<float> acc = Vector256.Create(m);
            for (; i + 8 <= n; i += 8) acc = Vector256.Max(acc, Vector256.LoadUnsafe(ref p, i));
            for (int k = 0; k < 8; k++) m = MathF.Max(m, acc.GetElement(k));
        }
        for (; i < n; i++) m = MathF.Max(m, System.Runtime.CompilerServices.Unsafe.Add(ref p, i));
        return m;
    }

    private readonly struct MaxOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => Vector128.Max(a, b);
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => Vector256.Max(a, b);
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => Vector512.Max(a, b);
    }

    private readonly struct ExpSubOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => VectorMath.Exp(a - b);
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => VectorMath.Exp(a - b);
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => VectorMath.Exp(a - b);
    }

    private readonly struct ExpSubScalarOp(float m) : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => VectorMath.Exp(a - Vector128.Create(m));
        public Vector256<float> Invoke(Vector256<float> a) => VectorMath.Exp(a - Vector256.Create(m));
        public Vector512<float> Invoke(Vector512<float> a) => VectorMath.Exp(a - Vector512.Create(m));
    }

    private readonly struct DivScalarOp(float d) : IVecOp1
    {
        public Vector128<float> Invoke(Vector128<float> a) => a / Vector128.Create(d);
        public Vector256<float> Invoke(Vector256<float> a) => a / Vector256.Create(d);
        public Vector512<float> Invoke(Vector512<float> a) => a / Vector512.Create(d);
    }

    private readonly struct AddOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a + b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a + b;
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a + b;
    }

    private readonly struct SubOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a - b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a - b;
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a - b;
    }

    private readonly struct MulOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a * b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a * b;
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a * b;
    }

    private readonly struct DivOp : IVecOp2
    {
        public Vector128<float> Invoke(Vector128<float> a, Vector128<float> b) => a / b;
        public Vector256<float> Invoke(Vector256<float> a, Vector256<float> b) => a / b;
        public Vector512<float> Invoke(Vector512<float> a, Vector512<float> b) => a / b;
    }
}
