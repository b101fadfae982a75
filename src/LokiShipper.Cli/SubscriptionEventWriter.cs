using System.Globalization;
using System.IO.Compression;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LokiShipper.Cli;

/// <summary>One log event to put into a generated subscription event.</summary>
public readonly record struct SampleLogEvent(long TimestampMs, string Message);

/// <summary>
/// Builds CloudWatch Logs subscription events as CloudWatch sends them: the record JSON, gzip'd, base64'd, wrapped
/// in <c>{"awslogs":{"data":"…"}}</c>. Used by <c>events cloudwatch</c> and by the tests.
/// </summary>
public static class SubscriptionEventWriter
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

    /// <summary>A 56-digit id shaped like CloudWatch's (timestamp digits, then a sequence).</summary>
    private static string EventId(long timestampMs, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"{timestampMs:D20}{index:D36}");
}
