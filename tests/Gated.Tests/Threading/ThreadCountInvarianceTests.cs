using Gated.Kernels;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Threading;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Threading;

/// <summary>
/// Threads change who computes a value, never how: training and inference give bit-identical results on 1, 2
/// and 3 threads (the issue asks for 1e-6 relative; the engine's splits keep every value's arithmetic fixed,
/// so the test holds it to exact equality), and a rerun with the same seed and thread count repeats itself.
/// </summary>
[Collection(ThreadCountCollection.Name)]
public class ThreadCountInvarianceTests
{
    public static TheoryData<string> Cells => new() { "gru", "gru-reset-before", "lstm", "rnn", "gru-dropout-masked" };

    [Theory]
    [MemberData(nameof(Cells))]
    public void TrainingIsBitIdenticalOnAnyThreadCount(string cell)
    {
        var one = Train(cell, threads: 1);
        var two = Train(cell, threads: 2);
        var three = Train(cell, threads: 3);
        var twoAgain = Train(cell, threads: 2);
        Assert.Equal(one.Weights, two.Weights);
        Assert.Equal(one.Weights, three.Weights);
        Assert.Equal(two.Weights, twoAgain.Weights);
        Assert.Equal(one.Predictions, two.Predictions);
        Assert.Equal(one.Predictions, three.Predictions);

        // Training moved the weights: the comparison is not between two untouched models.
        Assert.NotEqual(one.Initial, one.Weights);
    }

    public static TheoryData<string, int> UnitSplitRuns => new()
    {
        { "gru", 9 }, { "lstm", 9 }, { "rnn", 9 }, { "gru", 3 }, { "lstm", 2 }, { "rnn", 1 },
    };

    [Theory]
    [MemberData(nameof(UnitSplitRuns))]
    public void TimeLoopSplitByUnitsMatchesOneThread(string cell, int batch)
    {
        // H = 264 is past the split threshold and not a multiple of the parts' 16-unit blocks (parts of 144 and 120).
        const int units = 264, features = 5, steps = 7;
        var random = new SeededRandom(21);
        float[] x = Random(batch * steps * features, random), dy = Random(batch * steps * units, random);
        var one = ForwardBackward(cell, batch, x, dy, threads: 1, out int oneParts);
        var two = ForwardBackward(cell, batch, x, dy, threads: 2, out int twoParts);
        var twoAgain = ForwardBackward(cell, batch, x, dy, threads: 2, out _);
        Assert.Equal(1, oneParts);
        if (Environment.ProcessorCount >= 2)
        {
            Assert.Equal(2, twoParts);
        }

        Assert.Equal(two, twoAgain);

        // Packed (9 rows) and in-place (1–3 rows) products alike compute every column the same way whatever the split.
        Assert.Equal(one, two);
    }

    [Theory]
    [InlineData("gru", 1)]
    [InlineData("gru", 3)]
    [InlineData("lstm", 2)]
    [InlineData("rnn", 1)]
    public void StreamingStepsSplitByUnitsMatchOneThread(string cell, int batch)
    {
        // H = 264: past the split threshold, and not a multiple of the parts' 16-unit blocks.
        const int units = 264, features = 5, steps = 6;
        var gru = UnitSplitLayer(cell, units, returnSequences: false);
        gru.Build([steps, features], new SeededRandom(12));
        var random = new SeededRandom(13);
        float[] inputs = Random(steps * batch * features, random);
        var one = Stream(gru, batch, inputs, threads: 1);
        Assert.Equal(1, gru.LastUnitParts);
        var two = Stream(gru, batch, inputs, threads: 2);
        Assert.Equal(Environment.ProcessorCount >= 2 ? 2 : 1, gru.LastUnitParts);
        var twoAgain = Stream(gru, batch, inputs, threads: 2);
        Assert.Equal(two, twoAgain);
        Assert.Equal(one, two);

        // The streamed states are the layer's own sequence run.
        var whole = gru.Forward(new Tensor(ToBatchMajor(inputs, batch, steps, features), batch, steps, features));
        for (int i = 0; i < batch * units; i++)
        {
            Assert.True(Math.Abs(whole.Data[i] - one[((steps - 1) * batch * units) + i]) <= 1e-5, $"state {i}");
        }
    }

