using System.Text.Json.Serialization;

namespace LokiShipper.Events;

// Our own event records: the Amazon.Lambda.*Events packages are not served by the feed CI restores from.
// Field names follow the documented CloudWatch Logs subscription payload; unknown fields are ignored.

/// <summary>The Lambda event of a CloudWatch Logs subscription: <c>{"awslogs":{"data":"…"}}</c>.</summary>
public sealed record CloudWatchLogsEvent
{
    [JsonPropertyName("awslogs")]
    public AwsLogsPayload? AwsLogs { get; init; }
}

/// <summary>Base64 of the gzip'd <see cref="CloudWatchLogsData"/> JSON.</summary>
public sealed record AwsLogsPayload
{
    [JsonPropertyName("data")]
    public string? Data { get; init; }
}

/// <summary>The decoded subscription record.</summary>
public sealed record CloudWatchLogsData
{
    public const string DataMessage = "DATA_MESSAGE";
    public const string ControlMessage = "CONTROL_MESSAGE";

    [JsonPropertyName("messageType")]
    public string? MessageType { get; init; }

    [JsonPropertyName("owner")]
    public string? Owner { get; init; }

    [JsonPropertyName("logGroup")]
    public string? LogGroup { get; init; }

    [JsonPropertyName("logStream")]
    public string? LogStream { get; init; }

    [JsonPropertyName("subscriptionFilters")]
    public IReadOnlyList<string>? SubscriptionFilters { get; init; }

    [JsonPropertyName("logEvents")]
    public IReadOnlyList<CloudWatchLogEvent>? LogEvents { get; init; }
}

/// <summary>One log event: <c>timestamp</c> is milliseconds since the Unix epoch.</summary>
/// <remarks>
/// The event's <c>id</c> (56 digits) is left unread: nothing uses it, and materialising it cost 3,500 strings
/// (≈ 390 KB) per 1.4 MB record.
/// </remarks>
public sealed record CloudWatchLogEvent
{
    [JsonPropertyName("timestamp")]
    public long? Timestamp { get; init; }

    [JsonPropertyName("message")]
    public string? Message { get; init; }
}

/// <summary>Source-generated serialization, so the function runs under Native AOT without reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.Unspecified,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CloudWatchLogsEvent))]
[JsonSerializable(typeof(CloudWatchLogsData))]
public sealed partial class EventJsonContext : JsonSerializerContext;
