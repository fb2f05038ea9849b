using System.Text;
using Gated.Data;
using Xunit;

namespace Gated.Tests.Data;

public class CsvTableTests
{
    private static CsvTable Parse(string text) => CsvTable.Parse(new StringReader(text), "data/x.csv");

    private static DataFormatException ParseFails(string text) =>
        Assert.Throws<DataFormatException>(() => Parse(text));

    [Fact]
    public void ReadsColumnsRowsTextAndNumbers()
    {
        CsvTable table = Parse("date,temp,name\n2001-01-01,1.5,a\n2001-01-02,-2e1,b\n");

        Assert.Equal(["date", "temp", "name"], table.Columns);
        Assert.Equal(2, table.RowCount);
        Assert.True(table.HasColumn("temp"));
        Assert.False(table.HasColumn("Temp"));
        Assert.Equal(["a", "b"], table.GetText("name"));
        Assert.Equal([1.5f, -20f], table.GetNumbers("temp"));
        Assert.Equal([new DateOnly(2001, 1, 1), new DateOnly(2001, 1, 2)], table.GetDates("date"));
        Assert.Equal("data/x.csv", table.SourceName);
    }

    [Fact]
    public void LastLineWithoutLineBreakIsRead()
    {
        CsvTable table = Parse("a,b\n1,2");

        Assert.Equal(1, table.RowCount);
        Assert.Equal([2f], table.GetNumbers("b"));
    }

    [Fact]
    public void HeaderNamesAreTrimmed()
    {
        CsvTable table = Parse("date, temp ,x\n1,2,3\n");

        Assert.Equal(["date", "temp", "x"], table.Columns);
    }

    [Fact]
    public void HeaderOnlyGivesNoRows()
    {
        CsvTable table = Parse("a,b\n");

        Assert.Equal(0, table.RowCount);
        Assert.Empty(table.GetNumbers("a"));
    }

    [Fact]
    public void QuotedFieldsKeepCommasQuotesAndLineBreaks()
    {
        CsvTable table = Parse("id,note,v\n1,\"a, b\",2\n2,\"say \"\"hi\"\"\",3\n3,\"two\nlines\",4\n4,\"\",5\n");

        Assert.Equal(["a, b", "say \"hi\"", "two\nlines", ""], table.GetText("note"));
        Assert.Equal([2f, 3f, 4f, 5f], table.GetNumbers("v"));

        // The row after the two-line field starts on line 6, not 5.
        Assert.Equal([2, 3, 4, 6], Enumerable.Range(0, table.RowCount).Select(table.GetLineNumber));
    }

    [Fact]
    public void QuotedNumbersParse()
    {
        Assert.Equal([1.25f], Parse("a\n\"1.25\"\n").GetNumbers("a"));
    }

    [Fact]
    public void ByteOrderMarkIsSkipped()
    {
        CsvTable table = Parse("\uFEFFdate,temp\n2001-01-01,3\n");

        Assert.Equal("date", table.Columns[0]);
        Assert.True(table.HasColumn("date"));
    }

    [Fact]
    public void LoadSkipsUtf8ByteOrderMark()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gated-bom-{Guid.NewGuid():N}.csv");
        try
        {
            File.WriteAllText(path, "date,temp\r\n2001-01-01,3\r\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            Assert.Equal([0xEF, 0xBB, 0xBF], File.ReadAllBytes(path)[..3]);

            CsvTable table = CsvTable.Load(path);

            Assert.Equal(["date", "temp"], table.Columns);
            Assert.Equal([3f], table.GetNumbers("temp"));
            Assert.Equal(path, table.SourceName);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void CrlfLineEndsAreAccepted()
    {
        CsvTable table = Parse("a,b\r\n1,x\r\n2,\"y\r\nz\"\r\n3,w\r\n");

        Assert.Equal([1f, 2f, 3f], table.GetNumbers("a"));
        Assert.Equal(["x", "y\r\nz", "w"], table.GetText("b"));
        Assert.Equal(5, table.GetLineNumber(2));
    }

    [Fact]
    public void TrailingEmptyLinesAreSkipped()
    {
        CsvTable table = Parse("a,b\n1,2\n\n\r\n  \n");

        Assert.Equal(1, table.RowCount);
    }

    [Fact]
    public void LoadMissingFileNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"gated-missing-{Guid.NewGuid():N}.csv");

        var ex = Assert.Throws<DataFormatException>(() => CsvTable.Load(path));

        Assert.Equal($"file not found: {path}", ex.Message);
        Assert.Equal(path, ex.FilePath);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("\uFEFF")]
    public void EmptyFileIsAnError(string text)
    {
        DataFormatException ex = ParseFails(text);

        Assert.StartsWith("data/x.csv: the file is empty", ex.Message);
        Assert.Contains("header", ex.Message);
    }

    [Fact]
    public void BlankFirstLineIsAnEmptyHeader()
    {
        DataFormatException ex = ParseFails("\na,b\n1,2\n");

        Assert.StartsWith("data/x.csv line 1: the header row is empty", ex.Message);
    }

