namespace Gated.Forecasting.Evaluation;

/// <summary>
/// The mean absolute percentage error and how many points it rests on: points whose actual value is 0 have no
/// percentage error, so they are left out and counted apart.
/// </summary>
/// <param name="Percent">mean(100·|a − f| / |a|) over the points with a ≠ 0; NaN when every actual value was 0.</param>
/// <param name="Used">Points the mean was taken over (a ≠ 0).</param>
/// <param name="SkippedZeros">Points left out because their actual value was 0.</param>
public readonly record struct MapeResult(double Percent, int Used, int SkippedZeros);
