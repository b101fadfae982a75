namespace LokiShipper.Processing.Multiline;

/// <summary>
/// The lines Lambda itself writes around an invocation. They mark where one invocation's output ends and the next
/// begins, so in every mode none of them is ever joined onto the line before it, and a platform line
/// (<c>START</c>, <c>END</c>, <c>REPORT</c>…) takes nothing after it either: a trace is never carried across
/// invocations, even by a user's pattern that does not match these lines.
/// </summary>
internal static class LambdaLines
{
    /// <summary>Length of a request id: <c>8-4-4-4-12</c> hex digits and dashes.</summary>
    private const int RequestIdLength = 36;

    /// <summary>Lambda's own text-format lines: <c>START RequestId: …</c>, <c>END RequestId: …</c>, <c>REPORT RequestId: …</c>, <c>INIT_START …</c>, <c>INIT_REPORT …</c>, <c>RESTORE_…</c>, <c>EXTENSION</c>, <c>TELEMETRY</c>.</summary>
    public static bool IsPlatformLine(ReadOnlySpan<byte> line) => line.Length > 0 && line[0] switch
    {
        (byte)'S' => line.StartsWith("START RequestId: "u8),
        (byte)'E' => line.StartsWith("END RequestId: "u8) || line.StartsWith("EXTENSION\t"u8),
        (byte)'R' => line.StartsWith("REPORT RequestId: "u8) || line.StartsWith("RESTORE_"u8),
        (byte)'I' => line.StartsWith("INIT_"u8),
        (byte)'T' => line.StartsWith("TELEMETRY\t"u8),
        _ => false,
    };

    /// <summary>
    /// A line a Lambda runtime writes for one call of its logger: <c>2026-11-30T10:04:31.123Z\t&lt;request id&gt;\tERROR\t…</c>
    /// (Node.js, .NET, Java), <c>[ERROR]\t2026-11-30T10:04:31.123Z\t&lt;request id&gt;\t…</c> (Python), or the
    /// timeout notice with spaces instead of tabs. Such a line is a message of its own, whatever comes before it.
    /// </summary>
    public static bool IsRuntimeLine(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[0] == (byte)'[')
        {
            var close = line[..Math.Min(line.Length, 12)].IndexOf("]\t"u8);
            if (close < 2)
            {
                return false;
            }

            line = line[(close + 2)..];
        }

        if (line.Length < 11 || !IsDigits(line[..4]) || line[4] != (byte)'-' || line[7] != (byte)'-' || line[10] != (byte)'T')
        {
            return false;
        }

        var separator = line[..Math.Min(line.Length, 40)].IndexOfAny((byte)'\t', (byte)' ');
        if (separator < 0)
        {
            return false;
        }

        var id = line[(separator + 1)..];
        return id.Length > RequestIdLength && id[RequestIdLength] is (byte)'\t' or (byte)' ' && IsRequestId(id[..RequestIdLength]);
    }

    private static bool IsDigits(ReadOnlySpan<byte> text) => text.IndexOfAnyExceptInRange((byte)'0', (byte)'9') < 0;

    private static bool IsRequestId(ReadOnlySpan<byte> id)
    {
        for (var i = 0; i < id.Length; i++)
        {
            var dash = i is 8 or 13 or 18 or 23;
            if (dash ? id[i] != (byte)'-' : !char.IsAsciiHexDigit((char)id[i]))
            {
                return false;
            }
        }

        return true;
    }
}
