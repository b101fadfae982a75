using System.Buffers;
using System.Buffers.Text;

namespace LokiShipper.Processing.Redaction;

/// <summary>
/// <c>basic_auth</c>: the password of a URL's user information, <c>scheme://user:password@host</c>, and the
/// credentials of an <c>Authorization: Basic …</c> header. The scheme and the user name stay
/// (<c>postgres://app:[REDACTED:basic_auth]@db.internal:5432</c>): they say which account was used, and are not what
/// opens it. The authority ends at the first '/', '?', '#', blank or quote, and the password runs to the last '@'
/// before it, so an unencoded '@' in a password is still taken whole. A header's value is redacted only when it is
/// base64 of text holding a ':', as <c>user:password</c> is, so <c>basic information</c> is prose.
/// </summary>
internal static class BasicAuthScanner
{
    /// <summary>Longest header value decoded on the stack; longer ones are not credentials anyone logs.</summary>
    private const int MaxHeaderValue = 1024;

    public static void Scan(ReadOnlySpan<byte> line, ref HitList hits)
    {
        ScanUrls(line, ref hits);
        ScanHeaders(line, "asic"u8, ref hits);
        ScanHeaders(line, "ASIC"u8, ref hits);
    }

    private static void ScanUrls(ReadOnlySpan<byte> line, ref HitList hits)
    {
        var from = 0;
        while (from < line.Length)
        {
            var found = line[from..].IndexOf("://"u8);
            if (found < 0)
            {
                return;
            }

            var separator = from + found;
            var authority = separator + 3;
            from = authority;
            if (separator == 0 || !LineBytes.IsLetterOrDigit(line[separator - 1]))
            {
                continue;
            }

            var length = line[authority..].IndexOfAny("/?#\"'`<> \t\\"u8);
            var end = length < 0 ? line.Length : authority + length;
            var at = line[authority..end].LastIndexOf((byte)'@');
            if (at < 0)
            {
                continue;
            }

            var colon = line.Slice(authority, at).IndexOf((byte)':');
            if (colon >= 0 && colon + 1 < at && hits.TryAdd(authority + colon + 1, authority + at, RedactionRule.BasicAuth))
            {
                from = end;
            }
        }
    }

    private static void ScanHeaders(ReadOnlySpan<byte> line, ReadOnlySpan<byte> needle, ref HitList hits)
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

            var end = start;
            while (end < line.Length && (LineBytes.IsLetterOrDigit(line[end]) || line[end] is (byte)'+' or (byte)'/' or (byte)'='))
            {
                end++;
            }

            if (start > from && LineBytes.EndsWord(line, end) && IsCredentials(line[start..end]) && hits.TryAdd(start, end, RedactionRule.BasicAuth))
            {
                from = end;
            }
        }
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
