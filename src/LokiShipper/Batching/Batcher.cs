using System.Text;
using LokiShipper.Labels;

namespace LokiShipper.Batching;

/// <summary>
/// Batch stage: groups entries by stream (label set), sorts each stream by timestamp (stable: equal timestamps keep
/// their arrival order), and cuts push requests so none exceeds the byte budget (labels + lines + metadata, UTF-8).
/// An entry larger than the budget on its own travels alone.
/// </summary>
/// <remarks>
/// Each stream's entries live in one array rented from the shared pool, and batches are slices of those arrays, not
/// copies. A 3,500-entry stream is 112 KB of entries: allocated (twice, with the batch copies) it landed on the large
/// object heap on every invocation. Dispose the batcher once its batches are pushed; the arrays go back to the pool.
/// </remarks>
public sealed class Batcher : IDisposable
{
    private readonly Dictionary<LabelSet, StreamEntries> _streams = [];
    private readonly List<StreamEntries> _order = [];
    private StreamEntries? _last;

    public int EntryCount { get; private set; }

    public void Add(LabelSet labels, LokiEntry entry)
    {
        ArgumentNullException.ThrowIfNull(labels);

        // A record's entries all share one label set: skip the dictionary for all but the first.
        var stream = ReferenceEquals(_last?.Labels, labels) ? _last! : Find(labels);
        stream.Add(entry);
        _last = stream;
        EntryCount++;
    }

    public IReadOnlyList<PushBatch> Build(int batchSizeBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSizeBytes, 1);
        var batches = new List<PushBatch>();
        var current = new List<LokiStream>();
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
            size = 0;
            count = 0;
        }

        foreach (var stream in _order)
        {
            var labelBytes = Encoding.UTF8.GetByteCount(stream.Labels.Text);
            var entries = stream.SortedByTime();
            var sliceStart = 0;
            for (var i = 0; i < entries.Count; i++)
            {
                var entrySize = entries[i].SizeBytes;
                var cost = entrySize + (i == sliceStart ? labelBytes : 0);
                if (count > 0 && size + cost > batchSizeBytes)
                {
                    if (i > sliceStart)
                    {
                        current.Add(new LokiStream(stream.Labels, entries.Slice(sliceStart, i - sliceStart)));
                    }

                    Cut();
                    sliceStart = i;
                    cost = entrySize + labelBytes;
                }

                size += cost;
                count++;
            }

            if (entries.Count > sliceStart)
            {
                current.Add(new LokiStream(stream.Labels, entries.Slice(sliceStart, entries.Count - sliceStart)));
            }
        }

        Cut();
        return batches;
    }

    /// <summary>Gives the entry arrays back to the pool; batches built from this batcher must not be used after.</summary>
    public void Dispose()
    {
        foreach (var stream in _order)
        {
            stream.Dispose();
        }

        _order.Clear();
        _streams.Clear();
        _last = null;
    }

    private StreamEntries Find(LabelSet labels)
    {
        if (!_streams.TryGetValue(labels, out var stream))
        {
            stream = new StreamEntries(labels);
            _streams.Add(labels, stream);
            _order.Add(stream);
        }

        return stream;
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

        return (PushBatch.Of(batch.Index, first), PushBatch.Of(batch.Index, second));
    }

    /// <summary>One stream's entries in arrival order, in a pooled array that grows by doubling.</summary>
    private sealed class StreamEntries(LabelSet labels) : IDisposable
    {
        private LokiEntry[] _items = System.Buffers.ArrayPool<LokiEntry>.Shared.Rent(16);
        private int _count;

        public LabelSet Labels { get; } = labels;

        public void Add(LokiEntry entry)
        {
            if (_count == _items.Length)
            {
                var larger = System.Buffers.ArrayPool<LokiEntry>.Shared.Rent(_items.Length * 2);
                _items.AsSpan(0, _count).CopyTo(larger);
                Return(_items);
                _items = larger;
            }

            _items[_count++] = entry;
        }

        /// <summary>The entries sorted by timestamp, stable. In place: CloudWatch sends them in order, so usually a no-op.</summary>
        public ArraySegment<LokiEntry> SortedByTime()
        {
            var entries = _items.AsSpan(0, _count);
            for (var i = 1; i < entries.Length; i++)
            {
                if (entries[i].TimestampNs < entries[i - 1].TimestampNs)
                {
                    var sorted = entries.ToArray().OrderBy(e => e.TimestampNs).ToArray(); // OrderBy is stable
                    sorted.CopyTo(entries);
                    break;
                }
            }

            return new ArraySegment<LokiEntry>(_items, 0, _count);
        }

        public void Dispose()
        {
            Return(_items);
            _items = [];
            _count = 0;
        }

        // Entries reference their lines' buffers and metadata: clear them so the pool does not keep those alive.
        private static void Return(LokiEntry[] items)
        {
            if (items.Length > 0)
            {
                System.Buffers.ArrayPool<LokiEntry>.Shared.Return(items, clearArray: true);
            }
        }
    }
}
