using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// What Keras's Attention and AdditiveAttention share: inputs [query (Tq, dim), value (Tv, dv)] or [query, value,
/// key (Tv, dim)], the key defaulting to the value. The subclass scores each query step against each key step; then,
/// as Keras does,
///     scores −= 1e9 where the value mask (or the causal mask, position j &gt; i) hides key step j,
///     weights = softmax(scores) over Tv,   output = weights · value   (Tq, dv),
/// and query steps the query mask hides output zeros. The output's mask is the query's mask. A key mask is ignored,
/// as in Keras. A row whose every key step is hidden attends uniformly over all Tv steps: the −1e9 bias swamps its
/// scores in float, exactly as in Keras's float32 arithmetic. With a dropout rate, training drops each weight with that
/// probability and scales the kept ones by 1 / (1 − rate), as Keras's dropout on the attention scores; the generator
/// is drawn from the model's build generator, and its draws run row-major over (B, Tq, Tv).
/// </summary>
public abstract class ScoredAttention : MultiInputLayer
{
    // Keras's bias on hidden scores (1e9, exact in float); subtracting it leaves any |score| < 32 at −1e9.
    private const float HiddenScoreBias = 1e9f;

    private float[] _weights = [];      // scores, then softmax weights, (B, Tq, Tv)
    private float[] _keyGradient = [];  // dkey when the value is the key, (B, Tv, dim)
    private float[] _rowGradient = [];  // dweights of one query step, (Tv)
    private float[] _dropMask = [];     // 0 or 1 / (1 − rate) per weight of the last training Forward, (B, Tq, Tv)
    private SeededRandom? _random;
    private bool _lastDropped;
    private Tensor[] _inputGradients = [];
    private Tensor? _lastQuery, _lastValue, _lastKey, _lastQueryMask;
    private int _lastBatch = -1;

    private protected ScoredAttention(bool useScale, bool useCausalMask, double dropout)
    {
        if (!(dropout >= 0 && dropout < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(dropout), dropout, "Attention dropout must be in [0, 1).");
        }

        DropoutRate = dropout;
        UseScale = useScale;
        UseCausalMask = useCausalMask;
    }

    /// <summary>Whether the scores are multiplied by a trainable scale (Keras's use_scale).</summary>
    public bool UseScale { get; }

    /// <summary>Whether query step i may attend only to key steps j ≤ i (Keras's use_causal_mask call argument).</summary>
    public bool UseCausalMask { get; }

    /// <summary>The fraction of attention weights dropped in training (Keras's dropout), in [0, 1).</summary>
    public double DropoutRate { get; }

    /// <summary>The query's steps Tq: the built ones, then the last Forward's.</summary>
    private protected int QuerySteps { get; private set; }

    /// <summary>The value's (and key's) steps Tv: the built ones, then the last Forward's.</summary>
    private protected int ValueSteps { get; private set; }

    /// <summary>The query's and key's features, dim.</summary>
    private protected int KeyFeatures { get; private set; }

    /// <summary>
    /// Runs the layer on [query, value] or [query, value, key] with their (B, T) masks (1 = real step) or null: the
    /// query's and the value's are used, a key's is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">An input or mask does not have the built shape.</exception>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        int batch = CheckInputs(inputs);
        ArgumentNullException.ThrowIfNull(masks);
        if (inputs.Count > 2 && inputs[2].Shape[1] != inputs[1].Shape[1])
        {
            throw new ArgumentException($"{TypeName} key ({inputs[2].Shape[1]} steps) and value ({inputs[1].Shape[1]} steps) must have the same number of steps.", nameof(inputs));
        }

        // The step counts are the batch's (any lengths, as Keras); Backward uses the last training Forward's.
        QuerySteps = inputs[0].Shape[1];
        ValueSteps = inputs[1].Shape[1];
        int tq = QuerySteps, tv = ValueSteps, dv = InputShapes[1][1];
        var queryMask = masks.Count > 0 ? CheckMask(masks[0], batch, tq, "query") : null;
        var valueMask = masks.Count > 1 ? CheckMask(masks[1], batch, tv, "value") : null;
        Tensor query = inputs[0], value = inputs[1], key = inputs.Count > 2 ? inputs[2] : inputs[1];

        int rows = batch * tq;
        if (_weights.Length < rows * tv)
        {
            _weights = new float[rows * tv];
        }

        var weights = _weights.AsSpan(0, rows * tv);
        ComputeScores(query.Data, key.Data, batch, weights);
        bool drop = training && DropoutRate > 0;
        if (drop && _dropMask.Length < rows * tv)
        {
            _dropMask = new float[rows * tv];
        }

        float keptScale = (float)(1.0 / (1.0 - DropoutRate));

