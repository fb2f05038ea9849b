using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Parameter counts as DESIGN.md gives them, per layer and direction: GRU reset after 3H(I + H + 2), reset before
/// 3H(I + H + 1); LSTM Keras 4H(I + H + 1), PyTorch (separateRecurrentBias) 4H(I + H + 2); SimpleRNN H(I + H + 1),
/// H(I + H + 2); Bidirectional twice the wrapped layer. And Sequential.Summary() shows them with the output shapes.
/// </summary>
public sealed class RecurrentSummaryTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (string cell in RecurrentTestSetup.CellNames)
        {
            foreach (var (inputSize, units) in new[] { (1, 1), (3, 7), (16, 33), (5, 128) })
            {
                data.Add(cell, inputSize, units);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ParameterCountsFollowTheFormulas(string cell, int inputSize, int units)
    {
        // PyTorch init: the count does not depend on it, and Keras's orthogonal init of a (128, 512) kernel is slow.
        var options = new RecurrentOptions { Init = WeightInit.PyTorch };
        long expected = Formula(cell, inputSize, units);
        var layer = RecurrentTestSetup.Create(cell, units, options);
        layer.Build([4, inputSize], new SeededRandom(1));
        Assert.Equal(expected, layer.ParameterCount);

        foreach (var merge in Enum.GetValues<BidirectionalMerge>())
        {
            var bi = new Bidirectional(RecurrentTestSetup.Create(cell, units, options), merge);
            bi.Build([4, inputSize], new SeededRandom(1));
            Assert.Equal(2 * expected, bi.ParameterCount);
        }
    }

    [Fact]
    public void SummaryShowsShapesAndCounts()
    {
        var model = new Sequential(
            new Gru(7, new RecurrentOptions { ReturnSequences = true }, GruVariant.ResetBefore),
            new Lstm(5, new RecurrentOptions { ReturnSequences = true }, separateRecurrentBias: true),
            new Bidirectional(new SimpleRnn(3, new RecurrentOptions { ReturnSequences = true }, SimpleRnnActivation.Relu), BidirectionalMerge.Concat),
            new Bidirectional(new Lstm(2, new RecurrentOptions()), BidirectionalMerge.Sum),
            new Dense(1));
        model.Build([10, 4], seed: 3);
        long gru = 3 * 7 * (4 + 7 + 1), lstm = 4 * 5 * (7 + 5 + 2), rnn = 2 * 3 * (5 + 3 + 1), bilstm = 2 * 4 * 2 * (6 + 2 + 1), dense = 2 + 1;
        Assert.Equal(gru + lstm + rnn + bilstm + dense, model.ParameterCount);
        string[] lines = model.Summary().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        AssertRow(lines, "gru (GRU)", "(None, 10, 7)", gru);
        AssertRow(lines, "lstm (LSTM)", "(None, 10, 5)", lstm);
        AssertRow(lines, "bidirectional (Bidirectional)", "(None, 10, 6)", rnn);
        AssertRow(lines, "bidirectional_1 (Bidirectional)", "(None, 2)", bilstm);
        AssertRow(lines, "dense (Dense)", "(None, 1)", dense);
        Assert.Contains($"Total params: {gru + lstm + rnn + bilstm + dense:N0}", lines);
    }

    private static void AssertRow(string[] lines, string name, string shape, long count)
    {
        string row = Assert.Single(lines, l => l.StartsWith(name + " ", StringComparison.Ordinal));
        string[] cells = row[name.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal([.. shape.Split(' '), count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)], cells);
    }

    private static long Formula(string cell, long i, long h) => cell switch
    {
        "gru_reset_after" => 3 * h * (i + h + 2),
        "gru_reset_before" => 3 * h * (i + h + 1),
        "lstm" => 4 * h * (i + h + 1),
        "lstm_pytorch" => 4 * h * (i + h + 2),
        "rnn_tanh" or "rnn_relu" => h * (i + h + 1),
        "rnn_tanh_pytorch" or "rnn_relu_pytorch" => h * (i + h + 2),
        _ => throw new ArgumentException(cell, nameof(cell)),
    };
}
