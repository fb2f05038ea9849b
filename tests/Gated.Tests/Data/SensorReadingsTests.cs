using Gated.Data;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Data;

public class SensorReadingsTests
{
    private const string Header = "reading,mote_id,indoor,humidity,temperature,label\n";

    private static SensorReadings Parse(string text) => SensorReadings.Parse(new StringReader(text), "data/m.csv");

    private static DataFormatException ParseFails(string text) => Assert.Throws<DataFormatException>(() => Parse(text));

    [Fact]
    public void BundledFileLoads()
    {
        SensorReadings readings = SensorReadings.Load(RepoFiles.Find(Path.Combine("data", "sensor-network-single-hop.csv")));

        Assert.Equal(18914, readings.Count);
        Assert.Equal(149, readings.IsAnomaly.Count(a => a));
        Assert.Equal([1, 2, 3, 4], readings.MoteIds);
        Assert.Equal(8834, readings.Indoor.Count(i => i));

        Assert.Equal(1, readings.Reading[0]);
        Assert.Equal(1, readings.MoteId[0]);
        Assert.True(readings.Indoor[0]);
        Assert.Equal(45.93f, readings.Humidity[0]);
        Assert.Equal(27.97f, readings.Temperature[0]);
        Assert.False(readings.IsAnomaly[0]);
        Assert.Equal(23.05f, readings.Temperature[^1]);
    }

    [Theory]
    [InlineData(1, 4417, 117, true)]
    [InlineData(2, 4417, 0, true)]
    [InlineData(3, 5039, 0, false)]
    [InlineData(4, 5041, 32, false)]
    public void BundledMotesAreCompleteSeries(int mote, int count, int anomalies, bool indoor)
    {
        SensorReadings readings = SensorReadings.Load(RepoFiles.Find(Path.Combine("data", "sensor-network-single-hop.csv")));

        SensorReadings series = readings.ForMote(mote);

        Assert.Equal(count, series.Count);
        Assert.Equal(Enumerable.Range(1, count), series.Reading);
        Assert.All(series.MoteId, id => Assert.Equal(mote, id));
        Assert.Equal(anomalies, series.IsAnomaly.Count(a => a));
        Assert.All(series.Indoor, i => Assert.Equal(indoor, i));
    }

    [Fact]
    public void ForMoteOrdersByReading()
    {
        SensorReadings readings = Parse(Header + "2,1,1,40,20.5,0\n1,7,0,30,10,1\n1,1,1,41,20.0,1\n");

        SensorReadings mote = readings.ForMote(1);

        Assert.Equal([1, 7], readings.MoteIds);
        Assert.Equal([1, 2], mote.Reading);
        Assert.Equal([20.0f, 20.5f], mote.Temperature);
        Assert.Equal([41f, 40f], mote.Humidity);
        Assert.Equal([true, false], mote.IsAnomaly);
        Assert.Equal([1], mote.MoteIds);
    }

    [Fact]
    public void UnknownMoteListsTheKnownOnes()
    {
        SensorReadings readings = Parse(Header + "1,1,1,40,20.5,0\n1,7,0,30,10,1\n");

        var ex = Assert.Throws<ArgumentException>(() => readings.ForMote(9));

        Assert.Equal("moteId", ex.ParamName);
        Assert.StartsWith("no readings from mote 9; the motes are 1, 7", ex.Message);
    }

    [Theory]
    [InlineData("1.5,1,1,40,20,0\n", "reading", "'1.5' is not a whole number")]
    [InlineData("0,1,1,40,20,0\n", "reading", "'0' is out of range; expected a whole number at least 1")]
    [InlineData("1,-1,1,40,20,0\n", "mote_id", "'-1' is out of range; expected a whole number at least 0")]
    [InlineData("1,1,yes,40,20,0\n", "indoor", "'yes' is not 0 or 1 (1 = indoor)")]
    [InlineData("1,1,1,40,abc,0\n", "temperature", "'abc' is not a number")]
    [InlineData("1,1,1,,20,0\n", "humidity", "empty cell")]
    [InlineData("1,1,1,40,20,2\n", "label", "'2' is not 0 or 1 (1 = anomaly)")]
    public void BadCellNamesLineAndColumn(string row, string column, string problem)
    {
        DataFormatException ex = ParseFails(Header + "1,2,1,40,20,0\n" + row);

        Assert.Equal($"data/m.csv line 3, column '{column}': {problem}", ex.Message);
        Assert.Equal(3, ex.Line);
        Assert.Equal(column, ex.Column);
    }

    [Fact]
    public void RepeatedReadingOfAMoteIsAnError()
    {
        DataFormatException ex = ParseFails(Header + "1,1,1,40,20,0\n1,2,1,40,20,0\n1,1,1,41,21,0\n");

        Assert.Equal("data/m.csv line 4, column 'reading': reading 1 of mote 1 repeats line 2", ex.Message);
    }

    [Fact]
    public void MissingColumnOrRowsIsAnError()
    {
        Assert.StartsWith("data/m.csv: column 'label' not found",
            ParseFails("reading,mote_id,indoor,humidity,temperature\n1,1,1,40,20\n").Message);
        Assert.Equal("data/m.csv: the file has a header but no readings", ParseFails(Header).Message);
    }
}
