using StaticCnn.Kernels;
using Xunit;

namespace StaticCnn.Tests.Kernels;

/// <summary>
/// The im2col packer's window path for narrow planes (Im2ColB.Windows.cs): every packed panel, in K blocks, holds
/// the bits of <see cref="Im2ColB.Column"/> for each of its columns and zeros past the last, whether the panel took
/// the windows or the general packer (vectors across samples, taps spanning more than 32 floats). On the AVX2 and
/// Vector128 paths the general packer runs and the same comparison holds.
/// </summary>
public unsafe class Im2ColWindowsTests
{
    /// <summary>(inC, H, W, k, stride, pad, dilation, batch, windows: whether the first panel plans on AVX-512).</summary>
    public static TheoryData<int, int, int, int, int, int, int, int, bool> Shapes => new()
    {
        { 16, 7, 7, 3, 1, 1, 1, 1, true },     // ResNet's 512@7: 49 ≥ 32 floats, windows inside the plane
        { 8, 7, 7, 3, 1, 1, 1, 3, true },      // 3 × 49 columns: later panels' vectors cross samples (general packer)
        { 8, 4, 4, 3, 1, 1, 1, 5, true },      // the CIFAR ResNet's 512@4: a 16-float plane under a load mask, a sample per vector
        { 8, 5, 5, 3, 1, 1, 1, 1, true },      // 25 floats: 16, then 9 under a mask
        { 8, 5, 5, 3, 1, 1, 1, 3, false },     // the second vector holds columns of two samples (general packer)
        { 4, 3, 3, 3, 1, 1, 1, 1, true },      // 9 floats
        { 4, 3, 3, 3, 1, 1, 1, 4, false },     // 9-column samples: vectors across samples
        { 6, 7, 7, 5, 1, 2, 1, 2, true },      // 5×5, 25 taps
        { 6, 9, 9, 3, 1, 0, 1, 2, true },      // no padding: 9×9 → 7×7
        { 6, 8, 8, 3, 1, 2, 2, 2, true },      // dilation 2: 8×8 → 8×8
        { 5, 13, 13, 3, 2, 1, 1, 2, false },   // stride 2 → 7×7: a tap's 16 columns span 4 input rows of 13 (general)
        { 3, 15, 15, 1, 1, 0, 1, 1, true },    // 1×1 on 15×15 (225 floats)
        { 6, 12, 12, 3, 1, 1, 1, 2, true },    // 12×12: vectors across rows, 144 = 3 panels per sample
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Packed_panels_hold_the_im2col_columns(int c, int h, int w, int k, int stride, int pad, int dil, int batch, bool windows)
    {
        int oh = (h + 2 * pad - dil * (k - 1) - 1) / stride + 1, ow = (w + 2 * pad - dil * (k - 1) - 1) / stride + 1;
        var g = new ConvGeom
        {
            Cin = c, H = h, W = w, Cout = 8, OH = oh, OW = ow, KH = k, KW = k, SH = stride, SW = stride,
            PH = pad, PW = pad, DH = dil, DW = dil, G = 1,
        };
        int nr = Gemm.NR, K = g.K, cols = batch * g.N;
        var rng = new Random(7 + c * 31 + h);
        // the input exactly as large as the batch: a window or a masked load past it would fault or read garbage
        float[] x = new float[batch * c * h * w];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(rng.NextDouble() * 2 - 1) + 0.5f;   // no zeros among the values
        int panels = (cols + nr - 1) / nr;
        var packed = new float[panels * K * nr + 16];
        var expected = new float[K];
        fixed (float* px = x, pd = packed, pe = expected)
        {
            var b = new Im2ColB(px, g, (nint)c * h * w);
            // K in two blocks (the second starting inside a channel's taps), the columns as one range
            int k1 = Math.Max(1, K / 2 + 1);
            foreach (var (k0, kc) in new[] { (0, k1), (k1, K - k1) })
            {
                if (kc == 0) continue;
                Array.Fill(packed, float.NaN);
                b.Pack(pd, k0, kc, 0, cols);
                for (int q = 0; q < panels; q++)
                    for (int j = 0; j < nr; j++)
                    {
                        int p = q * nr + j;
                        if (p < cols) Im2ColB.Column(px + (nint)(p / g.N) * c * h * w, g, p % g.N, pe);
                        for (int kr = 0; kr < kc; kr++)
                        {
                            float got = packed[(q * kc + kr) * nr + j];
                            float want = p < cols ? expected[k0 + kr] : 0f;
                            if (BitConverter.SingleToInt32Bits(got) != BitConverter.SingleToInt32Bits(want))
                                Assert.Fail($"panel {q}, row {k0 + kr}, column {p}: {got} instead of {want}");
                        }
                    }
            }
            // which path the first panel takes (the window path exists on AVX-512 only)
            if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            {
                Assert.True(Im2ColB.WindowShape(g));
                Assert.Equal(windows, b.PackWindows(pd, 0, K, 0, Math.Min(nr, cols)));
            }
            else Assert.False(Im2ColB.WindowShape(g));
        }
    }
}
