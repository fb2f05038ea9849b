using Gated.IO;
using Gated.Serialization.Onnx;

namespace Gated.Serialization;

/// <summary>
/// Tells a file's kind from its content, so a file given in the wrong place is named for what it is ("an ONNX
/// model") rather than by what its first bytes mean in the expected format (a header length of 7310575052784797448).
/// </summary>
internal static class FileSniffer
{
    private static ReadOnlySpan<byte> NpyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private static ReadOnlySpan<byte> ZipMagic => [(byte)'P', (byte)'K', 3, 4];

    private static ReadOnlySpan<byte> Hdf5Magic => [0x89, (byte)'H', (byte)'D', (byte)'F', (byte)'\r', (byte)'\n', 0x1a, (byte)'\n'];

    /// <summary>Whether the bytes begin as a zip archive (a .keras file is one).</summary>
    public static bool IsZip(ReadOnlySpan<byte> bytes) => bytes.StartsWith(ZipMagic);

    /// <summary>Whether the bytes hold an HDF5 superblock signature: at 0, or after a user block of 512, 1024, 2048, ... bytes.</summary>
    public static bool IsHdf5(ReadOnlySpan<byte> bytes)
    {
        for (long offset = 0; offset + 8 <= bytes.Length; offset = offset == 0 ? 512 : offset * 2)
        {
            if (bytes[(int)offset..].StartsWith(Hdf5Magic))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether the bytes begin as a safetensors file: a header length that fits, then a JSON object.</summary>
    public static bool LooksLikeSafeTensors(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 10)
        {
            return false;
        }

        ulong headerLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        return headerLength >= 2 && headerLength <= (ulong)(bytes.Length - 8) && bytes[8] == (byte)'{';
    }

    /// <summary>"an ONNX model", "a .npy array", "a zip archive", "an HDF5 file", "a text file (CSV?)", or null when the content is none of these.</summary>
    public static string? Describe(byte[] bytes)
    {
        if (IsZip(bytes))
        {
            return "a zip archive";
        }

        if (IsHdf5(bytes))
        {
            return "an HDF5 file";
        }

        if (bytes.AsSpan().StartsWith(NpyMagic))
        {
            return "a .npy array";
        }

        if (IsOnnx(bytes))
        {
            return "an ONNX model";
        }

        return IsText(bytes) ? "a text file (CSV?)" : null;
    }

    /// <summary>Whether the bytes parse as an ONNX ModelProto with a graph.</summary>
    public static bool IsOnnx(byte[] bytes)
    {
        try
        {
            OnnxModel.Parse(bytes, "");
            return true;
        }
        catch (ModelFormatException)
        {
            return false;
        }
    }

    // Text: no NUL and no control bytes but tab, CR and LF in the first kilobyte.
    private static bool IsText(byte[] bytes)
    {
        var head = bytes.AsSpan(0, Math.Min(bytes.Length, 1024));
        foreach (byte b in head)
        {
            if (b < 0x20 && b is not ((byte)'\t' or (byte)'\r' or (byte)'\n'))
            {
                return false;
            }
        }

        return head.Length > 0;
    }
}
