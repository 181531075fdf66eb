using System.Runtime.InteropServices;
using EmbeddedClassifier;

namespace NativeLib;

/// <summary>
/// The C API of liblenet5.so (prototypes in lenet5.h, which the generator writes from the same declaration:
/// <see cref="LeNet5.CHeader"/>). Every export returns an error code instead of throwing: an exception must not cross
/// into C. No managed allocation per call: inference runs on the embedded weights and a native or caller workspace.
/// </summary>
public static unsafe class Exports
{
    private const int Ok = 0, ErrorNull = -1, ErrorBatch = -2, ErrorWorkspace = -3, ErrorInternal = -4;

    /// <summary><c>int lenet5_input_size(void)</c>: floats per input sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "lenet5_input_size")]
    public static int InputSize() => LeNet5.InputSize;

    /// <summary><c>int lenet5_output_size(void)</c>: floats per output sample.</summary>
    [UnmanagedCallersOnly(EntryPoint = "lenet5_output_size")]
    public static int OutputSize() => LeNet5.OutputSize;

    /// <summary><c>long long lenet5_workspace_floats(int batch)</c>: the caller workspace of lenet5_forward_ws, or LENET5_ERROR_BATCH.</summary>
    [UnmanagedCallersOnly(EntryPoint = "lenet5_workspace_floats")]
    public static long WorkspaceFloats(int batch)
    {
        if (batch < 1 || batch > LeNet5.MaxInferBatch) return ErrorBatch;
        try { return LeNet5.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
    }

    /// <summary>
    /// <c>int lenet5_forward(const float* input, float* output, int batch)</c>: on a native workspace kept between
    /// calls (one cached block, taken and given back atomically, so concurrent callers each get their own).
    /// </summary>
    [UnmanagedCallersOnly(EntryPoint = "lenet5_forward")]
    public static int Forward(float* input, float* output, int batch)
    {
        if (input == null || output == null) return ErrorNull;
        if (batch < 1 || batch > LeNet5.MaxInferBatch) return ErrorBatch;
        long need;
        try { need = LeNet5.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
        byte* block = s_workspace.Rent(need);
        if (block == null) return ErrorInternal;
        try { return Run(input, output, batch, (float*)(block + WorkspaceCache.Header), need); }
        finally { s_workspace.GiveBack(block); }
    }

    private static readonly WorkspaceCache s_workspace = new();

    /// <summary><c>int lenet5_forward_ws(const float* input, float* output, int batch, float* workspace, long long workspace_floats)</c>: on caller memory.</summary>
    [UnmanagedCallersOnly(EntryPoint = "lenet5_forward_ws")]
    public static int ForwardWorkspace(float* input, float* output, int batch, float* workspace, long workspaceFloats)
    {
        if (input == null || output == null || workspace == null) return ErrorNull;
        if (batch < 1 || batch > LeNet5.MaxInferBatch) return ErrorBatch;
        long need;
        try { need = LeNet5.InferWorkspaceFloats(batch); }
        catch { return ErrorInternal; }
        if (workspaceFloats < need) return ErrorWorkspace;
        return Run(input, output, batch, workspace, need);
    }

    private static int Run(float* input, float* output, int batch, float* workspace, long need)
    {
        try
        {
            LeNet5.Infer(new ReadOnlySpan<float>(input, batch * LeNet5.InputSize), new Span<float>(output, batch * LeNet5.OutputSize),
                new Span<float>(workspace, checked((int)need)), batch);
            return Ok;
        }
        catch
        {
            return ErrorInternal;
        }
    }
}
