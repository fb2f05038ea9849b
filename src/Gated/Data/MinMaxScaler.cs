namespace Gated.Data;

/// <summary>
/// Maps the fitted data range [min, max] linearly onto [rangeMin, rangeMax], as scikit-learn's MinMaxScaler:
/// <c>x' = x · scale + offset</c> with <c>scale = (rangeMax − rangeMin) / (max − min)</c>. A constant series
/// has range 0; its scale is taken as if the range were 1 (as scikit-learn does), so every value maps to rangeMin.
/// </summary>
public sealed class MinMaxScaler : IScaler
{
    private double _dataMin = double.NaN;
    private double _dataMax = double.NaN;
    private double _scale;
    private double _offset;

    /// <summary>Scales the fitted minimum to <paramref name="rangeMin"/> and the maximum to <paramref name="rangeMax"/>.</summary>
    /// <param name="rangeMin">The low end of the scaled range.</param>
    /// <param name="rangeMax">The high end of the scaled range.</param>
    public MinMaxScaler(double rangeMin = 0, double rangeMax = 1)
    {
        if (!double.IsFinite(rangeMin))
        {
            throw new ArgumentOutOfRangeException(nameof(rangeMin), rangeMin, "rangeMin must be finite");
        }

        if (!double.IsFinite(rangeMax) || rangeMax <= rangeMin)
        {
            throw new ArgumentOutOfRangeException(nameof(rangeMax), rangeMax, $"rangeMax must be finite and greater than rangeMin {rangeMin}");
        }

        RangeMin = rangeMin;
        RangeMax = rangeMax;
    }

    /// <inheritdoc />
    public string Kind => "minmax";

    /// <inheritdoc />
    public bool IsFitted { get; private set; }

    /// <summary>The value the fitted minimum maps to.</summary>
    public double RangeMin { get; }

    /// <summary>The value the fitted maximum maps to.</summary>
    public double RangeMax { get; }

    /// <summary>The smallest fitted value.</summary>
    public double DataMin => IsFitted ? _dataMin : throw NotFitted();

    /// <summary>The largest fitted value.</summary>
    public double DataMax => IsFitted ? _dataMax : throw NotFitted();

    /// <inheritdoc />
    public void Fit(ReadOnlySpan<float> values)
    {
        ScalerChecks.CheckFitValues(values, nameof(values));
        double min = double.PositiveInfinity;
        double max = double.NegativeInfinity;
        foreach (float v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        SetFitted(min, max);
    }

    /// <inheritdoc />
    public void Transform(ReadOnlySpan<float> src, Span<float> dst)
    {
        if (!IsFitted)
        {
            throw NotFitted();
        }

        ScalerChecks.CheckPair(src, dst);
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = (float)(src[i] * _scale + _offset);
        }
    }

    /// <inheritdoc />
    public void InverseTransform(ReadOnlySpan<float> src, Span<float> dst)
    {
        if (!IsFitted)
        {
            throw NotFitted();
        }

        ScalerChecks.CheckPair(src, dst);
        for (int i = 0; i < src.Length; i++)
        {
            dst[i] = (float)((src[i] - _offset) / _scale);
        }
    }

    /// <summary>Keys: data_min, data_max, range_min, range_max.</summary>
    public IReadOnlyDictionary<string, double> GetState()
    {
        if (!IsFitted)
        {
            throw NotFitted();
        }

        return new Dictionary<string, double>
        {
            ["data_min"] = _dataMin,
            ["data_max"] = _dataMax,
            ["range_min"] = RangeMin,
            ["range_max"] = RangeMax,
        };
    }

    internal static MinMaxScaler FromState(IReadOnlyDictionary<string, double> state)
    {
        double dataMin = ScalerChecks.Get(state, "minmax", "data_min");
        double dataMax = ScalerChecks.Get(state, "minmax", "data_max");
        double rangeMin = ScalerChecks.Get(state, "minmax", "range_min");
        double rangeMax = ScalerChecks.Get(state, "minmax", "range_max");
        if (dataMax < dataMin)
        {
            throw new ArgumentException($"the minmax scaler state has data_max {dataMax} below data_min {dataMin}", nameof(state));
        }

        if (rangeMax <= rangeMin)
        {
            throw new ArgumentException($"the minmax scaler state has range_max {rangeMax} not above range_min {rangeMin}", nameof(state));
        }

        var scaler = new MinMaxScaler(rangeMin, rangeMax);
        scaler.SetFitted(dataMin, dataMax);
        return scaler;
    }

    private void SetFitted(double dataMin, double dataMax)
    {
        double dataRange = dataMax - dataMin;
        _dataMin = dataMin;
        _dataMax = dataMax;
        _scale = (RangeMax - RangeMin) / (dataRange == 0 ? 1 : dataRange);
        _offset = RangeMin - dataMin * _scale;
        IsFitted = true;
    }

    private static InvalidOperationException NotFitted() =>
        new("the minmax scaler is not fitted; call Fit on the training values first");
}
