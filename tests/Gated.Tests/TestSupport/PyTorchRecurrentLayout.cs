namespace Gated.Tests.TestSupport;

/// <summary>
/// PyTorch → Gated weight layouts for nn.LSTM, nn.RNN and (either direction of) nn.GRU, for tests. PyTorch keeps
/// weight_ih_l{k}[_reverse] (G·H, F) and weight_hh (G·H, H) with gate row blocks; Gated keeps kernel (F, G·H) and
/// recurrent_kernel (H, G·H) with gate column blocks. LSTM gates are i, f, g, o in both (a plain transpose);
/// GRU reorders r, z, n → z, r, n (see <see cref="PyTorchLayout"/>). PyTorch's b_ih is bias and b_hh is
/// recurrent_bias (separateRecurrentBias: true); Keras's single bias is their sum. Gradients convert the same way.
/// </summary>
public static class PyTorchRecurrentLayout
{
    /// <summary>weight (G·H, F) → kernel (F, G·H), rows become columns in the same order.</summary>
    public static float[] Transpose(ReadOnlySpan<float> weight, int rows)
    {
        int columns = weight.Length / rows;
        var result = new float[weight.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = weight[(r * columns) + c];
            }
        }

        return result;
    }

    /// <summary>
    /// One direction of layer k of an nn.LSTM (gates = 4) or nn.RNN (gates = 1) in Gated's names. prefix selects the
    /// set ("" for weights, "grad_" for gradients, "initial/lstm." for a model); reverse picks the _reverse tensors.
    /// With separateBias false the two biases are summed into Keras's one (gradients must not be summed: give
    /// gradientOfSum true to take one bias's gradient, which equals the gradient of the sum).
    /// </summary>
    public static Dictionary<string, float[]> Layer(PyTorchFixture fixture, string prefix, int layer, int gates, int units, bool reverse = false, bool separateBias = true, bool gradientOfSum = false)
    {
        string suffix = $"_l{layer}" + (reverse ? "_reverse" : "");
        var biasIh = fixture[$"{prefix}bias_ih{suffix}"].Data;
        var biasHh = fixture[$"{prefix}bias_hh{suffix}"].Data;
        var result = new Dictionary<string, float[]>
        {
            ["kernel"] = Transpose(fixture[$"{prefix}weight_ih{suffix}"].Data, gates * units),
            ["recurrent_kernel"] = Transpose(fixture[$"{prefix}weight_hh{suffix}"].Data, gates * units),
        };
        if (separateBias)
        {
            result["bias"] = (float[])biasIh.Clone();
            result["recurrent_bias"] = (float[])biasHh.Clone();
        }
        else
        {
            result["bias"] = gradientOfSum ? (float[])biasIh.Clone() : biasIh.Zip(biasHh, (a, b) => a + b).ToArray();
        }

        return result;
    }

    /// <summary>One direction of layer k of an nn.GRU (reset after) in Gated's names.</summary>
    public static Dictionary<string, float[]> GruLayer(PyTorchFixture fixture, string prefix, int layer, int units, bool reverse = false)
    {
        string suffix = $"_l{layer}" + (reverse ? "_reverse" : "");
        return new Dictionary<string, float[]>
        {
            ["kernel"] = PyTorchLayout.GruKernel(fixture[$"{prefix}weight_ih{suffix}"].Data, units),
            ["recurrent_kernel"] = PyTorchLayout.GruKernel(fixture[$"{prefix}weight_hh{suffix}"].Data, units),
            ["bias"] = PyTorchLayout.GruBias(fixture[$"{prefix}bias_ih{suffix}"].Data, units),
            ["recurrent_bias"] = PyTorchLayout.GruBias(fixture[$"{prefix}bias_hh{suffix}"].Data, units),
        };
    }
}
