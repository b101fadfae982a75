namespace LokiShipper.Processing.Redaction;

/// <summary>
/// The text every match of a user's pattern must start with, when the pattern says so plainly: a run of ordinary
/// characters at its start (<c>customer_id=\d+</c> → <c>customer_id=</c>). A line without that text needs neither
/// decoding nor the regex. Anything less plain gives no literal, and the regex decides: a '|' anywhere (the run might
/// be one alternative), an escape, a class or a group at the start. A quantifier after the run makes its last
/// character optional, so it is left out.
/// </summary>
internal static class PatternLiteral
{
    /// <summary>Shorter runs are found too often to save anything.</summary>
    private const int MinLength = 3;

    public static string? RequiredPrefix(string pattern)
    {
        if (pattern.Contains('|', StringComparison.Ordinal))
        {
            return null;
        }

        var end = 0;
        while (end < pattern.Length && IsPlain(pattern[end]))
        {
            end++;
        }

        if (end < pattern.Length && pattern[end] is '?' or '*' or '{')
        {
            end--;
        }

        return end >= MinLength ? pattern[..end] : null;
    }

    /// <summary>Characters that match themselves wherever they stand outside a class (no option can change that but x, which needs a group first).</summary>
    private static bool IsPlain(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '_' or '=' or ':' or '-' or '"' or '\'' or '/' or ',' or ';' or '@' or '%' or '&' or '!' or '<' or '>' or '~';
}