        var output = ResultTensor(ForwardResult, [batch, tq, dv]);
        var y = output.Data.AsSpan();
        var v = value.Data.AsSpan();
        for (int row = 0; row < rows; row++)
        {
            int b = row / tq, i = row % tq;
            var w = weights.Slice(row * tv, tv);
            for (int j = 0; j < tv; j++)
            {
                bool hidden = (valueMask is not null && valueMask.Data[(b * tv) + j] == 0) || (UseCausalMask && j > i);
                if (hidden)
                {
                    w[j] -= HiddenScoreBias;
                }
            }

            Softmax(w);
            var m = drop ? _dropMask.AsSpan(row * tv, tv) : default;
            for (int j = 0; j < m.Length; j++)
            {
                m[j] = _random!.NextDouble() >= DropoutRate ? keptScale : 0f;
            }

            // y_i = Σ_j w_j · m_j · v_j (m the dropout mask, else 1), zero where the query mask hides step i
            var yi = y.Slice(row * dv, dv);
            yi.Clear();
            if (queryMask is not null && queryMask.Data[row] == 0)
            {
                continue;
            }

            for (int j = 0; j < tv; j++)
            {
                float wj = drop ? w[j] * m[j] : w[j];
                var vj = v.Slice(((b * tv) + j) * dv, dv);
                for (int c = 0; c < dv; c++)
                {
                    yi[c] += wj * vj[c];
                }
            }
        }

