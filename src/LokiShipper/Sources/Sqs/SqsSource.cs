using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;
using LokiShipper.Sources.CloudWatch;

namespace LokiShipper.Sources.Sqs;

/// <summary>
/// An SQS event (the failure queue, for redrive): each message holds a Lambda on-failure destination record whose
/// <c>requestPayload</c> is the original CloudWatch event, or a CloudWatch event itself. Each message is shipped on
/// its own, and the ones that fail go back to the queue.
/// </summary>
internal sealed class SqsSource(SourceOptions options) : ISource
{
    public string Shape => "an SQS event of such events or failure records";

    public InputEvent? TryRead(JsonElement root, LineArena lines)
    {
        if (!EventRecords.TryGet(root, "aws:sqs", out var records))
        {
            return null;
        }

        var items = records.EnumerateArray().Select((message, index) => ReadItem(message, index, lines)).ToList();
        return new InputEvent("sqs", items, QueueFailures.Instance) { ShipItemsApart = true, ItemName = "message" };
    }

    private InputItem ReadItem(JsonElement message, int index, LineArena lines)
    {
        var messageId = JsonText.StringProperty(message, "messageId") is { } id ? JsonText.Get(id, index, "messageId") : $"#{index}";
        var field = $"Records[{index}] (messageId {messageId})";
        try
        {
            if (JsonText.StringProperty(message, "body") is not { } body)
            {
                throw new InvalidEventException($"{field}: body is missing or not a string");
            }

            using var inner = JsonText.ParseEmbedded(JsonText.Get(body, $"{field}: body"), $"{field}: body");
            if (inner.RootElement.ValueKind == JsonValueKind.Object && inner.RootElement.TryGetProperty("KinesisBatchInfo", out var batch))
            {
                throw new InvalidEventException($"{field}: body is Lambda's record of a Kinesis batch it gave up on ({Describe(batch)}); it holds no log lines: read them from the stream while it retains them");
            }

            var record = SubscriptionData.TryDecode(inner.RootElement, $"{field}: body.", lines, options.MaxDecompressedBytes)
                ?? throw new InvalidEventException($"{field}: body is neither a Lambda failure record (requestPayload) nor a CloudWatch Logs event (awslogs)");
            return new InputItem(messageId, record.ToLogRecords(new CloudWatchOrigin(record.LogGroup, record.LogStream, record.Owner), options.OwnLogGroup));
        }
        catch (InvalidEventException ex)
        {
            return new InputItem(messageId, [], ex.Message);
        }
    }

    /// <summary>Where the records of a Kinesis on-failure record are: stream, shard and sequence-number range.</summary>
    private static string Describe(JsonElement batch)
    {
        string Text(string name) => batch.ValueKind == JsonValueKind.Object && batch.TryGetProperty(name, out var value) ? value.ToString() : "?";
        return $"stream {Text("streamArn")}, {Text("shardId")}, sequence numbers {Text("startSequenceNumber")} to {Text("endSequenceNumber")}, {Text("batchSize")} records";
    }
}
