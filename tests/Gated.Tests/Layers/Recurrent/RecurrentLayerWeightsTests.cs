using Gated.Layers.Recurrent;
using Gated.Randomness;
using Xunit;

namespace Gated.Tests.Layers.Recurrent;

/// <summary>The typed weight accessors are the parameters of those names, and refuse an unbuilt layer.</summary>
public class RecurrentLayerWeightsTests
{
    [Fact]
    public void AccessorsAreTheNamedParameters()
    {
        var gru = new Gru(2);
        Assert.Throws<InvalidOperationException>(() => gru.Kernel);
        gru.Build([3, 4], new SeededRandom(1));
        Assert.Same(gru.Parameters.Single(p => p.Name == "kernel"), gru.Kernel);
        Assert.Same(gru.Parameters.Single(p => p.Name == "recurrent_kernel"), gru.RecurrentKernel);
        Assert.Same(gru.Parameters.Single(p => p.Name == "bias"), gru.Bias);
        Assert.Same(gru.Parameters.Single(p => p.Name == "recurrent_bias"), gru.RecurrentBias);
        Assert.Equal([4, 6], gru.Kernel.Shape);

        var lstm = new Lstm(2);
        lstm.Build([3, 4], new SeededRandom(1));
        Assert.Null(lstm.RecurrentBias);
    }
}
