using LokiShipper.Labels;

namespace LokiShipper.Pipeline;

/// <summary>
/// What is done to lines between decoding and batching (filter, redact, understand, join), for every source alike.
/// The pipeline knows only this: the processing itself lives in <c>Processing/</c>.
/// </summary>
internal interface ILineProcessor
{
    /// <summary>Adds an entry to <paramref name="batcher"/> for each line of a record that is to be shipped, as processed.</summary>
    /// <param name="lines">One record's lines: one log stream, in order.</param>
    /// <param name="labels">The record's stream.</param>
    /// <param name="metadata">The structured metadata every entry of the record carries; entries may get more of their own.</param>
    /// <param name="item">The input item the record belongs to.</param>
    /// <param name="batcher">Where the entries go.</param>
    /// <param name="counts">Where lines cut, redacted, joined or dropped are counted.</param>
    void Map(ArraySegment<LogLine> lines, LabelSet labels, IReadOnlyList<KeyValuePair<string, string>> metadata, int item, Batcher batcher, LineCounts counts);
}
