namespace LokiShipper.Sources.S3.Formats;

/// <summary>
/// Objects of no known AWS format. A JSON line (one starting with <c>{</c>) has the timestamp of its first top-level
/// <c>timestamp</c>, <c>time</c>, <c>@timestamp</c>, <c>date</c>, <c>ts</c> or <c>eventTime</c> that holds one: a number is Unix
/// time in the unit its size implies (<see cref="TimestampParser.UnitOf"/>), fraction allowed (Fluent Bit's S3 output writes
/// <c>"date":1700000000.123456</c>); a string is ISO 8601 / RFC 3339 or such a number. A text line has the ISO 8601 / RFC 3339
/// timestamp it starts with (<c>T</c> or a space between date and time, any offset, none meaning UTC; optionally inside
/// <c>[…]</c>).
/// </summary>
internal sealed class GenericLineFormat : ILineFormat
{
    private static readonly JsonTimestampField[] JsonFields =
    [
        new("timestamp"u8.ToArray(), EpochUnit.ByMagnitude),
        new("time"u8.ToArray(), EpochUnit.ByMagnitude),
        new("@timestamp"u8.ToArray(), EpochUnit.ByMagnitude),
        new("date"u8.ToArray(), EpochUnit.ByMagnitude),
        new("ts"u8.ToArray(), EpochUnit.ByMagnitude),
        new("eventTime"u8.ToArray(), EpochUnit.ByMagnitude),
    ];

    public LineKind Read(ReadOnlySpan<byte> line, out long timestampNs)
    {
        timestampNs = 0;
        line = LineFields.Trim(line);
        if (line.IsEmpty)
        {
            return LineKind.Skip;
        }

        if (line[0] == (byte)'{')
        {
            return JsonTimestamps.TryFind(line, JsonFields, out timestampNs) ? LineKind.Entry : LineKind.EntryWithoutTimestamp;
        }

        var text = line[0] == (byte)'[' ? line[1..] : line;

        // What follows the timestamp must not continue it ("2024-03-14T09:26:53Zulu" is not a timestamp and a message).
        if (TimestampParser.TryParseIso8601(text, out timestampNs, out var length)
            && (length == text.Length || !char.IsAsciiLetterOrDigit((char)text[length])))
        {
            return LineKind.Entry;
        }

        timestampNs = 0;
        return LineKind.EntryWithoutTimestamp;
    }
}
