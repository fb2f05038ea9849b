using Gated.Layers;

namespace Gated.Serialization.Onnx;

// Layers of several inputs, which only functional models hold: Concatenate, Add, Multiply, Attention, AdditiveAttention.
// Masks never reach them here: the graph exporter refuses the layers that make masks. Dropout on the attention
// weights is a training-time matter and leaves no trace.
public static partial class OnnxExporter
{
    private static string Merge(Builder g, Layer layer, string[] inputs, string name, string label)
    {
        switch (layer)
        {
            case Concatenate concatenate:
                // Both count the axis over the batch tensor, negative from the last.
                return g.Add("Concat", inputs, attributes: [OnnxAttribute.Int("axis", concatenate.Axis)]);
            case Layers.Add:
                return inputs.Skip(1).Aggregate(inputs[0], (sum, x) => g.Add("Add", [sum, x]));
            case Multiply:
                return inputs.Skip(1).Aggregate(inputs[0], (product, x) => g.Add("Mul", [product, x]));
            case ScoredAttention attention:
                return Attention(g, attention, inputs, name);
            default:
                throw new NotSupportedException($"ONNX export does not cover {layer.TypeName} ({label}): no ONNX form is written for that layer type.");
        }
    }

    // query (B,Tq,dim), value (B,Tv,dv), key (B,Tv,dim) or the value → scores (B,Tq,Tv), plus −1e9 above the diagonal
    // when causal → Softmax over Tv → · value → (B,Tq,dv).
    private static string Attention(Builder g, ScoredAttention attention, string[] inputs, string name)
    {
        string query = inputs[0], value = inputs[1], key = inputs.Length > 2 ? inputs[2] : inputs[1];
        string? scale = ParameterOf(g, attention, name, "scale");
        string scores = attention switch
        {
            AdditiveAttention => TanhScores(g, query, key, null, scale),
            Attention { ScoreMode: AttentionScoreMode.Concat } => TanhScores(g, query, key, scale, ParameterOf(g, attention, name, "concat_score_weight")),
            _ => DotScores(g, query, key, scale),
        };

        if (attention.UseCausalMask)
        {
            // Fixed at the built lengths (Tq, Tv), as Gated's layer is.
            int tq = attention.InputShapes[0][0], tv = attention.InputShapes[1][0];
            var hidden = new float[tq * tv];
            for (int i = 0; i < tq; i++)
            {
                int first = Math.Min(i + 1, tv); // the first key step query step i may not see
                hidden.AsSpan((i * tv) + first, tv - first).Fill(-1e9f);
            }

            scores = g.Add("Add", [scores, g.Initializer($"{name}.causal_bias", hidden, tq, tv)]);
        }

        string weights = g.Add("Softmax", [scores], attributes: [OnnxAttribute.Int("axis", -1)]);
        return g.Add("MatMul", [weights, value]);
    }

    // scale · query · keyᵀ
    private static string DotScores(Builder g, string query, string key, string? scale)
    {
        string scores = g.Add("MatMul", [query, g.Add("Transpose", [key], attributes: [OnnxAttribute.IntList("perm", 0, 2, 1)])]);
        return scale is null ? scores : g.Add("Mul", [scores, scale]);
    }

    // Σ_d w_d · tanh(a · (query_d + key_d)): (B,Tq,1,dim) + (B,1,Tv,dim) → (B,Tq,Tv,dim) → sum over dim; w a vector
    // (dim) or a scalar, a a scalar, each 1 when null.
    private static string TanhScores(Builder g, string query, string key, string? a, string? w)
    {
        string sum = g.Add("Add", [g.Add("Unsqueeze", [query, g.Ints([2])]), g.Add("Unsqueeze", [key, g.Ints([1])])]);
        string t = g.Add("Tanh", [a is null ? sum : g.Add("Mul", [sum, a])]);
        return g.Add("ReduceSum", [w is null ? t : g.Add("Mul", [t, w]), g.Ints([-1])], attributes: [OnnxAttribute.Int("keepdims", 0)]);
    }
}
