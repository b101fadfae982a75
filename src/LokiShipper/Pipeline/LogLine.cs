using System.Text;

namespace LokiShipper.Pipeline;

/// <summary>
/// One log line as a source read it: its own timestamp in nanoseconds since the Unix epoch, and the line as UTF-8.
/// The bytes live in pooled buffers owned by the event the line was read from: valid while it is.
/// </summary>
/// <remarks>Lines stay UTF-8 from the event to the push request: as .NET strings they would cost twice their size and two transcodings.</remarks>
internal readonly record struct LogLine(long TimestampNs, ReadOnlyMemory<byte> Utf8)
{
    public const long NanosPerMilli = 1_000_000;

    /// <summary>The line as a string: allocates, for diagnostics and tests.</summary>
    public string Text => Encoding.UTF8.GetString(Utf8.Span);

    /// <summary>A line from a string (tests, and lines that are not already UTF-8).</summary>
    public static LogLine FromText(long timestampNs, string text) => new(timestampNs, Encoding.UTF8.GetBytes(text));
}
