using System.Text.Json;

namespace LokiShipper.Sources;

/// <summary>The <c>Records</c> array of an event that a Lambda event source mapping delivers (SQS, Kinesis, …).</summary>
internal static class EventRecords
{
    /// <summary>The event's records when the first names <paramref name="eventSource"/> (e.g. <c>aws:sqs</c>); false otherwise.</summary>
    public static bool TryGet(JsonElement root, string eventSource, out JsonElement records) =>
        root.TryGetProperty("Records", out records) && records.ValueKind == JsonValueKind.Array && records.GetArrayLength() > 0
        && records[0].ValueKind == JsonValueKind.Object && records[0].TryGetProperty("eventSource", out var source) && source.ValueEquals(eventSource);
}
