using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Input and recurrent dropout with Keras's semantics: inverted dropout, one (B, I) mask for the inputs and one (B, H)
/// mask for h before the recurrent kernel per sequence (the same at every step), drawn from the layer's own seeded
/// generator in each training Forward; the GRU state mix and the LSTM cell state never see a mask; off at inference.
/// </summary>
public sealed class RecurrentDropoutTests
{
    private const int B = 3, T = 5, I = 4, H = 6;

    public static TheoryData<string> Cells => new("lstm", "lstm_pytorch", "rnn_tanh", "rnn_relu_pytorch", "gru_reset_after", "gru_reset_before");

    [Theory]
    [MemberData(nameof(Cells))]
    public void InferenceIgnoresDropoutAndLeavesTheGeneratorAlone(string cell)
    {
        var (dropped, plain) = Twins(cell, new RecurrentOptions { ReturnSequences = true, Dropout = 0.4f, RecurrentDropout = 0.3f });
        var x = TestData.UniformTensor(new SeededRandom(9), 1.0, B, T, I);
        ulong[] before = dropped.RandomStream!.GetState();
        Assert.Equal(plain.Forward(x).Data, dropped.Forward(x, training: false).Data);
        Assert.Equal(before, dropped.RandomStream.GetState());
        Assert.Null(plain.RandomStream);
    }

    [Fact]
    public void BidirectionalInferenceIgnoresDropout()
    {
        var dropped = new Bidirectional(new Lstm(H, new RecurrentOptions { ReturnSequences = true, Dropout = 0.5f, RecurrentDropout = 0.5f }), BidirectionalMerge.Sum);
        var plain = new Bidirectional(new Lstm(H, new RecurrentOptions { ReturnSequences = true }), BidirectionalMerge.Sum);
        dropped.Build([T, I], new SeededRandom(3));
        plain.Build([T, I], new SeededRandom(4));
        CopyParameters(dropped, plain);
        var x = TestData.UniformTensor(new SeededRandom(9), 1.0, B, T, I);
        Assert.Equal(plain.Forward(x).Data, dropped.Forward(x, training: false).Data);
        Assert.NotEqual(plain.Forward(x).Data, dropped.Forward(x, training: true).Data);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void TrainingDropsAndTheSameSeedReproducesIt(string cell)
    {
        var options = new RecurrentOptions { ReturnSequences = true, Dropout = 0.4f, RecurrentDropout = 0.3f };
        var first = RecurrentTestSetup.Create(cell, H, options);
        var second = RecurrentTestSetup.Create(cell, H, options);
        first.Build([T, I], new SeededRandom(77));
        second.Build([T, I], new SeededRandom(77));
        Assert.Equal(first.ValuesArray("kernel"), second.ValuesArray("kernel"));
        var x = TestData.UniformTensor(new SeededRandom(9), 1.0, B, T, I);

        var inference = first.Forward(x).Data;
        var trained = first.Forward(x, training: true).Data;
        Assert.NotEqual(inference, trained);
        Assert.Equal(trained, second.Forward(x, training: true).Data);

        // Each training Forward draws new masks; the twin, fed the same calls, keeps in step.
        var again = first.Forward(x, training: true).Data;
        Assert.NotEqual(trained, again);
        Assert.Equal(again, second.Forward(x, training: true).Data);
    }

    /// <summary>
    /// The exact masks: replaying the layer's generator (input mask (B, I) first, then the recurrent mask (B, H))
    /// gives masks with which the double reference reproduces the layer's output, final states and every gradient,
    /// with goBackwards, a mask, initial states and final-state gradients. Only one kind of dropout on, or both.
    /// </summary>
    [Theory]
    [MemberData(nameof(MaskCases))]
    public void MasksAreOnePerSequenceAsKeras(string cell, float dropout, float recurrentDropout, bool goBackwards)
    {
        var random = new SeededRandom(123);
        var layer = RecurrentTestSetup.Create(cell, H, new RecurrentOptions { ReturnSequences = true, GoBackwards = goBackwards, Dropout = dropout, RecurrentDropout = recurrentDropout });
        layer.Build([T, I], random);
        RecurrentTestSetup.Randomize(layer, random);
        var x = TestData.UniformTensor(random, 1.0, B, T, I);
        var inputs = new RecurrentInputs { InitialStates = RecurrentComparison.RandomStates(random, layer.StateCount, B, H), Mask = goBackwards ? RecurrentComparison.RandomMask(random, B, T) : null };
        var run = new ReferenceRun { InitialStates = RecurrentTestSetup.ToDouble(inputs.InitialStates), Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data) };
        run = RecurrentTestSetup.WithDropoutMasks(run, layer, layer.RandomStream!.GetState(), B);
        Assert.Equal(dropout > 0, run.InputDropoutMask is not null);
        Assert.Equal(recurrentDropout > 0, run.RecurrentDropoutMask is not null);
        Assert.True(run.InputDropoutMask is null || run.InputDropoutMask.Contains(0), "the input mask drops nothing; pick another seed");
        Assert.True(run.RecurrentDropoutMask is null || run.RecurrentDropoutMask.Contains(0), "the recurrent mask drops nothing; pick another seed");
        RecurrentComparison.AssertMatches(layer, RecurrentTestSetup.Reference(layer), x, inputs, run, random, withFinalStateGradients: true, $"{cell} dropout {dropout} recurrent {recurrentDropout} back={goBackwards}");
    }

