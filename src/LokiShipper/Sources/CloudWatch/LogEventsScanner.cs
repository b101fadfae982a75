using System.Buffers;
using LokiShipper.Buffers;
using LokiShipper.Pipeline;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>
/// The fast path for a <c>logEvents</c> array as CloudWatch Logs writes it: compact JSON, each event an object of
/// <c>id</c> (a string), <c>timestamp</c> (an integer) and <c>message</c> (a string), in any order. It gives up on
/// anything else (whitespace, null, another field, a missing one, a number that is not a plain integer, a control
/// character, a malformed escape, a timestamp out of range) and the caller reads the array again with the
/// Utf8JsonReader loop, which accepts every valid form and names the problem in invalid ones. So where this path
/// succeeds, its result is the reader's: a test compares the two on every sample and on mutated ones.
/// </summary>
/// <remarks>
/// Why hand-written: Utf8JsonReader walks every token of the array, and the loop around it checks each property
/// name and reads each number through the reader; that loop was about half of the decode stage. This scanner finds
/// each string's end with a vectorised search and takes under a third of the loop's time (docs/performance.md).
/// </remarks>
internal static class LogEventsScanner
{
    /// <summary>Where a JSON string stops being plain text: its closing quote, an escape, or a control character (invalid).</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (byte)c), (byte)'"', (byte)'\\']);

    /// <summary>Reads the events of an array whose '[' ends just before <paramref name="position"/>.</summary>
    /// <param name="json">The whole record's JSON.</param>
    /// <param name="lines">Where messages are written, unescaped, from <paramref name="offset"/> on.</param>
    /// <param name="events">Receives the events; holds a partial list when this returns false.</param>
    /// <param name="used">Bytes of <paramref name="lines"/> written.</param>
    /// <param name="end">The index of the array's closing ']'.</param>
    /// <returns>False when the array is not in the form this path reads.</returns>
    public static bool TryRead(ReadOnlySpan<byte> json, int position, byte[] lines, int offset, LineBuffer events, out int used, out int end)
    {
        used = 0;
        end = position;
        var pos = position;
        var written = offset;
        if (At(json, pos) == ']')
        {
            end = pos;
            return true;
        }

        while (true)
        {
            if (At(json, pos) != '{')
            {
                return false;
            }

            pos++;
            long? timestamp = null;
            int messageStart = -1, messageLength = 0;
            while (true)
            {
                if (At(json, pos) != '"')
                {
                    return false;
                }

                // Property names: only the three CloudWatch writes, unescaped; anything else goes to the reader.
                var name = json[(pos + 1)..];
                if (name.StartsWith("message\":"u8))
                {
                    pos += 10;
                    var start = written;
                    if (!TryReadString(json, ref pos, lines, ref written))
                    {
                        return false;
                    }

                    (messageStart, messageLength) = (start, written - start);
                }
                else if (name.StartsWith("timestamp\":"u8))
                {
                    pos += 12;
                    if (!TryReadInteger(json, ref pos, out var value))
                    {
                        return false;
                    }

                    timestamp = value;
                }
                else if (name.StartsWith("id\":"u8))
                {
                    pos += 5;
                    if (!TrySkipPlainString(json, ref pos))
                    {
                        return false;
                    }
                }
                else
                {
                    return false;
                }

                var next = At(json, pos++);
                if (next == '}')
                {
                    break;
                }

                if (next != ',')
                {
                    return false;
                }
            }

            if (timestamp is not { } ms || ms is < SubscriptionParser.MinTimestampMs or > SubscriptionParser.MaxTimestampMs || messageStart < 0)
            {
                return false; // the reader's loop reports it, as the first problem of the record
            }

            events.Add(new LogLine(ms * LogLine.NanosPerMilli, lines.AsMemory(messageStart, messageLength)));
            var separator = At(json, pos);
            if (separator == ']')
            {
                end = pos;
                used = written - offset;
                return true;
            }

            if (separator != ',')
            {
                return false;
            }

            pos++;
        }
    }

    /// <summary>The byte at <paramref name="index"/>, or -1 past the end.</summary>
    private static int At(ReadOnlySpan<byte> json, int index) => (uint)index < (uint)json.Length ? json[index] : -1;

    /// <summary>Copies the string at <paramref name="pos"/> (its opening quote) into the lines, unescaped.</summary>
    private static bool TryReadString(ReadOnlySpan<byte> json, ref int pos, byte[] lines, ref int written)
    {
        if (At(json, pos) != '"')
        {
            return false;
        }

        var start = pos + 1;
        var stop = json[start..].IndexOfAny(StringStops);
        if (stop < 0)
        {
            return false;
        }

        if (json[start + stop] == '"')
        {
            json.Slice(start, stop).CopyTo(lines.AsSpan(written));
            written += stop;
            pos = start + stop + 1;
            return true;
        }

        // Escaped: find the closing quote (each backslash escapes the byte after it), then resolve the escapes.
        var at = start + stop;
        while (json[at] == '\\')
        {
            at += 2;
            var more = (uint)at < (uint)json.Length ? json[at..].IndexOfAny(StringStops) : -1;
            if (more < 0)
            {
                return false;
            }

            at += more;
        }

        if (json[at] != '"')
        {
            return false; // a control character: not JSON
        }

        var length = JsonEscapes.Unescape(json[start..at], lines.AsSpan(written));
        if (length < 0)
        {
            return false;
        }

        written += length;
        pos = at + 1;
        return true;
    }

    /// <summary>Skips a string without escapes (CloudWatch's ids are digits).</summary>
    private static bool TrySkipPlainString(ReadOnlySpan<byte> json, ref int pos)
    {
        if (At(json, pos) != '"')
        {
            return false;
        }

        var stop = json[(pos + 1)..].IndexOfAny(StringStops);
        if (stop < 0 || json[pos + 1 + stop] != '"')
        {
            return false;
        }

        pos += stop + 2;
        return true;
    }

    /// <summary>A JSON integer with no fraction or exponent, of at most 18 digits (so it cannot overflow).</summary>
    private static bool TryReadInteger(ReadOnlySpan<byte> json, ref int pos, out long value)
    {
        value = 0;
        var negative = At(json, pos) == '-';
        var first = negative ? pos + 1 : pos;
        var at = first;
        while (At(json, at) is >= '0' and <= '9')
        {
            value = (value * 10) + (json[at] - '0');
            at++;
        }

        var digits = at - first;
        if (digits is 0 or > 18 || (digits > 1 && json[first] == '0'))
        {
            return false; // no digits, too many, or a leading zero (not JSON)
        }

        value = negative ? -value : value;
        pos = at;
        return true;
    }
}
