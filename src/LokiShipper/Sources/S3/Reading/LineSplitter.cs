using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Unicode;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3.Reading;

/// <summary>
/// Reads a stream (an S3 object's content) as lines, in a pooled buffer of bounded size, however large the object and
/// however long its lines.
/// </summary>
/// <remarks>
/// <para>
/// A line ends at <c>\n</c>; a <c>\r</c> before it is dropped, and so is one at the very end of the stream. The last
/// line counts without a newline. Empty lines are skipped (counted in <see cref="EmptyLinesSkipped"/>): Loki rejects
/// empty entries, and a blank line carries nothing to ship.
/// </para>
/// <para>
/// A line longer than the limit (<c>MAX_LINE_SIZE</c>; 0 means no limit but still <see cref="HardLimitBytes"/>, which
/// also caps larger settings) keeps its first bytes, cut on a character boundary, followed by
/// <see cref="LineTruncation.Marker"/> with its original length, the whole no longer than the limit: what
/// <see cref="LineTruncation"/> would make of it, so the pipeline does not cut it again. The rest of that line is read
/// and dropped without being held, and reading goes on with the next line: lambda-promtail's reader instead stops at
/// a 64 KiB line and loses the rest of the object without a word.
/// </para>
/// <para>
/// Lines are handed out as valid UTF-8: a line that is not gets each ill-formed sequence replaced by U+FFFD, as
/// <see cref="Encoding.UTF8"/> decodes it (Loki would reject or mangle it otherwise).
/// </para>
/// <para>
/// Memory: the buffer holds at most the limit plus one read chunk (the pool may hand out a larger array, whose extra
/// room is not used); a line with invalid UTF-8 or one cut short takes a second buffer of at most the limit. Reading
/// a line allocates nothing: its bytes stay in these buffers until the next read.
/// </para>
/// </remarks>
internal sealed class LineSplitter : IDisposable
{
    /// <summary>The longest line ever held, whatever the setting: 16 MiB, 64 times Loki 3's own limit.</summary>
    public const int HardLimitBytes = 16 * 1024 * 1024;

    /// <summary>Bytes asked of the stream per read.</summary>
    public const int DefaultChunkBytes = 64 * 1024;

    private const byte NewLine = (byte)'\n';
    private const byte CarriageReturn = (byte)'\r';

    /// <summary>Longest marker <see cref="LineTruncation.Marker"/> makes (int.MaxValue bytes), with room to spare.</summary>
    private const int MarkerRoom = 96;

    private readonly Stream _stream;
    private readonly int _limit;
    private readonly int _chunk;
    private readonly int _maxCapacity;

    private byte[] _buffer;
    private int _capacity;

    /// <summary>Start of the bytes not handed out yet.</summary>
    private int _start;

    /// <summary>End of the bytes read.</summary>
    private int _end;

    /// <summary>[<see cref="_start"/>, <see cref="_scanned"/>) holds no newline: searched already.</summary>
    private int _scanned;

    private bool _endOfStream;

    /// <summary>
    /// Reading past the limit in a line: its first <see cref="_limit"/> bytes stay at [0, limit), what follows is read
    /// after them, searched for the newline and dropped.
    /// </summary>
    private bool _overflow;

    private long _overflowLength;
    private bool _overflowEndsInCr;

    private byte[] _scratch = [];
    private SplitLine _current;

    /// <param name="stream">Read from where it is; not disposed by the splitter.</param>
    /// <param name="maxLineBytes">Longest line in bytes, marker included (<c>MAX_LINE_SIZE</c>); 0: <see cref="HardLimitBytes"/>.</param>
    /// <param name="chunkBytes">Bytes asked of the stream per read.</param>
    public LineSplitter(Stream stream, int maxLineBytes, int chunkBytes = DefaultChunkBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (maxLineBytes is < 0 or (> 0 and < LineTruncation.MinimumMaxLineSize))
        {
            throw new ArgumentOutOfRangeException(nameof(maxLineBytes), maxLineBytes, $"0 (no limit) or at least {LineTruncation.MinimumMaxLineSize}, so the truncation marker fits");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(chunkBytes, HardLimitBytes);

        _stream = stream;
        _limit = maxLineBytes == 0 ? HardLimitBytes : Math.Min(maxLineBytes, HardLimitBytes);
        _chunk = chunkBytes;
        _maxCapacity = _limit + chunkBytes;

        // Lines are usually short: start small and grow towards the limit only when a line needs it.
        _capacity = Math.Min(_maxCapacity, 2 * chunkBytes);
        _buffer = ArrayPool<byte>.Shared.Rent(_capacity);
    }

    /// <summary>The line the last successful <see cref="ReadLineAsync"/> read; its bytes are valid until the next call.</summary>
    public SplitLine Current => _current;

    /// <summary>Bytes of the stream read up to and including the end of <see cref="Current"/> (its newline).</summary>
    public long BytesConsumed { get; private set; }

    /// <summary>Lines with nothing in them (after dropping a <c>\r</c>), passed over.</summary>
    public long EmptyLinesSkipped { get; private set; }

    /// <summary>Reads the next non-empty line into <see cref="Current"/>; false at the end of the stream.</summary>
    /// <remarks>Completes without an await (and so without allocating) while the buffer holds a whole line.</remarks>
    public ValueTask<bool> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        return TryTakeLine() ? new ValueTask<bool>(true) : ReadMoreAsync(cancellationToken);
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }

