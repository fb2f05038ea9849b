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
/// A quantized recurrent cell's products (dynamic int8, <see cref="Kernels.Int8Gemm"/>): the kernel W (I, G·H) and the
/// recurrent kernel U (H, G·H), each per column, and U's column block for each forward operand of the cell (backward
/// ones null). Columns quantize independently, so a block is U's columns as they are. Biases and gate math stay float.
/// </summary>
internal sealed record RecurrentInt8Weights(Kernels.QuantizedMatrix Kernel, Kernels.QuantizedMatrix RecurrentKernel, Kernels.QuantizedMatrix?[] Operands)
{
    /// <summary>Quantizes the kernel and recurrent kernel of weights.</summary>
    public static RecurrentInt8Weights Of(RecurrentWeights weights, RecurrentOperand[] operands)
    {
        var kernel = weights.Kernel;
        var recurrent = weights.RecurrentKernel;
        return From(
            Kernels.QuantizedMatrix.Quantize(kernel.Values, kernel.Shape[0], kernel.Shape[1]),
            Kernels.QuantizedMatrix.Quantize(recurrent.Values, recurrent.Shape[0], recurrent.Shape[1]),
            operands);
    }

    /// <summary>The weights of given int8 matrices (a quantized model file's), with U's operand blocks cut from U.</summary>
    public static RecurrentInt8Weights From(Kernels.QuantizedMatrix kernel, Kernels.QuantizedMatrix recurrent, RecurrentOperand[] operands)
    {
        int units = recurrent.Rows, gateWidth = recurrent.Columns;
        var blocks = new Kernels.QuantizedMatrix?[operands.Length];
        for (int i = 0; i < operands.Length; i++)
        {
            var operand = operands[i];
            if (operand.Backward)
            {
                continue;
            }

            var values = new sbyte[units * operand.Columns];
            for (int k = 0; k < units; k++)
            {
                recurrent.Values.AsSpan((k * gateWidth) + operand.ColumnOffset, operand.Columns).CopyTo(values.AsSpan(k * operand.Columns, operand.Columns));
            }

            blocks[i] = Kernels.QuantizedMatrix.FromValues(values, recurrent.Scales.AsSpan(operand.ColumnOffset, operand.Columns).ToArray(), units, operand.Columns);
        }

        return new RecurrentInt8Weights(kernel, recurrent, blocks);
    }
}
