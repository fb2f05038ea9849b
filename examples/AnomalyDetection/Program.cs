// Anomaly detection on the bundled sensor network: per mote, a small GRU forecasts the next reading from the
// previous ones and a recurrent autoencoder reconstructs the window ending at each reading; a reading far from its
// forecast, or badly reconstructed (in training standard deviations), is flagged, and the flags are scored against
// the label column beside three baselines scored with the same rule.
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gated.Data;
using Gated.Examples.AnomalyDetection;
using Gated.Examples.Shared;
using Gated.IO;
using Gated.Plotting;
using Gated.Serialization;

const string DataName = "sensor-network-single-hop.csv";
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

if (ExampleStart.Begin(args, AnomalyOptions.Flags, DataName, out int exitCode) is not { } started)
{
    return exitCode;
}

var (options, path) = started;

SensorReadings readings;
try
{
    readings = SensorReadings.Load(path);
}
catch (DataFormatException e)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 2;
}

if (!readings.MoteIds.Contains(options.PlotMote))
{
    Console.Error.WriteLine($"error: --plot-mote {options.PlotMote} is not a mote of the data; the motes are {string.Join(", ", readings.MoteIds)}");
    return 2;
}

var total = Stopwatch.StartNew();
Console.WriteLine($"Machine: {MachineLoad.Describe()}");
Console.WriteLine($"Data: {path}, {readings.Count} readings from motes {string.Join(", ", readings.MoteIds)}, {readings.IsAnomaly.Count(a => a)} labelled anomalous");
Console.WriteLine($"Per mote: GRU({options.Units}) → Dense forecasts the change to the next {string.Join(" and ", options.Channels)} from the last {options.Window} changes, " +
    $"trained on the first {options.TrainFraction:P0} of the mote's readings (last 10 % of those for val_loss and early stopping; labels unused)");
string cell = options.Autoencoder.ToUpperInvariant();
Console.WriteLine($"Per mote: {cell}({options.Units}) → RepeatVector({options.Window}) → {cell}({options.Units}, sequences) → TimeDistributed(Dense) reconstructs " +
    $"the last {options.Window} changes, trained on the same readings the same way; a reading's error is the window's MSE, the window ending at it");
Console.WriteLine($"Flag rule: |score − mean| > {options.K}·std of the mote's training scores (residuals, reconstruction errors, levels or window mean squares; the largest over the channels)");

var motes = new List<MoteScores>();
foreach (int id in readings.MoteIds)
{
    MoteScores mote;
    try
    {
        mote = MoteDetector.Run(readings.ForMote(id), options);
    }
    catch (ArgumentException e)
    {
        Console.Error.WriteLine($"error: {e.Message}");
        return 2;
    }

    motes.Add(mote);
    int labelled = mote.Labelled.Count(l => l);
    Console.WriteLine($"  mote {id} ({(mote.Indoor ? "indoor" : "outdoor")}): {mote.Reading.Length} readings, {labelled} labelled; " +
        $"trained on readings 1–{mote.TrainCount}; forecaster {mote.ForecasterFit.Format()}, autoencoder {mote.AutoencoderFit.Format()}; " +
        $"temperature RMSE on later normal readings: GRU {mote.GruRmse:F4} °C, persistence {mote.PersistenceRmse:F4} °C");
}

var methods = new (string Name, Func<MoteScores, float[]> Scores)[]
{
    ("GRU forecast residual", m => m.GruScores),
    ($"{cell} autoencoder", m => m.AutoencoderScores),
    ("persistence residual", m => m.PersistenceScores),
    ("level z-score", m => m.LevelScores),
    ("window mean square", m => m.WindowScores),
};

Console.WriteLine();
Console.WriteLine($"All motes, k = {options.K} ({readings.Count} readings):");
Console.WriteLine($"  {"method",-22} {"TP",5} {"FP",5} {"FN",5}  precision  recall      F1");
foreach (var (name, scores) in methods)
{
    Console.WriteLine($"  {name,-22} {Overall(scores, options.K).Format()}");
}

Console.WriteLine();
Console.WriteLine($"Per mote, k = {options.K} (— where undefined: nothing flagged or nothing labelled):");
Console.WriteLine($"  {"mote",-4} {"labelled",8}  {"method",-22} {"TP",5} {"FP",5} {"FN",5}  precision  recall      F1");
foreach (var mote in motes)
{
    foreach (var (name, scores) in methods)
    {
        Console.WriteLine($"  {mote.MoteId,-4} {mote.Labelled.Count(l => l),8}  {name,-22} {Counts(mote, scores(mote), options.K).Format()}");
    }
}

Console.WriteLine();
Console.WriteLine("Labelled events (runs of consecutive anomalous readings): first flagged reading and readings flagged in the run");
foreach (var mote in motes)
{
    foreach (var (start, end) in Runs(mote.Labelled))
    {
        var cells = methods.Select(m =>
        {
            bool[] flags = DeviationScores.Flags(m.Scores(mote), options.K);
            int first = Array.FindIndex(flags, start, end - start + 1, f => f);
            int inside = flags.AsSpan(start, end - start + 1).Count(true);
            return first < 0 ? $"{m.Name}: missed" : $"{m.Name}: {mote.Reading[first]} (+{first - start}), {inside}/{end - start + 1}";
        });
        Console.WriteLine($"  mote {mote.MoteId} readings {mote.Reading[start]}–{mote.Reading[end]}: {string.Join("; ", cells)}");
    }
}

