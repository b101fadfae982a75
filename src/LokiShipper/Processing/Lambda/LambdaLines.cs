using System.Text.Json;

namespace LokiShipper.Processing.Lambda;

/// <summary>
/// Reads the level and request id of the lines Lambda writes, from their bytes, without allocating:
/// <list type="bullet">
/// <item>the text format of the managed runtimes: <c>2026-11-30T10:04:31.123Z\t&lt;request id&gt;\tINFO\tmessage</c>
/// (Node.js, .NET, Java) and <c>[INFO]\t2026-11-30T10:04:31.123Z\t&lt;request id&gt;\tmessage</c> (Python);</item>
/// <item>the platform's lines: <c>START RequestId: …</c>, <c>END RequestId: …</c>, <c>REPORT RequestId: …</c>,
/// <c>INIT_START …</c>, <c>INIT_REPORT …</c>, <c>RESTORE_START …</c>, <c>RESTORE_REPORT …</c>, <c>EXTENSION …</c>, <c>TELEMETRY …</c>;</item>
/// <item>the JSON format (<c>LoggingConfig.LogFormat: JSON</c>): <c>{"timestamp","level","requestId","message",…}</c>
/// and the platform's <c>{"time","type":"platform.start","record":{"requestId",…}}</c> records.</item>
/// </list>
/// </summary>
internal static class LambdaLines
{
    public static LambdaLine Read(ReadOnlySpan<byte> line)
    {
        if (line.IsEmpty)
        {
            return default;
        }

        return line[0] switch
        {
            (byte)'{' => ReadJson(line),
            (byte)'[' => ReadPythonText(line),
            >= (byte)'0' and <= (byte)'9' => ReadText(line),
            (byte)'S' or (byte)'E' or (byte)'R' or (byte)'I' or (byte)'T' => ReadPlatform(line),
            _ => default,
        };
    }

    /// <summary>
    /// One of the lines the Lambda platform writes around an invocation (<c>START</c>, <c>END</c>, <c>REPORT</c>,
    /// <c>INIT_…</c>, ...): they mark where one invocation's output ends, so multiline joining never carries a trace
    /// across them.
    /// </summary>
    public static bool IsPlatformLine(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[0] is (byte)'S' or (byte)'E' or (byte)'R' or (byte)'I' or (byte)'T' && ReadPlatform(line).IsPlatform;

    /// <summary>
    /// A line a Lambda runtime writes for one call of its logger (text format, with a request id), or the timeout
    /// notice: a message of its own, whatever comes before it.
    /// </summary>
    public static bool IsRuntimeLine(ReadOnlySpan<byte> line) =>
        line.Length > 0 && line[0] is (byte)'[' or (>= (byte)'0' and <= (byte)'9') && !Read(line).RequestId.IsEmpty;

    /// <summary>Loki 3's spelling of a level word (what <c>detected_level</c> holds), or null when it is not one.</summary>
    public static string? Level(ReadOnlySpan<byte> word)
    {
        Span<byte> lower = stackalloc byte[12];
        if (word.IsEmpty || word.Length > lower.Length)
        {
            return null;
        }

        for (var i = 0; i < word.Length; i++)
        {
            var b = word[i];
            lower[i] = b is >= (byte)'A' and <= (byte)'Z' ? (byte)(b + 32) : b;
        }

        ReadOnlySpan<byte> w = lower[..word.Length];
        return w.SequenceEqual("info"u8) || w.SequenceEqual("information"u8) ? "info"
            : w.SequenceEqual("error"u8) || w.SequenceEqual("err"u8) ? "error"
            : w.SequenceEqual("warn"u8) || w.SequenceEqual("warning"u8) ? "warn"
            : w.SequenceEqual("debug"u8) ? "debug"
            : w.SequenceEqual("trace"u8) ? "trace"
            : w.SequenceEqual("fatal"u8) ? "fatal"
            : w.SequenceEqual("critical"u8) || w.SequenceEqual("crit"u8) ? "critical"
            : null;
    }

    /// <summary><c>2026-11-30T10:04:31.123Z\t&lt;request id&gt;\tLEVEL\tmessage</c>; the level field is absent in older runtimes.</summary>
    private static LambdaLine ReadText(ReadOnlySpan<byte> line)
    {
        if (!IsTimestamp(line, out var afterTime))
        {
            return default;
        }

        var rest = line[afterTime..];
        var tab = rest.IndexOfAny((byte)'\t', (byte)' ');
        var requestId = tab < 0 ? rest : rest[..tab];
        if (!IsRequestId(requestId))
        {
            return default;
        }

        string? level = null;
        if (tab >= 0 && rest[tab] == '\t')
        {
            var after = rest[(tab + 1)..];
            var end = after.IndexOf((byte)'\t');
            level = end > 0 ? Level(after[..end]) : null;
        }

        return new LambdaLine(level, requestId, IsPlatform: false);
    }

    /// <summary><c>[LEVEL]\t2026-11-30T10:04:31.123Z\t&lt;request id&gt;\tmessage</c> (Python's runtime).</summary>
    private static LambdaLine ReadPythonText(ReadOnlySpan<byte> line)
    {
        var close = line.IndexOf("]\t"u8);
        if (close < 2 || Level(line[1..close]) is not { } level)
        {
            return default;
        }

        var rest = line[(close + 2)..];
        if (!IsTimestamp(rest, out var afterTime))
        {
            return new LambdaLine(level, default, IsPlatform: false);
        }

        rest = rest[afterTime..];
        var tab = rest.IndexOf((byte)'\t');
        var requestId = tab < 0 ? rest : rest[..tab];
        return new LambdaLine(level, IsRequestId(requestId) ? requestId : default, IsPlatform: false);
    }

    private static LambdaLine ReadPlatform(ReadOnlySpan<byte> line)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["START RequestId: ", "END RequestId: ", "REPORT RequestId: "])
        {
            if (StartsWithAscii(line, prefix))
            {
                var rest = line[prefix.Length..];
                var end = rest.IndexOfAny((byte)' ', (byte)'\t', (byte)'\n');
                var requestId = end < 0 ? rest : rest[..end];
                return new LambdaLine(null, IsRequestId(requestId) ? requestId : default, IsPlatform: true);
            }
        }

