using Gated.Layers.Recurrent;
using Gated.Serialization.Layouts;

namespace Gated.Tests.TestSupport;

/// <summary>
/// A PyTorch fixture's nn.GRU, nn.LSTM and nn.RNN tensors in Gated's parameter names, for tests, converted by the
/// library's <see cref="WeightLayout"/> table (which WeightLayoutTests checks against DESIGN.md on its own).
/// PyTorch's b_ih is bias and b_hh is recurrent_bias (separateRecurrentBias: true); Keras's single bias is their sum.
/// Gradients are the same linear rearrangement, so they convert the same way.
/// </summary>
public static class PyTorchRecurrentLayout
{
    /// <summary>
    /// One direction of layer k of an nn.GRU (gates = 3, reset after), nn.LSTM (4) or nn.RNN (1) in Gated's names. prefix
    /// selects the set ("" for weights, "grad_" for gradients, "initial/lstm." for a model); reverse picks the _reverse
    /// tensors. With separateBias false the two biases are summed into Keras's one (gradients must not be summed: give
    /// gradientOfSum true to take one bias's gradient, which equals the gradient of the sum).
    /// </summary>
    public static Dictionary<string, float[]> Layer(PyTorchFixture fixture, string prefix, int layer, int gates, int units, bool reverse = false, bool separateBias = true, bool gradientOfSum = false)
    {
        var kind = gates switch { 3 => RecurrentKind.Gru, 4 => RecurrentKind.Lstm, _ => RecurrentKind.SimpleRnn };
        var layout = WeightLayout.For(Framework.PyTorch, kind);
        string suffix = $"_l{layer}" + (reverse ? "_reverse" : "");
        float[] Tensor(string name) => fixture[$"{prefix}{name}{suffix}"].Data;
        float[] Gated(string name)
        {
            var result = new float[Tensor(name).Length];
            layout.ToGated(Tensor(name), units, result);
            return result;
        }

        var weights = new Dictionary<string, float[]>
        {
            ["kernel"] = Gated("weight_ih"),
            ["recurrent_kernel"] = Gated("weight_hh"),
        };
        if (separateBias)
        {
            weights["bias"] = Gated("bias_ih");
            weights["recurrent_bias"] = Gated("bias_hh");
        }
        else if (gradientOfSum)
        {
            weights["bias"] = Gated("bias_ih");
        }
        else
        {
            var bias = new float[gates * units];
            layout.BiasesToGated(Tensor("bias_ih"), Tensor("bias_hh"), units, bias, []);
            weights["bias"] = bias;
        }

        return weights;
    }

    /// <summary>One direction of layer k of an nn.GRU (reset after) in Gated's names.</summary>
    public static Dictionary<string, float[]> GruLayer(PyTorchFixture fixture, string prefix, int layer, int units, bool reverse = false) =>
        Layer(fixture, prefix, layer, 3, units, reverse);
}
