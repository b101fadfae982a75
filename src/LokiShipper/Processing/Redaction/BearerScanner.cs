namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>bearer</c>: the token after the word <c>Bearer</c> (any case) and blanks; the word stays. A token is the
/// characters of RFC 6750 (letters, digits, <c>-._~+/</c>, trailing '=') and '_'. So that prose and broken
/// configuration stay readable (<c>bearer of bad news</c>, <c>Bearer undefined</c>, <c>Bearer null</c>), a token must
/// be at least 8 characters and hold something other than letters, or be at least 20 characters.
/// </summary>
internal static class BearerScanner
{
    /// <summary>What <see cref="CredentialFinder"/> looks for, in any case.</summary>
    public const string Needle = "bearer";

    /// <summary>Takes the token after the word at <paramref name="word"/>, if there is one; returns where to look on from.</summary>
    public static int At(ReadOnlySpan<byte> line, int word, ref HitList hits)
    {
        var after = word + Needle.Length;
        var start = after;
        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = TokenEnd(line, start);
        if (start > after && end > start && LineBytes.StartsWord(line, word) && hits.TryAdd(start, end, RedactionRule.Bearer))
        {
            return end;
        }

        return word + 1;
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
