namespace Gated.Data;

/// <summary>
/// Readings of a sensor network, one array per column, row i of each being reading i of the file: the bundled
/// <c>data/sensor-network-single-hop.csv</c> (Suthaharan et al., ISSNIP 2010), whose TelosB motes recorded
/// humidity (%) and temperature (°C), with anomalies labelled. Columns: <c>reading</c> (the mote's own count,
/// from 1), <c>mote_id</c>, <c>indoor</c> (0/1), <c>humidity</c>, <c>temperature</c>, <c>label</c> (1 = anomaly).
/// </summary>
public sealed class SensorReadings
{
    /// <summary>The CSV column of the sensor value the detector models.</summary>
    public const string ReadingColumn = "reading";
    /// <summary>The CSV column naming the mote (sensor node).</summary>
    public const string MoteIdColumn = "mote_id";
    /// <summary>The CSV column: 1 when the mote is indoors.</summary>
    public const string IndoorColumn = "indoor";
    /// <summary>The CSV column of relative humidity.</summary>
    public const string HumidityColumn = "humidity";
    /// <summary>The CSV column of temperature.</summary>
    public const string TemperatureColumn = "temperature";
    /// <summary>The CSV column: 1 for a labelled anomaly.</summary>
    public const string LabelColumn = "label";

    private SensorReadings(int[] reading, int[] moteId, bool[] indoor, float[] humidity, float[] temperature, bool[] isAnomaly)
    {
        Reading = reading;
        MoteId = moteId;
        Indoor = indoor;
        Humidity = humidity;
        Temperature = temperature;
        IsAnomaly = isAnomaly;
        MoteIds = Array.AsReadOnly(moteId.Distinct().Order().ToArray());
    }

    /// <summary>Rows in the file.</summary>
    public int Count => Reading.Length;

    /// <summary>The reading's number in its mote's sequence; (mote, reading) pairs are unique.</summary>
    public int[] Reading { get; }

    /// <summary>The mote of each row.</summary>
    public int[] MoteId { get; }

    /// <summary>Whether the mote stood indoors.</summary>
    public bool[] Indoor { get; }

    /// <summary>Relative humidity of each row.</summary>
    public float[] Humidity { get; }

    /// <summary>Temperature of each row.</summary>
    public float[] Temperature { get; }

    /// <summary>The <c>label</c> column: true where the reading is labelled an anomaly.</summary>
    public bool[] IsAnomaly { get; }

    /// <summary>The distinct mote ids, ascending.</summary>
    public IReadOnlyList<int> MoteIds { get; }

    /// <summary>The readings of a UTF-8 CSV file, in file order; errors name <paramref name="path"/>, the line and the column.</summary>
    public static SensorReadings Load(string path) => Read(CsvTable.Load(path));

    /// <summary>The readings of CSV text; <paramref name="sourceName"/> is the name errors use for it.</summary>
    public static SensorReadings Parse(TextReader reader, string sourceName) => Read(CsvTable.Parse(reader, sourceName));

    /// <summary>
    /// One mote's readings ordered by reading number, a time series ready for windows (for example
    /// <c>SlidingWindows.Create(mote.Temperature, window)</c>).
    /// </summary>
    public SensorReadings ForMote(int moteId)
    {
        int[] rows = Enumerable.Range(0, Count).Where(r => MoteId[r] == moteId).ToArray();
        if (rows.Length == 0)
        {
            throw new ArgumentException($"no readings from mote {moteId}; the motes are {string.Join(", ", MoteIds)}", nameof(moteId));
        }

        // Reading numbers are unique within a mote, so this order is total and the unstable sort is safe.
        int[] keys = DatasetSplit.Gather(Reading, rows);
        Array.Sort(keys, rows);
        return new SensorReadings(
            DatasetSplit.Gather(Reading, rows),
            DatasetSplit.Gather(MoteId, rows),
            DatasetSplit.Gather(Indoor, rows),
            DatasetSplit.Gather(Humidity, rows),
            DatasetSplit.Gather(Temperature, rows),
            DatasetSplit.Gather(IsAnomaly, rows));
    }

    private static SensorReadings Read(CsvTable table)
    {
        if (table.RowCount == 0)
        {
            throw new DataFormatException("the file has a header but no readings", table.SourceName);
        }

        int[] reading = CsvCells.GetIntegers(table, ReadingColumn, 1, int.MaxValue);
        int[] moteId = CsvCells.GetIntegers(table, MoteIdColumn, 0, int.MaxValue);
        bool[] indoor = CsvCells.GetFlags(table, IndoorColumn, "indoor");
        float[] humidity = table.GetNumbers(HumidityColumn);
        float[] temperature = table.GetNumbers(TemperatureColumn);
        bool[] isAnomaly = CsvCells.GetFlags(table, LabelColumn, "anomaly");

        // A repeated reading number would make a mote's order ambiguous.
        var firstRow = new Dictionary<(int Mote, int Reading), int>();
        for (int r = 0; r < reading.Length; r++)
        {
            if (!firstRow.TryAdd((moteId[r], reading[r]), r))
            {
                int earlier = table.GetLineNumber(firstRow[(moteId[r], reading[r])]);
                throw CsvCells.Error(table, r, ReadingColumn, $"reading {reading[r]} of mote {moteId[r]} repeats line {earlier}");
            }
        }

        return new SensorReadings(reading, moteId, indoor, humidity, temperature, isAnomaly);
    }
}
