namespace Gated.Serialization.Onnx;

/// <summary>
/// One of ONNX's activation functions for GRU, LSTM and RNN (the operators' "activations" attribute), with its alpha and
/// beta. Defaults are those of the ONNX operators of the same name; Affine and ScaledTanh, which have none, take 1 and 0
/// (Affine: x) and 1 and 1 (ScaledTanh: tanh x).
/// </summary>
internal readonly record struct OnnxActivation(string Name, double Alpha, double Beta)
{
    /// <summary>The names ONNX defines, as the operator spec spells them (read case-insensitively).</summary>
    public static readonly string[] Names =
        ["Relu", "Tanh", "Sigmoid", "Affine", "LeakyRelu", "ThresholdedRelu", "ScaledTanh", "HardSigmoid", "Elu", "Softsign", "Softplus"];

    /// <summary>The function at <paramref name="x"/>.</summary>
    public double Apply(double x) => Name switch
    {
        "Relu" => Math.Max(x, 0),
        "Tanh" => Math.Tanh(x),
        "Sigmoid" => 1 / (1 + Math.Exp(-x)),
        "Affine" => (Alpha * x) + Beta,
        "LeakyRelu" => x >= 0 ? x : Alpha * x,
        "ThresholdedRelu" => x > Alpha ? x : 0,
        "ScaledTanh" => Alpha * Math.Tanh(Beta * x),
        "HardSigmoid" => Math.Clamp((Alpha * x) + Beta, 0, 1),
        "Elu" => x >= 0 ? x : Alpha * (Math.Exp(x) - 1),
        "Softsign" => x / (1 + Math.Abs(x)),
        _ => Math.Log(1 + Math.Exp(x)), // Softplus
    };

    /// <summary>
    /// The node's activations, <paramref name="defaults"/>.Length for each of <paramref name="directions"/> (f, g[, h] of
    /// direction 0, then of direction 1); the defaults when <paramref name="names"/> is null. A bidirectional node that
    /// names one direction's functions uses them for both. alpha and beta values are consumed in order by the functions
    /// that take them, as ONNX Runtime does; a function left without one takes its default. Null with
    /// <paramref name="problem"/> set when a name is not ONNX's or the count is wrong.
    /// </summary>
    public static OnnxActivation[]? Parse(
        string[] defaults, int directions, IReadOnlyList<string>? names, IReadOnlyList<float> alphas, IReadOnlyList<float> betas, out string problem)
    {
        problem = "";
        int count = defaults.Length;
        var given = names is null ? [.. Enumerable.Repeat(defaults, directions).SelectMany(n => n)] : names.ToList();
        if (given.Count == count && directions == 2)
        {
            given = [.. given, .. given];
        }

        if (given.Count != count * directions)
        {
            problem = $"attribute 'activations' holds {given.Count} names; the node takes {count} per direction";
            return null;
        }

        var result = new OnnxActivation[given.Count];
        int a = 0, b = 0;
        for (int i = 0; i < given.Count; i++)
        {
            string? name = Array.Find(Names, n => n.Equals(given[i], StringComparison.OrdinalIgnoreCase));
            if (name is null)
            {
                problem = $"attribute 'activations' names '{given[i]}', which is not an ONNX activation function ({string.Join(", ", Names)})";
                return null;
            }

            (double alpha, double beta, bool takesAlpha, bool takesBeta) = name switch
            {
                "Affine" => (1.0, 0.0, true, true),
                "LeakyRelu" => (0.01, 0.0, true, false),
                "ThresholdedRelu" => (1.0, 0.0, true, false),
                "ScaledTanh" => (1.0, 1.0, true, true),
                "HardSigmoid" => (0.2, 0.5, true, true),
                "Elu" => (1.0, 0.0, true, false),
                _ => (0.0, 0.0, false, false),
            };
            if (takesAlpha && a < alphas.Count)
            {
                alpha = alphas[a++];
            }

            if (takesBeta && b < betas.Count)
            {
                beta = betas[b++];
            }

            result[i] = new OnnxActivation(name, alpha, beta);
        }

        return result;
    }
}

