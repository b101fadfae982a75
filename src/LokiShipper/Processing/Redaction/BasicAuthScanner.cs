using System.Buffers;
using System.Buffers.Text;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>basic_auth</c>: the password of a URL's user information, <c>scheme://user:password@host</c>, and the
/// credentials of an <c>Authorization: Basic …</c> header. The scheme and the user name stay
/// (<c>postgres://app:[REDACTED:basic_auth]@db.internal:5432</c>): they say which account was used, and are not what
/// opens it. The authority ends at the first '/', '?', '#', blank, quote or backslash, and the password runs to the last '@'
/// before it, so an unencoded '@' in a password is still taken whole. A header's value is redacted only when it is
/// base64 of text holding a ':', as <c>user:password</c> is, so <c>basic information</c> is prose.
/// </summary>
internal static class BasicAuthScanner
{
    /// <summary>Longest header value decoded on the stack; longer ones are not credentials anyone logs.</summary>
    private const int MaxHeaderValue = 1024;

    /// <summary>What <see cref="CredentialFinder"/> looks for: the end of a URL's scheme.</summary>
    public const string UrlNeedle = "://";

    /// <summary>What <see cref="CredentialFinder"/> looks for, in any case: the scheme of a header.</summary>
    public const string HeaderNeedle = "basic";

    /// <summary>Takes the password of a URL whose "://" is at <paramref name="separator"/>; returns where to look on from.</summary>
    public static int AtUrl(ReadOnlySpan<byte> line, int separator, ref HitList hits)
    {
        var authority = separator + UrlNeedle.Length;
        if (separator == 0 || !LineBytes.IsLetterOrDigit(line[separator - 1]))
        {
            return authority;
        }

        var length = line[authority..].IndexOfAny("/?#\"'`<> \t\\"u8);
        var end = length < 0 ? line.Length : authority + length;
        var at = line[authority..end].LastIndexOf((byte)'@');
        var colon = at < 0 ? -1 : line.Slice(authority, at).IndexOf((byte)':');
        if (colon >= 0 && colon + 1 < at && hits.TryAdd(authority + colon + 1, authority + at, RedactionRule.BasicAuth))
        {
            return end;
        }

        return authority;
    }

    /// <summary>Takes the credentials after the word "basic" at <paramref name="word"/>, if they are; returns where to look on from.</summary>
    public static int AtHeader(ReadOnlySpan<byte> line, int word, ref HitList hits)
    {
        var after = word + HeaderNeedle.Length;
        var start = after;
        while (start < line.Length && line[start] is (byte)' ' or (byte)'\t')
        {
            start++;
        }

        var end = start;
        while (end < line.Length && (LineBytes.IsLetterOrDigit(line[end]) || line[end] is (byte)'+' or (byte)'/' or (byte)'='))
        {
            end++;
        }

        if (start > after && LineBytes.StartsWord(line, word) && LineBytes.EndsWord(line, end) && IsCredentials(line[start..end])
            && hits.TryAdd(start, end, RedactionRule.BasicAuth))
        {
            return end;
        }

        return word + 1;
    }

    /// <summary>True for base64 whose decoded bytes hold a ':' (user:password).</summary>
    private static bool IsCredentials(ReadOnlySpan<byte> value)
    {
        if (value.Length < 8 || value.Length % 4 != 0 || value.Length > MaxHeaderValue)
        {
            return false;
        }

        Span<byte> decoded = stackalloc byte[MaxHeaderValue / 4 * 3];
        return Base64.DecodeFromUtf8(value, decoded, out _, out var written) == OperationStatus.Done
            && decoded[..written].Contains((byte)':');
    }
}
