using System.Text;

namespace LokiShipper.Loki;

/// <summary>One log line for Loki: nanosecond timestamp, the line verbatim as UTF-8, and its structured metadata.</summary>
/// <param name="Line">The line's UTF-8 bytes (pooled by the event it comes from: valid while it is).</param>
internal readonly record struct LokiEntry(long TimestampNs, ReadOnlyMemory<byte> Line, StructuredMetadata Metadata)
{
    /// <summary>UTF-8 bytes of the line.</summary>
    public int LineBytes => Line.Length;

    /// <summary>Batch-size accounting: line plus metadata, in UTF-8 bytes.</summary>
    public int SizeBytes => Line.Length + Metadata.SizeBytes;

    /// <summary>The line as a string: allocates, for diagnostics and tests.</summary>
    public string LineText => Encoding.UTF8.GetString(Line.Span);

    /// <summary>An entry from a string line (tests, and lines that are not already UTF-8).</summary>
    public static LokiEntry FromText(long timestampNs, string line, StructuredMetadata metadata) =>
        new(timestampNs, Encoding.UTF8.GetBytes(line), metadata);
}
