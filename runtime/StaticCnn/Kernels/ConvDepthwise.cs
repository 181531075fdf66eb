using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// Depthwise convolution (<c>Groups == InC</c>, <c>OutC = m·InC</c> with a channel multiplier m ≤
/// <see cref="MaxMultiplier"/>), forward: every output plane is one input plane convolved with one KH×KW filter, so
/// the GEMM of the general algorithms has a single row per group and runs far below its speed. PyTorch:
/// <c>nn.Conv2d(C, m·C, k, groups=C)</c> (MobileNet's 3×3 depthwise layers).
/// </summary>
/// <remarks>
/// <para><b>Layout.</b> Per (sample, input channel) the plane is copied once into scratch, zero-padded and split by
/// column phase: padded row i (input row i − PH) holds SW phase rows of Wq floats, phase r at column j holding input
/// column SW·j + r − PW (the padding is zeroed once per part and never written). Tap (kh, kw) of output (oh, ow) then reads phase (kw·DW) mod SW of padded row oh·SH + kh·DH
/// at column ow + ⌊kw·DW / SW⌋: consecutive output columns read consecutive floats for any stride and dilation, so
/// the kernel loads whole vectors (stride 2 deinterleaves each row with one shuffle per vector; other strides copy
/// scalar). The m output channels of one input channel share the copy.</para>
/// <para><b>Kernel.</b> A plane's output is a sequence of vector jobs (row oh, columns ow0..ow0+L), L = 16
/// (Vector512), 8 (Vector256) or 4 (Vector128) lanes, the widest that the row fills (rows of 7 take 8 lanes);
/// four jobs run together (four accumulators share each broadcast weight), so short rows are blocked across rows.
/// Each output is bias, then one FMA per tap in (kh, kw) order: the same order for any thread count. A job past the
/// row's end writes its extra lanes into the next row (computed later), except where that would leave the plane,
/// where it goes through a small buffer. Accumulating (y += conv, the stride-1 backward-data), a plane is computed
/// into rows of whole vectors in scratch, then added into y. The activation is applied to
/// each finished plane with <see cref="Activations.ApplyForward(Activation, float, Span{float})"/>.</para>
/// <para><b>Threads.</b> The (sample, output channel) planes are split into contiguous ranges, one per part.</para>
/// <para>ConvDepthwise.Same3x3.cs holds the forward of 3×3, stride-1, padding-1 layers on AVX-512 straight from the
/// input plane (no copy; the same bits). ConvDepthwise.Backward.cs holds the backward-data and backward-weights
/// kernels on the same plane.</para>
/// </remarks>
internal static unsafe partial class ConvDepthwise
{
    /// <summary>Largest channel multiplier OutC / InC routed here; wider ones fill the GEMM's rows well.</summary>
    public const int MaxMultiplier = 4;

    /// <summary>MACs per part below which a second part is not worth its dispatch.</summary>
    private const long Grain = 1L << 17;

    /// <summary>Depthwise: Groups = InC ≥ 2 and OutC / Groups ≤ <see cref="MaxMultiplier"/>; any kernel, stride, padding, dilation.</summary>
    public static bool Applies(in ConvGeom g) => g.G >= 2 && g.Cin == g.G && g.M <= MaxMultiplier;

    /// <summary>Lanes per vector for this shape (1: no accelerated vectors, the scalar twin of the kernel).</summary>
    internal static int Lanes(in ConvGeom g)
        => TestLanes != 0 ? TestLanes
         : Vector512.IsHardwareAccelerated && (g.OW > 8 || Same3x3(g)) ? 16
         : Vector256.IsHardwareAccelerated && g.OW > 4 ? 8
         : Vector128.IsHardwareAccelerated ? 4 : 1;

    /// <summary>Tests: the lanes every width-dependent step uses on the calling thread (16, 8, 4 or 1); 0 chooses by shape.</summary>
    [ThreadStatic] internal static int TestLanes;

    private static int Hp(in ConvGeom g) => (g.OH - 1) * g.SH + (g.KH - 1) * g.DH + 1;

