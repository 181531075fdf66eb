using System.Runtime.InteropServices;

namespace NativeLib;

/// <summary>
/// The C API of the <see cref="Siamese"/> network in the same library (prototypes in siamese.h, generated from the
/// declaration: <see cref="Siamese.CHeader"/>): every input and every output is an argument, in declaration order.
/// Error codes instead of exceptions, no managed allocation per call, as <see cref="Exports"/>.
/// </summary>
public static unsafe class SiameseExports
{
    private const int Ok = 0, ErrorNull = -1, ErrorBatch = -2, ErrorWorkspace = -3, ErrorInternal = -4;
    private static readonly WorkspaceCache s_workspace = new();

    /// <summary><c>int siamese_left_size(void)</c>: floats per left sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_left_size")]
    public static int LeftSize() => Siamese.LeftSize;

    /// <summary><c>int siamese_right_size(void)</c>: floats per right sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_right_size")]
    public static int RightSize() => Siamese.RightSize;

    /// <summary><c>int siamese_embed_l_size(void)</c>: floats per embed_l sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_embed_l_size")]
    public static int EmbedLSize() => Siamese.EmbedLSize;

    /// <summary><c>int siamese_embed_r_size(void)</c>: floats per embed_r sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_embed_r_size")]
    public static int EmbedRSize() => Siamese.EmbedRSize;

    /// <summary><c>long long siamese_workspace_floats(int batch)</c>: the caller workspace of siamese_forward_ws, or SIAMESE_ERROR_BATCH.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_workspace_floats")]
    public static long WorkspaceFloats(int batch)
    {
        if (batch < 1 || batch > Siamese.MaxInferBatch) return ErrorBatch;
        try { return Siamese.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
    }

    /// <summary><c>int siamese_forward(const float* left, const float* right, float* embed_l, float* embed_r, int batch)</c>: on a native workspace kept between calls.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_forward")]
    public static int Forward(float* left, float* right, float* embedL, float* embedR, int batch)
    {
        if (left == null || right == null || embedL == null || embedR == null) return ErrorNull;
        if (batch < 1 || batch > Siamese.MaxInferBatch) return ErrorBatch;
        long need;
        try { need = Siamese.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
        byte* block = s_workspace.Rent(need);
        if (block == null) return ErrorInternal;
        try { return Run(left, right, embedL, embedR, batch, (float*)(block + WorkspaceCache.Header), need); }
        finally { s_workspace.GiveBack(block); }
    }

    /// <summary><c>int siamese_forward_ws(const float* left, const float* right, float* embed_l, float* embed_r, int batch, float* workspace, long long workspace_floats)</c>: on caller memory.</summary>
    [UnmanagedCallersOnly(EntryPoint = "siamese_forward_ws")]
    public static int ForwardWorkspace(float* left, float* right, float* embedL, float* embedR, int batch, float* workspace, long workspaceFloats)
    {
        if (left == null || right == null || embedL == null || embedR == null || workspace == null) return ErrorNull;
        if (batch < 1 || batch > Siamese.MaxInferBatch) return ErrorBatch;
        long need;
        try { need = Siamese.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
        if (workspaceFloats < need) return ErrorWorkspace;
        return Run(left, right, embedL, embedR, batch, workspace, need);
    }

    private static int Run(float* left, float* right, float* embedL, float* embedR, int batch, float* workspace, long need)
    {
        try
        {
            Siamese.Infer(new ReadOnlySpan<float>(left, batch * Siamese.LeftSize), new ReadOnlySpan<float>(right, batch * Siamese.RightSize),
                new Span<float>(embedL, batch * Siamese.EmbedLSize), new Span<float>(embedR, batch * Siamese.EmbedRSize),
                new Span<float>(workspace, checked((int)need)), batch);
            return Ok;
        }
        catch
        {
            return ErrorInternal;
        }
    }
}
