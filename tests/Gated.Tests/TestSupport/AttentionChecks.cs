using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Tests.Reference;
using Xunit;

namespace Gated.Tests.TestSupport;

/// <summary>
/// The checks Attention and AdditiveAttention share: random inputs and masks, the layer against ReferenceAttention
/// (forward 1e-5 absolute + relative, gradients 1e-4 of the scale), and central differences of the float layer with
/// the loss summed in double (ε = 1e-2) for every input and parameter. With dropout, the checks run in training and
/// replay the layer's generator: the reference gets the same dropout mask, and every differenced forward the same draws.
/// </summary>
public static class AttentionChecks
{
    /// <summary>Builds the layer for [query, value] or [query, value, key].</summary>
    public static T Built<T>(T layer, params int[][] shapes)
        where T : MultiInputLayer
    {
        layer.Build(shapes, new SeededRandom(0));
        return layer;
    }

    /// <summary>
    /// shape = [B, Tq, Tv, dim, dv] (dv = dim without a key): the layer built for it, inputs U(−1.5, 1.5), parameters
    /// U(0.5, 1.5) · ±1, and masks (B, Tq), (B, Tv) of 1/0 that keep step 0 of each sample, so no row is fully masked.
    /// </summary>
    public static (Tensor[] Inputs, Tensor?[] Masks) Setup(MultiInputLayer layer, SeededRandom random, int[] shape, bool hasKey, bool masked)
    {
        int batch = shape[0], tq = shape[1], tv = shape[2], dim = shape[3], dv = hasKey ? shape[4] : dim;
        int[][] shapes = hasKey ? [[tq, dim], [tv, dv], [tv, dim]] : [[tq, dim], [tv, dv]];
        Built(layer, shapes);
        foreach (var p in layer.Parameters)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p.Values[i] = random.NextUniform(0.5f, 1.5f) * (random.NextDouble() < 0.3 ? -1 : 1);
            }
        }

        var inputs = shapes.Select(s => TestData.UniformTensor(random, 1.5, [batch, .. s])).ToArray();
        Tensor?[] masks = masked ? [Mask(random, batch, tq), Mask(random, batch, tv)] : [];
        return (inputs, masks);
    }

    /// <summary>The double twin of a built layer with its current parameters.</summary>
    public static ReferenceAttention ReferenceFor(ScoredAttention layer)
    {
        double[]? scale = layer.Parameters.Any(p => p.Name == "scale") ? TestData.ToDouble(layer.Parameter("scale").Values) : null;
        int dv = layer.InputShapes[1][1], dim = layer.InputShapes[0][1];
        if (layer is AdditiveAttention)
        {
            return new ReferenceAttention(ReferenceAttention.Mode.Additive, dim, dv, layer.UseCausalMask, scale);
        }

        var attention = (Attention)layer;
        return attention.ScoreMode == AttentionScoreMode.Dot
            ? new ReferenceAttention(ReferenceAttention.Mode.Dot, dim, dv, layer.UseCausalMask, scale)
            : new ReferenceAttention(ReferenceAttention.Mode.Concat, dim, dv, layer.UseCausalMask, scale, layer.Parameter("concat_score_weight").Values[0]);
    }

    public static void MatchesReference(ScoredAttention layer, Tensor[] inputs, Tensor?[] masks, SeededRandom random, string what)
    {
        var reference = ReferenceFor(layer);
        int batch = inputs[0].Shape[0];
        var dropMask = DropMask(layer, batch);
        var y = layer.Forward(inputs, masks, training: true);
        var expected = reference.Forward(
            batch, TestData.ToDouble(inputs[0].Data), TestData.ToDouble(inputs[1].Data), Doubles(inputs.ElementAtOrDefault(2)),
            Doubles(masks.ElementAtOrDefault(0)), Doubles(masks.ElementAtOrDefault(1)), dropMask);
        NumericAssert.ShapeEqual([batch, layer.InputShapes[0][0], layer.InputShapes[1][1]], y.Shape, what + " output");
        NumericAssert.Close(expected, y.Data, 1e-5, 1e-5, what + " output");

        var dy = TestData.UniformTensor(random, 1.0, y.Shape);
        layer.ZeroGradients();
        var gradients = layer.BackwardInputs(dy);
        reference.Backward(TestData.ToDouble(dy.Data));
        Assert.Equal(inputs.Length, gradients.Count);
        NumericAssert.CloseToScale(reference.QueryGradient, gradients[0].Data, 1e-4, 1e-3, what + " dquery");
        NumericAssert.CloseToScale(reference.ValueGradient, gradients[1].Data, 1e-4, 1e-3, what + " dvalue");
        if (inputs.Length > 2)
        {
            NumericAssert.CloseToScale(reference.KeyGradient, gradients[2].Data, 1e-4, 1e-3, what + " dkey");
        }

        if (layer.Parameters.Any(p => p.Name == "scale"))
        {
            NumericAssert.CloseToScale(reference.ScaleGradient, layer.Parameter("scale").Gradients, 1e-4, 1e-3, what + " dscale");
        }

        if (layer.Parameters.Any(p => p.Name == "concat_score_weight"))
        {
            NumericAssert.CloseToScale([reference.ConcatWeightGradient], layer.Parameter("concat_score_weight").Gradients, 1e-4, 1e-3, what + " dconcat_score_weight");
        }
    }

    public static void MatchesFiniteDifferences(ScoredAttention layer, Tensor[] inputs, Tensor?[] masks, SeededRandom random, string what)
    {
        var state = layer.RandomStream?.GetState();
        var y = layer.Forward(inputs, masks, training: true);
        var w = TestData.UniformTensor(random, 1.0, y.Shape);
        layer.ZeroGradients();
        var gradients = layer.BackwardInputs(w).Select(g => g.Data.ToArray()).ToArray();

        double Loss()
        {
            if (state is not null)
            {
                layer.RandomStream!.SetState(state);
            }

            return TestData.WeightedSum(layer.Forward(inputs, masks, training: state is not null).Data, w.Data);
        }
        foreach (var p in layer.Parameters)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(p, Loss, 1e-2), p.Gradients, 1e-2, 0.1, $"{what} d{p.Name}");
        }

        string[] names = ["query", "value", "key"];
        for (int k = 0; k < inputs.Length; k++)
        {
            NumericAssert.Gradient(FiniteDifference.Gradient(inputs[k].Data, Loss, 1e-2), gradients[k], 1e-2, 0.1, $"{what} d{names[k]}");
        }
    }

    /// <summary>The dropout mask (B, Tq, Tv) the layer's next training Forward draws, row-major; null without dropout.</summary>
    private static double[]? DropMask(ScoredAttention layer, int batch)
    {
        if (layer.RandomStream is not { } stream)
        {
            return null;
        }

        var replay = new SeededRandom(0);
        replay.SetState(stream.GetState());
        double kept = (float)(1.0 / (1.0 - layer.DropoutRate));
        var mask = new double[batch * layer.InputShapes[0][0] * layer.InputShapes[1][0]];
        for (int i = 0; i < mask.Length; i++)
        {
            mask[i] = replay.NextDouble() >= layer.DropoutRate ? kept : 0;
        }

        Assert.Contains(0.0, mask);
        Assert.Contains(kept, mask);
        return mask;
    }

    private static Tensor Mask(SeededRandom random, int batch, int steps)
    {
        var mask = new Tensor(batch, steps);
        for (int b = 0; b < batch; b++)
        {
            for (int t = 0; t < steps; t++)
            {
                mask.Data[(b * steps) + t] = t == 0 || random.NextDouble() > 0.35 ? 1f : 0f;
            }
        }

        return mask;
    }

    private static double[]? Doubles(Tensor? tensor) => tensor is null ? null : TestData.ToDouble(tensor.Data);
}
