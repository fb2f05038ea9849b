namespace Gated.Forecasting;

/// <summary>How a forecaster reaches steps beyond the first.</summary>
public enum ForecastStrategy
{
    /// <summary>One network output per step 1..H, all from the same window (Darts' BlockRNNModel, MQ-RNN).</summary>
    Direct,

    /// <summary>A one-step network whose forecast is appended to the window and fed back, H times (Darts' RNNModel).</summary>
    Recursive,
}
