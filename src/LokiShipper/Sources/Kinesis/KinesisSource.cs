using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Sources.Kinesis;

/// <summary>
/// A Kinesis event (CloudWatch Logs → Kinesis data stream → event source mapping): each record holds a subscription
/// record, gzip'd as CloudWatch writes it (or plain JSON). Records can come from different log groups and share push
/// requests. Failures are reported by sequence number, so Lambda retries the shard from the first record not delivered.
/// </summary>
internal sealed class KinesisSource(SourceOptions options) : ISource
{
    public string Shape => "a Kinesis event of CloudWatch Logs subscription records";

    public InputEvent? TryRead(JsonElement root, LineArena lines)
    {
        if (!EventRecords.TryGet(root, "aws:kinesis", out var records))
        {
            return null;
        }

        var items = new List<InputItem>(records.GetArrayLength());
        var streamArn = string.Empty; // every record of a batch names the same stream: one string for all
        foreach (var record in records.EnumerateArray())
        {
            items.Add(ReadItem(record, items.Count, lines, ref streamArn));
        }

        return new InputEvent("kinesis", items, KinesisFailures.Instance) { ItemName = "record" };
    }

    /// <param name="streamArn">The previous record's stream ARN on entry, this one's on return.</param>
    private InputItem ReadItem(JsonElement record, int index, LineArena lines, ref string streamArn)
    {
        // Without its sequence number a record cannot be reported for retry: that fails the whole event instead.
        if (!record.TryGetProperty("kinesis", out var kinesis) || JsonText.StringProperty(kinesis, "sequenceNumber") is not { } sequence
            || JsonText.Get(sequence, index, "kinesis.sequenceNumber") is not { Length: > 0 } sequenceNumber)
        {
            throw new InvalidEventException($"Records[{index}]: kinesis.sequenceNumber is missing or not a string");
        }

        streamArn = JsonText.StringProperty(record, "eventSourceARN") is not { } arn ? string.Empty
            : arn.ValueEquals(streamArn) ? streamArn
            : JsonText.Get(arn, index, "eventSourceARN");
        try
        {
            // Errors start with this field; the record's name is put before them only when there is one.
            const string field = "kinesis.data";
            if (JsonText.StringProperty(kinesis, "data") is not { } data)
            {
                throw new InvalidEventException($"{field} is missing or not a string");
            }

            using var bytes = Base64Bytes.Decode(data, field);
            var decoded = SubscriptionData.DecodeGzipOrPlain(bytes.Memory, field, lines, options.MaxDecompressedBytes);
            var origin = new KinesisOrigin(decoded.LogGroup, decoded.LogStream, decoded.Owner, streamArn);
            return new InputItem(sequenceNumber, decoded.ToLogRecords(origin, options.OwnLogGroup));
        }
        catch (InvalidEventException ex)
        {
            // eventID is "shardId-000000000000:<sequenceNumber>": with the shard, a skipped record can be read back.
            var shard = JsonText.StringProperty(record, "eventID") is { } eventId
                && JsonText.TryGet(eventId)?.Split(':')[0] is { Length: > 0 } id && id != sequenceNumber
                ? id + ", "
                : string.Empty;
            return new InputItem(sequenceNumber, [], $"Records[{index}] ({shard}sequenceNumber {sequenceNumber}): {ex.Message}");
        }
    }
}
