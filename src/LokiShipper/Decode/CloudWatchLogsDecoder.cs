using System.Buffers;
using System.Text.Json;
using LokiShipper.Events;

namespace LokiShipper.Decode;

/// <summary>
/// A decoded subscription record: where its events come from and the events themselves. The events' lines live in
/// pooled buffers owned by the event it was decoded from (dispose the <see cref="IncomingEvent"/>), or by the record
/// itself when decoded alone. Undisposed, they are merely collected by the GC.
/// </summary>
public sealed class SubscriptionRecord : IDisposable
{
    private IDisposable? _lines;

    public SubscriptionRecord(string messageType, string owner, string logGroup, string logStream, IEnumerable<CloudWatchLogEvent> logEvents)
        : this(messageType, owner, logGroup, logStream, new ArraySegment<CloudWatchLogEvent>(logEvents.ToArray()))
    {
    }

    internal SubscriptionRecord(string messageType, string owner, string logGroup, string logStream, ArraySegment<CloudWatchLogEvent> logEvents)
    {
        MessageType = messageType;
        Owner = owner;
        LogGroup = logGroup;
        LogStream = logStream;
        Events = logEvents;
    }

    public string MessageType { get; }

    public string Owner { get; }

    public string LogGroup { get; }

    public string LogStream { get; }

    public IReadOnlyList<CloudWatchLogEvent> LogEvents => Events;

    /// <summary>The events, in a pooled array: read them as a span (no enumerator) while the record lives.</summary>
    internal ArraySegment<CloudWatchLogEvent> Events { get; }

    public bool IsControlMessage => MessageType == CloudWatchLogsData.ControlMessage;

    /// <summary>Gives the lines' buffers back, when this record owns them (decoded on its own, not as part of an event).</summary>
    public void Dispose() => Interlocked.Exchange(ref _lines, null)?.Dispose();

    internal SubscriptionRecord Owning(LineArena lines)
    {
        _lines = lines;
        return this;
    }
}

/// <summary>
/// Decode stage: Lambda event JSON → base64 → gzip (capped) → subscription record. Every failure names the field.
/// </summary>
public sealed class CloudWatchLogsDecoder
{
    /// <summary>Timestamps whose nanoseconds fit in 64 bits (years 1678 to 2262), as in Loki.</summary>
    internal const long MaxTimestampMs = long.MaxValue / 1_000_000;

    internal const long MinTimestampMs = long.MinValue / 1_000_000;
    private readonly long _maxDecompressedBytes;

