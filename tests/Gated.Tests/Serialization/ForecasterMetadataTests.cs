using Gated.Forecasting;
using Gated.Serialization;
using Gated.Tests.Cli;
using Xunit;

namespace Gated.Tests.Serialization;

public sealed class ForecasterMetadataTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void ASavedForecasterCarriesTheKeysAndIsDescribedAsOne()
    {
        var options = new TutorialOptions { Window = 8, Units = 2, Layers = 1, Epochs = 1 };
        var (forecaster, _) = TutorialForecaster.Train(ForecastCommandTests.SeasonalSeries(120), options, column: "temp");
        string path = _folder.File("f.safetensors");
        forecaster.Save(path);

        var metadata = GatedModelFile.Load(path).Metadata;
        Assert.True(ForecasterMetadata.IsForecaster(metadata));
        Assert.Equal("8", metadata[ForecasterMetadata.Window]);
        Assert.Equal("1", metadata[ForecasterMetadata.Horizon]);
        Assert.Equal("temp", metadata[ForecasterMetadata.Column]);
        Assert.Equal("minmax", metadata[ForecasterMetadata.Scaler]);
        Assert.Contains(ForecasterMetadata.ScalerState, metadata.Keys);
        Assert.Contains("forecaster", ModelFormats.DescribeOrigin(path), StringComparison.Ordinal);

        GatedModelFile.Save(path, forecaster.Model);
        Assert.False(ForecasterMetadata.IsForecaster(GatedModelFile.Load(path).Metadata));
    }
}
