using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>The AVX2 micro-kernels: 6×16, and 6×8 for column edges.</summary>
internal static unsafe partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x16<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        Vector256<float> c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector256.Load(p); c01 = Vector256.Load(p + 8); p += ldc;
            c10 = Vector256.Load(p); c11 = Vector256.Load(p + 8); p += ldc;
            c20 = Vector256.Load(p); c21 = Vector256.Load(p + 8); p += ldc;
            c30 = Vector256.Load(p); c31 = Vector256.Load(p + 8); p += ldc;
            c40 = Vector256.Load(p); c41 = Vector256.Load(p + 8); p += ldc;
            c50 = Vector256.Load(p); c51 = Vector256.Load(p + 8);
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector256.Create(bias[0]);
            c10 = c11 = Vector256.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector256.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector256.Create(bias[Math.Min(3, rm)]);
            c40 = c41 = Vector256.Create(bias[Math.Min(4, rm)]);
            c50 = c51 = Vector256.Create(bias[Math.Min(5, rm)]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = c40 = c41 = c50 = c51 = Vector256<float>.Zero;
        }
        // the next row tile's rows of A prefetched, as in Kernel8x48 (rows 6 and 7 of the pattern land in the tile after)
        float* next = a + 6 * lda;
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Sse.Prefetch0(next + (k & 7) * lda + (k >> 3) * 8);
            Vector256<float> b0 = Vector256.Load(b), b1 = Vector256.Load(b + 8);
            Vector256<float> av = Vector256.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector256.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector256.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector256.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
            av = Vector256.Create(a4[k]);
            c40 = Fma(av, b0, c40); c41 = Fma(av, b1, c41);
            av = Vector256.Create(a5[k]);
            c50 = Fma(av, b0, c50); c51 = Fma(av, b1, c51);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 8); p += ldc;
            c10.Store(p); c11.Store(p + 8); p += ldc;
            c20.Store(p); c21.Store(p + 8); p += ldc;
            c30.Store(p); c31.Store(p + 8); p += ldc;
            c40.Store(p); c41.Store(p + 8); p += ldc;
            c50.Store(p); c51.Store(p + 8);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6x8<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        float* a4 = a + lda * Math.Min(4, rm);
        float* a5 = a + lda * Math.Min(5, rm);
        Vector256<float> c00, c10, c20, c30, c40, c50;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector256.Load(p + 0); p += ldc;
            c10 = Vector256.Load(p + 0); p += ldc;
            c20 = Vector256.Load(p + 0); p += ldc;
            c30 = Vector256.Load(p + 0); p += ldc;
            c40 = Vector256.Load(p + 0); p += ldc;
            c50 = Vector256.Load(p + 0); p += ldc;
        }
        else if (mode == 1)
        {
            c00 = Vector256.Create(bias[0]);
            c10 = Vector256.Create(bias[Math.Min(1, rm)]);
            c20 = Vector256.Create(bias[Math.Min(2, rm)]);
            c30 = Vector256.Create(bias[Math.Min(3, rm)]);
            c40 = Vector256.Create(bias[Math.Min(4, rm)]);
            c50 = Vector256.Create(bias[Math.Min(5, rm)]);
        }
        else
        {
            c00 = Vector256<float>.Zero;
            c10 = Vector256<float>.Zero;
            c20 = Vector256<float>.Zero;
            c30 = Vector256<float>.Zero;
            c40 = Vector256<float>.Zero;
            c50 = Vector256<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector256<float> b0 = Vector256.Load(b + 0);
            { Vector256<float> av = Vector256.Create(a0[k]); c00 = Fma(av, b0, c00); }
            { Vector256<float> av = Vector256.Create(a1[k]); c10 = Fma(av, b0, c10); }
            { Vector256<float> av = Vector256.Create(a2[k]); c20 = Fma(av, b0, c20); }
            { Vector256<float> av = Vector256.Create(a3[k]); c30 = Fma(av, b0, c30); }
            { Vector256<float> av = Vector256.Create(a4[k]); c40 = Fma(av, b0, c40); }
            { Vector256<float> av = Vector256.Create(a5[k]); c50 = Fma(av, b0, c50); }
        }
        {
            float* p = c;
            c00.Store(p + 0); p += ldc;
            c10.Store(p + 0); p += ldc;
            c20.Store(p + 0); p += ldc;
            c30.Store(p + 0); p += ldc;
            c40.Store(p + 0); p += ldc;
            c50.Store(p + 0); p += ldc;
        }
    }
}
