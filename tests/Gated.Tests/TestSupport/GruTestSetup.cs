using Gated.Layers.Recurrent;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;

namespace Gated.Tests.TestSupport;

/// <summary>Random GRU weights for tests and the ReferenceGru holding the same weights in double.</summary>
public static class GruTestSetup
{
    /// <summary>Weights large enough that the gates leave their linear range: pre-activations of order 1.</summary>
    public static void Randomize(Gru gru, SeededRandom random)
    {
        int units = gru.Units;
        foreach (var p in gru.Parameters)
        {
            double scale = p.Name switch
            {
                "kernel" => 1.0,
                "recurrent_kernel" => 1.5 / Math.Sqrt(units),
                _ => 0.5,
            };
            TestData.Uniform(random, p.Length, scale).CopyTo(p.Values);
        }
    }

    public static ReferenceGru Reference(Gru gru, int inputSize)
    {
        bool resetAfter = gru.Variant == GruVariant.ResetAfter;
        return new ReferenceGru(inputSize, gru.Units, resetAfter,
            TestData.ToDouble(gru.ValuesArray("kernel")),
            TestData.ToDouble(gru.ValuesArray("recurrent_kernel")),
            TestData.ToDouble(gru.ValuesArray("bias")),
            resetAfter ? TestData.ToDouble(gru.ValuesArray("recurrent_bias")) : null);
    }
}