    [Fact]
    public void EmptyColumnNameIsAnError()
    {
        DataFormatException ex = ParseFails("date,,temp\n1,2,3\n");

        Assert.Equal("data/x.csv line 1: column 2 of the header has an empty name", ex.Message);
        Assert.Equal(1, ex.Line);
    }

    [Fact]
    public void DuplicateColumnNameIsAnError()
    {
        DataFormatException ex = ParseFails("date,temp,wind,temp\n1,2,3,4\n");

        Assert.Equal("data/x.csv line 1, column 'temp': duplicate column name (columns 2 and 4 of the header)", ex.Message);
        Assert.Equal("temp", ex.Column);
    }

    [Fact]
    public void WrongFieldCountNamesTheLine()
    {
        DataFormatException ex = ParseFails("a,b,c\n1,2,3\n4,5\n");

        Assert.Equal("data/x.csv line 3: 2 fields, but the header has 3 columns", ex.Message);
        Assert.Equal(3, ex.Line);
        Assert.Equal("data/x.csv", ex.FilePath);
    }

    [Fact]
    public void TooManyFieldsNamesTheLine()
    {
        DataFormatException ex = ParseFails("a,b\n1,2\n3,4\n5,6,\n");

        Assert.Equal("data/x.csv line 4: 3 fields, but the header has 2 columns", ex.Message);
    }

    [Fact]
    public void BlankLineInsideTheDataIsAnError()
    {
        DataFormatException ex = ParseFails("a,b\n1,2\n\n3,4\n");

        Assert.Equal("data/x.csv line 3: empty line; expected 2 fields as in the header", ex.Message);
    }

    [Fact]
    public void UnterminatedQuoteNamesTheLineItOpensOn()
    {
        DataFormatException ex = ParseFails("a,b\n1,2\n3,\"open\n4,5\n");

        Assert.StartsWith("data/x.csv line 3: unterminated quote", ex.Message);
        Assert.Equal(3, ex.Line);
    }

    [Fact]
    public void TextAfterClosingQuoteIsAnError()
    {
        DataFormatException ex = ParseFails("a,b\n\"x\"y,2\n");

        Assert.StartsWith("data/x.csv line 2: unexpected text after the closing quote of field 1", ex.Message);
    }

