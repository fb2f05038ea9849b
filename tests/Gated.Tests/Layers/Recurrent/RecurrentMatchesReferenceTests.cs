using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Every cell (LSTM with one or two biases, SimpleRNN tanh / ReLU with one or two biases, GRU reset after / before)
/// against its double reference under every option of the shared time loop: returnSequences on and off,
/// goBackwards, initial states, final-state gradients, and a mask with holes or per-sequence lengths; forward and
/// backward (dx, every parameter gradient, initial-state gradients) on odd shapes (B = 1, T = 1, H = 1, H not a
/// multiple of any vector width); every other shape also feeds gradients into the final states.
/// Tolerances in <see cref="RecurrentComparison"/>.
/// </summary>
public sealed class RecurrentMatchesReferenceTests
{
    private static readonly (int Batch, int Steps, int InputSize, int Units)[] Shapes = [(1, 1, 3, 5), (3, 1, 1, 1), (1, 5, 2, 3), (2, 6, 3, 17), (4, 4, 5, 9)];

    public static TheoryData<string, bool, bool, bool, StepSelection> Cases()
    {
        var data = new TheoryData<string, bool, bool, bool, StepSelection>();
        foreach (string cell in RecurrentTestSetup.CellNames)
        {
            foreach (bool returnSequences in new[] { true, false })
            {
                foreach (bool goBackwards in new[] { false, true })
                {
                    foreach (bool withStates in new[] { false, true })
                    {
                        foreach (var steps in new[] { StepSelection.All, StepSelection.Mask, StepSelection.Lengths })
                        {
                            data.Add(cell, returnSequences, goBackwards, withStates, steps);
                        }
                    }
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ForwardAndBackwardMatchReference(string cell, bool returnSequences, bool goBackwards, bool withStates, StepSelection steps)
    {
        for (int shape = 0; shape < Shapes.Length; shape++)
        {
            var (batch, time, inputSize, units) = Shapes[shape];
            bool finalGradients = shape % 2 == 1;
            string what = $"{cell} B={batch} T={time} I={inputSize} H={units} seq={returnSequences} back={goBackwards} states={withStates} {steps} dFinal={finalGradients}";
            var random = new SeededRandom((ulong)((units * 1000) + (inputSize * 100) + (batch * 10) + time));
            var layer = RecurrentTestSetup.Create(cell, units, new RecurrentOptions { ReturnSequences = returnSequences, GoBackwards = goBackwards });
            layer.Build([time, inputSize], random);
            RecurrentTestSetup.Randomize(layer, random);
            var reference = RecurrentTestSetup.Reference(layer);

            var x = TestData.UniformTensor(random, 1.0, batch, time, inputSize);
            var inputs = new RecurrentInputs
            {
                InitialStates = withStates ? RecurrentComparison.RandomStates(random, layer.StateCount, batch, units) : null,
                Mask = steps == StepSelection.Mask ? RecurrentComparison.RandomMask(random, batch, time) : null,
                Lengths = steps == StepSelection.Lengths ? RecurrentComparison.RandomLengths(random, batch, time) : null,
            };
            var run = new ReferenceRun
            {
                InitialStates = RecurrentTestSetup.ToDouble(inputs.InitialStates),
                Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data),
                Lengths = inputs.Lengths?.ToArray(),
            };
            RecurrentComparison.AssertMatches(layer, reference, x, inputs, run, random, finalGradients, what);
        }
    }

    /// <summary>
    /// One layer, many calls: batch and sequence length grow and shrink, a mask comes and goes, dropout is on in
    /// training; each call still matches a fresh reference (the reused workspace keeps nothing stale).
    /// </summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void ReusedWorkspacesFollowShapeChanges(string cell)
    {
        var random = new SeededRandom(99);
        var layer = RecurrentTestSetup.Create(cell, 6, new RecurrentOptions { ReturnSequences = true, Dropout = 0.2f, RecurrentDropout = 0.3f });
        layer.Build([5, 3], random);
        RecurrentTestSetup.Randomize(layer, random);
        foreach (var (batch, time, masked) in new[] { (4, 6, true), (2, 3, false), (5, 8, true), (1, 1, false), (3, 2, true) })
        {
            string what = $"{cell} B={batch} T={time} mask={masked}";
            var x = TestData.UniformTensor(random, 1.0, batch, time, 3);
            var inputs = new RecurrentInputs
            {
                Mask = masked ? RecurrentComparison.RandomMask(random, batch, time) : null,
                InitialStates = masked ? null : RecurrentComparison.RandomStates(random, layer.StateCount, batch, 6),
            };
            var run = new ReferenceRun { Mask = inputs.Mask is null ? null : TestData.ToDouble(inputs.Mask.Data), InitialStates = RecurrentTestSetup.ToDouble(inputs.InitialStates) };
            run = RecurrentTestSetup.WithDropoutMasks(run, layer, layer.RandomStream!.GetState(), batch);
            RecurrentComparison.AssertMatches(layer, RecurrentTestSetup.Reference(layer), x, inputs, run, random, withFinalStateGradients: masked, what);

            // An inference call in between changes nothing a later training call relies on.
            layer.Forward(TestData.UniformTensor(random, 1.0, batch + 1, time + 2, 3));
        }
    }

    /// <summary>Backward adds into Parameter.Gradients: a second Backward of the same Forward doubles them and returns the same dx.</summary>
    [Theory]
    [MemberData(nameof(Cells))]
    public void BackwardAddsIntoTheGradients(string cell)
    {
        var random = new SeededRandom(98);
        var layer = RecurrentTestSetup.Create(cell, 4, new RecurrentOptions { ReturnSequences = true });
        layer.Build([5, 3], random);
        RecurrentTestSetup.Randomize(layer, random);
        var x = TestData.UniformTensor(random, 1.0, 2, 5, 3);
        var dy = TestData.UniformTensor(random, 1.0, 2, 5, 4);
        layer.Forward(x, new RecurrentInputs { Lengths = [5, 3] }, training: true);
        layer.ZeroGradients();
        var dx1 = layer.Backward(dy).Data;
        var once = layer.Parameters.Select(p => p.Gradients.ToArray()).ToArray();
        var dx2 = layer.Backward(dy).Data;
        Assert.Equal(dx1, dx2);
        for (int i = 0; i < once.Length; i++)
        {
            NumericAssert.Close(once[i].Select(v => 2.0 * v).ToArray(), layer.Parameters[i].Gradients, 1e-6, 1e-6, $"{cell} d{layer.Parameters[i].Name} after two Backwards");
        }
    }

    public static TheoryData<string> Cells => new(RecurrentTestSetup.CellNames);

    [Theory]
    [InlineData("lstm", 4, new[] { "kernel", "recurrent_kernel", "bias" })]
    [InlineData("lstm_pytorch", 4, new[] { "kernel", "recurrent_kernel", "bias", "recurrent_bias" })]
    [InlineData("rnn_tanh", 1, new[] { "kernel", "recurrent_kernel", "bias" })]
    [InlineData("rnn_relu_pytorch", 1, new[] { "kernel", "recurrent_kernel", "bias", "recurrent_bias" })]
    public void ParametersHaveKerasNamesAndShapes(string cell, int gates, string[] names)
    {
        var layer = RecurrentTestSetup.Create(cell, 7, new RecurrentOptions());
        layer.Build([5, 3], new SeededRandom(1));
        Assert.Equal(names, layer.Parameters.Select(p => p.Name));
        Assert.Equal([3, gates * 7], layer.Parameters[0].Shape);
        Assert.Equal([7, gates * 7], layer.Parameters[1].Shape);
        Assert.All(layer.Parameters.Skip(2), p => Assert.Equal([gates * 7], p.Shape));
    }

    /// <summary>Keras initialises the LSTM forget-gate bias to 1 (unit_forget_bias) and every other bias to 0.</summary>
    [Fact]
    public void KerasLstmStartsWithTheForgetGateOpen()
    {
        var lstm = new Lstm(5);
        lstm.Build([4, 3], new SeededRandom(2));
        float[] bias = lstm.ValuesArray("bias");
        Assert.Equal(Enumerable.Repeat(0f, 5).Concat(Enumerable.Repeat(1f, 5)).Concat(Enumerable.Repeat(0f, 10)), bias);
    }
}
