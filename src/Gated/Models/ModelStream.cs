using Gated.Layers;
using Gated.Layers.Recurrent;
using Gated.Tensors;

namespace Gated.Models;

/// <summary>
/// Advances a batch of sequences through a whole model one timestep at a time (real-time inference), with states of
/// its own and no allocation per step. Per step: an Embedding looks up each sequence's token; a recurrent layer (GRU,
/// LSTM, SimpleRNN, returning sequences or not) takes one step of its <see cref="RecurrentStream"/>; Dense, Activation,
/// TimeDistributed and MonotoneQuantiles run on the step's (batch, features); Dropout passes it on. Created by
/// <see cref="Predictor.CreateStream"/> or <see cref="Sequential.CreateStream"/>.
/// </summary>
/// <remarks>
/// The output at step t is the model's output on the sequences' first t + 1 steps (for a model whose last recurrent
/// layer returns only its last step), or row t of the model's output (for one that returns sequences), to float
/// rounding: a step takes its input projection for one step, the model's Predict for all steps at once. With an
/// Embedding(maskZero), token 0 is padding as in Predict: the recurrent states are carried through it. A stream has
/// layers of its own that read the model's weights, so streams of one predictor may step on different threads at
/// once; one stream is stepped by one thread at a time. A step holds the model's read lock (see <see cref="Predictor"/>).
/// </remarks>
public sealed class ModelStream
{
    private readonly Sequential _model;
    private readonly StepRunner[] _steps;
    private readonly float[] _input;
    private readonly bool[] _valid;
    private readonly float[] _output;

    internal ModelStream(Predictor predictor, int batch)
    {
        _model = predictor.Model;
        Batch = batch;
        var layers = LayerChain.Share(_model.Layers);
        var steps = new List<StepRunner>();
        InputSize = layers[0] is Embedding ? 1 : PerStep(_model.InputShape);
        _input = new float[batch * InputSize];
        _valid = new bool[batch];
        Array.Fill(_valid, true);
        float[] current = _input;
        int size = InputSize;
        bool masked = false;
        for (int i = 0; i < layers.Length; i++)
        {
            var step = Plan(layers[i], i, batch, current, size, ref masked);
            if (step is null)
            {
                continue;
            }

            steps.Add(step);
            current = step.Output;
            size = step.OutputSize;
        }

        _steps = [.. steps];
        OutputSize = size;
        _output = current;
    }

    /// <summary>B, the number of sequences advanced together.</summary>
    public int Batch { get; }

    /// <summary>Values per sequence per step: its features, or 1 (a token index) for a model that starts with an Embedding.</summary>
    public int InputSize { get; }

    /// <summary>Values per sequence per step that the last layer gives.</summary>
    public int OutputSize { get; }

    /// <summary>Feeds one step of every sequence: input (Batch, InputSize); writes the model's step output (Batch, OutputSize).</summary>
    /// <exception cref="ArgumentException">A span's length is not Batch × its size.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A token index is not an integer in the Embedding's vocabulary.</exception>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        if (input.Length != Batch * InputSize)
        {
            throw new ArgumentException($"Input must hold batch × input size = {Batch * InputSize} values, got {input.Length}.", nameof(input));
        }

        if (output.Length != Batch * OutputSize)
        {
            throw new ArgumentException($"Output must hold batch × output size = {Batch * OutputSize} values, got {output.Length}.", nameof(output));
        }

        input.CopyTo(_input);
        var weights = _model.Trainer.WeightsLock;
        weights.EnterReadLock();
        try
        {
            foreach (var step in _steps)
            {
                step.Run(_valid);
            }
        }
        finally
        {
            weights.ExitReadLock();
        }

