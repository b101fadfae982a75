namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// S3 server access logs: <c>bucket-owner bucket [06/Feb/2019:00:00:38 +0000] remote-ip …</c>; the bracketed time (the
/// third and fourth space-separated fields) is when the request was received, in the offset it gives.
/// </summary>
internal sealed class S3AccessLineFormat : ILineFormat
{
    // "[dd/MMM/yyyy:HH:mm:ss +hhmm]" without its brackets.
    private const int TimeLength = 26;

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        // Neither the owner's canonical id nor a bucket name can hold a bracket, so the first one opens the time.
        var open = line.IndexOf((byte)'[');
        return open >= 0 && open + TimeLength + 1 < line.Length && line[open + TimeLength + 1] == (byte)']'
            && TimestampParser.TryParseCommonLogTime(line.Slice(open + 1, TimeLength), out timestampNs)
                ? LineKind.Entry
                : LineKind.EntryWithoutTimestamp;
    }
}
