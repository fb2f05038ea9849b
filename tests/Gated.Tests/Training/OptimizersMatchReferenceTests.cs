using Gated.Tests.TestSupport;
using Gated.Training;
using Xunit;

namespace Gated.Tests.Training;

/// <summary>
/// Five steps of each optimizer on fixed gradients against torch.optim (Fixtures/make_training_fixtures.py), and
/// RMSprop against Keras 3's published numbers and its update written out in double. Tolerance for PyTorch:
/// |Δ| ≤ 1e-7 + 2e-6·|expected| per parameter after every step (float32 arithmetic on both sides, orders differ).
/// </summary>
public sealed class OptimizersMatchReferenceTests
{
    public static TheoryData<string> TorchCases => new()
    {
        "optim_sgd_momentum", "optim_sgd_nesterov", "optim_adam", "optim_adamw", "optim_adamw_defaults",
    };

    [Theory]
    [MemberData(nameof(TorchCases))]
    public void EveryStepMatchesTorchOptim(string name)
    {
        var fixture = TrainingFixture.Load(name);
        float lr = fixture.ConfigFloat("lr");
        Optimizer optimizer = name switch
        {
            "optim_sgd_momentum" => new Sgd(lr, momentum: fixture.ConfigFloat("momentum")),
            "optim_sgd_nesterov" => new Sgd(lr, momentum: fixture.ConfigFloat("momentum"), nesterov: true),
            "optim_adam" => new Adam(lr, epsilon: fixture.ConfigFloat("eps")),
            "optim_adamw" => new AdamW(lr, weightDecay: fixture.ConfigFloat("weight_decay"), epsilon: fixture.ConfigFloat("eps")),
            "optim_adamw_defaults" => new AdamW(lr),
            _ => throw new ArgumentException(name, nameof(name)),
        };

        float[] p = (float[])fixture["p0"].Data.Clone();
        int n = p.Length;
        float[] grads = fixture["grads"].Data;
        float[] expected = fixture["params"].Data;
        for (int step = 0; step < grads.Length / n; step++)
        {
            optimizer.Step(p, grads.AsSpan(step * n, n).ToArray());
            NumericAssert.Close(expected.AsSpan(step * n, n), p, 1e-7, 2e-6, $"{name} after step {step + 1}");
        }
    }

    [Fact]
    public void AdamWDefaultsAreKerasEpsilonAndPyTorchWeightDecay()
    {
        var adamw = new AdamW();
        Assert.Equal(("adamw", 1e-3f, 0.01f, 1e-7f), (adamw.Name, adamw.LearningRate, adamw.WeightDecay, adamw.Epsilon));
    }

    [Fact]
    public void AdamWWithoutGradientOnlyDecays()
    {
        // With g = 0 the Adam part is 0/(0 + ε) = 0, leaving p·(1 − lr·λ).
        var adamw = new AdamW(learningRate: 0.5f, weightDecay: 0.1f);
        float[] p = [2f, -4f];
        adamw.Step(p, new float[2]);
        Assert.Equal([2f * 0.95f, -4f * 0.95f], p);
    }

    [Fact]
    public void RmsPropSingleStepMatchesKerasDocumentedValues()
    {
        // keras/src/optimizers/rmsprop_test.py test_single_step: RMSprop(learning_rate=0.5).
        var rmsprop = new RmsProp(learningRate: 0.5f);
        float[] p = [1f, 2f, 3f, 4f];
        rmsprop.Step(p, [1f, 6f, 7f, 2f]);
        NumericAssert.Close([-0.5811, 0.4189, 1.4189, 2.4189], p, 1e-4, 1e-4, "RMSprop step");
    }

