using System.Buffers;
using System.Text.Json;
using LokiShipper.Events;

namespace LokiShipper.Decode;

/// <summary>A decoded subscription record: where its events come from and the events themselves.</summary>
public sealed record SubscriptionRecord(
    string MessageType,
    string Owner,
    string LogGroup,
    string LogStream,
    IReadOnlyList<CloudWatchLogEvent> LogEvents)
{
    public bool IsControlMessage => MessageType == CloudWatchLogsData.ControlMessage;
}

/// <summary>
/// Decode stage: Lambda event JSON → base64 → gzip (capped) → subscription record. Every failure names the field.
/// </summary>
public sealed class CloudWatchLogsDecoder
{
    private const long MaxTimestampMs = long.MaxValue / 1_000_000;
    private const long MinTimestampMs = long.MinValue / 1_000_000;
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
            if (TryDecodeCloudWatch(root, string.Empty) is { } record)
            {
                return new SubscriptionEvent(record);
            }

            if (root.TryGetProperty("Records", out var records) && records.ValueKind == JsonValueKind.Array
                && records.GetArrayLength() > 0 && records[0].TryGetProperty("eventSource", out var source) && source.ValueEquals("aws:sqs"))
            {
                return new QueueEvent(records.EnumerateArray().Select(ReadQueueItem).ToList());
            }

            if (root.TryGetProperty("Records", out records) && records.ValueKind == JsonValueKind.Array
                && records.GetArrayLength() > 0 && records[0].TryGetProperty("eventSource", out source) && source.ValueEquals("aws:kinesis"))
            {
                return new KinesisEvent(records.EnumerateArray().Select(ReadKinesisItem).ToList());
            }

