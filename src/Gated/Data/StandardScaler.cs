namespace Gated.Data;

/// <summary>
/// Centers on the fitted mean and divides by the population standard deviation, as scikit-learn's
/// StandardScaler: <c>x' = (x − mean) / std</c>. A constant series has std 0; it is divided by 1 instead.
/// </summary>
public sealed class StandardScaler : IScaler
{
    private double _mean = double.NaN;
    private double _std = double.NaN;
    private double _scale;

    /// <inheritdoc />
    public string Kind => "standard";

    /// <inheritdoc />
    public bool IsFitted { get; private set; }

    /// <summary>The fitted mean (throws before Fit).</summary>
    public double Mean => IsFitted ? _mean : throw NotFitted();

    /// <summary>Population standard deviation of the fitted values (divides by n, not n − 1).</summary>
    public double StandardDeviation => IsFitted ? _std : throw NotFitted();

    /// <inheritdoc />
    public void Fit(ReadOnlySpan<float> values)
    {
        ScalerChecks.CheckFitValues(values, nameof(values));

        // Two passes: summing squared deviations from the mean avoids the cancellation of E[x²] − E[x]².
        double sum = 0;
        foreach (float v in values)
        {
            sum += v;
        }

        double mean = sum / values.Length;
        double squares = 0;
        foreach (float v in values)
        {
            double d = v - mean;
            squares += d * d;
        }

        SetFitted(mean, Math.Sqrt(squares / values.Length));
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
            dst[i] = (float)((src[i] - _mean) / _scale);
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
            dst[i] = (float)(src[i] * _scale + _mean);
        }
    }

    /// <summary>Keys: mean, std.</summary>
    public IReadOnlyDictionary<string, double> GetState()
    {
        if (!IsFitted)
        {
            throw NotFitted();
        }

        return new Dictionary<string, double>
        {
            ["mean"] = _mean,
            ["std"] = _std,
        };
    }

    internal static StandardScaler FromState(IReadOnlyDictionary<string, double> state)
    {
        double mean = ScalerChecks.Get(state, "standard", "mean");
        double std = ScalerChecks.Get(state, "standard", "std");
        if (std < 0)
        {
            throw new ArgumentException($"the standard scaler state has a negative std {std}", nameof(state));
        }

        var scaler = new StandardScaler();
        scaler.SetFitted(mean, std);
        return scaler;
    }

    private void SetFitted(double mean, double std)
    {
        _mean = mean;
        _std = std;
        _scale = std == 0 ? 1 : std;
        IsFitted = true;
    }

    private static InvalidOperationException NotFitted() =>
        new("the standard scaler is not fitted; call Fit on the training values first");
}
