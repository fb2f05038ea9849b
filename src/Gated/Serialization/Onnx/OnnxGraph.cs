using Gated.IO;

namespace Gated.Serialization.Onnx;

/// <summary>ONNX GraphProto: nodes in topological order, initializers, inputs and outputs.</summary>
internal sealed class OnnxGraph
{
    public string Name { get; set; } = "";

    public List<OnnxNode> Nodes { get; } = [];

    public List<OnnxTensor> Initializers { get; } = [];

    public List<OnnxValueInfo> Inputs { get; } = [];

    public List<OnnxValueInfo> Outputs { get; } = [];

    public void Write(ProtoWriter w)
    {
        Nodes.ForEach(n => w.Message(1, n.Write));
        w.String(2, Name);
        Initializers.ForEach(t => w.Message(5, t.Write));
        Inputs.ForEach(i => w.Message(11, i.Write));
        Outputs.ForEach(o => w.Message(12, o.Write));
    }

    public static OnnxGraph Read(ProtoReader r)
    {
        var graph = new OnnxGraph();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: r.Message("GraphProto.node", r => graph.Nodes.Add(OnnxNode.Read(r))); break;
                case 2: graph.Name = r.String("GraphProto.name"); break;
                case 5: r.Message("GraphProto.initializer", r => graph.Initializers.Add(OnnxTensor.Read(r))); break;
                case 11: r.Message("GraphProto.input", r => graph.Inputs.Add(OnnxValueInfo.Read(r))); break;
                case 12: r.Message("GraphProto.output", r => graph.Outputs.Add(OnnxValueInfo.Read(r))); break;
                case 15: throw new ModelFormatException("the graph has sparse initializers, which Gated does not read");
                default: r.Skip(); break;
            }
        }

        return graph;
    }
}
