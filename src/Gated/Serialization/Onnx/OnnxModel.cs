using Gated.IO;
using Google.Protobuf;

namespace Gated.Serialization.Onnx;

/// <summary>ONNX ModelProto: IR version, operator set imports, producer, the main graph and metadata_props.</summary>
internal sealed class OnnxModel
{
    public long IrVersion { get; set; }

    public string ProducerName { get; set; } = "";

    public string ProducerVersion { get; set; } = "";

    public List<(string Domain, long Version)> OpsetImports { get; } = [];

    public OnnxGraph? Graph { get; set; }

    /// <summary>metadata_props (field 14): StringStringEntryProto key (1), value (2), in file order.</summary>
    public List<KeyValuePair<string, string>> MetadataProps { get; } = [];

    public byte[] ToBytes()
    {
        var w = new ProtoWriter();
        w.Int64(1, IrVersion);
        w.String(2, ProducerName);
        w.String(3, ProducerVersion);
        w.Message(7, Graph!.Write);
        foreach (var (domain, version) in OpsetImports)
        {
            w.Message(8, o =>
            {
                o.String(1, domain);
                o.Int64(2, version);
            });
        }

        foreach (var (key, value) in MetadataProps)
        {
            w.Message(14, e =>
            {
                e.String(1, key);
                e.String(2, value);
            });
        }

        return w.ToArray();
    }

    /// <summary>Parses a model; anything malformed throws <see cref="ModelFormatException"/> with <paramref name="source"/> in its message.</summary>
    public static OnnxModel Parse(byte[] data, string source)
    {
        var model = new OnnxModel();
        var r = new ProtoReader(data);
        try
        {
            while (r.Next())
            {
                switch (r.Field)
                {
                    case 1: model.IrVersion = r.Int64("ModelProto.ir_version"); break;
                    case 2: model.ProducerName = r.String("ModelProto.producer_name"); break;
                    case 3: model.ProducerVersion = r.String("ModelProto.producer_version"); break;
                    case 7:
                        // Protobuf merges a repeated singular field, so a second graph is how appended bytes show.
                        if (model.Graph is not null)
                        {
                            throw new ModelFormatException("ModelProto.graph appears twice (bytes appended to the model?)");
                        }

                        r.Message("ModelProto.graph", r => model.Graph = OnnxGraph.Read(r));
                        break;
                    case 8:
                        string domain = "";
                        long version = 0;
                        r.Message("ModelProto.opset_import", r =>
                        {
                            while (r.Next())
                            {
                                switch (r.Field)
                                {
                                    case 1: domain = r.String("OperatorSetIdProto.domain"); break;
                                    case 2: version = r.Int64("OperatorSetIdProto.version"); break;
                                    default: r.Skip(); break;
                                }
                            }
                        });
                        model.OpsetImports.Add((domain, version));
                        break;
                    case 14:
                        string key = "", value = "";
                        r.Message("ModelProto.metadata_props", r =>
                        {
                            while (r.Next())
                            {
                                switch (r.Field)
                                {
                                    case 1: key = r.String("StringStringEntryProto.key"); break;
                                    case 2: value = r.String("StringStringEntryProto.value"); break;
                                    default: r.Skip(); break;
                                }
                            }
                        });
                        model.MetadataProps.Add(new(key, value));
                        break;
                    default: r.Skip(); break;
                }
            }
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new ModelFormatException($"{source}: not a valid ONNX file: {e.Message}", e);
        }
        catch (ModelFormatException e)
        {
            throw new ModelFormatException($"{source}: not a valid ONNX file: {e.Message}", e);
        }
        catch (OverflowException e)
        {
            throw new ModelFormatException($"{source}: not a valid ONNX file: a value is out of range", e);
        }

        if (model.Graph is null)
        {
            throw new ModelFormatException($"{source}: the ONNX file has no graph");
        }

        return model;
    }
}
