namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>bearer</c>: the token after the word <c>Bearer</c> (any case) and blanks; the word stays. A token is the
/// characters of RFC 6750 (letters, digits, <c>-._~+/</c>, trailing '=') and '_'. So that prose and broken
/// configuration stay readable (<c>bearer of bad news</c>, <c>Bearer undefined</c>, <c>Bearer null</c>), a token must
/// be at least 8 characters and hold something other than letters, or be at least 20 characters.
/// </summary>
internal static class BearerScanner
{
    public static void Scan(ReadOnlySpan<byte> line, ref HitList hits)
    {
        ScanFor(line, "earer"u8, ref hits);
        ScanFor(line, "EARER"u8, ref hits);
    }

    private static void ScanFor(ReadOnlySpan<byte> line, ReadOnlySpan<byte> needle, ref HitList hits)
    {
        var from = 0;
        while (from < line.Length)
        {
            var found = line[from..].IndexOf(needle);
            if (found < 0)
            {
                return;
            }

            var word = from + found - 1;
            from += found + needle.Length;
            if (word < 0 || (line[word] | 0x20) != 'b' || !LineBytes.StartsWord(line, word))
            {
                continue;
            }

            var start = from;
            while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
            {
                start++;
            }

            var end = TokenEnd(line, start);
            if (start > from && end > start && hits.TryAdd(start, end, RedactionRule.Bearer))
            {
                from = end;
            }
        }
    }

    private static bool IsTokenByte(byte b) => LineBytes.IsWord(b) || b is (byte)'-' or (byte)'.' or (byte)'~' or (byte)'+' or (byte)'/';

    /// <summary>The end of a token that looks like a credential, or -1.</summary>
    private static int TokenEnd(ReadOnlySpan<byte> line, int start)
    {
        var end = start;
        var lettersOnly = true;
        while (end < line.Length && IsTokenByte(line[end]))
        {
            lettersOnly &= LineBytes.IsLetter(line[end]);
            end++;
        }

        // A sentence's full stop is not part of the token.
        while (end > start && line[end - 1] == '.')
        {
            end--;
        }

        while (end < line.Length && line[end] == '=')
        {
            end++;
            lettersOnly = false;
        }

        var length = end - start;
        return length >= 20 || (length >= 8 && !lettersOnly) ? end : -1;
    }
}
