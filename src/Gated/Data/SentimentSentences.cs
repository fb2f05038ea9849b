namespace Gated.Data;

/// <summary>
/// Reads labelled sentences from a CSV file with the columns <c>source</c>, <c>label</c> (0 negative, 1 positive)
/// and <c>text</c>, such as the bundled <c>data/sentiment-sentences.csv</c> (UCI "Sentiment Labelled Sentences").
/// </summary>
public static class SentimentSentences
{
    /// <summary>The CSV column naming the site the sentence comes from.</summary>
    public const string SourceColumn = "source";
    /// <summary>The CSV column: 1 for a positive sentence, 0 for a negative one.</summary>
    public const string LabelColumn = "label";
    /// <summary>The CSV column of the sentence itself.</summary>
    public const string TextColumn = "text";

    /// <summary>The sentences of a UTF-8 CSV file, in file order; errors name <paramref name="path"/>, the line and the column.</summary>
    public static SentimentSentence[] Load(string path) => Read(CsvTable.Load(path));

    /// <summary>The sentences of CSV text; <paramref name="sourceName"/> is the name errors use for it.</summary>
    public static SentimentSentence[] Parse(TextReader reader, string sourceName) => Read(CsvTable.Parse(reader, sourceName));

    private static SentimentSentence[] Read(CsvTable table)
    {
        if (table.RowCount == 0)
        {
            throw new DataFormatException("the file has a header but no sentences", table.SourceName);
        }

        string[] sources = CsvCells.GetRequiredText(table, SourceColumn);
        bool[] positive = CsvCells.GetFlags(table, LabelColumn, "positive");
        string[] texts = CsvCells.GetRequiredText(table, TextColumn);
        var sentences = new SentimentSentence[table.RowCount];
        for (int r = 0; r < sentences.Length; r++)
        {
            sentences[r] = new SentimentSentence(texts[r], positive[r] ? 1 : 0, sources[r].Trim());
        }

        return sentences;
    }
}
