namespace LokiShipper.Sources.S3.Formats;

/// <summary>JSON lines whose timestamp is a known top-level property: WAF's <c>timestamp</c>, GuardDuty's <c>updatedAt</c>.</summary>
/// <param name="fields">The properties that may hold the timestamp, the preferred first.</param>
internal sealed class JsonLineFormat(JsonTimestampField[] fields) : ILineFormat
{
    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        return line[0] == (byte)'{' && JsonTimestamps.TryFind(line, fields, out timestampNs)
            ? LineKind.Entry
            : LineKind.EntryWithoutTimestamp;
    }
}
