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

    public int InputCount => 1;

    public IReadOnlyList<string> OutputNames { get; } = ["y"];

    public IReadOnlyList<Tensor> Forward(IReadOnlyList<Tensor> inputs, bool training) => [Forward(inputs[0])];

    public void Backward(IReadOnlyList<Tensor> outputGradients) => Backward(outputGradients[0]);

    public void CheckInputs(IReadOnlyList<Tensor> inputs, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(inputs, parameterName);
        if (inputs.Count != 1)
        {
            throw new ArgumentException($"One input, got {inputs.Count}.", parameterName);
        }

        CheckInputs(inputs[0], parameterName);
    }

    public ReadOnlySpan<int> OutputShapeOf(IReadOnlyList<Tensor> inputs, int output)
    {
        _outputShape[0] = inputs[0].Shape[0];
        return _outputShape;
    }

    private Tensor Forward(Tensor x)
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

    private void Backward(Tensor outputGradient)
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

    private void CheckInputs(Tensor x, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(x, parameterName);
        if (x.Rank != 2 || x.Shape[1] != features)
        {
            throw new ArgumentException($"Expected (samples, {features}), got {Tensor.FormatShape(x.Shape)}.", parameterName);
        }
    }
}
