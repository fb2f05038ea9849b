using Gated.IO;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>Seeded mutation fuzzing of a reader (.npy, and the state_dict tests reuse it): byte flips, byte overwrites, truncations and inserted bytes.</summary>
internal static class NpyFileFuzz
{
    // Characters that steer a header parser into its edge cases.
    private const string Interesting = "0123456789-,()[]{}:'\" eTFxL\0\xff";

    /// <summary>Runs read on mutated copies of valid; fails on any exception but ModelFormatException. Returns how many threw.</summary>
    public static int Run(byte[] valid, ulong seed, int iterations, Action<byte[]> read)
    {
        var random = new SeededRandom(seed);
        int failures = 0;
        for (int n = 0; n < iterations; n++)
        {
            var bytes = Mutate(valid, random);
            try
            {
                read(bytes);
            }
            catch (ModelFormatException)
            {
                failures++;
            }
            catch (Exception e)
            {
                Assert.Fail($"Mutation {n} (seed {seed}) threw {e.GetType().Name}: {e.Message}");
            }
        }

        return failures;
    }

    private static byte[] Mutate(byte[] valid, SeededRandom random)
    {
        int Next(int below) => (int)(random.NextUInt64() % (ulong)below);
        var bytes = (byte[])valid.Clone();
        int edits = 1 + Next(3);
        for (int e = 0; e < edits; e++)
        {
            // Most mutations land in the first 128 bytes, where the preamble and header live.
            int at = Next(2) == 0 ? Next(Math.Min(bytes.Length, 128) + 1) : Next(bytes.Length + 1);
            switch (Next(5))
            {
                case 0 when at < bytes.Length:
                    bytes[at] ^= (byte)(1 << Next(8));
                    break;
                case 1 when at < bytes.Length:
                    bytes[at] = (byte)Interesting[Next(Interesting.Length)];
                    break;
                case 2:
                    bytes = bytes[..at];
                    break;
                case 3:
                    bytes = [.. bytes[..at], (byte)Next(256), .. bytes[at..]];
                    break;
                default:
                    if (at < bytes.Length)
                    {
                        bytes[at] = (byte)Next(256);
                    }

                    break;
            }
        }

        return bytes;
    }
}
