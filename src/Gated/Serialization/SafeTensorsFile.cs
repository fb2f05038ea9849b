using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.Json;
using Gated.IO;

namespace Gated.Serialization;

/// <summary>
/// The safetensors format (huggingface/safetensors): an 8-byte little-endian header length, a JSON header
/// naming each tensor's dtype, shape and [begin, end) byte offsets into the data that follows, and an optional
/// "__metadata__" map of strings. F32 tensors, and I8 ones (int8 weights of quantized models), are read and written here.
/// </summary>
public static class SafeTensorsFile
{
    /// <summary>Refuse headers larger than this: real ones are kilobytes; a hostile one may claim petabytes.</summary>
    public const long MaxHeaderBytes = 100L * 1024 * 1024;

    /// <summary>One tensor: its shape and its values in C order.</summary>
    /// <param name="Shape">The dimensions, outermost first.</param>
    /// <param name="Data">The values, as many as the shape holds (an I8 tensor's as floats, each an integer in [−128, 127]).</param>
    /// <param name="DType">"F32", or "I8" for int8 values.</param>
    public sealed record Entry(int[] Shape, float[] Data, string DType = "F32")
    {
        /// <summary>Whether the tensor is stored as int8.</summary>
        public bool IsInt8 => DType == "I8";
    }

    /// <summary>Writes the tensors, in the given order, and the metadata strings as one safetensors file.</summary>
    public static void Write(Stream stream, IReadOnlyList<KeyValuePair<string, Entry>> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentNullException.ThrowIfNull(metadata);
        var header = new JsonObject();
        var meta = new JsonObject();
        foreach (var (key, value) in metadata)
        {
            meta[key] = value;
        }

        header["__metadata__"] = meta;
        long offset = 0;
        foreach (var (name, entry) in tensors)
        {
            if (name == "__metadata__" || header.ContainsKey(name))
            {
                throw new ArgumentException($"Tensor name '{name}' is reserved or repeated.", nameof(tensors));
            }

            if (entry.DType is not ("F32" or "I8"))
            {
                throw new ArgumentException($"Tensor '{name}' has dtype {entry.DType}; F32 and I8 are written.", nameof(tensors));
            }

            long bytes = (long)entry.Data.Length * (entry.IsInt8 ? 1 : sizeof(float));
            header[name] = new JsonObject
            {
                ["dtype"] = entry.DType,
                ["shape"] = new JsonArray(entry.Shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        // JsonNode writes itself: no reflection (trimming, Native AOT), the same text as the serializer's default options.
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            header.WriteTo(writer);
        }

        ReadOnlySpan<byte> json = buffer.WrittenSpan;

        // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
        stream.Write(length);
        stream.Write(json);
        for (int i = json.Length; i < padded; i++)
        {
            stream.WriteByte((byte)' ');
        }

        foreach (var (name, entry) in tensors)
        {
            if (entry.IsInt8)
            {
                var bytes = new byte[entry.Data.Length];
                for (int i = 0; i < bytes.Length; i++)
                {
                    float v = entry.Data[i];
                    bytes[i] = v == MathF.Round(v) && v is >= sbyte.MinValue and <= sbyte.MaxValue
                        ? (byte)(sbyte)v
                        : throw new ArgumentException($"Tensor '{name}' is I8 but holds {v}.", nameof(tensors));
                }

                stream.Write(bytes);
            }
            else if (BitConverter.IsLittleEndian)
            {
                stream.Write(MemoryMarshal.AsBytes(entry.Data.AsSpan()));
            }
            else
            {
                var bytes = new byte[entry.Data.Length * sizeof(float)];
                for (int i = 0; i < entry.Data.Length; i++)
                {
                    BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * 4), entry.Data[i]);
                }

                stream.Write(bytes);
            }
        }
    }

    /// <summary>Read for formats of float tensors only (PyTorch state_dicts, Keras weights): an I8 tensor is a ModelFormatException naming it.</summary>
    public static Dictionary<string, Entry> ReadFloat(byte[] file, string sourceName)
    {
        var (tensors, _) = Read(file, sourceName);
        foreach (var (name, entry) in tensors)
        {
            if (entry.IsInt8)
            {
                throw new ModelFormatException($"{sourceName}: tensor '{name}' is int8; only a Gated model file quantized by `gated quantize` holds int8 weights.");
            }
        }

        return tensors;
    }

    /// <summary>Reads every tensor and the metadata, checking that offsets, shapes and sizes agree; any malformed file is a ModelFormatException.</summary>
    public static (Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata) Read(byte[] file, string sourceName)
    {
        try
        {
            return ReadChecked(file, sourceName);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // System.Text.Json reports some malformed headers (invalid UTF-8, a number where a string belongs) with these.
            throw new ModelFormatException($"{sourceName}: the safetensors header is malformed ({e.Message.Split('\n')[0]}).", e);
        }
    }

    private static (Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata) ReadChecked(byte[] file, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Length < 8)
        {
            throw new ModelFormatException($"{sourceName}: not a safetensors file (only {file.Length} bytes).");
        }

