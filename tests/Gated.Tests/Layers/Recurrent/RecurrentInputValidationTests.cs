using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>
/// Bad inputs to a recurrent layer or Bidirectional throw an ArgumentException (or a subclass) whose ParamName names
/// the argument at fault: "lengths", "mask", "initialStates" (count, null entry), "initialState" (shape), "input",
/// "inputs" (a mask and lengths together: two members of that argument that exclude each other).
/// </summary>
public sealed class RecurrentInputValidationTests
{
    private const int B = 2, T = 4, I = 3, H = 5;

    public static TheoryData<string> Layers => new("lstm", "rnn_tanh", "gru_reset_after", "gru_reset_before", "bidirectional_lstm", "bidirectional_gru");

    [Theory]
    [MemberData(nameof(Layers))]
    public void BadLengthsNameLengths(string kind)
    {
        var layer = Create(kind);
        foreach (int[] lengths in new[] { new[] { T + 1, 2 }, new[] { 0, 2 }, new[] { -1, 2 }, new[] { 2 }, new[] { 2, 2, 2 } })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => Forward(layer, new RecurrentInputs { Lengths = lengths }));
            Assert.Equal("lengths", e.ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void BadMasksNameMask(string kind)
    {
        var layer = Create(kind);
        var masks = new[]
        {
            new Tensor(B, T + 1), new Tensor(B + 1, T), new Tensor(B * T), new Tensor(B, T, 1),
            Filled(0.5f), Filled(2f), Filled(-1f), Filled(float.NaN),
        };
        foreach (var mask in masks)
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => Forward(layer, new RecurrentInputs { Mask = mask }));
            Assert.Equal("mask", e.ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void AMaskAndLengthsTogetherNameInputs(string kind)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Forward(Create(kind), new RecurrentInputs { Mask = Filled(1f), Lengths = [T, T] }));
        Assert.Equal("inputs", e.ParamName);
    }

    [Theory]
    [InlineData("lstm", 1)]
    [InlineData("lstm", 3)]
    [InlineData("rnn_tanh", 2)]
    [InlineData("gru_reset_after", 0)]
    [InlineData("gru_reset_before", 2)]
    public void AWrongNumberOfInitialStatesNamesInitialStates(string kind, int count)
    {
        var layer = Create(kind);
        var e = Assert.ThrowsAny<ArgumentException>(() => Forward(layer, new RecurrentInputs { InitialStates = States(count, B, H) }));
        Assert.Equal("initialStates", e.ParamName);
    }

