using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Models;
using Gated.Tensors;

namespace Gated.Seq2Seq;

/// <summary>
/// Runs a <see cref="Seq2SeqModel"/>'s decoder one step at a time on the model's weights: the encoder runs once per
/// batch of sources (its outputs, attention keys and the decoder's starting state are kept), then each
/// <see cref="Step"/> embeds the previous tokens, advances the decoder GRU's stream, attends over the kept encoder
/// outputs (or appends Cho's context vector) and gives the next token's logits. Greedy and beam search run on it;
/// beam search carries beams as rows and reorders the states when beams change parents. Once its buffers are sized for
/// a number of rows, a step allocates nothing. One thread at a time.
/// </summary>
public sealed class Seq2SeqDecoder
{
    private readonly Seq2SeqModel _model;
    private readonly Model _encoder;
    private readonly Embedding _targetEmbedding;
    private readonly MultiInputLayer? _attention;
    private readonly Layer _output;
    private readonly int _units, _embeddingSize, _vocabulary, _encodedWidth, _featureWidth;
    private readonly Tensor[] _attentionInputs = new Tensor[3];
    private readonly Tensor?[] _attentionMasks = new Tensor?[3];
    private int _rows, _sourceSteps;
    private RecurrentStream? _stream;
    private float[] _embedded = [];
    private Tensor _query = new(1, 1, 1), _features = new(1, 1, 1), _values = new(1, 1, 1), _keys = new(1, 1, 1), _mask = new(1, 1), _context = new(1, 1);
    private float[] _stepInput = [], _stateCopy = [];

    internal Seq2SeqDecoder(Seq2SeqModel model)
    {
        _model = model;
        var network = model.Network;
        SymbolicTensor Output(string layerName, int output = 0) =>
            network.Calls.First(c => network.NameOf(c.Layer) == layerName).Outputs[output];
        var initial = Output(Seq2SeqModel.LayerNames.BridgeTanh);
        var source = (Input)network.Inputs[0];
        _units = model.Options.Units;
        _embeddingSize = model.Options.EmbeddingSize;
        _vocabulary = model.TargetVocabulary.Count;
        var encoded = Output(Seq2SeqModel.LayerNames.Encoder);
        _encodedWidth = encoded.Shape[^1];
        if (model.Options.Attention)
        {
            var keys = Output(Seq2SeqModel.LayerNames.Keys);
            _encoder = new Model([source], [encoded, keys, initial]);
            _attention = (MultiInputLayer)LayerChain.ShareLayer(model.AttentionLayer!, [[1, _units], [model.SourceLength, _encodedWidth], [model.SourceLength, _units]], "attention");
            _attention.ReusesResults = true;
            _featureWidth = _units + _encodedWidth;
        }
        else
        {
            var summary = model.Options.BidirectionalEncoder ? Output(Seq2SeqModel.LayerNames.Summary) : Output(Seq2SeqModel.LayerNames.Encoder, 1);
            _encodedWidth = summary.Shape[^1];
            _encoder = new Model([source], [summary, initial]);
            _featureWidth = _units + _encodedWidth;
        }

        // The embedding rows are read one by one (Embedding.CopyRow) and the output Dense runs on (rows, features): the layers' own
        // wrappers (index checks, TimeDistributed's reshapes) would allocate at every step.
        _targetEmbedding = (Embedding)model.TargetEmbedding;
        _output = LayerChain.ShareLayer(((TimeDistributed)model.Output).Inner, [[_featureWidth]], "output");
        _output.ReusesResults = true;
    }

    /// <summary>How many decoder rows the last <see cref="Start"/> set up (sources × beams).</summary>
    public int Rows => _rows;

