using System.Text.Json;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.S3.Triggers;

/// <summary>
/// Every shape in which AWS says an S3 object was created: S3's event notification (<c>Records</c> of
/// <c>aws:s3</c>, also what SNS raw message delivery puts in an SQS body), S3's test message, either of them in an
/// SNS notification, and the <c>Object Created</c> event S3 sends to EventBridge.
/// </summary>
/// <remarks>
/// Field names are those of the AWS documentation: "Event message structure" (S3 User Guide,
/// notification-content-structure), "EventBridge event message structure" (ev-events), "Using Lambda with Amazon SNS"
/// and "Amazon SNS raw message delivery".
/// </remarks>
internal static class S3Notifications
{
    private const string CreatedPrefix = "ObjectCreated:";

    /// <summary>
    /// Reads a notification as it arrives in an SQS message body (or any place that holds one notification).
    /// </summary>
    /// <param name="json">The notification.</param>
    /// <param name="path">Prefixes field names in errors: empty for the event itself, <c>"Records[2] (messageId m-1): body."</c> inside an SQS message.</param>
    /// <returns>Null when <paramref name="json"/> is none of the shapes.</returns>
    /// <exception cref="InvalidEventException">It has one of the shapes but a field is wrong; the message names it.</exception>
    public static S3Notice? TryRead(JsonElement json, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return TryReadUnwrapped(json, path) ?? (IsSnsNotification(json) ? ReadSnsMessage(json, path) : null);
    }

    /// <summary>
    /// Reads a Lambda event that S3 sends directly (the event notification), through EventBridge (the
    /// <c>Object Created</c> event) or through SNS (<c>Records</c> of <c>aws:sns</c>, the notification in each
    /// <c>Sns.Message</c>).
    /// </summary>
    /// <remarks>
    /// S3's test message is not a Lambda event: S3 sends it to SQS and SNS destinations only, and checks a Lambda
    /// destination's permission instead. Through SNS it is read like any other message.
    /// </remarks>
    /// <returns>Null for any other event (SQS, Kinesis, a CloudWatch Logs subscription, …).</returns>
    /// <exception cref="InvalidEventException">It has one of the shapes but a field is wrong; the message names it.</exception>
    public static S3Notice? TryReadLambdaEvent(JsonElement root)
    {
        if (IsS3Records(root))
        {
            return ReadS3Records(root, string.Empty);
        }

        if (IsEventBridgeS3(root))
        {
            return ReadEventBridge(root, string.Empty);
        }

        return IsSnsRecords(root) ? ReadSnsRecords(root) : null;
    }

    /// <summary>The shapes that hold the notification itself: everything but the SNS wrapping.</summary>
    private static S3Notice? TryReadUnwrapped(JsonElement json, string path)
    {
        if (IsS3Records(json))
        {
            return ReadS3Records(json, path);
        }

        if (IsTestEvent(json))
        {
            return new S3Notice([], IsTestEvent: true, S3Notice.ViaS3, IgnoredEvents: 0);
        }

        return IsEventBridgeS3(json) ? ReadEventBridge(json, path) : null;
    }

    // Recognised by the first record, as the SQS and Kinesis sources recognise theirs; the rest must agree.
    private static bool IsS3Records(JsonElement json) => FirstRecordSays(json, "eventSource", "aws:s3");

    private static bool IsSnsRecords(JsonElement json) => FirstRecordSays(json, "EventSource", "aws:sns");

    private static bool FirstRecordSays(JsonElement json, string sourceField, string source) =>
        json.ValueKind == JsonValueKind.Object && json.TryGetProperty("Records", out var records)
        && records.ValueKind == JsonValueKind.Array && records.GetArrayLength() > 0
        && JsonText.StringProperty(records[0], sourceField) is { } value && value.ValueEquals(source);

    private static bool IsTestEvent(JsonElement json) =>
        JsonText.StringProperty(json, "Event") is { } name && name.ValueEquals("s3:TestEvent");

    private static bool IsEventBridgeS3(JsonElement json) =>
        JsonText.StringProperty(json, "source") is { } source && source.ValueEquals("aws.s3")
        && JsonText.StringProperty(json, "detail-type") is not null;

    // SNS's JSON envelope, as SQS (and HTTP) subscribers receive it without raw message delivery.
    private static bool IsSnsNotification(JsonElement json) =>
        JsonText.StringProperty(json, "Type") is { } type && type.ValueEquals("Notification")
        && JsonText.StringProperty(json, "TopicArn") is not null;

