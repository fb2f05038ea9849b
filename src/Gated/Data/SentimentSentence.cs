namespace Gated.Data;

/// <summary>One labelled sentence of the bundled sentiment set.</summary>
/// <param name="Text">The sentence as written in the review.</param>
/// <param name="Label">0 negative, 1 positive.</param>
/// <param name="Source">Where the review came from: imdb, yelp or amazon in the bundled file.</param>
public sealed record SentimentSentence(string Text, int Label, string Source);