        _lastQuery = training ? query : null;
        _lastValue = training ? value : null;
        _lastKey = training && inputs.Count > 2 ? key : null;
        _lastQueryMask = training ? queryMask : null;
        _lastBatch = training ? batch : -1;
        _lastDropped = drop;
        return output;
    }

    /// <summary>
    /// With dy masked by the query mask and m the dropout mask (1 without dropout): dvalue = (w ⊙ m)ᵀ · dy,
    /// dw = m ⊙ (dy · valueᵀ), dscores = w ⊙ (dw − Σ w ⊙ dw) per row, then the subclass turns dscores into dquery, dkey and its parameters' gradients; without a key,
    /// dkey adds into dvalue.
    /// </summary>
    /// <exception cref="InvalidOperationException">No training Forward came first.</exception>
    /// <exception cref="ArgumentException">The gradient does not have the last output's shape.</exception>
    public override IReadOnlyList<Tensor> BackwardInputs(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_lastBatch < 0 || _lastQuery is null || _lastValue is null)
        {
            throw new InvalidOperationException($"{TypeName} BackwardInputs needs a Forward with training: true first.");
        }

        int batch = _lastBatch, tq = QuerySteps, tv = ValueSteps, dim = KeyFeatures, dv = InputShapes[1][1];
        ReadOnlySpan<int> shape = [batch, tq, dv];
        if (!outputGradient.Shape.AsSpan().SequenceEqual(shape))
        {
            throw new ArgumentException(
                $"{TypeName} output gradient must have shape {Tensor.FormatShape(shape)}, got {Tensor.FormatShape(outputGradient.Shape)}.", nameof(outputGradient));
        }

        bool hasKey = _lastKey is not null;
        if (_inputGradients.Length != InputShapes.Count)
        {
            _inputGradients = new Tensor[InputShapes.Count];
        }

        var dQuery = InputGradientTensor(0, [batch, tq, dim]);
        var dValue = InputGradientTensor(1, [batch, tv, dv]);
        Span<float> dKey;
        if (hasKey)
        {
            var keyGradient = InputGradientTensor(2, [batch, tv, dim]);
            _inputGradients[2] = keyGradient;
            dKey = keyGradient.Data;
        }
        else
        {
            if (_keyGradient.Length < batch * tv * dim)
            {
                _keyGradient = new float[batch * tv * dim];
            }

            dKey = _keyGradient.AsSpan(0, batch * tv * dim);
        }

        var dy = outputGradient.Data.AsSpan();
        var v = _lastValue.Data.AsSpan();
        var dValues = dValue.Data.AsSpan();
        dValues.Clear();

        // The scores' gradient overwrites the weights row by row: dw_j is gathered first, then dscore_j = w_j (dw_j − Σ w ⊙ dw).
        if (_rowGradient.Length < tv)
        {
            _rowGradient = new float[tv];
        }

        var dw = _rowGradient.AsSpan(0, tv);
        var weights = _weights.AsSpan(0, batch * tq * tv);
        for (int row = 0; row < batch * tq; row++)
        {
            int b = row / tq;
            var w = weights.Slice(row * tv, tv);
            if (_lastQueryMask is not null && _lastQueryMask.Data[row] == 0)
            {
                w.Clear();
                continue;
            }

            var dyi = dy.Slice(row * dv, dv);
            var m = _lastDropped ? _dropMask.AsSpan(row * tv, tv) : default;
            double weighted = 0;
            for (int j = 0; j < tv; j++)
            {
                int offset = ((b * tv) + j) * dv;
                var vj = v.Slice(offset, dv);
                var dvj = dValues.Slice(offset, dv);
                float mj = _lastDropped ? m[j] : 1f, kept = w[j] * mj, sum = 0;
                for (int c = 0; c < dv; c++)
                {
                    dvj[c] += kept * dyi[c];
                    sum += dyi[c] * vj[c];
                }

                dw[j] = sum * mj;
                weighted += w[j] * dw[j];
            }

            for (int j = 0; j < tv; j++)
            {
                w[j] *= dw[j] - (float)weighted;
            }
        }

        ScoresBackward(_lastQuery.Data, (_lastKey ?? _lastValue).Data, batch, weights, dQuery.Data, dKey);
        if (!hasKey)
        {
            for (int i = 0; i < dKey.Length; i++)
            {
                dValues[i] += dKey[i];
            }
        }

        _inputGradients[0] = dQuery;
        _inputGradients[1] = dValue;
        return _inputGradients;
    }

    /// <summary>The query's mask, as Keras: the output keeps the query's steps.</summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        return masks.Count > 0 ? masks[0] : null;
    }

    /// <summary>Query and value (with key) may each have any number of steps.</summary>
    protected override bool AcceptsAnySequenceLength => true;

    /// <summary>
    /// Checks [query (Tq, dim), value (Tv, dv)] or [query, value, key (Tv, dim)], records the dimensions, lets the
    /// subclass create its parameters, and returns (Tq, dv).
    /// </summary>
    protected sealed override int[] BuildCore(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        if (inputShapes.Count is < 2 or > 3)
        {
            throw new ArgumentException(
                $"{TypeName} takes [query, value] or [query, value, key], got {inputShapes.Count} input{(inputShapes.Count == 1 ? "" : "s")}.", nameof(inputShapes));
        }

        string[] names = ["query", "value", "key"];
        for (int k = 0; k < inputShapes.Count; k++)
        {
            if (inputShapes[k].Length != 2)
            {
                throw new ArgumentException(
                    $"{TypeName} {names[k]} must be (steps, features) per sample, got {Tensor.FormatShape(inputShapes[k])}.", nameof(inputShapes));
            }
        }

        int[] query = inputShapes[0], value = inputShapes[1], key = inputShapes.Count > 2 ? inputShapes[2] : value;
        if (key[0] != value[0])
        {
            throw new ArgumentException(
                $"{TypeName} key {Tensor.FormatShape(key)} and value {Tensor.FormatShape(value)} must have the same number of steps.", nameof(inputShapes));
        }

        if (query[1] != key[1])
        {
            string keyName = inputShapes.Count > 2 ? "key" : "value (the key)";
            throw new ArgumentException(
                $"{TypeName} query {Tensor.FormatShape(query)} and {keyName} {Tensor.FormatShape(key)} must have the same number of features.", nameof(inputShapes));
        }

        QuerySteps = query[0];
        ValueSteps = value[0];
        KeyFeatures = query[1];
        CreateParameters(KeyFeatures, random);
        if (DropoutRate > 0)
        {
            _random = new SeededRandom(random.NextUInt64());
        }

        return [query[0], value[1]];
    }

    internal override SeededRandom? RandomStream => _random;

    /// <summary>Creates and initialises the subclass's parameters for query and key features dim.</summary>
    private protected abstract void CreateParameters(int dim, SeededRandom random);

    /// <summary>scores (B, Tq, Tv) from query (B, Tq, dim) and key (B, Tv, dim).</summary>
    private protected abstract void ComputeScores(ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, Span<float> scores);

    /// <summary>From dscores (B, Tq, Tv) of the last training ComputeScores: writes dquery and dkey, adds the parameters' gradients.</summary>
    private protected abstract void ScoresBackward(
        ReadOnlySpan<float> query, ReadOnlySpan<float> key, int batch, ReadOnlySpan<float> scoreGradient, Span<float> queryGradient, Span<float> keyGradient);

    private static void Softmax(Span<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float s in row)
        {
            max = Math.Max(max, s);
        }

        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            row[j] = MathF.Exp(row[j] - max);
            sum += row[j];
        }

        float inverse = (float)(1.0 / sum);
        for (int j = 0; j < row.Length; j++)
        {
            row[j] *= inverse;
        }
    }

    private Tensor? CheckMask(Tensor? mask, int batch, int steps, string input)
    {
        if (mask is not null && !(mask.Rank == 2 && mask.Shape[0] == batch && mask.Shape[1] == steps))
        {
            throw new ArgumentException($"{TypeName} {input} mask must be ({batch}, {steps}), got {Tensor.FormatShape(mask.Shape)}.", "masks");
        }

        return mask;
    }
}
