using System.Text;

namespace LokiShipper.Loki;

/// <summary>What one push request carries.</summary>
/// <param name="Index">The batch's position in the invocation (both halves of a split batch keep it).</param>
internal sealed record PushBatch(int Index, IReadOnlyList<LokiStream> Streams, int EntryCount, long SizeBytes)
{
    /// <summary>A batch of these streams, its entry count and size (labels + lines + metadata, UTF-8) computed.</summary>
    public static PushBatch Of(int index, IReadOnlyList<LokiStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        return new(
            index,
            streams,
            streams.Sum(s => s.Entries.Count),
            streams.Sum(s => Encoding.UTF8.GetByteCount(s.Labels.Text) + s.Entries.Sum(e => (long)e.SizeBytes)));
    }

    /// <summary>
    /// This batch in two halves by entry count (streams keep their labels and order), to send again when Loki
    /// refused it as too large. Slices of the same entries: a half is still known to the batcher that built it.
    /// </summary>
    public (PushBatch First, PushBatch Second) Split()
    {
        if (EntryCount < 2)
        {
            throw new InvalidOperationException("a batch of one entry cannot be split");
        }

        var half = EntryCount / 2;
        var first = new List<LokiStream>();
        var second = new List<LokiStream>();
        var taken = 0;
        foreach (var stream in Streams)
        {
            var toFirst = Math.Clamp(half - taken, 0, stream.Entries.Count);
            if (toFirst > 0)
            {
                first.Add(stream with { Entries = Slice(stream.Entries, 0, toFirst) });
            }

            if (toFirst < stream.Entries.Count)
            {
                second.Add(stream with { Entries = Slice(stream.Entries, toFirst, stream.Entries.Count - toFirst) });
            }

            taken += toFirst;
        }

        return (Of(Index, first), Of(Index, second));
    }

    private static IReadOnlyList<LokiEntry> Slice(IReadOnlyList<LokiEntry> entries, int start, int count) =>
        entries is ArraySegment<LokiEntry> segment ? segment.Slice(start, count) : entries.Skip(start).Take(count).ToList();
}
