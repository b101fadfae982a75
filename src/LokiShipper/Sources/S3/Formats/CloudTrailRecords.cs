using System.Runtime.CompilerServices;
using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// The records of a CloudTrail log file, <c>{"Records":[{…},{…}]}</c>, read from a stream one record at a time. A file
/// is one JSON document of up to tens of megabytes uncompressed; the buffer holds the record being read and what the
/// last read brought, and grows only when one record does not fit, so memory follows the largest record, not the file.
/// </summary>
/// <remarks>
/// Each record is handed out as the bytes the file has, with its <c>eventTime</c>. Errors are
/// <see cref="InvalidEventException"/>s naming the record (<c>Records[3]</c>); the records before it were handed out.
/// Properties other than <c>Records</c> are skipped, and nothing after the array is read.
/// </remarks>
internal sealed class CloudTrailRecords
{
    public const int DefaultBufferSize = 16 * 1024;

    private static readonly JsonTimestampField[] EventTime = [new("eventTime"u8.ToArray(), EpochUnit.ByMagnitude)];

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start; // the first byte not yet read as JSON
    private int _end; // the bytes in the buffer
    private bool _endOfStream;
    private bool _sawStart;
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 256 });
    private Phase _phase = Phase.Document;
    private int _index;

    public CloudTrailRecords(Stream stream, int initialBufferSize = DefaultBufferSize)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(initialBufferSize, 1);
        _stream = stream;
        _buffer = new byte[initialBufferSize];
    }

    private enum Phase
    {
        Document, // before the top-level object
        Properties, // in the top-level object, looking for Records
        Records, // in the Records array
        Done,
    }

    private enum Step
    {
        Record,
        NeedData,
        End,
    }

    /// <summary>The size the buffer has grown to: the largest record read so far, rounded up to a power of two times the initial size.</summary>
    public int BufferSize => _buffer.Length;

    /// <summary>The records of the CloudTrail file in <paramref name="stream"/>, in order.</summary>
    public static IEnumerable<CloudTrailRecord> Read(Stream stream)
    {
        var records = new CloudTrailRecords(stream);
        while (records.TryReadNext(out var record))
        {
            yield return record;
        }
    }

    /// <summary>The records of the CloudTrail file in <paramref name="stream"/>, in order, read asynchronously.</summary>
    public static async IAsyncEnumerable<CloudTrailRecord> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var records = new CloudTrailRecords(stream);
        while (await records.NextAsync(cancellationToken) is { } record)
        {
            yield return record;
        }
    }

    /// <summary>The next record, or false after the last.</summary>
    /// <exception cref="InvalidEventException">The file is not a CloudTrail log file, or a record is not valid JSON.</exception>
    public bool TryReadNext(out CloudTrailRecord record)
    {
        while (true)
        {
            switch (Advance(out record))
            {
                case Step.Record:
                    return true;
                case Step.End:
                    return false;
                default:
                    Filled(_stream.Read(FreeSpace().Span));
                    break;
            }
        }
    }

    /// <summary>The next record, or null after the last.</summary>
    /// <exception cref="InvalidEventException">The file is not a CloudTrail log file, or a record is not valid JSON.</exception>
    public async ValueTask<CloudTrailRecord?> NextAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            switch (Advance(out var record))
            {
                case Step.Record:
                    return record;
                case Step.End:
                    return null;
                default:
                    Filled(await _stream.ReadAsync(FreeSpace(), cancellationToken));
                    break;
            }
        }
    }

    // Reads as far as the buffer allows: to the end of the next record, the end of the array, or the end of the bytes.
    private Step Advance(out CloudTrailRecord record)
    {
        record = default;
        if (_phase == Phase.Done)
        {
            return Step.End;
        }

        if (!_sawStart && !SkipByteOrderMark())
        {
            return Step.NeedData;
        }

        // Never the final block, even at the end of the stream: a cut file then ends in a token the reader waits for
        // (said as "ends inside Records[3]") rather than one it refuses, and nothing after the array is ever needed.
        var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), isFinalBlock: false, _state);

        // What has been read up to the last whole token worth keeping; the rest is read again with more bytes.
        long kept = 0;
        var keptState = _state;
        try
        {
            while (true)
            {
                if (!reader.Read())
                {
                    return MoreBytes();
                }

                switch (_phase)
                {
                    case Phase.Document:
                        if (reader.TokenType != JsonTokenType.StartObject)
                        {
                            throw Invalid("is not a CloudTrail log file: it does not start with {\"Records\":[");
                        }

                        _phase = Phase.Properties;
                        break;

                    case Phase.Properties when reader.TokenType == JsonTokenType.EndObject:
                        throw Invalid("is not a CloudTrail log file: it has no Records array");

                    case Phase.Properties when reader.ValueTextEquals("Records"u8):
                        if (!reader.Read())
                        {
                            return MoreBytes();
                        }

                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            throw Invalid("is not a CloudTrail log file: its Records is not an array");
                        }

                        _phase = Phase.Records;
                        break;

                    case Phase.Properties:
                        if (!reader.TrySkip())
                        {
                            return MoreBytes();
                        }

                        break;

                    case Phase.Records when reader.TokenType == JsonTokenType.EndArray:
                        _phase = Phase.Done;
                        Keep(ref reader);
                        return Step.End;

                    case Phase.Records when reader.TokenType != JsonTokenType.StartObject:
                        throw Invalid($"has Records[{_index}] that is not a JSON object");

                    default:
                        var from = (int)reader.TokenStartIndex;
                        if (!reader.TrySkip())
                        {
                            return MoreBytes();
                        }

                        var json = _buffer.AsMemory(_start + from, (int)reader.BytesConsumed - from);
                        var timestamp = JsonTimestamps.TryFind(json.Span, EventTime, out var eventTime) ? eventTime : 0;
                        record = new CloudTrailRecord(_index++, json, timestamp);
                        Keep(ref reader);
                        return Step.Record;
                }

                Keep(ref reader);
            }
        }
        catch (JsonException ex)
        {
            throw Invalid(
                _phase == Phase.Records ? $"has Records[{_index}] that is not valid JSON: {ex.Message}" : $"is not valid JSON: {ex.Message}",
                ex);
        }
        finally
        {
            _start += (int)kept;
            _state = keptState;
        }

        void Keep(ref Utf8JsonReader at)
        {
            kept = at.BytesConsumed;
            keptState = at.CurrentState;
        }

        // The buffer ends inside a token or a record: read again once more bytes are in, unless there are none.
        Step MoreBytes()
        {
            if (!_endOfStream)
            {
                return Step.NeedData;
            }

            throw Invalid(_phase == Phase.Records ? $"ends inside Records[{_index}]" : "ends before its Records array");
        }
    }

    // Utf8JsonReader does not accept a byte order mark; a file may start with one. False until three bytes are there.
    private bool SkipByteOrderMark()
    {
        var available = _buffer.AsSpan(_start, _end - _start);
        if (available.Length < 3 && !_endOfStream && "\uFEFF"u8.StartsWith(available))
        {
            return false;
        }

        if (available.StartsWith("\uFEFF"u8))
        {
            _start += 3;
        }

        _sawStart = true;
        return true;
    }

    // Room for the next read after the bytes still to be read: those move to the front (once per record, as the record
    // before them is done), and the buffer doubles only when they fill it.
    private Memory<byte> FreeSpace()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }

        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }

        return _buffer.AsMemory(_end);
    }

    private void Filled(int read)
    {
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }

    private static InvalidEventException Invalid(string problem, Exception? inner = null)
    {
        var message = "The CloudTrail object " + problem;
        return inner is null ? new InvalidEventException(message) : new InvalidEventException(message, inner);
    }
}
