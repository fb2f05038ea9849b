using Gated.Models;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Tests.Threading;
using Xunit;
using static Gated.Tests.Models.PredictorModels;

namespace Gated.Tests.Models;

/// <summary>
/// A ModelStream advances a whole model a step at a time: its output at step t equals Predict on the first t + 1 steps
/// (a model that returns the last step) or Predict's row t (one that returns sequences), padding included; steps
/// allocate nothing; 8 streams of one predictor stepped on 8 threads at once give what they give one by one; a
/// Bidirectional model refuses, naming the layer.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class ModelStreamTests
{
    private const int B = 3;

    [Theory]
    [InlineData("gru")]
    [InlineData("gru_reset_before")]
    [InlineData("lstm")]
    [InlineData("rnn")]
    [InlineData("embedding")]
    [InlineData("masked")]
    [InlineData("sequences")]
    public void StepsEqualPredictOnThePrefixes(string kind)
    {
        var model = Model(kind);
        var x = Inputs(kind, B, 8);
        if (kind == "masked")
        {
            // Leading padding for sequence 0, a padded step inside sequence 1.
            x.Data[0] = x.Data[1] = 0;
            x.Data[Steps + 4] = 0;
        }

        var stream = model.CreateStream(B);
        Assert.Equal(B, stream.Batch);
        Assert.Equal(IsTokens(kind) ? 1 : Features, stream.InputSize);
        bool sequences = kind == "sequences";
        Assert.Equal(sequences ? model.OutputShape[1] : model.OutputShape[0], stream.OutputSize);
        var full = sequences ? model.Predict(x) : null;
        var output = new float[B * stream.OutputSize];
        for (int t = 0; t < Steps; t++)
        {
            stream.Step(StepInput(x, t, stream.InputSize), output);
            var expected = sequences ? Row(full!, t) : model.Predict(Prefix(x, t + 1)).Data;
            NumericAssert.Close(expected, output, 1e-5, 1e-5, $"{kind} step {t}");
        }

        stream.Reset();
        stream.Step(StepInput(x, 0, stream.InputSize), output);
        var first = sequences ? Row(full!, 0) : model.Predict(Prefix(x, 1)).Data;
        NumericAssert.Close(first, output, 1e-5, 1e-5, $"{kind} after Reset");
    }

    [Theory]
    [InlineData("gru", 1)]
    [InlineData("embedding", 2)]
    [InlineData("masked", 1)]
    [InlineData("sequences", 2)]
    public void StepsAllocateNothing(string kind, int threads)
    {
        using var count = new ThreadCount(threads);
        var model = Model(kind);
        var stream = model.CreatePredictor().CreateStream(B);
        var x = Inputs(kind, B, 9);
        var input = StepInput(x, 0, stream.InputSize);
        var output = new float[B * stream.OutputSize];
        for (int i = 0; i < 5; i++)
        {
            stream.Step(input, output);
        }

        long allocated = AllocatedOnceWarm(() =>
        {
            for (int i = 0; i < 50; i++)
            {
                stream.Step(input, output);
            }
        });
        Assert.Equal(0, allocated);
    }

    [Theory]
    [InlineData("gru", 1)]
    [InlineData("gru", 2)]
    [InlineData("lstm", 2)]
    [InlineData("embedding", 2)]
    [InlineData("sequences", 1)]
    public void EightStreamsOfOnePredictorSteppedAtOnceGiveTheOneByOneOutputs(string kind, int threads)
    {
        using var count = new ThreadCount(threads);
        var model = Model(kind);
        var predictor = model.CreatePredictor();
        var inputs = Enumerable.Range(0, 8).Select(i => Inputs(kind, B, (ulong)(20 + i))).ToArray();
        var expected = inputs.Select(x => Run(predictor.CreateStream(B), x)).ToArray();

        var streams = inputs.Select(_ => predictor.CreateStream(B)).ToArray();
        var results = RunConcurrently(8, 1, (thread, _) => Run(streams[thread], inputs[thread]));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], results[i]);
        }
    }

    [Fact]
    public void WideRecurrentStreamsOfOneLayerStepAtOnce()
    {
        // 264 units with a one-row batch: every step splits by units on the worker pool.
        using var count = new ThreadCount(2);
        var model = new Sequential(new Gated.Layers.Recurrent.Gru(264), new Gated.Layers.Dense(1));
        model.Build([Steps, Features], seed: 3);
        var predictor = model.CreatePredictor();
        var inputs = Enumerable.Range(0, 8).Select(i => Inputs("gru", 1, (ulong)(40 + i))).ToArray();
        var expected = inputs.Select(x => Run(predictor.CreateStream(1), x)).ToArray();
        var streams = inputs.Select(_ => predictor.CreateStream(1)).ToArray();
        var results = RunConcurrently(8, 1, (thread, _) => Run(streams[thread], inputs[thread]));
        for (int i = 0; i < 8; i++)
        {
            Assert.Equal(expected[i], results[i]);
        }
    }

    [Fact]
    public void BidirectionalModelsCannotStream()
    {
        var model = Model("bidirectional");
        var error = Assert.Throws<NotSupportedException>(() => model.CreateStream(2));
        Assert.Contains("Bidirectional", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WrongSizesAndTokensThrow()
    {
        var stream = Model("embedding").CreateStream(2);
        var output = new float[2 * stream.OutputSize];
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => stream.Step(new float[3], output)).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => stream.Step(new float[2], new float[1])).ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Step(new float[] { 1, Vocabulary }, output));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.Step(new float[] { 1.5f, 1 }, output));
    }

    // Every step's output bits of the sequences x stepped through the stream from its start.
    private static int[] Run(ModelStream stream, Tensor x)
    {
        var output = new float[stream.Batch * stream.OutputSize];
        var all = new List<int>();
        for (int t = 0; t < Steps; t++)
        {
            stream.Step(StepInput(x, t, stream.InputSize), output);
            all.AddRange(Bits(output));
        }

        return [.. all];
    }

    // Step t of every sequence of x (B, T[, F]), (B, size).
    private static float[] StepInput(Tensor x, int t, int size)
    {
        int batch = x.Shape[0];
        var step = new float[batch * size];
        for (int b = 0; b < batch; b++)
        {
            x.Data.AsSpan(((b * Steps) + t) * size, size).CopyTo(step.AsSpan(b * size, size));
        }

        return step;
    }

    // The first `steps` steps of every sequence.
    private static Tensor Prefix(Tensor x, int steps)
    {
        int batch = x.Shape[0], size = x.Length / (batch * Steps);
        var prefix = x.Rank == 2 ? new Tensor(batch, steps) : new Tensor(batch, steps, size);
        for (int b = 0; b < batch; b++)
        {
            x.Data.AsSpan(b * Steps * size, steps * size).CopyTo(prefix.Data.AsSpan(b * steps * size, steps * size));
        }

        return prefix;
    }

    // Row t of a (B, T, F) output, (B, F).
    private static float[] Row(Tensor y, int t)
    {
        int batch = y.Shape[0], f = y.Shape[2];
        var row = new float[batch * f];
        for (int b = 0; b < batch; b++)
        {
            y.Data.AsSpan(((b * y.Shape[1]) + t) * f, f).CopyTo(row.AsSpan(b * f, f));
        }

        return row;
    }
}
