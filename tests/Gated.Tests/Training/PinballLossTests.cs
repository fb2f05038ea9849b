using System.Globalization;
using Gated.IO;
using Gated.Layers;
using Gated.Models;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Gated.Tensors;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>
/// PinballLoss: hand-computed values and (sub)gradients for Q = 3, q = 0.5 as half the MAE, the gradient against
/// central differences in double away from the kinks, rejected quantiles and lengths, the ToString form read
/// back by Loss.FromName, and training checkpoints that compare it.
/// </summary>
public sealed class PinballLossTests
{
    private static readonly float[] Deciles = [0.1f, 0.5f, 0.9f];

    [Fact]
    public void HandComputedValuesAndGradientForThreeQuantiles()
    {
        // Two steps of Q = 3, quantiles 0.1, 0.5, 0.9; e = t − p, term = max(q·e, (q − 1)·e).
        //   p = [0.5, 1, 2 | 2, 0, 3],  t = [1, 1, 1 | 2, 2, 2],  e = [0.5, 0, −1 | 0, 2, −1]
        //   terms: 0.1·0.5 = 0.05;  0;  (0.9 − 1)·(−1) = 0.1;  0;  0.5·2 = 1;  (0.9 − 1)·(−1) = 0.1   → sum 1.25, mean 1.25/6
        //   slopes: e > 0 → −q, e < 0 → 1 − q, e = 0 → 0.5 − q:  −0.1, 0, 0.1, 0.4, −0.5, 0.1   (each / 6)
        var loss = new PinballLoss(Deciles);
        float[] gradient = new float[6];
        double value = loss.Compute([0.5f, 1f, 2f, 2f, 0f, 3f], [1f, 1f, 1f, 2f, 2f, 2f], gradient);
        Assert.Equal(1.25 / 6, value, 1e-7);
        NumericAssert.Close(new[] { -0.1 / 6, 0, 0.1 / 6, 0.4 / 6, -0.5 / 6, 0.1 / 6 }, gradient, 1e-8, 1e-6, "pinball gradient");

        // Without a gradient span only the value is computed.
        Assert.Equal(value, loss.Compute([0.5f, 1f, 2f, 2f, 0f, 3f], [1f, 1f, 1f, 2f, 2f, 2f], []));
    }

    [Fact]
    public void AtTheMedianItIsHalfTheMeanAbsoluteError()
    {
        var random = new SeededRandom(11);
        float[] p = TestData.Uniform(random, 37, 3.0);
        float[] t = TestData.Uniform(random, 37, 3.0);
        t[5] = p[5];
        float[] pinballGradient = new float[37];
        float[] maeGradient = new float[37];
        double pinball = new PinballLoss([0.5f]).Compute(p, t, pinballGradient);
        double mae = Loss.MeanAbsoluteError.Compute(p, t, maeGradient);
        // The MAE differences p − t in float, the pinball loss in double: they agree to float rounding.
        Assert.Equal(mae / 2, pinball, 1e-6 * mae);
        NumericAssert.Close(TestData.ToDouble(maeGradient).Select(g => g / 2).ToArray(), pinballGradient, 1e-9, 1e-7, "median gradient");
    }

    [Theory]
    [InlineData(new[] { 0.5f }, 1)]
    [InlineData(new[] { 0.1f, 0.5f, 0.9f }, 4)]
    [InlineData(new[] { 0.05f, 0.25f, 0.5f, 0.75f, 0.95f }, 7)]
    public void GradientMatchesCentralDifferences(float[] quantiles, int steps)
    {
        var random = new SeededRandom((ulong)(quantiles.Length * 100 + steps));
        var loss = new PinballLoss(quantiles);
        int n = quantiles.Length * steps;
        float[] p = TestData.Uniform(random, n, 2.0);
        float[] t = TestData.Uniform(random, n, 2.0);
        for (int i = 0; i < n; i++)
        {
            // Keep every point at least 0.05 from its kink t = p, where the loss is not differentiable.
            if (Math.Abs(t[i] - p[i]) < 0.05f)
            {
                t[i] = p[i] + (t[i] >= p[i] ? 0.05f : -0.05f) + (0.1f * (i % 3));
            }
        }

        float[] gradient = new float[n];
        loss.Compute(p, t, gradient);
        double[] numeric = FiniteDifference.Gradient(p, () => loss.Compute(p, t, []), 1e-3);
        NumericAssert.Gradient(numeric, gradient, 1e-5, 0.01, $"pinball Q={quantiles.Length} steps={steps}");
    }

