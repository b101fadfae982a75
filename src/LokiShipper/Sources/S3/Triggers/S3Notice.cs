namespace LokiShipper.Sources.S3.Triggers;

/// <summary>What one notification from AWS says about S3 objects: the ones created, in the order it names them.</summary>
/// <param name="Objects">The objects created (<c>ObjectCreated:*</c> records, EventBridge <c>Object Created</c> events).</param>
/// <param name="IsTestEvent">
/// The notification is only S3's test message, sent when a notification is configured on a bucket: nothing to read,
/// and nothing wrong either.
/// </param>
/// <param name="Via">How it came: <see cref="ViaS3"/>, <see cref="ViaSns"/> or <see cref="ViaEventBridge"/>.</param>
/// <param name="IgnoredEvents">
/// Events it also holds that create nothing (ObjectRemoved and other S3 event types, EventBridge detail-types other than
/// <c>Object Created</c>): counted so the caller can say why a notification gave no objects.
/// </param>
internal sealed record S3Notice(IReadOnlyList<S3ObjectRef> Objects, bool IsTestEvent, string Via, int IgnoredEvents)
{
    /// <summary>An S3 event notification as S3 sends it (also through SNS with raw message delivery).</summary>
    public const string ViaS3 = "s3";

    /// <summary>An S3 notification inside an SNS message (SNS to SQS, or SNS invoking Lambda).</summary>
    public const string ViaSns = "sns";

    /// <summary>An event S3 sent to EventBridge (to Lambda or SQS as a rule's target).</summary>
    public const string ViaEventBridge = "eventbridge";
}
