namespace LokiShipper.Decode;

/// <summary>What a Lambda event turned out to be. Dispose it once its entries are pushed: its lines are pooled.</summary>
public abstract record IncomingEvent : IDisposable
{
    internal LineArena? Lines { get; set; }

    public void Dispose()
    {
        Lines?.Dispose();
        Lines = null;
        GC.SuppressFinalize(this);
    }
}

/// <summary>A CloudWatch Logs subscription event (<c>{"awslogs":…}</c>), invoked asynchronously by CloudWatch.</summary>
public sealed record SubscriptionEvent(SubscriptionRecord Record) : IncomingEvent;

/// <summary>
/// An SQS event (the failure queue, for redrive): each message holds a Lambda on-failure destination record whose
/// <c>requestPayload</c> is the original CloudWatch event, or a CloudWatch event itself. Messages fail one by one.
/// </summary>
public sealed record QueueEvent(IReadOnlyList<QueueItem> Items) : IncomingEvent;

/// <summary>One SQS message: its decoded record, or why it could not be decoded.</summary>
public sealed record QueueItem(string MessageId, SubscriptionRecord? Record, string? Error);

/// <summary>
/// A Kinesis event (CloudWatch Logs → Kinesis data stream → event source mapping): each record holds a subscription
/// record, gzip'd as CloudWatch writes it (or plain JSON). Records can come from different log groups; failures are
/// reported by sequence number so Lambda retries the shard from the first record not delivered.
/// </summary>
public sealed record KinesisEvent(IReadOnlyList<KinesisItem> Items) : IncomingEvent;

/// <summary>One Kinesis record: its sequence number and stream, and its decoded record or why it could not be decoded.</summary>
public sealed record KinesisItem(string SequenceNumber, string EventSourceArn, SubscriptionRecord? Record, string? Error);