        if (_scratch.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = [];
        }

        _current = default;
    }

    // Pooled: a stream that completes reads asynchronously (the network) would otherwise cost a state machine box per read.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> ReadMoreAsync(CancellationToken cancellationToken)
    {
        while (!_endOfStream)
        {
            MakeRoom();
            var read = await _stream.ReadAsync(_buffer.AsMemory(_end, Math.Min(_chunk, _capacity - _end)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                _endOfStream = true;
                break;
            }

            _end += read;
            if (TryTakeLine())
            {
                return true;
            }
        }

        return TakeLastLine();
    }

    /// <summary>Hands out the next line the buffer holds whole (or the end of one that ran past the limit).</summary>
    private bool TryTakeLine()
    {
        if (_overflow)
        {
            return TryEndOverflow();
        }

        while (true)
        {
            var found = _buffer.AsSpan(_scanned, _end - _scanned).IndexOf(NewLine);
            if (found < 0)
            {
                _scanned = _end;
                if (_end - _start > _limit)
                {
                    StartOverflow();
                }

                return false;
            }

            var newline = _scanned + found;
            var lineStart = _start;
            var length = newline - lineStart;
            _start = _scanned = newline + 1;
            BytesConsumed += length + 1;
            if (length > 0 && _buffer[newline - 1] == CarriageReturn)
            {
                length--;
            }

            if (length == 0)
            {
                EmptyLinesSkipped++;
                continue;
            }

            Produce(lineStart, length);
            return true;
        }
    }

    /// <summary>At the end of the stream: the last line, without a newline, or the end of one that ran past the limit.</summary>
    private bool TakeLastLine()
    {
        if (_overflow)
        {
            _overflow = false;
            BytesConsumed += _overflowLength;
            _start = _scanned = _end;
            ProduceOverflowed();
            return true;
        }

        var length = _end - _start;
        if (length == 0)
        {
            return false;
        }

        var lineStart = _start;
        BytesConsumed += length;
        _start = _scanned = _end;
        if (_buffer[_end - 1] == CarriageReturn)
        {
            length--;
        }

        if (length == 0)
        {
            EmptyLinesSkipped++;
            return false;
        }

        Produce(lineStart, length);
        return true;
    }

    /// <summary>The line at <see cref="_start"/> has more than the limit and no newline yet: keep its start, drop the rest as it comes.</summary>
    private void StartOverflow()
    {
        _overflow = true;
        _overflowLength = _end - _start;
        _overflowEndsInCr = _buffer[_end - 1] == CarriageReturn;
        _buffer.AsSpan(_start, _limit).CopyTo(_buffer);
        _start = 0;
        _end = _scanned = _limit;
    }

    private bool TryEndOverflow()
    {
        var found = _buffer.AsSpan(_limit, _end - _limit).IndexOf(NewLine);
        if (found < 0)
        {
            if (_end > _limit)
            {
                _overflowLength += _end - _limit;
                _overflowEndsInCr = _buffer[_end - 1] == CarriageReturn;
                _end = _scanned = _limit;
            }

            return false;
        }

        var newline = _limit + found;
        _overflowLength += found;
        if (found > 0)
        {
            _overflowEndsInCr = _buffer[newline - 1] == CarriageReturn;
        }

        BytesConsumed += _overflowLength + 1;
        _overflow = false;

        // What follows the newline stays where it is; the line handed out is built in [0, limit), before it.
        _start = _scanned = newline + 1;
        ProduceOverflowed();
        return true;
    }

    private void ProduceOverflowed() => Produce(0, _overflowLength - (_overflowEndsInCr ? 1 : 0));

    /// <summary>Room for one more read: in place, else by moving the unread bytes to the front, else in a larger buffer.</summary>
    private void MakeRoom()
    {
        if (_overflow)
        {
            // The kept start of the line fills [0, limit); the rest of the line is read after it.
            if (_capacity < _maxCapacity)
            {
                Resize(_maxCapacity);
            }

            return;
        }

        if (_start == _end)
        {
            _start = _end = _scanned = 0;
        }

        if (_capacity - _end >= _chunk)
        {
            return;
        }

        if (_start > 0)
        {
            var pending = _end - _start;
            _buffer.AsSpan(_start, pending).CopyTo(_buffer);
            _scanned -= _start;
            _start = 0;
            _end = pending;
        }

        // The unread bytes hold no newline and at most the limit (more would have started an overflow), so the largest
        // buffer, the limit plus one chunk, always has room for a read.
        if (_capacity - _end < _chunk)
        {
            Resize(Math.Min(_maxCapacity, Math.Max(_capacity * 2, _end + _chunk)));
        }
    }

    private void Resize(int capacity)
    {
        var larger = ArrayPool<byte>.Shared.Rent(capacity);
        _buffer.AsSpan(0, _end).CopyTo(larger);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = larger;
        _capacity = capacity;
    }

    /// <summary>
    /// Sets <see cref="Current"/> to the line of <paramref name="length"/> bytes at <paramref name="offset"/>, of which
    /// at least the first min(length, limit) are in the buffer.
    /// </summary>
    private void Produce(int offset, long length)
    {
        if (length <= _limit)
        {
            var line = _buffer.AsSpan(offset, (int)length);
            if (Utf8.IsValid(line))
            {
                _current = new SplitLine(_buffer.AsMemory(offset, (int)length), truncated: false, length);
                return;
            }

            // Each stray byte becomes three (EF BF BD): the repaired line may no longer fit, and is then cut below.
            var repaired = Scratch(Math.Min(3 * line.Length, _limit));
            var written = Utf8Repair.Copy(line, repaired.AsSpan(0, Math.Min(repaired.Length, _limit)), out var consumed);
            if (consumed == line.Length)
            {
                _current = new SplitLine(repaired.AsMemory(0, written), truncated: false, length);
                return;
            }
        }

        Truncate(offset, length);
    }

    /// <summary>The line's start, cut on a character boundary, then the marker: at most the limit, as <see cref="LineTruncation.Truncate"/> cuts.</summary>
    private void Truncate(int offset, long length)
    {
        Span<byte> marker = stackalloc byte[MarkerRoom];
        marker = marker[..Encoding.UTF8.GetBytes(LineTruncation.Marker((int)Math.Min(length, int.MaxValue)), marker)];
        var budget = _limit - marker.Length;

        var present = (int)Math.Min(length, _limit);
        var source = _buffer.AsSpan(offset, present);
        var kept = present > budget ? CharacterBoundary(source, budget) : present;
        var prefix = source[..kept];
        if (Utf8.IsValid(prefix))
        {
            if (kept + marker.Length <= present)
            {
                // In place, over bytes of this line that are dropped anyway.
                marker.CopyTo(source[kept..]);
                _current = new SplitLine(_buffer.AsMemory(offset, kept + marker.Length), truncated: true, length);
                return;
            }

            // A short line whose repaired form ran past the limit: the marker would overwrite the next line.
            var copy = Scratch(kept + marker.Length);
            prefix.CopyTo(copy);
            marker.CopyTo(copy.AsSpan(kept));
            _current = new SplitLine(copy.AsMemory(0, kept + marker.Length), truncated: true, length);
            return;
        }

        // Repaired up to the budget: the copy stops before a character that would not fit, so it ends on a boundary.
        var repaired = Scratch(_limit);
        var written = Utf8Repair.Copy(source, repaired.AsSpan(0, budget), out _);
        marker.CopyTo(repaired.AsSpan(written));
        _current = new SplitLine(repaired.AsMemory(0, written + marker.Length), truncated: true, length);
    }

    /// <summary>
    /// <see cref="LineTruncation"/>'s rule: step back over UTF-8 continuation bytes (10xxxxxx) so the cut does not split
    /// a character; at most three, the most a character has (more means invalid UTF-8, which the caller repairs).
    /// </summary>
    private static int CharacterBoundary(ReadOnlySpan<byte> bytes, int cut)
    {
        var kept = cut;
        while (kept > 0 && cut - kept < 3 && (bytes[kept] & 0xC0) == 0x80)
        {
            kept--;
        }

        return kept;
    }

    private byte[] Scratch(int size)
    {
        if (_scratch.Length < size)
        {
            if (_scratch.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_scratch);
            }

            _scratch = ArrayPool<byte>.Shared.Rent(size);
        }

        return _scratch;
    }
}
