using System.Buffers.Binary;
using System.Text;
using Gated.IO;
using Gated.Randomness;
using Gated.Serialization;
using Gated.Tensors;
using Gated.Tests.Cli;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Serialization;

public sealed class NpyFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Theory]
    [InlineData(new int[0])]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 0 })]
    [InlineData(new[] { 3, 4 })]
    [InlineData(new[] { 2, 0, 3 })]
    [InlineData(new[] { 2, 3, 4 })]
    [InlineData(new[] { 2, 1, 3, 5 })]
    public void EveryRankRoundTripsExactly(int[] shape)
    {
        var tensor = TestData.UniformTensor(new SeededRandom(3), 10, shape);
        if (tensor.Length > 0)
        {
            tensor.Data[0] = float.NaN;
        }

        string path = _folder.File("t.npy");
        NpyFile.Write(path, tensor);
        var read = NpyFile.Read(path);

        Assert.Equal(shape, read.Shape);
        Assert.Equal(tensor.Data, read.Data);
        Assert.Equal(0, new FileInfo(path).Length % 4);
        Assert.Equal(0, (File.ReadAllBytes(path).Length - (tensor.Length * 4)) % 64);
    }

    [Fact]
    public void WritesTheHeaderNumpyWrites()
    {
        string path = _folder.File("t.npy");
        NpyFile.Write(path, new Tensor([1, 2, 3], 3));
        var bytes = File.ReadAllBytes(path);
        string header = Encoding.Latin1.GetString(bytes, 10, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));

        Assert.Equal("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", header.TrimEnd());
        Assert.EndsWith("\n", header, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadsWhatNumpyWrote()
    {
        var x = NpyFile.Read(Path.Combine(PyTorchFixture.FolderPath("interop"), "gru_last_x.npy"));
        Assert.Equal([3, 6, 3], x.Shape);
        Assert.All(x.Data, v => Assert.InRange(v, -1.5f, 1.5f));
    }

    [Theory]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    [InlineData(false, 3)]
    public void ReadsFloat64EitherByteOrderAndVersions2And3(bool bigEndian, int version)
    {
        double[] values = [1.5, -2.25, 1e-3, 3.0, 4.0, 5.0];
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            if (bigEndian)
            {
                BinaryPrimitives.WriteDoubleBigEndian(data.AsSpan(i * 8), values[i]);
            }
            else
            {
                BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
            }
        }

        var bytes = Build($"{{\"descr\": \"{(bigEndian ? '>' : '<')}f8\", \"fortran_order\": False, \"shape\": (2, 3)}}", data, version);
        var tensor = NpyFile.Read(bytes, "f8.npy");

        Assert.Equal([2, 3], tensor.Shape);
        Assert.Equal(values.Select(v => (float)v), tensor.Data);
    }

    public static TheoryData<string, byte[]> HostileFiles()
    {
        var data = new byte[24];
        var ok = Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data);
        var hugeHeader = (byte[])ok.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(hugeHeader.AsSpan(8), 65000);
        var hugeV2 = Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data, version: 2);
        BinaryPrimitives.WriteUInt32LittleEndian(hugeV2.AsSpan(8), uint.MaxValue);
        var badMagic = (byte[])ok.Clone();
        badMagic[1] = (byte)'X';
        var badVersion = (byte[])ok.Clone();
        badVersion[6] = 9;
        return new TheoryData<string, byte[]>
        {
            { "magic", badMagic },
            { "version", badVersion },
            { "empty", [] },
            { "preamble", ok[..9] },
            { "truncated data", ok[..^3] },
            { "truncated header", ok[..40] },
            { "header length", hugeHeader },
            { "header length", hugeV2 },
            { "fortran_order", Build("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data) },
            { "dtype", Build("{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data) },
            { "dtype", Build("{'descr': '|O', 'fortran_order': False, 'shape': (2, 3), }", data) },
            { "data bytes", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", data) },
            { "data bytes", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (), }", data) },
            { "dimension", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (-2, -3), }", data) },
            { "dimension", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (99999999999, 1), }", data) },
            { "too large", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2147483647, 2147483647, 2147483647), }", data) },
            { "shape", Build("{'descr': '<f4', 'fortran_order': False}", data) },
            { "header", Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), 'extra': 1}", data) },
            { "header", Build("not a dict", data) },
            { "header", Build("{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)}", data) },
            { "header", Build("{'descr': '<f4, 'fortran_order': False, 'shape': (2, 3)}", data) },
        };
    }

    [Theory]
    [MemberData(nameof(HostileFiles))]
    public void HostileFilesThrowModelFormatExceptionNamingTheFile(string what, byte[] bytes)
    {
        var e = Assert.Throws<ModelFormatException>(() => NpyFile.Read(bytes, "hostile.npy"));
        Assert.StartsWith("hostile.npy: ", e.Message, StringComparison.Ordinal);
        Assert.False(string.IsNullOrEmpty(what));
    }

    [Theory]
    [InlineData(float.NaN, "NaN")]
    [InlineData(float.PositiveInfinity, "infinity")]
    [InlineData(float.NegativeInfinity, "-infinity")]
    public void DataWithANonFiniteValueIsRefusedNamingTheFirst(float bad, string word)
    {
        string path = _folder.File("x.npy");
        NpyFile.Write(path, new Tensor([1f, 2f, 3f, 4f, bad, 6f, float.NaN, 8f], [2, 2, 2]));
        var e = Assert.Throws<Gated.Data.DataFormatException>(() => NpyFile.ReadData(path));
        Assert.Equal($"{path}: value 4 (at (1, 0, 0)) is {word}, not a finite number", e.Message);
        Assert.True(float.IsNaN(NpyFile.Read(path).Data[6]), "Read, for weights and raw arrays, keeps every value");
    }

    [Fact]
    public void BytesInsertedOrAppendedAtEveryOffsetAreRejected()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, new Tensor([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]));
        byte[] valid = stream.ToArray();
        foreach (byte[] insert in new byte[][] { [0x20], [0x20, 0x20, 0x20, 0x20], [0, 0, 0x80, 0x3f] })
        {
            for (int at = 0; at <= valid.Length; at++)
            {
                byte[] bytes = [.. valid.AsSpan(0, at), .. insert, .. valid.AsSpan(at)];
                Assert.Throws<ModelFormatException>(() => NpyFile.Read(bytes, "fuzz.npy"));
            }
        }
    }

    [Fact]
    public void ReadingAFileNamesItsPath()
    {
        string path = _folder.File("bad.npy", "hello");
        var e = Assert.Throws<ModelFormatException>(() => NpyFile.Read(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RandomMutationsOnlyEverThrowModelFormatException()
    {
        using var stream = new MemoryStream();
        NpyFile.Write(stream, TestData.UniformTensor(new SeededRandom(1), 1, 2, 3, 4));
        var valid = stream.ToArray();
        int failures = NpyFileFuzz.Run(valid, seed: 11, iterations: 3000, bytes => NpyFile.Read(bytes, "fuzz.npy"));
        Assert.True(failures > 100, $"only {failures} mutations were rejected");
    }

    /// <summary>A .npy file with the given header text (padded as numpy pads it) and raw data.</summary>
    internal static byte[] Build(string header, byte[] data, int version = 1)
    {
        int preamble = version == 1 ? 10 : 12;
        int total = (preamble + header.Length + 1 + 63) / 64 * 64;
        var text = Encoding.UTF8.GetBytes(header.PadRight(total - preamble - 1) + "\n");
        var bytes = new byte[preamble + text.Length + data.Length];
        new byte[] { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0 }.CopyTo(bytes, 0);
        if (version == 1)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)text.Length);
        }
        else
        {
            BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), (uint)text.Length);
        }

        text.CopyTo(bytes, preamble);
        data.CopyTo(bytes, preamble + text.Length);
        return bytes;
    }
}
