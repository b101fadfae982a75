using System.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Buffers;

/// <summary>
/// A record's lines, in an array rented from the pool: a <see cref="List{T}"/> of the 3,500 lines of a 1.4 MB record
/// would grow through 196 KB of arrays, the largest on the large object heap, every invocation.
/// </summary>
internal sealed class LineBuffer
{
    /// <summary>JSON bytes per event assumed for the first capacity: about 100 around each message, plus the message.</summary>
    private const int TypicalBytesPerEvent = 256;

    /// <summary>
    /// Smaller arrays are allocated, not rented: the pool's smallest holds 16 lines and it keeps few of each size, so
    /// renting for the thousands of two-line records of a Kinesis batch costs more than it saves (docs/performance.md).
    /// </summary>
    private const int SmallestPooled = 64;

    private LogLine[] _items;
    private int _count;

    public LineBuffer(int capacity) => _items = Allocate(capacity);

    public int Count => _count;

    public ArraySegment<LogLine> Segment => new(_items, 0, _count);

    /// <summary>A first capacity for a record of <paramref name="jsonLength"/> bytes; shorter events make it grow.</summary>
    public static int EstimateCount(long jsonLength) => (int)Math.Clamp(jsonLength / TypicalBytesPerEvent, 4, 1 << 16);

    public void Add(LogLine line)
    {
        if (_count == _items.Length)
        {
            var larger = Allocate(Math.Max(_items.Length * 2, 4));
            _items.AsSpan(0, _count).CopyTo(larger);
            Return(_items, _count);
            _items = larger;
        }

        _items[_count++] = line;
    }

    public void Clear() => _count = 0;

    public void Release()
    {
        Return(_items, _count);
        (_items, _count) = ([], 0);
    }

    private static LogLine[] Allocate(int capacity) =>
        capacity < SmallestPooled ? new LogLine[capacity] : ArrayPool<LogLine>.Shared.Rent(capacity);

    // Cleared, so the pool does not keep line buffers reachable through stale events.
    private static void Return(LogLine[] items, int count)
    {
        if (items.Length >= SmallestPooled)
        {
            items.AsSpan(0, count).Clear();
            ArrayPool<LogLine>.Shared.Return(items);
        }
    }
}
