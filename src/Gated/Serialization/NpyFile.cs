using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Gated.Data;
using Gated.IO;
using Gated.Tensors;

namespace Gated.Serialization;

/// <summary>
/// NumPy's .npy format (numpy.lib.format): the magic "\x93NUMPY", a version byte pair, the header length
/// (uint16 for 1.0, uint32 for 2.0 and 3.0, little-endian), then a Python dict literal
/// {'descr': '&lt;f4', 'fortran_order': False, 'shape': (2, 3), } padded with spaces to a multiple of 64 bytes
/// and ended by '\n', then the raw values. Reads float32 and float64 (either byte order, float64 converted) in
/// C order and any rank; writes version 1.0 '&lt;f4'. Anything else is a <see cref="ModelFormatException"/>.
/// </summary>
public static class NpyFile
{
    /// <summary>Refuse headers larger than this; numpy's own writer stays under a few hundred bytes.</summary>
    public const int MaxHeaderBytes = 1 << 20;

    private static ReadOnlySpan<byte> Magic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>Reads a C-ordered .npy file of float32 or float64 values (either byte order) as a float32 tensor.</summary>
    public static Tensor Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Read(File.ReadAllBytes(path), path);
    }

    /// <summary>
    /// Reads a .npy file of data (a model's input) as <see cref="Read(string)"/> does, and, as for a CSV
    /// (<see cref="TensorCsv"/>), every value must be finite: the first NaN or infinity is a
    /// <see cref="DataFormatException"/> naming its flat index and its index in the shape.
    /// </summary>
    public static Tensor ReadData(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw DataFormatException.FileNotFound(path);
        }

        var tensor = Read(path);
        var values = tensor.Data;
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                // Row-major: peel the index off from the last dimension.
                var index = new int[tensor.Rank];
                for (int d = tensor.Rank - 1, rest = i; d >= 0; d--)
                {
                    index[d] = rest % tensor.Shape[d];
                    rest /= tensor.Shape[d];
                }

                string value = float.IsNaN(values[i]) ? "NaN" : values[i] > 0 ? "infinity" : "-infinity";
                throw new DataFormatException($"value {i} (at {Tensor.FormatShape(index)}) is {value}, not a finite number", path);
            }
        }

        return tensor;
    }

    /// <summary>Parses a whole .npy file; sourceName names it in error messages.</summary>
    public static Tensor Read(byte[] bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        sourceName ??= "<npy>";
        if (bytes.Length < 10 || !bytes.AsSpan(0, 6).SequenceEqual(Magic))
        {
            throw new ModelFormatException($"{sourceName}: not a .npy file (no \\x93NUMPY magic).");
        }

        int major = bytes[6];
        int headerStart;
        long headerLength;
        if (major == 1)
        {
            headerStart = 10;
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
        }
        else if (major is 2 or 3)
        {
            if (bytes.Length < 12)
            {
                throw new ModelFormatException($"{sourceName}: truncated .npy preamble ({bytes.Length} bytes).");
            }

            headerStart = 12;
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
        }
        else
        {
            throw new ModelFormatException($"{sourceName}: .npy format version {major}.{bytes[7]} is not supported (1.0, 2.0 and 3.0 are).");
        }

        if (headerLength > MaxHeaderBytes || headerLength > bytes.Length - headerStart)
        {
            throw new ModelFormatException($"{sourceName}: header claims {headerLength} bytes but the file has {bytes.Length - headerStart} after the preamble.");
        }

        string header;
        try
        {
            var encoding = major == 3 ? new UTF8Encoding(false, throwOnInvalidBytes: true) : Encoding.Latin1;
            header = encoding.GetString(bytes, headerStart, (int)headerLength);
        }
        catch (DecoderFallbackException e)
        {
            throw new ModelFormatException($"{sourceName}: the .npy header is not valid UTF-8.", e);
        }

        var (descr, fortranOrder, shape) = ParseHeader(header, sourceName);
        if (fortranOrder)
        {
            throw new ModelFormatException($"{sourceName}: fortran_order True is not supported; save a C-ordered array (np.ascontiguousarray).");
        }

        int itemSize = descr switch
        {
            "<f4" or ">f4" => 4,
            "<f8" or ">f8" => 8,
            _ => throw new ModelFormatException($"{sourceName}: dtype '{descr}' is not supported; only float32 ('<f4') and float64 ('<f8') are."),
        };
        bool bigEndian = descr[0] == '>';
        long count = 1;
        foreach (int d in shape)
        {
            count *= d;
            if (count > Array.MaxLength)
            {
                throw new ModelFormatException($"{sourceName}: shape {Tensor.FormatShape(shape)} is too large.");
            }
        }

        var data = bytes.AsSpan(headerStart + (int)headerLength);
        if (count * itemSize != data.Length)
        {
            throw new ModelFormatException(
                $"{sourceName}: shape {Tensor.FormatShape(shape)} of '{descr}' needs {count * itemSize} data bytes but the file has {data.Length}.");
        }

        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            var item = data.Slice(i * itemSize, itemSize);
            values[i] = (itemSize, bigEndian) switch
            {
                (4, false) => BinaryPrimitives.ReadSingleLittleEndian(item),
                (4, true) => BinaryPrimitives.ReadSingleBigEndian(item),
                (_, false) => (float)BinaryPrimitives.ReadDoubleLittleEndian(item),
                _ => (float)BinaryPrimitives.ReadDoubleBigEndian(item),
            };
        }

        return new Tensor(values, shape);
    }

    /// <summary>Writes tensor as a version 1.0 '&lt;f4' C-order .npy file, atomically.</summary>
    public static void Write(string path, Tensor tensor)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(tensor);
        AtomicFile.Write(path, stream => Write(stream, tensor));
    }

    /// <summary>Writes tensor to a stream as a version 1.0 '&lt;f4' C-order .npy file.</summary>
    public static void Write(Stream stream, Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensor);
        string shape = tensor.Rank switch
        {
            0 => "()",
            1 => $"({tensor.Shape[0].ToString(CultureInfo.InvariantCulture)},)",
            _ => "(" + string.Join(", ", tensor.Shape.Select(d => d.ToString(CultureInfo.InvariantCulture))) + ")",
        };
        string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";

        // As numpy: pad with spaces so magic + version + length + header is a multiple of 64, ending in '\n'.
        int total = (10 + dict.Length + 1 + 63) / 64 * 64;
        string header = dict.PadRight(total - 10 - 1) + "\n";
        if (header.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Shape {Tensor.FormatShape(tensor.Shape)} is too long for a version 1.0 header.", nameof(tensor));
        }

        Span<byte> preamble = stackalloc byte[10];
        Magic.CopyTo(preamble);
        preamble[6] = 1;
        preamble[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(preamble[8..], (ushort)header.Length);
        stream.Write(preamble);
        stream.Write(Encoding.Latin1.GetBytes(header));
        var bytes = new byte[tensor.Length * sizeof(float)];
        for (int i = 0; i < tensor.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), tensor.Data[i]);
        }

        stream.Write(bytes);
    }

    private static (string Descr, bool FortranOrder, int[] Shape) ParseHeader(string header, string sourceName)
    {
        var parser = new HeaderParser(header, sourceName);
        var dict = parser.ParseDict();
        if (!dict.TryGetValue("descr", out var descr) || descr is not string descrText)
        {
            throw new ModelFormatException($"{sourceName}: the .npy header has no string 'descr'.");
        }

        if (!dict.TryGetValue("fortran_order", out var fortran) || fortran is not bool fortranOrder)
        {
            throw new ModelFormatException($"{sourceName}: the .npy header has no boolean 'fortran_order'.");
        }

        if (!dict.TryGetValue("shape", out var shape) || shape is not int[] dims)
        {
            throw new ModelFormatException($"{sourceName}: the .npy header has no tuple 'shape'.");
        }

        if (dict.Count != 3)
        {
            throw new ModelFormatException($"{sourceName}: the .npy header has keys other than descr, fortran_order and shape.");
        }

        return (descrText, fortranOrder, dims);
    }

    /// <summary>The subset of Python literal syntax that .npy headers use: a dict of str keys to str, bool or int tuples.</summary>
    private sealed class HeaderParser(string text, string sourceName)
    {
        private int _at;

        public Dictionary<string, object> ParseDict()
        {
            var result = new Dictionary<string, object>(StringComparer.Ordinal);
            Expect('{');
            while (true)
            {
                SkipSpace();
                if (TryTake('}'))
                {
                    break;
                }

                string key = ParseString();
                Expect(':');
                SkipSpace();
                object value = Peek() switch
                {
                    '\'' or '"' => ParseString(),
                    '(' => ParseTuple(),
                    _ => ParseBool(),
                };
                if (!result.TryAdd(key, value))
                {
                    throw Error($"repeats the key '{key}'");
                }

                SkipSpace();
                if (!TryTake(','))
                {
                    Expect('}');
                    break;
                }
            }

            SkipSpace();
            if (_at != text.Length)
            {
                throw Error("has text after the dict");
            }

            return result;
        }

        private string ParseString()
        {
            SkipSpace();
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            _at++;
            int end = text.IndexOf(quote, _at);
            if (end < 0)
            {
                throw Error("has an unterminated string");
            }

            string value = text[_at..end];
            _at = end + 1;
            return value;
        }

        private int[] ParseTuple()
        {
            Expect('(');
            var dims = new List<int>();
            while (true)
            {
                SkipSpace();
                if (TryTake(')'))
                {
                    break;
                }

                int start = _at;
                while (_at < text.Length && (char.IsAsciiDigit(text[_at]) || text[_at] == '-'))
                {
                    _at++;
                }

                // Python 2 era headers may write longs as 3L.
                string digits = text[start.._at];
                TryTake('L');
                if (!long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long d))
                {
                    throw Error($"has a shape entry '{digits}' that is not an integer");
                }

                if (d is < 0 or > int.MaxValue)
                {
                    throw Error($"has a shape dimension {digits} outside [0, {int.MaxValue}]");
                }

                dims.Add((int)d);
                if (dims.Count > 64)
                {
                    throw Error("has a shape of more than 64 dimensions");
                }

                SkipSpace();
                if (!TryTake(','))
                {
                    Expect(')');
                    break;
                }
            }

            return [.. dims];
        }

        private bool ParseBool()
        {
            if (string.CompareOrdinal(text, _at, "True", 0, 4) == 0)
            {
                _at += 4;
                return true;
            }

            if (string.CompareOrdinal(text, _at, "False", 0, 5) == 0)
            {
                _at += 5;
                return false;
            }

            throw Error("expected True, False, a string or a tuple");
        }

        private void SkipSpace()
        {
            while (_at < text.Length && char.IsWhiteSpace(text[_at]))
            {
                _at++;
            }
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private bool TryTake(char c)
        {
            if (Peek() != c)
            {
                return false;
            }

            _at++;
            return true;
        }

        private void Expect(char c)
        {
            SkipSpace();
            if (!TryTake(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private ModelFormatException Error(string what) =>
            new($"{sourceName}: the .npy header {what} at character {_at}: {Shorten(text)}");

        private static string Shorten(string s) => s.Length <= 120 ? s.TrimEnd() : s[..120] + "…";
    }
}
