using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.Sqs;

/// <summary>
/// An SQS event: each message's body is an event another source reads (a CloudWatch Logs event or a Lambda failure
/// record of one, from the failure queue; an S3 notification, directly, through SNS or through EventBridge). Each
/// message is shipped on its own, and the ones that fail go back to the queue.
/// </summary>
/// <param name="bodies">The sources whose events can arrive as message bodies, asked in this order.</param>
internal sealed class SqsSource(IReadOnlyList<ISource> bodies) : ISource
{
    public string Shape => "an SQS event of such events";

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

            return Read(inner.RootElement, messageId, field, lines);
        }
        catch (InvalidEventException ex)
        {
            return new InputItem(messageId, [], ex.Message);
        }
    }

    /// <summary>The message as one item: the records (and readers) of the event its body holds.</summary>
    private InputItem Read(JsonElement body, string messageId, string field, LineArena lines)
    {
        if (body.ValueKind == JsonValueKind.Object)
        {
            foreach (var source in bodies)
            {
                InputEvent? read;
                try
                {
                    read = source.TryRead(body, lines);
                }
                catch (InvalidEventException ex)
                {
                    throw new InvalidEventException($"{field}: body.{ex.Message}", ex);
                }

                if (read is not null)
                {
                    return One(read, messageId);
                }
            }
        }

        throw new InvalidEventException($"{field}: body is none of: {string.Join("; ", bodies.Select(s => s.Shape))}");
    }

    private static InputItem One(InputEvent read, string messageId)
    {
        if (read.Items.FirstOrDefault(i => i.Error is not null) is { } invalid)
        {
            throw new InvalidEventException(invalid.Error!);
        }

        var readers = read.Items.Where(i => i.Reader is not null).Select(i => i.Reader!).ToList();
        return new InputItem(messageId, [.. read.Items.SelectMany(i => i.Records)])
        {
            Reader = readers.Count switch { 0 => null, 1 => readers[0], _ => new ChainedReader(readers) },
        };
    }

    /// <summary>Where the records of a Kinesis on-failure record are: stream, shard and sequence-number range.</summary>
    private static string Describe(JsonElement batch)
    {
        string Text(string name) => batch.ValueKind == JsonValueKind.Object && batch.TryGetProperty(name, out var value) ? value.ToString() : "?";
        return $"stream {Text("streamArn")}, {Text("shardId")}, sequence numbers {Text("startSequenceNumber")} to {Text("endSequenceNumber")}, {Text("batchSize")} records";
    }
}
