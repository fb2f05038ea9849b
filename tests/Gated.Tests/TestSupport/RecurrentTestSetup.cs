using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;

namespace Gated.Tests.TestSupport;

/// <summary>Random weights for any recurrent layer, its double-precision twin, and the dropout masks a Forward drew.</summary>
public static class RecurrentTestSetup
{
    /// <summary>The cells the tests run through: Keras-style ("lstm") and PyTorch-style two-bias ("_pytorch") variants.</summary>
    public static string[] CellNames => ["lstm", "lstm_pytorch", "rnn_tanh", "rnn_tanh_pytorch", "rnn_relu", "rnn_relu_pytorch", "gru_reset_after", "gru_reset_before"];

    /// <summary>A new, unbuilt layer of the named cell (see <see cref="CellNames"/>).</summary>
    public static RecurrentLayer Create(string cell, int units, RecurrentOptions options) => cell switch
    {
        "lstm" => new Lstm(units, options),
        "lstm_pytorch" => new Lstm(units, options, separateRecurrentBias: true),
        "rnn_tanh" => new SimpleRnn(units, options),
        "rnn_tanh_pytorch" => new SimpleRnn(units, options, SimpleRnnActivation.Tanh, separateRecurrentBias: true),
        "rnn_relu" => new SimpleRnn(units, options, SimpleRnnActivation.Relu),
        "rnn_relu_pytorch" => new SimpleRnn(units, options, SimpleRnnActivation.Relu, separateRecurrentBias: true),
        "gru_reset_after" => new Gru(units, options),
        "gru_reset_before" => new Gru(units, options, GruVariant.ResetBefore),
        _ => throw new ArgumentException($"Unknown cell '{cell}'.", nameof(cell)),
    };

    /// <summary>Weights that put pre-activations of order 1 (gates leave their linear range); Bidirectional's both directions.</summary>
    public static void Randomize(Layer layer, SeededRandom random)
    {
        int units = layer switch
        {
            RecurrentLayer r => r.Units,
            Bidirectional b => b.ForwardLayer.Units,
            _ => throw new ArgumentException($"{layer.TypeName} is not recurrent.", nameof(layer)),
        };
        foreach (var p in layer.Parameters)
        {
            double scale = p.Name switch
            {
                "kernel" => 1.0,
                "recurrent_kernel" => 1.5 / Math.Sqrt(units),
                _ => 0.5,
            };
            TestData.Uniform(random, p.Length, scale).CopyTo(p.Values);
        }
    }

    /// <summary>The layer's parameters in double, by name (kernel, recurrent_kernel, bias, recurrent_bias).</summary>
    public static Dictionary<string, double[]> Weights(RecurrentLayer layer) =>
        layer.Parameters.ToDictionary(p => p.Name, p => TestData.ToDouble(p.Values));

    /// <summary>A reference with the layer's weights, cell options, returnSequences and goBackwards.</summary>
    public static ReferenceRecurrent Reference(RecurrentLayer layer)
    {
        int inputSize = layer.InputShape[1];
        var weights = Weights(layer);
        return layer switch
        {
            Lstm => new ReferenceLstm(inputSize, layer.Units, weights, layer.ReturnSequences, layer.Options.GoBackwards),
            SimpleRnn rnn => new ReferenceSimpleRnn(inputSize, layer.Units, weights, rnn.Activation == SimpleRnnActivation.Relu, layer.ReturnSequences, layer.Options.GoBackwards),
            Gru gru => new ReferenceGru(inputSize, layer.Units, weights, gru.Variant == GruVariant.ResetAfter, layer.ReturnSequences, layer.Options.GoBackwards),
            _ => throw new ArgumentException($"No reference for {layer.TypeName}.", nameof(layer)),
        };
    }

    public static ReferenceBidirectional Reference(Bidirectional layer) =>
        new(Reference(layer.ForwardLayer), Reference(layer.BackwardLayer), layer.Merge);

    /// <summary>
    /// The masks a training Forward of the layer drew from its generator, given the generator's state before that
    /// call: the input mask (B, I) first, then the recurrent mask (B, H), each value 1/(1 − rate) kept or 0 dropped.
    /// </summary>
    public static ReferenceRun WithDropoutMasks(ReferenceRun run, RecurrentLayer layer, ulong[] stateBefore, int batch)
    {
        var random = new SeededRandom(1);
        random.SetState(stateBefore);
        double[]? Draw(float rate, int count)
        {
            if (rate <= 0)
            {
                return null;
            }

            float scale = 1f / (1f - rate);
            var mask = new double[count];
            for (int i = 0; i < count; i++)
            {
                mask[i] = random.NextDouble() >= rate ? scale : 0f;
            }

            return mask;
        }

        var input = Draw(layer.Options.Dropout, batch * layer.InputShape[1]);
        var recurrent = Draw(layer.Options.RecurrentDropout, batch * layer.Units);
        return run with { InputDropoutMask = input, RecurrentDropoutMask = recurrent };
    }

    /// <summary>Tensors (B, H) as double arrays, for a ReferenceRun.</summary>
    public static double[][]? ToDouble(IReadOnlyList<Tensor>? states) => states?.Select(s => TestData.ToDouble(s.Data)).ToArray();
}
