namespace Gated.Tests.Reference;

/// <summary>
/// The GRU of DESIGN.md written the slow, obvious way in double precision, one unit at a time, under the shared
/// reference time loop (so goBackwards, masks, lengths, final-state gradients and dropout are checked too). With recurrent dropout the
/// kernels see h_r = h ⊙ m_h while the state mix keeps the undropped h (Keras):
///     z = σ(W_z x + b_z + U_z h_r [+ b_hz]),  r = σ(W_r x + b_r + U_r h_r [+ b_hr])
///     n = tanh(W_n x + b_n + r ⊙ (U_n h_r + b_hn))   reset after;   tanh(W_n x + b_n + U_n (r ⊙ h_r))   reset before
///     h' = z ⊙ h + (1 − z) ⊙ n
/// Weights in Gated's layout (gate blocks z, r, n); recurrent_bias for reset after only.
/// </summary>
public sealed class ReferenceGru(int inputSize, int units, IReadOnlyDictionary<string, double[]> weights, bool resetAfter = true, bool returnSequences = true, bool goBackwards = false)
    : ReferenceRecurrent(inputSize, units, 3, 1, returnSequences, goBackwards, weights)
{
    private const int Z = 0, R = 1, N = 2;

    public bool ResetAfter { get; } = resetAfter;

    protected override object StepForward(double[] x, double[] previous, double[] recurrentInput, double[] next)
    {
        int H = Units;
        var c = new Cache(x, recurrentInput, previous[..H], new double[H], new double[H], new double[H], new double[H]);
        for (int j = 0; j < H; j++)
        {
            double az = InputPart(x, Z, j) + RecurrentPart(recurrentInput, Z, j);
            double ar = InputPart(x, R, j) + RecurrentPart(recurrentInput, R, j);
            if (ResetAfter)
            {
                az += W("recurrent_bias")[(Z * H) + j];
                ar += W("recurrent_bias")[(R * H) + j];
            }

            c.Z[j] = Sigmoid(az);
            c.R[j] = Sigmoid(ar);
        }

        // Reset before needs all of r before any n.
        var resetState = new double[H];
        for (int k = 0; k < H; k++)
        {
            resetState[k] = c.R[k] * recurrentInput[k];
        }

        for (int j = 0; j < H; j++)
        {
            double an = InputPart(x, N, j);
            if (ResetAfter)
            {
                c.RecurrentCandidate[j] = RecurrentPart(recurrentInput, N, j) + W("recurrent_bias")[(N * H) + j];
                an += c.R[j] * c.RecurrentCandidate[j];
            }
            else
            {
                an += RecurrentPart(resetState, N, j);
            }

            c.N[j] = Math.Tanh(an);
            next[j] = (c.Z[j] * c.HPrevious[j]) + ((1 - c.Z[j]) * c.N[j]);
        }

        return c;
    }

    protected override void StepBackward(object state, double[] dNext, double[] dx, double[] dPrevious, double[] dRecurrentInput)
    {
        var c = (Cache)state;
        int H = Units;
        var dz = new double[H];
        var dn = new double[H];
        for (int j = 0; j < H; j++)
        {
            dz[j] = dNext[j] * (c.HPrevious[j] - c.N[j]) * c.Z[j] * (1 - c.Z[j]);
            dn[j] = dNext[j] * (1 - c.Z[j]) * (1 - (c.N[j] * c.N[j]));
            dPrevious[j] = dNext[j] * c.Z[j];
        }

        var dr = new double[H];
        if (ResetAfter)
        {
            var drb = Grad("recurrent_bias");
            for (int j = 0; j < H; j++)
            {
                dr[j] = dn[j] * c.RecurrentCandidate[j] * c.R[j] * (1 - c.R[j]);
                double dCandidate = dn[j] * c.R[j];
                BackRecurrentPart(c.RecurrentInput, N, j, dCandidate, dRecurrentInput);
                drb[(Z * H) + j] += dz[j];
                drb[(R * H) + j] += dr[j];
                drb[(N * H) + j] += dCandidate;
            }
        }
        else
        {
            var resetState = new double[H];
            var dResetState = new double[H];
            for (int k = 0; k < H; k++)
            {
                resetState[k] = c.R[k] * c.RecurrentInput[k];
            }

            for (int j = 0; j < H; j++)
            {
                BackRecurrentPart(resetState, N, j, dn[j], dResetState);
            }

            for (int k = 0; k < H; k++)
            {
                dr[k] = dResetState[k] * c.RecurrentInput[k] * c.R[k] * (1 - c.R[k]);
                dRecurrentInput[k] += dResetState[k] * c.R[k];
            }
        }

        for (int j = 0; j < H; j++)
        {
            BackRecurrentPart(c.RecurrentInput, Z, j, dz[j], dRecurrentInput);
            BackRecurrentPart(c.RecurrentInput, R, j, dr[j], dRecurrentInput);
            BackInputPart(c.X, Z, j, dz[j], dx);
            BackInputPart(c.X, R, j, dr[j], dx);
            BackInputPart(c.X, N, j, dn[j], dx);
        }
    }

    private sealed record Cache(double[] X, double[] RecurrentInput, double[] HPrevious, double[] Z, double[] R, double[] N, double[] RecurrentCandidate);
}
