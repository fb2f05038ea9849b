using Gated.Layers.Recurrent;

namespace Gated.Tests.Reference;

/// <summary>
/// Keras's Bidirectional in double precision: y_f = forward(x), y_b = backward(x) where backward runs the other
/// way (its goBackwards flipped); with sequences y_b is flipped back along time so step t of both lines up.
/// merge: concat [y_f, y_b] on the last axis, sum y_f + y_b, mul y_f ⊙ y_b, average (y_f + y_b)/2.
/// </summary>
public sealed class ReferenceBidirectional(ReferenceRecurrent forward, ReferenceRecurrent backward, BidirectionalMerge merge)
{
    private double[] _forwardOutput = [], _backwardOutput = [];
    private int _batch, _steps;

    public ReferenceRecurrent ForwardLayer { get; } = forward;

    public ReferenceRecurrent BackwardLayer { get; } = backward;

    public BidirectionalMerge Merge { get; } = merge;

    public double[] InputGradient { get; private set; } = [];

    /// <summary>x (B, T, I) → (B, T, H or 2H) with sequences, else (B, H or 2H). Each direction has its own run (states, dropout masks).</summary>
    public double[] Forward(double[] x, int batch, int steps, ReferenceRun? forwardRun = null, ReferenceRun? backwardRun = null)
    {
        _batch = batch;
        _steps = steps;
        _forwardOutput = ForwardLayer.Forward(x, batch, steps, forwardRun);
        _backwardOutput = BackwardLayer.Forward(x, batch, steps, backwardRun);
        if (ForwardLayer.ReturnSequences)
        {
            _backwardOutput = FlipTime(_backwardOutput);
        }

        int H = ForwardLayer.Units, rows = _forwardOutput.Length / H;
        var merged = new double[Merge == BidirectionalMerge.Concat ? 2 * rows * H : rows * H];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < H; j++)
            {
                double f = _forwardOutput[(r * H) + j], b = _backwardOutput[(r * H) + j];
                switch (Merge)
                {
                    case BidirectionalMerge.Concat:
                        merged[(r * 2 * H) + j] = f;
                        merged[(r * 2 * H) + H + j] = b;
                        break;
                    case BidirectionalMerge.Sum:
                        merged[(r * H) + j] = f + b;
                        break;
                    case BidirectionalMerge.Mul:
                        merged[(r * H) + j] = f * b;
                        break;
                    default:
                        merged[(r * H) + j] = 0.5 * (f + b);
                        break;
                }
            }
        }

        return merged;
    }

    public void Backward(double[] dy)
    {
        int H = ForwardLayer.Units, rows = _forwardOutput.Length / H;
        var dForward = new double[rows * H];
        var dBackward = new double[rows * H];
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < H; j++)
            {
                int i = (r * H) + j;
                (dForward[i], dBackward[i]) = Merge switch
                {
                    BidirectionalMerge.Concat => (dy[(r * 2 * H) + j], dy[(r * 2 * H) + H + j]),
                    BidirectionalMerge.Sum => (dy[i], dy[i]),
                    BidirectionalMerge.Mul => (dy[i] * _backwardOutput[i], dy[i] * _forwardOutput[i]),
                    _ => (0.5 * dy[i], 0.5 * dy[i]),
                };
            }
        }

        ForwardLayer.Backward(dForward);
        BackwardLayer.Backward(ForwardLayer.ReturnSequences ? FlipTime(dBackward) : dBackward);
        InputGradient = ForwardLayer.InputGradient.Zip(BackwardLayer.InputGradient, (a, b) => a + b).ToArray();
    }

    private double[] FlipTime(double[] sequence)
    {
        int features = sequence.Length / (_batch * _steps);
        var flipped = new double[sequence.Length];
        for (int b = 0; b < _batch; b++)
        {
            for (int t = 0; t < _steps; t++)
            {
                Array.Copy(sequence, ((b * _steps) + t) * features, flipped, ((b * _steps) + _steps - 1 - t) * features, features);
            }
        }

        return flipped;
    }
}
