namespace Gated.Tests.Reference;

/// <summary>
/// Keras's Attention ("dot", "concat") and AdditiveAttention in double precision, the slow obvious way, one sample and
/// one query step at a time. query (B, Tq, dim), value (B, Tv, dv), key (B, Tv, dim) or the value; masks (B, T) of 1/0.
///     dot       s_ij = scale · Σ_d q_id k_jd
///     concat    s_ij = c · Σ_d tanh(scale · (q_id + k_jd))
///     additive  s_ij = Σ_d scale_d · tanh(q_id + k_jd)
///     s_ij −= 1e9 where value step j is masked or (causal) j &gt; i;  w_i = softmax(s_i);  y_i = Σ_j w_ij v_j, 0 for a masked query step.
/// scale is null without use_scale (then 1). A dropout mask m (B, Tq, Tv) of 0 and 1 / (1 − rate), when given, makes
/// y_i = Σ_j w_ij m_ij v_j. The backward applies the softmax's full Jacobian w_j (δ_jk − w_k).
/// </summary>
public sealed class ReferenceAttention(ReferenceAttention.Mode mode, int queryFeatures, int valueFeatures, bool causal, double[]? scale, double concatWeight = 1)
{
    private double[] _q = [], _v = [], _k = [], _w = [];
    private double[]? _queryMask, _dropMask;
    private int _batch, _tq, _tv;
    private bool _hasKey;

    public enum Mode
    {
        Dot,
        Concat,
        Additive,
    }

    public double[] QueryGradient { get; private set; } = [];

    public double[] ValueGradient { get; private set; } = [];

    /// <summary>d loss / d key when a key was given; without one its share is in ValueGradient.</summary>
    public double[] KeyGradient { get; private set; } = [];

    public double[] ScaleGradient { get; private set; } = [];

    public double ConcatWeightGradient { get; private set; }

    /// <summary>The softmax weights (B, Tq, Tv) of the last Forward.</summary>
    public double[] Weights => _w;

    public double[] Forward(int batch, double[] query, double[] value, double[]? key, double[]? queryMask, double[]? valueMask, double[]? dropMask = null)
    {
        int dim = queryFeatures, dv = valueFeatures;
        _batch = batch;
        _tq = query.Length / (batch * dim);
        _tv = value.Length / (batch * dv);
        _q = query;
        _v = value;
        _hasKey = key is not null;
        _k = key ?? value;
        _queryMask = queryMask;
        _dropMask = dropMask;
        _w = new double[batch * _tq * _tv];
        var y = new double[batch * _tq * dv];
        for (int b = 0; b < batch; b++)
        {
            for (int i = 0; i < _tq; i++)
            {
                var s = new double[_tv];
                for (int j = 0; j < _tv; j++)
                {
                    bool hidden = (valueMask is not null && valueMask[(b * _tv) + j] == 0) || (causal && j > i);
                    s[j] = Score(b, i, j) - (hidden ? 1e9 : 0);
                }

                double max = s.Max(), sum = s.Sum(x => Math.Exp(x - max));
                for (int j = 0; j < _tv; j++)
                {
                    double w = Math.Exp(s[j] - max) / sum;
                    _w[(((b * _tq) + i) * _tv) + j] = w;
                    w *= dropMask?[(((b * _tq) + i) * _tv) + j] ?? 1;
                    for (int c = 0; c < dv; c++)
                    {
                        y[(((b * _tq) + i) * dv) + c] += queryMask is not null && queryMask[(b * _tq) + i] == 0 ? 0 : w * _v[(((b * _tv) + j) * dv) + c];
                    }
                }
            }
        }

        return y;
    }

    public void Backward(double[] dy)
    {
        int dim = queryFeatures, dv = valueFeatures, tq = _tq, tv = _tv;
        QueryGradient = new double[_q.Length];
        ValueGradient = new double[_v.Length];
        var dk = new double[_k.Length];
        ScaleGradient = new double[scale?.Length ?? 0];
        ConcatWeightGradient = 0;
        for (int b = 0; b < _batch; b++)
        {
            for (int i = 0; i < tq; i++)
            {
                if (_queryMask is not null && _queryMask[(b * tq) + i] == 0)
                {
                    continue;
                }

                var w = new double[tv];
                var dw = new double[tv];
                for (int j = 0; j < tv; j++)
                {
                    w[j] = _w[(((b * tq) + i) * tv) + j];
                    double m = _dropMask?[(((b * tq) + i) * tv) + j] ?? 1;
                    for (int c = 0; c < dv; c++)
                    {
                        double g = dy[(((b * tq) + i) * dv) + c];
                        dw[j] += m * g * _v[(((b * tv) + j) * dv) + c];
                        ValueGradient[(((b * tv) + j) * dv) + c] += w[j] * m * g;
                    }
                }

                for (int j = 0; j < tv; j++)
                {
                    double ds = 0;
                    for (int k = 0; k < tv; k++)
                    {
                        ds += dw[k] * w[k] * ((j == k ? 1 : 0) - w[j]);
                    }

                    ScoreBackward(b, i, j, ds, dk);
                }
            }
        }

        if (_hasKey)
        {
            KeyGradient = dk;
        }
        else
        {
            KeyGradient = [];
            for (int n = 0; n < dk.Length; n++)
            {
                ValueGradient[n] += dk[n];
            }
        }
    }

    private double Q(int b, int i, int d) => _q[(((b * _tq) + i) * queryFeatures) + d];

    private double K(int b, int j, int d) => _k[(((b * _tv) + j) * queryFeatures) + d];

    private double Score(int b, int i, int j)
    {
        double s = 0;
        for (int d = 0; d < queryFeatures; d++)
        {
            s += mode switch
            {
                Mode.Dot => (scale?[0] ?? 1) * Q(b, i, d) * K(b, j, d),
                Mode.Concat => concatWeight * Math.Tanh((scale?[0] ?? 1) * (Q(b, i, d) + K(b, j, d))),
                _ => (scale?[d] ?? 1) * Math.Tanh(Q(b, i, d) + K(b, j, d)),
            };
        }

        return s;
    }

    private void ScoreBackward(int b, int i, int j, double ds, double[] dk)
    {
        for (int d = 0; d < queryFeatures; d++)
        {
            double q = Q(b, i, d), k = K(b, j, d), dq, dkd;
            switch (mode)
            {
                case Mode.Dot:
                    dq = ds * (scale?[0] ?? 1) * k;
                    dkd = ds * (scale?[0] ?? 1) * q;
                    if (scale is not null)
                    {
                        ScaleGradient[0] += ds * q * k;
                    }

                    break;
                case Mode.Concat:
                {
                    double a = scale?[0] ?? 1, t = Math.Tanh(a * (q + k));
                    dq = dkd = ds * concatWeight * a * (1 - (t * t));
                    ConcatWeightGradient += ds * t;
                    if (scale is not null)
                    {
                        ScaleGradient[0] += ds * concatWeight * (1 - (t * t)) * (q + k);
                    }

                    break;
                }

                default:
                {
                    double t = Math.Tanh(q + k);
                    dq = dkd = ds * (scale?[d] ?? 1) * (1 - (t * t));
                    if (scale is not null)
                    {
                        ScaleGradient[d] += ds * t;
                    }

                    break;
                }
            }

            QueryGradient[(((b * _tq) + i) * queryFeatures) + d] += dq;
            dk[(((b * _tv) + j) * queryFeatures) + d] += dkd;
        }
    }
}