    [Fact]
    public void CenteredRmsPropMatchesKerasGoldenValues()
    {
        // keras/src/optimizers/rmsprop_test.py test_correctness_with_golden: RMSprop(centered=True).
        var rmsprop = new RmsProp(centered: true);
        float[] x = Enumerable.Repeat(1f, 10).ToArray();
        float[] grads = Enumerable.Range(1, 10).Select(i => i / 10f).ToArray();
        double[] golden = [0.9967, 0.9933, 0.9908, 0.9885, 0.9864];
        rmsprop.Step(x, Enumerable.Repeat(0.01f, 10).ToArray());
        foreach (double expected in golden)
        {
            NumericAssert.Close(Enumerable.Repeat(expected, 10).ToArray(), x, 5e-4, 5e-4, "centered RMSprop");
            rmsprop.Step(x, (float[])grads.Clone());
        }
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.8f, false)]
    [InlineData(0f, true)]
    [InlineData(0.8f, true)]
    public void RmsPropFollowsKerasUpdateWrittenOutInDouble(float momentum, bool centered)
    {
        const double lr = 0.01, rho = 0.9, eps = 1e-7;
        var rmsprop = new RmsProp(learningRate: 0.01f, rho: 0.9f, momentum: momentum, epsilon: 1e-7f, centered: centered);
        float[] p = [0.5f, -1.5f, 2f];
        double[] reference = [0.5, -1.5, 2];
        double[] v = new double[3], a = new double[3], b = new double[3];
        float[][] gradients = [[1f, -2f, 0.5f], [0.25f, 3f, -1f], [-0.5f, 0.1f, 4f], [2f, 2f, 2f]];
        foreach (float[] g in gradients)
        {
            rmsprop.Step(p, (float[])g.Clone());
            for (int i = 0; i < 3; i++)
            {
                // Keras: ε inside the square root, lr inside the momentum buffer.
                v[i] = (rho * v[i]) + ((1 - rho) * g[i] * g[i]);
                a[i] = (rho * a[i]) + ((1 - rho) * g[i]);
                double denominator = centered ? v[i] - (a[i] * a[i]) + eps : v[i] + eps;
                double increment = lr * g[i] / Math.Sqrt(denominator);
                b[i] = (momentum * b[i]) + increment;
                reference[i] -= momentum > 0 ? b[i] : increment;
            }

            NumericAssert.Close(reference, p, 1e-6, 1e-5, $"RMSprop momentum {momentum} centered {centered}");
        }

        Assert.Equal(
            centered ? (momentum > 0 ? ["velocity", "momentum", "average_gradient"] : ["velocity", "average_gradient"])
                     : (momentum > 0 ? ["velocity", "momentum"] : ["velocity"]),
            rmsprop.StateNames);
    }

    [Fact]
    public void RmsPropDefaultsAreKeras()
    {
        var rmsprop = new RmsProp();
        Assert.Equal(("rmsprop", 1e-3f, 0.9f, 0f, 1e-7f, false), (rmsprop.Name, rmsprop.LearningRate, rmsprop.Rho, rmsprop.Momentum, rmsprop.Epsilon, rmsprop.Centered));
    }

    [Fact]
    public void NesterovFirstStepsByHand()
    {
        // b = μb + g; p −= lr·(g + μb). Step 1: b = 2, p = 1 − 0.1·(2 + 1.8) = 0.62.
        var sgd = new Sgd(learningRate: 0.1f, momentum: 0.9f, nesterov: true);
        float[] p = [1f];
        sgd.Step(p, [2f]);
        Assert.Equal(0.62f, p[0], 6);

        // Step 2: b = 0.9·2 + 1 = 2.8, p = 0.62 − 0.1·(1 + 2.52) = 0.268.
        sgd.Step(p, [1f]);
        Assert.Equal(0.268f, p[0], 6);
    }

    [Fact]
    public void NesterovNeedsMomentum()
    {
        var e = Assert.Throws<ArgumentException>(() => new Sgd(0.1f, momentum: 0f, nesterov: true));
        Assert.Equal("nesterov", e.ParamName);
    }

    [Theory]
    [InlineData(1f)]
    [InlineData(-0.1f)]
    public void RmsPropRefusesRhoOutsideTheUnitInterval(float rho)
    {
        Assert.Equal("rho", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(rho: rho)).ParamName);
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new RmsProp(momentum: rho)).ParamName);
    }

    [Fact]
    public void AdamWRefusesNegativeWeightDecay() =>
        Assert.Equal("weightDecay", Assert.Throws<ArgumentOutOfRangeException>(() => new AdamW(weightDecay: -0.01f)).ParamName);
}
