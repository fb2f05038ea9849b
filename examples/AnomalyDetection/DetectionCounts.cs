using System.Globalization;

namespace Gated.Examples.AnomalyDetection;

/// <summary>Flagged readings scored against the labels: true positives, false positives, false negatives.</summary>
internal readonly record struct DetectionCounts(int TruePositives, int FalsePositives, int FalseNegatives)
{
    /// <summary>Of the flagged readings, the share labelled anomalous; NaN when nothing was flagged.</summary>
    public double Precision => TruePositives + FalsePositives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalsePositives);

    /// <summary>Of the labelled readings, the share flagged; NaN when nothing is labelled.</summary>
    public double Recall => TruePositives + FalseNegatives == 0 ? double.NaN : (double)TruePositives / (TruePositives + FalseNegatives);

    public double F1 => TruePositives == 0 ? (TruePositives + FalsePositives + FalseNegatives == 0 ? double.NaN : 0) : 2.0 * TruePositives / ((2 * TruePositives) + FalsePositives + FalseNegatives);

    public static DetectionCounts operator +(DetectionCounts a, DetectionCounts b) =>
        new(a.TruePositives + b.TruePositives, a.FalsePositives + b.FalsePositives, a.FalseNegatives + b.FalseNegatives);

    /// <summary>Counts over readings where <paramref name="flagged"/> and <paramref name="labelled"/> are given side by side.</summary>
    public static DetectionCounts Count(ReadOnlySpan<bool> flagged, ReadOnlySpan<bool> labelled)
    {
        int tp = 0, fp = 0, fn = 0;
        for (int i = 0; i < flagged.Length; i++)
        {
            if (flagged[i] && labelled[i])
            {
                tp++;
            }
            else if (flagged[i])
            {
                fp++;
            }
            else if (labelled[i])
            {
                fn++;
            }
        }

        return new DetectionCounts(tp, fp, fn);
    }

    /// <summary>"TP FP FN precision recall F1" in fixed columns; an undefined ratio prints as a dash.</summary>
    public string Format() => string.Create(
        CultureInfo.InvariantCulture,
        $"{TruePositives,5} {FalsePositives,5} {FalseNegatives,5}  {Ratio(Precision),9}  {Ratio(Recall),6}  {Ratio(F1),6}");

    /// <summary>"precision/recall/F1" in one short cell.</summary>
    public string FormatShort() => $"{Ratio(Precision)}/{Ratio(Recall)}/{Ratio(F1)}";

    private static string Ratio(double value) => double.IsNaN(value) ? "—" : value.ToString("F3", CultureInfo.InvariantCulture);
}
