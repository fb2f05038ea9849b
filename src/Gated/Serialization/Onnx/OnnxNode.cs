namespace Gated.Serialization.Onnx;

/// <summary>ONNX NodeProto: one operator call.</summary>
internal sealed class OnnxNode
{
    public string Name { get; set; } = "";

    public string OpType { get; set; } = "";

    public string Domain { get; set; } = "";

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public List<OnnxAttribute> Attributes { get; } = [];

    /// <summary>How errors name the node: its name, or its first output when it has none.</summary>
    public string Label => $"node '{(Name.Length > 0 ? Name : Outputs.FirstOrDefault() ?? "?")}' ({OpType})";

    public OnnxAttribute? Attribute(string name) => Attributes.Find(a => a.Name == name);

    public void Write(ProtoWriter w)
    {
        Inputs.ForEach(i => w.Bytes(1, System.Text.Encoding.UTF8.GetBytes(i)));
        Outputs.ForEach(o => w.Bytes(2, System.Text.Encoding.UTF8.GetBytes(o)));
        w.String(3, Name);
        w.String(4, OpType);
        Attributes.ForEach(a => w.Message(5, a.Write));
        w.String(7, Domain);
    }

    public static OnnxNode Read(ProtoReader r)
    {
        var node = new OnnxNode();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: node.Inputs.Add(r.String("NodeProto.input")); break;
                case 2: node.Outputs.Add(r.String("NodeProto.output")); break;
                case 3: node.Name = r.String("NodeProto.name"); break;
                case 4: node.OpType = r.String("NodeProto.op_type"); break;
                case 5: r.Message("NodeProto.attribute", r => node.Attributes.Add(OnnxAttribute.Read(r))); break;
                case 7: node.Domain = r.String("NodeProto.domain"); break;
                default: r.Skip(); break;
            }
        }

        return node;
    }
}
