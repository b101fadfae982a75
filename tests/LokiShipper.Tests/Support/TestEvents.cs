using LokiShipper.Cli;

namespace LokiShipper.Tests.Support;

/// <summary>Test events built the way CloudWatch builds them (real gzip + base64).</summary>
public static class TestEvents
{
    public const string Owner = "123456789012";

    public static byte[] CloudWatch(string logGroup, string logStream, params (long TimestampMs, string Message)[] events) =>
        SubscriptionEventWriter.LambdaEvent(logGroup, logStream, events.Select(e => new SampleLogEvent(e.TimestampMs, e.Message)).ToList(), Owner);

    public static byte[] FromRecordJson(string recordJson) =>
        SubscriptionEventWriter.LambdaEvent(System.Text.Encoding.UTF8.GetBytes(recordJson));

    /// <summary>A Lambda on-failure destination record around the original event, as Lambda sends it to SQS.</summary>
    public static string FailureRecord(byte[] originalEvent) => $$$"""
        {"version":"1.0","timestamp":"2026-11-22T12:00:00.000Z",
         "requestContext":{"requestId":"e4b46cbf-b738-4f2a-8880-a18cdf61200e","functionArn":"arn:aws:lambda:eu-west-1:123456789012:function:LokiShipper:$LATEST","condition":"RetriesExhausted","approximateInvokeCount":3},
         "requestPayload":{{{System.Text.Encoding.UTF8.GetString(originalEvent)}}},
         "responseContext":{"statusCode":200,"executedVersion":"$LATEST","functionError":"Unhandled"},
         "responsePayload":{"errorType":"PushFailed","errorMessage":"1 of 1 batches could not be delivered"}}
        """;

    /// <summary>An SQS event whose messages have the given ids and bodies.</summary>
    public static byte[] Sqs(params (string MessageId, string Body)[] messages)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("Records");
            foreach (var (id, body) in messages)
            {
                writer.WriteStartObject();
                writer.WriteString("messageId", id);
                writer.WriteString("receiptHandle", "AQEB" + id);
                writer.WriteString("body", body);
                writer.WriteStartObject("attributes");
                writer.WriteString("ApproximateReceiveCount", "1");
                writer.WriteEndObject();
                writer.WriteStartObject("messageAttributes");
                writer.WriteEndObject();
                writer.WriteString("eventSource", "aws:sqs");
                writer.WriteString("eventSourceARN", "arn:aws:sqs:eu-west-1:123456789012:lokishipper-failures");
                writer.WriteString("awsRegion", "eu-west-1");
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public const string KinesisStreamArn = "arn:aws:kinesis:eu-west-1:123456789012:stream/loki-shipper-logs";

    /// <summary>A subscription record gzip'd as CloudWatch Logs puts it on a Kinesis stream.</summary>
    public static byte[] KinesisData(string logGroup, string logStream, params (long TimestampMs, string Message)[] events) =>
        SubscriptionEventWriter.Gzip(SubscriptionEventWriter.RecordJson(logGroup, logStream, events.Select(e => new SampleLogEvent(e.TimestampMs, e.Message)).ToList(), Owner));

    /// <summary>A Kinesis event with one record per data item; record i has <see cref="SubscriptionEventWriter.KinesisSequenceNumber"/>(i).</summary>
    public static byte[] Kinesis(params byte[][] recordData) =>
        SubscriptionEventWriter.KinesisEvent(recordData, KinesisStreamArn, DateTimeOffset.UtcNow);

    /// <summary>The sample event shipped in events/, as copied next to the test assembly.</summary>
    public static string SamplePath(string name) => Path.Combine(AppContext.BaseDirectory, "events", name);

    /// <summary>Lines of a loghub sample (../shared/corpus/loghub, https://github.com/logpai/loghub), or null when absent.</summary>
    public static string[]? Loghub(string file) => LoghubPath(file) is { } path ? File.ReadAllLines(path) : null;

    /// <summary>
    /// The path of a loghub sample: the copy in TestData/loghub, else the shared/ folder beside the repository, or
    /// null when neither has it.
    /// </summary>
    public static string? LoghubPath(string file)
    {
        var copy = Path.Combine(AppContext.BaseDirectory, "TestData", "loghub", file);
        if (File.Exists(copy))
        {
            return copy;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "shared", "corpus", "loghub", file);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
    }
}