    public static TheoryData<string, float, float, bool> MaskCases()
    {
        var data = new TheoryData<string, float, float, bool>();
        foreach (string cell in new[] { "lstm", "rnn_tanh_pytorch", "rnn_relu", "gru_reset_after", "gru_reset_before" })
        {
            data.Add(cell, 0.3f, 0.4f, false);
            data.Add(cell, 0.5f, 0f, true);
            data.Add(cell, 0f, 0.5f, true);
        }

        return data;
    }

    /// <summary>
    /// With a zero recurrent kernel, the recurrent mask can only matter through the state mix (GRU z ⊙ h) or the
    /// cell state (LSTM f ⊙ c); Keras drops neither, so recurrent dropout alone changes nothing even in training.
    /// </summary>
    [Theory]
    [InlineData("gru_reset_after")]
    [InlineData("gru_reset_before")]
    [InlineData("lstm")]
    public void TheStateMixUsesTheUndroppedState(string cell)
    {
        var (dropped, plain) = Twins(cell, new RecurrentOptions { ReturnSequences = true, RecurrentDropout = 0.6f });
        foreach (var layer in new[] { dropped, plain })
        {
            layer.Parameter("recurrent_kernel").Values.Clear();
        }

        var x = TestData.UniformTensor(new SeededRandom(9), 1.0, B, T, I);
        var h0 = RecurrentComparison.RandomStates(new SeededRandom(10), dropped.StateCount, B, H);
        var expected = plain.Forward(x, new RecurrentInputs { InitialStates = h0 }).Data;
        Assert.Equal(expected, dropped.Forward(x, new RecurrentInputs { InitialStates = h0 }, training: true).Data);
    }

    /// <summary>About the rate of the units is dropped and the kept ones are scaled by 1/(1 − rate); masks of different sequences differ.</summary>
    [Fact]
    public void MasksDropTheRateAndScaleTheRest()
    {
        const int batch = 400;
        var layer = new Lstm(H, new RecurrentOptions { Dropout = 0.25f, RecurrentDropout = 0.5f });
        layer.Build([T, I], new SeededRandom(5));
        var run = RecurrentTestSetup.WithDropoutMasks(new ReferenceRun(), layer, layer.RandomStream!.GetState(), batch);
        foreach (var (mask, rate) in new[] { (run.InputDropoutMask!, 0.25), (run.RecurrentDropoutMask!, 0.5) })
        {
            double dropped = mask.Count(m => m == 0) / (double)mask.Length;
            Assert.InRange(dropped, rate - 0.05, rate + 0.05);
            Assert.All(mask, m => Assert.True(m == 0 || m == (float)(1 / (1 - rate)), $"mask value {m}"));
        }
    }

    private static (RecurrentLayer Dropped, RecurrentLayer Plain) Twins(string cell, RecurrentOptions options)
    {
        var dropped = RecurrentTestSetup.Create(cell, H, options);
        var plain = RecurrentTestSetup.Create(cell, H, options with { Dropout = 0, RecurrentDropout = 0 });
        dropped.Build([T, I], new SeededRandom(3));
        plain.Build([T, I], new SeededRandom(4));
        var random = new SeededRandom(8);
        RecurrentTestSetup.Randomize(dropped, random);
        CopyParameters(dropped, plain);
        return (dropped, plain);
    }

    private static void CopyParameters(Layer from, Layer to)
    {
        Assert.Equal(from.Parameters.Select(p => p.FullName), to.Parameters.Select(p => p.FullName));
        for (int i = 0; i < from.Parameters.Count; i++)
        {
            from.Parameters[i].Values.CopyTo(to.Parameters[i].Values);
        }
    }
}
