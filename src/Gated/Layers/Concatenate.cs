using System.Globalization;
using Gated.Randomness;
using Gated.Tensors;

namespace Gated.Layers;

/// <summary>
/// Keras's Concatenate: two or more inputs joined along <see cref="Axis"/> of the batch tensor (−1, the default, is the
/// last; the batch axis 0 is refused). The inputs have one rank and the same sizes on every other axis; the output's
/// size on the axis is the sum of theirs. No parameters.
/// Masks, as Keras: joined along the time axis (axis 1 of (batch, time, …) inputs), the (B, T) masks are concatenated,
/// an input without a mask counting as all real; joined along another axis, a step is real when it is real in every
/// masked input (<see cref="MultiInputLayer.ComputeMask"/>); no input with a mask gives no mask.
/// </summary>
public sealed class Concatenate : MultiInputLayer, IConfigurableLayer
{
    private int _axis;          // per-sample axis (batch excluded), fixed at build
    private int[] _inner = [];  // per input: product of its per-sample sizes from _axis on
    private int _innerTotal;    // their sum: the output's size from _axis on
    private int _lastBatch = -1;
    private Tensor[]? _gradients;
    private int _shapesBatch = -1;               // the batch size of the shapes below
    private int _shapesSteps;                    // and their time axis's length (0: none)
    private int[] _outputBatchShape = [];       // (batch, …output)
    private int[][] _inputBatchShapes = [];     // per input: (batch, …input)

    /// <summary>A layer joining its inputs along <paramref name="axis"/> of the batch tensor.</summary>
    /// <param name="axis">The axis of the (batch, …) tensors to join along; negative counts from the last (−1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="axis"/> is 0, the batch axis.</exception>
    public Concatenate(int axis = -1)
    {
        if (axis == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(axis), axis, "Concatenate cannot join along the batch axis 0; use 1 or above, or -1 for the last axis.");
        }

