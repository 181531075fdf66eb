using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>The AVX-512 micro-kernels: 8×48, and 8×32 / 8×16 for column edges.</summary>
internal static unsafe partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x48<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c01, c02, c10, c11, c12, c20, c21, c22, c30, c31, c32,
            c40, c41, c42, c50, c51, c52, c60, c61, c62, c70, c71, c72;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p); c01 = Vector512.Load(p + 16); c02 = Vector512.Load(p + 32); p += ldc;
            c10 = Vector512.Load(p); c11 = Vector512.Load(p + 16); c12 = Vector512.Load(p + 32); p += ldc;
            c20 = Vector512.Load(p); c21 = Vector512.Load(p + 16); c22 = Vector512.Load(p + 32); p += ldc;
            c30 = Vector512.Load(p); c31 = Vector512.Load(p + 16); c32 = Vector512.Load(p + 32); p += ldc;
            c40 = Vector512.Load(p); c41 = Vector512.Load(p + 16); c42 = Vector512.Load(p + 32); p += ldc;
            c50 = Vector512.Load(p); c51 = Vector512.Load(p + 16); c52 = Vector512.Load(p + 32); p += ldc;
            c60 = Vector512.Load(p); c61 = Vector512.Load(p + 16); c62 = Vector512.Load(p + 32); p += ldc;
            c70 = Vector512.Load(p); c71 = Vector512.Load(p + 16); c72 = Vector512.Load(p + 32);
        }
        else if (mode == 1)
        {
            c00 = c01 = c02 = Vector512.Create(bias[0]);
            c10 = c11 = c12 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = c22 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = c32 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = c42 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = c52 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = c61 = c62 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = c71 = c72 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = c01 = c02 = c10 = c11 = c12 = c20 = c21 = c22 = c30 = c31 = c32 = Vector512<float>.Zero;
            c40 = c41 = c42 = c50 = c51 = c52 = c60 = c61 = c62 = c70 = c71 = c72 = Vector512<float>.Zero;
        }
        // The next tile's rows of A (the GEMM loops run row tiles one after another over the same K block) are
        // prefetched while this tile computes, one line every second k per row: a network's weights come from memory,
        // and the hardware prefetcher sees 8 new streams at every tile (ResNet-50 at batch 1: 45.2–46.4 → 43.0–43.7 ms,
        // ResNet-18 17.4–18.3 → 16.5–17.9 ms). Past the last row it reads nothing: a prefetch never faults.
        float* next = a + 8 * lda;
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Sse.Prefetch0(next + (k & 7) * lda + (k >> 3) * 8);
            Vector512<float> b0 = Vector512.Load(b), b1 = Vector512.Load(b + 16), b2 = Vector512.Load(b + 32);
            Vector512<float> av = Vector512.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); c02 = Fma(av, b2, c02);
            av = Vector512.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); c12 = Fma(av, b2, c12);
            av = Vector512.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); c22 = Fma(av, b2, c22);
            av = Vector512.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); c32 = Fma(av, b2, c32);
            av = Vector512.Create(a4[k]);
            c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); c42 = Fma(av, b2, c42);
            av = Vector512.Create(a5[k]);
            c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); c52 = Fma(av, b2, c52);
            av = Vector512.Create(a6[k]);
            c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); c62 = Fma(av, b2, c62);
            av = Vector512.Create(a7[k]);
            c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); c72 = Fma(av, b2, c72);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 16); c02.Store(p + 32); p += ldc;
            c10.Store(p); c11.Store(p + 16); c12.Store(p + 32); p += ldc;
            c20.Store(p); c21.Store(p + 16); c22.Store(p + 32); p += ldc;
            c30.Store(p); c31.Store(p + 16); c32.Store(p + 32); p += ldc;
            c40.Store(p); c41.Store(p + 16); c42.Store(p + 32); p += ldc;
            c50.Store(p); c51.Store(p + 16); c52.Store(p + 32); p += ldc;
            c60.Store(p); c61.Store(p + 16); c62.Store(p + 32); p += ldc;
            c70.Store(p); c71.Store(p + 16); c72.Store(p + 32);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x32<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c60, c61, c70, c71;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p + 0); c01 = Vector512.Load(p + 16); p += ldc;
            c10 = Vector512.Load(p + 0); c11 = Vector512.Load(p + 16); p += ldc;
            c20 = Vector512.Load(p + 0); c21 = Vector512.Load(p + 16); p += ldc;
            c30 = Vector512.Load(p + 0); c31 = Vector512.Load(p + 16); p += ldc;
            c40 = Vector512.Load(p + 0); c41 = Vector512.Load(p + 16); p += ldc;
            c50 = Vector512.Load(p + 0); c51 = Vector512.Load(p + 16); p += ldc;
            c60 = Vector512.Load(p + 0); c61 = Vector512.Load(p + 16); p += ldc;
            c70 = Vector512.Load(p + 0); c71 = Vector512.Load(p + 16); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector512.Create(bias[0]);
            c10 = c11 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = c61 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = c71 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = c01 = Vector512<float>.Zero;
            c10 = c11 = Vector512<float>.Zero;
            c20 = c21 = Vector512<float>.Zero;
            c30 = c31 = Vector512<float>.Zero;
            c40 = c41 = Vector512<float>.Zero;
            c50 = c51 = Vector512<float>.Zero;
            c60 = c61 = Vector512<float>.Zero;
            c70 = c71 = Vector512<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector512<float> b0 = Vector512.Load(b + 0), b1 = Vector512.Load(b + 16);
            { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01); }
            { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11); }
            { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21); }
            { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31); }
            { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41); }
            { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51); }
            { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); c61 = Fma(av, b1, c61); }
            { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); c71 = Fma(av, b1, c71); }
        }
        {
            float* p = c;
            c00.Store(p + 0); c01.Store(p + 16); p += ldc;
            c10.Store(p + 0); c11.Store(p + 16); p += ldc;
            c20.Store(p + 0); c21.Store(p + 16); p += ldc;
            c30.Store(p + 0); c31.Store(p + 16); p += ldc;
            c40.Store(p + 0); c41.Store(p + 16); p += ldc;
            c50.Store(p + 0); c51.Store(p + 16); p += ldc;
            c60.Store(p + 0); c61.Store(p + 16); p += ldc;
            c70.Store(p + 0); c71.Store(p + 16); p += ldc;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel8x16<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        float* a6 = a + lda * Math.Min(6, rm);
        float* a7 = a + lda * Math.Min(7, rm);
        Vector512<float> c00, c10, c20, c30, c40, c50, c60, c70;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector512.Load(p + 0); p += ldc;
            c10 = Vector512.Load(p + 0); p += ldc;
            c20 = Vector512.Load(p + 0); p += ldc;
            c30 = Vector512.Load(p + 0); p += ldc;
            c40 = Vector512.Load(p + 0); p += ldc;
            c50 = Vector512.Load(p + 0); p += ldc;
            c60 = Vector512.Load(p + 0); p += ldc;
            c70 = Vector512.Load(p + 0); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = Vector512.Create(bias[0]);
            c10 = Vector512.Create(bias[Math.Min(1, rm)]);
            c20 = Vector512.Create(bias[Math.Min(2, rm)]);
            c30 = Vector512.Create(bias[Math.Min(3, rm)]);
            c40 = Vector512.Create(bias[Math.Min(4, rm)]);
            c50 = Vector512.Create(bias[Math.Min(5, rm)]);
            c60 = Vector512.Create(bias[Math.Min(6, rm)]);
            c70 = Vector512.Create(bias[Math.Min(7, rm)]);
        }
        else
        {
            c00 = Vector512<float>.Zero;
            c10 = Vector512<float>.Zero;
            c20 = Vector512<float>.Zero;
            c30 = Vector512<float>.Zero;
            c40 = Vector512<float>.Zero;
            c50 = Vector512<float>.Zero;
            c60 = Vector512<float>.Zero;
            c70 = Vector512<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector512<float> b0 = Vector512.Load(b + 0);
            { Vector512<float> av = Vector512.Create(a0[k]); c00 = Fma(av, b0, c00); }
            { Vector512<float> av = Vector512.Create(a1[k]); c10 = Fma(av, b0, c10); }
            { Vector512<float> av = Vector512.Create(a2[k]); c20 = Fma(av, b0, c20); }
            { Vector512<float> av = Vector512.Create(a3[k]); c30 = Fma(av, b0, c30); }
            { Vector512<float> av = Vector512.Create(a4[k]); c40 = Fma(av, b0, c40); }
            { Vector512<float> av = Vector512.Create(a5[k]); c50 = Fma(av, b0, c50); }
            { Vector512<float> av = Vector512.Create(a6[k]); c60 = Fma(av, b0, c60); }
            { Vector512<float> av = Vector512.Create(a7[k]); c70 = Fma(av, b0, c70); }
        }
        {
            float* p = c;
            c00.Store(p + 0); p += ldc;
            c10.Store(p + 0); p += ldc;
            c20.Store(p + 0); p += ldc;
            c30.Store(p + 0); p += ldc;
            c40.Store(p + 0); p += ldc;
            c50.Store(p + 0); p += ldc;
            c60.Store(p + 0); p += ldc;
            c70.Store(p + 0); p += ldc;
        }
    }
}
