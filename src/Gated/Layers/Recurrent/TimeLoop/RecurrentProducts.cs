using Gated.Kernels;

namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// The products with the recurrent kernel that a coupled cell asks for within a step (see
/// <see cref="ICoupledCell"/>): on the operand packed for this Forward or Backward, or, in a streaming step that
/// would pay for packing at every call, on the kernel in place.
/// </summary>
internal readonly struct RecurrentProducts(RecurrentWorkspace w, RecurrentWeights weights, RecurrentOperand[] operands)
{
    /// <summary>c (rows, ·) = a · operand + beta · c, operand being one of the cell's <see cref="IRecurrentCell.Operands"/>.</summary>
    public void Multiply(int operand, BatchSlice rows, ReadOnlySpan<float> a, int lda, float beta, Span<float> c, int ldc)
    {
        if (weights.Int8?.Operands[operand] is { } quantized)
        {
            Int8Gemm.Multiply(a, lda, rows.Count, quantized, c, ldc, accumulate: beta != 0);
            return;
        }

        if (w.UsePacked)
        {
            Gemm.Multiply(false, rows.Count, 1f, a, lda, w.Packed[operand], beta, c, ldc);
            return;
        }

        var (offset, columns, backward, _) = operands[operand];
        var u = weights.RecurrentKernel.Values[offset..];
        if (backward)
        {
            Gemm.Multiply(false, true, rows.Count, w.Units, columns, 1f, a, lda, u, w.GateWidth, beta, c, ldc);
        }
        else
        {
            Gemm.Multiply(false, false, rows.Count, columns, w.Units, 1f, a, lda, u, w.GateWidth, beta, c, ldc);
        }
    }
}
