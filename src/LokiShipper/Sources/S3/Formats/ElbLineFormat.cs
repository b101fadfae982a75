namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Elastic Load Balancing access logs: space-separated fields, one of which is the time in ISO 8601 (ALB and Classic
/// write microseconds and <c>Z</c>, <c>2022-12-06T17:42:16.176563Z</c>; NLB writes whole seconds and no zone, meaning UTC).
/// </summary>
/// <param name="timeField">Where the time is: 1 for ALB (<c>type time elb …</c>), 2 for NLB (<c>type version time elb …</c>), 0 for
/// Classic (<c>time elb …</c>).</param>
internal sealed class ElbLineFormat(int timeField) : ILineFormat
{
    // ALB connection logs (conn_log.*) lead with their time, ahead of any documented field; the first fields are tried
    // when the usual one is not a time, so those logs keep their own times too.
    private const int FieldsToTry = 3;

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            timestampNs = 0;
            return LineKind.Skip;
        }

        if (TryTime(line, timeField, out timestampNs))
        {
            return LineKind.Entry;
        }

        for (var field = 0; field < FieldsToTry; field++)
        {
            if (field != timeField && TryTime(line, field, out timestampNs))
            {
                return LineKind.Entry;
            }
        }

        return LineKind.EntryWithoutTimestamp;
    }

    private static bool TryTime(ReadOnlySpan<byte> line, int index, out long timestampNs)
    {
        timestampNs = 0;
        return LineFields.TryGetSpaced(line, index, out var field) && TimestampParser.TryParseIso8601Exact(field, out timestampNs);
    }
}
