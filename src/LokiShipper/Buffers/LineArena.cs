using System.Buffers;

namespace LokiShipper.Buffers;

/// <summary>
/// Pooled buffers that hold the decoded lines of one event, all its records together, given back in one go when the
/// event is done. One buffer per record instead cost a rental per Kinesis record: 5,000 held at once, more than the
/// pool keeps, so each was a new array.
/// </summary>
internal sealed class LineArena : IDisposable
{
    private const int FirstBlockSize = 64 * 1024;
    private const int LargestBlockSize = 4 * 1024 * 1024;
    private readonly List<byte[]> _blocks = [];
    private readonly List<LineBuffer> _events = [];
    private byte[] _current = [];
    private int _used;
    private int _nextBlockSize = FirstBlockSize;

    /// <summary>Room for at least <paramref name="capacity"/> bytes; <see cref="Commit"/> what was written there.</summary>
    /// <remarks>Blocks double up to 4 MiB, so a large event takes a few blocks the pool can keep between invocations.</remarks>
    public (byte[] Block, int Offset) Reserve(int capacity)
    {
        if (_current.Length - _used < capacity)
        {
            _current = ArrayPool<byte>.Shared.Rent(Math.Max(capacity, _nextBlockSize));
            _nextBlockSize = Math.Min(_nextBlockSize * 2, LargestBlockSize);
            _blocks.Add(_current);
            _used = 0;
        }

        return (_current, _used);
    }

    public void Commit(int bytes) => _used += bytes;

    /// <summary>A list for the events of a record of <paramref name="jsonLength"/> bytes, given back with the lines.</summary>
    public LineBuffer NewLineBuffer(long jsonLength)
    {
        var events = new LineBuffer(LineBuffer.EstimateCount(jsonLength));
        _events.Add(events);
        return events;
    }

    public void Dispose()
    {
        foreach (var block in _blocks)
        {
            ArrayPool<byte>.Shared.Return(block);
        }

        foreach (var events in _events)
        {
            events.Release();
        }

        _blocks.Clear();
        _events.Clear();
        _current = [];
        _used = 0;
        _nextBlockSize = FirstBlockSize;
    }
}
