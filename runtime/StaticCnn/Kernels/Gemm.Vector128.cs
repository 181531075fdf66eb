using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Runtime.Intrinsics.Arm;

namespace StaticCnn.Kernels;

/// <summary>The Vector128 micro-kernel: 4×8.</summary>
internal static unsafe partial class Gemm
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel4x8<TB>(int kc, float* a, nint lda, int rows, TB bt, float* c, nint ldc, int mode, float* bias)
        where TB : struct, IBRows
    {
        int rm = rows - 1;
        float* a0 = a;
        float* a1 = a + lda * Math.Min(1, rm);
        float* a2 = a + lda * Math.Min(2, rm);
        float* a3 = a + lda * Math.Min(3, rm);
        Vector128<float> c00, c01, c10, c11, c20, c21, c30, c31;
        if (mode == 2)
        {
            float* p = c;
            c00 = Vector128.Load(p); c01 = Vector128.Load(p + 4); p += ldc;
            c10 = Vector128.Load(p); c11 = Vector128.Load(p + 4); p += ldc;
            c20 = Vector128.Load(p); c21 = Vector128.Load(p + 4); p += ldc;
            c30 = Vector128.Load(p); c31 = Vector128.Load(p + 4);
        }
        else if (mode == 1)
        {
            c00 = c01 = Vector128.Create(bias[0]);
            c10 = c11 = Vector128.Create(bias[Math.Min(1, rm)]);
            c20 = c21 = Vector128.Create(bias[Math.Min(2, rm)]);
            c30 = c31 = Vector128.Create(bias[Math.Min(3, rm)]);
        }
        else
        {
            c00 = c01 = c10 = c11 = c20 = c21 = c30 = c31 = Vector128<float>.Zero;
        }
        for (nint k = 0; k < kc; k++)
        {
            float* b = bt.Row(k);
            Vector128<float> b0 = Vector128.Load(b), b1 = Vector128.Load(b + 4);
            Vector128<float> av = Vector128.Create(a0[k]);
            c00 = Fma(av, b0, c00); c01 = Fma(av, b1, c01);
            av = Vector128.Create(a1[k]);
            c10 = Fma(av, b0, c10); c11 = Fma(av, b1, c11);
            av = Vector128.Create(a2[k]);
            c20 = Fma(av, b0, c20); c21 = Fma(av, b1, c21);
            av = Vector128.Create(a3[k]);
            c30 = Fma(av, b0, c30); c31 = Fma(av, b1, c31);
        }
        {
            float* p = c;
            c00.Store(p); c01.Store(p + 4); p += ldc;
            c10.Store(p); c11.Store(p + 4); p += ldc;
            c20.Store(p); c21.Store(p + 4); p += ldc;
            c30.Store(p); c31.Store(p + 4);
        }
    }
}
