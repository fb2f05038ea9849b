using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class AddingProblemTests
{
    [Fact]
    public void ShapesAreSamplesByStepsByTwoAndSamplesByOne()
    {
        var (inputs, targets) = AddingProblem.Generate(samples: 7, length: 13, seed: 1);

        Assert.Equal([7, 13, 2], inputs.Shape);
        Assert.Equal([7, 1], targets.Shape);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(10)]
    [InlineData(101)]
    public void EachSampleHasOneMarkerPerHalfAndTargetsTheirSum(int length)
    {
        const int Samples = 500;
        var (inputs, targets) = AddingProblem.Generate(Samples, length, seed: 7);
        int half = length / 2;

        for (int n = 0; n < Samples; n++)
        {
            var marked = new List<int>();
            for (int t = 0; t < length; t++)
            {
                float value = inputs[n, t, 0];
                float marker = inputs[n, t, 1];
                Assert.InRange(value, 0f, 1f);
                Assert.True(marker is 0f or 1f, $"sample {n} step {t}: marker {marker}");
                if (marker == 1f)
                {
                    marked.Add(t);
                }
            }

            Assert.Equal(2, marked.Count);
            Assert.InRange(marked[0], 0, half - 1);
            Assert.InRange(marked[1], half, length - 1);
            Assert.Equal(inputs[n, marked[0], 0] + inputs[n, marked[1], 0], targets[n, 0]);
        }
    }

    [Fact]
    public void MarkersReachEveryStepOfTheirHalf()
    {
        // Guards against an off-by-one that would never mark the first or last step of a half.
        const int Length = 8;
        var (inputs, _) = AddingProblem.Generate(samples: 2000, length: Length, seed: 3);
        var seen = new bool[Length];
        for (int n = 0; n < 2000; n++)
        {
            for (int t = 0; t < Length; t++)
            {
                seen[t] |= inputs[n, t, 1] == 1f;
            }
        }

        Assert.All(seen, Assert.True);
    }

    [Fact]
    public void SameSeedGivesTheSameDataAndAnotherSeedDoesNot()
    {
        var (x1, y1) = AddingProblem.Generate(50, 20, seed: 42);
        var (x2, y2) = AddingProblem.Generate(50, 20, seed: 42);
        var (x3, y3) = AddingProblem.Generate(50, 20, seed: 43);

        Assert.Equal(x1.Data, x2.Data);
        Assert.Equal(y1.Data, y2.Data);
        Assert.NotEqual(x1.Data, x3.Data);
        Assert.NotEqual(y1.Data, y3.Data);
    }

    [Fact]
    public void PredictingOneHasTheBaselineMeanSquaredErrorOfOneSixth()
    {
        var (_, targets) = AddingProblem.Generate(samples: 10_000, length: 100, seed: 0);

        double sum = 0;
        foreach (float y in targets.Data)
        {
            sum += (y - 1.0) * (y - 1.0);
        }

        // (S − 1)² has variance 1/15 − 1/36 = 7/180 for S the sum of two U(0, 1), so the mean of 10,000 has a
        // standard error of 0.002; the seeded draw keeps the test deterministic, 0.008 keeps it honest.
        Assert.Equal(1.0 / 6.0, AddingProblem.BaselineMeanSquaredError, 12);
        Assert.InRange(sum / targets.Length, AddingProblem.BaselineMeanSquaredError - 0.008, AddingProblem.BaselineMeanSquaredError + 0.008);
    }

    [Theory]
    [InlineData(0, 10, "samples")]
    [InlineData(-1, 10, "samples")]
    [InlineData(5, 1, "length")]
    [InlineData(5, 0, "length")]
    public void BadArgumentsAreNamed(int samples, int length, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => AddingProblem.Generate(samples, length, seed: 0));

        Assert.Equal(name, ex.ParamName);
    }
}
