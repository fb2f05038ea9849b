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

    /// <summary>"an ONNX model", "a .npy array", "a text file (CSV?)", or null when the content is none of these.</summary>
    public static string? Describe(byte[] bytes)
    {
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
