using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Stateful mode (Keras stateful=True): the final states of one Forward are the initial states of the next, so two
/// calls on consecutive chunks equal one call on the whole sequence, until ResetStates(); a new batch size throws.
/// </summary>
public sealed class RecurrentStateTests
{
    private const int B = 3, I = 2, H = 5;

    public static TheoryData<string> Cells => new("lstm", "rnn_tanh", "rnn_relu_pytorch", "gru_reset_after", "gru_reset_before");

    [Theory]
    [MemberData(nameof(Cells))]
    public void ChunksEqualTheWholeSequence(string cell)
    {
        var (stateful, plain) = Twins(cell, returnSequences: true);
        var random = new SeededRandom(5);
        var first = TestData.UniformTensor(random, 1.0, B, 4, I);
        var second = TestData.UniformTensor(random, 1.0, B, 3, I);
        var whole = Concatenate(first, second);

        var expected = plain.Forward(whole).Data;
        var y1 = stateful.Forward(first);
        var y2 = stateful.Forward(second, training: true);
        NumericAssert.Close(expected, [.. Concatenate(y1, y2).Data], 1e-6, 0, $"{cell} chunked outputs");
        for (int k = 0; k < plain.StateCount; k++)
        {
            NumericAssert.Close(plain.FinalStates[k].Data, stateful.FinalStates[k].Data, 1e-6, 0, $"{cell} final state {k}");
        }

        // A carried state is not an input of this call: no initial-state gradient is reported.
        stateful.Backward(TestData.UniformTensor(random, 1.0, y2.Shape));
        Assert.Null(stateful.InitialStateGradients);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void ResetStatesStartsFromZeroAgain(string cell)
    {
        var (stateful, plain) = Twins(cell, returnSequences: false);
        var x = TestData.UniformTensor(new SeededRandom(6), 1.0, B, 4, I);
        var fresh = stateful.Forward(x).Data;
        Assert.NotEqual(fresh, stateful.Forward(x).Data);
        stateful.ResetStates();
        Assert.Equal(fresh, stateful.Forward(x).Data);
        Assert.Equal(plain.Forward(x).Data, fresh);
    }

    [Fact]
    public void GivenInitialStatesOverrideTheCarriedOnes()
    {
        var (stateful, plain) = Twins("lstm", returnSequences: true);
        var x = TestData.UniformTensor(new SeededRandom(7), 1.0, B, 4, I);
        var states = RecurrentComparison.RandomStates(new SeededRandom(8), 2, B, H);
        stateful.Forward(x);
        var y = stateful.Forward(x, new RecurrentInputs { InitialStates = states });
        Assert.Equal(plain.Forward(x, new RecurrentInputs { InitialStates = states }).Data, y.Data);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void ABatchSizeChangeThrowsNamingTheInputUntilReset(string cell)
    {
        var (stateful, _) = Twins(cell, returnSequences: false);
        stateful.Forward(TestData.UniformTensor(new SeededRandom(9), 1.0, B, 4, I));
        var other = TestData.UniformTensor(new SeededRandom(10), 1.0, B + 1, 4, I);
        var e = Assert.Throws<ArgumentException>(() => stateful.Forward(other));
        Assert.Equal("input", e.ParamName);
        Assert.Contains("ResetStates", e.Message, StringComparison.Ordinal);
        stateful.ResetStates();
        NumericAssert.ShapeEqual([B + 1, H], stateful.Forward(other).Shape, "after reset");
    }

    /// <summary>The time axis may change between calls (only the batch must stay).</summary>
    [Fact]
    public void ChunksMayHaveDifferentLengths()
    {
        var (stateful, plain) = Twins("gru_reset_after", returnSequences: false);
        var random = new SeededRandom(11);
        var chunks = new[] { 1, 5, 2 }.Select(t => TestData.UniformTensor(random, 1.0, B, t, I)).ToArray();
        foreach (var chunk in chunks)
        {
            stateful.Forward(chunk);
        }

        var whole = Concatenate(Concatenate(chunks[0], chunks[1]), chunks[2]);
        NumericAssert.Close(plain.Forward(whole).Data, stateful.FinalState.Data, 1e-6, 0, "final state");
    }

    private static (RecurrentLayer Stateful, RecurrentLayer Plain) Twins(string cell, bool returnSequences)
    {
        var stateful = RecurrentTestSetup.Create(cell, H, new RecurrentOptions { ReturnSequences = returnSequences, Stateful = true });
        var plain = RecurrentTestSetup.Create(cell, H, new RecurrentOptions { ReturnSequences = returnSequences });
        stateful.Build([4, I], new SeededRandom(3));
        plain.Build([4, I], new SeededRandom(4));
        RecurrentTestSetup.Randomize(stateful, new SeededRandom(12));
        for (int i = 0; i < stateful.Parameters.Count; i++)
        {
            stateful.Parameters[i].Values.CopyTo(plain.Parameters[i].Values);
        }

        return (stateful, plain);
    }

    // (B, T1, F) and (B, T2, F) → (B, T1 + T2, F).
    private static Tensor Concatenate(Tensor a, Tensor b)
    {
        int batch = a.Shape[0], t1 = a.Shape[1], t2 = b.Shape[1], f = a.Shape[2];
        var result = new Tensor(batch, t1 + t2, f);
        for (int n = 0; n < batch; n++)
        {
            a.Data.AsSpan(n * t1 * f, t1 * f).CopyTo(result.Data.AsSpan(n * (t1 + t2) * f));
            b.Data.AsSpan(n * t2 * f, t2 * f).CopyTo(result.Data.AsSpan((n * (t1 + t2) * f) + (t1 * f)));
        }

        return result;
    }
}
