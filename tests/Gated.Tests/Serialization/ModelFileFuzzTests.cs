using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using Gated.IO;
using Gated.Layers.Recurrent;
using Gated.Layers;
using Gated.Models;
using Gated.Serialization.Onnx;
using Gated.Serialization;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization;

/// <summary>
/// Seeded mutation fuzzing of a Gated model file (GatedModelFile.Load) and an exported ONNX file (OnnxImporter.FromBytes):
/// bit flips, random bytes, truncations, duplicated and deleted chunks, inserted huge varints. Each run stops after
/// its mutation count or about 3 s, whichever comes first; any failure but ModelFormatException fails the test
/// with the seed and mutation number that reproduce it.
/// </summary>
public sealed class ModelFileFuzzTests : IDisposable
{
    private const int Mutations = 4000;
    private static readonly TimeSpan TimeBox = TimeSpan.FromSeconds(3);

    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void MutatedModelFilesFailOnlyWithModelFormatException()
    {
        var model = new Sequential(new Embedding(6, 3), new Gru(4, returnSequences: true), new Bidirectional(new Lstm(2)), new Dense(2), new Activation("softmax"));
        model.Build([5], seed: 3);
        string good = _folder.File("good.safetensors");
        GatedModelFile.Save(good, model, new Dictionary<string, string> { ["note"] = "fuzz" });
        byte[] valid = File.ReadAllBytes(good);
        int hot = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string path = _folder.File("mutated.safetensors");

        var (tried, rejected) = Fuzz(valid, hot, seed: 1234, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            try
            {
                GatedModelFile.Load(path);
            }
            catch (ModelFormatException e)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                throw;
            }
        });

        Assert.True(tried >= 200, $"only {tried} mutations ran in {TimeBox.TotalSeconds} s");
        Assert.True(rejected > tried / 4, $"only {rejected} of {tried} mutations were rejected: the mutator hardly reaches the header");
        Assert.Throws<FileNotFoundException>(() => GatedModelFile.Load(_folder.File("missing.safetensors")));
    }

    [Fact]
    public void MutatedOnnxFilesFailOnlyWithModelFormatException()
    {
        var model = new Sequential(new Bidirectional(new Gru(4, returnSequences: true)), new Lstm(3), new Dense(2), new Activation("sigmoid"));
        model.Build([5, 3], seed: 3);
        byte[] valid = OnnxExporter.ToBytes(model);
        Assert.NotNull(OnnxImporter.FromBytes(valid));

        var (tried, rejected) = Fuzz(valid, valid.Length, seed: 4321, bytes => OnnxImporter.FromBytes(bytes, "fuzz.onnx"));

        Assert.True(tried >= 200, $"only {tried} mutations ran in {TimeBox.TotalSeconds} s");
        Assert.True(rejected > tried / 10, $"only {rejected} of {tried} mutations were rejected");
    }

    // No insertion is semantically neutral: the length prefix fixes the header's size, so bytes inserted even into
    // the header's JSON whitespace push its tail into the data region, whose size then differs from the declared one.
    [Fact]
    public void BytesInsertedOrAppendedAtEveryOffsetAreRejected()
    {
        var model = new Sequential(new Gru(2), new Dense(1));
        model.Build([3, 1], seed: 3);
        string good = _folder.File("small.safetensors");
        GatedModelFile.Save(good, model);
        byte[] valid = File.ReadAllBytes(good);
        byte[][] inserts = [[0], [0x20, 0x20, 0x20, 0x20], [0, 0, 0x80, 0x3f]];
        var accepted = new List<string>();
        foreach (byte[] insert in inserts)
        {
            for (int at = 0; at <= valid.Length; at++)
            {
                byte[] bytes = [.. valid.AsSpan(0, at), .. insert, .. valid.AsSpan(at)];
                try
                {
                    SafeTensorsFile.Read(bytes, "fuzz.safetensors");
                    accepted.Add($"{insert.Length} bytes at {at}");
                }
                catch (ModelFormatException)
                {
                }
            }
        }

        Assert.True(accepted.Count == 0, $"{accepted.Count} insertions were read as a model, first: {string.Join(", ", accepted.Take(5))}");

        // End to end: the four bytes inserted into the data region that once changed a forecast.
        int dataStart = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string path = _folder.File("inserted.safetensors");
        File.WriteAllBytes(path, [.. valid.AsSpan(0, dataStart + 4), 0, 0, 0x80, 0x3f, .. valid.AsSpan(dataStart + 4)]);
        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("declares", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataBytesThatBelongToNoTensorAreRejected()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}";
        var e = Assert.Throws<ModelFormatException>(() => SafeTensorsFile.Read(SafeTensors(header, 12), "hole.safetensors"));
        Assert.Contains("belong to no tensor", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OverlappingTensorsAreRejectedNamingTheFile()
    {
        string header = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        string path = _folder.File("overlap.safetensors");
        File.WriteAllBytes(path, SafeTensors(header, 12));
        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("overlap", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1048576,1048576,256]", "[0,16]")] // shape of a petabyte, offsets of 16 bytes
    [InlineData("[4]", "[0,1125899906842624]")] // offsets spanning a petabyte
    [InlineData("[1125899906842624]", "[0,4503599627370496]")] // a dimension past int.MaxValue
    public void APetabyteTensorIsRejectedNamingTheFile(string shape, string offsets)
    {
        string header = $"{{\"big\":{{\"dtype\":\"F32\",\"shape\":{shape},\"data_offsets\":{offsets}}}}}";
        string path = _folder.File("petabyte.safetensors");
        File.WriteAllBytes(path, SafeTensors(header, 16));
        var e = Assert.Throws<ModelFormatException>(() => GatedModelFile.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    private static byte[] SafeTensors(string header, int dataBytes)
    {
        byte[] json = Encoding.UTF8.GetBytes(header);
        byte[] file = new byte[8 + json.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)json.Length);
        json.CopyTo(file, 8);
        return file;
    }

    // Runs read on mutated copies of valid until Mutations or the time box; returns (tried, rejected with ModelFormatException).
    private static (int Tried, int Rejected) Fuzz(byte[] valid, int hot, int seed, Action<byte[]> read)
    {
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        int tried = 0, rejected = 0;
        var escapes = new Dictionary<string, string>(StringComparer.Ordinal);
        for (; tried < Mutations && clock.Elapsed < TimeBox; tried++)
        {
            byte[] bytes = valid;
            int rounds = 1 + random.Next(3);
            for (int k = 0; k < rounds; k++)
            {
                bytes = Mutate(bytes, hot, random);
            }

            try
            {
                read(bytes);
            }
            catch (ModelFormatException)
            {
                rejected++;
            }
            catch (Exception e)
            {
                // Group by exception type and the frame that threw, so one run lists every distinct escape.
                string site = $"{e.GetType().Name} at {e.StackTrace?.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Contains("Gated.", StringComparison.Ordinal) && !l.Contains("Gated.Tests", StringComparison.Ordinal))}";
                escapes.TryAdd(site, $"mutation {tried} (seed {seed}): {e.Message.Split('\n')[0]}");
            }
        }

        Assert.True(escapes.Count == 0, $"{escapes.Count} kinds of failure escaped as something other than ModelFormatException:\n" + string.Join("\n", escapes.Select(kv => $"{kv.Key} — first at {kv.Value}")));
        return (tried, rejected);
    }

    private static byte[] Mutate(byte[] data, int hot, Random random)
    {
        // Half the positions fall in the hot prefix (a safetensors header), where the structure lives.
        int Position(int length) => length == 0 ? 0 : random.Next(2) == 0 ? random.Next(Math.Min(hot, length)) : random.Next(length);
        if (data.Length == 0)
        {
            return [(byte)random.Next(256)];
        }

        switch (random.Next(7))
        {
            case 0:
                {
                    byte[] copy = (byte[])data.Clone();
                    copy[Position(copy.Length)] ^= (byte)(1 << random.Next(8));
                    return copy;
                }

            case 1:
                {
                    byte[] copy = (byte[])data.Clone();
                    for (int n = 1 + random.Next(4); n > 0; n--)
                    {
                        copy[Position(copy.Length)] = (byte)random.Next(256);
                    }

                    return copy;
                }

            case 2:
                return data[..random.Next(data.Length)];
            case 3:
                {
                    // Duplicate a chunk: data[..at] + data[from..from+length] + data[at..].
                    int from = Position(data.Length), length = 1 + random.Next(Math.Min(64, data.Length - from)), at = Position(data.Length);
                    return [.. data.AsSpan(0, at), .. data.AsSpan(from, length), .. data.AsSpan(at)];
                }

            case 4:
                {
                    int from = Position(data.Length), length = 1 + random.Next(Math.Min(32, data.Length - from));
                    return [.. data.AsSpan(0, from), .. data.AsSpan(from + length)];
                }

            case 5:
                {
                    // A huge or overlong varint (10 bytes, up to 2^64 − 1), inserted or written over the bytes there.
                    byte[] varint = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, (byte)(random.Next(2) == 0 ? 0x01 : 0x7f)];
                    int at = Position(data.Length);
                    if (random.Next(2) == 0)
                    {
                        return [.. data.AsSpan(0, at), .. varint, .. data.AsSpan(at)];
                    }

                    byte[] copy = (byte[])data.Clone();
                    varint.AsSpan(0, Math.Min(varint.Length, copy.Length - at)).CopyTo(copy.AsSpan(at));
                    return copy;
                }

            default:
                {
                    // A digit or structural character where it changes meaning (sizes, nesting, quoting).
                    const string Interesting = "0123456789-.,[]{}:\"eE\0\xff";
                    byte[] copy = (byte[])data.Clone();
                    copy[Position(copy.Length)] = (byte)Interesting[random.Next(Interesting.Length)];
                    return copy;
                }
        }
    }
}