    [Theory]
    [InlineData("bidirectional_lstm", 2)]
    [InlineData("bidirectional_lstm", 5)]
    [InlineData("bidirectional_gru", 1)]
    [InlineData("bidirectional_gru", 3)]
    public void BidirectionalTakesTwiceTheStates(string kind, int count)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Forward(Create(kind), new RecurrentInputs { InitialStates = States(count, B, H) }));
        Assert.Equal("initialStates", e.ParamName);
    }

    [Theory]
    [InlineData("bidirectional_lstm", 2)]
    [InlineData("bidirectional_gru", 1)]
    public void BidirectionalNamesInitialStatesLikeTheLayers(string kind, int count)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Forward(Create(kind), new RecurrentInputs { InitialStates = States(count, B, H) }));
        Assert.Equal("initialStates", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void AnInitialStateOfTheWrongShapeNamesInitialState(string kind)
    {
        var layer = Create(kind);
        int count = StateCount(layer);
        foreach (var shape in new[] { new[] { B, H + 1 }, new[] { B + 1, H }, new[] { B * H }, new[] { B, H, 1 } })
        {
            var states = States(count, B, H);
            states[count - 1] = new Tensor(shape);
            var e = Assert.ThrowsAny<ArgumentException>(() => Forward(layer, new RecurrentInputs { InitialStates = states }));
            Assert.Equal("initialState", e.ParamName);
        }
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void ANullInitialStateNamesInitialStates(string kind)
    {
        var layer = Create(kind);
        var states = States(StateCount(layer), B, H);
        states[0] = null!;
        var e = Assert.ThrowsAny<ArgumentException>(() => Forward(layer, new RecurrentInputs { InitialStates = states }));
        Assert.Equal("initialStates", e.ParamName);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void AnInputOfTheWrongShapeNamesInput(string kind)
    {
        var layer = Create(kind);
        foreach (var shape in new[] { new[] { B, T, I + 1 }, new[] { B, I }, new[] { B, T, I, 1 }, new[] { B, 0, I } })
        {
            var e = Assert.ThrowsAny<ArgumentException>(() => layer.Forward(new Tensor(shape)));
            Assert.Equal("input", e.ParamName);
        }

        // Any positive number of steps is fine.
        layer.Forward(new Tensor(B, T + 3, I));
        layer.Forward(new Tensor(B, 1, I));
    }

    [Fact]
    public void BackwardChecksItsArguments()
    {
        var lstm = new Lstm(H, new RecurrentOptions { ReturnSequences = true });
        lstm.Build([T, I], new SeededRandom(1));
        var x = TestData.UniformTensor(new SeededRandom(2), 1.0, B, T, I);
        lstm.Forward(x);
        Assert.Throws<InvalidOperationException>(() => lstm.Backward(new Tensor(B, T, H)));
        lstm.Forward(x, training: true);
        Assert.Equal("outputGradient", Assert.Throws<ArgumentException>(() => lstm.Backward(new Tensor(B, H))).ParamName);
        Assert.Equal("finalStateGradients", Assert.Throws<ArgumentException>(() => lstm.Backward(new Tensor(B, T, H), [null, new Tensor(B, H + 1)])).ParamName);

        // A rejected Forward leaves nothing a Backward could misread.
        Assert.ThrowsAny<ArgumentException>(() => lstm.Forward(x, new RecurrentInputs { Lengths = [T + 1, 1] }, training: true));
        Assert.Throws<InvalidOperationException>(() => lstm.Backward(new Tensor(B, T, H)));
    }

    [Fact]
    public void BadOptionsNameTheOption()
    {
        Assert.Equal("Dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(3, new RecurrentOptions { Dropout = 1f })).ParamName);
        Assert.Equal("Dropout", Assert.Throws<ArgumentOutOfRangeException>(() => new Gru(3, new RecurrentOptions { Dropout = -0.1f })).ParamName);
        Assert.Equal("RecurrentDropout", Assert.Throws<ArgumentOutOfRangeException>(() => new SimpleRnn(3, new RecurrentOptions { RecurrentDropout = float.NaN })).ParamName);
        Assert.Equal("units", Assert.Throws<ArgumentOutOfRangeException>(() => new Lstm(0)).ParamName);
        Assert.Equal("activation", Assert.Throws<ArgumentOutOfRangeException>(() => new SimpleRnn(2, new RecurrentOptions(), (SimpleRnnActivation)7)).ParamName);
        Assert.Equal("variant", Assert.Throws<ArgumentOutOfRangeException>(() => new Gru(2, new RecurrentOptions(), (GruVariant)7)).ParamName);
        Assert.Equal("merge", Assert.Throws<ArgumentOutOfRangeException>(() => new Bidirectional(new Gru(2), (BidirectionalMerge)9)).ParamName);
    }

    private static Layer Create(string kind)
    {
        var options = new RecurrentOptions { ReturnSequences = true };
        Layer layer = kind switch
        {
            "bidirectional_lstm" => new Bidirectional(new Lstm(H, options)),
            "bidirectional_gru" => new Bidirectional(new Gru(H, options)),
            _ => RecurrentTestSetup.Create(kind, H, options),
        };
        layer.Build([T, I], new SeededRandom(1));
        return layer;
    }

    private static int StateCount(Layer layer) => layer switch
    {
        RecurrentLayer r => r.StateCount,
        Bidirectional b => 2 * b.ForwardLayer.StateCount,
        _ => throw new ArgumentException(layer.TypeName, nameof(layer)),
    };

    private static Tensor Forward(Layer layer, RecurrentInputs inputs)
    {
        var x = TestData.UniformTensor(new SeededRandom(3), 1.0, B, T, I);
        return layer switch
        {
            RecurrentLayer r => r.Forward(x, inputs),
            Bidirectional b => b.Forward(x, inputs),
            _ => throw new ArgumentException(layer.TypeName, nameof(layer)),
        };
    }

    private static Tensor[] States(int count, int batch, int units) => Enumerable.Range(0, count).Select(_ => new Tensor(batch, units)).ToArray();

    private static Tensor Filled(float value)
    {
        var mask = new Tensor(B, T);
        mask.Data.AsSpan().Fill(1f);
        mask.Data[B * T / 2] = value;
        return mask;
    }
}