        if (!FileSniffer.LooksLikeSafeTensors(file) && FileSniffer.Describe(file) is { } kind)
        {
            throw new ModelFormatException($"{sourceName}: this is {kind}, not a safetensors model (Gated or PyTorch state_dict).");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(file);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, file.Length - 8))
        {
            throw new ModelFormatException($"{sourceName}: header claims {headerLength} bytes but the file has {file.Length - 8} after the length.");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(file.AsSpan(8, (int)headerLength)) as JsonObject
                ?? throw new ModelFormatException($"{sourceName}: the header is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelFormatException($"{sourceName}: the header is not valid JSON ({e.Message.Split('\n')[0]}).", e);
        }

        var data = file.AsSpan(8 + (int)headerLength);
        var tensors = new Dictionary<string, Entry>(StringComparer.Ordinal);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var ranges = new List<(long Begin, long End, string Name)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                ReadMetadata(node, metadata, sourceName);
                continue;
            }

            var entry = ReadEntry(name, node, data, sourceName, out long begin, out long end);
            ranges.Add((begin, end, name));
            tensors[name] = entry;
        }

        // As the reference reader: the tensors tile the data region from 0 with no hole, and the region ends where
        // the last tensor does, so bytes inserted or appended anywhere are refused rather than read as other values.
        ranges.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long extent = 0;
        for (int i = 0; i < ranges.Count; i++)
        {
            if (ranges[i].Begin < extent)
            {
                throw new ModelFormatException($"{sourceName}: tensors '{ranges[i - 1].Name}' and '{ranges[i].Name}' overlap.");
            }

            if (ranges[i].Begin > extent)
            {
                throw new ModelFormatException($"{sourceName}: {ranges[i].Begin - extent} data bytes before tensor '{ranges[i].Name}' belong to no tensor.");
            }

            extent = ranges[i].End;
        }

        if (data.Length != extent)
        {
            throw new ModelFormatException($"{sourceName}: the header declares {extent} data bytes but the file has {data.Length} after the header.");
        }

        return (tensors, metadata);
    }

    private static void ReadMetadata(JsonNode? node, Dictionary<string, string> metadata, string sourceName)
    {
        if (node is not JsonObject meta)
        {
            throw new ModelFormatException($"{sourceName}: __metadata__ must be an object of strings.");
        }

        foreach (var (key, value) in meta)
        {
            if (value is not JsonValue v || !v.TryGetValue(out string? text))
            {
                throw new ModelFormatException($"{sourceName}: metadata '{key}' is not a string.");
            }

            metadata[key] = text;
        }
    }

    private static Entry ReadEntry(string name, JsonNode? node, ReadOnlySpan<byte> data, string sourceName, out long begin, out long end)
    {
        string where = $"{sourceName}: tensor '{name}'";
        try
        {
            if (node is not JsonObject info)
            {
                throw new ModelFormatException($"{where} has no dtype/shape/data_offsets object.");
            }

            string dtype = info["dtype"]?.GetValue<string>() ?? throw new ModelFormatException($"{where} has no dtype.");
            if (dtype is not ("F32" or "I8"))
            {
                throw new ModelFormatException($"{where} has dtype {dtype}; only F32 (and I8 for quantized weights) is supported.");
            }

            int width = dtype == "I8" ? 1 : sizeof(float);

            var shapeNode = info["shape"] as JsonArray ?? throw new ModelFormatException($"{where} has no shape.");
            var offsets = info["data_offsets"] as JsonArray ?? throw new ModelFormatException($"{where} has no data_offsets.");
            int[] shape = shapeNode.Select(d => d?.GetValue<long>() ?? -1).Select(d =>
                d is < 0 or > int.MaxValue ? throw new ModelFormatException($"{where} has a bad dimension {d}.") : (int)d).ToArray();
            if (offsets.Count != 2)
            {
                throw new ModelFormatException($"{where}: data_offsets must be [begin, end].");
            }

            begin = offsets[0]?.GetValue<long>() ?? -1;
            end = offsets[1]?.GetValue<long>() ?? -1;
            if (begin < 0 || end < begin || end > data.Length)
            {
                throw new ModelFormatException($"{where}: offsets [{begin}, {end}) lie outside the {data.Length} data bytes.");
            }

            long count = 1;
            foreach (int d in shape)
            {
                count *= d;
                if (count * width > data.Length)
                {
                    throw new ModelFormatException($"{where}: shape ({string.Join(", ", shape)}) is larger than the file.");
                }
            }

            if (count * width != end - begin)
            {
                throw new ModelFormatException($"{where}: shape ({string.Join(", ", shape)}) needs {count * width} bytes but its offsets span {end - begin}.");
            }

            var values = new float[count];
            var bytes = data.Slice((int)begin, (int)(end - begin));
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = width == 1 ? (sbyte)bytes[i] : BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(i * 4, 4));
            }

            return new Entry(shape, values, dtype);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException)
        {
            throw new ModelFormatException($"{where}: malformed entry ({e.Message}).", e);
        }
    }
}
