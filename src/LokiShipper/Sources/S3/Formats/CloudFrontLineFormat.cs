namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// CloudFront standard logs: <c>#Version</c> and <c>#Fields</c> lines, then tab-separated records whose <c>date</c>
/// (<c>2023-04-26</c>) and <c>time</c> (<c>07:25:11</c>, UTC) fields, in the order <c>#Fields</c> names them, are the
/// timestamp. Standard logging v2 may name <c>timestamp(ms)</c> or <c>timestamp</c> (Unix milliseconds, Unix seconds) instead,
/// and may write JSON lines; both are read.
/// </summary>
internal sealed class CloudFrontLineFormat : ILineFormat
{
    private static readonly JsonTimestampField[] JsonFields =
    [
        new("timestamp(ms)"u8.ToArray(), EpochUnit.Milliseconds),
        new("timestamp"u8.ToArray(), EpochUnit.Seconds),
    ];

    // Without #Fields, the order every standard log has had: date, then time.
    private int _dateField;
    private int _timeField = 1;
    private int _epochField = -1;
    private EpochUnit _epochUnit = EpochUnit.Seconds;

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        if (line[0] == (byte)'#')
        {
            if (line.StartsWith("#Fields:"u8))
            {
                ReadFields(line["#Fields:"u8.Length..]);
            }

            return LineKind.Skip;
        }

        if (line[0] == (byte)'{')
        {
            return JsonTimestamps.TryFind(line, JsonFields, out timestampNs) ? LineKind.Entry : LineKind.EntryWithoutTimestamp;
        }

        if (_epochField >= 0)
        {
            return LineFields.TryGetTabbed(line, _epochField, out var epoch) && TimestampParser.TryParseEpoch(epoch, _epochUnit, out timestampNs)
                ? LineKind.Entry
                : LineKind.EntryWithoutTimestamp;
        }

        return _dateField >= 0 && _timeField >= 0
            && LineFields.TryGetTabbed(line, _dateField, out var date) && TimestampParser.TryParseDate(date, out var days)
            && LineFields.TryGetTabbed(line, _timeField, out var time)
            && TimestampParser.TryParseTimeOfDay(time, out var secondOfDay, out var fraction, out var length) && length == time.Length
            && TimestampParser.TryCombine(days, secondOfDay, fraction, out timestampNs)
                ? LineKind.Entry
                : LineKind.EntryWithoutTimestamp;
    }

    // The finest time the fields give: timestamp(ms), then timestamp, then date and time (whole seconds).
    private void ReadFields(ReadOnlySpan<byte> names)
    {
        _dateField = LineFields.IndexOfName(names, "date"u8);
        _timeField = LineFields.IndexOfName(names, "time"u8);
        _epochField = LineFields.IndexOfName(names, "timestamp(ms)"u8);
        _epochUnit = EpochUnit.Milliseconds;
        if (_epochField < 0)
        {
            _epochField = LineFields.IndexOfName(names, "timestamp"u8);
            _epochUnit = EpochUnit.Seconds;
        }
    }
}
