using Gated.Models;
using Gated.Tensors;
using Gated.Tests.Threading;
using Xunit;
using static Gated.Tests.Models.PredictorModels;

namespace Gated.Tests.Models;

/// <summary>
/// Sequential.Predict from 8 threads at once, and predictors (one per thread) sharing the model's weights, give the
/// single-threaded bits for every kind of model, with 1 and 2 engine threads; predictors see later training; the span
/// Predict gives the same bits and allocates nothing once warm; predictions made while another thread trains see
/// whole optimizer steps only.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public sealed class PredictorTests
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var cases = new TheoryData<string, int>();
            foreach (string kind in new[] { "gru", "gru_reset_before", "lstm", "rnn", "embedding", "masked", "bidirectional", "sequences" })
            {
                cases.Add(kind, 1);
                cases.Add(kind, 2);
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EightThreadsPredictingGetTheSingleThreadBits(string kind, int threads)
    {
        using var count = new ThreadCount(threads);
        var model = Model(kind);
        var inputs = new[] { Inputs(kind, 40, 1), Inputs(kind, 3, 2) };
        var expected = inputs.Select(x => Bits(model.Predict(x).Data)).ToArray();

        var results = RunConcurrently(8, 12, (thread, call) =>
        {
            int which = (thread + call) % inputs.Length;
            return Bits(model.Predict(inputs[which]).Data).SequenceEqual(expected[which]);
        });
        Assert.All(results, Assert.True);

        // One predictor per thread, used for the thread's every call.
        var predictors = Enumerable.Range(0, 8).Select(_ => model.CreatePredictor()).ToArray();
        var own = RunConcurrently(8, 12, (thread, call) =>
        {
            int which = (thread + call) % inputs.Length;
            return Bits(predictors[thread].Predict(inputs[which]).Data).SequenceEqual(expected[which]);
        });
        Assert.All(own, Assert.True);
    }

    [Fact]
    public void ShapesAreTheModels()
    {
        var model = Model("embedding");
        var predictor = model.CreatePredictor();
        Assert.Equal(model.InputShape, predictor.InputShape);
        Assert.Equal(model.OutputShape, predictor.OutputShape);
    }

    [Theory]
    [InlineData("gru")]
    [InlineData("embedding")]
    [InlineData("bidirectional")]
    public void PredictorsSeeRetrainedWeights(string kind)
    {
        var model = Model(kind);
        var predictor = model.CreatePredictor();
        var x = Inputs(kind, 16, 3);
        var before = Bits(predictor.Predict(x).Data);
        Assert.Equal(Bits(model.Predict(x).Data), before);

        model.Fit(x, Targets(model, x, 4), epochs: 2, batchSize: 8);

        var after = Bits(predictor.Predict(x).Data);
        Assert.NotEqual(before, after);
        Assert.Equal(Bits(model.Predict(x).Data), after);
    }

    [Theory]
    [InlineData("gru", 1)]
    [InlineData("gru", 2)]
    [InlineData("embedding", 2)]
    public void SpanPredictGivesTheTensorBitsAndAllocatesNothingOnceWarm(string kind, int threads)
    {
        using var count = new ThreadCount(threads);
        var model = Model(kind);
        var predictor = model.CreatePredictor();
        var x = Inputs(kind, 45, 5);
        var output = new float[45 * Tensor.ShapeLength(predictor.OutputShape)];
        predictor.Predict(x.Data, 45, output);
        Assert.Equal(Bits(model.Predict(x, batchSize: 45).Data), Bits(output));

        predictor.Predict(x.Data, 45, output);
        long allocated = AllocatedOnceWarm(() =>
        {
            for (int i = 0; i < 3; i++)
            {
                predictor.Predict(x.Data, 45, output);
            }
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void SpanPredictChecksItsArguments()
    {
        var predictor = Model("gru").CreatePredictor();
        int perSample = Steps * Features;
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => predictor.Predict(new float[perSample + 1], 1, new float[2])).ParamName);
        Assert.Equal("output", Assert.Throws<ArgumentException>(() => predictor.Predict(new float[perSample], 1, new float[3])).ParamName);
        predictor.Predict(ReadOnlySpan<float>.Empty, 0, Span<float>.Empty);
    }

    [Fact]
    public void PredictionsDuringTrainingSeeWholeOptimizerSteps()
    {
        // The training thread keeps the weights after every step; each concurrent prediction must equal the
        // prediction under one of them (a prediction halfway through an optimizer step would match none).
        using var count = new ThreadCount(2);
        var model = Model("gru");
        var x = Inputs("gru", 8, 6);
        var y = Targets(model, x, 7);
        var snapshots = new List<float[]> { model.ParameterValues.ToArray() };
        var predictions = new System.Collections.Concurrent.ConcurrentBag<float[]>();
        int finished = 0;
        var threads = new List<Thread>
        {
            new(() =>
            {
                // Training starts once predictions are running, so the two overlap.
                SpinWait.SpinUntil(() => predictions.Count >= 3, PredictorModels.Timeout);
                for (int i = 0; i < 30; i++)
                {
                    model.TrainOnBatch(x, y);
                    snapshots.Add(model.ParameterValues.ToArray());
                }

                Volatile.Write(ref finished, 1);
            }),
        };
        for (int t = 0; t < 3; t++)
        {
            bool pooled = t == 0;
            threads.Add(new Thread(() =>
            {
                var predictor = model.CreatePredictor();
                do
                {
                    predictions.Add(pooled ? model.Predict(x).Data : predictor.Predict(x).Data);
                }
                while (Volatile.Read(ref finished) == 0);
            }));
        }

        threads.ForEach(t => t.Start());
        Assert.All(threads, t => Assert.True(t.Join(PredictorModels.Timeout)));
        Assert.NotEmpty(predictions);

        var possible = new HashSet<string>();
        foreach (var weights in snapshots)
        {
            weights.CopyTo(model.ParameterValues);
            possible.Add(string.Join(',', Bits(model.Predict(x).Data)));
        }

        Assert.All(predictions, p => Assert.Contains(string.Join(',', Bits(p)), possible));
    }
}
