using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LokiShipper.Cli;

/// <summary>
/// Builds CloudWatch Logs subscription events as CloudWatch sends them: the record JSON, gzip'd, base64'd, wrapped
/// in <c>{"awslogs":{"data":"…"}}</c>. Used by <c>events cloudwatch</c> and by the tests.
/// </summary>
internal static class SubscriptionEventWriter
{
    public const string DefaultOwner = "123456789012";

    /// <summary>The decoded record (what <c>awslogs.data</c> holds before gzip and base64).</summary>
    public static byte[] RecordJson(string logGroup, string logStream, IReadOnlyList<SampleLogEvent> events, string owner = DefaultOwner, string messageType = "DATA_MESSAGE")
    {
        ArgumentNullException.ThrowIfNull(events);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("messageType", messageType);
            writer.WriteString("owner", owner);
            writer.WriteString("logGroup", logGroup);
            writer.WriteString("logStream", logStream);
            writer.WriteStartArray("subscriptionFilters");
            writer.WriteStringValue("LokiShipper");
            writer.WriteEndArray();
            writer.WriteStartArray("logEvents");
            for (var i = 0; i < events.Count; i++)
            {
                writer.WriteStartObject();
                writer.WriteString("id", EventId(events[i].TimestampMs, i));
                writer.WriteNumber("timestamp", events[i].TimestampMs);
                writer.WriteString("message", events[i].Message);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] Gzip(ReadOnlySpan<byte> data)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(data);
        }

        return output.ToArray();
    }

    /// <summary>The Lambda event <c>{"awslogs":{"data":"base64(gzip(record))"}}</c>.</summary>
    public static byte[] LambdaEvent(ReadOnlySpan<byte> recordJson) => WrapData(Convert.ToBase64String(Gzip(recordJson)));

    /// <summary>The Lambda event around an already-encoded <c>data</c> string (also for malformed test data).</summary>
    public static byte[] WrapData(string data)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartObject("awslogs");
            writer.WriteString("data", data);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public static byte[] LambdaEvent(string logGroup, string logStream, IReadOnlyList<SampleLogEvent> events, string owner = DefaultOwner) =>
        LambdaEvent(RecordJson(logGroup, logStream, events, owner));

    /// <summary>
    /// A Kinesis event as Lambda's event source mapping delivers it: one record per entry of
    /// <paramref name="recordData"/>, each the bytes CloudWatch Logs put on the stream (gzip'd subscription JSON; tests
    /// also pass plain JSON and garbage), with increasing 56-digit sequence numbers.
    /// </summary>
    public static byte[] KinesisEvent(IReadOnlyList<byte[]> recordData, string streamArn, DateTimeOffset arrival)
    {
        ArgumentNullException.ThrowIfNull(recordData);
        var region = streamArn.Split(':') is { Length: > 3 } parts ? parts[3] : "eu-west-1";
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = recordData.Count <= 20 }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            for (var i = 0; i < recordData.Count; i++)
            {
                var sequenceNumber = KinesisSequenceNumber(i);
                writer.WriteStartObject();
                writer.WriteStartObject("kinesis");
                writer.WriteString("kinesisSchemaVersion", "1.0");
                writer.WriteString("partitionKey", "cloudwatch-logs");
                writer.WriteString("sequenceNumber", sequenceNumber);
                writer.WriteBase64String("data", recordData[i]);
                writer.WriteNumber("approximateArrivalTimestamp", arrival.ToUnixTimeMilliseconds() / 1000.0);
                writer.WriteEndObject();
                writer.WriteString("eventSource", "aws:kinesis");
                writer.WriteString("eventVersion", "1.0");
                writer.WriteString("eventID", $"shardId-000000000000:{sequenceNumber}");
                writer.WriteString("eventName", "aws:kinesis:record");
                writer.WriteString("invokeIdentityArn", $"arn:aws:iam::{DefaultOwner}:role/loki-shipper-ShipperRole");
                writer.WriteString("awsRegion", region);
                writer.WriteString("eventSourceARN", streamArn);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    /// <summary>The sequence number <see cref="KinesisEvent"/> gives its record number <paramref name="index"/>.</summary>
    public static string KinesisSequenceNumber(int index) =>
        string.Create(CultureInfo.InvariantCulture, $"4959{index + 1:D52}");

    /// <summary>A 56-digit id shaped like CloudWatch's (timestamp digits, then a sequence).</summary>
    private static string EventId(long timestampMs, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{timestampMs:D20}{index:D36}");
}