    [Fact]
    public void ParallelGemmIsBitIdenticalToOneThread()
    {
        var random = new SeededRandom(17);
        foreach (var (ta, tb, m, n, k) in ((bool, bool, int, int, int)[])[(true, false, 50, 150, 3200), (false, true, 3200, 1, 150), (false, false, 3200, 150, 50), (true, false, 7, 770, 700), (false, false, 333, 65, 900)])
        {
            float[] a = Random(m * k, random), b = Random(k * n, random), c0 = Random(m * n, random);
            float[] c1 = (float[])c0.Clone(), c2 = (float[])c0.Clone();
            int lda = ta ? m : k, ldb = tb ? k : n;
            Gemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0.5f, c1, n);
            using (new ThreadCount(2))
            {
                ParallelGemm.Multiply(ta, tb, m, n, k, 1f, a, lda, b, ldb, 0.5f, c2, n);
            }

            Assert.Equal(c1, c2);
        }
    }

    [Fact]
    public void ParallelGemmWithAnInitialRowIsBitIdenticalToFillingCFirst()
    {
        // Split by columns (wide C: each part gets its slice of the row) and by rows (tall C: the whole row).
        var random = new SeededRandom(19);
        foreach (var (m, n, k) in ((int, int, int)[])[(40, 770, 300), (3200, 150, 33)])
        {
            float[] a = Random(m * k, random), b = Random(k * n, random), row = Random(n, random);
            float[] filled = new float[m * n], direct = Random(m * n, random);
            for (int i = 0; i < m; i++)
            {
                row.CopyTo(filled, i * n);
            }

            Gemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 1f, filled, n);
            using (new ThreadCount(2))
            {
                ParallelGemm.Multiply(false, false, m, n, k, 1f, a, k, b, n, 1f, direct, n, row);
            }

            Assert.Equal(filled, direct);
        }
    }

    private static (float[] Initial, float[] Weights, float[] Predictions) Train(string cell, int threads)
    {
        using var count = new ThreadCount(threads);
        const int batch = 37, steps = 12, features = 3, units = 40;
        var options = new RecurrentOptions
        {
            ReturnSequences = true,
            Dropout = cell.Contains("dropout", StringComparison.Ordinal) ? 0.2f : 0f,
            RecurrentDropout = cell.Contains("dropout", StringComparison.Ordinal) ? 0.3f : 0f,
        };
        Layer recurrent = cell switch
        {
            "lstm" => new Lstm(units, options),
            "rnn" => new SimpleRnn(units, options),
            "gru-reset-before" => new Gru(units, options, GruVariant.ResetBefore),
            _ => new Gru(units, options),
        };
        var model = new Sequential(recurrent, new Gru(units), new Dense(1));
        model.Build([steps, features], seed: 4);
        model.Compile(new Adam(0.01f), Loss.MeanSquaredError);
        var initial = model.ParameterValues.ToArray();
        var extra = new List<float>();

        var random = new SeededRandom(8);
        var x = new Tensor(Random(batch * 2 * steps * features, random), batch * 2, steps, features);
        var y = new Tensor(Random(batch * 2, random), batch * 2, 1);
        if (cell.Contains("masked", StringComparison.Ordinal))
        {
            // Lengths vary by sequence: padded steps take the masked path of the time loop.
            var mask = new Tensor(batch, steps);
            for (int b = 0; b < batch; b++)
            {
                for (int t = 0; t < 3 + (b % (steps - 3)); t++)
                {
                    mask.Data[(b * steps) + t] = 1;
                }
            }

            var first = (RecurrentLayer)model.Layers[0];
            var xb = new Tensor(x.Data.AsSpan(0, batch * steps * features).ToArray(), batch, steps, features);
            var output = first.Forward(xb, new RecurrentInputs { Mask = mask }, training: true);
            extra.AddRange(output.Data);
            extra.AddRange(first.Backward(output).Data);
            extra.AddRange(model.ParameterGradients.ToArray());
        }

        model.Fit(x, y, epochs: 2, batchSize: batch, seed: 3);
        extra.AddRange(model.Predict(x).Data);
        return (initial, model.ParameterValues.ToArray(), extra.ToArray());
    }

    private static RecurrentLayer UnitSplitLayer(string cell, int units, bool returnSequences)
    {
        var options = new RecurrentOptions { ReturnSequences = returnSequences };
        return cell switch
        {
            "lstm" => new Lstm(units, options),
            "rnn" => new SimpleRnn(units, options),
            _ => new Gru(units, options),
        };
    }

    // One Forward and Backward of a fresh layer: outputs, dx and every parameter gradient, end to end.
    private static float[] ForwardBackward(string cell, int batch, float[] x, float[] dy, int threads, out int unitParts)
    {
        using var count = new ThreadCount(threads);
        const int units = 264;
        int steps = dy.Length / (batch * units), features = x.Length / (batch * steps);
        var layer = UnitSplitLayer(cell, units, returnSequences: true);
        layer.Build([steps, features], new SeededRandom(5));
        var output = layer.Forward(new Tensor((float[])x.Clone(), batch, steps, features), training: true);
        int forwardParts = layer.LastUnitParts;
        var dx = layer.Backward(new Tensor((float[])dy.Clone(), batch, steps, units));
        Assert.Equal(forwardParts, layer.LastUnitParts);
        unitParts = forwardParts;
        var result = new List<float>(output.Data);
        result.AddRange(dx.Data);
        foreach (var p in layer.Parameters)
        {
            result.AddRange(p.Gradients.ToArray());
        }

        return result.ToArray();
    }

    // Every step's output h (steps, batch, units) of a fresh stream fed inputs (steps, batch, features).
    private static float[] Stream(RecurrentLayer gru, int batch, float[] inputs, int threads)
    {
        using var count = new ThreadCount(threads);
        var stream = gru.CreateStream(batch);
        int features = gru.InputShape[1], units = gru.Units, steps = inputs.Length / (batch * features);
        var outputs = new float[steps * batch * units];
        for (int s = 0; s < steps; s++)
        {
            stream.Step(inputs.AsSpan(s * batch * features, batch * features), outputs.AsSpan(s * batch * units, batch * units));
        }

        return outputs;
    }

    private static float[] ToBatchMajor(float[] timeMajor, int batch, int steps, int features)
    {
        var result = new float[timeMajor.Length];
        for (int s = 0; s < steps; s++)
        {
            for (int b = 0; b < batch; b++)
            {
                timeMajor.AsSpan(((s * batch) + b) * features, features).CopyTo(result.AsSpan(((b * steps) + s) * features, features));
            }
        }

        return result;
    }

    private static float[] Random(int length, SeededRandom random)
    {
        var data = new float[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = random.NextUniform(-1f, 1f);
        }

        return data;
    }
}