    [Theory]
    [InlineData(new[] { 0f })]
    [InlineData(new[] { 1f })]
    [InlineData(new[] { 1.2f })]
    [InlineData(new[] { -0.1f, 0.5f })]
    [InlineData(new[] { 0.5f, float.NaN })]
    public void QuantilesOutsideTheOpenUnitIntervalAreRejected(float[] quantiles)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new PinballLoss(quantiles));
        Assert.Equal("quantiles", e.ParamName);
    }

    [Theory]
    [InlineData(new float[0])]
    [InlineData(new[] { 0.9f, 0.5f, 0.1f })]
    [InlineData(new[] { 0.1f, 0.5f, 0.5f })]
    public void EmptyDecreasingOrRepeatedQuantilesAreRejected(float[] quantiles)
    {
        var e = Assert.Throws<ArgumentException>(() => new PinballLoss(quantiles));
        Assert.IsNotType<ArgumentOutOfRangeException>(e);
        Assert.Equal("quantiles", e.ParamName);
        Assert.Equal("quantiles", Assert.Throws<ArgumentNullException>(() => new PinballLoss(null!)).ParamName);
    }

    [Fact]
    public void CountsMustBeAMultipleOfTheQuantiles()
    {
        var loss = new PinballLoss(Deciles);
        Assert.Equal("predictions", Assert.Throws<ArgumentException>(() => loss.Compute(new float[4], new float[4], [])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => loss.Compute(new float[6], new float[3], [])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => loss.CheckTargetShape([8, 4], [8, 4])).ParamName);
        Assert.Equal("y", Assert.Throws<ArgumentException>(() => loss.CheckTargetShape([8, 6], [8, 3])).ParamName);
        loss.CheckTargetShape([8, 6], [8, 6]);
        loss.CheckTargetShape([8, 5, 3], [8, 5, 3]);
    }

    [Fact]
    public void ToStringIsInvariantAndFromNameReadsItBack()
    {
        var culture = CultureInfo.CurrentCulture;
        try
        {
            // Tests run in globalization-invariant mode, so a culture with a decimal comma is made by hand.
            var comma = (CultureInfo)CultureInfo.InvariantCulture.Clone();
            comma.NumberFormat.NumberDecimalSeparator = ",";
            CultureInfo.CurrentCulture = comma;
            Assert.Equal("0,5", 0.5f.ToString(CultureInfo.CurrentCulture));
            var loss = new PinballLoss(Deciles);
            Assert.Equal("pinball", loss.Name);
            Assert.Equal("pinball(quantiles=0.1,0.5,0.9)", loss.ToString());

            var back = Assert.IsType<PinballLoss>(Loss.FromName(loss.ToString()));
            Assert.Equal(Deciles, back.Quantiles);
            Assert.Equal(loss.ToString(), back.ToString());
            var odd = new PinballLoss([1e-5f, 0.33333334f, 0.999f]);
            Assert.Equal(odd.Quantiles, Assert.IsType<PinballLoss>(Loss.FromName(odd.ToString())).Quantiles);
        }
        finally
        {
            CultureInfo.CurrentCulture = culture;
        }
    }

    [Theory]
    [InlineData("pinball")]
    [InlineData("pinball(quantiles=)")]
    [InlineData("pinball(quantiles=0.1,x)")]
    [InlineData("pinball(quantiles=0.1, 0.5)")]
    [InlineData("pinball(quantiles=0.1,0.5")]
    [InlineData("pinball(quantiles=0.9,0.1)")]
    [InlineData("pinball(quantiles=1.5)")]
    public void MalformedPinballNamesAreRejected(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Loss.FromName(name));
        Assert.Equal("name", e.ParamName);
        Assert.Contains("pinball", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainingCheckpointsKeepThePinballLoss()
    {
        using var folder = new TempFolder();
        string path = folder.File("quantiles.safetensors");
        var model = QuantileModel(new PinballLoss(Deciles));
        model.TrainOnBatch(new Tensor([0.5f, -0.5f], 2, 1), new Tensor([1f, 1f, 1f, 0f, 0f, 0f], 2, 3));
        TrainingCheckpoint.Save(path, model);

        var same = QuantileModel(new PinballLoss([0.1f, 0.5f, 0.9f]));
        TrainingCheckpoint.Restore(path, same);
        Assert.Equal(model.Layers[0].Parameters[0].Values, same.Layers[0].Parameters[0].Values);

        var other = QuantileModel(new PinballLoss([0.2f, 0.5f, 0.8f]));
        var e = Assert.Throws<ModelFormatException>(() => TrainingCheckpoint.Restore(path, other));
        Assert.Contains("pinball(quantiles=0.1,0.5,0.9)", e.Message, StringComparison.Ordinal);
    }

    private static Sequential QuantileModel(Loss loss)
    {
        var model = new Sequential(new Dense(3), new MonotoneQuantiles(3));
        model.Build([1], seed: 3);
        model.Compile(new Adam(0.01f), loss);
        return model;
    }
}