/// <summary>
/// ONNX's GRU, LSTM and RNN equations (onnx.ai/onnx/operators/onnx__GRU.html, onnx__LSTM.html, onnx__RNN.html) written
/// out plainly, one step at a time, for the single-node graphs Gated's layers cannot express: <c>clip</c>, any
/// activations with their alpha and beta, LSTM peepholes and <c>input_forget</c>. Sums and activations run in double
/// (ONNX Runtime sums in float; the two agree to about 1e-6); results are stored as float. Slow and obvious on purpose:
/// graphs the layers can express run on the layers.
/// </summary>
internal sealed class OnnxRecurrenceReference
{
    private readonly string _op;
    private readonly int _hidden, _inputSize, _gates;
    private readonly float[] _w, _r, _b;
    private readonly float[]? _p;
    private readonly double _clip;
    private readonly bool _inputForget, _linearBeforeReset;
    private readonly OnnxActivation[] _activations;

    /// <summary>
    /// W (D, G·H, I), R (D, G·H, H), B (D, 2·G·H) as ONNX stores them (gates z r h for GRU, i o f c for LSTM);
    /// P (D, 3·H), peepholes i o f, or null; clip ≤ 0 or infinite for none; activations per direction, in order.
    /// </summary>
    public OnnxRecurrenceReference(
        string op, int hidden, int inputSize, float[] w, float[] r, float[] b, float[]? p, float clip, bool inputForget, bool linearBeforeReset,
        OnnxActivation[] activations)
    {
        _op = op;
        _hidden = hidden;
        _inputSize = inputSize;
        _gates = op switch { "GRU" => 3, "LSTM" => 4, _ => 1 };
        _w = w;
        _r = r;
        _b = b;
        _p = p;
        _clip = clip > 0 ? clip : double.PositiveInfinity;
        _inputForget = inputForget;
        _linearBeforeReset = linearBeforeReset;
        _activations = activations;
    }

    /// <summary>
    /// Runs direction <paramref name="k"/> over x (B,T,I) from h0 and c0 (B,H) (c0 null but for LSTM). Returns y (B,T,H) in
    /// the input's step order (zero past each row's length) and the final h and c (B,H; c null but for LSTM).
    /// </summary>
    public (float[] Y, float[] H, float[]? C) Run(int k, bool backwards, float[] x, int batch, int steps, int[]? lengths, float[] h0, float[]? c0)
    {
        int hs = _hidden;
        var y = new float[batch * steps * hs];
        var hT = new float[batch * hs];
        var cT = c0 is null ? null : new float[batch * hs];
        var h = new double[hs];
        var c = new double[hs];
        for (int row = 0; row < batch; row++)
        {
            for (int j = 0; j < hs; j++)
            {
                h[j] = h0[(row * hs) + j];
                c[j] = c0 is null ? 0 : c0[(row * hs) + j];
            }

            int valid = lengths?[row] ?? steps;
            for (int n = 0; n < valid; n++)
            {
                int t = backwards ? valid - 1 - n : n;
                var xt = x.AsSpan(((row * steps) + t) * _inputSize, _inputSize);
                switch (_op)
                {
                    case "GRU": GruStep(k, xt, h); break;
                    case "LSTM": LstmStep(k, xt, h, c); break;
                    default: RnnStep(k, xt, h); break;
                }

                for (int j = 0; j < hs; j++)
                {
                    y[(((row * steps) + t) * hs) + j] = (float)h[j];
                }
            }

            for (int j = 0; j < hs; j++)
            {
                hT[(row * hs) + j] = (float)h[j];
                if (cT is not null)
                {
                    cT[(row * hs) + j] = (float)c[j];
                }
            }
        }

        return (y, hT, cT);
    }

    // GRU, gates z r h:
    //   zt = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz)
    //   rt = f(Xt·Wrᵀ + Ht-1·Rrᵀ + Wbr + Rbr)
    //   ht = g(Xt·Whᵀ + (rt ⊙ Ht-1)·Rhᵀ + Rbh + Wbh)      linear_before_reset = 0
    //   ht = g(Xt·Whᵀ + rt ⊙ (Ht-1·Rhᵀ + Rbh) + Wbh)      linear_before_reset = 1
    //   Ht = (1 − zt) ⊙ ht + zt ⊙ Ht-1
    private void GruStep(int k, ReadOnlySpan<float> x, double[] h)
    {
        int hs = _hidden;
        var f = _activations[2 * k];
        var g = _activations[(2 * k) + 1];
        var z = new double[hs];
        var r = new double[hs];
        var rh = new double[hs];
        for (int j = 0; j < hs; j++)
        {
            z[j] = f.Apply(Clip(InputPart(k, 0, j, x) + RecurrentPart(k, 0, j, h)));
            r[j] = f.Apply(Clip(InputPart(k, 1, j, x) + RecurrentPart(k, 1, j, h)));
            rh[j] = r[j] * h[j];
        }

        var next = new double[hs];
        for (int j = 0; j < hs; j++)
        {
            double candidate = _linearBeforeReset
                ? g.Apply(Clip(InputPart(k, 2, j, x) + (r[j] * RecurrentPart(k, 2, j, h))))
                : g.Apply(Clip(InputPart(k, 2, j, x) + RecurrentPart(k, 2, j, rh)));
            next[j] = ((1 - z[j]) * candidate) + (z[j] * h[j]);
        }

        next.CopyTo(h, 0);
    }