    [Fact]
    public void EmptyCellNamesLineAndColumn()
    {
        CsvTable table = Parse("date,temp\n2001-01-01,1\n2001-01-02,\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetNumbers("temp"));

        Assert.Equal("data/x.csv line 3, column 'temp': empty cell", ex.Message);
        Assert.Equal(3, ex.Line);
        Assert.Equal("temp", ex.Column);
    }

    [Fact]
    public void NonNumericCellNamesLineColumnAndText()
    {
        CsvTable table = Parse("date,temp\n2001-01-01,1\n2001-01-02,2\n2001-01-03,abc\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetNumbers("temp"));

        Assert.Equal("data/x.csv line 4, column 'temp': 'abc' is not a number", ex.Message);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void NonFiniteNumbersAreErrors(string text)
    {
        CsvTable table = Parse($"temp\n1\n{text}\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetNumbers("temp"));

        Assert.Equal($"data/x.csv line 3, column 'temp': '{text}' is not a finite number", ex.Message);
    }

    [Fact]
    public void NumberBeyondFloatRangeIsAnError()
    {
        var ex = Assert.Throws<DataFormatException>(() => Parse("v\n1e39\n").GetNumbers("v"));

        Assert.Equal("data/x.csv line 2, column 'v': '1e39' is outside the float32 range", ex.Message);
    }

    [Fact]
    public void NumbersUseInvariantCulture()
    {
        CsvTable table = Parse("v\n\"1,5\"\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetNumbers("v"));

        Assert.Contains("'1,5' is not a number", ex.Message);
    }

    [Fact]
    public void LongBadCellIsShortenedToOneLine()
    {
        string cell = "x\n" + new string('y', 200);
        var ex = Assert.Throws<DataFormatException>(() => Parse($"v\n\"{cell}\"\n").GetNumbers("v"));

        Assert.DoesNotContain("\n", ex.Message);
        Assert.True(ex.Message.Length < 120, ex.Message);
    }

    [Fact]
    public void MissingColumnListsTheColumns()
    {
        CsvTable table = Parse("date,temp,wind\n2001-01-01,1,2\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetNumbers("humidity"));

        Assert.Equal("data/x.csv: column 'humidity' not found; the file has: date, temp, wind", ex.Message);
        Assert.Equal("humidity", ex.Column);
        Assert.Throws<DataFormatException>(() => table.GetText("humidity"));
        Assert.Throws<DataFormatException>(() => table.GetDates("humidity"));
    }

    [Fact]
    public void MissingColumnSuggestsCaseMismatch()
    {
        var ex = Assert.Throws<DataFormatException>(() => Parse("Date,Temp\n1,2\n").GetNumbers("temp"));

        Assert.Contains("column 'temp' not found (did you mean 'Temp'?)", ex.Message);
    }

    [Fact]
    public void BadDateNamesLineAndColumn()
    {
        CsvTable table = Parse("date,temp\n2001-01-01,1\n01/02/2001,2\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetDates("date"));

        Assert.Equal("data/x.csv line 3, column 'date': '01/02/2001' is not a date of the form yyyy-MM-dd", ex.Message);
    }

    [Fact]
    public void ImpossibleDateIsAnError()
    {
        var ex = Assert.Throws<DataFormatException>(() => Parse("date\n2001-02-30\n").GetDates("date"));

        Assert.Contains("line 2, column 'date': '2001-02-30' is not a date", ex.Message);
    }

    [Fact]
    public void IncreasingDatesPass()
    {
        DateOnly[] dates = Parse("date\n2001-01-01\n2001-01-03\n2001-02-01\n").GetIncreasingDates("date");

        Assert.Equal(3, dates.Length);
    }

    [Fact]
    public void DateGoingBackNamesTheLine()
    {
        CsvTable table = Parse("date\n2001-01-01\n2001-01-06\n2001-01-05\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetIncreasingDates("date"));

        Assert.Equal(
            "data/x.csv line 4, column 'date': 2001-01-05 comes before 2001-01-06 on line 3; dates must be strictly increasing",
            ex.Message);
        Assert.Equal(4, ex.Line);
    }

    [Fact]
    public void RepeatedDateNamesTheLine()
    {
        var ex = Assert.Throws<DataFormatException>(() =>
            Parse("date\n2001-01-01\n2001-01-02\n2001-01-02\n").GetIncreasingDates("date"));

        Assert.Equal(
            "data/x.csv line 4, column 'date': 2001-01-02 repeats the date on line 3; dates must be strictly increasing",
            ex.Message);
    }

    [Fact]
    public void AGapInEvenlySpacedDatesNamesItsDatesAndSize()
    {
        CsvTable table = Parse("date\n2001-01-01\n2001-01-02\n2001-01-03\n2001-01-14\n2001-01-15\n");

        var ex = Assert.Throws<DataFormatException>(() => table.GetEvenlySpacedDates("date"));

        Assert.Equal(
            "data/x.csv line 5, column 'date': a 11-day gap from 2001-01-03 (line 4) to 2001-01-14, where the series usually steps 1 day; fill or drop the missing dates",
            ex.Message);
    }

    [Theory]
    [InlineData("2001-01-31\n2001-02-28\n2001-03-31\n2001-04-30\n2001-05-31\n")] // months of 28 to 31 days
    [InlineData("2001-01-01\n2002-01-01\n2003-01-01\n2004-01-01\n2005-01-01\n")] // a leap year among years
    [InlineData("2001-01-01\n2001-01-08\n2001-01-15\n")] // weeks
    public void CalendarSpacingIsNotAGap(string rows)
    {
        Assert.Equal(rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length, Parse("date\n" + rows).GetEvenlySpacedDates("date").Length);
    }

    [Theory]
    [InlineData("date,day,temp\n2001-01-01,2001-01-01,1\n", "date")]
    [InlineData("day,temp\n2001-01-01,1\n2001-01-02,2\n", "day")]
    [InlineData("temp,day\n1,2001-01-01\n", null)]
    [InlineData("day,temp\n2001-01-01,1\nyesterday,2\n", null)]
    public void TheDateColumnIsDateOrADateLikeFirstColumn(string csv, string? expected)
    {
        Assert.Equal(expected, Parse(csv).DetectDateColumn());
    }

    [Theory]
    [InlineData("date;temp\n2001-01-01;1\n", "semicolon")]
    [InlineData("date\ttemp\n2001-01-01\t1\n", "tab")]
    public void AMissingColumnInAOneColumnHeaderHintsAtTheSeparator(string csv, string separator)
    {
        var ex = Assert.Throws<DataFormatException>(() => Parse(csv).GetNumbers("temp"));

        Assert.Contains($"the header looks {separator}-separated; Gated reads comma-separated files", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetTextReturnsACopy()
    {
        CsvTable table = Parse("a\nx\n");

        table.GetText("a")[0] = "changed";

        Assert.Equal("x", table.GetText("a")[0]);
    }

    [Fact]
    public void ArgumentsAreChecked()
    {
        Assert.Equal("reader", Assert.Throws<ArgumentNullException>(() => CsvTable.Parse(null!, "x")).ParamName);
        Assert.Equal("sourceName", Assert.Throws<ArgumentException>(() => CsvTable.Parse(new StringReader("a"), "")).ParamName);
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => CsvTable.Load("")).ParamName);
        Assert.Equal("row", Assert.Throws<ArgumentOutOfRangeException>(() => Parse("a\n1\n").GetLineNumber(1)).ParamName);
    }
}
