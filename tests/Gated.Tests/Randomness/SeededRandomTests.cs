using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Randomness;

/// <summary>
/// SeededRandom: a fixed stream per seed (pinned to literals), a state that round-trips through GetState/SetState,
/// draws inside their documented ranges, and unrelated streams for different seeds.
/// </summary>
public class SeededRandomTests
{
    [Fact]
    public void SeedZeroGivesThePinnedStream()
    {
        // Computed once from this generator (xoshiro256** seeded by SplitMix64) and frozen: they pin the stream, so
        // initial weights, shuffles and saved checkpoints stay reproducible across versions and machines.
        var random = new SeededRandom(0);
        Assert.Equal(0x99EC5F36CB75F2B4UL, random.NextUInt64());
        Assert.Equal(0xBF6E1F784956452AUL, random.NextUInt64());
        Assert.Equal(0x1A5F849D4933E6E0UL, random.NextUInt64());
        Assert.Equal(0x6AA594F1262D2D2CUL, random.NextUInt64());

        // NextDouble is the top 53 bits of the same draw.
        Assert.Equal(0.6012629994179048, new SeededRandom(0).NextDouble());
    }

    [Fact]
    public void TheSameSeedRepeatsItself()
    {
        var a = new SeededRandom(12345);
        var b = new SeededRandom(12345);
        for (int i = 0; i < 100; i++)
        {
            Assert.Equal(a.NextUInt64(), b.NextUInt64());
        }
    }

    [Fact]
    public void DifferentSeedsGiveDifferentStreams()
    {
        var firsts = new HashSet<ulong>();
        for (ulong seed = 0; seed < 64; seed++)
        {
            var random = new SeededRandom(seed);
            firsts.Add(random.NextUInt64());
        }

        Assert.Equal(64, firsts.Count);

        // Neighbouring seeds disagree at every one of the first draws, not only the first.
        var one = new SeededRandom(1);
        var two = new SeededRandom(2);
        for (int i = 0; i < 16; i++)
        {
            Assert.NotEqual(one.NextUInt64(), two.NextUInt64());
        }
    }

    [Fact]
    public void StateRoundTripsMidStreamIncludingTheSpareGaussian()
    {
        var random = new SeededRandom(7);
        for (int i = 0; i < 5; i++)
        {
            random.NextUInt64();
        }

        // One Gaussian leaves the second Box–Muller value pending: the state must carry it.
        random.NextGaussian();
        ulong[] state = random.GetState();
        Assert.Equal(1UL, state[5]);
        double[] expected = Draws(random);

        var restored = new SeededRandom(999);
        restored.SetState(state);
        Assert.Equal(expected, Draws(restored));

        random.SetState(state);
        Assert.Equal(expected, Draws(random));
    }

    [Fact]
    public void GetStateIsACopy()
    {
        var random = new SeededRandom(3);
        ulong[] state = random.GetState();
        state[0] ^= 1;
        Assert.NotEqual(state, random.GetState());
    }

    [Fact]
    public void SetStateRefusesWhatGetStateCannotProduce()
    {
        var random = new SeededRandom(3);
        ulong[] good = random.GetState();
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => random.SetState(good.AsSpan(0, 5))).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => random.SetState([0, 0, 0, 0, 0, 0])).ParamName);
        Assert.Equal("state", Assert.Throws<ArgumentException>(() => random.SetState([1, 2, 3, 4, 0, 2])).ParamName);

        // A refused state leaves the generator where it was.
        Assert.Equal(good, random.GetState());
    }

    [Theory]
    [InlineData(0f, 1f)]
    [InlineData(-0.25f, 0.25f)]
    [InlineData(-3f, 5f)]
    public void NextUniformStaysInItsRangeAndFillsIt(float low, float high)
    {
        var random = new SeededRandom(11);
        const int n = 20_000;
        float min = float.MaxValue, max = float.MinValue;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            float v = random.NextUniform(low, high);
            Assert.InRange(v, low, high);
            min = Math.Min(min, v);
            max = Math.Max(max, v);
            sum += v;
        }

        float width = high - low;
        Assert.True(min < low + (0.001f * width), $"min {min}");
        Assert.True(max > high - (0.001f * width), $"max {max}");

        // The mean of U(low, high) has standard error width/√(12n) ≈ 0.002·width here; 0.01·width is five of them.
        Assert.True(Math.Abs((sum / n) - ((low + high) / 2.0)) < 0.01 * width, $"mean {sum / n}");
    }

    [Fact]
    public void NextDoubleIsInTheHalfOpenUnitInterval()
    {
        var random = new SeededRandom(5);
        for (int i = 0; i < 10_000; i++)
        {
            double v = random.NextDouble();
            Assert.True(v >= 0 && v < 1, $"draw {i}: {v}");
        }
    }

    [Fact]
    public void NextIntCoversEveryValueBelowTheBoundAboutEvenly()
    {
        var random = new SeededRandom(17);
        var counts = new int[7];
        const int n = 70_000;
        for (int i = 0; i < n; i++)
        {
            counts[random.NextInt(7)]++;
        }

        // Each count is Binomial(70000, 1/7): mean 10000, standard deviation ≈ 93.
        Assert.All(counts, c => Assert.InRange(c, 9_600, 10_400));
        Assert.Equal("bound", Assert.Throws<ArgumentOutOfRangeException>(() => random.NextInt(0)).ParamName);
    }

    [Fact]
    public void NextGaussianHasUnitVarianceAndZeroMean()
    {
        var random = new SeededRandom(23);
        const int n = 40_000;
        double sum = 0, squares = 0;
        for (int i = 0; i < n; i++)
        {
            double v = random.NextGaussian();
            sum += v;
            squares += v * v;
        }

        double mean = sum / n;
        double variance = (squares / n) - (mean * mean);
        // Standard errors: 0.005 for the mean, 0.007 for the variance.
        Assert.InRange(mean, -0.025, 0.025);
        Assert.InRange(variance, 0.965, 1.035);
    }

    [Fact]
    public void ShuffleIsAPermutationAndMovesValues()
    {
        var random = new SeededRandom(29);
        int[] values = Enumerable.Range(0, 50).ToArray();

        random.Shuffle(values);

        Assert.Equal(Enumerable.Range(0, 50), values.Order());
        Assert.True(values.Where((v, i) => v != i).Count() > 40, string.Join(",", values));
    }

    private static double[] Draws(SeededRandom random) =>
        [random.NextGaussian(), random.NextGaussian(), random.NextGaussian(), random.NextDouble(), random.NextUInt64(), random.NextInt(1000)];
}
