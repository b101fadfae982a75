using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Function;

/// <summary>
/// The invocation's counts as one CloudWatch Embedded Metric Format log line (namespace <c>LokiShipper</c>):
/// CloudWatch turns it into metrics with no extra permissions or API calls, so users can alarm on them.
/// </summary>
internal static class EmbeddedMetrics
{
    public const string Namespace = "LokiShipper";

    private static readonly (string Name, string Unit, Func<InvocationOutcome, long> Value)[] Metrics =
    [
        ("EntriesIn", "Count", s => s.EntriesIn),
        ("EntriesPushed", "Count", s => s.EntriesPushed),
        ("EntriesRejected", "Count", s => s.EntriesRejected),
        ("EntriesDropped", "Count", s => s.EntriesDropped),
        ("EntriesFailed", "Count", s => s.EntriesFailed),
        ("MetadataDropped", "Count", s => s.MetadataDropped),
        ("LinesRedacted", "Count", s => s.LinesRedacted),
        ("LinesJoined", "Count", s => s.LinesJoined),
        ("InvalidRecords", "Count", s => s.InvalidItems), // SQS messages or Kinesis records that could not be read
        ("Retries", "Count", s => s.Retries),
        ("BytesSent", "Bytes", s => s.BytesSent),
        ("PushLatency", "Milliseconds", s => s.PushMs),
    ];

    public static void Write(Utf8JsonWriter writer, InvocationOutcome outcome, string? functionName, DateTimeOffset timestamp)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(outcome);
        writer.WriteStartObject("_aws");
        writer.WriteNumber("Timestamp", timestamp.ToUnixTimeMilliseconds());
        writer.WriteStartArray("CloudWatchMetrics");
        writer.WriteStartObject();
        writer.WriteString("Namespace", Namespace);
        writer.WriteStartArray("Dimensions");
        writer.WriteStartArray();
        if (functionName is not null)
        {
            writer.WriteStringValue("FunctionName");
        }

        writer.WriteEndArray();
        writer.WriteEndArray();
        writer.WriteStartArray("Metrics");
        foreach (var (name, unit, _) in Metrics)
        {
            writer.WriteStartObject();
            writer.WriteString("Name", name);
            writer.WriteString("Unit", unit);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.WriteEndArray();
        writer.WriteEndObject();
        if (functionName is not null)
        {
            writer.WriteString("FunctionName", functionName);
        }

        foreach (var (name, _, value) in Metrics)
        {
            writer.WriteNumber(name, value(outcome));
        }
    }
}
