using Gated.Layers.Recurrent;
using Gated.Time;

namespace Gated.Forecasting;

/// <summary>
/// The recipe of <see cref="Forecaster"/>: what it reads (target, covariates, calendar features), what it forecasts
/// (horizon, strategy, quantiles), how it is scored (test fraction, season, backtest folds) and how the network is
/// built and trained. The defaults are the default recipe the README measures on the bundled Chicago series; the
/// epoch count is a ceiling, not a knob: training stops when the validation loss has not improved for
/// <see cref="Patience"/> epochs and the best epoch's weights are restored.
/// </summary>
public sealed record ForecastOptions
{
    /// <summary>Covariate columns: observed up to the forecast origin, read in the window beside the target. Empty reads the data's own
    /// (<see cref="TimeSeriesSet.CovariateNames"/>); otherwise it must name exactly those.</summary>
    public IReadOnlyList<string> Covariates { get; init; } = [];

    /// <summary>Calendar features of each step's next date (sine and cosine); null picks them from the frequency (<see cref="CalendarFeatures.Auto"/>).</summary>
    public CalendarFeature? Calendar { get; init; }

    /// <summary>Input length: how many past steps each forecast reads.</summary>
    public int Window { get; init; } = 56;

    /// <summary>How many steps after the origin are forecast (1..Horizon).</summary>
    public int Horizon { get; init; } = 1;

    /// <summary>Direct (one output per step, the default) or recursive (one step, fed back).</summary>
    public ForecastStrategy Strategy { get; init; } = ForecastStrategy.Direct;

    /// <summary>Quantile levels to forecast, strictly inside (0, 1) and increasing; empty for a point forecast trained on MSE.
    /// With quantiles the network is trained on the pinball loss and 0.5 is added when missing: the median is the point forecast.</summary>
    public IReadOnlyList<float> Quantiles { get; init; } = [];

    /// <summary>The seasonal period in steps for the seasonal-naive baseline and MASE; null takes the frequency's (<see cref="Frequency.Season"/>).</summary>
    public int? Season { get; init; }

    /// <summary>Units of each recurrent layer.</summary>
    public int Units { get; init; } = 64;

    /// <summary>Stacked recurrent layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>The recurrent cell of every layer.</summary>
    public RecurrentKind Cell { get; init; } = RecurrentKind.Gru;

    /// <summary>The GRU's reset-gate variant; only meaningful for GRU cells.</summary>
    public GruVariant Variant { get; init; } = GruVariant.ResetAfter;

    /// <summary>The most passes over the training windows; early stopping usually ends training sooner.</summary>
    public int MaxEpochs { get; init; } = 60;

    /// <summary>Epochs without a better validation loss before training stops (the best weights are then restored).</summary>
    public int Patience { get; init; } = 6;

    /// <summary>Windows per batch.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Adam's learning rate.</summary>
    public float LearningRate { get; init; } = 1e-3f;

    /// <summary>Seed of the initial weights and the shuffling; the same seed gives the same model bit for bit.</summary>
    public ulong Seed { get; init; }

    /// <summary>Fraction of each series' time points, taken from its end, held out as the test period.</summary>
    public double TestFraction { get; init; } = 0.2;

    /// <summary>Fraction of the training windows, the latest ones, used as validation data for early stopping.</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Rolling origins across the test period (expanding window); 0 for a single evaluation.</summary>
    public int BacktestFolds { get; init; }

    /// <summary>With <see cref="BacktestFolds"/>: refit the model (and its scalers) on everything before each fold.</summary>
    public bool Retrain { get; init; }

    /// <summary>
    /// After training, quantize the model to dynamic int8 (<see cref="Models.Sequential.QuantizeInt8"/>, as PyTorch's
    /// quantize_dynamic): the test scores, the next forecast and the saved model are the int8 model's.
    /// </summary>
    public bool Int8 { get; init; }

    /// <summary>The quantiles the network is trained on: <see cref="Quantiles"/> with 0.5 added when missing; empty for a point forecast.</summary>
    public IReadOnlyList<float> TrainedQuantiles =>
        Quantiles.Count == 0 || Quantiles.Contains(0.5f) ? Quantiles : [.. Quantiles.Append(0.5f).Order()];

    /// <summary>Throws <see cref="InvalidOptionException"/> naming the first invalid option (by its property name).</summary>
    public void Validate()
    {
        OptionChecks.Positive(Window, nameof(Window));
        OptionChecks.Positive(Horizon, nameof(Horizon));
        OptionChecks.Positive(Units, nameof(Units));
        OptionChecks.Positive(Layers, nameof(Layers));
        OptionChecks.FitsOneParameterArray(Layers, Units, nameof(Units));
        OptionChecks.Positive(MaxEpochs, nameof(MaxEpochs));
        if (Patience < 0)
        {
            throw new InvalidOptionException(nameof(Patience), Patience, "must be 0 or more");
        }

        OptionChecks.Positive(BatchSize, nameof(BatchSize));
        OptionChecks.PositiveNumber(LearningRate, nameof(LearningRate));
        if (!Enum.IsDefined(Strategy))
        {
            throw new InvalidOptionException(nameof(Strategy), Strategy, "must be direct or recursive");
        }

        for (int i = 0; i < Quantiles.Count; i++)
        {
            float q = Quantiles[i];
            if (!(q > 0 && q < 1))
            {
                throw new InvalidOptionException(nameof(Quantiles), q, "must be strictly between 0 and 1");
            }

            if (i > 0 && !(q > Quantiles[i - 1]))
            {
                throw new InvalidOptionException(nameof(Quantiles), string.Join(",", Quantiles), "must be strictly increasing");
            }
        }

        if (Season is int season && season < 2)
        {
            throw new InvalidOptionException(nameof(Season), season, "must be at least 2");
        }

        if (!(TestFraction > 0 && TestFraction < 1))
        {
            throw new InvalidOptionException(nameof(TestFraction), TestFraction, "must be a number in (0, 1)");
        }

        if (!(ValidationFraction >= 0 && ValidationFraction < 1))
        {
            throw new InvalidOptionException(nameof(ValidationFraction), ValidationFraction, "must be a number in [0, 1)");
        }

        if (BacktestFolds < 0 || BacktestFolds == 1)
        {
            throw new InvalidOptionException(nameof(BacktestFolds), BacktestFolds, "must be at least 2 (or 0 for no backtest)");
        }

        if (Retrain && BacktestFolds == 0)
        {
            throw new InvalidOptionException(nameof(Retrain), "{Retrain} refits at each origin of a backtest; give {BacktestFolds} too");
        }

        if (Strategy == ForecastStrategy.Recursive && Covariates.Count > 0)
        {
            throw new InvalidOptionException(nameof(Strategy),
                "the recursive {Strategy} feeds its forecasts back, but {Covariates} are observed only up to the origin; use the direct strategy with covariates");
        }

        if (Strategy == ForecastStrategy.Recursive && Quantiles.Count > 0)
        {
            throw new InvalidOptionException(nameof(Strategy),
                "the recursive {Strategy} feeds back one value per step, which gives no honest intervals beyond the first; use the direct strategy with {Quantiles}");
        }

        if (Covariates.Distinct().Count() != Covariates.Count)
        {
            throw new InvalidOptionException(nameof(Covariates), string.Join(",", Covariates), "names a column twice");
        }

        StackedRecurrent.CheckCell(Cell, Variant, nameof(Cell), nameof(Variant));
    }
}