    /// <summary>Floats per phase row: the vector jobs plus the taps' column reach, in whole 16-float runs.</summary>
    private static int Wq(in ConvGeom g, int lanes)
        => ((g.OW + lanes - 1) / lanes * lanes + (g.KW - 1) * g.DW / g.SW + 15) / 16 * 16;

    private static long PerPart(in ConvGeom g, int lanes)
    {
        long row = (long)g.SW * Wq(g, lanes);
        return (long)Hp(g) * row + (g.SW > 1 ? row : 0) + g.KK + (long)g.OH * ((g.OW + lanes - 1) / lanes * lanes) + 128;
    }

    /// <summary>Floats of forward scratch for <paramref name="threads"/> parts.</summary>
    public static long ForwardScratch(in ConvGeom g, int threads) => Math.Max(1, threads) * PerPart(g, Lanes(g)) + 16;

    private struct Ctx
    {
        public ConvGeom G;
        public float* X, W, B, Y, Scratch;
        public int Batch, PerPart, Lanes;
        public bool Accumulate, Direct3x3;
        public ConvEpilogue Ep;
    }

    /// <summary>y = act(conv(x, w) + b), or y += conv(x, w) when <paramref name="accumulate"/> (bias and activation then unused by callers).</summary>
    public static void Forward(in ConvGeom g, float* x, float* w, float* b, float* y, int batch, bool accumulate,
        in ConvEpilogue ep, float* scratch, int threads)
    {
        int lanes = Lanes(g);   // chosen here, on the calling thread, for every part
        var ctx = new Ctx
        {
            G = g, X = x, W = w, B = accumulate ? null : b, Y = y, Scratch = scratch, Batch = batch,
            PerPart = checked((int)PerPart(g, lanes)), Lanes = lanes, Accumulate = accumulate, Ep = ep,
            Direct3x3 = Same3x3(g) || Stride2x3(g),
        };
        int parts = GemmWorkers.Parts(threads, g.Macs * batch, Grain);
        if (parts <= 1) Part(&ctx, 0, 1);
        else GemmWorkers.Run(parts, &Part, &ctx);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Part(void* p, int t, int parts)
    {
        ref Ctx c = ref *(Ctx*)p;
        ConvGeom g = c.G;
        long items = (long)c.Batch * g.Cout;
        long lo = items * t / parts, hi = items * (t + 1) / parts;
        if (lo >= hi) return;
        int lanes = c.Lanes, wq = Wq(g, lanes), rs = g.SW * wq, hp = Hp(g), N = g.N, kk = g.KK, M = g.M;
        float* plane = Gemm.Align(c.Scratch + (nint)t * c.PerPart);
        float* line = plane + (nint)hp * rs;
        int* taps = (int*)(line + (g.SW > 1 ? rs : 0));
        // accumulating, a plane is computed into rows of whole vectors, then added into y row by row
        int ldy = c.Accumulate ? (g.OW + lanes - 1) / lanes * lanes : g.OW;
        float* acc = Gemm.Align((float*)(taps + kk) + 16);
        for (int kh = 0, k = 0; kh < g.KH; kh++)
            for (int kw = 0; kw < g.KW; kw++, k++)
            {
                int q = kw * g.DW;
                taps[k] = kh * g.DH * rs + q % g.SW * wq + q / g.SW;
            }
        // the padding never changes: zero the plane (and the stride-2 line) once, then copy only the image into it;
        // the direct kernels read only their zero row (W + 48 floats from plane + 0; the plane holds more)
        Gemm.Zero(plane, c.Direct3x3 ? g.W + 64 : hp * rs + (g.SW == 2 ? rs : 0));
        long padded = -1;
        for (long it = lo; it < hi; it++)
        {
            long n = it / g.Cout;
            int oc = (int)(it - n * g.Cout);
            long src = n * g.Cin + oc / M;
            float* yp = c.Y + it * N;
            float* wp = c.W + (nint)oc * kk;
            float bias = c.B == null ? 0f : c.B[oc];
#if NET9_0_OR_GREATER
            if (c.Direct3x3)
            {
                // straight from the input plane (ConvDepthwise.Same3x3.cs, .Stride2.cs); the start of the plane
                // buffer is their zero row (stride 1 reads zero − 16 … zero + W + 32, stride 2 zero … zero + W; the
                // buffer holds (OH − 1)·SH + 3 rows of SW·Wq ≥ W + 2 floats)
                Direct3x3Channel(c.X + src * g.InPlane, g, wp, bias, yp, c.Accumulate, c.Ep, oc, plane + 16);
                continue;
            }
#endif
            if (src != padded)
            {
                PadPlane(g, c.X + src * g.InPlane, plane, line, wq, hp);
                padded = src;
            }
            float* dst = c.Accumulate ? acc : yp;
            switch (lanes)
            {
                case 16: Plane<Vector512<float>, V512>(g, plane, rs, taps, wp, bias, dst, ldy); break;
                case 8: Plane<Vector256<float>, V256>(g, plane, rs, taps, wp, bias, dst, ldy); break;
                case 4: Plane<Vector128<float>, V128>(g, plane, rs, taps, wp, bias, dst, ldy); break;
                default: Plane<float, V1>(g, plane, rs, taps, wp, bias, dst, ldy); break;
            }
            if (c.Accumulate)
                for (int oh = 0; oh < g.OH; oh++) Gemm.Add(acc + (nint)oh * ldy, yp + (nint)oh * g.OW, g.OW);
            if (c.Ep.Any) c.Ep.Apply(oc, yp, N);
        }
    }

    /// <summary>
    /// The padded, phase-split copy of one input plane (see the remarks) into a plane whose padding is already zero:
    /// rows and columns outside the image are never written (for stride 2 the padded row is built in
    /// <paramref name="line"/>, whose padding is zero too, then deinterleaved; other strides copy every phase column).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PadPlane(in ConvGeom g, float* x, float* plane, float* line, int wq, int hp)
    {
        int sw = g.SW, rs = sw * wq, W = g.W;
        int q0 = Math.Max(0, g.PW), q1 = Math.Min(rs, g.PW + W);   // padded columns holding input columns
        if (q1 <= q0) return;
        int i0 = Math.Max(0, g.PH), i1 = Math.Min(hp, g.PH + g.H);  // padded rows holding input rows
        for (int i = i0; i < i1; i++)
        {
            float* dst = plane + (nint)i * rs;
            float* srow = x + (nint)(i - g.PH) * W;
            if (sw == 1) Gemm.Copy(srow + (q0 - g.PW), dst + q0, q1 - q0);
            else if (sw == 2)
            {
                Gemm.Copy(srow + (q0 - g.PW), line + q0, q1 - q0);
                Deinterleave(line, dst, dst + wq, wq);
            }
            else
                for (int r = 0; r < sw; r++)
                    for (int j = 0; j < wq; j++)
                    {
                        int iw = sw * j + r - g.PW;
                        dst[r * wq + j] = (uint)iw < (uint)W ? srow[iw] : 0f;
                    }
        }
    }

    /// <summary>even[j] = src[2j], odd[j] = src[2j + 1] for j &lt; <paramref name="n"/> (a multiple of 16).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Deinterleave(float* src, float* even, float* odd, int n)
    {
        int j = 0;
        if (Avx512F.IsSupported)
        {
            var ie = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
            var io = ie + Vector512<int>.One;
            for (; j + 16 <= n; j += 16)
            {
                var a = Vector512.Load(src + 2 * j);
                var b = Vector512.Load(src + 2 * j + 16);
                Avx512F.PermuteVar16x32x2(a, ie, b).Store(even + j);
                Avx512F.PermuteVar16x32x2(a, io, b).Store(odd + j);
            }
        }
        else if (Avx2.IsSupported)
        {
            for (; j + 8 <= n; j += 8)
            {
                var a = Avx.LoadVector256(src + 2 * j);
                var b = Avx.LoadVector256(src + 2 * j + 8);
                // [a0 a2 b0 b2 | a4 a6 b4 b6] → 64-bit lanes 0, 2, 1, 3 → [a0 a2 a4 a6 b0 b2 b4 b6]
                Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle().Store(even + j);
                Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle().Store(odd + j);
            }
        }
        else if (Sse.IsSupported)
        {
            for (; j + 4 <= n; j += 4)
            {
                var a = Sse.LoadVector128(src + 2 * j);
                var b = Sse.LoadVector128(src + 2 * j + 4);
                Sse.Shuffle(a, b, 0x88).Store(even + j);
                Sse.Shuffle(a, b, 0xDD).Store(odd + j);
            }
        }
        else if (AdvSimd.Arm64.IsSupported)
        {
            for (; j + 4 <= n; j += 4)
            {
                var a = AdvSimd.LoadVector128(src + 2 * j);
                var b = AdvSimd.LoadVector128(src + 2 * j + 4);
                AdvSimd.Arm64.UnzipEven(a, b).Store(even + j);
                AdvSimd.Arm64.UnzipOdd(a, b).Store(odd + j);
            }
        }
        for (; j < n; j++)
        {
            even[j] = src[2 * j];
            odd[j] = src[2 * j + 1];
        }
    }

    // ---- the plane kernel, generic over the vector width ----------------------------------------------------------

    /// <summary>One vector width: lanes, load, store, broadcast and FMA (<see cref="Gemm.Fma(Vector512{float}, Vector512{float}, Vector512{float})"/>).</summary>
    private interface IVec<TV> where TV : struct
    {
        static abstract int L { get; }
        static abstract TV Load(float* p);
        static abstract void Store(TV v, float* p);
        static abstract TV Splat(float v);
        static abstract TV Fma(TV a, TV b, TV c);
        static abstract TV Add(TV a, TV b);
        static abstract float Sum(TV v);
    }

    private readonly struct V512 : IVec<Vector512<float>>
    {
        public static int L => 16;
        public static Vector512<float> Load(float* p) => Vector512.Load(p);
        public static void Store(Vector512<float> v, float* p) => v.Store(p);
        public static Vector512<float> Splat(float v) => Vector512.Create(v);
        public static Vector512<float> Fma(Vector512<float> a, Vector512<float> b, Vector512<float> c) => Gemm.Fma(a, b, c);
        public static Vector512<float> Add(Vector512<float> a, Vector512<float> b) => a + b;
        public static float Sum(Vector512<float> v) => Vector512.Sum(v);
    }

    private readonly struct V256 : IVec<Vector256<float>>
    {
        public static int L => 8;
        public static Vector256<float> Load(float* p) => Vector256.Load(p);
        public static void Store(Vector256<float> v, float* p) => v.Store(p);
        public static Vector256<float> Splat(float v) => Vector256.Create(v);
        public static Vector256<float> Fma(Vector256<float> a, Vector256<float> b, Vector256<float> c) => Gemm.Fma(a, b, c);
        public static Vector256<float> Add(Vector256<float> a, Vector256<float> b) => a + b;
        public static float Sum(Vector256<float> v) => Vector256.Sum(v);
    }

    private readonly struct V128 : IVec<Vector128<float>>
    {
        public static int L => 4;
        public static Vector128<float> Load(float* p) => Vector128.Load(p);
        public static void Store(Vector128<float> v, float* p) => v.Store(p);
        public static Vector128<float> Splat(float v) => Vector128.Create(v);
        public static Vector128<float> Fma(Vector128<float> a, Vector128<float> b, Vector128<float> c) => Gemm.Fma(a, b, c);
        public static Vector128<float> Add(Vector128<float> a, Vector128<float> b) => a + b;
        public static float Sum(Vector128<float> v) => Vector128.Sum(v);
    }

    /// <summary>The scalar twin (no accelerated vectors): one output per job, MathF.FusedMultiplyAdd as the vector paths' FMA.</summary>
    private readonly struct V1 : IVec<float>
    {
        public static int L => 1;
        public static float Load(float* p) => *p;
        public static void Store(float v, float* p) => *p = v;
        public static float Splat(float v) => v;
        public static float Fma(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);
        public static float Add(float a, float b) => a + b;
        public static float Sum(float v) => v;
    }

    /// <summary>The next vector job of a plane: its input (phase-row) and output offsets, and its valid lanes if it runs past the row.</summary>
    private struct Cursor
    {
        public int V, Src, Dst;   // vector index in the row, offsets of the row's first job
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Next(int nv, int lanes, int ow, int rowStep, int ldy, out int src, out int dst, out int tail)
        {
            int ow0 = V * lanes;
            src = Src + ow0;
            dst = Dst + ow0;
            tail = ow0 + lanes > ow ? ow - ow0 : 0;
            if (++V == nv) { V = 0; Src += rowStep; Dst += ldy; }
        }
    }

    /// <summary>
    /// Every output of one plane (see the remarks), output rows <paramref name="ldy"/> apart: bias, then one FMA per
    /// tap in order. With rows of whole vectors (ldy a multiple of the lanes) no job ever runs past its row.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Plane<TV, TO>(in ConvGeom g, float* plane, int rs, int* taps, float* w, float bias, float* y, int ldy)
        where TV : struct where TO : struct, IVec<TV>
    {
        int L = TO.L, OW = g.OW, nv = (OW + L - 1) / L, jobs = g.OH * nv, kk = g.KK, rowStep = g.SH * rs;
        int end = (g.OH - 1) * ldy + OW - L;   // a job starting past this would store beyond the plane
        float* tmp = stackalloc float[16];
        TV bv = TO.Splat(bias);
        var cur = new Cursor();
        int j = 0;
        for (; j + 4 <= jobs; j += 4)
        {
            cur.Next(nv, L, OW, rowStep, ldy, out int s0, out int d0, out int t0);
            cur.Next(nv, L, OW, rowStep, ldy, out int s1, out int d1, out int t1);
            cur.Next(nv, L, OW, rowStep, ldy, out int s2, out int d2, out int t2);
            cur.Next(nv, L, OW, rowStep, ldy, out int s3, out int d3, out int t3);
            TV a0 = bv, a1 = bv, a2 = bv, a3 = bv;
            float* q0 = plane + s0, q1 = plane + s1, q2 = plane + s2, q3 = plane + s3;
            for (int k = 0; k < kk; k++)
            {
                TV wv = TO.Splat(w[k]);
                int o = taps[k];
                a0 = TO.Fma(TO.Load(q0 + o), wv, a0);
                a1 = TO.Fma(TO.Load(q1 + o), wv, a1);
                a2 = TO.Fma(TO.Load(q2 + o), wv, a2);
                a3 = TO.Fma(TO.Load(q3 + o), wv, a3);
            }
            StoreY<TV, TO>(a0, y + d0, t0, d0 > end, tmp);
            StoreY<TV, TO>(a1, y + d1, t1, d1 > end, tmp);
            StoreY<TV, TO>(a2, y + d2, t2, d2 > end, tmp);
            StoreY<TV, TO>(a3, y + d3, t3, d3 > end, tmp);
        }
        for (; j < jobs; j++)
        {
            cur.Next(nv, L, OW, rowStep, ldy, out int s0, out int d0, out int t0);
            TV a0 = bv;
            float* q0 = plane + s0;
            for (int k = 0; k < kk; k++) a0 = TO.Fma(TO.Load(q0 + taps[k]), TO.Splat(w[k]), a0);
            StoreY<TV, TO>(a0, y + d0, t0, d0 > end, tmp);
        }
    }

    /// <summary>Stores a job; one past the row's end writes its extra lanes into the next row unless <paramref name="exact"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreY<TV, TO>(TV v, float* y, int tail, bool exact, float* tmp) where TV : struct where TO : struct, IVec<TV>
    {
        if (tail == 0 || !exact) { TO.Store(v, y); return; }
        TO.Store(v, tmp);
        for (int i = 0; i < tail; i++) y[i] = tmp[i];
    }
}
