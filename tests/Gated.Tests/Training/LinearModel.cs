using Gated.Tensors;
using Gated.Training;

namespace Gated.Tests.Training;

/// <summary>
/// y = x·w + b for x (N, F), y (N, 1): a model that is not a Sequential, written out by hand so a
/// <see cref="Trainer"/>'s steps can be checked with pencil and paper. Parameters are [w₀ … w_{F−1}, b].
/// </summary>
internal sealed class LinearModel(int features) : ITrainableModel
{
    private readonly float[] _parameters = new float[features + 1];
    private readonly float[] _gradients = new float[features + 1];
    private readonly int[] _outputShape = [0, 1];
    private Tensor? _input;

    public Span<float> ParameterValues => _parameters;

    public Span<float> ParameterGradients => _gradients;

    public Tensor Forward(Tensor x, bool training)
    {
        _input = x;
        var y = new Tensor(x.Shape[0], 1);
        for (int n = 0; n < x.Shape[0]; n++)
        {
            float sum = _parameters[features];
            for (int f = 0; f < features; f++)
            {
                sum += x[n, f] * _parameters[f];
            }

            y[n, 0] = sum;
        }

        return y;
    }

    public void Backward(Tensor outputGradient)
    {
        var x = _input!;
        for (int n = 0; n < x.Shape[0]; n++)
        {
            float dy = outputGradient[n, 0];
            for (int f = 0; f < features; f++)
            {
                _gradients[f] += dy * x[n, f];
            }

            _gradients[features] += dy;
        }
    }

    public void CheckInputs(Tensor x, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(x, parameterName);
        if (x.Rank != 2 || x.Shape[1] != features)
        {
            throw new ArgumentException($"Expected (samples, {features}), got {Tensor.FormatShape(x.Shape)}.", parameterName);
        }
    }

    public ReadOnlySpan<int> OutputShapeOf(Tensor x)
    {
        _outputShape[0] = x.Shape[0];
        return _outputShape;
    }
}
