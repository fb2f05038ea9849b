using Gated.IO;
using Google.Protobuf;

namespace Gated.Serialization.Onnx;

/// <summary>
/// Reads protobuf fields from an in-memory message with Google.Protobuf's CodedInputStream. A sub-message is
/// read as bytes and parsed by its own reader; CodedInputStream refuses a length beyond the bytes that remain
/// (it reads large blocks in chunks, so a hostile length is never allocated up front). Wrong wire types throw
/// <see cref="ModelFormatException"/>; truncation throws InvalidProtocolBufferException.
/// </summary>
internal sealed class ProtoReader
{
    private readonly CodedInputStream _input;

    public ProtoReader(byte[] data)
    {
        _input = new CodedInputStream(data);
    }

    public int Field { get; private set; }

    public WireFormat.WireType WireType { get; private set; }

    /// <summary>Moves to the next field of the current message; false at its end.</summary>
    public bool Next()
    {
        if (_input.IsAtEnd)
        {
            return false;
        }

        uint tag = _input.ReadTag();
        Field = WireFormat.GetTagFieldNumber(tag);
        WireType = WireFormat.GetTagWireType(tag);
        if (Field <= 0)
        {
            throw new ModelFormatException($"field number {Field} is invalid");
        }

        return true;
    }

    public void Skip() => _input.SkipLastField();

    /// <summary>Reads a length-delimited sub-message: <paramref name="body"/> runs with the fields of that message.</summary>
    public void Message(string what, Action<ProtoReader> body)
    {
        Expect(WireFormat.WireType.LengthDelimited, what);
        body(new ProtoReader(_input.ReadBytes().ToByteArray()));
    }

    public string String(string what)
    {
        Expect(WireFormat.WireType.LengthDelimited, what);
        return _input.ReadString();
    }

    public byte[] Bytes(string what)
    {
        Expect(WireFormat.WireType.LengthDelimited, what);
        return _input.ReadBytes().ToByteArray();
    }

    public long Int64(string what)
    {
        Expect(WireFormat.WireType.Varint, what);
        return _input.ReadInt64();
    }

    public float Float(string what)
    {
        Expect(WireFormat.WireType.Fixed32, what);
        return _input.ReadFloat();
    }

    /// <summary>A repeated int64 field, packed or not; appends to <paramref name="values"/>.</summary>
    public void Int64s(string what, List<long> values)
    {
        if (WireType == WireFormat.WireType.Varint)
        {
            values.Add(_input.ReadInt64());
            return;
        }

        Packed(what, input => values.Add(input.ReadInt64()));
    }

    /// <summary>A repeated float field, packed or not; appends to <paramref name="values"/>.</summary>
    public void Floats(string what, List<float> values)
    {
        if (WireType == WireFormat.WireType.Fixed32)
        {
            values.Add(_input.ReadFloat());
            return;
        }

        Packed(what, input => values.Add(input.ReadFloat()));
    }

    private void Packed(string what, Action<CodedInputStream> readOne)
    {
        Expect(WireFormat.WireType.LengthDelimited, what);
        var packed = new ProtoReader(_input.ReadBytes().ToByteArray());
        while (!packed._input.IsAtEnd)
        {
            readOne(packed._input);
        }
    }

    private void Expect(WireFormat.WireType wireType, string what)
    {
        if (WireType != wireType)
        {
            throw new ModelFormatException($"{what} (field {Field}) has wire type {WireType}, expected {wireType}");
        }
    }
}
