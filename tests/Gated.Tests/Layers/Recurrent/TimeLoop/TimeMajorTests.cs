using Gated.Layers.Recurrent.TimeLoop;
using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Layers.Recurrent.TimeLoop;

/// <summary>
/// TimeMajor: (B, T, F) ↔ (T, B, F), with time reversed on request, checked by hand on small cases and round-tripped
/// on every small shape, through both the one-feature transpose and the row-copy path.
/// </summary>
public class TimeMajorTests
{
    // (B=2, T=3, F=1): b0 = [1, 2, 3], b1 = [4, 5, 6].
    private static readonly float[] OneFeature = [1, 2, 3, 4, 5, 6];

    // (B=2, T=2, F=2): b0 = [(1, 2), (3, 4)], b1 = [(5, 6), (7, 8)].
    private static readonly float[] TwoFeatures = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void HandCheckedOneFeature()
    {
        var forward = new float[6];
        TimeMajor.FromBatchMajor(OneFeature, forward, batch: 2, steps: 3, features: 1, reverse: false);
        Assert.Equal([1f, 4f, 2f, 5f, 3f, 6f], forward);

        var reversed = new float[6];
        TimeMajor.FromBatchMajor(OneFeature, reversed, batch: 2, steps: 3, features: 1, reverse: true);
        Assert.Equal([3f, 6f, 2f, 5f, 1f, 4f], reversed);

        var back = new float[6];
        TimeMajor.ToBatchMajor(forward, back, batch: 2, steps: 3, features: 1, reverse: false);
        Assert.Equal(OneFeature, back);

        // Without reversal on the way back, processing order stays: Keras's go_backwards outputs.
        TimeMajor.ToBatchMajor(reversed, back, batch: 2, steps: 3, features: 1, reverse: false);
        Assert.Equal([3f, 2f, 1f, 6f, 5f, 4f], back);
    }

    [Fact]
    public void HandCheckedTwoFeatures()
    {
        var forward = new float[8];
        TimeMajor.FromBatchMajor(TwoFeatures, forward, batch: 2, steps: 2, features: 2, reverse: false);
        Assert.Equal([1f, 2f, 5f, 6f, 3f, 4f, 7f, 8f], forward);

        var reversed = new float[8];
        TimeMajor.FromBatchMajor(TwoFeatures, reversed, batch: 2, steps: 2, features: 2, reverse: true);
        Assert.Equal([3f, 4f, 7f, 8f, 1f, 2f, 5f, 6f], reversed);

        var back = new float[8];
        TimeMajor.ToBatchMajor(reversed, back, batch: 2, steps: 2, features: 2, reverse: true);
        Assert.Equal(TwoFeatures, back);
    }

    [Fact]
    public void RoundTripsEverySmallShapeBothWays()
    {
        var random = new SeededRandom(4);
        foreach (int features in (int[])[1, 2, 3, 7])
        {
            for (int batch = 1; batch <= 5; batch++)
            {
                for (int steps = 1; steps <= 6; steps++)
                {
                    int n = batch * steps * features;
                    var source = new float[n];
                    for (int i = 0; i < n; i++)
                    {
                        source[i] = random.NextUniform(-1, 1);
                    }

                    foreach (bool reverse in (bool[])[false, true])
                    {
                        var timeMajor = new float[n];
                        TimeMajor.FromBatchMajor(source, timeMajor, batch, steps, features, reverse);
                        for (int b = 0; b < batch; b++)
                        {
                            for (int t = 0; t < steps; t++)
                            {
                                int s = reverse ? steps - 1 - t : t;
                                for (int f = 0; f < features; f++)
                                {
                                    Assert.Equal(source[(((b * steps) + t) * features) + f], timeMajor[(((s * batch) + b) * features) + f]);
                                }
                            }
                        }

                        // Destinations one longer than needed: the tail must stay untouched.
                        var back = new float[n + 1];
                        back[n] = 42f;
                        TimeMajor.ToBatchMajor(timeMajor, back, batch, steps, features, reverse);
                        Assert.Equal(source, back[..n]);
                        Assert.Equal(42f, back[n]);
                    }
                }
            }
        }
    }
}
