using System.Text;

namespace LokiShipper.Sources.CloudWatch;

/// <summary>Resolves the escapes of a JSON string's raw text into UTF-8.</summary>
/// <remarks>
/// Our own rather than <see cref="System.Text.Json.Utf8JsonReader.CopyString(Span{byte})"/>, which throws
/// InvalidOperationException on an unpaired surrogate escape (<c>\ud800</c>) or on invalid UTF-8 beside an escape.
/// One such message would then fail its whole record. Here it becomes U+FFFD, as Go's encoding/json (and so
/// lambda-promtail) decodes it, and raw bytes pass through as they do in unescaped strings.
/// </remarks>
internal static class JsonEscapes
{
    private const int ReplacementCharacter = 0xFFFD;

    /// <summary>
    /// Writes the unescaped string to <paramref name="destination"/>, which needs no more room than
    /// <paramref name="escaped"/> takes (no escape is shorter than what it stands for).
    /// </summary>
    /// <param name="escaped">The string's text between its quotes.</param>
    /// <returns>The bytes written, or -1 when an escape is malformed (not JSON).</returns>
    public static int Unescape(ReadOnlySpan<byte> escaped, Span<byte> destination)
    {
        var written = 0;
        while (true)
        {
            var backslash = escaped.IndexOf((byte)'\\');
            if (backslash < 0)
            {
                escaped.CopyTo(destination[written..]);
                return written + escaped.Length;
            }

            escaped[..backslash].CopyTo(destination[written..]);
            written += backslash;
            if (backslash + 1 >= escaped.Length)
            {
                return -1;
            }

            var kind = escaped[backslash + 1];
            escaped = escaped[(backslash + 2)..];
            if (SingleCharacter(kind) is var single and >= 0)
            {
                destination[written++] = (byte)single;
                continue;
            }

            if (kind != 'u' || !TryReadHex4(escaped, out var codePoint))
            {
                return -1;
            }

            escaped = escaped[4..];
            if (codePoint is >= 0xD800 and <= 0xDBFF
                && escaped.Length >= 6 && escaped[0] == '\\' && escaped[1] == 'u'
                && TryReadHex4(escaped[2..], out var low) && low is >= 0xDC00 and <= 0xDFFF)
            {
                codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                escaped = escaped[6..];
            }
            else if (codePoint is >= 0xD800 and <= 0xDFFF)
            {
                codePoint = ReplacementCharacter;
            }

            written += new Rune(codePoint).EncodeToUtf8(destination[written..]);
        }
    }

    /// <summary>What a two-character escape (<c>\n</c>, <c>\"</c>, …) stands for, or -1 for <c>\u</c> and invalid ones.</summary>
    private static int SingleCharacter(byte kind) => kind switch
    {
        (byte)'"' or (byte)'\\' or (byte)'/' => kind,
        (byte)'b' => '\b',
        (byte)'f' => '\f',
        (byte)'n' => '\n',
        (byte)'r' => '\r',
        (byte)'t' => '\t',
        _ => -1,
    };

    private static bool TryReadHex4(ReadOnlySpan<byte> text, out int value)
    {
        value = 0;
        if (text.Length < 4)
        {
            return false;
        }

        for (var i = 0; i < 4; i++)
        {
            var digit = HexDigit(text[i]);
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | digit;
        }

        return true;
    }

    private static int HexDigit(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };
}
