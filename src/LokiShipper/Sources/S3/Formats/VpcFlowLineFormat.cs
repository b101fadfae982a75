namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// VPC Flow Logs in S3: space-separated fields in the order the flow log's format names them, with a first line that
/// names them (<c>version account-id interface-id … start end action log-status</c>). The timestamp is <c>start</c>, the Unix
/// second the aggregation interval began; NODATA and SKIPDATA records have one too and are entries like any other.
/// </summary>
internal sealed class VpcFlowLineFormat : ILineFormat
{
    // Without a header, the default format (version 2): start is its 11th field.
    private const int DefaultStartField = 10;

    private int _timeField = DefaultStartField;
    private bool _sawRecord;

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        if (!_sawRecord && IsHeader(line))
        {
            // A custom format may leave start out; end is the next best time of the flow, and without either the
            // records carry no time of their own.
            var start = LineFields.IndexOfName(line, "start"u8);
            _timeField = start >= 0 ? start : LineFields.IndexOfName(line, "end"u8);
            return LineKind.Skip;
        }

        _sawRecord = true;
        return _timeField >= 0
            && LineFields.TryGetSpaced(line, _timeField, out var field)
            && TimestampParser.TryParseEpoch(field, EpochUnit.Seconds, out timestampNs)
                ? LineKind.Entry
                : LineKind.EntryWithoutTimestamp;
    }

    // Field names are lower-case words joined by hyphens; a record always has a digit (an id, an address, a count) or an
    // upper-case word (ACCEPT, OK, NODATA) or a dash for a missing value, so it never looks like this.
    private static bool IsHeader(ReadOnlySpan<byte> line)
    {
        if (line[0] is < (byte)'a' or > (byte)'z')
        {
            return false;
        }

        foreach (var b in line)
        {
            if (b is not ((>= (byte)'a' and <= (byte)'z') or (byte)'-' or (byte)' '))
            {
                return false;
            }
        }

        return true;
    }
}
