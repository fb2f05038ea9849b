using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Training;

/// <summary>
/// Where a Fit run stands between epochs: the shuffling generator and the current order of training samples.
/// With the weights and the optimizer state it is everything needed to continue a run bit for bit.
/// </summary>
public sealed class TrainingRunState
{
    /// <summary>A fresh run: the generator seeded with seed, samples in their original order.</summary>
    public TrainingRunState(ulong seed, int trainSamples)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainSamples);
        Random = new SeededRandom(seed);
        Order = Enumerable.Range(0, trainSamples).ToArray();
    }

    /// <summary>The generator that shuffles <see cref="Order"/> each epoch.</summary>
    public SeededRandom Random { get; }

    /// <summary>The training samples' order after the last shuffle.</summary>
    public int[] Order { get; }

    /// <summary>Epochs finished so far in this run.</summary>
    public int CompletedEpochs { get; set; }
}
