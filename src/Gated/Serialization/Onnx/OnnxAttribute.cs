namespace Gated.Serialization.Onnx;

/// <summary>ONNX AttributeProto: the scalar, string, tensor and list kinds; graph-valued attributes are only noted.</summary>
internal sealed class OnnxAttribute
{
    public const int FloatType = 1, IntType = 2, StringType = 3, TensorType = 4, GraphType = 5, FloatsType = 6, IntsType = 7, StringsType = 8;

    public string Name { get; set; } = "";

    public int Type { get; set; }

    public float F { get; set; }

    public long I { get; set; }

    public string S { get; set; } = "";

    public OnnxTensor? T { get; set; }

    public List<float> Floats { get; } = [];

    public List<long> Ints { get; } = [];

    public List<string> Strings { get; } = [];

    public static OnnxAttribute Int(string name, long value) => new() { Name = name, Type = IntType, I = value };

    public static OnnxAttribute Str(string name, string value) => new() { Name = name, Type = StringType, S = value };

    public static OnnxAttribute IntList(string name, params long[] values)
    {
        var a = new OnnxAttribute { Name = name, Type = IntsType };
        a.Ints.AddRange(values);
        return a;
    }

    public static OnnxAttribute StringList(string name, params string[] values)
    {
        var a = new OnnxAttribute { Name = name, Type = StringsType };
        a.Strings.AddRange(values);
        return a;
    }

    public static OnnxAttribute Tensor(string name, OnnxTensor value) => new() { Name = name, Type = TensorType, T = value };

    public void Write(ProtoWriter w)
    {
        w.String(1, Name);
        switch (Type)
        {
            case FloatType: w.Float(2, F); break;
            case IntType: w.Int64(3, I); break;
            case StringType: w.Bytes(4, System.Text.Encoding.UTF8.GetBytes(S)); break;
            case TensorType: w.Message(5, T!.Write); break;
            case FloatsType: Floats.ForEach(f => w.Float(7, f)); break;
            case IntsType: Ints.ForEach(i => w.Int64(8, i)); break;
            case StringsType: Strings.ForEach(s => w.Bytes(9, System.Text.Encoding.UTF8.GetBytes(s))); break;
            default: throw new InvalidOperationException($"attribute type {Type} is not written");
        }

        w.Int64(20, Type);
    }

    public static OnnxAttribute Read(ProtoReader r)
    {
        var a = new OnnxAttribute();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: a.Name = r.String("AttributeProto.name"); break;
                case 2: a.F = r.Float("AttributeProto.f"); break;
                case 3: a.I = r.Int64("AttributeProto.i"); break;
                case 4: a.S = System.Text.Encoding.UTF8.GetString(r.Bytes("AttributeProto.s")); break;
                case 5: r.Message("AttributeProto.t", r => a.T = OnnxTensor.Read(r)); break;
                case 7: r.Floats("AttributeProto.floats", a.Floats); break;
                case 8: r.Int64s("AttributeProto.ints", a.Ints); break;
                case 9: a.Strings.Add(System.Text.Encoding.UTF8.GetString(r.Bytes("AttributeProto.strings"))); break;
                case 20: a.Type = checked((int)r.Int64("AttributeProto.type")); break;
                case 6 or 11:
                    // Sub-graphs (If, Loop, Scan) are not read: the node is rejected by name.
                    a.Type = GraphType;
                    r.Skip();
                    break;
                default: r.Skip(); break;
            }
        }

        return a;
    }
}
