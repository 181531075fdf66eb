using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace StaticCnn.Kernels;

/// <summary>
/// The im2col packer's path for planes narrower than a vector (ResNet's 512@7 layers, the CIFAR ResNet's 512@4 ones):
/// each 16-column piece of a B panel row is one permute of a 32-float window of the input plane.
/// </summary>
/// <remarks>
/// <para>On a 7×7 or 4×4 output a 48-column panel row is 7 to 12 row segments of 4 to 7 floats, and the general packer
/// (<see cref="Pack"/>) pays its per-segment bookkeeping on every one of them: 15 % of the 512@4 layer's forward.
/// But the 16 columns of one vector read, for any tap (kh, kw), input positions that lie within 32 consecutive floats
/// of one plane (on a 7×7 plane rows oh..oh+2, 22 floats). So the panel is planned once per call: for every vector
/// and tap, where the window starts, which window float each lane takes (an index vector) and which lanes are
/// padding (a lane mask). A row k = (ic, kh, kw) of the panel is then, per vector, two loads of plane ic, one
/// two-source permute and an AND with the mask: the same floats the general packer copies, and +0 in the padding.</para>
/// <para>A window never reaches outside its plane: on planes of at least 32 floats it starts at most 32 floats
/// before the plane's end; on smaller planes it is the plane itself, read under load masks. A panel whose vectors
/// cannot be planned so (a vector across two samples, or a tap whose positions span more than 32 floats) takes the
/// general packer. AVX-512 on .NET 9 and later (the masked loads), where the panel is 48 columns wide.</para>
/// </remarks>
internal readonly unsafe partial struct Im2ColB
{
    /// <summary>Output rows narrower than this take the window path where it plans (wider rows are long segments).</summary>
    private const int WindowMaxOW = 16;

    /// <summary>Taps per plan at most (3×3 and 5×5 kernels; a plan holds three vectors' entries per tap).</summary>
    private const int WindowMaxTaps = 25;

    /// <summary>Whether <see cref="Pack"/> tries the window path for this geometry at all.</summary>
    internal static bool WindowShape(in ConvGeom g)
    {
#if NET9_0_OR_GREATER
        return g.OW < WindowMaxOW && g.KK <= WindowMaxTaps && Avx512F.IsSupported && Vector512.IsHardwareAccelerated && Gemm.NR == 48;
#else
        return false;
#endif
    }

#if NET9_0_OR_GREATER
    /// <summary>
    /// Packs panel row block [k0, k0 + kc) of the <paramref name="cols"/> columns from global column
    /// <paramref name="p0"/> into <paramref name="d"/> (kc rows of 48) through windows; false (nothing written)
    /// when the panel does not plan.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal bool PackWindows(float* d, int k0, int kc, int p0, int cols)
    {
        ConvGeom g = _g;
        int kk = g.KK, hw = g.InPlane;
        // the plan: per (vector v, tap t) entry e = v·kk + t: window start, lane indices into the window, lane mask
        int* start = stackalloc int[3 * WindowMaxTaps];
        Vector512<int>* idx = stackalloc Vector512<int>[3 * WindowMaxTaps];
        Vector512<float>* keep = stackalloc Vector512<float>[3 * WindowMaxTaps];
        nint* sample = stackalloc nint[3];
        int* oh = stackalloc int[16];
        int* ow = stackalloc int[16];
        Vector512<int> iota = Vector512.Create(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        for (int v = 0; v < 3; v++)
        {
            int first = Math.Min(16 * v, Math.Max(0, cols - 1)), last = Math.Min(16 * v + 15, cols - 1);
            int s0 = (p0 + first) / g.N;
            if ((p0 + Math.Max(first, last)) / g.N != s0) return false;   // a vector across two samples
            sample[v] = s0 * _sampleStride;
            for (int l = 0; l < 16; l++)
            {
                int p = Math.Min(p0 + 16 * v + l - s0 * g.N, g.N - 1);   // lanes past the panel: any pixel (masked off)
                oh[l] = p / g.OW;
                ow[l] = p - oh[l] * g.OW;
            }
            Vector512<int> inPanel = Vector512.LessThan(iota + Vector512.Create(16 * v), Vector512.Create(cols));
            Vector512<int> ih0 = Vector512.Load(oh) * g.SH - Vector512.Create(g.PH);
            Vector512<int> iw0 = Vector512.Load(ow) * g.SW - Vector512.Create(g.PW);
            for (int kh = 0, t = 0; kh < g.KH; kh++)
                for (int kx = 0; kx < g.KW; kx++, t++)
                {
                    Vector512<int> ih = ih0 + Vector512.Create(kh * g.DH), iw = iw0 + Vector512.Create(kx * g.DW);
                    Vector512<int> valid = inPanel
                        & Vector512.LessThan(ih.AsUInt32(), Vector512.Create((uint)g.H)).AsInt32()
                        & Vector512.LessThan(iw.AsUInt32(), Vector512.Create((uint)g.W)).AsInt32();
                    Vector512<int> src = ih * g.W + iw;
                    // valid positions increase with the lane: the first and last valid lanes bound the span
                    uint bits = (uint)valid.ExtractMostSignificantBits();
                    int b = 0;
                    if (bits != 0 && hw >= 32)
                    {
                        int lo = src.GetElement(System.Numerics.BitOperations.TrailingZeroCount(bits));
                        int hi = src.GetElement(31 - System.Numerics.BitOperations.LeadingZeroCount(bits));
                        b = Math.Min(lo, hw - 32);   // the window ends inside the plane
                        if (hi - b > 31) return false;
                    }
                    int e = v * kk + t;
                    start[e] = b;
                    idx[e] = Vector512.ConditionalSelect(valid, src - Vector512.Create(b), Vector512<int>.Zero);
                    keep[e] = valid.AsSingle();
                }
        }
        // a plane under 32 floats is read under masks: its first 16 floats and the rest
        Vector512<float> m0 = Vector512.LessThan(iota, Vector512.Create(Math.Min(hw, 16))).AsSingle();
        Vector512<float> m1 = Vector512.LessThan(iota, Vector512.Create(hw - 16)).AsSingle();
        bool small = hw < 32;
        int ic = k0 / kk, tap = k0 - ic * kk;
        for (int k = 0; k < kc; k++, d += 48)
        {
            float* plane = _x + (nint)ic * hw;
            for (int v = 0; v < 3; v++)
            {
                int e = v * kk + tap;
                float* w = plane + sample[v] + start[e];
                Vector512<float> w0, w1;
                if (small)
                {
                    w0 = Avx512F.MaskLoad(w, m0, Vector512<float>.Zero);
                    w1 = Avx512F.MaskLoad(w + 16, m1, Vector512<float>.Zero);
                }
                else
                {
                    w0 = Vector512.Load(w);
                    w1 = Vector512.Load(w + 16);
                }
                Vector512.BitwiseAnd(Avx512F.PermuteVar16x32x2(w0, idx[e], w1), keep[e]).Store(d + 16 * v);
            }
            if (++tap == kk) { tap = 0; ic++; }
        }
        return true;
    }
#endif
}
