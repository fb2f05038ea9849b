using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Examples.TextGeneration;

/// <summary>
/// Writes text one character at a time with the trained Embedding → GRU → TimeDistributed(Dense) model, the way a
/// real-time application would: a <see cref="RecurrentStream"/> keeps the GRU's state, so each new character costs
/// one step, not a rerun over the whole context. The embedding row and the Dense layer are applied by hand from
/// the model's own parameters.
/// </summary>
internal sealed class CharSampler
{
    private readonly int _vocabulary;
    private readonly int _embeddingSize;
    private readonly int _units;
    private readonly Parameter _embeddings;
    private readonly Parameter _kernel;
    private readonly Parameter _bias;
    private readonly RecurrentStream _stream;
    private readonly float[] _hidden;
    private readonly double[] _weights;

    public CharSampler(Sequential model)
    {
        var embedding = (Embedding)model.Layers[0];
        var gru = (Gru)model.Layers[1];
        var dense = (Dense)((TimeDistributed)model.Layers[2]).Inner;
        _vocabulary = embedding.InputDim;
        _embeddingSize = embedding.OutputDim;
        _units = gru.Units;
        _embeddings = Named(embedding, "embeddings");
        _kernel = Named(dense, "kernel");
        _bias = Named(dense, "bias");
        _stream = gru.CreateStream(batch: 1);
        _hidden = new float[_units];
        _weights = new double[_vocabulary];
    }

    /// <summary>
    /// Reads <paramref name="prime"/> from a zero state, then draws <paramref name="count"/> characters, each from
    /// softmax(logits / temperature), feeding every drawn character back in.
    /// </summary>
    public int[] Generate(ReadOnlySpan<int> prime, int count, double temperature, SeededRandom random)
    {
        _stream.Reset();
        foreach (int token in prime)
        {
            Feed(token);
        }

        var output = new int[count];
        for (int i = 0; i < count; i++)
        {
            output[i] = Draw(temperature, random);
            Feed(output[i]);
        }

        return output;
    }

    /// <summary>P(next character) after reading <paramref name="context"/> from a zero state, at temperature 1.</summary>
    public double[] Probabilities(ReadOnlySpan<int> context)
    {
        _stream.Reset();
        foreach (int token in context)
        {
            Feed(token);
        }

        double total = Softmax(1.0);
        return _weights.Select(p => p / total).ToArray();
    }

    // x = embeddings[token] (D) → one GRU step → h (H).
    private void Feed(int token) => _stream.Step(_embeddings.Values.Slice(token * _embeddingSize, _embeddingSize), _hidden);

    // A draw from softmax(logits / τ) by inverting its cumulative sum.
    private int Draw(double temperature, SeededRandom random)
    {
        double u = random.NextDouble() * Softmax(temperature);
        for (int v = 0; v < _vocabulary; v++)
        {
            u -= _weights[v];
            if (u < 0)
            {
                return v;
            }
        }

        // Rounding can leave u at a hair above zero after the last term; the last character with any weight takes it.
        return Array.FindLastIndex(_weights, p => p > 0);
    }

    // logits = h · kernel (H, V) + bias; leaves the unnormalised softmax weights exp((logits − max) / τ) in _weights and returns their sum.
    private double Softmax(double temperature)
    {
        var kernel = _kernel.Values;
        var bias = _bias.Values;
        double max = double.NegativeInfinity;
        for (int v = 0; v < _vocabulary; v++)
        {
            double sum = bias[v];
            for (int j = 0; j < _units; j++)
            {
                sum += _hidden[j] * kernel[(j * _vocabulary) + v];
            }

            _weights[v] = sum / temperature;
            max = Math.Max(max, _weights[v]);
        }

        double total = 0;
        for (int v = 0; v < _vocabulary; v++)
        {
            _weights[v] = Math.Exp(_weights[v] - max);
            total += _weights[v];
        }

        return total;
    }

    private static Parameter Named(Layer layer, string name) => layer.Parameters.Single(p => p.Name == name);
}
