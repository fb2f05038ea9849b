using Gated.Data;

namespace Gated.Forecasting;

/// <summary>
/// How a forecast divides a series of N values into sliding windows, in time order: of the
/// <c>N − Window − Horizon + 1</c> windows the last <see cref="DatasetSplit.HeldOutCount"/>(windows, TestFraction) are
/// the test set, and of the rest the last HeldOutCount(rest, ValidationSplit) are validation (as <c>Fit</c> takes them).
/// </summary>
public sealed record TutorialSplit
{
    private readonly TutorialOptions _options;

    private TutorialSplit(int seriesLength, TutorialOptions options, int windows, int test, int validation)
    {
        _options = options;
        int window = options.Window, horizon = options.Horizon;
        SeriesLength = seriesLength;
        MinimumSeriesLength = window + horizon;
        Windows = windows;
        TestWindows = test;
        ValidationWindows = validation;
        TrainWindows = windows - test - validation;
        FirstTestTarget = windows - test + window + horizon - 1;
    }

    /// <summary>Values in the series.</summary>
    public int SeriesLength { get; }

    /// <summary>The shortest series that holds one window and its target: Window + Horizon.</summary>
    public int MinimumSeriesLength { get; }

    /// <summary>Windows in the series (0 when it is shorter than <see cref="MinimumSeriesLength"/>).</summary>
    public int Windows { get; }

    /// <summary>Windows the model trains on.</summary>
    public int TrainWindows { get; }

    /// <summary>Windows Fit holds out for val_loss (the end of the training part).</summary>
    public int ValidationWindows { get; }

    /// <summary>Windows held out as the test set (the end of the series).</summary>
    public int TestWindows { get; }

    /// <summary>Windows before the test set: training and validation together.</summary>
    public int FitWindows => TrainWindows + ValidationWindows;

    /// <summary>Index in the series of the first test target.</summary>
    public int FirstTestTarget { get; }

    /// <summary>Values the windows before the test set read, from the start: what the scaler is fitted on.</summary>
    public int FitValues => FirstTestTarget;

    /// <summary>Whether every part the options ask for holds at least one window.</summary>
    public bool IsUsable => TrainWindows >= 1 && TestWindows >= 1 && (_options.ValidationSplit == 0 || ValidationWindows >= 1);

    /// <summary>The split of a series of <paramref name="seriesLength"/> values under <paramref name="options"/> (validated first).</summary>
    /// <param name="seriesLength">Values in the series.</param>
    /// <param name="options">The recipe; its Window, Horizon, TestFraction and ValidationSplit decide the split.</param>
    public static TutorialSplit Of(int seriesLength, TutorialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(seriesLength);
        options.Validate();
        int windows = Math.Max(seriesLength - options.Window - options.Horizon + 1, 0);
        int test = DatasetSplit.HeldOutCount(windows, options.TestFraction);
        int validation = DatasetSplit.HeldOutCount(windows - test, options.ValidationSplit);
        return new TutorialSplit(seriesLength, options, windows, test, validation);
    }

    /// <summary>
    /// Throws <see cref="InvalidOptionException"/> (on Window) when the series is shorter than one window and its
    /// target, or its windows are too few for every part; the message names <paramref name="seriesName"/>.
    /// </summary>
    /// <param name="seriesName">How the message names the series, e.g. "column 'temp'"; null for "the series".</param>
    public void ThrowIfUnusable(string? seriesName = null)
    {
        string name = seriesName ?? "the series";
        if (Windows < 1)
        {
            throw new InvalidOptionException(
                nameof(TutorialOptions.Window),
                $"{{Window}} {_options.Window} plus {{Horizon}} {_options.Horizon} needs at least {MinimumSeriesLength} values; {name} has {SeriesLength}");
        }

        if (!IsUsable)
        {
            throw new InvalidOptionException(
                nameof(TutorialOptions.Window),
                $"{{Window}} {_options.Window} leaves {Windows} windows in {SeriesLength} values of {name}: too few to split into training, validation and test sets");
        }
    }
}
