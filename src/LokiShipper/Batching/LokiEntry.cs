using System.Text;
using LokiShipper.Labels;

namespace LokiShipper.Batching;

/// <summary>Structured metadata shared by all entries of one record (e.g. <c>log_stream</c>), with its size in bytes.</summary>
public sealed class StructuredMetadata
{
    public static readonly StructuredMetadata Empty = new([]);

    public StructuredMetadata(IReadOnlyList<KeyValuePair<string, string>> pairs)
    {
        Pairs = pairs ?? throw new ArgumentNullException(nameof(pairs));
        foreach (var (name, value) in pairs)
        {
            SizeBytes += Encoding.UTF8.GetByteCount(name) + Encoding.UTF8.GetByteCount(value);
        }
    }

    public IReadOnlyList<KeyValuePair<string, string>> Pairs { get; }

    /// <summary>UTF-8 bytes of all names and values.</summary>
    public int SizeBytes { get; }

    public bool IsEmpty => Pairs.Count == 0;
}

/// <summary>One log line for Loki: nanosecond timestamp, the line verbatim as UTF-8, and its structured metadata.</summary>
/// <param name="Line">The line's UTF-8 bytes (pooled by the record or batch it comes from: valid while they are).</param>
/// <param name="Origin">
/// Which record of the event it came from (a Kinesis record's index), so a failed push can name the first record
/// not delivered. 0 for events of one record.
/// </param>
public readonly record struct LokiEntry(long TimestampNs, ReadOnlyMemory<byte> Line, StructuredMetadata Metadata, int Origin = 0)
{
    public const long NanosPerMilli = 1_000_000;

    /// <summary>UTF-8 bytes of the line.</summary>
    public int LineBytes => Line.Length;

    /// <summary>Batch-size accounting: line plus metadata, in UTF-8 bytes.</summary>
    public int SizeBytes => Line.Length + Metadata.SizeBytes;

    /// <summary>The line as a string: allocates, for diagnostics and tests.</summary>
    public string LineText => Encoding.UTF8.GetString(Line.Span);

    /// <summary>An entry from a string line (tests, and lines that are not already UTF-8).</summary>
    public static LokiEntry FromText(long timestampNs, string line, StructuredMetadata metadata, int origin = 0) =>
        new(timestampNs, Encoding.UTF8.GetBytes(line), metadata, origin);

    /// <summary>Converts CloudWatch milliseconds to nanoseconds exactly (no floating point).</summary>
    public static long MillisToNanos(long millis) => checked(millis * NanosPerMilli);
}

/// <summary>One Loki stream: a label set and its entries.</summary>
public sealed record LokiStream(LabelSet Labels, IReadOnlyList<LokiEntry> Entries);

/// <summary>What one push request carries.</summary>
public sealed record PushBatch(int Index, IReadOnlyList<LokiStream> Streams, int EntryCount, long SizeBytes)
{
    /// <summary>A batch of these streams, its entry count and size (labels + lines + metadata, UTF-8) computed.</summary>
    public static PushBatch Of(int index, IReadOnlyList<LokiStream> streams)
    {
        ArgumentNullException.ThrowIfNull(streams);
        return new(
            index,
            streams,
            streams.Sum(s => s.Entries.Count),
            streams.Sum(s => Encoding.UTF8.GetByteCount(s.Labels.Text) + s.Entries.Sum(e => (long)e.SizeBytes)));
    }
}
