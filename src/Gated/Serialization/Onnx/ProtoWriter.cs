using Google.Protobuf;

namespace Gated.Serialization.Onnx;

/// <summary>Writes protobuf fields with Google.Protobuf's CodedOutputStream; a sub-message is written to its own buffer first so its length can precede it.</summary>
internal sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();
    private readonly CodedOutputStream _output;

    public ProtoWriter() => _output = new CodedOutputStream(_buffer, leaveOpen: true);

    public byte[] ToArray()
    {
        _output.Flush();
        return _buffer.ToArray();
    }

    public void Int64(int field, long value)
    {
        _output.WriteTag(field, WireFormat.WireType.Varint);
        _output.WriteInt64(value);
    }

    public void Float(int field, float value)
    {
        _output.WriteTag(field, WireFormat.WireType.Fixed32);
        _output.WriteFloat(value);
    }

    public void String(int field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteString(value);
    }

    public void Bytes(int field, byte[] value)
    {
        _output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        _output.WriteBytes(ByteString.CopyFrom(value));
    }

    public void Message(int field, Action<ProtoWriter> body)
    {
        var inner = new ProtoWriter();
        body(inner);
        Bytes(field, inner.ToArray());
    }
}