    public CloudWatchLogsDecoder(long maxDecompressedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDecompressedBytes, 1);
        _maxDecompressedBytes = maxDecompressedBytes;
    }

    /// <summary>Decodes a whole Lambda event of the form <c>{"awslogs":{"data":"…"}}</c>.</summary>
    public SubscriptionRecord DecodeEvent(ReadOnlyMemory<byte> eventJson) => Read(eventJson) switch
    {
        SubscriptionEvent subscription => subscription.Record,
        var other => throw new InvalidEventException($"expected a CloudWatch Logs subscription event {{\"awslogs\":{{\"data\":\"…\"}}}}, got {(other is KinesisEvent ? "a Kinesis" : "an SQS")} event"),
    };

    /// <summary>Recognises the event's shape and decodes it.</summary>
    public IncomingEvent Read(ReadOnlyMemory<byte> eventJson)
    {
        var lines = new LineArena();
        try
        {
            var incoming = Read(eventJson, lines);
            incoming.Lines = lines;
            return incoming;
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    private IncomingEvent Read(ReadOnlyMemory<byte> eventJson, LineArena lines)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(eventJson);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"the event is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidEventException($"the event is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object; expected {{\"awslogs\":{{\"data\":\"…\"}}}}");
            }

            // A subscription event, or a failure record saved from the failure queue and replayed with the CLI.
            if (TryDecodeCloudWatch(root, string.Empty, lines) is { } record)
            {
                return new SubscriptionEvent(record);
            }

            if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array
                && records.GetArrayLength() > 0 && records[0].TryGetProperty("eventSource", out var source))
            {
                if (source.ValueEquals("aws:sqs"))
                {
                    return new QueueEvent(records.EnumerateArray().Select((message, index) => ReadQueueItem(message, index, lines)).ToList());
                }

                if (source.ValueEquals("aws:kinesis"))
                {
                    var items = new List<KinesisItem>(records.GetArrayLength());
                    var streamArn = string.Empty; // every record of a batch names the same stream: one string for all
                    foreach (var kinesisRecord in records.EnumerateArray())
                    {
                        items.Add(ReadKinesisItem(kinesisRecord, items.Count, lines, ref streamArn));
                    }

                    return new KinesisEvent(items);
                }
            }

            var keys = string.Join(", ", root.EnumerateObject().Select(p => p.Name).Take(10));
            throw new InvalidEventException(
                $"unsupported event shape: expected a CloudWatch Logs subscription event {{\"awslogs\":{{\"data\":\"…\"}}}}, a Lambda failure record of one, or an SQS or Kinesis event of them, got an object with keys [{keys}]");
        }
    }

    /// <param name="streamArn">The previous record's stream ARN on entry, this one's on return.</param>
    private KinesisItem ReadKinesisItem(JsonElement record, int index, LineArena lines, ref string streamArn)
    {
        // Without its sequence number a record cannot be reported for retry: that fails the whole event instead.
        if (!record.TryGetProperty("kinesis", out var kinesis) || kinesis.ValueKind != JsonValueKind.Object
            || !kinesis.TryGetProperty("sequenceNumber", out var sequence) || sequence.ValueKind != JsonValueKind.String
            || Text(sequence, index, "kinesis.sequenceNumber") is not { Length: > 0 } sequenceNumber)
        {
            throw new InvalidEventException($"Records[{index}]: kinesis.sequenceNumber is missing or not a string");
        }

        streamArn = !record.TryGetProperty("eventSourceARN", out var arn) || arn.ValueKind != JsonValueKind.String ? string.Empty
            : arn.ValueEquals(streamArn) ? streamArn
            : Text(arn, index, "eventSourceARN");
        try
        {
            // Errors start with this field; the record's name is put before them only when there is one.
            const string field = "kinesis.data";
            if (!kinesis.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
            {
                throw new InvalidEventException($"{field} is missing or not a string");
            }

            using var bytes = Base64Bytes.Decode(data, field);

            // CloudWatch Logs writes gzip'd records; producers of our own may put the JSON as it is.
            var decoded = BoundedGzip.IsGzip(bytes.Memory.Span)
                ? DecodeData(bytes.Memory, field, lines)
                : bytes.Memory.Length <= _maxDecompressedBytes
                    ? Parse(new ReadOnlySequence<byte>(bytes.Memory), field, lines)
                    : throw new InvalidEventException($"{field} is {bytes.Memory.Length} bytes, more than MAX_DECOMPRESSED_BYTES ({_maxDecompressedBytes} bytes)");
            return new KinesisItem(sequenceNumber, streamArn, decoded, null);
        }
        catch (InvalidEventException ex)
        {
            // eventID is "shardId-000000000000:<sequenceNumber>": with the shard, a skipped record can be read back.
            var shard = record.TryGetProperty("eventID", out var eventId) && eventId.ValueKind == JsonValueKind.String
                && TryText(eventId)?.Split(':')[0] is { Length: > 0 } id && id != sequenceNumber
                ? id + ", "
                : string.Empty;
            return new KinesisItem(sequenceNumber, streamArn, null, $"Records[{index}] ({shard}sequenceNumber {sequenceNumber}): {ex.Message}");
        }
    }

    private QueueItem ReadQueueItem(JsonElement message, int index, LineArena lines)
    {
        var messageId = message.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? Text(id, index, "messageId") : $"#{index}";
        var field = $"Records[{index}] (messageId {messageId})";
        try
        {
            if (!message.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
            {
                throw new InvalidEventException($"{field}: body is missing or not a string");
            }

            using var inner = ParseBody(Text(body, field), field);
            if (inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty("KinesisBatchInfo", out var batch))
            {
                throw new InvalidEventException($"{field}: body is Lambda's record of a Kinesis batch it gave up on ({Describe(batch)}); it holds no log lines: read them from the stream while it retains them");
            }

            return TryDecodeCloudWatch(inner.RootElement, $"{field}: body.", lines) is { } record
                ? new QueueItem(messageId, record, null)
                : throw new InvalidEventException($"{field}: body is neither a Lambda failure record (requestPayload) nor a CloudWatch Logs event (awslogs)");
        }
        catch (InvalidEventException ex)
        {
            return new QueueItem(messageId, null, ex.Message);
        }
    }

    /// <summary>
    /// Decodes the two shapes that carry a CloudWatch Logs event: <c>{"awslogs":…}</c>, and a Lambda on-failure
    /// destination record whose <c>requestPayload</c> is one. Null when <paramref name="root"/> is neither.
    /// </summary>
    /// <param name="root">The event, or an SQS message body.</param>
    /// <param name="path">How errors name <paramref name="root"/>: empty for the event itself, else ending in '.'.</param>
    private SubscriptionRecord? TryDecodeCloudWatch(JsonElement root, string path, LineArena lines)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("awslogs", out var awslogs))
        {
            return DecodeAwsLogs(awslogs, path + "awslogs", lines);
        }

        if (!root.TryGetProperty("requestPayload", out var payload))
        {
            return null;
        }

        return payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("awslogs", out var original)
            ? DecodeAwsLogs(original, path + "requestPayload.awslogs", lines)
            : throw new InvalidEventException($"{path}requestPayload is not a CloudWatch Logs subscription event");
    }

    /// <summary>Where the records of a Kinesis on-failure record are: stream, shard and sequence-number range.</summary>
    private static string Describe(JsonElement batch)
    {
        string Text(string name) => batch.ValueKind == JsonValueKind.Object && batch.TryGetProperty(name, out var value) ? value.ToString() : "?";
        return $"stream {Text("streamArn")}, {Text("shardId")}, sequence numbers {Text("startSequenceNumber")} to {Text("endSequenceNumber")}, {Text("batchSize")} records";
    }

    /// <summary>A string of the event as .NET text, or an error naming it when it is not valid UTF-8.</summary>
    /// <param name="index">The index of the record in Records that holds the string.</param>
    /// <param name="name">Its path inside the record (a constant: the message is built only on failure).</param>
    private static string Text(JsonElement value, int index, string name) =>
        TryText(value) ?? throw new InvalidEventException($"Records[{index}].{name} is not valid UTF-8 text");

    /// <summary>An SQS message's body as .NET text; <paramref name="field"/> names the message.</summary>
    private static string Text(JsonElement body, string field) =>
        TryText(body) ?? throw new InvalidEventException($"{field}: body is not valid UTF-8 text");

    private static string? TryText(JsonElement value)
    {
        try
        {
            return value.GetString()!;
        }
        catch (InvalidOperationException)
        {
            return null; // invalid UTF-8, or an unpaired surrogate escape
        }
    }

    private static JsonDocument ParseBody(string body, string field)
    {
        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{field}: body is not valid JSON: {ex.Message}", ex);
        }
    }

    private SubscriptionRecord DecodeAwsLogs(JsonElement awslogs, string path, LineArena lines)
    {
        var field = path + ".data";
        if (awslogs.ValueKind != JsonValueKind.Object || !awslogs.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw new InvalidEventException($"{field} is missing or not a string");
        }

        using var compressed = Base64Bytes.Decode(data, field);
        return DecodeData(compressed.Memory, field, lines);
    }

    /// <summary>Decodes gzip'd subscription JSON (the bytes behind <c>awslogs.data</c> or a Kinesis record).</summary>
    public SubscriptionRecord DecodeData(ReadOnlyMemory<byte> compressed, string field) => Owned(lines => DecodeData(compressed, field, lines));

    private SubscriptionRecord DecodeData(ReadOnlyMemory<byte> compressed, string field, LineArena lines)
    {
        using var json = BoundedGzip.Decompress(compressed, _maxDecompressedBytes, field, "MAX_DECOMPRESSED_BYTES");
        return Parse(json.Sequence, field, lines);
    }

    /// <summary>Decodes one record with buffers of its own (the record owns them).</summary>
    private static SubscriptionRecord Owned(Func<LineArena, SubscriptionRecord> decode)
    {
        var lines = new LineArena();
        try
        {
            return decode(lines).Owning(lines);
        }
        catch
        {
            lines.Dispose();
            throw;
        }
    }

    /// <summary>Parses and validates decompressed subscription JSON.</summary>
    /// <remarks>
    /// A Utf8JsonReader loop rather than a (source-generated) deserializer: each message is copied once, as UTF-8,
    /// into one pooled buffer. Deserializing into strings allocated 2.6 MB for a 1.4 MB record, and took 2.7 ms
    /// of the pipeline's 5.3 ms (BenchmarkDotNet, StageBenchmarks). The <c>logEvents</c> array, nearly all of a
    /// record, goes first to <see cref="LogEventsScanner"/>, which reads CloudWatch's own layout faster still.
    /// </remarks>
    public static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field) => Owned(lines => Parse(json, field, lines));

    private static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, LineArena lines)
    {
        if (!json.IsSingleSegment)
        {
            return Parse(json, field, lines, fastPath: false);
        }

        try
        {
            return Parse(json, field, lines, fastPath: true);
        }
        catch (InvalidEventException)
        {
            // Invalid input is read again by the reader alone, so errors name positions in the whole record.
            return Parse(json, field, lines, fastPath: false);
        }
    }

    /// <summary>Parses with or without <see cref="LogEventsScanner"/>: tests check that both give the same.</summary>
    internal static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, bool fastPath) =>
        Owned(lines => Parse(json, field, lines, fastPath));

    private static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field, LineArena lines, bool fastPath)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            var fields = ReadRecord(ref reader, fastPath ? json.FirstSpan : default, json.Length, lines, field);
            var record = Validate(fields, field);
            if (!record.IsControlMessage)
            {
                lines.Commit(fields.LinesUsed); // a control message's events are not shipped: their space is reused
            }

            return record;
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{field} does not hold valid subscription JSON: {ex.Message}", ex);
        }
    }

    /// <summary>The fields of a subscription record as read, before validation.</summary>
    private sealed class RecordFields
    {
        public string? MessageType { get; set; }
        public string? Owner { get; set; }
        public string? LogGroup { get; set; }
        public string? LogStream { get; set; }
        public EventBuffer? LogEvents { get; set; }

        /// <summary>The first event that is null or lacks a field; reported only for a DATA_MESSAGE.</summary>
        public string? EventProblem { get; set; }

        /// <summary>Bytes of the lines buffer the messages take.</summary>
        public int LinesUsed { get; set; }
    }

    /// <param name="whole">The record's JSON in one span, to read <c>logEvents</c> with <see cref="LogEventsScanner"/>; empty to use the reader only.</param>
    private static RecordFields ReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> whole, long jsonLength, LineArena lines, string field)
    {
        var readerStart = 0; // where in whole the reader's span starts, once it resumes after a scanned array
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            throw new InvalidEventException($"{field} holds JSON null instead of a subscription record");
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new InvalidEventException($"{field} does not hold valid subscription JSON: the record is a JSON {reader.TokenType}, not an object");
        }

        var fields = new RecordFields();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("logEvents"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.StartArray)
                {
                    // Unescaped messages are never longer than the JSON that holds them.
                    var (block, offset) = lines.Reserve((int)Math.Min(jsonLength, Array.MaxLength));
                    var events = lines.NewEventBuffer(jsonLength);
                    if (!whole.IsEmpty
                        && LogEventsScanner.TryRead(whole, readerStart + (int)reader.BytesConsumed, block, offset, events, out var used, out var end))
                    {
                        // The reader resumes at the array's ']' in the state it had after its '[', so it goes on
                        // checking the rest of the record.
                        reader = new Utf8JsonReader(whole[end..], isFinalBlock: true, reader.CurrentState);
                        readerStart = end;
                        reader.Read();
                        (fields.LogEvents, fields.LinesUsed) = (events, used);
                    }
                    else
                    {
                        events.Clear();
                        fields.LogEvents = ReadEvents(ref reader, events, block, offset, fields, field);
                    }
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    throw TypeError(field, "$.logEvents", "an array");
                }
            }
            else if (reader.ValueTextEquals("messageType"u8))
            {
                fields.MessageType = ReadString(ref reader, field, "$.messageType");
            }
            else if (reader.ValueTextEquals("owner"u8))
            {
                fields.Owner = ReadString(ref reader, field, "$.owner");
            }
            else if (reader.ValueTextEquals("logGroup"u8))
            {
                fields.LogGroup = ReadString(ref reader, field, "$.logGroup");
            }
            else if (reader.ValueTextEquals("logStream"u8))
            {
                fields.LogStream = ReadString(ref reader, field, "$.logStream");
            }
            else
            {
                reader.Read();
                reader.Skip(); // subscriptionFilters, and fields CloudWatch may add
            }
        }

        return fields;
    }

    private static EventBuffer ReadEvents(ref Utf8JsonReader reader, EventBuffer events, byte[] lines, int offset, RecordFields fields, string field)
    {
        var used = offset;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            var index = events.Count;
            if (reader.TokenType == JsonTokenType.Null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}] is null";
                events.Add(default);
                continue;
            }

            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw TypeError(field, $"$.logEvents[{index}]", "an object");
            }

            long? timestamp = null;
            int? messageStart = null, messageLength = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("timestamp"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var ms))
                    {
                        timestamp = ms;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw TypeError(field, $"$.logEvents[{index}].timestamp", "a whole number of milliseconds");
                    }
                }
                else if (reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        // The reader has checked the escapes; a value split across chunks (records over 8 MiB) is rare.
                        var written = JsonEscapes.Unescape(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan, lines.AsSpan(used));
                        if (written < 0)
                        {
                            throw TypeError(field, $"$.logEvents[{index}].message", "a string with valid escapes");
                        }

                        (messageStart, messageLength) = (used, written);
                        used += written;
                    }
                    else if (reader.TokenType != JsonTokenType.Null)
                    {
                        throw TypeError(field, $"$.logEvents[{index}].message", "a string");
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip(); // id
                }
            }

            if (timestamp is null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}].timestamp is missing";
            }
            else if (timestamp is < MinTimestampMs or > MaxTimestampMs)
            {
                // Nanoseconds must fit in 64 bits (years 1678 to 2262), as in Loki.
                fields.EventProblem ??= $"{field}: logEvents[{index}].timestamp {timestamp} is not milliseconds between the years 1678 and 2262";
            }
            else if (messageStart is null)
            {
                fields.EventProblem ??= $"{field}: logEvents[{index}].message is missing";
            }

            events.Add(new CloudWatchLogEvent(timestamp ?? 0, messageStart is { } start ? lines.AsMemory(start, messageLength!.Value) : default));
        }

        fields.LinesUsed = used - offset;
        return events;
    }

    private static string? ReadString(ref Utf8JsonReader reader, string field, string path)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.String => GetString(ref reader, field, path),
            JsonTokenType.Null => null,
            _ => throw TypeError(field, path, "a string"),
        };
    }

    /// <summary>The string as .NET text: labels and messages for people, so it must be valid UTF-8.</summary>
    private static string GetString(ref Utf8JsonReader reader, string field, string path)
    {
        try
        {
            return reader.GetString()!;
        }
        catch (InvalidOperationException)
        {
            // Invalid UTF-8 or an unpaired surrogate escape; the reader's own message names neither field nor record.
            throw TypeError(field, path, "valid UTF-8 text");
        }
    }

    private static InvalidEventException TypeError(string field, string path, string expected) =>
        new($"{field} does not hold valid subscription JSON: {path} is not {expected}");

    private static SubscriptionRecord Validate(RecordFields data, string field)
    {
        switch (data.MessageType)
        {
            case CloudWatchLogsData.ControlMessage:
                return new SubscriptionRecord(data.MessageType, data.Owner ?? string.Empty, data.LogGroup ?? string.Empty, data.LogStream ?? string.Empty, ArraySegment<CloudWatchLogEvent>.Empty);
            case CloudWatchLogsData.DataMessage:
                break;
            case null:
                throw new InvalidEventException($"{field}: messageType is missing");
            default:
                throw new InvalidEventException($"{field}: messageType '{data.MessageType}' is neither DATA_MESSAGE nor CONTROL_MESSAGE");
        }

        var owner = Require(data.Owner, field, "owner");
        var logGroup = Require(data.LogGroup, field, "logGroup");
        var logStream = Require(data.LogStream, field, "logStream");
        var events = data.LogEvents ?? throw new InvalidEventException($"{field}: logEvents is missing in a DATA_MESSAGE");
        if (data.EventProblem is { } problem)
        {
            throw new InvalidEventException(problem);
        }

        return new SubscriptionRecord(data.MessageType, owner, logGroup, logStream, events.Segment);
    }

    private static string Require(string? value, string field, string name) =>
        string.IsNullOrEmpty(value) ? throw new InvalidEventException($"{field}: {name} is missing or empty") : value;
}

