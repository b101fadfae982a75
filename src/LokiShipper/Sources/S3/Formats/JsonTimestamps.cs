using System.Text.Json;

namespace LokiShipper.Sources.S3.Formats;

/// <summary>The timestamp of a JSON object (a WAF log line, a GuardDuty finding, a CloudTrail record), read with
/// <see cref="Utf8JsonReader"/> from its bytes: nothing is allocated and nested values are skipped, not parsed.</summary>
internal static class JsonTimestamps
{
    // A timestamp string with escapes in it is copied here unescaped; no timestamp is longer.
    private const int MaxEscapedLength = 128;

    /// <summary>
    /// The timestamp held by the first of <paramref name="fields"/> (in their order of preference) that is a top-level
    /// property of the object in <paramref name="json"/> and holds one: a number (Unix time in the field's unit), a string of
    /// digits (the same), or an ISO 8601 / RFC 3339 string. A nested property of the same name is not the line's time.
    /// </summary>
    /// <remarks>Reading stops at the most preferred field. JSON that breaks off (a cut line) keeps what was found before.</remarks>
    public static bool TryFind(ReadOnlySpan<byte> json, ReadOnlySpan<JsonTimestampField> fields, out long unixNanos)
    {
        unixNanos = 0;
        var found = fields.Length; // the index of the field unixNanos came from; fewer is preferred
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 256 });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = IndexOf(ref reader, fields, found);
                if (!reader.Read())
                {
                    break;
                }

                if (field >= 0 && TryValue(ref reader, fields[field].Unit, out var value))
                {
                    unixNanos = value;
                    found = field;
                    if (found == 0)
                    {
                        return true;
                    }
                }
                else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // Malformed or cut JSON: a timestamp read before the fault still dates the line.
        }

        return found < fields.Length;
    }

    // The index of the field the current property name is, among the first `before` fields (only a preferred one matters).
    private static int IndexOf(ref Utf8JsonReader reader, ReadOnlySpan<JsonTimestampField> fields, int before)
    {
        for (var i = 0; i < before; i++)
        {
            if (reader.ValueTextEquals(fields[i].Name))
            {
                return i;
            }
        }

        return -1;
    }

    private static bool TryValue(ref Utf8JsonReader reader, EpochUnit unit, out long unixNanos)
    {
        unixNanos = 0;
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return TimestampParser.TryParseEpoch(reader.ValueSpan, unit, out unixNanos);
            case JsonTokenType.String when !reader.ValueIsEscaped:
                return TryText(reader.ValueSpan, unit, out unixNanos);
            case JsonTokenType.String when reader.ValueSpan.Length <= MaxEscapedLength:
                Span<byte> unescaped = stackalloc byte[MaxEscapedLength];
                var length = reader.CopyString(unescaped);
                return TryText(unescaped[..length], unit, out unixNanos);
            default:
                return false;
        }
    }

    private static bool TryText(ReadOnlySpan<byte> text, EpochUnit unit, out long unixNanos) =>
        TimestampParser.TryParseEpoch(text, unit, out unixNanos) || TimestampParser.TryParseIso8601Exact(text, out unixNanos);
}