        _output.AsSpan(0, output.Length).CopyTo(output);
    }

    /// <summary>Sets every recurrent state back to zero, to start new sequences.</summary>
    public void Reset()
    {
        foreach (var step in _steps)
        {
            step.Reset();
        }
    }

    /// <summary>The batch and sizes, e.g. "ModelStream(batch 4, 3 → 1 per step)".</summary>
    public override string ToString() => $"ModelStream(batch {Batch}, {InputSize} → {OutputSize} per step)";

    // Values per sample per step of a per-sample shape: all of it without a time axis, the rest after it with one.
    private static int PerStep(int[] shape) => shape.Length >= 2 ? Tensor.ShapeLength(shape[1..]) : Tensor.ShapeLength(shape);

    // The step that runs layer i on `input` ((batch, size) values), or null for a layer that passes it on.
    private static StepRunner? Plan(Layer layer, int index, int batch, float[] input, int size, ref bool masked)
    {
        switch (layer)
        {
            case Embedding embedding when index == 0:
                masked = embedding.MaskZero;
                return new EmbeddingStep(embedding, batch, input);
            case Bidirectional:
                throw new NotSupportedException($"Layer {index} ({layer.TypeName}, Bidirectional) cannot run one step at a time: its backward half reads the sequence from its end.");
            case RecurrentLayer recurrent when recurrent.Options.GoBackwards:
                throw new NotSupportedException($"Layer {index} ({layer.TypeName}) reads its sequence from the end (go_backwards), so it cannot run one step at a time.");
            case RecurrentLayer recurrent:
                CheckSize(layer, index, recurrent.InputShape[1], size);
                var step = new RecurrentStep(recurrent, batch, input, masked);
                masked &= recurrent.ReturnSequences;
                return step;
            case Dropout:
                return null;
            case TimeDistributed distributed:
                return LayerStep.Create(distributed.Inner, index, batch, input, size, distributed.Inner.InputShape, distributed.Inner.OutputShape);
            case Dense or Activation or MonotoneQuantiles:
                return LayerStep.Create(layer, index, batch, input, size, layer.InputShape, layer.OutputShape);
            default:
                throw new NotSupportedException($"Layer {index} ({layer.TypeName}) cannot run one step at a time.");
        }
    }

    private static void CheckSize(Layer layer, int index, int expected, int size)
    {
        if (expected != size)
        {
            throw new NotSupportedException($"Layer {index} ({layer.TypeName}) takes {expected} values per step but the layer before gives {size}.");
        }
    }

    // One layer's part of a stream step: reads the previous step's Output (or the stream's input), writes its own.
    private abstract class StepRunner(float[] output, int outputSize)
    {
        public float[] Output { get; } = output;

        public int OutputSize { get; } = outputSize;

        public abstract void Run(bool[] valid);

        public virtual void Reset()
        {
        }
    }

    // Token index → embedding row; token 0 of a maskZero Embedding marks the sequence's step as padding.
    private sealed class EmbeddingStep(Embedding layer, int batch, float[] input) : StepRunner(new float[batch * layer.OutputDim], layer.OutputDim)
    {
        public override void Run(bool[] valid)
        {
            int d = layer.OutputDim;
            for (int b = 0; b < valid.Length; b++)
            {
                float token = input[b];
                // The negated test also rejects NaN.
                if (!(token >= 0f && token < layer.InputDim && token == MathF.Floor(token)))
                {
                    throw new ArgumentOutOfRangeException(
                        nameof(input), token, $"Token of sequence {b} must be an integer in [0, {layer.InputDim}) for the Embedding's vocabulary.");
                }

                valid[b] = !layer.MaskZero || token != 0f;
                layer.CopyRow((int)token, Output.AsSpan(b * d, d));
            }
        }
    }

    // One step of a recurrent layer's stream. Padded sequences keep their states, and output zeros (sequences) or
    // their last real state (last step only), as the layer does for a masked step in Predict.
    private sealed class RecurrentStep : StepRunner
    {
        private readonly RecurrentLayer _layer;
        private readonly RecurrentStream _stream;
        private readonly float[] _input;
        private readonly bool _masked;
        private readonly float[][] _held;

        public RecurrentStep(RecurrentLayer layer, int batch, float[] input, bool masked)
            : base(new float[batch * layer.Units], layer.Units)
        {
            _layer = layer;
            _stream = layer.CreateStream(batch);
            _input = input;
            _masked = masked;
            _held = masked ? [.. Enumerable.Range(0, layer.StateCount).Select(_ => new float[batch * layer.Units])] : [];
        }

        public override void Run(bool[] valid)
        {
            int h = _layer.Units;
            bool padding = _masked && Array.IndexOf(valid, false) >= 0;
            if (padding)
            {
                for (int k = 0; k < _held.Length; k++)
                {
                    _stream.State(k).CopyTo(_held[k]);
                }
            }

            _stream.Step(_input, Output);
            if (!padding)
            {
                return;
            }

            for (int b = 0; b < valid.Length; b++)
            {
                if (valid[b])
                {
                    continue;
                }

                for (int k = 0; k < _held.Length; k++)
                {
                    _held[k].AsSpan(b * h, h).CopyTo(_stream.State(k).Slice(b * h, h));
                }

                var row = Output.AsSpan(b * h, h);
                if (_layer.ReturnSequences)
                {
                    row.Clear();
                }
                else
                {
                    _held[0].AsSpan(b * h, h).CopyTo(row);
                }
            }
        }

        public override void Reset() => _stream.Reset();
    }

    // A layer that acts on each step alone, run through its Forward on its own copy (reusing its result tensor) with
    // the step as (batch, 1, ...) where the layer has a time axis, (batch, ...) otherwise.
    private sealed class LayerStep(Layer layer, Tensor input, int outputSize) : StepRunner(new float[input.Shape[0] * outputSize], outputSize)
    {
        public static LayerStep Create(Layer layer, int index, int batch, float[] input, int size, int[] inputShape, int[] outputShape)
        {
            bool timed = inputShape.Length >= 2;
            if (timed && inputShape[0] != 1 && !layer.AcceptsVariableTime)
            {
                throw new NotSupportedException($"Layer {index} ({layer.TypeName}) takes a fixed sequence length, so it cannot run one step at a time.");
            }

            CheckSize(layer, index, PerStep(inputShape), size);
            int[] shape = timed ? [batch, 1, .. inputShape[1..]] : [batch, .. inputShape];
            layer.ReusesResults = true;
            return new LayerStep(layer, new Tensor(input, shape), PerStep(outputShape));
        }

        public override void Run(bool[] valid)
        {
            var y = layer.Forward(input, training: false);
            y.Data.AsSpan(0, Output.Length).CopyTo(Output);
        }
    }
}
