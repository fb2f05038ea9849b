using System.Globalization;
using Gated.Layers;
using Gated.Randomness;
using Gated.Tensors;
using Gated.Training;

namespace Gated.Models;

/// <summary>
/// A functional model (Keras's keras.Model(inputs, outputs)): layers called on symbolic tensors, wired into a graph of
/// several inputs and outputs, shared layers (one weight set, gradients of every call summed) and tensors that feed
/// several layers (gradients summed). Built when constructed: every layer not built yet builds in call order from one
/// seed, so a chain of layers built as a model equals the Sequential of the same layers and seed bit for bit.
/// Compile, Fit, Evaluate and TrainOnBatch are the <see cref="Trainer"/>'s, with a loss, weight and metrics per output.
/// </summary>
/// <remarks>
/// A model built over layers that another built model already holds (an encoder taken out of a trained autoencoder)
/// reads that model's weights and predicts with them; it cannot be trained itself. Calls on one model (training and
/// Predict alike) are serialized; predictions read the weights under the trainer's lock, so a prediction sees whole
/// optimizer steps only.
/// </remarks>
public sealed class Model : ITrainableModel
{
    private readonly SymbolicTensor[] _inputs;
    private readonly SymbolicTensor[] _outputs;
    private readonly LayerCall[] _calls;
    private readonly Layer[] _layers;
    private readonly Dictionary<Layer, string> _names = new(ReferenceEqualityComparer.Instance);
    private readonly ModelGraph _graph;
    private readonly float[] _parameters = [];
    private readonly float[] _gradients = [];
    private readonly int[][] _batchOutputShapes;
    // The variable-length input whose batch length each tensor's first per-sample axis follows (absent: fixed).
    private readonly Dictionary<SymbolicTensor, int> _lengthSource = new(ReferenceEqualityComparer.Instance);
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <summary>A model of one input and one output.</summary>
    /// <param name="input">The model's input.</param>
    /// <param name="output">A tensor computed from it by layer calls.</param>
    /// <param name="seed">The weight-initialisation seed of the layers not built yet.</param>
    public Model(Input input, SymbolicTensor output, ulong seed = 0)
        : this([input], [output], seed)
    {
    }

    /// <summary>A model from its inputs to its outputs; every layer on the way that is not built yet is built, in call order, from seed.</summary>
    /// <param name="inputs">The model's inputs, in the order batches give them.</param>
    /// <param name="outputs">Tensors computed from those inputs by layer calls, in the order predictions and targets come.</param>
    /// <param name="seed">The weight-initialisation seed of the layers not built yet.</param>
    /// <exception cref="ArgumentException">An output depends on a tensor that is not among the inputs, a tensor is given twice, or a layer's call does not fit its inputs (the message names the layer).</exception>
    public Model(IReadOnlyList<Input> inputs, IReadOnlyList<SymbolicTensor> outputs, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || outputs.Count == 0)
        {
            throw new ArgumentException("A model needs at least one input and one output.", nameof(inputs));
        }

        _inputs = [.. inputs];
        _outputs = [.. outputs];
        CheckDistinct(_inputs, "input", nameof(inputs));
        CheckDistinct(_outputs, "output", nameof(outputs));
        _calls = CallsBetween(_inputs, _outputs);
        _layers = _calls.Select(c => c.Layer).Distinct(ReferenceEqualityComparer.Instance).Cast<Layer>().ToArray();
        NameLayers();
        _inputNames = _inputs.Select((t, i) => t.GivenName ?? $"input_{i + 1}").ToArray();
        _outputNames = OutputNamesOf(_outputs);
        for (int i = 0; i < _inputs.Length; i++)
        {
            if (inputs[i].VariableLength)
            {
                _lengthSource[_inputs[i]] = i;
            }
        }