        foreach (var prefix in (ReadOnlySpan<string>)["INIT_START ", "INIT_REPORT ", "RESTORE_START ", "RESTORE_REPORT ", "EXTENSION\t", "EXTENSION ", "TELEMETRY\t", "TELEMETRY "])
        {
            if (StartsWithAscii(line, prefix))
            {
                return new LambdaLine(null, default, IsPlatform: true);
            }
        }

        return default;
    }

    /// <summary>The top-level <c>level</c>, <c>requestId</c> and <c>type</c> of a JSON line, and <c>record.requestId</c> of a platform record.</summary>
    private static LambdaLine ReadJson(ReadOnlySpan<byte> line)
    {
        // Cheap refusal first: most JSON lines of other programs carry neither.
        if (line.IndexOf("\"requestId\""u8) < 0 && line.IndexOf("\"platform."u8) < 0)
        {
            return default;
        }

        var reader = new Utf8JsonReader(line);
        string? level = null;
        var requestId = (Start: 0, Length: 0);
        var platform = false;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var field = reader.ValueTextEquals("level"u8) ? 1
                    : reader.ValueTextEquals("requestId"u8) ? 2
                    : reader.ValueTextEquals("type"u8) ? 3
                    : reader.ValueTextEquals("record"u8) ? 4
                    : 0;
                reader.Read();
                switch (field)
                {
                    case 1 when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped:
                        level = Level(reader.ValueSpan);
                        break;
                    case 2 when reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped:
                        requestId = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                        break;
                    case 3 when reader.TokenType == JsonTokenType.String:
                        platform = reader.ValueSpan.StartsWith("platform."u8);
                        break;
                    case 4 when reader.TokenType == JsonTokenType.StartObject:
                        var nested = NestedRequestId(ref reader);
                        requestId = requestId.Length == 0 ? nested : requestId;
                        continue;
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            return default;
        }

        var id = line.Slice(requestId.Start, requestId.Length);
        return new LambdaLine(level, IsRequestId(id) ? id : default, platform);
    }

    /// <summary>Reads the object the reader is at to its end, returning where its <c>requestId</c> string is in the line, if any.</summary>
    private static (int Start, int Length) NestedRequestId(ref Utf8JsonReader reader)
    {
        var found = (Start: 0, Length: 0);
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("requestId"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && !reader.ValueIsEscaped)
                {
                    found = ((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
                }
            }
        }

        return found;
    }

    /// <summary>
    /// <c>yyyy-MM-ddTHH:mm:ss[.fff…]Z</c> followed by a tab (a space in the timeout notice); <paramref name="after"/>
    /// is past it.
    /// </summary>
    private static bool IsTimestamp(ReadOnlySpan<byte> line, out int after)
    {
        after = 0;
        if (line.Length < 21 || line[4] != '-' || line[7] != '-' || line[10] != 'T' || line[13] != ':' || line[16] != ':')
        {
            return false;
        }

        var tab = line[..Math.Min(line.Length, 40)].IndexOfAny((byte)'\t', (byte)' ');
        if (tab < 20 || line[tab - 1] != 'Z')
        {
            return false;
        }

        after = tab + 1;
        return true;
    }

    /// <summary>A request id: 8-4-4-4-12 hexadecimal digits (a UUID), as Lambda gives them.</summary>
    private static bool IsRequestId(ReadOnlySpan<byte> value)
    {
        if (value.Length != 36 || value[8] != '-' || value[13] != '-' || value[18] != '-' || value[23] != '-')
        {
            return false;
        }

        foreach (var b in value)
        {
            if (b != '-' && !char.IsAsciiHexDigit((char)b))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWithAscii(ReadOnlySpan<byte> line, string prefix)
    {
        if (line.Length < prefix.Length)
        {
            return false;
        }

        for (var i = 0; i < prefix.Length; i++)
        {
            if (line[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }
}
