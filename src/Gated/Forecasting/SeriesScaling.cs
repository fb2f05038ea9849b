using Gated.Data;

namespace Gated.Forecasting;

/// <summary>
/// How one series' values become network inputs and outputs, fitted on its training part only. Inputs are
/// standardized levels (target and covariates: (x − mean) / std, unbounded, so a value above the training range stays
/// above it); the network forecasts the change from the last observed value, step h divided by the training RMS of
/// h-step changes, and a forecast is that last value plus the change. A trending series is therefore never clipped to
/// its training range, as a MinMax-scaled level forecast is.
/// </summary>
/// <param name="LevelMean">Mean of the target over the training part.</param>
/// <param name="LevelScale">Standard deviation of the target over the training part (1 when it is constant).</param>
/// <param name="CovariateMean">Mean of each covariate over the training part.</param>
/// <param name="CovariateScale">Standard deviation of each covariate (1 when constant).</param>
/// <param name="StepScale">For step h = 1..H at index h − 1: the RMS of y[t + h] − y[t] over the training part (1 when 0).</param>
public sealed record SeriesScaling(float LevelMean, float LevelScale, float[] CovariateMean, float[] CovariateScale, float[] StepScale)
{
    /// <summary>Fits the scaling on the first <paramref name="trainLength"/> points of <paramref name="series"/>.</summary>
    /// <param name="series">The series.</param>
    /// <param name="trainLength">How many points, from the start, are training data.</param>
    /// <param name="horizon">The number of forecast steps.</param>
    public static SeriesScaling Fit(TimeSeries series, int trainLength, int horizon)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(trainLength, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(trainLength, series.Length);
        var (levelMean, levelScale) = MeanAndScale(series.Target.AsSpan(0, trainLength));
        var covariateMean = new float[series.Covariates.Length];
        var covariateScale = new float[series.Covariates.Length];
        for (int c = 0; c < covariateMean.Length; c++)
        {
            (covariateMean[c], covariateScale[c]) = MeanAndScale(series.Covariates[c].AsSpan(0, trainLength));
        }

        var stepScale = new float[horizon];
        for (int h = 1; h <= horizon; h++)
        {
            double sum = 0;
            int count = 0;
            for (int t = 0; t + h < trainLength; t++)
            {
                double change = (double)series.Target[t + h] - series.Target[t];
                sum += change * change;
                count++;
            }

            double rms = count == 0 ? 0 : Math.Sqrt(sum / count);
            stepScale[h - 1] = rms > 0 && double.IsFinite(rms) ? (float)rms : 1f;
        }

        return new SeriesScaling(levelMean, levelScale, covariateMean, covariateScale, stepScale);
    }

    /// <summary>The standardized target level.</summary>
    public float ScaleLevel(float value) => (value - LevelMean) / LevelScale;

    /// <summary>The standardized covariate <paramref name="index"/>.</summary>
    public float ScaleCovariate(int index, float value) => (value - CovariateMean[index]) / CovariateScale[index];

    /// <summary>The network's target for step h (1-based): the change from the origin's value, scaled.</summary>
    public float ScaleChange(int step, float originValue, float value) => (value - originValue) / StepScale[step - 1];

    /// <summary>The forecast for step h (1-based) from the network's scaled change.</summary>
    public float UnscaleChange(int step, float originValue, float scaledChange) => originValue + (scaledChange * StepScale[step - 1]);

    private static (float Mean, float Scale) MeanAndScale(ReadOnlySpan<float> values)
    {
        var scaler = new StandardScaler();
        scaler.Fit(values);
        double std = scaler.StandardDeviation;
        return ((float)scaler.Mean, std > 0 && double.IsFinite(std) ? (float)std : 1f);
    }
}
