using System.Buffers.Binary;
using Gated.IO;

namespace Gated.Serialization.Onnx;

/// <summary>ONNX TensorProto, the fields Gated reads and writes: float32 and integer tensors stored inline.</summary>
internal sealed class OnnxTensor
{
    public const int Float = 1, Int32 = 6, Int64 = 7;

    public string Name { get; set; } = "";

    public long[] Dims { get; set; } = [];

    public int DataType { get; set; }

    public float[] FloatData { get; set; } = [];

    public long[] Int64Data { get; set; } = [];

    public static OnnxTensor FromFloats(string name, float[] values, params long[] dims) =>
        new() { Name = name, DataType = Float, FloatData = values, Dims = dims };

    public static OnnxTensor FromInt64s(string name, long[] values, params long[] dims) =>
        new() { Name = name, DataType = Int64, Int64Data = values, Dims = dims };

    /// <summary>Element count, or −1 when a dimension is negative or the product overflows.</summary>
    public long ElementCount()
    {
        long count = 1;
        foreach (long d in Dims)
        {
            if (d < 0 || (d > 0 && count > long.MaxValue / d))
            {
                return -1;
            }

            count *= d;
        }

        return count;
    }

    public void Write(ProtoWriter w)
    {
        foreach (long d in Dims)
        {
            w.Int64(1, d);
        }

        w.Int64(2, DataType);
        w.String(8, Name);
        byte[] raw;
        if (DataType == Float)
        {
            raw = new byte[FloatData.Length * 4];
            for (int i = 0; i < FloatData.Length; i++)
            {
                BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), FloatData[i]);
            }
        }
        else
        {
            raw = new byte[Int64Data.Length * 8];
            for (int i = 0; i < Int64Data.Length; i++)
            {
                BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), Int64Data[i]);
            }
        }

        w.Bytes(9, raw);
    }

    public static OnnxTensor Read(ProtoReader r)
    {
        var tensor = new OnnxTensor();
        var dims = new List<long>();
        var floats = new List<float>();
        var longs = new List<long>();
        byte[]? raw = null;
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: r.Int64s("TensorProto.dims", dims); break;
                case 2: tensor.DataType = checked((int)r.Int64("TensorProto.data_type")); break;
                case 4: r.Floats("TensorProto.float_data", floats); break;
                case 5: r.Int64s("TensorProto.int32_data", longs); break;
                case 7: r.Int64s("TensorProto.int64_data", longs); break;
                case 8: tensor.Name = r.String("TensorProto.name"); break;
                case 9: raw = r.Bytes("TensorProto.raw_data"); break;
                case 3: throw new ModelFormatException("tensor uses segments, which Gated does not read");
                case 13: throw new ModelFormatException("tensor keeps its data in an external file, which Gated does not read");
                case 14:
                    if (r.Int64("TensorProto.data_location") != 0)
                    {
                        throw new ModelFormatException("tensor keeps its data in an external file, which Gated does not read");
                    }

                    break;
                default: r.Skip(); break;
            }
        }

        tensor.Dims = [.. dims];
        long count = tensor.ElementCount();
        string label = $"tensor '{tensor.Name}'";
        if (count < 0 || count > int.MaxValue)
        {
            throw new ModelFormatException($"{label} has invalid dims [{string.Join(", ", dims)}]");
        }

        int width = tensor.DataType switch { Float or Int32 => 4, Int64 => 8, _ => 0 };
        if (width == 0)
        {
            throw new ModelFormatException($"{label} has data type {tensor.DataType}; Gated reads float32 (1), int32 (6) and int64 (7)");
        }

        if (raw is not null)
        {
            if (raw.LongLength != count * width)
            {
                throw new ModelFormatException($"{label} has {raw.Length} bytes of raw data, expected {count * width} for dims [{string.Join(", ", dims)}]");
            }

            if (tensor.DataType == Float)
            {
                tensor.FloatData = new float[count];
                for (int i = 0; i < count; i++)
                {
                    tensor.FloatData[i] = BinaryPrimitives.ReadSingleLittleEndian(raw.AsSpan(i * 4));
                }
            }
            else
            {
                tensor.Int64Data = new long[count];
                for (int i = 0; i < count; i++)
                {
                    tensor.Int64Data[i] = width == 8 ? BinaryPrimitives.ReadInt64LittleEndian(raw.AsSpan(i * 8)) : BinaryPrimitives.ReadInt32LittleEndian(raw.AsSpan(i * 4));
                }
            }

            return tensor;
        }

        int stored = tensor.DataType == Float ? floats.Count : longs.Count;
        if (stored != count)
        {
            throw new ModelFormatException($"{label} holds {stored} values, expected {count} for dims [{string.Join(", ", dims)}]");
        }

        tensor.FloatData = [.. floats];
        tensor.Int64Data = [.. longs];
        return tensor;
    }
}
