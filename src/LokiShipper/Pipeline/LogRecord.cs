using LokiShipper.Labels;

namespace LokiShipper.Pipeline;

/// <summary>A run of lines from one origin, as a source hands them to the pipeline (a struct: a Kinesis event holds thousands).</summary>
/// <param name="Origin">Where the lines come from: their labels and structured metadata are computed from it.</param>
/// <param name="Lines">The lines, in the order the source read them.</param>
/// <param name="DropReason">Set when the source counts these lines in but must not ship them (e.g. the shipper's own log group).</param>
internal readonly record struct LogRecord(LogOrigin Origin, ArraySegment<LogLine> Lines, string? DropReason = null)
{
    /// <summary>Lines the source already cut to <c>MAX_LINE_SIZE</c> while reading them (a line too long to hold whole).</summary>
    public int LinesTruncated { get; init; }
}
