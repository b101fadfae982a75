using System.Text;
using LokiShipper.Labels;

namespace LokiShipper.Batching;

/// <summary>
/// Batch stage: groups entries by stream (label set), sorts each stream by timestamp (stable: equal timestamps keep
/// their arrival order), and cuts push requests so none exceeds the byte budget (labels + lines + metadata, UTF-8).
/// An entry larger than the budget on its own travels alone.
/// </summary>
public sealed class Batcher
{
    private readonly Dictionary<LabelSet, List<LokiEntry>> _streams = [];
    private readonly List<LabelSet> _order = [];

    public int EntryCount { get; private set; }

    public void Add(LabelSet labels, LokiEntry entry)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!_streams.TryGetValue(labels, out var entries))
        {
            entries = [];
            _streams.Add(labels, entries);
            _order.Add(labels);
        }

        entries.Add(entry);
        EntryCount++;
    }

    public IReadOnlyList<PushBatch> Build(int batchSizeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSizeBytes, 1);
        var batches = new List<PushBatch>();
        var current = new List<LokiStream>();
        List<LokiEntry>? open = null;
        long size = 0;
        var count = 0;

        void Cut()
        {
            if (count == 0)
            {
                return;
            }

            batches.Add(new PushBatch(batches.Count, current, count, size));
            current = [];
            open = null;
            size = 0;
            count = 0;
        }

        foreach (var labels in _order)
        {
            var labelBytes = Encoding.UTF8.GetByteCount(labels.Text);
            open = null;
            foreach (var entry in SortedByTime(_streams[labels]))
            {
                var cost = entry.SizeBytes + (open is null ? labelBytes : 0);
                if (count > 0 && size + cost > batchSizeBytes)
                {
                    Cut();
                    cost = entry.SizeBytes + labelBytes;
                }

                if (open is null)
                {
                    open = [];
                    current.Add(new LokiStream(labels, open));
                }

                open.Add(entry);
                size += cost;
                count++;
            }
        }

        Cut();
        return batches;
    }

    /// <summary>Splits a batch into two halves by entry count (streams keep their labels and order).</summary>
    public static (PushBatch First, PushBatch Second) Split(PushBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.EntryCount < 2)
        {
            throw new ArgumentException("a batch of one entry cannot be split", nameof(batch));
        }

        var half = batch.EntryCount / 2;
        var first = new List<LokiStream>();
        var second = new List<LokiStream>();
        var taken = 0;
        foreach (var stream in batch.Streams)
        {
            var toFirst = Math.Clamp(half - taken, 0, stream.Entries.Count);
            if (toFirst > 0)
            {
                first.Add(stream with { Entries = stream.Entries.Take(toFirst).ToList() });
            }

            if (toFirst < stream.Entries.Count)
            {
                second.Add(stream with { Entries = stream.Entries.Skip(toFirst).ToList() });
            }

            taken += toFirst;
        }

        return (Sized(batch.Index, first), Sized(batch.Index, second));
    }

    private static PushBatch Sized(int index, List<LokiStream> streams) => new(
        index,
        streams,
        streams.Sum(s => s.Entries.Count),
        streams.Sum(s => Encoding.UTF8.GetByteCount(s.Labels.Text) + s.Entries.Sum(e => (long)e.SizeBytes)));

    private static IEnumerable<LokiEntry> SortedByTime(List<LokiEntry> entries)
    {
        for (var i = 1; i < entries.Count; i++)
        {
            if (entries[i].TimestampNs < entries[i - 1].TimestampNs)
            {
                return entries.OrderBy(e => e.TimestampNs); // stable
            }
        }

        return entries;
    }
}
