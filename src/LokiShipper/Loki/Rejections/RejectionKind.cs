namespace LokiShipper.Loki.Rejections;

/// <summary>What Loki refused, in the order its distributor checks an entry (labels, timestamp, size, metadata), then the ingester.</summary>
internal enum RejectionKind
{
    /// <summary>The whole stream: invalid labels, a label value too long, too many label names.</summary>
    Stream,

    /// <summary>Older than the oldest acceptable timestamp (<c>reject_old_samples_max_age</c>): a prefix of each stream.</summary>
    TooOld,

    /// <summary>Newer than Loki's clock plus <c>creation_grace_period</c>: a suffix of each stream.</summary>
    TooNew,

    /// <summary>A line longer than <c>max_line_size</c>.</summary>
    LineTooLong,

    /// <summary>An entry with structured metadata, which this Loki does not allow.</summary>
    StructuredMetadata,

    /// <summary>The ingester's refusal: more than the out-of-order window behind the stream's newest entry.</summary>
    TooFarBehind,

    /// <summary>A validation error this shipper cannot map to entries.</summary>
    Unrecognized,
}