Console.WriteLine();
Console.WriteLine("All motes, other thresholds: precision/recall/F1");
Console.WriteLine($"  {"k",4}  {string.Join("  ", methods.Select(m => $"{m.Name,-22}"))}");
foreach (double k in new[] { 3.0, 4.0, 5.0, 6.0, 8.0 })
{
    Console.WriteLine($"  {k,4}  {string.Join("  ", methods.Select(m => $"{Overall(m.Scores, k).FormatShort(),-22}"))}");
}

Directory.CreateDirectory(options.OutFolder);
string csvPath = Path.Combine(options.OutFolder, "flags.csv");
var csv = new StringBuilder("mote_id,reading,temperature,humidity,label,gru_forecast,gru_score,autoencoder_score,persistence_score,level_score,window_score,gru_flag\n");
foreach (var mote in motes)
{
    for (int i = 0; i < mote.Reading.Length; i++)
    {
        csv.Append(CultureInfo.InvariantCulture,
            $"{mote.MoteId},{mote.Reading[i]},{mote.Temperature[i]},{mote.Humidity[i]},{(mote.Labelled[i] ? 1 : 0)},{Cell(mote.TemperatureForecast[i])}," +
            $"{Cell(mote.GruScores[i])},{Cell(mote.AutoencoderScores[i])},{Cell(mote.PersistenceScores[i])},{Cell(mote.LevelScores[i])},{Cell(mote.WindowScores[i])},{(mote.GruScores[i] > options.K ? 1 : 0)}\n");
    }
}

AtomicFile.WriteAllText(csvPath, csv.ToString());

var plotted = motes.Single(m => m.MoteId == options.PlotMote);
string fullPath = Path.Combine(options.OutFolder, $"mote{plotted.MoteId}.svg");
Chart(plotted, 0, plotted.Reading.Length - 1, $"Mote {plotted.MoteId}: temperature, labelled anomalies and GRU flags (k = {options.K})", withForecast: false).Save(fullPath);
var written = new List<string> { csvPath, fullPath };
if (Runs(plotted.Labelled) is [var (runStart, runEnd), ..])
{
    string zoomPath = Path.Combine(options.OutFolder, $"mote{plotted.MoteId}-event.svg");
    int margin = Math.Max(50, (runEnd - runStart) / 2);
    Chart(plotted, Math.Max(0, runStart - margin), Math.Min(plotted.Reading.Length - 1, runEnd + margin), $"Mote {plotted.MoteId}: the labelled event and the GRU's one-step forecast", withForecast: true).Save(zoomPath);
    written.Add(zoomPath);
}

Console.WriteLine($"Wrote {string.Join(", ", written)}");
Console.WriteLine($"Total: {total.Elapsed.TotalSeconds:F1} s ({MachineLoad.Describe()})");
return 0;

DetectionCounts Overall(Func<MoteScores, float[]> scores, double k) =>
    motes.Aggregate(default(DetectionCounts), (sum, mote) => sum + Counts(mote, scores(mote), k));

static DetectionCounts Counts(MoteScores mote, float[] scores, double k) => DetectionCounts.Count(DeviationScores.Flags(scores, k), mote.Labelled);

// Runs of consecutive labelled readings as closed index ranges [start, end].
static List<(int Start, int End)> Runs(bool[] labelled)
{
    var runs = new List<(int, int)>();
    for (int i = 0; i < labelled.Length; i++)
    {
        if (labelled[i] && (i == 0 || !labelled[i - 1]))
        {
            int end = i;
            while (end + 1 < labelled.Length && labelled[end + 1])
            {
                end++;
            }

            runs.Add((i, end));
        }
    }

    return runs;
}

static string Cell(float value) => float.IsNaN(value) ? "" : value.ToString("R", CultureInfo.InvariantCulture);

// Temperature as a line; labelled and flagged readings as the same values with NaN elsewhere, so they show as marks.
// The forecast only in the close-up: over the whole series it lies on the temperature line and hides it.
SvgLineChart Chart(MoteScores mote, int from, int to, string title, bool withForecast)
{
    int count = to - from + 1;
    double[] x = mote.Reading.AsSpan(from, count).ToArray().Select(r => (double)r).ToArray();
    float[] temperature = mote.Temperature.AsSpan(from, count).ToArray();
    float[] labelled = new float[count];
    float[] flagged = new float[count];
    float[] forecast = mote.TemperatureForecast.AsSpan(from, count).ToArray();
    for (int i = 0; i < count; i++)
    {
        labelled[i] = mote.Labelled[from + i] ? temperature[i] : float.NaN;
        flagged[i] = mote.GruScores[from + i] > options.K ? temperature[i] : float.NaN;
    }

    var chart = new SvgLineChart(1000, 450) { Title = title, XLabel = "reading", YLabel = "temperature (°C)" };
    if (withForecast)
    {
        chart.AddSeries("GRU forecast", x, forecast, "#7f7f7f");
    }

    chart.AddSeries("temperature", x, temperature, "#1f77b4");
    chart.AddSeries("labelled anomaly", x, labelled, "#ff7f0e");
    chart.AddSeries("flagged by GRU residual", x, flagged, "#d62728");
    return chart;
}
