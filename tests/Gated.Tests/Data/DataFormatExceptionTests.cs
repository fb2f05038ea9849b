using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class DataFormatExceptionTests
{
    [Fact]
    public void MessageNamesFileLineAndColumn()
    {
        var ex = new DataFormatException("'abc' is not a number", "data/x.csv", 17, "temp");

        Assert.Equal("data/x.csv line 17, column 'temp': 'abc' is not a number", ex.Message);
        Assert.Equal("data/x.csv", ex.FilePath);
        Assert.Equal(17, ex.Line);
        Assert.Equal("temp", ex.Column);
    }

    [Fact]
    public void MessageLeavesOutMissingParts()
    {
        Assert.Equal("data/x.csv line 3: too few fields", new DataFormatException("too few fields", "data/x.csv", 3).Message);
        Assert.Equal("data/x.csv: the file is empty", new DataFormatException("the file is empty", "data/x.csv").Message);
        Assert.Equal("line 2: bad", new DataFormatException("bad", null, 2).Message);

        // Without a line, the column is named by the problem text, not repeated in the prefix.
        var ex = new DataFormatException("column 'x' not found", "data/x.csv", column: "x");
        Assert.Equal("data/x.csv: column 'x' not found", ex.Message);
        Assert.Equal("x", ex.Column);
    }

    [Fact]
    public void FileNotFoundNamesThePath()
    {
        var ex = DataFormatException.FileNotFound("data/missing.csv");

        Assert.Equal("file not found: data/missing.csv", ex.Message);
        Assert.Equal("data/missing.csv", ex.FilePath);
        Assert.Null(ex.Line);
    }

    [Fact]
    public void RejectsLineZero()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new DataFormatException("bad", "x.csv", 0));
        Assert.Equal("line", ex.ParamName);
    }
}