    // LSTM, gates i o f c, peepholes i o f:
    //   it = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi ⊙ Ct-1 + Wbi + Rbi)
    //   ft = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf ⊙ Ct-1 + Wbf + Rbf)      ft = 1 − it when input_forget = 1
    //   ct = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
    //   Ct = ft ⊙ Ct-1 + it ⊙ ct
    //   ot = f(Xt·Woᵀ + Ht-1·Roᵀ + Po ⊙ Ct + Wbo + Rbo)
    //   Ht = ot ⊙ h(Ct)
    private void LstmStep(int k, ReadOnlySpan<float> x, double[] h, double[] c)
    {
        int hs = _hidden;
        var f = _activations[3 * k];
        var g = _activations[(3 * k) + 1];
        var hAct = _activations[(3 * k) + 2];
        var nextH = new double[hs];
        for (int j = 0; j < hs; j++)
        {
            double input = f.Apply(Clip(InputPart(k, 0, j, x) + RecurrentPart(k, 0, j, h) + (Peephole(k, 0, j) * c[j])));
            double forget = _inputForget ? 1 - input : f.Apply(Clip(InputPart(k, 2, j, x) + RecurrentPart(k, 2, j, h) + (Peephole(k, 2, j) * c[j])));
            double candidate = g.Apply(Clip(InputPart(k, 3, j, x) + RecurrentPart(k, 3, j, h)));
            double cell = (forget * c[j]) + (input * candidate);
            double output = f.Apply(Clip(InputPart(k, 1, j, x) + RecurrentPart(k, 1, j, h) + (Peephole(k, 1, j) * cell)));
            c[j] = cell;
            nextH[j] = output * hAct.Apply(cell);
        }

        nextH.CopyTo(h, 0);
    }

    // RNN: Ht = f(Xt·Wiᵀ + Ht-1·Riᵀ + Wbi + Rbi)
    private void RnnStep(int k, ReadOnlySpan<float> x, double[] h)
    {
        var f = _activations[k];
        var next = new double[_hidden];
        for (int j = 0; j < _hidden; j++)
        {
            next[j] = f.Apply(Clip(InputPart(k, 0, j, x) + RecurrentPart(k, 0, j, h)));
        }

        next.CopyTo(h, 0);
    }

    /// <summary>clip bounds every gate's pre-activation to [−clip, clip] before its activation (ONNX: "applied to the input of activations").</summary>
    private double Clip(double v) => Math.Clamp(v, -_clip, _clip);

    /// <summary>Xt·W[gate, unit]ᵀ + Wb[gate, unit] of direction k.</summary>
    private double InputPart(int k, int gate, int unit, ReadOnlySpan<float> x)
    {
        int gh = _gates * _hidden, row = (gate * _hidden) + unit;
        var w = _w.AsSpan(((k * gh) + row) * _inputSize, _inputSize);
        double sum = _b[(k * 2 * gh) + row];
        for (int i = 0; i < _inputSize; i++)
        {
            sum += (double)w[i] * x[i];
        }

        return sum;
    }

    /// <summary>s·R[gate, unit]ᵀ + Rb[gate, unit] of direction k.</summary>
    private double RecurrentPart(int k, int gate, int unit, double[] s)
    {
        int gh = _gates * _hidden, row = (gate * _hidden) + unit;
        var r = _r.AsSpan(((k * gh) + row) * _hidden, _hidden);
        double sum = _b[(k * 2 * gh) + gh + row];
        for (int i = 0; i < _hidden; i++)
        {
            sum += r[i] * s[i];
        }

        return sum;
    }

    private double Peephole(int k, int gate, int unit) => _p is null ? 0 : _p[(k * 3 * _hidden) + (gate * _hidden) + unit];
}
