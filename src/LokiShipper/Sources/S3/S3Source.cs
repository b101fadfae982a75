using System.Text.Json;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;
using LokiShipper.Sources.S3.Reading;
using LokiShipper.Sources.S3.Triggers;

namespace LokiShipper.Sources.S3;

/// <summary>
/// Log files in S3, as AWS says they were written: an S3 event notification (invoking the function, or through SNS),
/// an EventBridge "Object Created" event, or any of them as an SQS message body (the SQS source hands bodies here).
/// Each object is an item, read and pushed a chunk at a time. S3's test message succeeds with nothing to ship.
/// </summary>
/// <param name="objects">Opens objects; created on the first S3 event, so other events do not pay for an S3 client.</param>
/// <param name="continuations">Where the rest of an object too large for one invocation goes (null: none configured).</param>
internal sealed class S3Source(Lazy<IS3Objects> objects, S3Options options, Lazy<IContinuationQueue>? continuations = null) : ISource
{
    public string Shape => "an S3 event notification (directly, through SNS or through EventBridge) or a Lambda failure record of one, or the rest of an object";

    public InputEvent? TryRead(JsonElement root, LineArena lines)
    {
        if (S3Continuation.TryRead(root) is { } continuation)
        {
            return Event([continuation.Object], continuation.EntriesDelivered);
        }

        // A Lambda on-failure record of an S3 event (the function was invoked directly and gave up): its requestPayload.
        var failureRecord = root.TryGetProperty("requestPayload", out var original) && original.ValueKind == JsonValueKind.Object;
        var payload = failureRecord ? original : root;
        return (S3Notifications.TryReadLambdaEvent(payload) ?? S3Notifications.TryRead(payload, failureRecord ? "requestPayload." : string.Empty)) is { } notice
            ? Event(notice.Objects, 0)
            : null;
    }

    private InputEvent Event(IReadOnlyList<S3ObjectRef> objectsToRead, long entriesDelivered)
    {
        var items = objectsToRead
            .Select(obj => new InputItem($"s3://{obj.Bucket}/{obj.Key}", []) { Reader = new S3ObjectReader(objects.Value, obj, options, continuations?.Value, entriesDelivered) })
            .ToList();
        return new InputEvent("s3", items, WholeEventFailure.Instance)
        {
            ItemName = "object",
            SummaryField = items.Count == 1 ? new("object", items[0].Id) : null,
        };
    }
}