            var keys = string.Join(", ", root.EnumerateObject().Select(p => p.Name).Take(10));
            throw new InvalidEventException(
                $"unsupported event shape: expected a CloudWatch Logs subscription event {{\"awslogs\":{{\"data\":\"…\"}}}}, a Lambda failure record of one, or an SQS or Kinesis event of them, got an object with keys [{keys}]");
        }
    }

    private KinesisItem ReadKinesisItem(JsonElement record, int index)
    {
        // Without its sequence number a record cannot be reported for retry: that fails the whole event instead.
        if (!record.TryGetProperty("kinesis", out var kinesis) || kinesis.ValueKind != JsonValueKind.Object
            || !kinesis.TryGetProperty("sequenceNumber", out var sequence) || sequence.ValueKind != JsonValueKind.String
            || sequence.GetString() is not { Length: > 0 } sequenceNumber)
        {
            throw new InvalidEventException($"Records[{index}]: kinesis.sequenceNumber is missing or not a string");
        }

        var streamArn = record.TryGetProperty("eventSourceARN", out var arn) && arn.ValueKind == JsonValueKind.String ? arn.GetString()! : string.Empty;

        // eventID is "shardId-000000000000:<sequenceNumber>": with the shard, a skipped record can be read back.
        var shard = record.TryGetProperty("eventID", out var eventId) && eventId.ValueKind == JsonValueKind.String && eventId.GetString()!.Split(':')[0] is { Length: > 0 } id && id != sequenceNumber
            ? id + ", "
            : string.Empty;
        var field = $"Records[{index}] ({shard}sequenceNumber {sequenceNumber}): kinesis.data";
        try
        {
            if (!kinesis.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
            {
                throw new InvalidEventException($"{field} is missing or not a string");
            }

            using var bytes = Base64Bytes.Decode(data, field);

            // CloudWatch Logs writes gzip'd records; producers of our own may put the JSON as it is.
            var decoded = BoundedGzip.IsGzip(bytes.Memory.Span)
                ? DecodeData(bytes.Memory, field)
                : bytes.Memory.Length <= _maxDecompressedBytes
                    ? Parse(new ReadOnlySequence<byte>(bytes.Memory), field)
                    : throw new InvalidEventException($"{field} is {bytes.Memory.Length} bytes, more than MAX_DECOMPRESSED_BYTES ({_maxDecompressedBytes} bytes)");
            return new KinesisItem(sequenceNumber, streamArn, decoded, null);
        }
        catch (InvalidEventException ex)
        {
            return new KinesisItem(sequenceNumber, streamArn, null, ex.Message);
        }
    }

    private QueueItem ReadQueueItem(JsonElement message, int index)
    {
        var messageId = message.TryGetProperty("messageId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : $"#{index}";
        var field = $"Records[{index}] (messageId {messageId})";
        try
        {
            if (!message.TryGetProperty("body", out var body) || body.ValueKind != JsonValueKind.String)
            {
                throw new InvalidEventException($"{field}: body is missing or not a string");
            }

            using var inner = ParseBody(body.GetString()!, field);
            if (inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty("KinesisBatchInfo", out var batch))
            {
                throw new InvalidEventException($"{field}: body is Lambda's record of a Kinesis batch it gave up on ({Describe(batch)}); it holds no log lines: read them from the stream while it retains them");
            }

            return TryDecodeCloudWatch(inner.RootElement, $"{field}: body.") is { } record
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
    private SubscriptionRecord? TryDecodeCloudWatch(JsonElement root, string path)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (root.TryGetProperty("awslogs", out var awslogs))
        {
            return DecodeAwsLogs(awslogs, path + "awslogs");
        }

        if (!root.TryGetProperty("requestPayload", out var payload))
        {
            return null;
        }

        return payload.ValueKind == JsonValueKind.Object && payload.TryGetProperty("awslogs", out var original)
            ? DecodeAwsLogs(original, path + "requestPayload.awslogs")
            : throw new InvalidEventException($"{path}requestPayload is not a CloudWatch Logs subscription event");
    }

    /// <summary>Where the records of a Kinesis on-failure record are: stream, shard and sequence-number range.</summary>
    private static string Describe(JsonElement batch)
    {
        string Text(string name) => batch.ValueKind == JsonValueKind.Object && batch.TryGetProperty(name, out var value) ? value.ToString() : "?";
        return $"stream {Text("streamArn")}, {Text("shardId")}, sequence numbers {Text("startSequenceNumber")} to {Text("endSequenceNumber")}, {Text("batchSize")} records";
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

    private SubscriptionRecord DecodeAwsLogs(JsonElement awslogs, string path)
    {
        var field = path + ".data";
        if (awslogs.ValueKind != JsonValueKind.Object || !awslogs.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.String)
        {
            throw new InvalidEventException($"{field} is missing or not a string");
        }

        using var compressed = Base64Bytes.Decode(data, field);
        return DecodeData(compressed.Memory, field);
    }

    /// <summary>Decodes gzip'd subscription JSON (the bytes behind <c>awslogs.data</c> or a Kinesis record).</summary>
    public SubscriptionRecord DecodeData(ReadOnlyMemory<byte> compressed, string field)
    {
        using var json = BoundedGzip.Decompress(compressed, _maxDecompressedBytes, field, "MAX_DECOMPRESSED_BYTES");
        return Parse(json.Sequence, field);
    }

    /// <summary>Parses and validates decompressed subscription JSON.</summary>
    public static SubscriptionRecord Parse(ReadOnlySequence<byte> json, string field)
    {
        CloudWatchLogsData? data;
        try
        {
            var reader = new Utf8JsonReader(json);
            data = JsonSerializer.Deserialize(ref reader, EventJsonContext.Default.CloudWatchLogsData);
        }
        catch (JsonException ex)
        {
            throw new InvalidEventException($"{field} does not hold valid subscription JSON: {ex.Message}", ex);
        }

        if (data is null)
        {
            throw new InvalidEventException($"{field} holds JSON null instead of a subscription record");
        }

        return Validate(data, field);
    }

    private static SubscriptionRecord Validate(CloudWatchLogsData data, string field)
    {
        switch (data.MessageType)
        {
            case CloudWatchLogsData.ControlMessage:
                return new SubscriptionRecord(data.MessageType, data.Owner ?? string.Empty, data.LogGroup ?? string.Empty, data.LogStream ?? string.Empty, []);
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
        for (var i = 0; i < events.Count; i++)
        {
            var logEvent = events[i] ?? throw new InvalidEventException($"{field}: logEvents[{i}] is null");
            if (logEvent.Timestamp is null)
            {
                throw new InvalidEventException($"{field}: logEvents[{i}].timestamp is missing");
            }

            if (logEvent.Timestamp is < MinTimestampMs or > MaxTimestampMs)
            {
                // Nanoseconds must fit in 64 bits (years 1678 to 2262), as in Loki.
                throw new InvalidEventException($"{field}: logEvents[{i}].timestamp {logEvent.Timestamp} is not milliseconds between the years 1678 and 2262");
            }

            if (logEvent.Message is null)
            {
                throw new InvalidEventException($"{field}: logEvents[{i}].message is missing");
            }
        }

        return new SubscriptionRecord(data.MessageType, owner, logGroup, logStream, events);
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
