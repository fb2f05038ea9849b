using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>
/// Every new loss against PyTorch (Fixtures/make_training_fixtures.py: loss and autograd gradient in float64 from
/// the same float32 inputs), and against central finite differences of its own Compute. Tolerances: loss and
/// gradient |Δ| ≤ 1e-7 + 1e-6·|expected| (our sums run in double; only the float32 rounding of outputs remains).
/// </summary>
public sealed class LossesMatchPyTorchTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "loss_sparse_ce", "sparse" },
        { "loss_sparse_ce_large", "sparse" },
        { "loss_sparse_ce_sequence", "sparse" },
        { "loss_bce", "bce" },
        { "loss_bce_logits", "bce_logits" },
        { "loss_huber_1", "huber1" },
        { "loss_huber_0_5", "huber0.5" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void LossAndGradientMatchPyTorch(string fixtureName, string lossName)
    {
        var fixture = TrainingFixture.Load(fixtureName);
        var loss = Create(lossName);
        float[] predictions = fixture["predictions"].Data;
        float[] targets = fixture["targets"].Data;
        var gradient = new float[predictions.Length];
        double value = loss.Compute(predictions, targets, gradient);
        NumericAssert.Close(fixture["loss"].ToDouble(), [(float)value], 1e-7, 1e-6, $"{fixtureName} loss");
        NumericAssert.Close(fixture["grad"].ToDouble(), gradient, 1e-7, 1e-6, $"{fixtureName} gradient");

        // Without a gradient buffer the loss is the same number.
        Assert.Equal(value, loss.Compute(predictions, targets, []));
    }

    [Theory]
    [InlineData("sparse")]
    [InlineData("bce")]
    [InlineData("bce_logits")]
    [InlineData("huber1")]
    [InlineData("huber0.5")]
    public void GradientMatchesFiniteDifferences(string lossName)
    {
        var loss = Create(lossName);
        var random = new SeededRandom(17);
        float[] predictions;
        float[] targets;
        switch (lossName)
        {
            case "sparse":
                // (N=3, T=2, C=4) logits against (3, 2) class targets.
                predictions = TestData.Uniform(random, 24, 3);
                targets = [0, 3, 1, 1, 2, 0];
                break;
            case "bce":
                predictions = Array.ConvertAll(TestData.Uniform(random, 10, 1), v => 0.5f + (0.4f * v));
                targets = [0, 1, 1, 0, 0.3f, 1, 0, 1, 0.9f, 0];
                break;
            case "bce_logits":
                predictions = TestData.Uniform(random, 10, 6);
                targets = [0, 1, 1, 0, 0.3f, 1, 0, 1, 0.9f, 0];
                break;
            default:
                // Errors on both sides of δ, none within the differencing step of the kink at |e| = δ.
                predictions = [0.1f, -2f, 3.5f, 0.45f, -0.2f, 0.9f, 1.7f, -0.05f];
                targets = [0f, 0.5f, 0f, -0.4f, 0.6f, 0f, 0f, -1.3f];
                break;
        }

        var analytic = new float[predictions.Length];
        loss.Compute(predictions, targets, analytic);
        double[] numeric = FiniteDifference.Gradient(predictions, () => loss.Compute(predictions, targets, []), 1e-3);
        NumericAssert.Gradient(numeric, analytic, 2e-3, 1e-3, $"{loss} dLoss/dPrediction");
    }

    [Fact]
    public void SparseCrossEntropyOfEqualLogitsIsLogOfTheClassCount()
    {
        var gradient = new float[8];
        double loss = Loss.SparseSoftmaxCrossEntropy.Compute(new float[8], [1, 3], gradient);
        Assert.Equal(Math.Log(4), loss, 12);

        // (softmax − onehot) / rows: 0.25/2 everywhere except −0.75/2 at each label.
        Assert.Equal([0.125f, -0.375f, 0.125f, 0.125f, 0.125f, 0.125f, 0.125f, -0.375f], gradient);
    }

    [Fact]
    public void BinaryCrossEntropyClipsProbabilitiesAsKeras()
    {
        var gradient = new float[3];
        double loss = Loss.BinaryCrossEntropy.Compute([0f, 1f, 0.5f], [1f, 1f, 0f], gradient);

        // p = 0 is clipped to 1e-7 (−ln 1e-7), p = 1 to 0.99999988f (float32's 1 − 1e-7), 0.5 gives ln 2.
        double expected = (-Math.Log(1e-7f) - Math.Log(1f - 1e-7f) + Math.Log(2)) / 3;
        Assert.Equal(expected, loss, 12);
        Assert.Equal(0f, gradient[0]);   // the clip's gradient outside its range
        Assert.Equal(0.99999988f, 1f - BinaryCrossEntropyLoss.Epsilon);
        Assert.Equal((float)(0.5 / 0.25 / 3), gradient[2], 6);
    }

    [Fact]
    public void BinaryCrossEntropyFromLogitsStaysFiniteForHugeLogits()
    {
        var gradient = new float[4];
        double loss = Loss.BinaryCrossEntropyFromLogits.Compute([1000f, -1000f, 1000f, -1000f], [0f, 0f, 1f, 1f], gradient);
        Assert.Equal((1000.0 + 0 + 0 + 1000) / 4, loss, 9);
        Assert.Equal([0.25f, 0f, 0f, -0.25f], gradient);
    }

    [Fact]
    public void HuberIsQuadraticInsideDeltaAndLinearOutside()
    {
        var gradient = new float[2];
        double loss = Loss.Huber(2f).Compute([1f, -5f], [0f, 0f], gradient);
        Assert.Equal(((0.5 * 1) + (2 * (5 - 1))) / 2, loss, 12);
        Assert.Equal([0.5f, -1f], gradient);
    }

    internal static Loss Create(string name) => name switch
    {
        "sparse" => Loss.SparseSoftmaxCrossEntropy,
        "bce" => Loss.BinaryCrossEntropy,
        "bce_logits" => Loss.BinaryCrossEntropyFromLogits,
        "huber1" => Loss.Huber(),
        "huber0.5" => Loss.Huber(0.5f),
        _ => throw new ArgumentException(name, nameof(name)),
    };
}