        var callLayers = BuildCalls(seed);
        Trainer = new Trainer(this);
        var parameters = _layers.SelectMany(l => l.Parameters).ToArray();
        int homed = parameters.Count(p => p.IsInModelBuffer);
        if (homed == 0)
        {
            int total = parameters.Sum(p => p.Length);
            _parameters = new float[total];
            _gradients = new float[total];
            int offset = 0;
            foreach (var parameter in parameters)
            {
                parameter.MoveTo(_parameters, _gradients, offset);
                offset += parameter.Length;
            }
        }
        else if (homed != parameters.Length)
        {
            throw new ArgumentException(
                "Some of the model's layers already belong to a built model and some do not: build the model that holds them all first, then models over parts of it.",
                nameof(outputs));
        }

        IsTrainable = homed == 0;
        // Later calls of a shared layer run on copies that read (and add gradients into) the layer's parameters.
        for (int i = 0; i < _calls.Length; i++)
        {
            if (callLayers[i] is null)
            {
                var call = _calls[i];
                callLayers[i] = LayerChain.ShareLayer(call.Layer, call.Inputs.Select(t => t.Shape).ToArray(), $"Layer '{_names[call.Layer]}'");
            }
        }

        _graph = new ModelGraph(_inputs, _outputs, _calls, callLayers!);
        _batchOutputShapes = _outputs.Select(o => new int[o.Shape.Length + 1]).ToArray();
    }

    /// <summary>The trainer that runs Compile, Fit, Evaluate and TrainOnBatch on this model; callbacks see it.</summary>
    public Trainer Trainer { get; }

    /// <summary>The model's inputs, in batch order.</summary>
    public IReadOnlyList<SymbolicTensor> Inputs => _inputs;

    /// <summary>The model's outputs, in prediction order.</summary>
    public IReadOnlyList<SymbolicTensor> Outputs => _outputs;

    /// <summary>Every distinct layer, in the order of their first call.</summary>
    public IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The inputs' names: given, or "input_1", "input_2", ...</summary>
    public IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>The outputs' names: the name of the layer giving each ("dense", "dense_1"; a second output of one layer adds "_k").</summary>
    public IReadOnlyList<string> OutputNames => _outputNames;

    /// <summary>How many input tensors a batch has.</summary>
    public int InputCount => _inputs.Length;

    /// <summary>How many parameters all layers hold together.</summary>
    public long ParameterCount => _layers.Sum(l => l.ParameterCount);

    /// <summary>
    /// Dynamic int8 inference for every Dense, recurrent and Embedding layer of the graph (see <see cref="Sequential.QuantizeInt8"/>);
    /// a shared layer's later calls run on its int8 weights too. Training is refused from now on. Returns how many
    /// layers were quantized.
    /// </summary>
    public int QuantizeInt8()
    {
        lock (Trainer.Gate)
        {
            int quantized = _layers.Count(l => l.QuantizeInt8());
            ShareInt8WithCalls();
            return quantized;
        }
    }

    /// <summary>A shared layer's later calls run on copies: they take its int8 weights (after quantizing or loading them).</summary>
    internal void ShareInt8WithCalls()
    {
        foreach (var (call, layer) in _calls.Zip(_graph.CallLayers))
        {
            if (!ReferenceEquals(call.Layer, layer))
            {
                layer.ShareInt8Of(call.Layer);
            }
        }
    }

    /// <summary>Whether <see cref="QuantizeInt8"/> has run.</summary>
    public bool IsQuantized => _layers.Any(l => l.IsQuantized);

    /// <summary>Whether this model holds its layers' weights (false for a model over layers of another built model, which only predicts).</summary>
    public bool IsTrainable { get; }

    /// <summary>Every parameter, layer by layer in first-call order.</summary>
    /// <exception cref="InvalidOperationException">The model reads another model's weights (<see cref="IsTrainable"/> is false).</exception>
    public Span<float> ParameterValues => IsTrainable ? _parameters : throw NotTrainable();

    /// <summary>The gradients, in the layout of <see cref="ParameterValues"/>.</summary>
    /// <exception cref="InvalidOperationException">The model reads another model's weights.</exception>
    public Span<float> ParameterGradients => IsTrainable ? _gradients : throw NotTrainable();

    /// <summary>The name of a layer of this model (its own, or the one the model gave it).</summary>
    public string NameOf(Layer layer) => _names.TryGetValue(layer, out var name) ? name : throw new ArgumentException("The layer is not in this model.", nameof(layer));

    /// <summary>Sets the optimizer, one loss for every output, and (for a model of one output) the metrics.</summary>
    public void Compile(Optimizer optimizer, Loss loss, params IEnumerable<Metric> metrics)
    {
        RequireTrainable();
        Trainer.Compile(optimizer, loss, metrics);
    }

    /// <summary>Sets the optimizer and, per output, its loss, its weight in the total loss (1 when null) and its metrics.</summary>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<double>? lossWeights = null, IReadOnlyList<IReadOnlyList<Metric>>? metrics = null)
    {
        RequireTrainable();
        Trainer.Compile(optimizer, losses, lossWeights, metrics);
    }

    /// <summary>
    /// Trains with Keras semantics on one tensor per input (x) and per output (y); see <see cref="Trainer.Fit(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, int, int, double, bool, ulong, IReadOnlyList{FitCallback}?, int)"/>.
    /// With <paramref name="trimPadding"/>, every batch of a variable-length input (and of the targets whose outputs
    /// follow its length) is cut after its longest real sequence, so padding costs nothing; the losses are the same.
    /// </summary>
    /// <exception cref="InvalidOperationException">trimPadding, but cutting could change the result: no variable-length input, one read by a layer other than Embedding(maskZero) or Masking(0), or a following output whose loss does not ignore class 0.</exception>
    public History Fit(
        IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0, bool trimPadding = false) =>
        Trainer.Fit(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch, trimPadding ? PaddingTrimGroups() : null);

    /// <summary>Fit for a model of one input and one output.</summary>
    public History Fit(
        Tensor x, Tensor y, int epochs = 1, int batchSize = 32, double validationSplit = 0, bool shuffle = true,
        ulong seed = 0, IReadOnlyList<FitCallback>? callbacks = null, int initialEpoch = 0) =>
        Trainer.Fit(x, y, epochs, batchSize, validationSplit, shuffle, seed, callbacks, initialEpoch);

    /// <summary>Total loss, each output's loss (several outputs) and every metric over x, y, keyed by the names Fit logs.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y, int batchSize = 32) =>
        Trainer.EvaluateWithMetrics(x, y, batchSize);

    /// <summary>One optimizer step on one batch of each input and target; returns the batch's total loss before the step.</summary>
    public float TrainOnBatch(IReadOnlyList<Tensor> x, IReadOnlyList<Tensor> y) => Trainer.TrainOnBatch(x, y);

    /// <summary>Runs the model on one tensor per input (N, ...) in batches; returns one new tensor per output (N, ...).</summary>
    /// <exception cref="ArgumentException">The inputs are not one batch per input of the declared shapes with equal sample counts.</exception>
    public IReadOnlyList<Tensor> Predict(IReadOnlyList<Tensor> x, int batchSize = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        lock (Trainer.Gate)
        {
            CheckInputs(x, nameof(x));
            int n = x[0].Shape[0];
            var results = _outputs.Select((_, k) =>
            {
                var shape = BatchOutputShape(x, k).ToArray();
                shape[0] = n;
                return new Tensor(shape);
            }).ToArray();
            var batch = new Tensor[x.Count];
            Trainer.WeightsLock.EnterReadLock();
            try
            {
                for (int start = 0; start < n; start += batchSize)
                {
                    int count = Math.Min(batchSize, n - start);
                    for (int i = 0; i < batch.Length; i++)
                    {
                        batch[i] = count == n ? x[i] : x[i].SliceBatch(start, count);
                    }

                    var y = _graph.Forward(batch, training: false);
                    for (int k = 0; k < results.Length; k++)
                    {
                        int perSample = results[k].Length / Math.Max(n, 1);
                        y[k].Data.AsSpan(0, count * perSample).CopyTo(results[k].Data.AsSpan(start * perSample, count * perSample));
                    }
                }
            }
            finally
            {
                Trainer.WeightsLock.ExitReadLock();
            }

            return results;
        }
    }

    /// <summary>Predict for a model of one input and one output.</summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        if (_outputs.Length != 1)
        {
            throw new InvalidOperationException($"The model has {_outputs.Length} outputs: call Predict on a list of inputs, which returns one tensor per output.");
        }

        return Predict([x], batchSize)[0];
    }

    /// <summary>
    /// A Keras-style table: each layer call's name and type, output shape, parameter count (on a layer's first call)
    /// and the tensors it is connected to ("gru[0][0]": layer, call, output).
    /// </summary>
    public string Summary()
    {
        var rows = new List<(string Name, string Shape, long Count, string? Connected)>();
        foreach (var (input, name) in _inputs.Zip(_inputNames))
        {
            rows.Add(($"{name} (InputLayer)", FormatShapes([input]), 0, ""));
        }

        var seen = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        foreach (var call in _calls)
        {
            long count = seen.Add(call.Layer) ? call.Layer.ParameterCount : 0;
            rows.Add(($"{_names[call.Layer]} ({call.Layer.TypeName})", FormatShapes(call.Outputs), count, string.Join(", ", call.Inputs.Select(TensorLabel))));
        }

        return SummaryTable.Format(rows, ParameterCount);
    }

    /// <inheritdoc/>
    IReadOnlyList<Tensor> ITrainableModel.Forward(IReadOnlyList<Tensor> inputs, bool training)
    {
        lock (Trainer.Gate)
        {
            return _graph.Forward(inputs, training);
        }
    }

    /// <inheritdoc/>
    void ITrainableModel.Backward(IReadOnlyList<Tensor> outputGradients)
    {
        lock (Trainer.Gate)
        {
            _graph.Backward(outputGradients);
        }
    }

    /// <inheritdoc/>
    void ITrainableModel.CheckInputs(IReadOnlyList<Tensor> inputs, string parameterName) => CheckInputs(inputs, parameterName);

    /// <inheritdoc/>
    ReadOnlySpan<int> ITrainableModel.OutputShapeOf(IReadOnlyList<Tensor> inputs, int output) => BatchOutputShape(inputs, output);

    /// <summary>The layer instances the graph runs, one per call (copies for a shared layer's later calls).</summary>
    internal IEnumerable<Layer> CallLayers => _graph.CallLayers;

    internal IReadOnlyList<LayerCall> Calls => _calls;

    private void CheckInputs(IReadOnlyList<Tensor> inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Count != _inputs.Length)
        {
            throw new ArgumentException($"The model takes {_inputs.Length} input tensor(s) ({string.Join(", ", _inputNames)}), got {inputs.Count}.", parameterName);
        }

        int n = -1;
        for (int i = 0; i < inputs.Count; i++)
        {
            var x = inputs[i];
            ArgumentNullException.ThrowIfNull(x, parameterName);
            var shape = _inputs[i].Shape;
            bool variable = ((Input)_inputs[i]).VariableLength;
            if (x.Rank != shape.Length + 1 || (variable ? x.Shape[1] < 1 || !x.Shape.AsSpan(2).SequenceEqual(shape.AsSpan(1)) : !x.Shape.AsSpan(1).SequenceEqual(shape)))
            {
                string first = variable ? "any length" : shape[0].ToString(CultureInfo.InvariantCulture);
                throw new ArgumentException($"Input '{_inputNames[i]}' must be (samples, {string.Join(", ", [first, .. shape[1..].Select(d => d.ToString(CultureInfo.InvariantCulture))])}), got {Tensor.FormatShape(x.Shape)}.", parameterName);
            }

            if (n >= 0 && x.Shape[0] != n)
            {
                throw new ArgumentException($"Input '{_inputNames[i]}' has {x.Shape[0]} samples, input '{_inputNames[0]}' {n}: every input needs the same samples.", parameterName);
            }

            n = x.Shape[0];
        }
    }

    private static void CheckDistinct(SymbolicTensor[] tensors, string what, string parameterName)
    {
        if (tensors.Any(t => t is null))
        {
            throw new ArgumentNullException(parameterName, $"An {what} is null.");
        }

        if (tensors.Distinct(ReferenceEqualityComparer.Instance).Count() != tensors.Length)
        {
            throw new ArgumentException($"The same tensor is given twice as an {what}.", parameterName);
        }
    }

    // Every call on the way from the inputs to the outputs, in creation (so topological) order; any path that reaches
    // an input not among the model's is refused.
    private static LayerCall[] CallsBetween(SymbolicTensor[] inputs, SymbolicTensor[] outputs)
    {
        var inputSet = new HashSet<SymbolicTensor>(inputs, ReferenceEqualityComparer.Instance);
        var calls = new HashSet<LayerCall>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<SymbolicTensor>(outputs);
        foreach (var output in outputs)
        {
            if (output.Producer is null)
            {
                throw new ArgumentException($"Output {output.Describe()} is not computed by any layer.", nameof(outputs));
            }
        }

        while (stack.Count > 0)
        {
            var tensor = stack.Pop();
            if (inputSet.Contains(tensor))
            {
                continue;
            }

            var call = tensor.Producer ?? throw new ArgumentException(
                $"The outputs depend on {tensor.Describe()}, which is not among the model's inputs.", nameof(inputs));
            if (calls.Add(call))
            {
                foreach (var input in call.Inputs)
                {
                    stack.Push(input);
                }
            }
        }

        return calls.OrderBy(c => c.Sequence).ToArray();
    }

    // Given names stay (and must be distinct); the others are the type in lower case, numbered from the second on.
    private void NameLayers()
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in _layers.Where(l => l.Name is not null))
        {
            if (!used.Add(layer.Name!))
            {
                throw new ArgumentException($"Two layers of the model are named '{layer.Name}'.", "outputs");
            }
        }

        foreach (var layer in _layers)
        {
            string name = layer.Name ?? string.Empty;
            if (layer.Name is null)
            {
                string stem = layer.TypeName.ToLowerInvariant();
                name = stem;
                for (int k = 1; used.Contains(name); k++)
                {
                    name = $"{stem}_{k}";
                }

                used.Add(name);
            }

            _names[layer] = name;
        }
    }

    // The producing layer's name; an output whose name is taken (a second output of one layer) gets "_1", "_2", ...
    private string[] OutputNamesOf(SymbolicTensor[] outputs)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[outputs.Length];
        for (int k = 0; k < outputs.Length; k++)
        {
            string stem = _names[outputs[k].Producer!.Layer];
            string name = stem;
            for (int i = 1; !used.Add(name); i++)
            {
                name = $"{stem}_{i}";
            }

            names[k] = name;
        }

        return names;
    }

    // Builds each call's layer in order (a layer's first call builds it); returns the layer each call runs on, null
    // where a later call of a shared layer needs a copy once the weights have their home.
    private Layer?[] BuildCalls(ulong seed)
    {
        var random = new SeededRandom(seed);
        var firstCalls = new HashSet<Layer>(ReferenceEqualityComparer.Instance);
        var result = new Layer?[_calls.Length];
        for (int i = 0; i < _calls.Length; i++)
        {
            var call = _calls[i];
            var shapes = call.Inputs.Select(t => t.Shape).ToArray();
            int[][] outputShapes;
            try
            {
                outputShapes = call.Layer.BuildCall(shapes, random);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"Layer '{_names[call.Layer]}' ({call.Layer.TypeName}) on {string.Join(", ", shapes.Select(s => Tensor.FormatShape(s)))}: {e.Message}", "outputs", e);
            }

            for (int k = 0; k < call.Outputs.Length; k++)
            {
                call.Outputs[k].SetShape(outputShapes[k]);
            }

            TrackLength(call);
            result[i] = firstCalls.Add(call.Layer) ? call.Layer : null;
        }

        return result;
    }

    // A call passes a variable length on when its layer takes any length; its sequence outputs (a time axis the
    // layer does not set itself) follow the first input's length: a recurrent layer's sequence, not its states;
    // an attention's query; a merge's inputs, which must agree.
    private void TrackLength(LayerCall call)
    {
        int source = -1;
        foreach (var input in call.Inputs)
        {
            if (!_lengthSource.TryGetValue(input, out int s))
            {
                continue;
            }

            if (!call.Layer.AcceptsVariableTime)
            {
                throw new ArgumentException(
                    $"Layer '{_names[call.Layer]}' ({call.Layer.TypeName}) needs a fixed length, but its input follows input '{_inputNames[s]}', whose length varies.", "outputs");
            }

            source = source < 0 ? s : source;
        }

        if (source < 0 || !_lengthSource.ContainsKey(call.Inputs[0]) || call.Layer.SetsOutputLength)
        {
            return;
        }

        foreach (var output in call.Outputs)
        {
            if (output.Shape.Length > 1 && output.Shape[0] == call.Inputs[0].Shape[0])
            {
                _lengthSource[output] = source;
            }
        }
    }

    // The groups a trimmed Fit cuts, once it is sure the cut steps change nothing: padding (0) of a variable-length
    // input is masked by every layer that reads it, and every output that follows its length ignores class 0.
    private PaddingTrim PaddingTrimGroups()
    {
        var inputs = Enumerable.Range(0, _inputs.Length).Where(i => ((Input)_inputs[i]).VariableLength).ToArray();
        if (inputs.Length == 0)
        {
            throw new InvalidOperationException("trimPadding cuts the padding of variable-length inputs, and the model has none: declare them with new Input(shape, name, variableLength: true).");
        }

        foreach (int i in inputs)
        {
            foreach (var call in _calls.Where(c => c.Inputs.Contains(_inputs[i])))
            {
                if (call.Layer is not (Embedding { MaskZero: true } or Masking { MaskValue: 0 }))
                {
                    throw new InvalidOperationException(
                        $"trimPadding cuts the trailing zeros of input '{_inputNames[i]}', which are padding only when an Embedding(maskZero: true) or Masking(0) reads it; layer '{_names[call.Layer]}' ({call.Layer.TypeName}) reads it.");
                }
            }
        }

        var targets = inputs.Select(i => Enumerable.Range(0, _outputs.Length).Where(k => _lengthSource.TryGetValue(_outputs[k], out int s) && s == i).ToArray()).ToArray();
        foreach (int k in targets.SelectMany(t => t))
        {
            if (k < Trainer.Losses.Count && Trainer.Losses[k] is not SparseSoftmaxCrossEntropyLoss { IgnoreClass: 0 })
            {
                throw new InvalidOperationException(
                    $"trimPadding cuts output '{_outputNames[k]}' with its input's padding; its loss must ignore the padding class 0 (SparseSoftmaxCrossEntropyLoss(ignoreClass: 0)).");
            }
        }

        return new PaddingTrim(inputs, targets);
    }

    // (batch, …output k) for a batch of inputs: the output's length follows its variable-length input's.
    private ReadOnlySpan<int> BatchOutputShape(IReadOnlyList<Tensor> inputs, int output)
    {
        var shape = _batchOutputShapes[output];
        shape[0] = inputs[0].Shape[0];
        _outputs[output].Shape.CopyTo(shape, 1);
        if (_lengthSource.TryGetValue(_outputs[output], out int source))
        {
            shape[1] = inputs[source].Shape[1];
        }

        return shape;
    }

    private string TensorLabel(SymbolicTensor tensor)
    {
        if (tensor.Producer is null)
        {
            return _inputNames[Array.IndexOf(_inputs, tensor)] + "[0][0]";
        }

        var layer = tensor.Producer.Layer;
        int callIndex = _calls.Where(c => c.Layer == layer).TakeWhile(c => c != tensor.Producer).Count();
        return $"{_names[layer]}[{callIndex}][{tensor.OutputIndex}]";
    }

    private string FormatShapes(IEnumerable<SymbolicTensor> tensors)
    {
        var shapes = tensors.Select(t => "(None, " + string.Join(", ", t.Shape.Select((d, i) => i == 0 && _lengthSource.ContainsKey(t) ? "None" : d.ToString(CultureInfo.InvariantCulture))) + ")").ToArray();
        return shapes.Length == 1 ? shapes[0] : "[" + string.Join(", ", shapes) + "]";
    }

    private void RequireTrainable()
    {
        if (!IsTrainable)
        {
            throw NotTrainable();
        }
    }

    private static InvalidOperationException NotTrainable() =>
        new("This model reads the weights of layers another model holds; train that model (this one predicts with its weights).");
}
