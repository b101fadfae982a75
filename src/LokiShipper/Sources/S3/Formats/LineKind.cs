namespace LokiShipper.Sources.S3.Formats;

/// <summary>What a line of an S3 log object is, as its <see cref="ILineFormat"/> reads it.</summary>
internal enum LineKind
{
    /// <summary>A log entry with its own timestamp.</summary>
    Entry,

    /// <summary>A log entry whose timestamp cannot be read: the caller stamps it with the object's LastModified, which is
    /// when the log was delivered, never with the time of ingestion.</summary>
    EntryWithoutTimestamp,

    /// <summary>Not an entry (a header, a comment, an empty line): nothing to ship.</summary>
    Skip,
}