    /// <summary>
    /// Runs the encoder on sources (N, S) and starts N × repeat decoder rows (each source's rows together), every row
    /// at the decoder's starting state. S may be shorter than the model's source length when the model takes
    /// variable-length sources (attention then runs over S steps only).
    /// </summary>
    public void Start(Tensor sources, int repeat = 1)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(repeat);
        var encoded = _encoder.Predict([sources], batchSize: Math.Max(1, sources.Shape[0]));
        int n = sources.Shape[0];
        int sourceSteps = sources.Shape[1];
        EnsureRows(n * repeat, sourceSteps);
        var initial = encoded[^1];
        var state = _stream!.State(0);
        for (int b = 0; b < n; b++)
        {
            for (int r = 0; r < repeat; r++)
            {
                int row = (b * repeat) + r;
                initial.Data.AsSpan(b * _units, _units).CopyTo(state.Slice(row * _units, _units));
                if (_attention is not null)
                {
                    int values = sourceSteps * _encodedWidth, keys = sourceSteps * _units;
                    encoded[0].Data.AsSpan(b * values, values).CopyTo(_values.Data.AsSpan(row * values, values));
                    encoded[1].Data.AsSpan(b * keys, keys).CopyTo(_keys.Data.AsSpan(row * keys, keys));
                    for (int s = 0; s < sourceSteps; s++)
                    {
                        _mask.Data[(row * sourceSteps) + s] = sources.Data[(b * sourceSteps) + s] == Vocabulary.Pad ? 0f : 1f;
                    }
                }
                else
                {
                    encoded[0].Data.AsSpan(b * _encodedWidth, _encodedWidth).CopyTo(_context.Data.AsSpan(row * _encodedWidth, _encodedWidth));
                }
            }
        }
    }

    /// <summary>One decoder step for every row: previous holds each row's last token; logits (rows × vocabulary) receives the next token's logits.</summary>
    public void Step(ReadOnlySpan<int> previous, Span<float> logits)
    {
        if (_stream is null)
        {
            throw new InvalidOperationException("Call Start before Step.");
        }

        if (previous.Length != _rows || logits.Length != _rows * _vocabulary)
        {
            throw new ArgumentException($"Step takes {_rows} tokens and {_rows * _vocabulary} logits, got {previous.Length} and {logits.Length}.", nameof(previous));
        }

        var embedded = _embedded.AsSpan(0, _rows * _embeddingSize);
        for (int row = 0; row < _rows; row++)
        {
            int token = previous[row];
            if ((uint)token >= (uint)_vocabulary)
            {
                throw new ArgumentOutOfRangeException(nameof(previous), token, $"Token ids must be in [0, {_vocabulary}).");
            }

            _targetEmbedding.CopyRow(token, embedded.Slice(row * _embeddingSize, _embeddingSize));
        }

        ReadOnlySpan<float> input = _embedded;
        if (_attention is null)
        {
            int width = _embeddingSize + _encodedWidth;
            for (int row = 0; row < _rows; row++)
            {
                embedded.Slice(row * _embeddingSize, _embeddingSize).CopyTo(_stepInput.AsSpan(row * width));
                _context.Data.AsSpan(row * _encodedWidth, _encodedWidth).CopyTo(_stepInput.AsSpan((row * width) + _embeddingSize));
            }

            input = _stepInput;
        }

        _stream.Step(input, _query.Data);
        var extra = _attention is null ? _context.Data : _attention.Forward(_attentionInputs, _attentionMasks).Data;
        for (int row = 0; row < _rows; row++)
        {
            _query.Data.AsSpan(row * _units, _units).CopyTo(_features.Data.AsSpan(row * _featureWidth));
            extra.AsSpan(row * _encodedWidth, _encodedWidth).CopyTo(_features.Data.AsSpan((row * _featureWidth) + _units));
        }

        _output.Forward(_features).Data.AsSpan(0, _rows * _vocabulary).CopyTo(logits);
    }

    /// <summary>Makes row r continue from row parents[r]'s decoder state (beam search's reordering).</summary>
    public void Reorder(ReadOnlySpan<int> parents)
    {
        if (_stream is null || parents.Length != _rows)
        {
            throw new ArgumentException($"Reorder takes one parent per row ({_rows}).", nameof(parents));
        }

        var state = _stream.State(0);
        state.CopyTo(_stateCopy);
        for (int row = 0; row < _rows; row++)
        {
            _stateCopy.AsSpan(parents[row] * _units, _units).CopyTo(state.Slice(row * _units, _units));
        }
    }

    /// <summary>The logits of every step when the decoder is fed decoderInput (N, T) instead of its own outputs (teacher forcing): (N, T, vocabulary).</summary>
    public Tensor ForcedLogits(Tensor sources, Tensor decoderInput)
    {
        ArgumentNullException.ThrowIfNull(decoderInput);
        Start(sources);
        int n = sources.Shape[0], steps = decoderInput.Shape[1];
        var result = new Tensor(n, steps, _vocabulary);
        var previous = new int[n];
        var logits = new float[n * _vocabulary];
        for (int t = 0; t < steps; t++)
        {
            for (int b = 0; b < n; b++)
            {
                previous[b] = (int)decoderInput.Data[(b * steps) + t];
            }

            Step(previous, logits);
            for (int b = 0; b < n; b++)
            {
                logits.AsSpan(b * _vocabulary, _vocabulary).CopyTo(result.Data.AsSpan(((b * steps) + t) * _vocabulary, _vocabulary));
            }
        }

        return result;
    }

    /// <summary>Greedy decoding: each step takes the most likely token (never PAD or BOS) until EOS or the model's target length; returns each source's ids without EOS.</summary>
    public int[][] Greedy(Tensor sources)
    {
        Start(sources);
        int n = _rows;
        var previous = Enumerable.Repeat(Vocabulary.Bos, n).ToArray();
        var logits = new float[n * _vocabulary];
        var outputs = Enumerable.Range(0, n).Select(_ => new List<int>()).ToArray();
        var done = new bool[n];
        for (int t = 0; t < _model.TargetLength && done.Contains(false); t++)
        {
            Step(previous, logits);
            for (int b = 0; b < n; b++)
            {
                int best = ArgMax(logits.AsSpan(b * _vocabulary, _vocabulary));
                previous[b] = best;
                if (done[b])
                {
                    continue;
                }

                if (best == Vocabulary.Eos)
                {
                    done[b] = true;
                }
                else
                {
                    outputs[b].Add(best);
                }
            }
        }

        return outputs.Select(o => o.ToArray()).ToArray();
    }

    /// <summary>
    /// Beam search: width hypotheses per source; a hypothesis ends at EOS (or at the model's target length) and scores
    /// log P / length^lengthPenalty (length counts EOS); a source is done when width hypotheses have ended. Returns each
    /// source's best hypothesis without EOS.
    /// </summary>
    public int[][] Beam(Tensor sources, int width, double lengthPenalty = 1.0)
    {
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Start(sources, width);
        int n = sources.Shape[0], rows = _rows, maxLength = _model.TargetLength;
        var scores = new double[rows];
        var histories = new int[rows][];
        var nextHistories = new int[rows][];
        for (int row = 0; row < rows; row++)
        {
            scores[row] = row % width == 0 ? 0 : double.NegativeInfinity;
            histories[row] = new int[maxLength];
            nextHistories[row] = new int[maxLength];
        }

        var previous = Enumerable.Repeat(Vocabulary.Bos, rows).ToArray();
        var parents = new int[rows];
        var logits = new float[rows * _vocabulary];
        var logProbabilities = new double[_vocabulary];
        var finished = Enumerable.Range(0, n).Select(_ => new List<(double Score, int[] Ids)>()).ToArray();
        var candidates = new List<(double Score, int Row, int Token)>();
        var topTokens = new int[Math.Min(2 * width, _vocabulary)];
        for (int t = 0; t < maxLength; t++)
        {
            Step(previous, logits);
            bool anyLive = false;
            for (int b = 0; b < n; b++)
            {
                candidates.Clear();
                for (int j = 0; j < width; j++)
                {
                    int row = (b * width) + j;
                    if (double.IsNegativeInfinity(scores[row]))
                    {
                        continue;
                    }

                    // Only a row's best 2·width tokens can be among the best 2·width continuations of all rows.
                    LogSoftmax(logits.AsSpan(row * _vocabulary, _vocabulary), logProbabilities);
                    int best = TopTokens(logProbabilities, topTokens);
                    for (int i = 0; i < best; i++)
                    {
                        candidates.Add((scores[row] + logProbabilities[topTokens[i]], row, topTokens[i]));
                    }
                }

                candidates.Sort((x, y) => y.Score.CompareTo(x.Score));
                int kept = 0;
                foreach (var (score, row, token) in candidates)
                {
                    if (kept == width || finished[b].Count >= width)
                    {
                        break;
                    }

                    if (token == Vocabulary.Eos || t == maxLength - 1)
                    {
                        var ids = histories[row].AsSpan(0, t).ToArray();
                        ids = token == Vocabulary.Eos ? ids : [.. ids, token];
                        finished[b].Add((score / Math.Pow(t + 1, lengthPenalty), ids));
                        continue;
                    }

                    int target = (b * width) + kept++;
                    parents[target] = row;
                    histories[row].AsSpan(0, t).CopyTo(nextHistories[target]);
                    nextHistories[target][t] = token;
                    scores[target] = score;
                    previous[target] = token;
                }

                for (int j = finished[b].Count >= width ? 0 : kept; j < width; j++)
                {
                    int row = (b * width) + j;
                    parents[row] = row;
                    scores[row] = double.NegativeInfinity;
                    previous[row] = Vocabulary.Eos;
                }

                anyLive |= finished[b].Count < width && kept > 0;
            }

            (histories, nextHistories) = (nextHistories, histories);
            if (!anyLive)
            {
                break;
            }

            Reorder(parents);
        }

        return finished.Select(f => f.MaxBy(h => h.Score).Ids).ToArray();
    }

    private void EnsureRows(int rows, int sourceSteps)
    {
        if (rows == _rows && (_attention is null || sourceSteps == _sourceSteps))
        {
            return;
        }

        if (rows != _rows)
        {
            _rows = rows;
            _stream = _model.Decoder.CreateStream(rows);
            _embedded = new float[rows * _embeddingSize];
            _query = new Tensor(rows, 1, _units);
            _features = new Tensor(rows, _featureWidth);
            _stateCopy = new float[rows * _units];
        }

        _sourceSteps = sourceSteps;
        if (_attention is not null)
        {
            _values = new Tensor(rows, sourceSteps, _encodedWidth);
            _keys = new Tensor(rows, sourceSteps, _units);
            _mask = new Tensor(rows, sourceSteps);
            _attentionInputs[0] = _query;
            _attentionInputs[1] = _values;
            _attentionInputs[2] = _keys;
            _attentionMasks[1] = _mask;
        }
        else
        {
            _context = new Tensor(rows, _encodedWidth);
            _stepInput = new float[rows * (_embeddingSize + _encodedWidth)];
        }
    }

    // The indices of the largest values (PAD and BOS never), best first, into top; returns how many.
    private static int TopTokens(ReadOnlySpan<double> values, int[] top)
    {
        int count = 0;
        for (int v = 0; v < values.Length; v++)
        {
            if (v == Vocabulary.Pad || v == Vocabulary.Bos || (count == top.Length && values[v] <= values[top[count - 1]]))
            {
                continue;
            }

            int i = count < top.Length ? count++ : count - 1;
            while (i > 0 && values[top[i - 1]] < values[v])
            {
                top[i] = top[i - 1];
                i--;
            }

            top[i] = v;
        }

        return count;
    }

    private static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = -1;
        for (int v = 0; v < logits.Length; v++)
        {
            if (v != Vocabulary.Pad && v != Vocabulary.Bos && (best < 0 || logits[v] > logits[best]))
            {
                best = v;
            }
        }

        return best;
    }

    private static void LogSoftmax(ReadOnlySpan<float> logits, Span<double> result)
    {
        float max = logits[0];
        for (int v = 1; v < logits.Length; v++)
        {
            max = Math.Max(max, logits[v]);
        }

        double sum = 0;
        for (int v = 0; v < logits.Length; v++)
        {
            sum += Math.Exp((double)logits[v] - max);
        }

        double log = max + Math.Log(sum);
        for (int v = 0; v < logits.Length; v++)
        {
            result[v] = logits[v] - log;
        }
    }
}