        Axis = axis;
    }

    /// <inheritdoc/>
    public static string ConfigTypeName => "Concatenate";

    /// <inheritdoc/>
    public override string TypeName => ConfigTypeName;

    /// <summary>The axis of the batch tensor joined along, as given (negative counts from the last).</summary>
    public int Axis { get; }

    /// <summary>Reads "axis", an integer other than 0.</summary>
    public static Layer FromConfig(LayerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        string text = config.Text("axis");
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int axis) && axis != 0
            ? new Concatenate(axis)
            : throw config.Error($"'axis' is '{text}', not an integer other than 0 (the batch axis)");
    }

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, string> GetConfig() => new Dictionary<string, string>
    {
        ["axis"] = Axis.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Joins a batch of each input; one mask (or null) per input; masks do not change the values.</summary>
    public override Tensor Forward(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks, bool training = false)
    {
        int batch = CheckInputs(inputs, sameLength: true);
        CheckMaskCount(inputs, masks);
        int steps = _axis != 0 && OutputShape.Length > 1 ? inputs[0].Shape[1] : 0;
        if (_shapesBatch != batch || _shapesSteps != steps)
        {
            _outputBatchShape = [batch, .. OutputShape];
            _inputBatchShapes = new int[InputShapes.Count][];
            for (int k = 0; k < _inputBatchShapes.Length; k++)
            {
                _inputBatchShapes[k] = [batch, .. InputShapes[k]];
                if (steps > 0)
                {
                    _inputBatchShapes[k][1] = steps;
                }
            }

            if (steps > 0)
            {
                _outputBatchShape[1] = steps;
            }

            (_shapesBatch, _shapesSteps) = (batch, steps);
        }

        var output = ResultTensor(ForwardResult, _outputBatchShape);
        int rows = inputs[0].Length / _inner[0];

        // x_k (rows, inner_k) → y (rows, Σ inner_k): each row of y is the inputs' rows one after another.
        var y = output.Data.AsSpan();
        int offset = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < _inner.Length; k++)
            {
                inputs[k].Data.AsSpan(r * _inner[k], _inner[k]).CopyTo(y.Slice(offset, _inner[k]));
                offset += _inner[k];
            }
        }

        _lastBatch = training ? batch : -1;
        return output;
    }

    /// <summary>dx_k is dy's slice along the axis where input k's values went.</summary>
    public override IReadOnlyList<Tensor> BackwardInputs(Tensor outputGradient)
    {
        ArgumentNullException.ThrowIfNull(outputGradient);
        if (_lastBatch < 0)
        {
            throw new InvalidOperationException("Concatenate Backward needs a Forward with training: true first.");
        }

        int rows = Tensor.ShapeLength(_outputBatchShape) / _innerTotal;
        if (!outputGradient.Shape.AsSpan().SequenceEqual(_outputBatchShape))
        {
            throw new ArgumentException(
                $"Concatenate output gradient must have shape {Tensor.FormatShape(_outputBatchShape)}, got {Tensor.FormatShape(outputGradient.Shape)}.",
                nameof(outputGradient));
        }

        _gradients ??= new Tensor[_inner.Length];
        for (int k = 0; k < _inner.Length; k++)
        {
            _gradients[k] = InputGradientTensor(k, _inputBatchShapes[k]);
        }

        var dy = outputGradient.Data.AsSpan();
        int offset = 0;
        for (int r = 0; r < rows; r++)
        {
            for (int k = 0; k < _inner.Length; k++)
            {
                dy.Slice(offset, _inner[k]).CopyTo(_gradients[k].Data.AsSpan(r * _inner[k], _inner[k]));
                offset += _inner[k];
            }
        }

        return _gradients;
    }

    /// <summary>
    /// Joined along the time axis: the inputs' (B, T_k) masks concatenated into (B, Σ T_k), all ones for an input
    /// without one; null when no input has a mask. Along another axis: <see cref="MultiInputLayer.ComputeMask"/>.
    /// </summary>
    public override Tensor? ComputeMask(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckMaskCount(inputs, masks);
        if (_axis != 0 || OutputShape.Length < 2)
        {
            return base.ComputeMask(inputs, masks);
        }

        if (masks.All(m => m is null))
        {
            return null;
        }

        int batch = inputs[0].Shape[0], steps = OutputShape[0];
        var combined = new Tensor(batch, steps);
        int start = 0;
        for (int k = 0; k < masks.Count; k++)
        {
            int length = InputShapes[k][0];
            var mask = masks[k];
            if (mask is not null && !mask.Shape.AsSpan().SequenceEqual([batch, length]))
            {
                throw new ArgumentException(
                    $"Concatenate input {k}'s mask must have shape {Tensor.FormatShape([batch, length])}, got {Tensor.FormatShape(mask.Shape)}.", nameof(masks));
            }

            for (int b = 0; b < batch; b++)
            {
                var destination = combined.Data.AsSpan((b * steps) + start, length);
                if (mask is null)
                {
                    destination.Fill(1f);
                }
                else
                {
                    mask.Data.AsSpan(b * length, length).CopyTo(destination);
                }
            }

            start += length;
        }

        return combined;
    }

    /// <summary>
    /// Joined along a feature axis, (batch, time, …) inputs take any one length (as in Keras); joined along time, the
    /// built lengths.
    /// </summary>
    protected override bool AcceptsAnySequenceLength => _axis != 0;

    /// <summary>Refuses fewer than two inputs, an axis the inputs do not have, and sizes that differ off the axis.</summary>
    protected override int[] BuildCore(IReadOnlyList<int[]> inputShapes, SeededRandom random)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count < 2)
        {
            throw new ArgumentException(
                $"Concatenate joins at least 2 inputs, got {inputShapes.Count}: call it on a list of tensors in a functional Model (a Sequential cannot hold it).",
                nameof(inputShapes));
        }

        var first = inputShapes[0];
        int rank = first.Length + 1;
        int axis = Axis < 0 ? Axis + rank : Axis;
        if (axis < 1 || axis >= rank)
        {
            throw new ArgumentException(
                $"Concatenate axis {Axis} is not a non-batch axis of its {rank}-axis inputs (batch, {string.Join(", ", first)}).", nameof(inputShapes));
        }

        _axis = axis - 1;
        var output = (int[])first.Clone();
        for (int k = 1; k < inputShapes.Count; k++)
        {
            var shape = inputShapes[k];
            bool ok = shape.Length == first.Length;
            for (int i = 0; ok && i < shape.Length; i++)
            {
                ok = i == _axis || shape[i] == first[i];
            }

            if (!ok)
            {
                throw new ArgumentException(
                    $"Concatenate along axis {Axis} needs inputs of one size on every other axis: input 0 is {Tensor.FormatShape(first)}, input {k} is {Tensor.FormatShape(shape)}.",
                    nameof(inputShapes));
            }

            output[_axis] += shape[_axis];
        }

        _inner = inputShapes.Select(s => Tensor.ShapeLength(s.AsSpan(_axis))).ToArray();
        _innerTotal = _inner.Sum();
        return output;
    }

    private static void CheckMaskCount(IReadOnlyList<Tensor> inputs, IReadOnlyList<Tensor?> masks)
    {
        ArgumentNullException.ThrowIfNull(masks);
        if (masks.Count != inputs.Count)
        {
            throw new ArgumentException($"Concatenate takes one mask (or null) per input: {inputs.Count} inputs, {masks.Count} masks.", nameof(masks));
        }
    }
}