    private static S3Notice ReadS3Records(JsonElement json, string path)
    {
        var records = json.GetProperty("Records");
        var objects = new List<S3ObjectRef>(records.GetArrayLength());
        var ignored = 0;
        var index = 0;
        foreach (var record in records.EnumerateArray())
        {
            var prefix = $"{path}Records[{index++}].";
            if (JsonText.StringProperty(record, "eventSource") is not { } source || !source.ValueEquals("aws:s3"))
            {
                throw new InvalidEventException($"{prefix}eventSource is not aws:s3, as the first record's is");
            }

            if (!NoticeFields.Required(record, prefix, "eventName").StartsWith(CreatedPrefix, StringComparison.Ordinal))
            {
                ignored++; // ObjectRemoved, ObjectRestore, …: nothing new to read, and not a reason to fail.
                continue;
            }

            var bucket = NoticeFields.Required(record, prefix, "s3", "bucket", "name");
            var key = NoticeFields.Required(record, prefix, "s3", "object", "key");
            objects.Add(new S3ObjectRef(
                bucket,
                S3KeyEncoding.Decode(key, prefix, "s3.object.key"),
                NoticeFields.Optional(record, prefix, "awsRegion"),
                NoticeFields.Optional(record, prefix, "s3", "object", "versionId"),
                NoticeFields.Optional(record, prefix, "s3", "object", "eTag"),
                NoticeFields.Size(record, prefix, "s3", "object", "size")));
        }

        return new S3Notice(objects, IsTestEvent: false, S3Notice.ViaS3, ignored);
    }

    private static S3Notice ReadEventBridge(JsonElement json, string path)
    {
        if (!json.GetProperty("detail-type").ValueEquals("Object Created"))
        {
            // Object Deleted, Object Restore Completed, …: the rule matched more than it needed to.
            return new S3Notice([], IsTestEvent: false, S3Notice.ViaEventBridge, IgnoredEvents: 1);
        }

        // EventBridge gives the key as stored: unlike the event notification's, it is not URL-encoded.
        var created = new S3ObjectRef(
            NoticeFields.Required(json, path, "detail", "bucket", "name"),
            NoticeFields.Required(json, path, "detail", "object", "key"),
            NoticeFields.Optional(json, path, "region"),
            NoticeFields.Optional(json, path, "detail", "object", "version-id"),
            NoticeFields.Optional(json, path, "detail", "object", "etag"),
            NoticeFields.Size(json, path, "detail", "object", "size"));
        return new S3Notice([created], IsTestEvent: false, S3Notice.ViaEventBridge, IgnoredEvents: 0);
    }

    private static S3Notice ReadSnsMessage(JsonElement envelope, string path) =>
        ReadMessage(JsonText.StringProperty(envelope, "Message"), $"{path}Message");

    private static S3Notice ReadSnsRecords(JsonElement root)
    {
        var objects = new List<S3ObjectRef>();
        var allTests = true;
        var ignored = 0;
        var index = 0;
        foreach (var record in root.GetProperty("Records").EnumerateArray())
        {
            var prefix = $"Records[{index++}].";
            if (JsonText.StringProperty(record, "EventSource") is not { } source || !source.ValueEquals("aws:sns"))
            {
                throw new InvalidEventException($"{prefix}EventSource is not aws:sns, as the first record's is");
            }

            var notice = ReadMessage(NoticeFields.At(record, ["Sns", "Message"]) is { ValueKind: JsonValueKind.String } message ? message : null, $"{prefix}Sns.Message");
            objects.AddRange(notice.Objects);
            allTests &= notice.IsTestEvent;
            ignored += notice.IgnoredEvents;
        }

        return new S3Notice(objects, allTests, S3Notice.ViaSns, ignored);
    }

    /// <summary>The notification in an SNS message; <paramref name="field"/> names the message.</summary>
    private static S3Notice ReadMessage(JsonElement? message, string field)
    {
        if (message is not { } text)
        {
            throw new InvalidEventException($"{field} is missing or not a string");
        }

        using var inner = JsonText.ParseEmbedded(JsonText.Get(text, field), field);

        // The notice holds strings copied out of the message, so it outlives the document parsed here.
        var notice = TryReadUnwrapped(inner.RootElement, $"{field}.")
            ?? throw new InvalidEventException($"{field} is not an S3 event notification (Records of aws:s3), S3's test message or an EventBridge event from aws.s3");
        return notice with { Via = S3Notice.ViaSns };
    }
}
