using System.Buffers;
using System.Text;
using LokiShipper.Labels;
using LokiShipper.Loki;

namespace LokiShipper.Pipeline;

/// <summary>
/// Batch stage: groups entries by stream (label set), sorts each stream by timestamp (stable: equal timestamps keep
/// their arrival order), and cuts push requests so none exceeds the byte budget (labels + lines + metadata, UTF-8).
/// An entry larger than the budget on its own travels alone. Each entry remembers the input item it came from, so a
/// failed batch names the items to retry without the wire model knowing of items.
/// </summary>
/// <remarks>
/// Each stream's entries live in one array rented from the shared pool, and batches are slices of those arrays, not
/// copies. A 3,500-entry stream is 112 KB of entries: allocated (twice, with the batch copies) it would land on the large
/// object heap on every invocation. Dispose the batcher once its batches are pushed; the arrays go back to the pool.
/// </remarks>
internal sealed class Batcher : IDisposable
{
    private readonly Dictionary<LabelSet, StreamEntries> _streams = [];
    private readonly List<StreamEntries> _order = [];
    private StreamEntries? _last;

    public int EntryCount { get; private set; }

    /// <param name="labels">The entry's stream.</param>
    /// <param name="entry">The entry.</param>
    /// <param name="item">The index of the input item it came from.</param>
    public void Add(LabelSet labels, LokiEntry entry, int item = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);

        // A record's entries all share one label set: skip the dictionary for all but the first.
        var stream = ReferenceEquals(_last?.Labels, labels) ? _last! : Find(labels);
        stream.Add(entry, item);
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

    /// <summary>
    /// The input items with an entry in <paramref name="batch"/> (a batch built here, or a half of one), in order.
    /// Computed only for failed batches.
    /// </summary>
    public SortedSet<int> ItemsOf(PushBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var items = new SortedSet<int>();
        foreach (var stream in batch.Streams)
        {
            if (stream.Entries is not ArraySegment<LokiEntry> slice || !_streams.TryGetValue(stream.Labels, out var entries) || !entries.Holds(slice))
            {
                throw new ArgumentException("the batch was not built by this batcher", nameof(batch));
            }

            items.UnionWith(entries.ItemsOf(slice));
        }

        return items;
    }

    /// <summary>One stream's entries in arrival order, and the item of each, in pooled arrays that grow by doubling.</summary>
    private sealed class StreamEntries(LabelSet labels) : IDisposable
    {
        private LokiEntry[] _entries = ArrayPool<LokiEntry>.Shared.Rent(16);
        private int[] _items = ArrayPool<int>.Shared.Rent(16);
        private int _count;

        public LabelSet Labels { get; } = labels;

        public void Add(LokiEntry entry, int item)
        {
            if (_count == _entries.Length)
            {
                var larger = ArrayPool<LokiEntry>.Shared.Rent(_entries.Length * 2);
                _entries.AsSpan(0, _count).CopyTo(larger);
                Return(_entries);
                _entries = larger;
                var largerItems = ArrayPool<int>.Shared.Rent(larger.Length);
                _items.AsSpan(0, _count).CopyTo(largerItems);
                ArrayPool<int>.Shared.Return(_items);
                _items = largerItems;
            }

            _entries[_count] = entry;
            _items[_count++] = item;
        }

        /// <summary>The entries sorted by timestamp, stable. In place: CloudWatch sends them in order, so usually a no-op.</summary>
        public ArraySegment<LokiEntry> SortedByTime()
        {
            var entries = _entries.AsSpan(0, _count);
            for (var i = 1; i < entries.Length; i++)
            {
                if (entries[i].TimestampNs < entries[i - 1].TimestampNs)
                {
                    var order = Enumerable.Range(0, _count).OrderBy(j => _entries[j].TimestampNs).ToArray(); // OrderBy is stable
                    var sorted = order.Select(j => _entries[j]).ToArray();
                    var items = order.Select(j => _items[j]).ToArray();
                    sorted.CopyTo(entries);
                    items.CopyTo(_items.AsSpan(0, _count));
                    break;
                }
            }

            return new ArraySegment<LokiEntry>(_entries, 0, _count);
        }

        public bool Holds(ArraySegment<LokiEntry> slice) => ReferenceEquals(slice.Array, _entries);

        public IEnumerable<int> ItemsOf(ArraySegment<LokiEntry> slice) => new ArraySegment<int>(_items, slice.Offset, slice.Count);

        public void Dispose()
        {
            Return(_entries);
            if (_items.Length > 0)
            {
                ArrayPool<int>.Shared.Return(_items);
            }

            _entries = [];
            _items = [];
            _count = 0;
        }

        // Entries reference their lines' buffers and metadata: clear them so the pool does not keep those alive.
        private static void Return(LokiEntry[] entries)
        {
            if (entries.Length > 0)
            {
                ArrayPool<LokiEntry>.Shared.Return(entries, clearArray: true);
            }
        }
    }
}
