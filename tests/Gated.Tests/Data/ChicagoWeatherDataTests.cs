using Gated.Data;
using Gated.Tests.TestSupport;
using Xunit;

namespace Gated.Tests.Data;

/// <summary>The bundled data set loads cleanly, so examples and the CLI can rely on it.</summary>
public class ChicagoWeatherDataTests
{
    [Fact]
    public void BundledFileLoads()
    {
        CsvTable table = CsvTable.Load(RepoFiles.Find(Path.Combine("data", "chicago-daily-weather.csv")));

        Assert.Equal(5698, table.RowCount);
        Assert.Contains("date", table.Columns);
        Assert.Contains("temp", table.Columns);

        float[] temp = table.GetNumbers("temp");
        Assert.Equal(19.45f, temp[0]);
        Assert.All(temp, t => Assert.True(float.IsFinite(t)));

        DateOnly[] dates = table.GetIncreasingDates("date");
        Assert.Equal(new DateOnly(2001, 1, 22), dates[0]);
    }
}