/// <summary>
/// The bytes of a base64 JSON string, decoded into a buffer rented from the pool (dispose to return it). A 1 MB
/// CloudWatch batch is about 200 KB of gzip: decoded into a new array, that is a large-object-heap allocation per
/// invocation.
/// </summary>
internal readonly struct Base64Bytes : IDisposable
{
    private readonly byte[]? _rented;

    private Base64Bytes(byte[]? rented, ReadOnlyMemory<byte> memory)
    {
        _rented = rented;
        Memory = memory;
    }

    public ReadOnlyMemory<byte> Memory { get; }

    public static Base64Bytes Decode(JsonElement value, string field)
    {
        var raw = System.Runtime.InteropServices.JsonMarshal.GetRawUtf8Value(value);
        var encoded = raw[1..^1]; // the string's raw UTF-8, without its quotes
        if (encoded.IndexOf((byte)'\\') >= 0)
        {
            // JSON escapes ("\/") inside base64 are legal but rare: let the JSON reader unescape them.
            return value.TryGetBytesFromBase64(out var bytes)
                ? new Base64Bytes(null, bytes)
                : throw new InvalidEventException($"{field} is not valid base64");
        }

        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(System.Buffers.Text.Base64.GetMaxDecodedFromUtf8Length(encoded.Length), 1));
        if (System.Buffers.Text.Base64.DecodeFromUtf8(encoded, rented, out _, out var written) != OperationStatus.Done)
        {
            ArrayPool<byte>.Shared.Return(rented);
            throw new InvalidEventException($"{field} is not valid base64");
        }

        return new Base64Bytes(rented, rented.AsMemory(0, written));
    }

    public void Dispose()
    {
        if (_rented is not null)
        {
            ArrayPool<byte>.Shared.Return(_rented);
        }
    }
}

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
    private readonly List<EventBuffer> _events = [];
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
    public EventBuffer NewEventBuffer(long jsonLength)
    {
        var events = new EventBuffer(EventBuffer.EstimateCount(jsonLength));
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

/// <summary>
/// A record's events, in an array rented from the pool. A <see cref="List{T}"/> of the 3,500 events of a 1.4 MB
/// record grew through 196 KB of arrays, the largest on the large object heap, every invocation.
/// </summary>
internal sealed class EventBuffer
{
    /// <summary>JSON bytes per event assumed for the first capacity: about 100 around each message, plus the message.</summary>
    private const int TypicalBytesPerEvent = 256;

    /// <summary>
    /// Smaller arrays are allocated, not rented: the pool's smallest holds 16 events, and it keeps few of each size,
    /// so the 5,000 two-event records of a Kinesis batch allocated 2.2 MB more when rented (`bench`).
    /// </summary>
    private const int SmallestPooled = 64;

    private CloudWatchLogEvent[] _items;
    private int _count;

    public EventBuffer(int capacity) => _items = Allocate(capacity);

    public int Count => _count;

    public ArraySegment<CloudWatchLogEvent> Segment => new(_items, 0, _count);

    /// <summary>A first capacity for a record of <paramref name="jsonLength"/> bytes; shorter events make it grow.</summary>
    public static int EstimateCount(long jsonLength) => (int)Math.Clamp(jsonLength / TypicalBytesPerEvent, 4, 1 << 16);

    public void Add(CloudWatchLogEvent logEvent)
    {
        if (_count == _items.Length)
        {
            var larger = Allocate(Math.Max(_items.Length * 2, 4));
            _items.AsSpan(0, _count).CopyTo(larger);
            Return(_items, _count);
            _items = larger;
        }

        _items[_count++] = logEvent;
    }

    public void Clear() => _count = 0;

    public void Release()
    {
        Return(_items, _count);
        (_items, _count) = ([], 0);
    }

    private static CloudWatchLogEvent[] Allocate(int capacity) =>
        capacity < SmallestPooled ? new CloudWatchLogEvent[capacity] : ArrayPool<CloudWatchLogEvent>.Shared.Rent(capacity);

    // Cleared, so the pool does not keep line buffers reachable through stale events.
    private static void Return(CloudWatchLogEvent[] items, int count)
    {
        if (items.Length >= SmallestPooled)
        {
            items.AsSpan(0, count).Clear();
            ArrayPool<CloudWatchLogEvent>.Shared.Return(items);
        }
    }
}
