namespace LokiShipper.Pipeline;

/// <summary>
/// What one invocation did, once it is over: every entry that came in is pushed, rejected by Loki (with Loki's
/// reason, or <c>unconfirmed</c> when Loki's answers could not settle it), dropped (with our reason), or failed (and
/// Lambda retries it). The summary line, the EMF metrics and the Lambda response are all written from this.
/// </summary>
internal sealed record InvocationOutcome
{
    /// <summary>What invoked us: <c>cloudwatch</c> (a subscription, or a failure record of one), <c>sqs</c> or <c>kinesis</c>.</summary>
    public string Source { get; init; } = "cloudwatch";

    /// <summary>A field the summary names the event by (e.g. <c>log_group</c>), or null.</summary>
    public KeyValuePair<string, string>? SummaryField { get; init; }

    public int EntriesIn { get; init; }
    public int EntriesPushed { get; init; }
    public int EntriesFailed { get; init; }

    /// <summary>Entries Loki refused, by Loki's reason.</summary>
    public IReadOnlyDictionary<string, int> Rejected { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Entries we did not ship, by our reason.</summary>
    public IReadOnlyDictionary<string, int> Dropped { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Items whose content was gone before it was read (an S3 object deleted), by reason: not retried.</summary>
    public IReadOnlyDictionary<string, int> DroppedItems { get; init; } = new SortedDictionary<string, int>(StringComparer.Ordinal);

    public int LinesTruncated { get; init; }

    /// <summary>Entries a redaction rule changed before they left the function.</summary>
    public int LinesRedacted { get; init; }

    /// <summary>
    /// Lines joined onto the line before them (multiline): counted in <see cref="EntriesIn"/> but not entries of their
    /// own, so entries in = pushed + rejected + dropped + failed + joined.
    /// </summary>
    public int LinesJoined { get; init; }

    /// <summary>Entries stored without their structured metadata, because Loki does not accept it (they are also in <see cref="EntriesPushed"/>).</summary>
    public int MetadataDropped { get; init; }

    /// <summary>Requests sent again after a 400 to find out which entries Loki kept.</summary>
    public int VerificationPushes { get; init; }

    public int Batches { get; init; }
    public IReadOnlyList<int> FailedBatches { get; init; } = [];
    public long BytesSent { get; init; }

    /// <summary>Batches Loki refused as too large and that were sent again as two halves.</summary>
    public int Splits { get; init; }

    public int Retries { get; init; }

    /// <summary>Time spent pushing (all batches, retries included).</summary>
    public long PushMs { get; init; }

    public long ElapsedMs { get; init; }

    /// <summary>Items too large for the time left whose rest was handed on to a later invocation (S3 objects).</summary>
    public int ItemsContinued { get; init; }

    /// <summary>Items (SQS messages, Kinesis records) that could not be read.</summary>
    public int InvalidItems { get; init; }

    /// <summary>How the summary names <see cref="InvalidItems"/>: <c>invalid_messages</c> or <c>invalid_records</c>.</summary>
    public string InvalidItemsName { get; init; } = "invalid_messages";

    /// <summary>What Lambda is to retry, for events with a partial-failure protocol (SQS, Kinesis); null otherwise.</summary>
    public IReadOnlyList<string>? BatchItemFailures { get; init; }

    /// <summary>What went wrong; empty when nothing did.</summary>
    public IReadOnlyList<InvocationError> Errors { get; init; } = [];

    public bool Ok => Errors.Count == 0;

    public int EntriesRejected => Rejected.Values.Sum();

    public int EntriesDropped => Dropped.Values.Sum();

    /// <summary>The errors in words, one after the other; null when there are none.</summary>
    public string? ErrorMessage => Errors.Count == 0 ? null : string.Join(" || ", Errors.Select(e => e.Message));
}
