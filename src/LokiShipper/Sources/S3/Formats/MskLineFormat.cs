namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Amazon MSK broker logs: Kafka's log4j layout, <c>[2025-07-04 11:57:55,836] INFO message (logger)</c>, in the brokers'
/// time zone, UTC.
/// </summary>
/// <remarks>
/// A line that does not start with that bracketed time continues the entry before it (the lines of a stack trace), and
/// takes its time: the caller sorts entries by time, and a trace stamped with the object's LastModified would be moved
/// away from its first line. Before any dated line there is nothing to continue, and the line is
/// <see cref="LineKind.EntryWithoutTimestamp"/>.
/// </remarks>
internal sealed class MskLineFormat : ILineFormat
{
    private long _previous;

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        if (line[0] == (byte)'[' && TimestampParser.TryParseIso8601(line[1..], out var time, out var length)
            && 1 + length < line.Length && line[1 + length] == (byte)']')
        {
            _previous = time;
            timestampNs = time;
            return LineKind.Entry;
        }

        if (_previous > 0)
        {
            timestampNs = _previous;
            return LineKind.Entry;
        }

        return LineKind.EntryWithoutTimestamp;
    }
}
