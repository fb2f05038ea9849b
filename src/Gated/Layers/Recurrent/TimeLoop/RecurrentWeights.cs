namespace Gated.Layers.Recurrent.TimeLoop;

/// <summary>
/// A recurrent cell's parameters in Keras's layout with gate blocks side by side: kernel W (I, G·H), recurrent
/// kernel U (H, G·H), bias (G·H) and, when the cell has PyTorch's second bias b_hh, recurrent bias (G·H).
/// </summary>
internal sealed record RecurrentWeights(Parameter Kernel, Parameter RecurrentKernel, Parameter Bias, Parameter? RecurrentBias)
{
    /// <summary>The int8 copies inference runs on once the layer is quantized; null in float.</summary>
    public RecurrentInt8Weights? Int8 { get; set; }
}

/// <summary>
/// A quantized recurrent cell's products (dynamic int8, <see cref="Kernels.Int8Gemm"/>): the kernel W (I, G·H), and
/// each forward operand's column block of U (H, columns), in the order of the cell's operands (backward ones null).
/// Biases and the gate math stay in float.
/// </summary>
internal sealed record RecurrentInt8Weights(Kernels.QuantizedMatrix Kernel, Kernels.QuantizedMatrix?[] Operands)
{
    /// <summary>Quantizes the kernel and the forward operands' blocks of the recurrent kernel of weights.</summary>
    public static RecurrentInt8Weights Of(RecurrentWeights weights, RecurrentOperand[] operands)
    {
        var kernel = weights.Kernel;
        int units = weights.RecurrentKernel.Shape[0], gateWidth = weights.RecurrentKernel.Shape[1];
        var blocks = new Kernels.QuantizedMatrix?[operands.Length];
        for (int i = 0; i < operands.Length; i++)
        {
            var operand = operands[i];
            if (operand.Backward)
            {
                continue;
            }

            var u = weights.RecurrentKernel.Values;
            var block = new float[units * operand.Columns];
            for (int k = 0; k < units; k++)
            {
                u.Slice((k * gateWidth) + operand.ColumnOffset, operand.Columns).CopyTo(block.AsSpan(k * operand.Columns, operand.Columns));
            }

            blocks[i] = Kernels.QuantizedMatrix.Quantize(block, units, operand.Columns);
        }

        return new RecurrentInt8Weights(Kernels.QuantizedMatrix.Quantize(kernel.Values, kernel.Shape[0], kernel.Shape[1]), blocks);
    }
}
