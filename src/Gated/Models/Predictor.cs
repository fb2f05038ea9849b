using Gated.Layers;
using Gated.Tensors;

namespace Gated.Models;

/// <summary>
/// Inference on a model from one thread at a time, beside any number of other predictors of the same model on other
/// threads. Created by <see cref="Sequential.CreatePredictor"/>: its layers are copies of the model's, with workspaces of
/// their own, whose parameters are views of the model's weights (nothing is copied), so it always sees the weights as
/// they are now, training included; results are the bits <see cref="Sequential.Predict"/> gives.
/// </summary>
/// <remarks>
/// One predictor serves one thread at a time (its workspaces are reused from call to call); use one per thread, or let
/// <see cref="Sequential.Predict"/> pick one from its pool. Each call holds the model's read lock, so a training step
/// running on another thread is seen whole or not at all. Stateful recurrent layers carry states of the predictor's own.
/// </remarks>
public sealed class Predictor
{
    private readonly Sequential _model;
    private readonly Layer[] _layers;
    private readonly int _inputSize;
    private readonly int _outputSize;
    private Tensor? _batch;

    internal Predictor(Sequential model)
    {
        _model = model;
        _layers = LayerChain.Share(model.Layers);
        InputShape = (int[])model.InputShape.Clone();
        OutputShape = (int[])model.OutputShape.Clone();
        _inputSize = Tensor.ShapeLength(InputShape);
        _outputSize = Tensor.ShapeLength(OutputShape);
    }

    /// <summary>Per-sample input shape (no batch axis), the model's.</summary>
    public int[] InputShape { get; }

    /// <summary>Per-sample output shape (no batch axis), the model's.</summary>
    public int[] OutputShape { get; }

    /// <summary>The predictor's own copies of the model's layers, which read the model's weights.</summary>
    internal IReadOnlyList<Layer> Layers => _layers;

    /// <summary>The model whose weights this predictor reads.</summary>
    internal Sequential Model => _model;

    /// <summary>Runs the model on x (N, ...) in batches; returns (N, ...output), bit for bit what <see cref="Sequential.Predict"/> returns.</summary>
    public Tensor Predict(Tensor x, int batchSize = 32)
    {
        var weights = _model.Trainer.WeightsLock;
        weights.EnterReadLock();
        try
        {
            return LayerChain.Predict(_layers, InputShape, x, batchSize, nameof(x));
        }
        finally
        {
            weights.ExitReadLock();
        }
    }

    /// <summary>
    /// Runs the model on <paramref name="samples"/> samples laid out one after another (each <see cref="InputShape"/>,
    /// row-major) and writes their outputs (each <see cref="OutputShape"/>) to <paramref name="output"/>. The samples run
    /// as one batch: the bits of <see cref="Predict(Tensor, int)"/> with batchSize = samples. Once a call of this many
    /// samples has run, it allocates nothing (for models without masks: an Embedding with maskZero builds its mask).
    /// </summary>
    /// <param name="input">samples × prod(InputShape) values; token indices for an Embedding model.</param>
    /// <param name="samples">How many samples; 0 does nothing.</param>
    /// <param name="output">samples × prod(OutputShape) values, overwritten.</param>
    /// <exception cref="ArgumentException">A span's length does not match <paramref name="samples"/>.</exception>
    public void Predict(ReadOnlySpan<float> input, int samples, Span<float> output)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samples);
        if (input.Length != (long)samples * _inputSize)
        {
            throw new ArgumentException($"Input must hold samples × {_inputSize} = {(long)samples * _inputSize} values, got {input.Length}.", nameof(input));
        }

        if (output.Length != (long)samples * _outputSize)
        {
            throw new ArgumentException($"Output must hold samples × {_outputSize} = {(long)samples * _outputSize} values, got {output.Length}.", nameof(output));
        }

        var weights = _model.Trainer.WeightsLock;
        weights.EnterReadLock();
        try
        {
            if (samples > 0)
            {
                var batch = Batch(samples);
                input.CopyTo(batch.Data);
                var y = LayerChain.Forward(_layers, batch, training: false);
                y.Data.AsSpan(0, output.Length).CopyTo(output);
            }
        }
        finally
        {
            weights.ExitReadLock();
        }
    }

    /// <summary>A stream that advances <paramref name="batch"/> sequences through the whole model one step at a time; see <see cref="ModelStream"/>.</summary>
    /// <param name="batch">How many sequences advance together.</param>
    /// <exception cref="NotSupportedException">A layer cannot run one step at a time (Bidirectional, go_backwards); the message names it.</exception>
    public ModelStream CreateStream(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        return new ModelStream(this, batch);
    }

    // A (count, InputShape...) tensor kept for calls of this many samples.
    private Tensor Batch(int count)
    {
        if (_batch is null || _batch.Shape[0] != count)
        {
            _batch = new Tensor([count, .. InputShape]);
        }

        return _batch;
    }
}
