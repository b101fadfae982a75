namespace LokiShipper.Processing.Redaction;

/// <summary>ASCII byte classes and word boundaries, for the rules that scan UTF-8 lines without decoding them.</summary>
internal static class LineBytes
{
    public static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

    public static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    public static bool IsUpper(byte b) => (uint)(b - 'A') <= 'Z' - 'A';

    public static bool IsLetterOrDigit(byte b) => IsDigit(b) || IsLetter(b);

    public static bool IsHexDigit(byte b) => IsDigit(b) || (uint)((b | 0x20) - 'a') <= 'f' - 'a';

    /// <summary>Letters, digits and '_': what a value must not continue into for a rule to take it whole.</summary>
    public static bool IsWord(byte b) => IsLetterOrDigit(b) || b == '_';

    /// <summary>
    /// True when nothing word-like stands right before <paramref name="start"/>. The letter of a backslash escape
    /// (<c>\n</c>, <c>\t</c>, ... in JSON or quoted text) does not count: in <c>"line\n10.0.0.1"</c> the address
    /// starts a word.
    /// </summary>
    public static bool StartsWord(ReadOnlySpan<byte> line, int start)
    {
        if (start == 0 || !IsWord(line[start - 1]))
        {
            return true;
        }

        return line[start - 1] is (byte)'n' or (byte)'t' or (byte)'r' or (byte)'b' or (byte)'f' && IsEscaped(line, start - 1);
    }

    /// <summary>True when nothing word-like follows the value ending at <paramref name="end"/>.</summary>
    public static bool EndsWord(ReadOnlySpan<byte> line, int end) => end >= line.Length || !IsWord(line[end]);

    /// <summary>True when an odd number of backslashes precedes <paramref name="index"/>: that byte is escaped.</summary>
    public static bool IsEscaped(ReadOnlySpan<byte> line, int index)
    {
        var backslashes = 0;
        while (index - backslashes > 0 && line[index - backslashes - 1] == '\\')
        {
            backslashes++;
        }

        return backslashes % 2 == 1;
    }
}
