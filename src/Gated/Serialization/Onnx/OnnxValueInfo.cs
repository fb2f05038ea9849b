namespace Gated.Serialization.Onnx;

/// <summary>
/// ONNX ValueInfoProto with its TypeProto.Tensor flattened: element type and dims, each a size (dim_value) or a
/// name (dim_param) or neither.
/// </summary>
internal sealed class OnnxValueInfo
{
    public string Name { get; set; } = "";

    public int ElementType { get; set; }

    /// <summary>Null when the type has no shape.</summary>
    public List<(long? Value, string? Param)>? Dims { get; set; }

    public void Write(ProtoWriter w)
    {
        w.String(1, Name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, ElementType);
            tensor.Message(2, shape =>
            {
                foreach (var (value, param) in Dims ?? [])
                {
                    shape.Message(1, dim =>
                    {
                        if (value is long v)
                        {
                            dim.Int64(1, v);
                        }
                        else
                        {
                            dim.String(2, param);
                        }
                    });
                }
            });
        }));
    }

    public static OnnxValueInfo Read(ProtoReader r)
    {
        var info = new OnnxValueInfo();
        while (r.Next())
        {
            switch (r.Field)
            {
                case 1: info.Name = r.String("ValueInfoProto.name"); break;
                case 2: r.Message("ValueInfoProto.type", r => ReadType(r, info)); break;
                default: r.Skip(); break;
            }
        }

        return info;
    }

    private static void ReadType(ProtoReader r, OnnxValueInfo info)
    {
        while (r.Next())
        {
            if (r.Field != 1)
            {
                r.Skip();
                continue;
            }

            r.Message("TypeProto.tensor_type", r =>
            {
                while (r.Next())
                {
                    switch (r.Field)
                    {
                        case 1: info.ElementType = checked((int)r.Int64("TypeProto.Tensor.elem_type")); break;
                        case 2:
                            info.Dims = [];
                            r.Message("TypeProto.Tensor.shape", r =>
                            {
                                while (r.Next())
                                {
                                    if (r.Field != 1)
                                    {
                                        r.Skip();
                                        continue;
                                    }

                                    long? value = null;
                                    string? param = null;
                                    r.Message("TensorShapeProto.dim", r =>
                                    {
                                        while (r.Next())
                                        {
                                            switch (r.Field)
                                            {
                                                case 1: value = r.Int64("Dimension.dim_value"); break;
                                                case 2: param = r.String("Dimension.dim_param"); break;
                                                default: r.Skip(); break;
                                            }
                                        }
                                    });
                                    info.Dims.Add((value, param));
                                }
                            });
                            break;
                        default: r.Skip(); break;
                    }
                }
            });
        }
    }
}
