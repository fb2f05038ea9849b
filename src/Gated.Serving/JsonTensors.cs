using System.Text.Json;
using Gated.Tensors;

namespace Gated.Serving;

/// <summary>
/// Reads request tensors from JSON (nested arrays of numbers, one nesting level per axis) into flat float arrays,
/// checking every shape and number; writes flat outputs back as nested arrays. Every error names the field by its
/// JSON path and the shape expected.
/// </summary>
internal static class JsonTensors
{
    /// <summary>Reads an array of instances, each of <paramref name="shape"/> (no batch axis); returns the values and the instance count.</summary>
    public static (float[] Values, int Count) ReadBatch(JsonElement array, int[] shape, string field, int maxInstances)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw RequestException.BadRequest($"{field}: expected an array of instances, each of shape {Tensor.FormatShape(shape)}; got {Describe(array)}");
        }

        int count = array.GetArrayLength();
        if (count == 0)
        {
            throw RequestException.BadRequest($"{field}: expected at least one instance of shape {Tensor.FormatShape(shape)}; got an empty array");
        }

        if (count > maxInstances)
        {
            throw RequestException.BadRequest($"{field}: {count} instances; at most {maxInstances} per request");
        }

        int size = Size(shape);
        var values = new float[checked(count * size)];
        Span<int> at = stackalloc int[shape.Length + 1];
        int i = 0;
        foreach (var instance in array.EnumerateArray())
        {
            at[0] = i;
            Read(instance, shape, 0, values.AsSpan(i * size, size), field, at, 1);
            i++;
        }

        return (values, count);
    }

    /// <summary>Reads one value of <paramref name="shape"/> (e.g. one timestep's features) into destination.</summary>
    public static void ReadOne(JsonElement element, int[] shape, Span<float> destination, string field) =>
        Read(element, shape, 0, destination, field, stackalloc int[shape.Length], 0);

    /// <summary>Writes values of <paramref name="shape"/> as nested arrays.</summary>
    public static void Write(Utf8JsonWriter writer, ReadOnlySpan<float> values, ReadOnlySpan<int> shape)
    {
        if (shape.Length == 0)
        {
            WriteNumber(writer, values[0]);
            return;
        }

        writer.WriteStartArray();
        int inner = values.Length / shape[0];
        for (int i = 0; i < shape[0]; i++)
        {
            Write(writer, values.Slice(i * inner, inner), shape[1..]);
        }

        writer.WriteEndArray();
    }

    /// <summary>A float as JSON; NaN and infinities (which JSON lacks) as null.</summary>
    public static void WriteNumber(Utf8JsonWriter writer, float value)
    {
        if (float.IsFinite(value))
        {
            writer.WriteNumberValue(value);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    public static int Size(ReadOnlySpan<int> shape)
    {
        int size = 1;
        foreach (int d in shape)
        {
            size = checked(size * d);
        }

        return size;
    }

    /// <summary>What a JSON value is, for messages: "a string", "an array of 3", "a number".</summary>
    public static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Array => $"an array of {element.GetArrayLength()}",
        JsonValueKind.Object => "an object",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    // The JSON path of an error ("instances[3][17]") is built only when there is one: a request holds thousands of values.
    private static void Read(JsonElement element, int[] shape, int axis, Span<float> destination, string field, Span<int> at, int depth)
    {
        if (axis == shape.Length)
        {
            if (element.ValueKind != JsonValueKind.Number || !element.TryGetDouble(out double value) || !double.IsFinite(value) || Math.Abs(value) > float.MaxValue)
            {
                throw RequestException.BadRequest($"{Path(field, at[..depth])}: expected a finite number (instances have shape {Tensor.FormatShape(shape)}); got {Describe(element)}");
            }

            destination[0] = (float)value;
            return;
        }

        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[axis])
        {
            string expected = axis == shape.Length - 1 ? $"an array of {shape[axis]} numbers" : $"an array of {shape[axis]} arrays";
            throw RequestException.BadRequest($"{Path(field, at[..depth])}: expected {expected} (instances have shape {Tensor.FormatShape(shape)}); got {Describe(element)}");
        }

        int inner = destination.Length / shape[axis];
        int i = 0;
        foreach (var item in element.EnumerateArray())
        {
            at[depth] = i;
            Read(item, shape, axis + 1, destination.Slice(i * inner, inner), field, at, depth + 1);
            i++;
        }
    }

    private static string Path(string field, ReadOnlySpan<int> at)
    {
        var path = new System.Text.StringBuilder(field);
        foreach (int i in at)
        {
            path.Append('[').Append(i).Append(']');
        }

        return path.ToString();
    }
}
